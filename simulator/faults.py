"""Fault injection: which request gets which fault (pure bookkeeping, no I/O).

A plan has an optional scripted `sequence` (consumed by the next matching requests, "ok" = normal service)
and an optional `rate` with `kinds` (each matching request, once the sequence is used up, gets a fault with
that probability, drawn from a seeded generator so runs repeat). Page faults only make sense for directory
reads; elsewhere they are skipped (served normally, not counted).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from simulator.seeded import seeded

GATEWAY = ("http429", "http502", "http503", "http504")
ENVELOPE = ("code9001", "code9999", "token_expired")
DELAYS = ("timeout", "slow")
PAGE = ("duplicate_page", "out_of_order_page")
FAULT_KINDS = (*GATEWAY, *ENVELOPE, *DELAYS, "malformed", *PAGE, "lost_response")
DEFAULT_RATE_KINDS = ("http502", "http503", "http504", "code9001", "code9999")
DEFAULT_DELAYS = {"timeout": 30.0, "slow": 0.5}


@dataclass
class FaultPlan:
    sequence: list[str] = field(default_factory=list)
    rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_RATE_KINDS
    path_prefix: str = "/api/v1"
    delay_seconds: float | None = None
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    served: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = seeded(self.seed, "faults")

    def matches(self, path: str) -> bool:
        return path.startswith(self.path_prefix)

    def next_fault(self, path: str, *, directory_read: bool) -> str | None:
        """The fault for a request to `path` (None = serve normally); counts what it hands out."""
        if not self.matches(path):
            return None
        self.served += 1
        if self.sequence:
            fault: str | None = self.sequence.pop(0)
            if fault == "ok":
                return None
        elif self.rate > 0 and self._rng.random() < self.rate:
            usable = [kind for kind in self.kinds if directory_read or kind not in PAGE]
            fault = self._rng.choice(usable) if usable else None
        else:
            return None
        if fault is None or (fault in PAGE and not directory_read):
            return None
        self.injected[fault] += 1
        return fault

    def delay(self, fault: str) -> float:
        return DEFAULT_DELAYS[fault] if self.delay_seconds is None else self.delay_seconds

    def as_json(self) -> dict[str, Any]:
        return {
            "sequence": list(self.sequence),
            "rate": self.rate,
            "kinds": list(self.kinds),
            "pathPrefix": self.path_prefix,
            "delaySeconds": self.delay_seconds,
            "matchedRequests": self.served,
            "injected": dict(sorted(self.injected.items())),
        }


GATEWAY_BODIES = {
    429: ("text/html", "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n"
                       "<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
    502: ("text/html", "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                       "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
    503: ("text/plain", "Service Temporarily Unavailable"),
    504: ("text/html", "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
                       "<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
}
