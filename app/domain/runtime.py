"""Process-level helpers for bulk work."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_resume = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk job allocates hundreds of thousands of
    long-lived objects (rows being imported).

    Without the pause, the collector walks the growing row lists again and again, which doubles
    the cost of parsing a large file. Reference counting still frees everything that is not in a
    cycle; the collector resumes when the last concurrent job ends."""
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()


def collect_recent() -> int:
    """Collect the cycles among recently created objects (the two young generations) – cheap, whatever the size
    of the heap. Long bulk jobs call it between batches while :func:`paused_gc` holds the automatic collector
    off, so cyclic garbage never piles up."""
    return gc.collect(1)
