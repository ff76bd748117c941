"""Fixed-window request counters in the database, so every service process shares them."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.adapters.db.engine import Database
from app.adapters.db.tables import RateLimitRow

RL = RateLimitRow.__table__


class SqlRateLimiter:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> float | None:
        """Count one request; None when it is allowed, else the seconds until the window ends."""
        insert = postgresql.insert(RL) if self.db.dialect == "postgresql" else sqlite.insert(RL)
        expired = RL.c.window_start <= now - window
        statement = insert.values(key=key[:160], window_start=now, count=1).on_conflict_do_update(
            index_elements=[RL.c.key],
            set_={"count": sa.case((expired, 1), else_=RL.c.count + 1),
                  "window_start": sa.case((expired, sa.literal(now, RL.c.window_start.type)),
                                          else_=RL.c.window_start)},
        ).returning(RL.c.count, RL.c.window_start)
        if self.db.is_sqlite:
            async with self.db.write_lock, self.db.engine.begin() as connection:
                count, started = (await connection.execute(statement)).one()
        else:  # one statement, atomic by itself: no BEGIN and COMMIT round trips
            async with self.db.autocommit.connect() as connection:
                count, started = (await connection.execute(statement)).one()
        if count <= limit:
            return None
        started = started if started.tzinfo else started.replace(tzinfo=now.tzinfo)
        return max(1.0, (started + window - now).total_seconds())
