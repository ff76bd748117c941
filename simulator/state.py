"""Everything one simulator instance holds (app.state.sim): population, clock, tokens, pushes, faults."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from typing import Any

from simulator.clock import SimClock, format_time
from simulator.config import SimulatorConfig
from simulator.faults import FaultPlan
from simulator.population import Population
from simulator.pushes import PushLedger

_PATH_PATTERNS = (
    (re.compile(r"^/api/v1/tasks/[^/]+/draws$"), "/api/v1/tasks/{platformTaskId}/draws"),
    (re.compile(r"^/api/v1/results/[^/]+$"), "/api/v1/results/{uniscid}"),
    (re.compile(r"^/_sim/records/([^/]+)/[^/]+$"), r"/_sim/records/\1/{id}"),
)


def route_of(method: str, path: str) -> str:
    for pattern, replacement in _PATH_PATTERNS:
        if pattern.match(path):
            return f"{method} {pattern.sub(replacement, path)}"
    return f"{method} {path}"


class SimState:
    def __init__(self, config: SimulatorConfig) -> None:
        self.initial_config = config
        """What the app was created with; POST /_sim/reset starts from it."""
        self.reset(config)

    def reset(self, config: SimulatorConfig) -> None:
        self.config = config
        self.clock = SimClock(config.base_epoch)
        self.population = Population.build(config)
        self.tokens: dict[str, float] = {}
        self.pushes = PushLedger()
        self.faults: FaultPlan | None = None
        self.fault_plans = 0
        self.fault_totals: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.mutations = 0
        self._sequence = 0

    # -- request ids and statistics ------------------------------------------------------------------
    def next_request_id(self) -> str:
        """Envelope requestId for calls that carry none: a per-instance sequence, so two instances answering
        the same calls in the same order answer byte for byte alike."""
        self._sequence += 1
        return f"SIM{self._sequence:012d}"

    def count_request(self, method: str, path: str) -> None:
        self.requests[route_of(method, path)] += 1

    # -- tokens --------------------------------------------------------------------------------------
    def issue_token(self) -> str:
        now = self.clock.now()
        self.tokens = {token: expiry for token, expiry in self.tokens.items() if expiry > now}
        token = secrets.token_urlsafe(32)
        self.tokens[token] = now + self.config.token_ttl_seconds
        return token

    def token_valid(self, token: str) -> bool:
        expiry = self.tokens.get(token)
        return expiry is not None and expiry > self.clock.now()

    def revoke(self, token: str) -> None:
        self.tokens.pop(token, None)

    def expire_tokens(self) -> int:
        count = len(self.tokens)
        self.tokens.clear()
        return count

    # -- faults --------------------------------------------------------------------------------------
    def set_faults(self, **settings: Any) -> FaultPlan:
        self.fault_plans += 1
        self.faults = FaultPlan(seed=hash_seed(self.config.seed, self.fault_plans), **settings)
        return self.faults

    # -- description ---------------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        config = self.config
        population = self.population
        return {
            "seed": config.seed,
            "enterprises": config.enterprises,
            "inspectorsPerUnit": config.inspectors_per_unit,
            "clientId": config.client_id,
            "tokenTtlSeconds": config.token_ttl_seconds,
            "baseTime": format_time(config.base_epoch),
            "now": format_time(self.clock.stamp()),
            "counts": {
                "check-items": population.check_items.counts(),
                "enterprises": population.enterprises.counts(),
                "inspectors": population.inspectors.counts(),
            },
        }


def hash_seed(seed: int, number: int) -> int:
    return seed * 1_000_003 + number
