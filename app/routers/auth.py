"""Login, the caller's identity, users (系统管理员), API keys, lockouts, second factors, sessions and the security log
(安全保密管理员)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, status
from pydantic import Field

from app.deps import ContainerDep, PasswordLoginDep, PrincipalDep, PublicUow, Uow, rate_limit, require
from app.domain.auth import service as auth
from app.domain.auth.model import ApiKey, Permission, Principal, User
from app.domain.paging import page_size
from app.routers.errors import problem_responses
from app.routers.schemas.audit import AuditRecordOut, audit_record_out
from app.routers.schemas.auth import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    ApiKeyScopesIn,
    MeOut,
    RevokedSessionsOut,
    SessionOut,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from app.routers.schemas.common import MAX_ID, MAX_PAGE_LIMIT, In, Out, PageOut

router = APIRouter(prefix="/api/v1", tags=["身份认证 auth"])
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]
UserReader = Annotated[Principal, Depends(require(Permission.USERS_READ))]
Security = Annotated[Principal, Depends(require(Permission.SECURITY_MANAGE))]
KeyManager = Annotated[Principal, Depends(require(Permission.API_KEYS_MANAGE))]
SecurityLogReader = Annotated[Principal, Depends(require(Permission.SECURITY_LOG_READ))]

#: The actions of the security log (安全审计日志): sign-ins, accounts, keys, sessions and every refused request.
SECURITY_LOG_ACTIONS = ("auth.", "user.", "api_key.", "session.", "request.refused")


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user)


def key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(id=key.id or 0, name=key.name, prefix=key.prefix, user_id=key.user_id,
                     scopes=sorted(key.scopes), created_at=key.created_at, expires_at=key.expires_at,
                     revoked_at=key.revoked_at)


@router.post("/auth/token", response_model=TokenOut, summary="用户名密码登录，获取访问令牌",
             responses=problem_responses(401, 422, 429), dependencies=[Depends(rate_limit("login"))])
async def issue_token(
    container: ContainerDep,
    uow: PublicUow,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=128)],
    otp: Annotated[str | None, Form(max_length=8, description="动态验证码（已启用第二重认证的账号）")] = None,
) -> TokenOut:
    settings = container.settings.auth
    issued = await auth.login(uow.write(), container.hasher, container.tokens, username, password,
                              minutes=settings.access_token_minutes,
                              lockout=auth.LockoutPolicy(settings.max_failed_logins, settings.lockout_minutes),
                              otp=otp, second_factor=container.otp)
    return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/auth/me", response_model=MeOut, summary="当前登录身份与权限", responses=problem_responses(401))
async def me(principal: PrincipalDep) -> MeOut:
    return MeOut(user_id=principal.user_id, username=principal.username, role=principal.role,
                 role_label=principal.role.label, department_code=principal.department_code,
                 person_id=principal.person_id, permissions=sorted(principal.permissions), auth_method=principal.method.value)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, summary="退出登录（结束当前登录会话）",
             responses=problem_responses(401))
async def logout(principal: PrincipalDep, uow: Uow) -> None:
    await auth.logout(uow.write(), principal)


@router.get("/users", response_model=list[UserOut], summary="用户列表", responses=problem_responses(401, 403))
async def list_users(principal: UserReader, uow: Uow) -> list[UserOut]:
    return [user_out(u) for u in await auth.list_users(uow.read(), principal)]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, summary="创建用户",
             responses=problem_responses(401, 403, 409, 422))
async def create_user(body: UserIn, principal: Admin, uow: Uow, container: ContainerDep) -> UserOut:
    user = await auth.create_user(uow.write(), principal, container.hasher, username=body.username,
                                  display_name=body.display_name, role=body.role,
                                  department_code=body.department_code, password=body.password,
                                  person_id=body.person_id)
    return user_out(user)


@router.patch("/users/{user_id}", response_model=UserOut, summary="修改用户（角色、单位、停用、重置密码）",
              responses=problem_responses(401, 403, 404, 409, 422))
async def update_user(user_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: UserPatch, principal: Admin, uow: Uow, container: ContainerDep) -> UserOut:
    changes = body.model_dump(exclude_unset=True, exclude={"password"})
    user = await auth.update_user(uow.write(), principal, container.hasher, user_id, changes, password=body.password)
    return user_out(user)


@router.get("/api-keys", response_model=list[ApiKeyOut], summary="API 密钥列表", responses=problem_responses(401, 403))
async def list_api_keys(principal: KeyManager, uow: Uow) -> list[ApiKeyOut]:
    return [key_out(k) for k in await auth.list_api_keys(uow.read(), principal)]


@router.post("/api-keys", response_model=ApiKeyCreatedOut, status_code=status.HTTP_201_CREATED,
             summary="签发 API 密钥（明文仅返回一次）", responses=problem_responses(401, 403, 422))
async def create_api_key(body: ApiKeyIn, principal: KeyManager, uow: Uow) -> ApiKeyCreatedOut:
    key, plaintext = await auth.create_api_key(uow.write(), principal, name=body.name, user_id=body.user_id,
                                               scopes=frozenset(body.scopes), expires_at=body.expires_at)
    return ApiKeyCreatedOut(**key_out(key).model_dump(), key=plaintext)


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, summary="吊销 API 密钥",
             responses=problem_responses(401, 403, 404))
async def revoke_api_key(key_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: KeyManager, uow: Uow) -> ApiKeyOut:
    return key_out(await auth.revoke_api_key(uow.write(), principal, key_id))


@router.patch("/api-keys/{key_id}", response_model=ApiKeyOut, summary="修改 API 密钥的权限范围（安全保密管理员）",
              responses=problem_responses(401, 403, 404, 409, 422))
async def update_api_key(key_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: ApiKeyScopesIn, principal: KeyManager, uow: Uow) -> ApiKeyOut:
    return key_out(await auth.set_api_key_scopes(uow.write(), principal, key_id, frozenset(body.scopes)))


@router.post("/users/{user_id}/unlock", response_model=UserOut, summary="解除登录失败锁定（安全保密管理员）",
             responses=problem_responses(401, 403, 404))
async def unlock_user(user_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Security, uow: Uow) -> UserOut:
    return user_out(await auth.unlock_user(uow.write(), principal, user_id))


@router.post("/users/{user_id}/totp/reset", response_model=UserOut,
             summary="重置动态验证码（第二重认证），并结束该账号的全部登录会话（安全保密管理员）",
             responses=problem_responses(401, 403, 404))
async def reset_totp(user_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Security, uow: Uow) -> UserOut:
    return user_out(await auth.reset_second_factor(uow.write(), principal, user_id))


@router.get("/users/{user_id}/sessions", response_model=list[SessionOut], summary="账号当前的登录会话（安全保密管理员）",
            responses=problem_responses(401, 403, 404))
async def list_sessions(user_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Security, uow: Uow) -> list[SessionOut]:
    return [SessionOut.model_validate(s) for s in await auth.list_sessions(uow.read(), principal, user_id)]


@router.post("/users/{user_id}/sessions/revoke", response_model=RevokedSessionsOut,
             summary="结束账号的全部登录会话（安全保密管理员）", responses=problem_responses(401, 403, 404))
async def revoke_sessions(user_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Security, uow: Uow) -> RevokedSessionsOut:
    return RevokedSessionsOut(revoked=await auth.revoke_sessions(uow.write(), principal, user_id))


@router.get("/security/events", response_model=PageOut[AuditRecordOut],
            summary="安全审计日志：登录、锁定、账号、密钥、会话与被拒绝的请求（安全保密管理员；新→旧，游标分页）",
            responses=problem_responses(401, 403, 422))
async def security_events(
    _: SecurityLogReader,
    container: ContainerDep,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_LIMIT)] = None,
) -> PageOut[AuditRecordOut]:
    limits = container.settings.limits
    page = await container.queries.audit_records(
        object_type=None, object_id=None, actor=actor, action=None, action_prefixes=SECURITY_LOG_ACTIONS,
        limit=page_size(limit, default=limits.default_page_size, maximum=limits.max_page_size), cursor=cursor)
    return PageOut[AuditRecordOut](items=[audit_record_out(r) for r in page.items],
                                   next_cursor=page.next_cursor)


class TotpSetupOut(Out):
    secret: str = Field(description="TOTP 密钥（base32），仅此一次返回")
    uri: str = Field(description="otpauth:// 地址，可用验证器应用扫码添加")


class TotpConfirmIn(In):
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$", description="验证器应用显示的 6 位动态验证码")


@router.post("/auth/totp/setup", response_model=TotpSetupOut, summary="设置动态验证码（第二重认证，启用前须确认）",
             responses=problem_responses(401, 403, 409))
async def totp_setup(principal: PasswordLoginDep, uow: Uow, container: ContainerDep) -> TotpSetupOut:
    secret, uri = await auth.setup_second_factor(uow.write(), principal, container.otp)
    return TotpSetupOut(secret=secret, uri=uri)


@router.post("/auth/totp/confirm", status_code=status.HTTP_204_NO_CONTENT, summary="确认并启用动态验证码",
             responses=problem_responses(401, 409, 422))
async def totp_confirm(body: TotpConfirmIn, principal: PasswordLoginDep, uow: Uow, container: ContainerDep) -> None:
    await auth.confirm_second_factor(uow.write(), principal, container.otp, body.code)
