"""Deny by default, route by route: every API route is called as every role, and the answer is either allowed (as
the matrix below says) or 403. A route missing from the matrix fails the test, so a new route states who may call it.

Reproduce: ``pytest -q tests/api/test_access_matrix.py``."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI

from app.main import PUBLIC_ROUTES
from tests.api.test_auth import api_routes
from tests.api.test_inspectors import inspector
from tests.support import MakeUser

ADMIN, SECURITY, SUPERVISOR, DEPARTMENT = "admin", "security", "supervisor", "department"
INSPECTOR, PARTNER, AUDITOR, INTEGRATION = "inspector", "partner", "auditor", "integration"
ROLES = (ADMIN, SECURITY, SUPERVISOR, DEPARTMENT, INSPECTOR, PARTNER, AUDITOR, INTEGRATION)
DEPARTMENT_OF = {ADMIN: "BGS", SECURITY: "BGS", SUPERVISOR: "ZJK", DEPARTMENT: "ZF1", INSPECTOR: "ZF1",
                 PARTNER: "SW", AUDITOR: "ZJK", INTEGRATION: "BGS"}
#: The integration account calls through an API key with the smallest useful scope.
INTEGRATION_SCOPES = ["directory:read"]

EVERYONE = frozenset(ROLES)
#: Roles holding directory:read (the integration key has it as its one scope).
READERS = frozenset({ADMIN, SUPERVISOR, DEPARTMENT, INSPECTOR, PARTNER, INTEGRATION})
UNITS = frozenset({SUPERVISOR, DEPARTMENT})
TEAM = frozenset({DEPARTMENT, INSPECTOR})  # results:enter
SCHEDULE_OR_TEAM = UNITS | TEAM
PROVINCIAL_READERS = frozenset({ADMIN, SUPERVISOR})

#: (method, path) → the roles that may call it; everyone else gets 403.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    # identity
    ("GET", "/api/v1/auth/me"): EVERYONE,
    ("POST", "/api/v1/auth/logout"): EVERYONE,
    ("POST", "/api/v1/auth/totp/setup"): EVERYONE - {INTEGRATION},  # an API key has no second factor
    ("POST", "/api/v1/auth/totp/confirm"): EVERYONE - {INTEGRATION},
    ("GET", "/api/v1/users"): frozenset({ADMIN, SECURITY}),
    ("POST", "/api/v1/users"): frozenset({ADMIN}),
    ("PATCH", "/api/v1/users/{user_id}"): frozenset({ADMIN}),
    ("GET", "/api/v1/api-keys"): frozenset({SECURITY}),
    ("POST", "/api/v1/api-keys"): frozenset({SECURITY}),
    ("POST", "/api/v1/api-keys/{key_id}/revoke"): frozenset({SECURITY}),
    ("PATCH", "/api/v1/api-keys/{key_id}"): frozenset({SECURITY}),
    ("POST", "/api/v1/users/{user_id}/unlock"): frozenset({SECURITY}),
    ("POST", "/api/v1/users/{user_id}/totp/reset"): frozenset({SECURITY}),
    ("GET", "/api/v1/users/{user_id}/sessions"): frozenset({SECURITY}),
    ("POST", "/api/v1/users/{user_id}/sessions/revoke"): frozenset({SECURITY}),
    ("GET", "/api/v1/security/events"): frozenset({SECURITY}),
    # calendar subscriptions
    ("POST", "/api/v1/calendar/feeds"): SCHEDULE_OR_TEAM,
    ("GET", "/api/v1/calendar/feeds"): SCHEDULE_OR_TEAM,
    ("DELETE", "/api/v1/calendar/feeds/{feed_id}"): SCHEDULE_OR_TEAM,
    # directories
    ("GET", "/api/v1/departments"): READERS,
    ("GET", "/api/v1/departments/{code}"): READERS,
    ("POST", "/api/v1/departments"): frozenset({SUPERVISOR}),
    ("PATCH", "/api/v1/departments/{code}"): frozenset({SUPERVISOR}),
    ("GET", "/api/v1/check-items"): READERS,
    ("GET", "/api/v1/check-items/{code}"): READERS,
    ("POST", "/api/v1/check-items"): UNITS,
    ("PATCH", "/api/v1/check-items/{code}"): UNITS,
    ("POST", "/api/v1/check-items/{code}/publish"): UNITS,
    ("POST", "/api/v1/check-items/{code}/retire"): UNITS,
    ("DELETE", "/api/v1/check-items/{code}"): UNITS,
    ("GET", "/api/v1/enterprises"): READERS,
    ("POST", "/api/v1/enterprises"): UNITS,
    ("POST", "/api/v1/enterprises/import"): UNITS,
    ("GET", "/api/v1/enterprises/{uscc}"): READERS,
    ("PATCH", "/api/v1/enterprises/{uscc}"): UNITS,
    ("DELETE", "/api/v1/enterprises/{uscc}"): UNITS,
    ("GET", "/api/v1/enterprises/{uscc}/history"): READERS,
    ("GET", "/api/v1/inspectors"): READERS,
    ("GET", "/api/v1/inspectors/certificates/expiring"): READERS,
    ("POST", "/api/v1/inspectors/import"): UNITS,
    ("POST", "/api/v1/inspectors"): UNITS,
    ("GET", "/api/v1/inspectors/{person_id}"): READERS,
    ("PATCH", "/api/v1/inspectors/{person_id}"): UNITS,
    ("DELETE", "/api/v1/inspectors/{person_id}"): UNITS,
    ("POST", "/api/v1/inspectors/{person_id}/conflicts"): UNITS,
    ("DELETE", "/api/v1/inspectors/{person_id}/conflicts/{conflict_id}"): UNITS,
    ("GET", "/api/v1/inspectors/{person_id}/leave"): READERS,
    ("POST", "/api/v1/inspectors/{person_id}/leave"): UNITS,
    ("DELETE", "/api/v1/inspectors/{person_id}/leave/{leave_id}"): UNITS,
    # plans
    ("GET", "/api/v1/plans"): READERS,
    ("POST", "/api/v1/plans"): UNITS,
    ("GET", "/api/v1/plans/{plan_no}"): READERS,
    ("PUT", "/api/v1/plans/{plan_no}"): UNITS,
    ("POST", "/api/v1/plans/{plan_no}/approve"): frozenset({SUPERVISOR}),
    ("POST", "/api/v1/plans/{plan_no}/publish"): frozenset({SUPERVISOR}),
    ("POST", "/api/v1/plans/{plan_no}/complete"): frozenset({SUPERVISOR}),
    ("POST", "/api/v1/plans/{plan_no}/archive"): frozenset({SUPERVISOR}),
    ("GET", "/api/v1/plans/{plan_no}/versions"): READERS,
    ("POST", "/api/v1/plans/{plan_no}/adjustments"): UNITS,
    ("POST", "/api/v1/plan-adjustments/{adjustment_id}/approve"): frozenset({SUPERVISOR}),
    ("POST", "/api/v1/plan-adjustments/{adjustment_id}/reject"): frozenset({SUPERVISOR}),
    ("POST", "/api/v1/plan-adjustments/{adjustment_id}/publish"): frozenset({SUPERVISOR}),
    ("GET", "/api/v1/plans/{plan_no}/tasks/{task_no}/visit-items"): READERS,
    ("GET", "/api/v1/plans/{plan_no}/tasks/{task_no}/quota"): READERS,
    ("GET", "/api/v1/quotas"): READERS,
    ("PUT", "/api/v1/quotas/{year}/{quarter}/{department_code}"): frozenset({SUPERVISOR}),
    ("GET", "/api/v1/compliance"): UNITS,
    # draws
    ("POST", "/api/v1/plans/{plan_no}/tasks/{task_no}/draws"): UNITS,
    ("GET", "/api/v1/draws/{draw_id}"): READERS | {AUDITOR},
    ("POST", "/api/v1/draws/{draw_id}/seed"): UNITS,
    ("POST", "/api/v1/draws/{draw_id}/execute"): UNITS,
    ("POST", "/api/v1/draws/{draw_id}/reveal"): UNITS,
    ("POST", "/api/v1/draws/{draw_id}/replacements"): UNITS,
    ("POST", "/api/v1/draws/{draw_id}/assignments"): UNITS,
    ("POST", "/api/v1/draws/{draw_id}/void-request"): UNITS,
    ("POST", "/api/v1/draws/{draw_id}/void-approve"): frozenset({SUPERVISOR}),
    # schedule
    ("POST", "/api/v1/draws/{draw_id}/schedule"): UNITS,
    ("GET", "/api/v1/visits"): UNITS,
    ("GET", "/api/v1/visits/{visit_id}"): SCHEDULE_OR_TEAM,
    ("POST", "/api/v1/visits/{visit_id}/reschedule"): UNITS,
    ("POST", "/api/v1/visits/{visit_id}/cancel"): UNITS,
    ("GET", "/api/v1/me/visits"): frozenset({INSPECTOR}),  # any account linked to an inspector record
    # on site
    ("GET", "/api/v1/enterprises/{uscc}/code"): UNITS,
    ("POST", "/api/v1/enterprises/{uscc}/code/rotate"): UNITS,
    ("POST", "/api/v1/signing-keys/rotate"): frozenset({ADMIN}),
    ("GET", "/api/v1/visits/{visit_id}/code"): TEAM,
    ("POST", "/api/v1/visits/{visit_id}/check-in"): TEAM,
    ("POST", "/api/v1/visits/{visit_id}/check-out"): TEAM,
    ("GET", "/api/v1/visits/{visit_id}/check-in"): frozenset({SUPERVISOR}),  # device positions: 执法监督科 only
    ("PUT", "/api/v1/visits/{visit_id}/findings/{item_code}"): TEAM,
    ("GET", "/api/v1/visits/{visit_id}/findings"): SCHEDULE_OR_TEAM,
    ("POST", "/api/v1/visits/{visit_id}/photos"): TEAM,
    ("GET", "/api/v1/photos/{photo_id}"): SCHEDULE_OR_TEAM,
    ("POST", "/api/v1/visits/{visit_id}/results"): TEAM,
    ("GET", "/api/v1/visits/{visit_id}/results"): SCHEDULE_OR_TEAM,
    # results and follow-up (results:review)
    ("GET", "/api/v1/results"): UNITS,
    ("POST", "/api/v1/results/{result_id}/review"): UNITS,
    ("POST", "/api/v1/results/{result_id}/publish"): UNITS,
    ("POST", "/api/v1/rectifications"): UNITS,
    ("GET", "/api/v1/rectifications"): UNITS,
    ("GET", "/api/v1/rectifications/{order_id}"): UNITS,
    ("POST", "/api/v1/rectifications/{order_id}/report"): UNITS,
    ("POST", "/api/v1/rectifications/{order_id}/reinspection"): UNITS,
    ("POST", "/api/v1/transfers"): UNITS,
    ("GET", "/api/v1/transfers"): UNITS,
    ("POST", "/api/v1/transfers/{transfer_id}/receipt"): UNITS,
    ("POST", "/api/v1/transfers/{transfer_id}/close"): UNITS,
    ("POST", "/api/v1/sanctions"): UNITS,
    ("GET", "/api/v1/sanctions"): UNITS,
    ("POST", "/api/v1/sanctions/{sanction_id}/decision"): frozenset({SUPERVISOR}),
    ("POST", "/api/v1/visits/{visit_id}/documents"): UNITS,
    ("GET", "/api/v1/documents/{document_id}"): UNITS,
    ("POST", "/api/v1/plans/{plan_no}/tasks/{task_no}/archive"): UNITS,
    ("GET", "/api/v1/plans/{plan_no}/tasks/{task_no}/archive"): UNITS,
    ("POST", "/api/v1/archives/verify"): UNITS | {AUDITOR},
    # deadlines and reports
    ("GET", "/api/v1/deadlines"): SCHEDULE_OR_TEAM,
    ("POST", "/api/v1/reports/submissions"): UNITS,
    ("GET", "/api/v1/reports/submissions"): UNITS,
    ("GET", "/api/v1/reports/monthly"): UNITS,
    ("POST", "/api/v1/reports/quarterly"): UNITS,
    ("GET", "/api/v1/reports/quarterly/{summary_id}"): UNITS,
    ("PATCH", "/api/v1/reports/quarterly/{summary_id}"): UNITS,
    ("POST", "/api/v1/reports/quarterly/{summary_id}/submit"): UNITS,
    ("GET", "/api/v1/reports/quarterly/{summary_id}/export"): UNITS,
    # provincial platform
    ("POST", "/api/v1/sync/runs"): frozenset({SUPERVISOR}),
    ("GET", "/api/v1/sync/runs"): PROVINCIAL_READERS,
    ("GET", "/api/v1/sync/runs/{run_id}"): PROVINCIAL_READERS,
    ("GET", "/api/v1/sync/watermarks"): PROVINCIAL_READERS,
    ("GET", "/api/v1/sync/quarantine"): PROVINCIAL_READERS,
    ("GET", "/api/v1/outbox"): PROVINCIAL_READERS,
    ("GET", "/api/v1/outbox/{message_id}"): PROVINCIAL_READERS,
    ("POST", "/api/v1/outbox/{message_id}/retry"): frozenset({SUPERVISOR}),
    # audit trail
    ("GET", "/api/v1/audit/records"): frozenset({AUDITOR}),
    ("GET", "/api/v1/audit/verify"): frozenset({AUDITOR}),
    ("POST", "/api/v1/audit/checkpoints"): frozenset({AUDITOR}),
    ("GET", "/api/v1/audit/checkpoints"): frozenset({AUDITOR}),
    ("POST", "/api/v1/audit/checkpoints/verify"): frozenset({AUDITOR}),
}


async def callers(client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, dict[str, str]]:
    """One account per role; the integration account through an API key of the smallest scope."""
    headers = {role: await make_user(role, DEPARTMENT_OF[role]) for role in ROLES if role != INSPECTOR}
    record = await client.post("/api/v1/inspectors", headers=headers[SUPERVISOR], json=inspector("ZF1-M-0001"))
    assert record.status_code == 201, record.text
    headers[INSPECTOR] = await make_user(INSPECTOR, "ZF1", person_id="ZF1-M-0001")
    headers = {role: headers[role] for role in ROLES}
    owner = (await client.get("/api/v1/auth/me", headers=headers[INTEGRATION])).json()["user_id"]
    key = await client.post("/api/v1/api-keys", headers=headers[SECURITY], json={
        "name": "对接（最小权限）", "user_id": owner, "scopes": INTEGRATION_SCOPES})
    assert key.status_code == 201, key.text
    headers[INTEGRATION] = {"X-API-Key": key.json()["key"]}
    return headers


LOGOUT = ("POST", "/api/v1/auth/logout")


def protected(app: FastAPI) -> list[tuple[str, str]]:
    """Every route not declared public; logging out last (it ends the session the other probes use)."""
    routes = {(m, r.path) for r in api_routes(app) for m in r.methods if (m, r.path) not in PUBLIC_ROUTES}
    return sorted(routes, key=lambda route: (route == LOGOUT, route))


def test_every_protected_route_has_a_matrix_entry_and_every_entry_a_route(app: FastAPI) -> None:
    routes = set(protected(app))

    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)

    assert not missing, f"routes without a matrix entry (say who may call them): {missing}"
    assert not stale, f"matrix entries without a route: {stale}"


async def test_every_role_on_every_route_is_allowed_as_the_matrix_says_or_403(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = await callers(client, make_user)
    routes = protected(app)
    mismatches: list[str] = []
    probes = 0

    for method, template in routes:
        # Parameters that exist nowhere: whoever is allowed gets 404 or 422, never data; the refused get 403 first.
        path = re.sub(r"\{[^}]+\}", "0", template)
        allowed = MATRIX.get((method, template), frozenset())
        for role in ROLES:
            response = await client.request(method, path, headers=headers[role], json={})
            probes += 1
            body: dict[str, Any] = response.json() if response.headers.get(
                "content-type", "").startswith("application/problem+json") else {}
            if response.status_code == 401:
                mismatches.append(f"{role} {method} {template}: 401 {body.get('code')}")
            elif role in allowed and response.status_code == 403:
                mismatches.append(f"{role} {method} {template}: refused ({body.get('code')}), matrix allows")
            elif role not in allowed and response.status_code != 403:
                mismatches.append(f"{role} {method} {template}: {response.status_code}, matrix refuses")

    assert probes == len(routes) * len(ROLES)
    assert not mismatches, f"{len(mismatches)} of {probes} probes differ:\n" + "\n".join(mismatches)
