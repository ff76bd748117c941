"""Test fixtures: a real database (SQLite always; PostgreSQL when CI=true or TEST_DATABASE_URL is set),
migrated once per run, cleaned between tests; the real app behind httpx."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.adapters.db.engine import Database
from app.adapters.db.migrations import upgrade_async
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.tables import CheckItemRow, DepartmentRow, metadata
from app.deps import Container
from app.domain.auth.model import Role, User
from app.domain.directories.seeding import ensure_reference_data
from app.main import create_app
from app.settings import Environment, Settings
from tests.support import session_token

PASSWORD = "Test-Passw0rd!"
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite+aiosqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    schema = None
    if database_url.startswith("postgresql"):
        schema = f"test_{uuid.uuid4().hex[:10]}"
        admin = Database(database_url)
        try:
            async with admin.engine.begin() as connection:
                await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        except Exception as exc:
            pytest.exit(f"PostgreSQL 不可用 / PostgreSQL unreachable at {database_url}: {exc}", returncode=3)
        finally:
            await admin.dispose()
    await upgrade_async(database_url, schema=schema)
    db = Database(database_url, schema=schema)
    yield db
    await db.dispose()
    if schema:
        admin = Database(database_url)
        async with admin.engine.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def wipe(db: Database) -> None:
    """Empty every table, the append-only audit tables included (their guard triggers are bypassed here only)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    sealing = db.audit_sealer.running  # the app's audit sealer waits while the tables are emptied
    await db.audit_sealer.stop()
    async with db.engine.begin() as connection:
        if db.is_sqlite:
            guards = (await connection.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit%'"))).all()
            for guard in guards:
                await connection.execute(sa.text(f'DROP TRIGGER "{guard.name}"'))
            for name in tables:
                await connection.execute(sa.text(f"DELETE FROM {name}"))  # noqa: S608
            for guard in guards:
                await connection.execute(sa.text(guard.sql))
        else:
            await connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            await connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    if sealing:
        db.audit_sealer.start()


REFERENCE_TABLES = (DepartmentRow.__table__, CheckItemRow.__table__)


@pytest.fixture(scope="session")
def base_settings(database_url: str, database: Database, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Real argon2id with the smallest cost: the flows are under test here, not the work factor.
    return Settings(environment=Environment.TEST, database={"url": database_url, "schema_name": database.schema},
                    # No idle limit by default: tests move their clocks by days (tests/api/test_sessions.py sets one).
                    auth={"argon2_time_cost": 1, "argon2_memory_kib": 1024, "idle_minutes": 0},
                    # No background schedules in tests (they run sync and relay explicitly); quick retries.
                    provincial={"sync_interval_seconds": 0, "reconcile_interval_hours": 0, "relay_interval_seconds": 0,
                                "retry_base_seconds": 0.001, "retry_cap_seconds": 0.01, "timeout_seconds": 2,
                                "simulator_enterprises": 300},
                    onsite={"upload_dir": tmp_path_factory.mktemp("uploads")},
                    audit={"checkpoint_interval_hours": 0, "checkpoint_dir": tmp_path_factory.mktemp("checkpoints")})


@pytest.fixture(scope="session")
async def reference_rows(base_settings: Settings, database: Database) -> list[list[dict[str, object]]]:
    """The units and the item list as the loader writes them, captured once and restored before each test."""
    await wipe(database)
    container = Container.build(base_settings, db=database)
    await ensure_reference_data(container.uow(Actor("loader", "system", None)))
    async with database.engine.connect() as connection:
        return [[dict(r._mapping) for r in await connection.execute(sa.select(t))] for t in REFERENCE_TABLES]


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    """A copy per test: tests may tighten limits without touching their neighbours."""
    return base_settings.model_copy(deep=True)


@pytest.fixture
async def container(settings: Settings, database: Database,
                    reference_rows: list[list[dict[str, object]]]) -> AsyncIterator[Container]:
    await wipe(database)
    async with database.engine.begin() as connection:
        for table, rows in zip(REFERENCE_TABLES, reference_rows, strict=True):
            await connection.execute(sa.insert(table), rows)
    built = Container.build(settings, db=database)
    yield built
    await built.jobs.stop()
    if built.http is not None:
        await built.http.aclose()


@pytest.fixture(scope="session")
async def session_app(base_settings: Settings, database: Database) -> AsyncIterator[FastAPI]:
    """One app for the run (FastAPI prepares its routes on first use); each test installs its own container."""
    application = create_app(base_settings, container=Container.build(base_settings, db=database))
    async with LifespanManager(application):
        yield application


@pytest.fixture
def app(session_app: FastAPI, container: Container) -> FastAPI:
    session_app.state.container = container
    return session_app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


_HASH: dict[str, str] = {}


@pytest.fixture
def make_user(container: Container) -> Callable[..., Awaitable[dict[str, str]]]:
    """Creates a user of a role and returns the Authorization header of a real login token."""

    async def make(role: Role | str, department: str = "ZF1", username: str | None = None,
                   person_id: str | None = None) -> dict[str, str]:
        role = Role(role)
        if "hash" not in _HASH:
            _HASH["hash"] = await container.hasher.hash(PASSWORD)
        name = username or f"{role.value}-{department.lower()}-{uuid.uuid4().hex[:6]}"
        async with container.uow(Actor("fixture", "system", None)) as uow:
            user = await uow.users.add(User(None, name, name, role, department, _HASH["hash"], person_id=person_id))
            await uow.commit()
        token = await session_token(container, user)
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
async def supervisor(make_user: Callable[..., Awaitable[dict[str, str]]]) -> dict[str, str]:
    return await make_user(Role.SUPERVISOR, "ZJK")


def pytest_configure(config: pytest.Config) -> None:
    from tests.logscan import LogScan

    config.pluginmanager.register(LogScan(), "qhd-logscan")
