"""The log scanner finds phone numbers, resident ID numbers and passwords, and leaves ids and codes alone."""

from __future__ import annotations

from tests.logscan import personal_data


def test_personal_data_is_found() -> None:
    assert personal_data("contact phone=13812345678 end") == ["手机号 13812345678"]
    assert personal_data("id 13030219800101123X.") == ["身份证号 13030219800101123X"]
    assert personal_data("password Demo-2026-qhd! leaked") == ["口令 Demo-2026-qhd!"]


def test_ids_codes_and_hashes_are_not_personal_data() -> None:
    clean = ("request_id=7c9e13812345678aa uscc=91130302MA07L6KX3H path=/api/v1/visits/13812345678901 "
             "hash=0123456789abcdef0123456789abcdef draw=2026001-001号-D1 duration_ms=12.5")
    assert personal_data(clean) == []
