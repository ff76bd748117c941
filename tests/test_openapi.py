"""The committed interface contract, openapi.yaml, is exactly what the app generates."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml

from app.cli import openapi_yaml

CONTRACT = Path(__file__).resolve().parents[1] / "openapi.yaml"
HOW_TO_FIX = "openapi.yaml is out of date; run `qhd-inspection export-openapi` and commit the result"


@pytest.fixture(scope="module")
def generated() -> str:
    return openapi_yaml()


def test_committed_openapi_yaml_matches_the_app(generated: str) -> None:
    if not CONTRACT.exists():
        pytest.fail("openapi.yaml is missing; run `qhd-inspection export-openapi` and commit the result")
    committed = CONTRACT.read_text(encoding="utf-8")
    if committed != generated:
        diff = difflib.unified_diff(committed.splitlines(), generated.splitlines(), "openapi.yaml (committed)",
                                    "openapi.yaml (generated)", lineterm="", n=2)
        pytest.fail(f"{HOW_TO_FIX}\n" + "\n".join(list(diff)[:60]))


def test_contract_documents_problem_responses(generated: str) -> None:
    spec = yaml.safe_load(generated)
    create = spec["paths"]["/api/v1/enterprises"]["post"]

    assert {"401", "403", "409", "422"} <= set(create["responses"])
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert "Problem" in spec["components"]["schemas"]
