from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.simulator.helpers import Sim, open_sim


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with open_sim() as instance:
        yield instance
