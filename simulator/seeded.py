"""Seeded generators: every random choice of the simulator comes from one of these, never the global one."""

from __future__ import annotations

import random


def seeded(*parts: object) -> random.Random:
    """A generator determined by `parts` alone (e.g. seed, "enterprise", index)."""
    return random.Random(":".join(str(part) for part in parts))  # noqa: S311 - repeatable test data, not secrets
