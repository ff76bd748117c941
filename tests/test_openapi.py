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


def test_every_error_response_is_a_problem(generated: str) -> None:
    """What the service sends: problem+json with the Problem schema (a page may answer with HTML instead), never
    FastAPI's HTTPValidationError; body routes declare 400/413/422, signed-in routes 401."""
    spec = yaml.safe_load(generated)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if int(status) >= 400:
                    assert set(response["content"]) <= {"application/problem+json", "text/html"}, (method, path)
                    assert response["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"}, (method, path, status)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(responses), (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
