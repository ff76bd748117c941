"""Resource limits in the contract: every list, string and integer a client can send has a bound.

Walks every request body of the OpenAPI document (through $ref, anyOf, items and additionalProperties) and every
query and path parameter that is a list or an integer: lists need ``maxItems``, strings ``maxLength`` (unless they
are enumerations, dates or uploaded files, which the upload limit bounds), integers ``maximum`` (an id beyond
BIGINT overflows the database driver), objects with free keys ``maxProperties``. What is deliberately open is
listed in ``EXEMPT`` with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.cli import openapi_document

#: Open on purpose, each bounded otherwise.
EXEMPT = {
    # A draw bundle or an audit checkpoint is a document the service itself produced, checked as a whole; the
    # request body limit (LIMITS__MAX_UPLOAD_BYTES) bounds it.
    "POST /api/v1/draws/verify body": "a draw bundle, bounded by the body size limit",
    "POST /api/v1/audit/checkpoints/verify body": "an audit checkpoint, bounded by the body size limit",
    "PrepareIn.lead_bundle": "the lead draw's bundle, bounded by the body size limit",
}
BOUNDED_STRING_FORMATS = {"date", "date-time", "time", "binary", "uuid"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return openapi_document()


def _unbounded(node: Any, where: str, schemas: dict[str, Any], seen: frozenset[str]) -> Iterator[str]:
    if not isinstance(node, dict) or where in EXEMPT:
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _unbounded(schemas[name], name, schemas, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from _unbounded(sub, where, schemas, seen)
    kind = node.get("type")
    if kind == "array":
        if "maxItems" not in node:
            yield f"{where}: array without maxItems"
        yield from _unbounded(node.get("items", {}), f"{where}[]", schemas, seen)
    elif kind == "string":
        bounded = ("maxLength" in node or "enum" in node or "const" in node or "contentMediaType" in node
                   or node.get("format") in BOUNDED_STRING_FORMATS)
        if not bounded:
            yield f"{where}: string without maxLength"
    elif kind == "integer" and "maximum" not in node and "exclusiveMaximum" not in node:
        yield f"{where}: integer without maximum"
    if kind == "object" or "properties" in node:
        for name, prop in node.get("properties", {}).items():
            yield from _unbounded(prop, f"{where}.{name}", schemas, seen)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in node:
                yield f"{where}: object with free keys without maxProperties"
            yield from _unbounded(extra, f"{where}{{}}", schemas, seen)
        elif extra in (None, True) and not node.get("properties"):
            yield f"{where}: open object"


def test_every_request_field_is_bounded(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    problems = set()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            label = f"{method.upper()} {path}"
            for content in operation.get("requestBody", {}).get("content", {}).values():
                problems.update(_unbounded(content.get("schema", {}), f"{label} body", schemas, frozenset()))
            for parameter in operation.get("parameters", []):
                # Path and query strings are bounded by the length of the request line; lists (repeated
                # parameters) and integers are checked.
                problems.update(p for p in _unbounded(parameter.get("schema", {}),
                                                      f"{label} {parameter['in']}.{parameter['name']}", schemas,
                                                      frozenset()) if not p.endswith("string without maxLength"))
    assert not problems, "请求中无上限的字段 / unbounded request fields:\n" + "\n".join(sorted(problems))


def test_the_walk_notices_an_unbounded_field() -> None:
    schemas = {"In": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}},
        "name": {"type": "string", "maxLength": 10},
        "id": {"type": "integer", "minimum": 1},
        "when": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["a", "b"]}}}}

    found = set(_unbounded({"$ref": "#/components/schemas/In"}, "body", schemas, frozenset()))

    assert found == {"In.tags: array without maxItems", "In.tags[]: string without maxLength",
                     "In.id: integer without maximum"}
