"""Test fixtures: a real database (SQLite always; PostgreSQL when CI=true or TEST_DATABASE_URL is set),
migrated once per run, cleaned between tests; the real app behind httpx."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager

from app.adapters.db.engine import Database
from app.adapters.db.migrations import upgrade_async
from app.adapters.db.repositories.audit import Actor
from app.adapters.db.tables import metadata
from app.deps import Container
from app.domain.auth.model import Role, User
from app.domain.directories.seeding import ensure_reference_data
from app.main import create_app
from app.settings import Environment, Settings

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
        except Exception as exc:  # noqa: BLE001
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
    """Empty every table, the append-only audit trail included (its guard triggers are bypassed here only)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    async with db.engine.begin() as connection:
        if db.is_sqlite:
            await connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_record_no_delete"))
            for name in tables:
                await connection.execute(sa.text(f"DELETE FROM {name}"))  # noqa: S608
            await connection.execute(sa.text(
                "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
                "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only'); END"))
        else:
            await connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            await connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def settings(database_url: str, database: Database) -> Settings:
    return Settings(environment=Environment.TEST, database={"url": database_url, "schema_name": database.schema})


@pytest.fixture
async def container(settings: Settings, database: Database) -> Container:
    await wipe(database)
    container = Container.build(settings, db=database)
    await ensure_reference_data(container.uow(Actor("loader", "system", None)))
    return container


@pytest.fixture
async def app(settings: Settings, container: Container) -> AsyncIterator[object]:
    application = create_app(settings, container=container)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


_HASH: dict[str, str] = {}


@pytest.fixture
def make_user(container: Container) -> Callable[..., Awaitable[dict[str, str]]]:
    """Creates a user of a role and returns the Authorization header of a real login token."""

    async def make(role: Role | str, department: str = "ZF1", username: str | None = None) -> dict[str, str]:
        role = Role(role)
        if "hash" not in _HASH:
            _HASH["hash"] = await asyncio.to_thread(container.hasher.hash, PASSWORD)
        name = username or f"{role.value}-{department.lower()}-{uuid.uuid4().hex[:6]}"
        async with container.uow(Actor("fixture", "system", None)) as uow:
            user = await uow.users.add(User(None, name, name, role, department, _HASH["hash"]))
            await uow.commit()
        token = container.tokens.issue({"sub": str(user.id), "role": role.value, "dept": department}, minutes=10)
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
async def supervisor(make_user: Callable[..., Awaitable[dict[str, str]]]) -> dict[str, str]:
    return await make_user(Role.SUPERVISOR, "ZJK")
