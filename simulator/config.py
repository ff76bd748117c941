"""Configuration of one simulator instance."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from simulator.clock import CST, TIME_FORMAT

DEFAULT_BASE_TIME = datetime(2026, 11, 1, 0, 0, 0, tzinfo=CST)
MAX_ENTERPRISES = 1_000_000


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 2026
    enterprises: int = 3000
    inspectors_per_unit: int = 12
    """Inspectors of each enforcement brigade; sections and partner departments get half as many."""
    client_id: str = "qhd-yjj"
    client_secret: str = "qhd-yjj-simulator-secret"  # noqa: S105 - the simulator's well-known demo secret
    token_ttl_seconds: int = 7200
    base_time: datetime = field(default=DEFAULT_BASE_TIME)
    """The update time of the generated population: every generated record's updateTime falls before it."""
    history_days: int = 365
    """How far before base_time the generated update times reach."""

    def __post_init__(self) -> None:
        if not 0 <= self.enterprises <= MAX_ENTERPRISES:
            raise ValueError(f"enterprises must be 0..{MAX_ENTERPRISES}")
        if self.inspectors_per_unit < 1:
            raise ValueError("inspectors_per_unit must be at least 1")
        if self.token_ttl_seconds < 1:
            raise ValueError("token_ttl_seconds must be at least 1")
        if self.base_time.tzinfo is None:
            object.__setattr__(self, "base_time", self.base_time.replace(tzinfo=CST))

    @property
    def base_epoch(self) -> int:
        return int(self.base_time.timestamp())

    def with_changes(self, **changes: object) -> SimulatorConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SimulatorConfig:
        """SIM_SEED, SIM_ENTERPRISES, SIM_INSPECTORS_PER_UNIT, SIM_CLIENT_ID, SIM_CLIENT_SECRET,
        SIM_TOKEN_TTL (seconds) and SIM_BASE_TIME (`yyyy-MM-dd HH:mm:ss`, CST); unset ones keep defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        integers = {
            "SIM_SEED": "seed",
            "SIM_ENTERPRISES": "enterprises",
            "SIM_INSPECTORS_PER_UNIT": "inspectors_per_unit",
            "SIM_TOKEN_TTL": "token_ttl_seconds",
        }
        for variable, name in integers.items():
            if env.get(variable):
                values[name] = int(env[variable])
        for variable, name in {"SIM_CLIENT_ID": "client_id", "SIM_CLIENT_SECRET": "client_secret"}.items():
            if env.get(variable):
                values[name] = env[variable]
        if env.get("SIM_BASE_TIME"):
            values["base_time"] = datetime.strptime(env["SIM_BASE_TIME"], TIME_FORMAT).replace(tzinfo=CST)
        return cls(**values)  # type: ignore[arg-type]
