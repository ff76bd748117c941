"""No mass assignment: every JSON request body is an ``In`` model that rejects unknown fields, nested models
included, so a caller can never set a field the server owns (id, status of a record, timestamps, hashes …)."""

from __future__ import annotations

import types
import typing
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from app.routers.schemas.common import In
from tests.api.test_auth import api_routes
from tests.support import assert_problem

#: Fields only the server sets.
SERVER_OWNED = ("id", "status", "created_at", "updated_at", "created_by", "version", "hash", "prev_hash",
                "result_hash", "sha256", "published_at", "approved_by", "approved_at", "revoked_at", "seq",
                "password_hash", "secret_hash", "user_id", "actor")
#: Body models that declare a field of one of those names on purpose, and why.
DECLARED_ON_PURPOSE = {
    ("EnterpriseIn", "status"): "存续/停业/注销/吊销 is directory data entered by the unit",
    ("EnterprisePatch", "status"): "the same, changed with a version kept",
    ("InspectorIn", "status"): "an inspector's 在岗/离岗 status is directory data",
    ("InspectorPatch", "status"): "the same",
    ("ApiKeyIn", "user_id"): "the account the key is issued for (checked: exists, not one of the three roles)",
}
#: Bodies that are not models: forms and uploads (FastAPI's Body_… models) and whole documents checked as such.
RAW_BODIES = {("POST", "/api/v1/draws/verify"), ("POST", "/api/v1/audit/checkpoints/verify")}


def body_models(app: FastAPI) -> dict[tuple[str, str], type[BaseModel]]:
    found: dict[tuple[str, str], type[BaseModel]] = {}
    for route in api_routes(app):
        original = getattr(route, "original_route", route)
        field = original.body_field
        if field is None:
            continue
        annotation = field.field_info.annotation
        for method in route.methods:
            if (method, route.path) in RAW_BODIES:
                continue
            if isinstance(annotation, type) and annotation.__name__.startswith("Body_"):
                continue  # form fields and file uploads: named parameters, nothing else is read
            assert isinstance(annotation, type), (method, route.path)
            assert issubclass(annotation, BaseModel), (method, route.path)
            found[(method, route.path)] = annotation
    return found


def nested(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[type[BaseModel]]:
    """The model and every model its fields contain (lists, optionals, unions)."""
    seen = seen if seen is not None else set()
    if model in seen:
        return seen
    seen.add(model)

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested(annotation, seen)
        for arg in typing.get_args(annotation):
            walk(arg)
        if isinstance(annotation, types.UnionType):
            for arg in annotation.__args__:
                walk(arg)

    for field in model.model_fields.values():
        walk(field.annotation)
    return seen


def test_every_request_body_and_everything_nested_in_it_forbids_unknown_fields(app: FastAPI) -> None:
    bodies = body_models(app)
    assert len(bodies) >= 40
    loose = sorted({f"{m.__module__}.{m.__name__}" for model in bodies.values() for m in nested(model)
                    if not issubclass(m, In) or m.model_config.get("extra") != "forbid"})

    assert not loose, f"request models that accept unknown fields: {loose}"


def test_no_request_body_accepts_a_server_owned_field(app: FastAPI) -> None:
    accepted = []
    for (method, path), model in sorted(body_models(app).items()):
        for name in SERVER_OWNED:
            if name in model.model_fields:
                if (model.__name__, name) not in DECLARED_ON_PURPOSE:
                    accepted.append(f"{method} {path}: {model.__name__} declares {name}")
                continue
            with pytest.raises(ValidationError) as refused:
                model.model_validate({name: "1"})
            if not any(e["type"] == "extra_forbidden" and e["loc"] == (name,) for e in refused.value.errors()):
                accepted.append(f"{method} {path}: {model.__name__} takes {name}")

    assert not accepted, "\n".join(accepted)


async def test_a_server_owned_field_in_a_body_is_422_over_http(
    client: httpx.AsyncClient, supervisor: dict[str, str]
) -> None:
    body = {"uscc": "91130302MA0000001X", "name": "某公司", "county_code": "130302", "industry_code": "GM-JX",
            "id": 7, "created_at": "2020-01-01T00:00:00Z", "version": 9}

    response = await client.post("/api/v1/enterprises", json=body, headers=supervisor)

    problem = assert_problem(response, 422, "request.validation_failed")
    assert {e["field"] for e in problem["errors"]} == {"body.id", "body.created_at", "body.version"}
    assert {e["code"] for e in problem["errors"]} == {"validation.extra_forbidden"}
