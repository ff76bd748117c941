"""Settings, read once at start from the environment (nested with ``__``, e.g. ``DATABASE__URL``)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Development-only secret; production refuses to start with it.
DEV_JWT_SECRET = "dev-only-secret-change-me-in-production-0000"  # noqa: S105


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class DatabaseSettings(BaseModel):
    #: The service's own connection. On PostgreSQL in production: the application role, which does not own the
    #: tables and holds only SELECT/INSERT on the audit tables (``qhd-inspection db grant-app-role``).
    url: str = f"sqlite+aiosqlite:///{Path('var') / 'inspection.db'}"
    #: The connection migrations run over: the role that owns the tables (default: ``url``).
    migration_url: str | None = None
    #: The application role ``migrate`` grants its rights to after every migration (PostgreSQL; none: no grants).
    app_role: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    echo: bool = False
    pool_size: int = Field(default=10, ge=1, le=200)
    #: PostgreSQL schema to use (search_path); the test suite gets a fresh one per run.
    schema_name: str | None = None

    @property
    def owner_url(self) -> str:
        """The URL migrations (and the grants) run over."""
        return self.migration_url or self.url


class AuthSettings(BaseModel):
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "qhd-emergency-inspection"
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    #: A signed-in session ends after this many minutes without a request, even if its token is still valid
    #: (0: no idle limit, refused in production).
    idle_minutes: int = Field(default=30, ge=0, le=24 * 60)
    #: argon2id cost (RFC 9106 second recommended option by default).
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65536, ge=1024)
    #: Consecutive failed logins that lock an account, and for how long.
    max_failed_logins: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    #: admin, supervisor and auditor accounts must pass a TOTP second factor (default: in production).
    require_second_factor: bool | None = None


class LimitSettings(BaseModel):
    max_page_size: int = Field(default=500, ge=1, le=10_000)
    default_page_size: int = Field(default=50, ge=1, le=10_000)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_import_rows: int = Field(default=200_000, ge=1)
    #: Requests per minute: logins per client address, check-ins and exports per account, public searches per
    #: client address (429 with Retry-After beyond; counted in the database, shared by every process).
    rate_login_per_minute: int = Field(default=20, ge=1)
    rate_checkin_per_minute: int = Field(default=120, ge=1)
    rate_public_per_minute: int = Field(default=120, ge=1)
    rate_export_per_minute: int = Field(default=30, ge=1)


class SchedulingSettings(BaseModel):
    """排期: how visits are placed."""

    #: Visits one inspector (and so one team) makes at most per working day.
    daily_capacity: int = Field(default=2, ge=1, le=20)
    #: The earliest visit day, in days after the day the schedule is made.
    lead_days: int = Field(default=1, ge=0, le=30)


class OnsiteSettings(BaseModel):
    """扫码入企 and findings."""

    #: Lifetime of a visit code shown on the inspector's phone.
    visit_code_seconds: int = Field(default=300, ge=30, le=3600)
    #: Largest distance between the device and the enterprise's recorded location at check-in.
    position_tolerance_m: float = Field(default=500.0, ge=10, le=50_000)
    #: Largest photo upload.
    max_photo_bytes: int = Field(default=10 * 1024 * 1024, ge=10_000)
    #: Where uploaded photos are stored (outside the database, by SHA-256).
    upload_dir: Path = Path("var") / "uploads"
    #: The address the printed QR codes open (the public page of this service).
    public_base_url: str = "http://127.0.0.1:8000"


#: The shortest retention of audit records: six months and more (《网络安全法》第二十一条: network logs are kept
#: for no less than six months; 186 days covers the longest six months). The database enforces it too.
MIN_AUDIT_RETENTION_DAYS = 186


class AuditSettings(BaseModel):
    """全程留痕: signed checkpoints of the audit chain's head, exported outside the database; retention."""

    #: Sign and export a checkpoint every N hours (0: off).
    checkpoint_interval_hours: int = Field(default=24, ge=0, le=24 * 7)
    #: Where checkpoints are written (keep a copy off this machine, e.g. on write-once storage).
    checkpoint_dir: Path = Path("var") / "audit-checkpoints"
    #: Audit records are kept at least this many days (never fewer than 186); older ones are purged up to a signed
    #: checkpoint, leaving a signed anchor the remaining chain verifies from.
    retention_days: int = 365
    #: Run the purge every N hours (0: off).
    purge_interval_hours: int = Field(default=24, ge=0, le=24 * 31)

    @field_validator("retention_days")
    @classmethod
    def _at_least_six_months(cls, value: int) -> int:
        if value < MIN_AUDIT_RETENTION_DAYS:
            raise ValueError(
                f"审计记录保存期限 AUDIT__RETENTION_DAYS 不得少于 {MIN_AUDIT_RETENTION_DAYS} 天（六个月），当前为 {value} / "
                f"AUDIT__RETENTION_DAYS must be at least {MIN_AUDIT_RETENTION_DAYS} days, got {value}"
            )
        return value


class DemoSettings(BaseModel):
    """What the embedded default loads on first start when the directories are empty."""

    load_on_start: bool = False
    enterprises: int = Field(default=3000, ge=0, le=1_000_000)
    seed: int = 2026


#: Credentials of the embedded simulator; production must configure the platform's own.
SIMULATOR_CLIENT_ID = "qhd-yjj"
SIMULATOR_CLIENT_SECRET = "qhd-yjj-simulator-secret"  # noqa: S105 - the simulator's published demo credential


class ProvincialSettings(BaseModel):
    """The provincial platform 冀上双随机. Without ``base_url`` the service talks to an in-process simulator."""

    base_url: str | None = None
    client_id: str = SIMULATOR_CLIENT_ID
    client_secret: SecretStr = SecretStr(SIMULATOR_CLIENT_SECRET)
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    retry_attempts: int = Field(default=4, ge=1, le=10)
    retry_base_seconds: float = Field(default=0.5, ge=0)
    retry_cap_seconds: float = Field(default=8.0, ge=0)
    page_size: int = Field(default=500, ge=1, le=500)
    overlap_seconds: int = Field(default=300, ge=0)
    #: Incremental sync every N seconds (0: off).
    sync_interval_seconds: int = Field(default=3600, ge=0)
    #: Full reconciliation every N hours (0: off).
    reconcile_interval_hours: int = Field(default=24, ge=0)
    #: Outbox relay polling interval in seconds (0: off).
    relay_interval_seconds: float = Field(default=5.0, ge=0)
    #: Run an incremental sync when the service starts.
    sync_on_start: bool = False
    #: The embedded simulator's population.
    simulator_seed: int = 2026
    simulator_enterprises: int = Field(default=3000, ge=0, le=1_000_000)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_nested_delimiter="__", env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    log_json: bool | None = None
    log_level: str = "INFO"
    docs_enabled: bool = True
    database: DatabaseSettings = DatabaseSettings()
    auth: AuthSettings = AuthSettings()
    limits: LimitSettings = LimitSettings()
    demo: DemoSettings = DemoSettings()
    scheduling: SchedulingSettings = SchedulingSettings()
    onsite: OnsiteSettings = OnsiteSettings()
    audit: AuditSettings = AuditSettings()
    provincial: ProvincialSettings = ProvincialSettings()

    @model_validator(mode="after")
    def _production_has_real_secrets(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            secret = self.auth.jwt_secret.get_secret_value()
            if secret == DEV_JWT_SECRET or len(secret) < 32:
                raise ValueError(
                    "生产环境必须配置 AUTH__JWT_SECRET（至少 32 个字符，不得使用默认值） / "
                    "production requires AUTH__JWT_SECRET of at least 32 characters, not the default"
                )
            if self.auth.idle_minutes < 2:
                raise ValueError("生产环境必须设置会话空闲超时 AUTH__IDLE_MINUTES（至少 2 分钟） / "
                                 "production requires an idle limit AUTH__IDLE_MINUTES of at least 2 minutes")
            platform = self.provincial
            if platform.base_url is None or platform.client_secret.get_secret_value() == SIMULATOR_CLIENT_SECRET:
                raise ValueError(
                    "生产环境必须配置省级平台地址 PROVINCIAL__BASE_URL 与接入凭据 PROVINCIAL__CLIENT_SECRET / "
                    "production requires PROVINCIAL__BASE_URL and the platform's own PROVINCIAL__CLIENT_SECRET"
                )
        return self

    @property
    def second_factor_required(self) -> bool:
        required = self.auth.require_second_factor
        return self.environment is Environment.PRODUCTION if required is None else required

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment is Environment.PRODUCTION


@lru_cache
def get_settings() -> Settings:
    return Settings()
