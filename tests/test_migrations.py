"""The migration stairway: every revision upgrades, downgrades and upgrades again, and head matches the models."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from alembic import command
from app.adapters.db.engine import Database
from app.adapters.db.migrations import alembic_config
from app.adapters.db.tables import metadata

APP_TABLES = {t.name for t in metadata.sorted_tables}


def revisions_oldest_first(config: Config) -> list[tuple[str, str]]:
    """(revision, the revision below it or "base") for every step of the history."""
    script = ScriptDirectory.from_config(config)
    steps = []
    for revision in reversed(list(script.walk_revisions())):
        down = revision.down_revision
        assert not isinstance(down, tuple), "merge revisions need their own stairway step"
        steps.append((revision.revision, down or "base"))
    return steps


@pytest.fixture(params=["sqlite", "postgresql"])
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Config, Database]]:
    """A migration config and an engine on an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        url, schema = f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}", None
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            pytest.skip("PostgreSQL stairway runs when TEST_DATABASE_URL is a postgresql URL")
        schema = f"stairway_{uuid.uuid4().hex[:10]}"
        admin = Database(url)
        async with admin.engine.begin() as connection:
            await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
    config = alembic_config(url, schema)
    db = Database(url, schema=schema)
    try:
        yield config, db
    finally:
        await db.dispose()
        if schema:
            admin = Database(url)
            async with admin.engine.begin() as connection:
                await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


async def tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def version(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        if not await connection.run_sync(lambda c: sa.inspect(c).has_table("alembic_version")):
            return None
        return (await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar()


async def run(fn: object, *args: object) -> None:
    """Alembic's env runs its own event loop, so commands go to a worker thread."""
    await asyncio.to_thread(fn, *args)  # type: ignore[arg-type]


async def test_every_revision_upgrades_downgrades_and_upgrades_again(target: tuple[Config, Database]) -> None:
    config, db = target
    for revision, below in revisions_oldest_first(config):
        await run(command.upgrade, config, revision)
        assert await version(db) == revision
        await run(command.downgrade, config, below)
        assert await version(db) == (None if below == "base" else below)
        await run(command.upgrade, config, revision)
        assert await version(db) == revision


async def test_head_down_to_base_and_back_leaves_the_schema_of_the_models(target: tuple[Config, Database]) -> None:
    config, db = target
    head = ScriptDirectory.from_config(config).get_current_head()

    await run(command.upgrade, config, "head")
    assert await tables(db) >= APP_TABLES
    await run(command.downgrade, config, "base")
    assert await tables(db) <= {"alembic_version"}, "downgrade to base left tables behind"
    await run(command.upgrade, config, "head")

    assert await version(db) == head
    assert await tables(db) == APP_TABLES | {"alembic_version"}
    # Autogenerate finds nothing to do: the migrated schema is the models' schema (env.py's include_object
    # leaves out the hand-written, dialect-specific objects).
    await run(command.check, config)


async def test_downgrade_removes_the_audit_guards(target: tuple[Config, Database]) -> None:
    config, db = target
    await run(command.upgrade, config, "head")
    await run(command.downgrade, config, "base")

    async with db.engine.connect() as connection:
        if db.is_sqlite:
            leftovers = (await connection.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"))).scalars().all()
        else:
            leftovers = (await connection.execute(sa.text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND p.proname = 'audit_record_append_only'"))).scalars().all()
    assert leftovers == []
