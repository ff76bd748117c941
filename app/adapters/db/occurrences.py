"""Scheduled jobs run once per occurrence across every service process: the process that records the job's slot
first runs it, the others skip it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from app.adapters.db.engine import Database
from app.adapters.db.tables import JobOccurrenceRow

JO = JobOccurrenceRow.__table__


class SqlJobOccurrences:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, job: str, *, every_seconds: float, now: datetime, worker: str) -> bool:
        """True for the one process that takes this occurrence (slot = the interval ``now`` falls in)."""
        slot = int(now.timestamp() // max(every_seconds, 1))
        insert = postgresql.insert(JO) if self.db.dialect == "postgresql" else sqlite.insert(JO)
        statement = insert.values(job=job, slot=slot, worker=worker[:64], started_at=now).on_conflict_do_nothing() \
            .returning(JO.c.job)
        if self.db.is_sqlite:
            async with self.db.write_lock, self.db.engine.begin() as connection:
                return (await connection.execute(statement)).first() is not None
        async with self.db.engine.begin() as connection:
            return (await connection.execute(statement)).first() is not None
