"""The check-in's fast lane: ``POST /api/v1/visits/{visit_id}/check-in`` served in two statements on PostgreSQL.

Check-ins come in bursts (every team at its gate in the morning) from phones on poor networks, so they must be
cheap. The route in ``onsite.py`` is the reference: it authenticates through the dependency system and decides
and writes through the unit of work, about a dozen statements' worth of ORM work. This ASGI layer in front of it
serves the ordinary check-in directly:

- the same body model (``CheckInIn``) and answer (``CheckInOut``), the same token and session rules
  (``session_principal``), the same rate-limit counter and the same decision (``decide_check_in``);
- the account, session and check-in context in one read; the rate-limit count and the check-in in one atomic
  write (``PgCheckInLane``);
- everything else — an API key, a malformed or refused request, a retry, a race, a replayed code, an archived task,
  a declared conflict of interest, any error — goes on to the route unchanged (the body is replayed), which gives
  the full answer and audits refusals. Each request counts once against the rate limit: in the lane's write, or
  else in the route.

On SQLite (one writer; no such load) there is no lane and the route serves every check-in.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.deps import audit_actor
from app.domain.auth import service as auth
from app.domain.auth.model import SECOND_FACTOR_ROLES, Permission
from app.domain.errors import DomainError
from app.domain.onsite import checkin, codes
from app.domain.scheduling.model import VisitStatus
from app.routers.onsite import CheckInIn, CheckInOut
from app.routers.schemas.common import MAX_ID

if TYPE_CHECKING:
    from app.deps import Container, PgCheckInLane

_PATH = re.compile(r"/api/v1/visits/([1-9][0-9]{0,17})/check-in")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,64}")
#: The route's rate-limit key is ``checkin:user:<username>`` (``app.deps.rate_limit``): the same counter.
RATE_BUCKET = "checkin"
RATE_WINDOW = timedelta(minutes=1)
_JSON_HEADERS = [(b"content-type", b"application/json")]

log = structlog.get_logger("app.checkin_lane")


class CheckInLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _PATH.fullmatch(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        container: Container | None = getattr(scope["app"].state, "container", None) if match else None
        lane = container.checkin_lane if container is not None else None
        if match is None or container is None or lane is None:
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        try:
            answer = await self._serve(container, lane, scope, int(match.group(1)), body)
        except (DomainError, ValidationError):
            answer = None  # the route refuses it again, with its problem document and audit record
        except Exception as exc:  # anything unforeseen (the database away, a bug): the route serves the request
            # One line, no traceback: during an outage every check-in comes here, and the route logs real errors.
            log.warning("checkin_lane.handed_on", error=type(exc).__name__, detail=str(exc)[:300])
            answer = None
        if answer is None:
            lane.handed_on += 1
            await self.app(scope, _replay(body, receive), send)
            return
        lane.served += 1
        await send({"type": "http.response.start", "status": 201,
                    "headers": [*_JSON_HEADERS, (b"content-length", str(len(answer)).encode())]})
        await send({"type": "http.response.body", "body": answer})

    async def _serve(self, container: Container, lane: PgCheckInLane, scope: Scope, visit_id: int,
                     body: bytes) -> bytes | None:
        """The answer's body, or None to hand the request on."""
        headers = dict(reversed(scope["headers"]))  # a repeated header: the first counts, as for the route
        bearer = headers.get(b"authorization", b"")
        key = headers.get(b"idempotency-key", b"").decode("latin-1")
        if (scope.get("query_string") or visit_id > MAX_ID or b"x-api-key" in headers
                or not bearer.startswith(b"Bearer ") or not _IDEMPOTENCY_KEY.fullmatch(key)
                or not headers.get(b"content-type", b"").startswith(b"application/json")):
            return None
        token = bearer[7:].decode("latin-1").strip()
        if token.startswith(f"{auth.API_KEY_PREFIX}_"):
            return None
        given = CheckInIn.model_validate_json(body)
        claims = container.tokens.decode(token)
        user_id, session_id = auth.token_subject(claims)
        request = checkin.CheckInRequest(
            code=given.code, idempotency_key=key,
            longitude=given.position.longitude if given.position else None,
            latitude=given.position.latitude if given.position else None,
            crs=given.position.crs if given.position else "wgs84", occurred_at=given.occurred_at,
            late_reason=given.late_reason, off_schedule_reason=given.off_schedule_reason)
        now = container.clock.now()
        async with lane.opened() as connection:
            found = await connection.read(visit_id=visit_id, idempotency_key=key,
                                    kid=codes.key_id(codes.extract(given.code)) or "", user_id=user_id,
                                    session_id=session_id)
            if found is None:
                return None
            idle = container.settings.auth.idle_minutes
            principal = auth.session_principal(claims, found.user, found.session, now=now,
                                               idle=timedelta(minutes=idle) if idle else None)
            if (not principal.can(Permission.RESULTS_ENTER)
                    or (container.settings.second_factor_required and principal.role in SECOND_FACTOR_ROLES
                        and not principal.second_factor)):
                return None
            context = found.context
            if (context is None or found.retried or found.conflicts or context.archived or context.visit.off_site
                    or context.visit.status is not VisitStatus.PLANNED or principal.person_id is None
                    or principal.person_id not in context.visit.team):
                return None
            decision = checkin.decide_check_in(context, principal.person_id, request, now=now, suite=container.keys,
                                               tolerance_m=container.settings.onsite.position_tolerance_m)
            limit = container.settings.limits.rate_checkin_per_minute
            written = await connection.write(
                decision, actor=audit_actor(principal, scope.get("state", {}).get("request_id")),
                session_id=session_id, now=now, touch_every=auth.TOUCH_EVERY,
                rate_key=f"{RATE_BUCKET}:user:{principal.username}", rate_limit=limit, rate_window=RATE_WINDOW)
        if written.rate_count is not None and written.rate_window_start is not None:  # counted: not again
            over = written.rate_count > limit
            wait = max(1.0, (written.rate_window_start + RATE_WINDOW - now).total_seconds()) if over else None
            scope.setdefault("state", {}).setdefault("rate_counted", {})[RATE_BUCKET] = wait
        if written.check_in_id is None:
            return None
        return CheckInOut.of(decision.record, principal, decision.position_verified).model_dump_json().encode()


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The request's body once more, for the route; then the client's own messages (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}
            return message
        return await receive()

    return replayed
