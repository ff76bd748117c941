"""China Standard Time formatting and the simulator's clock.

The clock is real time in CST, never earlier than the population's base time (when the host clock is
behind it, it runs on from the base time), never going backwards, and can be moved forward on request
so tests can separate update times without sleeping.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def format_time(epoch_seconds: int) -> str:
    """`yyyy-MM-dd HH:mm:ss` in CST for whole epoch seconds."""
    return datetime.fromtimestamp(epoch_seconds, CST).strftime(TIME_FORMAT)


def format_date(day: date) -> str:
    return day.strftime(DATE_FORMAT)


def parse_time(text: object) -> int | None:
    """Epoch seconds of a strict `yyyy-MM-dd HH:mm:ss` CST time, or None when it is not one."""
    if not isinstance(text, str) or len(text) != 19:
        return None
    try:
        moment = datetime.strptime(text, TIME_FORMAT).replace(tzinfo=CST)
    except ValueError:
        return None
    return int(moment.timestamp())


def parse_date(text: object) -> date | None:
    """A strict `yyyy-MM-dd` date, or None when it is not one."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        return None


class SimClock:
    """Whole-second CST time for stamps; fractional seconds for token expiry."""

    def __init__(self, base_epoch: int) -> None:
        self._base = float(base_epoch)
        self._started = time.monotonic()
        self._offset = 0.0
        self._last = self._base

    def now(self) -> float:
        running = max(time.time(), self._base + (time.monotonic() - self._started))
        self._last = max(self._last, running + self._offset)
        return self._last

    def stamp(self) -> int:
        """The current second (what a mutation's updateTime shows)."""
        return int(self.now())

    def advance(self, seconds: float) -> float:
        self._offset += seconds
        return self.now()

    @property
    def offset_seconds(self) -> float:
        return self._offset
