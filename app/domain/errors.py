"""The one hierarchy of domain errors.

Every error carries a stable machine-readable ``code`` (e.g. ``enterprise.not_found``),
a Chinese message for people and an English message for logs and integrators.
``app/routers/errors.py`` maps each class to an HTTP status and renders RFC 9457.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code: str = "domain.error"
    message_zh: str = "业务规则不允许该操作"
    message_en: str = "The operation is not allowed by a business rule"
    #: Set once a service has written the refused attempt to the audit trail itself.
    audited: bool = False

    def __init__(
        self,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        if message_zh is not None:
            self.message_zh = message_zh
        if message_en is not None:
            self.message_en = message_en
        self.details: dict[str, Any] = details or {}
        super().__init__(f"{self.code}: {self.message_en}")


class NotFound(DomainError):
    code = "not_found"
    message_zh = "记录不存在"
    message_en = "Record not found"


class Conflict(DomainError):
    """The request is valid but clashes with the current state (duplicate key, wrong status)."""

    code = "conflict"
    message_zh = "与现有数据冲突"
    message_en = "Conflicts with the current state"


class InvalidInput(DomainError):
    """A value is well-formed JSON but breaks a domain rule (checksum, unknown code...)."""

    code = "invalid_input"
    message_zh = "输入数据不符合规则"
    message_en = "Input breaks a domain rule"


class AuthenticationFailed(DomainError):
    code = "auth.unauthenticated"
    message_zh = "未登录或登录已失效"
    message_en = "Authentication required or credentials invalid"


class PermissionDenied(DomainError):
    code = "auth.forbidden"
    message_zh = "无权执行该操作"
    message_en = "Not allowed to perform this operation"


class TooManyRequests(DomainError):
    """429: the caller must wait ``details["retry_after_seconds"]`` before trying again."""

    code = "request.too_many"
    message_zh = "请求过于频繁，请稍后再试"
    message_en = "Too many requests"


class PayloadTooLarge(DomainError):
    code = "payload.too_large"
    message_zh = "上传内容超过大小限制"
    message_en = "Payload exceeds the size limit"


class UnsupportedMediaType(DomainError):
    code = "payload.unsupported_type"
    message_zh = "不支持的文件类型"
    message_en = "Unsupported file type"


class ServiceUnavailable(DomainError):
    code = "service.unavailable"
    message_zh = "服务暂不可用，请稍后重试"
    message_en = "Service temporarily unavailable"


class PlatformError(DomainError):
    """The provincial platform did not do what was asked."""

    code = "provincial.error"
    message_zh = "省级平台“冀上双随机”调用失败"
    message_en = "The provincial platform call failed"

    def __init__(self, message_zh: str | None = None, message_en: str | None = None, *, code: str | None = None,
                 details: dict[str, Any] | None = None, platform_code: str | None = None) -> None:
        super().__init__(message_zh, message_en, code=code, details=details)
        #: The platform's envelope code ("9001", "2001", ...) or the gateway's HTTP status, when there was one.
        self.platform_code = platform_code


class PlatformUnavailable(PlatformError):
    """Transient: gateway errors, busy or internal errors, timeouts, unreadable answers. Worth retrying later."""

    code = "provincial.unavailable"
    message_zh = "省级平台暂时不可用，请稍后重试"
    message_en = "The provincial platform is temporarily unavailable"


class PlatformRejected(PlatformError):
    """The platform refused the request on business grounds (2001, 2002, 3001, 1002): retrying will not help."""

    code = "provincial.rejected"
    message_zh = "省级平台拒绝了该请求"
    message_en = "The provincial platform rejected the request"
