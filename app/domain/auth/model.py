"""Roles, permissions and the authenticated principal. Deny by default: a role has exactly
the permissions listed here, an API key at most the scopes it was given."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.errors import PermissionDenied
from app.domain.labels import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin"
    SECURITY = "security"
    SUPERVISOR = "supervisor"
    DEPARTMENT = "department"
    INSPECTOR = "inspector"
    PARTNER = "partner"
    AUDITOR = "auditor"
    INTEGRATION = "integration"
    __labels__ = {
        "admin": "系统管理员",
        "security": "安全保密管理员",
        "supervisor": "执法监督科",
        "department": "业务科室/执法大队",
        "inspector": "执法人员",
        "partner": "联合部门",
        "auditor": "审计/纪检",
        "integration": "系统对接",
    }


class Permission(StrEnum):
    DIRECTORY_READ = "directory:read"
    DEPARTMENTS_WRITE = "departments:write"
    ITEMS_WRITE = "items:write"
    ENTERPRISES_WRITE = "enterprises:write"
    INSPECTORS_WRITE = "inspectors:write"
    PERSONAL_DATA_READ = "personal_data:read"
    #: Accounts: creating them, roles, units, disabling, passwords (系统管理员).
    USERS_MANAGE = "users:manage"
    #: Reading the list of accounts (系统管理员, 安全保密管理员).
    USERS_READ = "users:read"
    #: Security policy on accounts: unlocking, resetting the second factor, ending sessions (安全保密管理员).
    SECURITY_MANAGE = "security:manage"
    #: API keys: issuing them with their scopes, narrowing scopes, revoking (安全保密管理员).
    API_KEYS_MANAGE = "api_keys:manage"
    #: The security log: logins, lockouts, accounts, keys and sessions (安全保密管理员).
    SECURITY_LOG_READ = "security_log:read"
    #: The whole audit trail (审计/纪检).
    AUDIT_READ = "audit:read"
    #: Draw records (审计/纪检 read them; the units that run draws and the directory readers too).
    DRAWS_READ = "draws:read"
    #: Check-in device positions and distances (执法监督科 only).
    CHECKIN_LOCATION_READ = "checkin_location:read"
    #: Sync runs, quarantine, outbox and dead letters of the provincial platform.
    #: Drafting plans and requesting adjustments; approving and publishing them (执法监督科).
    PLANS_WRITE = "plans:write"
    PLANS_APPROVE = "plans:approve"
    COMPLIANCE_READ = "compliance:read"
    #: Preparing, seeding, executing and revealing draws of one's own tasks.
    DRAWS_RUN = "draws:run"
    #: Visits: reading the unit's schedule; scheduling, moving and cancelling visits of the unit's tasks.
    SCHEDULE_READ = "schedule:read"
    SCHEDULE_WRITE = "schedule:write"
    #: Results: entering them (the team), reviewing and publishing them (the responsible unit, another person).
    RESULTS_ENTER = "results:enter"
    RESULTS_REVIEW = "results:review"
    #: QR code signing keys (rotation).
    KEYS_MANAGE = "keys:manage"
    PROVINCIAL_READ = "provincial:read"
    PROVINCIAL_OPERATE = "provincial:operate"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # 三权分立 (三员): the administrator manages accounts, roles, signing keys and the system; the security
    # administrator the security policy (lockouts, second factors, sessions, API keys) and reads the security log;
    # the auditor reads the audit trail and the draw records. None of them can do another's work or alter records.
    Role.ADMIN: frozenset({_P.USERS_MANAGE, _P.USERS_READ, _P.DIRECTORY_READ, _P.PROVINCIAL_READ, _P.KEYS_MANAGE}),
    Role.SECURITY: frozenset({_P.USERS_READ, _P.SECURITY_MANAGE, _P.API_KEYS_MANAGE, _P.SECURITY_LOG_READ}),
    Role.SUPERVISOR: frozenset(
        {_P.DIRECTORY_READ, _P.DEPARTMENTS_WRITE, _P.ITEMS_WRITE, _P.ENTERPRISES_WRITE, _P.INSPECTORS_WRITE,
         _P.PERSONAL_DATA_READ, _P.PROVINCIAL_READ, _P.PROVINCIAL_OPERATE, _P.PLANS_WRITE, _P.PLANS_APPROVE,
         _P.COMPLIANCE_READ, _P.DRAWS_RUN, _P.SCHEDULE_READ, _P.SCHEDULE_WRITE, _P.RESULTS_REVIEW,
         _P.CHECKIN_LOCATION_READ}
    ),
    Role.DEPARTMENT: frozenset(
        {_P.DIRECTORY_READ, _P.ITEMS_WRITE, _P.ENTERPRISES_WRITE, _P.INSPECTORS_WRITE, _P.PERSONAL_DATA_READ,
         _P.PLANS_WRITE, _P.COMPLIANCE_READ, _P.DRAWS_RUN, _P.SCHEDULE_READ, _P.SCHEDULE_WRITE, _P.RESULTS_ENTER,
         _P.RESULTS_REVIEW}
    ),
    Role.INSPECTOR: frozenset({_P.DIRECTORY_READ, _P.RESULTS_ENTER}),
    Role.PARTNER: frozenset({_P.DIRECTORY_READ}),
    Role.AUDITOR: frozenset({_P.AUDIT_READ, _P.DRAWS_READ}),
    Role.INTEGRATION: frozenset(
        {_P.DIRECTORY_READ, _P.ENTERPRISES_WRITE, _P.INSPECTORS_WRITE, _P.PROVINCIAL_READ, _P.PROVINCIAL_OPERATE}
    ),
}

#: 三权分立: the three roles kept apart (系统管理员, 安全保密管理员, 审计员); no account holds two of them.
SEPARATED_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})

#: Roles that act on every unit's records; others act on their own department's only.
BUREAU_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.INTEGRATION})


class AuthMethod(StrEnum):
    PASSWORD = "password"  # noqa: S105 - the name of a method, not a secret
    API_KEY = "api_key"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a logged-in user, an API key's owner, or the system itself (CLI, loaders)."""

    user_id: int | None
    username: str
    role: Role
    department_code: str | None
    permissions: frozenset[Permission]
    method: AuthMethod = AuthMethod.PASSWORD
    api_key_id: int | None = None
    #: The inspector (执法人员) this account belongs to, for the mobile client.
    person_id: str | None = None
    #: The login passed the second factor (or the role needs none).
    second_factor: bool = True
    #: The signed-in session behind a bearer token or dashboard cookie (None for API keys and the system).
    session_id: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(
                f"当前角色（{self.role.label}）无“{permission.value}”权限",
                f"role '{self.role.value}' lacks permission '{permission.value}'",
                code="auth.forbidden",
                details={"permission": permission.value},
            )

    def require_department(self, department_code: str) -> None:
        """Object-level check: units manage their own records; bureau-wide roles manage all."""
        if self.role in BUREAU_WIDE_ROLES or self.method is AuthMethod.SYSTEM:
            return
        if self.department_code != department_code:
            raise PermissionDenied(
                f"只能管理本单位（{self.department_code}）的数据，不能操作 {department_code} 的数据",
                f"may only manage records of own department {self.department_code}, not {department_code}",
                code="auth.foreign_department",
            )


    def require_unit_staff(self, department_code: str) -> None:
        """Object-level check for decisions about a unit's people (回避 declarations, leave): the unit itself or
        执法监督科; not an integration system, although it maintains the directory bureau-wide."""
        if self.role is Role.INTEGRATION:
            raise PermissionDenied(
                "系统对接账号不能声明回避或登记请假（由执法人员所在单位办理）",
                "integration accounts cannot declare conflicts or record leave (the inspector's unit does)",
                code="auth.unit_staff_only")
        self.require_department(department_code)


def system_principal(name: str = "system") -> Principal:
    """The identity of operator commands and loaders run outside any HTTP request."""
    return Principal(
        user_id=None,
        username=name,
        role=Role.SUPERVISOR,
        department_code="ZJK",
        permissions=frozenset(Permission),
        method=AuthMethod.SYSTEM,
    )


@dataclass(slots=True)
class User:
    id: int | None
    username: str
    display_name: str
    role: Role
    department_code: str
    password_hash: str
    active: bool = True
    created_at: datetime | None = None
    last_login_at: datetime | None = None
    #: The inspector record of an 执法人员's account.
    person_id: str | None = None
    #: Consecutive failed logins, and the end of a lockout they caused.
    failed_logins: int = 0
    locked_until: datetime | None = None
    #: Second factor (TOTP): the secret, whether it is confirmed, the last time step used (no code twice).
    totp_secret: str | None = None
    totp_enabled: bool = False
    totp_last_step: int | None = None


@dataclass(slots=True)
class ApiKey:
    id: int | None
    name: str
    prefix: str
    secret_hash: str
    user_id: int
    scopes: frozenset[Permission] = field(default_factory=frozenset)
    created_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(slots=True)
class LoginSession:
    """One sign-in: the token carries its id (``sid``). It ends at logout or revocation, when the token expires,
    or after the idle limit without a request (``last_seen_at`` is refreshed at most once a minute)."""

    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    #: logout, revoked (by the security administrator), disabled …
    revoke_reason: str | None = None

    def idle_since(self, now: datetime, idle: timedelta) -> bool:
        return now - self.last_seen_at > idle


#: Roles whose accounts sign in with a second factor (TOTP) where it is required.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.SUPERVISOR, Role.AUDITOR})


def user_principal(user: User, *, scopes: frozenset[Permission] | None = None, api_key_id: int | None = None,
                   second_factor: bool = True, session_id: str | None = None) -> Principal:
    """A user's principal; through an API key, only the scopes the key grants within the role."""
    allowed = ROLE_PERMISSIONS[user.role]
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        department_code=user.department_code,
        permissions=allowed if scopes is None else allowed & scopes,
        method=AuthMethod.PASSWORD if api_key_id is None else AuthMethod.API_KEY,
        api_key_id=api_key_id,
        person_id=user.person_id,
        second_factor=second_factor,
        session_id=session_id,
    )
