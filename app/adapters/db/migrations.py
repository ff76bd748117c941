"""Alembic, driven from code: upgrade to head, and compare the database's revision with the head."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from alembic import command
from app.adapters.db.engine import Database

_SOURCE_ROOT = Path(__file__).resolve().parents[3]
#: Where alembic.ini and alembic/ are: the source tree, or the working directory of an installed copy.
ROOT = _SOURCE_ROOT if (_SOURCE_ROOT / "alembic.ini").exists() else Path.cwd()


def alembic_config(url: str, schema: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if schema:
        config.attributes["schema"] = schema
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_and_head(db: Database) -> tuple[str | None, str | None]:
    async with db.engine.connect() as connection:
        has_table = await connection.run_sync(lambda c: sa.inspect(c).has_table("alembic_version"))
        current = None
        if has_table:
            current = (await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar()
    return current, head_revision()


def upgrade(url: str, revision: str = "head", schema: str | None = None) -> None:
    command.upgrade(alembic_config(url, schema), revision)


def downgrade(url: str, revision: str, schema: str | None = None) -> None:
    command.downgrade(alembic_config(url, schema), revision)


async def upgrade_async(url: str, revision: str = "head", schema: str | None = None) -> None:
    await asyncio.to_thread(upgrade, url, revision, schema)
