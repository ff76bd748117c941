"""PostgreSQL: the service connects as an application role that does not own the tables. Granted as
``qhd-inspection db grant-app-role`` grants, the role cannot change, remove or truncate audit records, nor switch off
or drop their guards, yet the service running as that role appends to the chain, verifies it and purges expired
records through the owner's function."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app.adapters.db.engine import Database
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.roles import RoleError, grant_app_role
from app.adapters.db.tables import AuditRecordRow
from app.adapters.db.uow import SqlUnitOfWork
from app.cli import cli
from app.deps import Container
from app.domain.audit.checkpoints import make_checkpoint
from app.domain.audit.model import AuditEvent
from app.domain.audit.retention import purge_expired
from app.domain.auth.model import Role, User
from app.main import create_app
from app.settings import Settings, get_settings
from tests.api.test_audit import enterprise_body, uscc
from tests.api.test_audit_retention import NOW
from tests.support import FixedClock, session_token

AUDIT = AuditRecordRow.__table__
PASSWORD = "App-Role-Test-2026"


@pytest.fixture
def owner_url(container: Container, database_url: str) -> str:
    if container.db.is_sqlite:
        pytest.skip("SQLite has no roles; the application role is PostgreSQL's")
    return database_url


@pytest.fixture
def env(container: Container, owner_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE__URL", owner_url)
    monkeypatch.setenv("DATABASE__SCHEMA_NAME", container.db.schema or "")
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def role(container: Container, owner_url: str, env: None) -> AsyncIterator[str]:
    """A throwaway login role, created and granted by the command line as an operator would."""
    name = f"qhd_app_{uuid.uuid4().hex[:8]}"
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["db", "grant-app-role", name, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert f"已创建并授权应用角色 {name}" in result.output
    assert "audit_record" in result.output
    yield name
    admin = Database(owner_url)
    async with admin.engine.begin() as connection:
        await connection.execute(sa.text(f'DROP OWNED BY "{name}"'))
        await connection.execute(sa.text(f'DROP ROLE "{name}"'))
    await admin.dispose()


def role_url(owner_url: str, role: str) -> str:
    return make_url(owner_url).set(username=role, password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
async def as_role(container: Container, owner_url: str, role: str) -> AsyncIterator[Database]:
    db = Database(role_url(owner_url, role), schema=container.db.schema)
    yield db
    await db.dispose()


async def seed(container: Container) -> None:
    async with container.uow(Actor("test", "system", None)) as uow:
        for n in range(3):
            uow.audit.record(AuditEvent("test.event", "thing", str(n)))
        await uow.commit()
    await container.db.audit_sealer.seal()


FORBIDDEN = [
    ("UPDATE audit_record SET actor = 'someone-else'", "permission denied"),
    ("DELETE FROM audit_record WHERE seq = 1", "permission denied"),
    ("DELETE FROM audit_record", "permission denied"),
    ("TRUNCATE audit_record", "permission denied"),
    ("ALTER TABLE audit_record DISABLE TRIGGER audit_record_append_only", "must be owner"),
    ("ALTER TABLE audit_record DISABLE TRIGGER audit_record_purge_guard", "must be owner"),
    ("ALTER TABLE audit_record DISABLE TRIGGER ALL", "must be owner"),
    ("DROP TRIGGER audit_record_append_only ON audit_record", "must be owner"),
    ("DROP TRIGGER audit_record_purge_guard ON audit_record", "must be owner"),
    ("DROP FUNCTION audit_record_purge_guard() CASCADE", "must be owner"),
    ("CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS "
     "$$ BEGIN RETURN NULL; END $$", "permission denied for schema|must be owner"),
    ("ALTER TABLE audit_record OWNER TO CURRENT_USER", "must be owner"),
    ("DROP TABLE audit_record", "must be owner"),
    ("SET session_replication_role = replica", "permission denied"),
    ("UPDATE audit_checkpoint SET seq = 0", "permission denied"),
    ("DELETE FROM audit_checkpoint", "permission denied"),
    ("TRUNCATE audit_checkpoint", "permission denied"),
    ("DELETE FROM audit_anchor", "permission denied"),
    ("TRUNCATE audit_anchor", "permission denied"),
    ("SELECT audit_purge(185, 3)", "at least 186 days"),
    ("SELECT audit_purge(186, 3)", "beyond the newest signed anchor"),
]


@pytest.mark.parametrize(("statement", "refusal"), FORBIDDEN, ids=[s for s, _ in FORBIDDEN])
async def test_the_app_role_cannot_change_remove_or_unguard_audit_records(
    container: Container, as_role: Database, statement: str, refusal: str
) -> None:
    await seed(container)

    with pytest.raises(sa.exc.DBAPIError, match=refusal):
        async with as_role.engine.begin() as connection:
            await connection.execute(sa.text(statement))

    async with container.db.engine.connect() as connection:
        seqs = (await connection.execute(sa.select(AUDIT.c.seq).order_by(AUDIT.c.seq))).scalars().all()
        triggers = (await connection.execute(sa.text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O' "
            "AND tgrelid = 'audit_record'::regclass ORDER BY tgname"))).scalars().all()
    assert seqs == [1, 2, 3]
    assert triggers == ["audit_record_append_only", "audit_record_purge_guard"]


async def test_the_service_running_as_the_app_role_appends_verifies_and_purges(
    container: Container, settings: Settings, owner_url: str, role: str
) -> None:
    role_settings = settings.model_copy(deep=True)
    role_settings.database.url = role_url(owner_url, role)
    role_settings.database.migration_url = owner_url
    service = Container.build(role_settings)
    assert service.db.schema == container.db.schema
    try:
        # Expired records first (written as the service would have, long ago), with a signed checkpoint over them.
        for days in (300, 299):
            async with SqlUnitOfWork(service.db, FixedClock(NOW - timedelta(days=days)),
                                     Actor("test", "system", None)) as uow:
                uow.audit.record(AuditEvent("test.event", "thing", str(days)))
                await uow.commit()
        await make_checkpoint(SqlUnitOfWork(service.db, FixedClock(NOW - timedelta(days=298)),
                                            Actor("system:audit", "system", None)), service.keys, "system:audit")
        headers = {}
        for name, user_role, unit in (("role-supervisor", Role.SUPERVISOR, "ZJK"), ("role-auditor", Role.AUDITOR, "ZJK")):
            async with service.uow(Actor("fixture", "system", None)) as uow:
                user = await uow.users.add(User(None, name, name, user_role, unit, await service.hasher.hash(PASSWORD)))
                await uow.commit()
            token = await session_token(service, user)
            headers[user_role] = {"Authorization": f"Bearer {token}"}

        application = create_app(role_settings, container=service)
        async with LifespanManager(application), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=application), base_url="http://test") as client:
            assert (await client.get("/readyz")).status_code == 200
            code = uscc(700)
            created = await client.post("/api/v1/enterprises", json=enterprise_body(code),
                                        headers=headers[Role.SUPERVISOR])
            assert created.status_code == 201, created.text
            patched = await client.patch(f"/api/v1/enterprises/{code}", json={"name": "秦皇岛宏达重工有限公司"},
                                         headers=headers[Role.SUPERVISOR])
            assert patched.status_code == 200, patched.text
            made = await client.post("/api/v1/audit/checkpoints", headers=headers[Role.AUDITOR])
            assert made.status_code == 201, made.text

            purged = await purge_expired(service.uow(Actor("system:audit", "system", None)), service.keys,
                                         retention_days=186, by="system:audit")
            assert (purged.purged, purged.anchor.seq if purged.anchor else None) == (2, 2)

            report = (await client.get("/api/v1/audit/verify", headers=headers[Role.AUDITOR])).json()
            assert report["ok"] is True, report
            assert (report["anchor_seq"], report["first_seq"]) == (2, 3)
            actions = [r["action"] for r in (await client.get(
                "/api/v1/audit/records", headers=headers[Role.AUDITOR])).json()["items"]]
            assert actions[0] == "audit.purge"
            assert {"enterprise.create", "enterprise.update", "audit.checkpoint"} <= set(actions)
    finally:
        await service.close()


async def test_migrate_runs_as_the_owner_and_renews_the_grants(
    container: Container, owner_url: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE__URL", role_url(owner_url, role))
    monkeypatch.setenv("DATABASE__MIGRATION_URL", owner_url)
    monkeypatch.setenv("DATABASE__APP_ROLE", role)
    get_settings.cache_clear()

    result = await asyncio.to_thread(CliRunner().invoke, cli, ["migrate"])

    assert result.exit_code == 0, result.output
    assert "数据库已迁移到最新版本" in result.output
    assert f"已为应用角色 {role} 重新授权" in result.output


async def test_a_superuser_or_the_owner_is_refused_as_the_app_role(container: Container, owner_url: str) -> None:
    with pytest.raises(RoleError, match="超级用户"):
        await grant_app_role(owner_url, "postgres", schema=container.db.schema)
    with pytest.raises(RoleError, match="不存在"):
        await grant_app_role(owner_url, "qhd_no_such_role", schema=container.db.schema, create=False)
