"""Models of login, users and API keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.domain.auth.model import Permission, Role
from app.routers.schemas.common import MAX_ID, In, Out


class TokenOut(Out):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - OAuth2 token type, not a secret
    expires_in: int = Field(description="有效期（秒）")


class MeOut(Out):
    user_id: int | None
    username: str
    role: Role
    role_label: str
    department_code: str | None
    person_id: str | None = Field(None, description="本账号关联的执法人员编号（移动端）")
    permissions: list[Permission]
    auth_method: str


class UserIn(In):
    username: str = Field(min_length=3, max_length=64, examples=["zhangsan"])
    display_name: str = Field(min_length=1, max_length=64, examples=["张三"])
    role: Role
    department_code: str = Field(min_length=2, max_length=16, examples=["ZF1"])
    password: str = Field(min_length=1, max_length=128, description="至少 10 位，含大写、小写、数字、符号中的三类")
    person_id: str | None = Field(None, min_length=2, max_length=32, description="执法人员账号关联的人员编号")


class UserPatch(In):
    display_name: str | None = Field(None, min_length=1, max_length=64)
    role: Role | None = None
    department_code: str | None = Field(None, min_length=2, max_length=16)
    active: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=128)
    person_id: str | None = Field(None, min_length=2, max_length=32)


class UserOut(Out):
    id: int
    username: str
    display_name: str
    role: Role
    department_code: str
    active: bool
    created_at: datetime | None
    last_login_at: datetime | None
    person_id: str | None = None


class ApiKeyIn(In):
    name: str = Field(min_length=2, max_length=100, examples=["市应急指挥平台对接"])
    user_id: int = Field(ge=1, le=MAX_ID, description="密钥所属用户（通常为 integration 角色）")
    scopes: list[Permission] = Field(min_length=1, max_length=20)
    expires_at: datetime | None = None


class ApiKeyOut(Out):
    id: int
    name: str
    prefix: str
    user_id: int
    scopes: list[Permission]
    created_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="完整密钥，仅此一次显示，请妥善保存")


class ApiKeyScopesIn(In):
    scopes: list[Permission] = Field(min_length=1, max_length=20, description="新的权限范围（不超出所属用户角色的权限）")


class SessionOut(Out):
    id: str = Field(description="会话编号（访问令牌中的 sid）")
    created_at: datetime
    last_seen_at: datetime = Field(description="最近一次请求（每分钟至多更新一次）")
    expires_at: datetime


class RevokedSessionsOut(Out):
    revoked: int = Field(description="结束的会话数")
