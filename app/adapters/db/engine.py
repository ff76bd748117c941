"""Engine and session factory; SQLite gets WAL, foreign keys and a single-writer lock."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.adapters.db.audit_sealer import AuditSealer


class Database:
    """One engine per process, made in the lifespan (or by the CLI) and disposed at the end."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10, schema: str | None = None) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.schema = schema
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = self.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
            if schema:
                kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            sa.event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Reads on PostgreSQL need no BEGIN and ROLLBACK around them: under READ COMMITTED every statement sees its
        # own snapshot inside a transaction too, so autocommit saves two round trips and changes nothing else.
        self.autocommit = self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessions = async_sessionmaker(self.autocommit, expire_on_commit=False, autoflush=False)
        # SQLite has one writer at a time; queueing writers here avoids "database is locked".
        self.write_lock = asyncio.Lock()
        self.audit_sealer = AuditSealer(self)
        self.pool_size = pool_size
        self._raw_pool: asyncpg.Pool | None = None
        self._raw_opening = asyncio.Lock()

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def session(self) -> AsyncSession:
        return self.sessions()

    def read_session(self) -> AsyncSession:
        """A session for reads only (autocommit on PostgreSQL)."""
        return self.read_sessions()

    async def raw_pool(self) -> asyncpg.Pool:
        """PostgreSQL: a small pool of plain asyncpg connections beside the engine's, for the few statements too
        hot for the ORM (the check-in's fast lane); made on first use, closed by ``dispose``. JSON columns decode
        to Python values as through the engine."""
        if self.is_sqlite:
            raise RuntimeError("no asyncpg pool on SQLite")
        if self._raw_pool is None:
            async with self._raw_opening:
                if self._raw_pool is None:
                    self._raw_pool = await asyncpg.create_pool(
                        self.url.set(drivername="postgresql").render_as_string(hide_password=False),
                        min_size=1, max_size=self.pool_size, init=_json_codecs, reset=_no_reset,
                        server_settings={"search_path": self.schema} if self.schema else None)
        return self._raw_pool

    async def dispose(self) -> None:
        await self.audit_sealer.stop()
        if self._raw_pool is not None:
            pool, self._raw_pool = self._raw_pool, None
            await pool.close()
        await self.engine.dispose()


async def _json_codecs(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await connection.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _no_reset(_connection: asyncpg.Connection) -> None:
    """A connection goes back to the raw pool as it is: its users run single statements, which leave no session
    state behind (no open transaction, SET, LISTEN, cursor or advisory lock), so asyncpg's reset round trip
    would only cost time."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: SQLSTATE classes of a database that cannot serve now: connection exceptions (08…), shutting down or starting up
#: (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")


#: What a request that reaches the database may raise when it is down (handled by database_unavailable).
DATABASE_ERRORS: tuple[type[Exception], ...] = (ConnectionError, sa.exc.DBAPIError)


def database_unavailable(error: BaseException) -> bool:
    """The database is down, restarting or dropped the connection: the request may succeed when retried shortly
    (a 503), unlike a bug (a 500). The pool's pre-ping replaces dead connections once the database is back."""
    if isinstance(error, ConnectionError):  # refused, reset, aborted, broken pipe
        return True
    if isinstance(error, sa.exc.DBAPIError):
        if error.connection_invalidated or isinstance(error, sa.exc.InterfaceError):
            return True
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None) or ""
        return str(state).startswith(_UNAVAILABLE_STATES)
    return False
