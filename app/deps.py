"""Dependency providers and ``Annotated`` aliases: the only place that picks concrete adapters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from app.adapters.calendar import ChineseWorkingDays
from app.adapters.clock import SystemClock
from app.adapters.db.checkin_lane import PgCheckInLane
from app.adapters.db.engine import DATABASE_ERRORS, Database, database_unavailable  # noqa: F401 - for the routers
from app.adapters.db.occurrences import SqlJobOccurrences
from app.adapters.db.queries import Queries
from app.adapters.db.ratelimit import SqlRateLimiter
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.uow import SqlUnitOfWork
from app.adapters.documents import WeasyPrintRenderer
from app.adapters.files import LocalFileStore
from app.adapters.keys import KeySuite
from app.adapters.otp import Totp
from app.adapters.provincial.client import ProvincialClient, RetryPolicy
from app.adapters.qr import qr_png, qr_svg
from app.adapters.security import Argon2PasswordHasher, JwtTokenCodec
from app.adapters.tables_io import SpreadsheetReader
from app.domain.auth import service as auth
from app.domain.auth.model import SECOND_FACTOR_ROLES, AuthMethod, Permission, Principal
from app.domain.errors import AuthenticationFailed, InvalidInput, PermissionDenied, TooManyRequests
from app.domain.ports import ProvincialPlatform
from app.domain.scheduling.service import ScheduleRules
from app.jobs import BackgroundJobs
from app.settings import ProvincialSettings, Settings
from simulator.app import create_app as create_simulator
from simulator.config import SimulatorConfig


@dataclass
class Container:
    """Process-wide resources, built once in the lifespan."""

    settings: Settings
    db: Database
    clock: SystemClock
    hasher: Argon2PasswordHasher
    tokens: JwtTokenCodec
    queries: Queries
    tables: SpreadsheetReader
    #: The provincial platform: the HTTP client, or any other implementation of the port (a fake in tests).
    platform: ProvincialPlatform
    #: The client's one AsyncClient, closed with the container.
    http: httpx.AsyncClient | None = None
    #: Working days of mainland China (holidays and adjusted weekends).
    calendar: ChineseWorkingDays = field(default_factory=ChineseWorkingDays)
    #: QR code keys as signers and verifiers.
    keys: KeySuite = field(default_factory=KeySuite)
    #: The second factor (TOTP).
    otp: Totp = field(default_factory=Totp)
    #: Which process runs each occurrence of a scheduled job.
    occurrences: SqlJobOccurrences = field(init=False)
    #: Request counters shared by every process.
    rate_limiter: SqlRateLimiter = field(init=False)
    #: Uploaded photos and issued documents, outside the database.
    files: LocalFileStore = field(init=False)
    #: 执法文书 as PDF.
    documents: WeasyPrintRenderer = field(default_factory=WeasyPrintRenderer)
    jobs: BackgroundJobs = field(init=False)
    #: The check-in's fast lane (PostgreSQL; None on SQLite): see ``app/routers/checkin_lane.py``.
    checkin_lane: PgCheckInLane | None = field(init=False)

    def __post_init__(self) -> None:
        self.checkin_lane = None if self.db.is_sqlite else PgCheckInLane(self.db)
        self.jobs = BackgroundJobs(self)
        self.rate_limiter = SqlRateLimiter(self.db)
        self.occurrences = SqlJobOccurrences(self.db)
        self.files = LocalFileStore(self.settings.onsite.upload_dir)

    @classmethod
    def build(cls, settings: Settings, db: Database | None = None,
              platform: ProvincialPlatform | None = None) -> Container:
        db = db or Database(settings.database.url, echo=settings.database.echo, pool_size=settings.database.pool_size,
                            schema=settings.database.schema_name)
        http = None
        if platform is None:
            http = provincial_http(settings.provincial)
            platform = provincial_client(settings.provincial, http)
        return cls(
            settings=settings, db=db, clock=SystemClock(),
            hasher=Argon2PasswordHasher(time_cost=settings.auth.argon2_time_cost, memory_kib=settings.auth.argon2_memory_kib),
            tokens=JwtTokenCodec(settings.auth.jwt_secret.get_secret_value(), settings.auth.jwt_issuer),
            queries=Queries(db), tables=SpreadsheetReader(), platform=platform, http=http,
        )

    async def close(self) -> None:
        await self.jobs.stop()
        if self.http is not None:
            await self.http.aclose()
        await self.db.dispose()

    def uow(self, actor: Actor, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.clock, actor, readonly=readonly)


def provincial_http(settings: ProvincialSettings) -> httpx.AsyncClient:
    """The one AsyncClient to the platform; without a base URL, to the embedded simulator in this process."""
    timeout = httpx.Timeout(settings.timeout_seconds, connect=min(5.0, settings.timeout_seconds))
    if settings.base_url:
        return httpx.AsyncClient(base_url=settings.base_url, timeout=timeout,
                                 limits=httpx.Limits(max_connections=20, max_keepalive_connections=10))
    simulator = create_simulator(SimulatorConfig(
        seed=settings.simulator_seed, enterprises=settings.simulator_enterprises, client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
    ))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=simulator), base_url="http://simulator.local",
                             timeout=timeout)


def provincial_client(settings: ProvincialSettings, http: httpx.AsyncClient) -> ProvincialClient:
    return ProvincialClient(
        http, client_id=settings.client_id, client_secret=settings.client_secret.get_secret_value(),
        timeout_seconds=settings.timeout_seconds,
        retry=RetryPolicy(settings.retry_attempts, settings.retry_base_seconds, settings.retry_cap_seconds),
    )


async def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def qr_image(text: str, fmt: str, title: str) -> tuple[bytes, str]:
    """A QR code of ``text`` as PNG or SVG, with its media type."""
    if fmt == "png":
        return qr_png(text), "image/png"
    return qr_svg(text, title=title), "image/svg+xml"


def rate_limit(bucket: str) -> Callable[[Request, Container], Awaitable[None]]:
    """Route guard: at most ``LIMITS__RATE_<BUCKET>_PER_MINUTE`` requests a minute per caller (the account when
    signed in, else the client address); beyond that 429 with Retry-After."""

    async def guard(request: Request, container: ContainerDep) -> None:
        limit = getattr(container.settings.limits, f"rate_{bucket}_per_minute")
        counted: dict[str, float | None] = getattr(request.state, "rate_counted", {})
        if bucket in counted:  # the check-in's fast lane counted this request already, then handed it on
            wait = counted[bucket]
        else:
            principal = getattr(request.state, "principal", None)
            who = f"user:{principal.username}" if principal is not None else \
                f"ip:{request.client.host if request.client else 'unknown'}"
            wait = await container.rate_limiter.hit(f"{bucket}:{who}", limit=limit, window=timedelta(minutes=1),
                                                    now=container.clock.now())
        if wait is not None:
            raise TooManyRequests(f"请求过于频繁（每分钟最多 {limit} 次），请 {int(wait)} 秒后再试",
                                  f"rate limit of {limit} a minute exceeded", code="request.rate_limited",
                                  details={"retry_after_seconds": int(wait) + 1, "limit_per_minute": limit})

    guard.__name__ = f"rate_limit_{bucket}"
    return guard


async def refuse_nul(request: Request) -> None:
    """Every route: a path or query value with U+0000 is refused (422) before it reaches the database, whose text
    cannot hold it (PostgreSQL refused the statement: a 500). Request bodies are checked by their models."""
    values = [*request.path_params.values(), *(v for _, v in request.query_params.multi_items())]
    if any("\x00" in str(value) for value in values):
        raise InvalidInput("请求参数不能包含空字符（U+0000）", "parameters must not contain U+0000",
                           code="request.nul_character")


def schedule_rules(container: Container) -> ScheduleRules:
    """Re-planning's rules: the working-day calendar, today (Beijing time) and the scheduling settings."""
    settings = container.settings.scheduling
    return ScheduleRules(container.calendar, container.clock.today(), settings.daily_capacity, settings.lead_days)

#: What an account that still has to set up its second factor may call.
SECOND_FACTOR_SETUP_PATHS = frozenset({"/api/v1/auth/me", "/api/v1/auth/totp/setup", "/api/v1/auth/totp/confirm",
                                       "/api/v1/auth/logout"})

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False,
                              description="用户名密码登录获得的访问令牌（JWT）")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="系统对接用 API 密钥")


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


async def current_principal(
    request: Request,
    container: ContainerDep,
    token: Annotated[str | None, Security(oauth2)] = None,
    api_key: Annotated[str | None, Security(api_key_header)] = None,
) -> Principal:
    anonymous = Actor("anonymous", "public", _request_id(request))
    reader = container.uow(anonymous, readonly=True)
    if api_key:
        principal = await auth.principal_from_api_key(reader, api_key, container.clock.now())
    elif token and token.startswith(f"{auth.API_KEY_PREFIX}_"):
        principal = await auth.principal_from_api_key(reader, token, container.clock.now())
    elif token:
        principal = await token_principal(container, token, anonymous)
    else:
        raise AuthenticationFailed()
    if (container.settings.second_factor_required and principal.role in SECOND_FACTOR_ROLES
            and not principal.second_factor and request.url.path not in SECOND_FACTOR_SETUP_PATHS):
        raise PermissionDenied("该账号须通过动态验证码（第二重认证）登录；请先设置并启用动态验证码",
                               "this account must sign in with its second factor; set it up first",
                               code="auth.second_factor_required")
    request.state.principal = principal  # refused changes are audited under this name
    return principal


async def token_principal(container: Container, token: str, actor: Actor) -> Principal:
    """The user of a bearer token or dashboard cookie whose session is open (idle limit, logout, revocation)."""
    idle = container.settings.auth.idle_minutes
    return await auth.principal_from_token(
        container.uow(actor, readonly=True), container.tokens, token,
        idle=timedelta(minutes=idle) if idle else None, toucher=container.uow(actor))


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """Route guard: the caller must hold ``permission`` (deny by default)."""

    async def guard(principal: PrincipalDep) -> Principal:
        principal.require(permission)
        return principal

    guard.__name__ = f"require_{permission.name.lower()}"
    return guard


def require_any(*permissions: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """Route guard: the caller must hold one of ``permissions``."""

    async def guard(principal: PrincipalDep) -> Principal:
        if not any(principal.can(p) for p in permissions):
            principal.require(permissions[0])
        return principal

    guard.__name__ = "require_any_" + "_".join(p.name.lower() for p in permissions)
    return guard


async def password_login(principal: PrincipalDep) -> Principal:
    """Route guard: a person signed in with a password (a bearer token), not an API key."""
    if principal.method is not AuthMethod.PASSWORD:
        raise PermissionDenied("只有以用户名密码登录的账号可以执行此操作（API 密钥不能）",
                               "only an account signed in with its password may do this, not an API key",
                               code="auth.password_login_required")
    return principal


PasswordLoginDep = Annotated[Principal, Depends(password_login)]


def actor_of(principal: Principal, request: Request) -> Actor:
    return audit_actor(principal, _request_id(request))


def audit_actor(principal: Principal, request_id: str | None) -> Actor:
    """Who the audit trail names for a change the principal makes."""
    return Actor(principal.username, principal.role.value, request_id)


class UnitOfWorkFactory:
    """Gives a route a write unit of work acting as the caller, or a read-only one."""

    def __init__(self, container: Container, actor: Actor) -> None:
        self.container, self.actor = container, actor

    def write(self) -> SqlUnitOfWork:
        return self.container.uow(self.actor)

    def read(self) -> SqlUnitOfWork:
        return self.container.uow(self.actor, readonly=True)


async def uow_factory(request: Request, container: ContainerDep, principal: PrincipalDep) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(container, actor_of(principal, request))


async def public_uow_factory(request: Request, container: ContainerDep) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(container, Actor("anonymous", "public", _request_id(request)))


Uow = Annotated[UnitOfWorkFactory, Depends(uow_factory)]
PublicUow = Annotated[UnitOfWorkFactory, Depends(public_uow_factory)]


async def readiness(container: Container) -> tuple[bool, dict[str, str]]:
    """Database reachable and migrated to the head revision."""
    from app.adapters.db.migrations import current_and_head

    try:
        current, head = await current_and_head(container.db)
    except Exception as exc:
        return False, {"database": f"unreachable: {type(exc).__name__}"}
    if current != head:
        return False, {"database": "ok", "migrations": f"at {current}, head is {head}"}
    return True, {"database": "ok", "migrations": f"at head {head}"}


REPORT_MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def report_export(kind: str, fmt: str, report: Any, unit_name: str = "") -> tuple[bytes, str, str]:
    """A 月报表 (``kind`` "monthly": xlsx, csv or pdf) or a 季度总结 ("quarterly": xlsx or pdf, of ``unit_name``) as
    (content, media type, file extension). Blocking (the PDF takes a fraction of a second): run it in a thread."""
    from app.adapters import exports
    from app.domain.errors import InvalidInput

    renderers: dict[tuple[str, str], Callable[[], bytes]] = {
        ("monthly", "xlsx"): lambda: exports.monthly_xlsx(report),
        ("monthly", "csv"): lambda: exports.monthly_csv(report),
        ("monthly", "pdf"): lambda: exports.monthly_pdf(report),
        ("quarterly", "xlsx"): lambda: exports.quarterly_xlsx(report, unit_name),
        ("quarterly", "pdf"): lambda: exports.quarterly_pdf(report, unit_name),
    }
    render = renderers.get((kind, fmt))
    if render is None:
        raise InvalidInput(f"不支持的导出格式：{fmt}", f"unsupported export format {fmt!r} for {kind}",
                           code="report.format_invalid", details={"field": "format"})
    return render(), REPORT_MEDIA_TYPES[fmt], fmt
