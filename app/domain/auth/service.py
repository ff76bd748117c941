"""Login, tokens, API keys and user administration."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app.domain.audit.model import AuditEvent
from app.domain.auth.model import (
    ROLE_PERMISSIONS,
    SECOND_FACTOR_ROLES,
    SEPARATED_ROLES,
    ApiKey,
    AuthMethod,
    LoginSession,
    Permission,
    Principal,
    Role,
    User,
    system_principal,
    user_principal,
)
from app.domain.directories.departments import require_department
from app.domain.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from app.domain.ports import PasswordHasher, SecondFactor, TokenCodec, UnitOfWork

API_KEY_PREFIX = "qhd"
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,63}$")
MIN_PASSWORD_LENGTH = 10


def _invalid_credentials() -> AuthenticationFailed:
    return AuthenticationFailed("用户名或密码错误", "wrong username or password", code="auth.invalid_credentials")


def password_problems(password: str, username: str) -> list[str]:
    """等保 password policy: length, three character classes, not the username."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if classes < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("密码不得包含用户名")
    return problems


def check_password_policy(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise InvalidInput("；".join(problems), "password does not meet the policy", code="auth.weak_password",
                           details={"field": "password", "problems": problems})


def user_snapshot(user: User) -> dict[str, Any]:
    """Audit view of a user: never the password hash."""
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role.value,
            "department_code": user.department_code, "active": user.active, "person_id": user.person_id}


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int
    user: User


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    minutes: int = 15


def _locked(until: datetime, now: datetime) -> TooManyRequests:
    seconds = max(1, int((until - now).total_seconds()))
    return TooManyRequests(f"登录失败次数过多，账号已临时锁定，请 {seconds // 60 + 1} 分钟后再试",
                           "too many failed logins: the account is locked for a while", code="auth.locked_out",
                           details={"retry_after_seconds": seconds})


async def login(
    uow: UnitOfWork, hasher: PasswordHasher, codec: TokenCodec, username: str, password: str, *, minutes: int,
    lockout: LockoutPolicy | None = None, otp: str | None = None, second_factor: SecondFactor | None = None,
) -> IssuedToken:
    """A token for valid credentials. Repeated failures lock the account for a while (even the right password
    is refused then); every failure and lockout is audited. An account with a confirmed second factor also
    needs the current TOTP code, each code once; the token says whether the second factor was passed."""
    policy = lockout or LockoutPolicy()
    async with uow:
        user = await uow.users.by_username(username)
        if user is not None and user.locked_until is not None and uow.now < user.locked_until:
            raise _locked(user.locked_until, uow.now)
        # Verify against a dummy hash when the user is unknown, so timing does not reveal which usernames exist.
        valid = await hasher.verify(user.password_hash if user else await _DUMMY_HASH.get(hasher), password)
        if user is None or not valid or not user.active:
            if user is not None:
                await _count_failure(uow, user, policy)
            raise _invalid_credentials()
        passed = user.role not in SECOND_FACTOR_ROLES
        if user.totp_enabled and user.totp_secret and second_factor is not None:
            if not otp:
                raise AuthenticationFailed("请输入动态验证码（第二重认证）", "the one-time code is required",
                                           code="auth.otp_required")
            step = second_factor.verify(user.totp_secret, otp, uow.now)
            if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
                await _count_failure(uow, user, policy)
                raise AuthenticationFailed("动态验证码错误或已使用", "wrong or reused one-time code",
                                           code="auth.otp_invalid")
            user.totp_last_step, passed = step, True
        user.failed_logins, user.locked_until = 0, None
        user.last_login_at = uow.now
        await uow.users.update(user)
        assert user.id is not None
        session = LoginSession(secrets.token_hex(16), user.id, uow.now, uow.now, uow.now + timedelta(minutes=minutes))
        await uow.sessions.add(session)
        uow.audit.record(AuditEvent("auth.login", "user", str(user.id), None,
                                    {"username": user.username, "session": session.id},
                                    actor=user.username, actor_role=user.role.value))
        await uow.commit()
    token = codec.issue({"sub": str(user.id), "role": user.role.value, "dept": user.department_code,
                         "mfa": passed, "sid": session.id}, minutes=minutes)
    return IssuedToken(token, minutes * 60, user)


async def _count_failure(uow: UnitOfWork, user: User, policy: LockoutPolicy) -> None:
    """Kept even though the login fails (its own commit)."""
    user.failed_logins += 1
    locked = user.failed_logins >= policy.max_failures
    if locked:
        user.failed_logins, user.locked_until = 0, uow.now + timedelta(minutes=policy.minutes)
    await uow.users.update(user)
    uow.audit.record(AuditEvent("auth.login_locked" if locked else "auth.login_failed", "user", str(user.id), None,
                                {"username": user.username, "locked_until": user.locked_until.isoformat()
                                 if locked and user.locked_until else None},
                                actor=user.username, actor_role=user.role.value))
    await uow.commit()


class _DummyHash:
    """One real hash of a random password per hasher, made lazily."""

    def __init__(self) -> None:
        self._value: str | None = None

    async def get(self, hasher: PasswordHasher) -> str:
        if self._value is None:
            self._value = await hasher.hash(secrets.token_urlsafe(16))
        return self._value


_DUMMY_HASH = _DummyHash()


#: ``last_seen_at`` of a session is written at most this often (the idle limit is exact to this much).
TOUCH_EVERY = timedelta(minutes=1)


def token_subject(claims: dict[str, Any]) -> tuple[int, str]:
    """The account id and login session id a decoded token names."""
    try:
        return int(claims["sub"]), str(claims["sid"])
    except (KeyError, ValueError) as exc:
        raise AuthenticationFailed("访问令牌无效", "invalid token subject or session", code="auth.token_invalid") \
            from exc


def session_principal(claims: dict[str, Any], user: User | None, session: LoginSession | None, *, now: datetime,
                      idle: timedelta | None) -> Principal:
    """The principal of a decoded token, given its account and login session as stored: refused when the account
    is disabled, or the session unknown, logged out, revoked or idle longer than ``idle`` (None: no idle limit)."""
    user_id, session_id = token_subject(claims)
    if user is None or not user.active:
        raise AuthenticationFailed("账号不存在或已停用", "account unknown or disabled", code="auth.account_disabled")
    if session is None or session.user_id != user_id:
        raise AuthenticationFailed("访问令牌无效", "unknown session", code="auth.token_invalid")
    if session.revoked_at is not None:
        raise AuthenticationFailed("登录会话已注销或被吊销，请重新登录", "the session was logged out or revoked",
                                   code="auth.session_revoked")
    if idle is not None and session.idle_since(now, idle):
        minutes = int(idle.total_seconds() // 60)
        raise AuthenticationFailed(f"超过 {minutes} 分钟未操作，登录会话已结束，请重新登录",
                                   f"the session ended after {minutes} idle minutes; sign in again",
                                   code="auth.session_idle")
    return user_principal(user, second_factor=bool(claims.get("mfa", user.role not in SECOND_FACTOR_ROLES)),
                          session_id=session_id)


async def principal_from_token(uow: UnitOfWork, codec: TokenCodec, token: str, *, idle: timedelta | None,
                               toucher: UnitOfWork | None = None) -> Principal:
    """The user of a bearer token (or dashboard cookie) whose session is still open: not logged out or revoked
    and used within ``idle`` (None: no idle limit). A request refreshes the session's last use at most once a
    minute, through ``toucher`` (a write unit of work; without it the session is only checked)."""
    claims = codec.decode(token)
    user_id, session_id = token_subject(claims)
    async with uow:
        user, session = await uow.sessions.with_user(session_id, user_id)
        now = uow.now
    principal = session_principal(claims, user, session, now=now, idle=idle)
    if toucher is not None and session is not None and now - session.last_seen_at >= TOUCH_EVERY:
        async with toucher:
            await toucher.sessions.touch(session_id, toucher.now, every=TOUCH_EVERY)
            await toucher.commit()
    return principal


async def logout(uow: UnitOfWork, principal: Principal) -> None:
    """End the caller's session: its token (and dashboard cookie) is refused from now on."""
    if principal.session_id is None:
        return
    async with uow:
        await uow.sessions.revoke(principal.session_id, uow.now, "logout")
        uow.audit.record(AuditEvent("auth.logout", "session", principal.session_id, None,
                                    {"user_id": principal.user_id, "revoked_at": uow.now.isoformat()}))
        await uow.commit()


def _password_account(principal: Principal) -> None:
    """The second factor belongs to a person signing in with a password, never to an API key of the account."""
    if principal.user_id is None or principal.method is not AuthMethod.PASSWORD:
        raise PermissionDenied("只有以用户名密码登录的账号可以设置动态验证码（API 密钥不能）",
                               "only an account signed in with its password sets up a second factor, not an API key",
                               code="auth.otp_not_for_key")


async def setup_second_factor(uow: UnitOfWork, principal: Principal, factor: SecondFactor) -> tuple[str, str]:
    """A new TOTP secret for the caller (not active until confirmed with a code): (secret, otpauth URI)."""
    _password_account(principal)
    async with uow:
        user = await uow.users.get(principal.user_id or 0)
        if user is None:
            raise NotFound("用户不存在", "user not found", code="user.not_found")
        if user.totp_enabled:
            raise Conflict("动态验证码已启用；如需更换请联系系统管理员", "already enabled", code="auth.otp_enabled")
        user.totp_secret = factor.new_secret()
        await uow.users.update(user)
        uow.audit.record(AuditEvent("auth.otp_setup", "user", str(user.id), None, {"username": user.username}))
        await uow.commit()
    return user.totp_secret, factor.uri(user.totp_secret, user.username)


async def confirm_second_factor(uow: UnitOfWork, principal: Principal, factor: SecondFactor, code: str) -> None:
    """Turn the second factor on with a first valid code."""
    _password_account(principal)
    async with uow:
        user = await uow.users.get(principal.user_id or 0)
        if user is None or not user.totp_secret:
            raise Conflict("请先获取动态验证码密钥", "set up the second factor first", code="auth.otp_not_set_up")
        if user.totp_enabled:
            raise Conflict("动态验证码已启用", "already enabled", code="auth.otp_enabled")
        step = factor.verify(user.totp_secret, code, uow.now)
        if step is None:
            raise InvalidInput("动态验证码错误", "wrong one-time code", code="auth.otp_invalid",
                               details={"field": "code"})
        user.totp_enabled, user.totp_last_step = True, step
        await uow.users.update(user)
        uow.audit.record(AuditEvent("auth.otp_enable", "user", str(user.id), {"totp_enabled": False},
                                    {"totp_enabled": True}))
        await uow.commit()


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def principal_from_api_key(uow: UnitOfWork, raw_key: str, now: datetime) -> Principal:
    """Keys look like ``qhd_<prefix>_<secret>``; only the SHA-256 of the secret is stored."""
    parts = raw_key.split("_")
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        raise AuthenticationFailed("API 密钥格式无效", "malformed API key", code="auth.api_key_invalid")
    async with uow:
        key = await uow.api_keys.by_prefix(parts[1])
        user = await uow.users.get(key.user_id) if key else None
    if key is None or user is None or not hmac.compare_digest(key.secret_hash, _hash_secret(parts[2])):
        raise AuthenticationFailed("API 密钥无效", "unknown API key", code="auth.api_key_invalid")
    if not key.usable_at(now) or not user.active:
        raise AuthenticationFailed("API 密钥已吊销或过期", "API key revoked or expired", code="auth.api_key_revoked")
    return user_principal(user, scopes=key.scopes, api_key_id=key.id)


async def create_user(
    uow: UnitOfWork, principal: Principal, hasher: PasswordHasher, *, username: str, display_name: str, role: Role,
    department_code: str, password: str, person_id: str | None = None,
) -> User:
    principal.require(Permission.USERS_MANAGE)
    if not USERNAME.match(username):
        raise InvalidInput("用户名须以小写字母开头，3～64 位小写字母、数字或 _ . -", "invalid username",
                           code="user.username_invalid", details={"field": "username"})
    check_password_policy(password, username)
    async with uow:
        await require_department(uow, department_code)
        if await uow.users.by_username(username):
            raise Conflict(f"用户名“{username}”已存在", f"username '{username}' exists", code="user.duplicate")
        if person_id is not None:
            await _require_inspector(uow, person_id, department_code)
        user = await uow.users.add(User(None, username, display_name, role, department_code, await hasher.hash(password),
                                        person_id=person_id))
        uow.audit.record(AuditEvent("user.create", "user", str(user.id), None, user_snapshot(user)))
        await uow.commit()
    return user


async def update_user(
    uow: UnitOfWork, principal: Principal, hasher: PasswordHasher, user_id: int, changes: dict[str, Any],
    password: str | None = None,
) -> User:
    principal.require(Permission.USERS_MANAGE)
    async with uow:
        current = await uow.users.get(user_id)
        if current is None:
            raise NotFound(f"用户 {user_id} 不存在", f"user {user_id} not found", code="user.not_found")
        if "department_code" in changes:
            await require_department(uow, changes["department_code"])
        updated = replace(current, **changes)
        if "person_id" in changes and updated.person_id is not None:
            await _require_inspector(uow, updated.person_id, updated.department_code, other_than=user_id)
        if password is not None:
            check_password_policy(password, updated.username)
            updated.password_hash = await hasher.hash(password)
        if principal.user_id == user_id and (not updated.active or updated.role is not current.role):
            raise Conflict("不能停用自己的账号或修改自己的角色", "cannot disable or re-role yourself",
                           code="user.self_change")
        _check_separation(principal, current, updated, password_reset=password is not None)
        await uow.users.update(updated)
        after = user_snapshot(updated) | ({"password_changed": True} if password is not None else {})
        uow.audit.record(AuditEvent("user.update", "user", str(user_id), user_snapshot(current), after))
        await uow.commit()
    return updated


def _check_separation(principal: Principal, current: User, updated: User, *, password_reset: bool) -> None:
    """三权分立: an account of one of the three separated roles never takes another of them (it would hold both
    their records and powers), and the administrator does not set the password of the security administrator's
    or the auditor's account (it could then act as them)."""
    if (current.role in SEPARATED_ROLES and updated.role in SEPARATED_ROLES and updated.role is not current.role):
        raise PermissionDenied(
            f"三权分立：{current.role.label}账号不得改为{updated.role.label}（同一账号不得兼任系统管理员、安全保密管理员、审计员中的两个角色）",
            f"separation of duties: a '{current.role.value}' account cannot become '{updated.role.value}' "
            "(no account holds two of admin, security and auditor)",
            code="user.separation_of_duties",
            details={"field": "role", "from": current.role.value, "to": updated.role.value})
    if password_reset and current.role in SEPARATED_ROLES and current.role is not principal.role \
            and principal.method is not AuthMethod.SYSTEM:
        raise PermissionDenied(
            f"三权分立：{principal.role.label}不得重置{current.role.label}账号的密码（请由运维人员通过命令行重置）",
            f"separation of duties: '{principal.role.value}' cannot set the password of a '{current.role.value}' "
            "account (reset it from the command line)",
            code="user.separation_of_duties", details={"field": "password", "role": current.role.value})


async def _require_inspector(uow: UnitOfWork, person_id: str, department_code: str, *,
                             other_than: int | None = None) -> None:
    """An account linked to an inspector record: the record exists, is of the account's unit, and has no other
    account."""
    inspector = await uow.inspectors.get(person_id)
    if inspector is None:
        raise InvalidInput(f"执法人员“{person_id}”不存在", f"inspector '{person_id}' not found",
                           code="user.inspector_not_found", details={"field": "person_id"})
    if inspector.department_code != department_code:
        raise InvalidInput("账号所属单位与执法人员所在单位不一致", "the account's unit differs from the inspector's",
                           code="user.inspector_unit_mismatch", details={"field": "person_id"})
    for user in await uow.users.list():
        if user.person_id == person_id and user.id != other_than:
            raise Conflict(f"执法人员“{person_id}”已关联账号“{user.username}”", "the inspector already has an account",
                           code="user.inspector_taken", details={"field": "person_id"})


async def list_users(uow: UnitOfWork, principal: Principal) -> list[User]:
    principal.require(Permission.USERS_READ)
    async with uow:
        return await uow.users.list()


def _key_snapshot(key: ApiKey) -> dict[str, Any]:
    return {"id": key.id, "name": key.name, "prefix": key.prefix, "user_id": key.user_id,
            "scopes": sorted(s.value for s in key.scopes),
            "expires_at": key.expires_at.isoformat() if key.expires_at else None}


async def create_api_key(
    uow: UnitOfWork, principal: Principal, *, name: str, user_id: int, scopes: frozenset[Permission],
    expires_at: datetime | None,
) -> tuple[ApiKey, str]:
    """Returns the key and its plaintext, which is shown once and never stored. Keys are for systems and scripts:
    never for the accounts of the three separated roles (whoever holds the plaintext would act as them)."""
    principal.require(Permission.API_KEYS_MANAGE)
    async with uow:
        owner = await uow.users.get(user_id)
        if owner is None:
            raise InvalidInput(f"用户 {user_id} 不存在", f"user {user_id} not found", code="user.unknown",
                               details={"field": "user_id"})
        if owner.role in SEPARATED_ROLES:
            raise PermissionDenied(
                f"三权分立：不得为{owner.role.label}账号签发 API 密钥",
                f"separation of duties: no API key for a '{owner.role.value}' account",
                code="api_key.separated_role", details={"field": "user_id", "role": owner.role.value})
        _check_scopes(owner, scopes)
        if expires_at is not None and expires_at <= uow.now:
            raise InvalidInput("过期时间必须晚于当前时间", "expiry must be in the future",
                               code="api_key.expiry_past", details={"field": "expires_at"})
        prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32).replace("_", "-")
        key = await uow.api_keys.add(ApiKey(None, name, prefix, _hash_secret(secret), user_id, scopes,
                                            expires_at=expires_at))
        uow.audit.record(AuditEvent("api_key.create", "api_key", str(key.id), None, _key_snapshot(key)))
        await uow.commit()
    return key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


def _check_scopes(owner: User, scopes: frozenset[Permission]) -> None:
    beyond = scopes - ROLE_PERMISSIONS[owner.role]
    if beyond:
        names = "、".join(sorted(s.value for s in beyond))
        raise InvalidInput(f"密钥权限超出该用户角色的权限：{names}", f"scopes beyond the owner's role: {names}",
                           code="api_key.scope_beyond_role", details={"field": "scopes"})


async def list_api_keys(uow: UnitOfWork, principal: Principal) -> list[ApiKey]:
    principal.require(Permission.API_KEYS_MANAGE)
    async with uow:
        return await uow.api_keys.list()


async def set_api_key_scopes(uow: UnitOfWork, principal: Principal, key_id: int,
                             scopes: frozenset[Permission]) -> ApiKey:
    """Change what a key may do (within its owner's role); a revoked key stays revoked."""
    principal.require(Permission.API_KEYS_MANAGE)
    async with uow:
        key = await uow.api_keys.get(key_id)
        if key is None:
            raise NotFound(f"API 密钥 {key_id} 不存在", f"API key {key_id} not found", code="api_key.not_found")
        if key.revoked_at is not None:
            raise Conflict("API 密钥已吊销，不能修改权限", "the API key is revoked", code="api_key.revoked")
        owner = await uow.users.get(key.user_id)
        assert owner is not None
        _check_scopes(owner, scopes)
        before = _key_snapshot(key)
        key.scopes = scopes
        await uow.api_keys.update(key)
        uow.audit.record(AuditEvent("api_key.scopes", "api_key", str(key_id), before, _key_snapshot(key)))
        await uow.commit()
    return key


async def revoke_api_key(uow: UnitOfWork, principal: Principal, key_id: int) -> ApiKey:
    principal.require(Permission.API_KEYS_MANAGE)
    async with uow:
        key = await uow.api_keys.get(key_id)
        if key is None:
            raise NotFound(f"API 密钥 {key_id} 不存在", f"API key {key_id} not found", code="api_key.not_found")
        if key.revoked_at is None:
            before = _key_snapshot(key)
            key.revoked_at = uow.now
            await uow.api_keys.update(key)
            uow.audit.record(AuditEvent("api_key.revoke", "api_key", str(key_id), before,
                                        _key_snapshot(key) | {"revoked_at": uow.now.isoformat()}))
            await uow.commit()
    return key


async def bootstrap_admin(
    uow: UnitOfWork, hasher: PasswordHasher, *, username: str, password: str, department_code: str = "BGS",
    display_name: str = "系统管理员",
) -> User:
    """First administrator, from the CLI; refuses when the username exists."""
    return await create_user(uow, system_principal("cli"), hasher, username=username, display_name=display_name,
                             role=Role.ADMIN, department_code=department_code, password=password)


# --- security policy on accounts (安全保密管理员) ----------------------------------------------------------------


async def _target(uow: UnitOfWork, principal: Principal, user_id: int) -> User:
    principal.require(Permission.SECURITY_MANAGE)
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在", f"user {user_id} not found", code="user.not_found")
    if principal.user_id == user_id:
        raise PermissionDenied("不能对自己的账号执行安全管理操作", "cannot apply security operations to yourself",
                               code="user.self_change")
    return user


async def unlock_user(uow: UnitOfWork, principal: Principal, user_id: int) -> User:
    """End a lockout after failed logins."""
    async with uow:
        user = await _target(uow, principal, user_id)
        before = {"failed_logins": user.failed_logins,
                  "locked_until": user.locked_until.isoformat() if user.locked_until else None}
        user.failed_logins, user.locked_until = 0, None
        await uow.users.update(user)
        uow.audit.record(AuditEvent("user.unlock", "user", str(user_id), before,
                                    {"failed_logins": 0, "locked_until": None}))
        await uow.commit()
    return user


async def list_sessions(uow: UnitOfWork, principal: Principal, user_id: int) -> list[LoginSession]:
    principal.require(Permission.SECURITY_MANAGE)
    async with uow:
        if await uow.users.get(user_id) is None:
            raise NotFound(f"用户 {user_id} 不存在", f"user {user_id} not found", code="user.not_found")
        return await uow.sessions.active_of(user_id)


async def _revoke_all(uow: UnitOfWork, user_id: int, reason: str) -> list[str]:
    ended = [s.id for s in await uow.sessions.active_of(user_id)]
    for session_id in ended:
        await uow.sessions.revoke(session_id, uow.now, reason)
    return ended


async def revoke_sessions(uow: UnitOfWork, principal: Principal, user_id: int) -> int:
    """End every open session of an account (its tokens and dashboard cookies are refused from now on)."""
    async with uow:
        await _target(uow, principal, user_id)
        ended = await _revoke_all(uow, user_id, "revoked")
        uow.audit.record(AuditEvent("session.revoke", "user", str(user_id), {"open_sessions": ended},
                                    {"open_sessions": []}))
        await uow.commit()
    return len(ended)


async def reset_second_factor(uow: UnitOfWork, principal: Principal, user_id: int) -> User:
    """The account sets its second factor up again (lost phone); its open sessions end."""
    async with uow:
        user = await _target(uow, principal, user_id)
        before = {"totp_enabled": user.totp_enabled}
        user.totp_secret, user.totp_enabled, user.totp_last_step = None, False, None
        await uow.users.update(user)
        ended = await _revoke_all(uow, user_id, "otp_reset")
        uow.audit.record(AuditEvent("user.otp_reset", "user", str(user_id), before,
                                    {"totp_enabled": False, "sessions_ended": len(ended)}))
        await uow.commit()
    return user
