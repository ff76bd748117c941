"""The draw as a process over HTTP, against directories synced from the embedded simulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.deps import Container
from app.domain.draws.model import DrawStatus
from tests.api.test_plans import load_2026
from tests.api.test_sync import run_sync
from tests.support import FixedClock, MakeUser, assert_problem, session_token

TASK = "/api/v1/plans/2026001/tasks/001号/draws"
CEREMONY = {"seed": "31415926535897932384626", "kind": "public-ceremony", "witnesses": ["纪检监察室 王某", "企业代表 李某"]}


@pytest.fixture
async def ready(container: Container, make_user: MakeUser, client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """Directories synced, the 2026 plan loaded, a Q4 quota for 执法一大队, the clock on 2026-11-02."""
    container.clock = FixedClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    await run_sync(container)
    await load_2026(container)
    chief = await make_user("supervisor", "ZJK", username="zjk.chief")
    await client.put("/api/v1/quotas/2026/4/ZF1", json={"count": 5}, headers=chief)
    return {"chief": chief, "zf1": await make_user("department", "ZF1", username="zf1.officer"),
            "zf3": await make_user("department", "ZF3"), "inspector": await make_user("inspector", "ZF1")}


async def drawn(client: httpx.AsyncClient, who: dict[str, str]) -> dict[str, Any]:
    prepared = await client.post(TASK, json={}, headers=who)
    assert prepared.status_code == 201, prepared.text
    draw_id = prepared.json()["draw_id"]
    seeded = await client.post(f"/api/v1/draws/{draw_id}/seed", json=CEREMONY, headers=who)
    assert seeded.status_code == 200, seeded.text
    executed = await client.post(f"/api/v1/draws/{draw_id}/execute", headers=who)
    assert executed.status_code == 200, executed.text
    body: dict[str, Any] = executed.json()
    return body


async def test_a_draw_goes_prepare_seed_execute_with_commitments_before_the_seed(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    prepared = await client.post(TASK, json={}, headers=ready["zf1"])
    assert prepared.status_code == 201, prepared.text
    draw = prepared.json()
    assert draw["draw_id"] == "2026001-001号-D1"
    assert draw["status"] == "prepared"
    assert set(draw["commitments"]) == {"frame_hash", "roster_hash", "exclusions_hash", "params_hash", "salt_commit"}
    assert draw["params"]["mode"] == "weight"  # a fixed number from the annual supervision plan, risk-weighted
    assert draw["allocation"]["all"] == 5
    assert draw["counts"]["frame"] > 0
    assert draw["bundle"] is None

    assert_problem(await client.post(f"/api/v1/draws/{draw['draw_id']}/seed", headers=ready["zf1"],
                                     json={**CEREMONY, "seed": "12345"}), 422, "draw.seed_too_short")
    assert_problem(await client.post(f"/api/v1/draws/{draw['draw_id']}/seed", headers=ready["zf1"],
                                     json={**CEREMONY, "witnesses": []}), 422, "draw.witnesses_missing")
    assert_problem(await client.post(f"/api/v1/draws/{draw['draw_id']}/execute", headers=ready["zf1"]), 409,
                   "draw.state_invalid")
    await client.post(f"/api/v1/draws/{draw['draw_id']}/seed", json=CEREMONY, headers=ready["zf1"])
    executed = (await client.post(f"/api/v1/draws/{draw['draw_id']}/execute", headers=ready["zf1"])).json()

    assert executed["status"] == "executed"
    assert len(executed["result_hash"]) == 64
    bundle = executed["bundle"]
    assert bundle["salt"] is None  # sealed until the reveal
    assert len(bundle["selected"]) >= 5
    assert all(len(team["members"]) >= 2 or team["fallbacks"] for team in bundle["teams"])
    assert_problem(await client.post(f"/api/v1/draws/{draw['draw_id']}/execute", headers=ready["zf1"]), 409,
                   "draw.state_invalid")


async def test_before_the_reveal_only_the_tasks_units_see_who_was_drawn(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    draw = await drawn(client, ready["zf1"])
    draw_id = draw["draw_id"]

    foreign = (await client.get(f"/api/v1/draws/{draw_id}", headers=ready["zf3"])).json()
    public = (await client.get(f"/api/v1/public/draws/{draw_id}")).json()

    assert foreign["bundle"] is None
    assert public["bundle"] is None
    assert public["result_hash"] == draw["result_hash"]
    assert "selected" not in json.dumps(public["summary"], ensure_ascii=False) or public["summary"]
    assert_problem(await client.get(f"/api/v1/public/draws/{draw_id}/bundle"), 409, "draw.not_revealed")
    assert_problem(await client.post(TASK, json={}, headers=ready["zf3"]), 403, "draw.foreign_task")


async def test_after_the_reveal_anyone_verifies_the_bundle_and_an_enterprise_checks_itself(
    client: httpx.AsyncClient, container: Container, ready: dict[str, dict[str, str]]
) -> None:
    draw = await drawn(client, ready["zf1"])
    draw_id = draw["draw_id"]
    assert_problem(await client.post(f"/api/v1/draws/{draw_id}/reveal", headers=ready["zf1"]), 403, "auth.forbidden")
    revealed = await client.post(f"/api/v1/draws/{draw_id}/reveal", headers=ready["chief"])
    assert revealed.json()["status"] == "revealed"

    raw = await client.get(f"/api/v1/public/draws/{draw_id}/bundle")
    assert raw.status_code == 200
    bundle = raw.json()
    assert bundle["salt"] is not None
    verified = (await client.post("/api/v1/draws/verify", json=bundle)).json()
    assert verified["ok"], verified
    tampered = {**bundle, "selected": bundle["selected"][1:]}
    report = (await client.post("/api/v1/draws/verify", json=tampered)).json()
    assert not report["ok"]
    assert report["differences"]

    chosen = bundle["selected"][0]["uscc"]
    check = (await client.get(f"/api/v1/public/draws/{draw_id}/self-check", params={"uscc": chosen})).json()
    assert check["selected"] is True
    assert check["ticket"] == bundle["selected"][0]["ticket"]


async def test_a_draw_is_never_rerun_voiding_needs_someone_else_and_the_next_draw_names_it(
    client: httpx.AsyncClient, container: Container, ready: dict[str, dict[str, str]]
) -> None:
    draw = await drawn(client, ready["zf1"])
    draw_id = draw["draw_id"]
    assert_problem(await client.post(TASK, json={"replaces": draw_id}, headers=ready["zf1"]), 409,
                   "draw.replaces_invalid")
    await client.post(f"/api/v1/draws/{draw_id}/void-request", json={"reason": "抽查对象范围录入有误，需重新抽取"},
                      headers=ready["chief"])
    assert_problem(await client.post(f"/api/v1/draws/{draw_id}/void-approve", headers=ready["chief"]), 403,
                   "draw.self_approval")
    other_chief = await _other_supervisor(client, container)
    voided = await client.post(f"/api/v1/draws/{draw_id}/void-approve", headers=other_chief)
    assert voided.json()["status"] == "voided"
    public = (await client.get(f"/api/v1/public/draws/{draw_id}")).json()
    assert public["void_reason"] == "抽查对象范围录入有误，需重新抽取"

    again = await client.post(TASK, json={"replaces": draw_id}, headers=ready["zf1"])
    assert again.status_code == 201, again.text
    assert again.json()["draw_id"] == "2026001-001号-D2"
    assert again.json()["replaces"] == draw_id


async def _other_supervisor(client: httpx.AsyncClient, container: Container) -> dict[str, str]:
    from app.adapters.db.repositories.audit import Actor
    from app.domain.auth.model import Role, User

    async with container.uow(Actor("fixture", "system", None)) as uow:
        user = await uow.users.add(User(None, "zjk.deputy", "zjk.deputy", Role.SUPERVISOR, "ZJK", "x"))
        await uow.commit()
    token = await session_token(container, user)
    return {"Authorization": f"Bearer {token}"}


async def test_the_draw_report_is_queued_for_the_provincial_platform(
    client: httpx.AsyncClient, container: Container, ready: dict[str, dict[str, str]]
) -> None:
    draw = await drawn(client, ready["zf1"])
    report = await container.jobs.relay()
    assert report.dead == 0
    assert container.http is not None
    draws = (await container.http.get("/_sim/pushes", params={"kind": "draws"})).json()["draws"]
    assert [d["drawNo"] for d in draws] == [draw["draw_id"]]


async def test_a_system_seed_is_marked_as_such_everywhere(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    prepared = (await client.post(TASK, json={}, headers=ready["zf1"])).json()
    seeded = await client.post(f"/api/v1/draws/{prepared['draw_id']}/seed", headers=ready["zf1"],
                               json={"seed": "演示种子🎲", "kind": "system"})
    assert seeded.json()["system_seed"] is True
    public = (await client.get(f"/api/v1/public/draws/{prepared['draw_id']}")).json()
    assert public["system_seed_notice"] == "随机种子由系统生成，仅用于测试和演示"


def test_draw_statuses_have_chinese_labels() -> None:
    assert DrawStatus.REVEALED.label == "已公开"


async def test_a_member_who_cannot_go_is_replaced_by_the_next_in_ticket_order_on_the_record(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    draw = await drawn(client, ready["zf1"])
    draw_id = draw["draw_id"]
    team = draw["bundle"]["teams"][0]
    leaving = team["members"][0]["person_id"]

    assert_problem(await client.post(f"/api/v1/draws/{draw_id}/replacements", headers=ready["zf1"],
                                     json={"uscc": team["uscc"], "person_id": "NOBODY", "reason": "生病"}),
                   422, "draw.not_a_member")
    changed = await client.post(f"/api/v1/draws/{draw_id}/replacements", headers=ready["zf1"],
                                json={"uscc": team["uscc"], "person_id": leaving, "reason": "因病住院"})

    assert changed.status_code == 200, changed.text
    body = changed.json()
    [change] = body["changes"]
    assert (change["kind"], change["removed"], change["reason"]) == ("replacement", leaving, "因病住院")
    assert change["added"] not in [m["person_id"] for m in team["members"]]
    now = next(t for t in body["teams"] if t["uscc"] == team["uscc"])
    assert leaving not in now["members"]
    assert change["added"] in now["members"]
    assert now["changed"] is True
    excluded = {(u, p) for u, p, _ in draw["bundle"]["exclusions"]}
    assert (team["uscc"], change["added"]) not in excluded
    assert_problem(await client.post(f"/api/v1/draws/{draw_id}/assignments", headers=ready["zf1"],
                                     json={"uscc": team["uscc"], "person_id": change["added"], "reason": "补齐"}),
                   409, "draw.team_complete")
    public = (await client.get(f"/api/v1/public/draws/{draw_id}")).json()
    assert public["changes"] == []  # unannounced until the reveal


async def test_compliance_reports_the_credit_classified_share_and_class_inclusion_from_the_draws(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    await drawn(client, ready["zf1"])
    once = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 4},
                             headers=ready["chief"])).json()
    zf1 = next(i for i in once["indicators"] if i["department_code"] == "ZF1" and i["code"] == "internal_joint_per_quarter")
    assert (zf1["value"], zf1["state"]) == (1, "at_risk")
    await drawn(client, ready["zf1"])
    report = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 4},
                               headers=ready["chief"])).json()
    zf1 = next(i for i in report["indicators"] if i["department_code"] == "ZF1" and i["code"] == "internal_joint_per_quarter")
    assert (zf1["value"], zf1["state"], len(zf1["detail"]["draws"])) == (2, "met", 2)
    share = next(i for i in report["indicators"] if i["code"] == "credit_classified_share")
    assert (share["value"], share["target"], share["met"]) == (1.0, 0.9, True)
    classes = [i for i in report["indicators"] if i["code"] == "class_inclusion_rate"]
    assert classes
    assert all(i["detail"]["frame"] >= i["detail"]["selected"] for i in classes)


async def test_the_task_units_see_the_enterprises_left_out_of_the_frame_with_reasons(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    draw = await drawn(client, ready["zf1"])
    seen = (await client.get(f"/api/v1/draws/{draw['draw_id']}", headers=ready["zf1"])).json()
    assert seen["frame_excluded"] is not None
    assert all(reason.startswith(("经营状态为", "已被")) for _uscc, reason in seen["frame_excluded"])
    assert seen["counts"]["frame_excluded"] == len(seen["frame_excluded"])


JOINED = "/api/v1/plans/秦联2026040/tasks/秦联040/draws"


async def test_a_task_the_bureau_joins_takes_the_leads_targets_and_draws_our_own_inspectors(
    client: httpx.AsyncClient, container: Container, ready: dict[str, dict[str, str]], make_user: MakeUser
) -> None:
    zfk = await make_user("department", "ZFK")
    assert_problem(await client.post(JOINED, json={}, headers=zfk), 422, "draw.targets_required")
    assert_problem(await client.post(TASK, json={"targets": ["X"]}, headers=ready["zf1"]), 409,
                   "draw.targets_not_allowed")
    async with container.db.engine.connect() as connection:
        import sqlalchemy as sa

        schools = [r[0] for r in await connection.execute(sa.text(
            "SELECT uscc FROM enterprise WHERE deleted_at IS NULL ORDER BY uscc LIMIT 4"))]

    prepared = await client.post(JOINED, json={"targets": schools}, headers=zfk)
    assert prepared.status_code == 201, prepared.text
    draw_id = prepared.json()["draw_id"]
    assert prepared.json()["params"]["team_depts"] == ["ZFK"]
    await client.post(f"/api/v1/draws/{draw_id}/seed", json=CEREMONY, headers=zfk)
    executed = (await client.post(f"/api/v1/draws/{draw_id}/execute", headers=zfk)).json()

    assert sorted(s["uscc"] for s in executed["bundle"]["selected"]) == sorted(schools)
    roster = dict(executed["bundle"]["roster"])
    assert all(roster[m["person_id"]] == "ZFK" for t in executed["bundle"]["teams"] for m in t["members"])


async def test_an_imported_lead_bundle_must_verify(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]], make_user: MakeUser
) -> None:
    lead = await drawn(client, ready["zf1"])
    await client.post(f"/api/v1/draws/{lead['draw_id']}/reveal", headers=ready["chief"])
    bundle = (await client.get(f"/api/v1/public/draws/{lead['draw_id']}/bundle")).json()
    zfk = await make_user("department", "ZFK")
    forged = {**bundle, "selected": bundle["selected"][:1]}
    assert_problem(await client.post(JOINED, json={"lead_bundle": forged}, headers=zfk), 422,
                   "draw.imported_bundle_invalid")
    accepted = await client.post(JOINED, json={"lead_bundle": bundle}, headers=zfk)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["counts"]["frame"] == len(bundle["selected"])


async def test_an_inspector_on_leave_for_the_whole_window_is_left_out_of_the_roster_with_the_reason(
    client: httpx.AsyncClient, container: Container, ready: dict[str, dict[str, str]]
) -> None:
    async with container.db.engine.connect() as connection:
        import sqlalchemy as sa

        person = (await connection.execute(sa.text(
            "SELECT person_id FROM inspector WHERE department_code = 'ZF1' AND status = 'on_duty' "
            "AND cert_expiry >= '2026-12-31' ORDER BY person_id LIMIT 1"))).scalar_one()
    assert_problem(await client.post(f"/api/v1/inspectors/{person}/leave", headers=ready["zf1"],
                                     json={"from_date": "2026-12-01", "to_date": "2026-11-01", "reason": "探亲"}),
                   422, "request.validation_failed")
    assert_problem(await client.post(f"/api/v1/inspectors/{person}/leave", headers=ready["zf3"],
                                     json={"from_date": "2026-01-01", "to_date": "2026-12-31", "reason": "长期病假"}),
                   403, "auth.foreign_department")
    leave = await client.post(f"/api/v1/inspectors/{person}/leave", headers=ready["zf1"],
                              json={"from_date": "2026-01-01", "to_date": "2026-12-31", "reason": "长期病假"})
    assert leave.status_code == 201, leave.text

    prepared = (await client.post(TASK, json={}, headers=ready["zf1"])).json()
    seen = (await client.get(f"/api/v1/draws/{prepared['draw_id']}", headers=ready["zf1"])).json()

    assert [person, "抽查时间内请假"] in seen["roster_excluded"]
    assert person not in [p for p, _ in await _roster(container, prepared["draw_id"])]

    cancelled = await client.delete(f"/api/v1/inspectors/{person}/leave/{leave.json()['id']}", headers=ready["zf1"],
                                    params={"reason": "提前返岗"})
    assert cancelled.json()["cancelled_at"] is not None
    history = (await client.get(f"/api/v1/inspectors/{person}/leave", headers=ready["zf1"])).json()
    assert len(history) == 1


async def _roster(container: Container, draw_id: str) -> list[list[str]]:
    from app.adapters.db.repositories.audit import Actor

    async with container.uow(Actor("test", "system", None), readonly=True) as uow:
        roster: list[list[str]] = json.loads(await uow.draws.inputs(draw_id))["roster"]
    return roster


async def test_enterprises_at_the_annual_frequency_cap_of_the_tasks_items_are_left_out_with_the_reason(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    # 工贸 items are general items: at most once a year per enterprise.
    await client.put("/api/v1/quotas/2026/4/ZF3", json={"count": 4}, headers=ready["chief"])
    url = "/api/v1/plans/2026003/tasks/003号/draws"
    first = (await client.post(url, json={}, headers=ready["zf3"])).json()
    await client.post(f"/api/v1/draws/{first['draw_id']}/seed", json=CEREMONY, headers=ready["zf3"])
    executed = (await client.post(f"/api/v1/draws/{first['draw_id']}/execute", headers=ready["zf3"])).json()
    chosen = {s["uscc"] for s in executed["bundle"]["selected"]}

    second = (await client.post(url, json={}, headers=ready["zf3"])).json()
    seen = (await client.get(f"/api/v1/draws/{second['draw_id']}", headers=ready["zf3"])).json()

    capped = {uscc: reason for uscc, reason in seen["frame_excluded"] if "频次上限" in reason}
    assert set(capped) == chosen
    assert all(reason.endswith("（每年 1 次）") for reason in capped.values())
    assert second["counts"]["frame"] == executed["counts"]["frame"] - len(chosen)


async def test_a_bureau_led_cross_department_draw_counts_its_enterprises_per_industry(
    client: httpx.AsyncClient, container: Container, ready: dict[str, dict[str, str]], make_user: MakeUser
) -> None:
    container.clock = FixedClock(datetime(2026, 7, 15, 2, 0, tzinfo=UTC))  # type: ignore[assignment]
    fmk = await make_user("department", "FMK")
    url = "/api/v1/plans/秦联2026025/tasks/秦联025/draws"
    prepared = (await client.post(url, json={}, headers=fmk)).json()
    assert prepared["params"]["industry_min"] == 3
    assert prepared["params"]["team_depts"][0] == "FMK"
    await client.post(f"/api/v1/draws/{prepared['draw_id']}/seed", json=CEREMONY, headers=fmk)
    executed = (await client.post(f"/api/v1/draws/{prepared['draw_id']}/execute", headers=fmk)).json()
    drawn_fm = len(executed["bundle"]["selected"])

    report = (await client.get("/api/v1/compliance", params={"year": 2026, "quarter": 3},
                               headers=ready["chief"])).json()
    [fm] = [i for i in report["indicators"] if i["code"] == "cross_department_per_industry"]
    assert (fm["value"], fm["detail"]["basis"], fm["detail"]["planned_minimum"]) == (drawn_fm, "drawn", 3)
    assert fm["met"] is (drawn_fm >= 3)


async def test_rotation_keeps_last_times_inspectors_away_from_an_enterprise(
    client: httpx.AsyncClient, ready: dict[str, dict[str, str]]
) -> None:
    first = await drawn(client, ready["zf1"])
    second = await drawn(client, ready["zf1"])

    rotation = {(u, p) for u, p, reason in second["bundle"]["exclusions"] if reason.startswith("轮换")}
    expected = {(t["uscc"], m["person_id"]) for t in first["bundle"]["teams"] for m in t["members"]}
    assert rotation == expected
    for team in second["bundle"]["teams"]:
        assert not {(team["uscc"], m["person_id"]) for m in team["members"]} & expected
