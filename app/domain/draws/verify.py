"""Verification of a bundle: recompute the draw from the bundle's own inputs and name every difference.

``verify(bundle)`` returns an empty list when the bundle is exactly what ``CN-INSPECT/v1`` gives for its
inputs, and otherwise one ``Difference`` per differing member (at its first differing element), plus:
``salt_commit`` when the revealed salt does not match its commitment, ``result_hash_content`` when the
published ``result_hash`` does not cover this bundle's content (the bundle was changed after it was sealed),
``invalid_input`` when the inputs cannot be read, ``missing``/``unexpected`` members, and
``salt_not_revealed`` for a bundle whose salt is still null: then only what needs no salt is checked (the
four commitments, the order of the rows, the quotas and ``result_hash`` against the content) and the
selection cannot be verified yet. Values are compared by their canonical JSON, so ``1`` and ``true`` or
``12`` and ``12.0`` differ. ``verify_bytes`` also refuses bytes that are not the bundle's canonical
encoding (``not_canonical``), so that every altered byte is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.draws.algorithm import params_hash_bytes, salt_commit
from app.domain.draws.bundle import MEMBERS, Bundle, BundleInputs, inputs_from_bundle, rerun, result_hash
from app.domain.draws.encoding import DrawInputError, cjson, cjson_trusted, loads_strict
from app.domain.draws.selection import prepare_frame, quotas_of
from app.domain.draws.teams import prepare_exclusions, prepare_roster

LABELS: dict[str, str] = {
    "algorithm": "算法", "draw_id": "抽取编号", "seed": "随机种子", "seed_source": "种子来源", "salt": "盐值",
    "salt_commit": "盐值承诺", "params": "抽取参数", "frame": "抽查名录", "roster": "执法人员名单",
    "exclusions": "回避名单", "frame_hash": "名录承诺值", "roster_hash": "人员名单承诺值",
    "exclusions_hash": "回避名单承诺值", "params_hash": "参数承诺值", "quotas": "配额", "tau": "各格阈值",
    "selected": "抽中企业", "teams": "检查组", "result_hash": "结果哈希", "bundle": "结果包",
}
_MEMBER_OF_CODE = {
    "draw.frame_empty": "frame", "draw.invalid_frame": "frame", "draw.duplicate_uscc": "frame",
    "draw.invalid_roster": "roster", "draw.roster_empty": "roster", "draw.duplicate_person": "roster",
    "draw.invalid_exclusion": "exclusions", "draw.duplicate_exclusion": "exclusions", "draw.invalid_params": "params",
    "draw.invalid_seed": "seed", "draw.invalid_seed_source": "seed_source", "draw.invalid_salt": "salt",
    "draw.invalid_draw_id": "draw_id",
}


@dataclass(frozen=True, slots=True)
class Difference:
    """One reason a bundle does not verify; ``expected`` is the recomputed value at ``path``, ``found`` the bundle's."""

    member: str
    code: str
    message_zh: str
    message_en: str
    path: str | None = None
    expected: Any = None
    found: Any = None


def _canonical(value: Any) -> str | None:
    try:
        return cjson(value)
    except DrawInputError:
        return None


def _first_difference(expected: Any, found: Any, path: str) -> tuple[str, Any, Any]:
    """The path of the first element where two JSON values differ, and the two values there."""
    if isinstance(expected, list) and isinstance(found, list):
        for i, (a, b) in enumerate(zip(expected, found, strict=False)):
            if _canonical(a) != _canonical(b):
                return _first_difference(a, b, f"{path}[{i}]")
        if len(expected) != len(found):
            i = min(len(expected), len(found))
            return f"{path}[{i}]", expected[i] if i < len(expected) else None, found[i] if i < len(found) else None
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found)):
            if key not in expected or key not in found or _canonical(expected[key]) != _canonical(found[key]):
                if key in expected and key in found:
                    return _first_difference(expected[key], found[key], f"{path}.{key}")
                return f"{path}.{key}", expected.get(key), found.get(key)
    return path, expected, found


def _mismatch(member: str, expected: Any, found: Any) -> Difference | None:
    found_text = _canonical(found)
    if found_text is not None and found_text == cjson_trusted(expected):
        return None
    path, want, got = _first_difference(expected, found, member)
    size = ""
    if isinstance(expected, list) and isinstance(found, list) and len(expected) != len(found):
        size = f"; {len(found)} entries, expected {len(expected)}"
    return Difference(
        member, "mismatch",
        f"{LABELS.get(member, member)}（{member}）与重新计算的结果不一致，首个不同之处：{path}",
        f"{member} differs from the recomputed value, first at {path}{size}",
        path, want, got,
    )


def _invalid(error: DrawInputError) -> Difference:
    member = error.details.get("member") or _MEMBER_OF_CODE.get(error.code, "bundle")
    return Difference(member, "invalid_input", f"无法读取输入：{error.message_zh}",
                      f"cannot read the inputs: {error.message_en} ({error.code})")


def _result_hash_content(bundle: Mapping[str, Any]) -> list[Difference]:
    try:
        content = result_hash(bundle)
    except DrawInputError as error:
        return [_invalid(error)]
    if content == bundle["result_hash"]:
        return []
    return [Difference(
        "result_hash", "result_hash_content",
        "结果哈希与结果包内容不符：结果包在封存后被改动，或结果哈希有误",
        "result_hash does not match the bundle's content: the bundle was changed after it was sealed, "
        "or result_hash is wrong",
        "result_hash", content, bundle["result_hash"],
    )]


def verify(bundle: Mapping[str, Any]) -> list[Difference]:
    """Every difference between ``bundle`` and the draw recomputed from its inputs; empty means verified."""
    if not isinstance(bundle, Mapping):
        return [Difference("bundle", "invalid_input", "结果包应为 JSON 对象", "the bundle must be a JSON object")]
    differences = [
        Difference(m, "missing", f"缺少成员 {m}（{LABELS.get(m, m)}）", f"member {m} is missing")
        for m in MEMBERS if m not in bundle
    ] + [
        Difference(m, "unexpected", f"多余的成员 {m}", f"unexpected member {m}") for m in bundle if m not in MEMBERS
    ]
    if any(d.code == "missing" for d in differences):
        return differences
    try:
        inputs = inputs_from_bundle(bundle)
    except DrawInputError as error:
        return [*differences, _invalid(error)]
    if inputs.salt is None:
        return differences + _without_salt(bundle, inputs) + [Difference(
            "salt", "salt_not_revealed", "盐值尚未公开，抽取结果暂时无法验证（已核对承诺值、配额和结果哈希）",
            "the salt is not revealed yet: the selection cannot be verified (commitments, quotas and "
            "result_hash were checked)",
        )]
    if salt_commit(inputs.salt) != bundle["salt_commit"]:
        differences.append(Difference(
            "salt_commit", "salt_commit", "公开的盐值与事先公布的盐值承诺不符", "the revealed salt does not match salt_commit",
            "salt_commit", salt_commit(inputs.salt), bundle["salt_commit"],
        ))
    try:
        expected = rerun(inputs)
    except DrawInputError as error:
        return [*differences, _invalid(error)]
    for member in MEMBERS:
        if member in ("salt_commit", "result_hash"):
            continue
        difference = _mismatch(member, expected[member], bundle[member])
        if difference:
            differences.append(difference)
    content = _result_hash_content(bundle)
    if content:
        differences += content
    elif expected["result_hash"] != bundle["result_hash"]:
        mismatch = _mismatch("result_hash", expected["result_hash"], bundle["result_hash"])
        differences += [mismatch] if mismatch else []
    return differences


def _without_salt(bundle: Mapping[str, Any], inputs: BundleInputs) -> list[Difference]:
    try:
        frame = prepare_frame(inputs.frame)
        roster = prepare_roster(inputs.roster)
        exclusions = prepare_exclusions(inputs.exclusions)
        quotas = quotas_of(frame, inputs.params)
    except DrawInputError as error:
        return [_invalid(error)]
    found = bundle["quotas"]
    expected: dict[str, Any] = {
        "frame": list(map(list, frame.rows)),
        "roster": [list(r) for r in roster.rows],
        "exclusions": [list(e) for e in exclusions.rows],
        "frame_hash": frame.digest.hex(),
        "roster_hash": roster.digest.hex(),
        "exclusions_hash": exclusions.digest.hex(),
        "params_hash": params_hash_bytes(inputs.params).hex(),
        "quotas": quotas,
    }
    found_quotas = (
        {k: v.get("quota") if isinstance(v, dict) else v for k, v in found.items()} if isinstance(found, dict) else found
    )
    differences = [
        d for member, value in expected.items()
        if (d := _mismatch(member, value, found_quotas if member == "quotas" else bundle[member]))
    ]
    return differences + _result_hash_content(bundle)


def verify_bytes(data: bytes) -> list[Difference]:
    """``verify`` for a stored bundle, which must also be byte for byte its canonical encoding.

    Raises ``DrawInputError`` (``draw.invalid_json``/``draw.invalid_bundle``) when ``data`` is not a JSON object.
    """
    bundle = loads_strict(data)
    if not isinstance(bundle, dict):
        raise DrawInputError("draw.invalid_bundle", "结果包应为 JSON 对象", "the bundle must be a JSON object")
    differences = verify(bundle)
    canonical = _canonical(bundle)
    if canonical is None or canonical.encode("utf-8") != bytes(data):
        differences.append(Difference(
            "bundle", "not_canonical", "结果包不是规范 JSON 编码（CJSON）：存在被改动或多余的字节",
            "the bytes are not the bundle's canonical JSON (CJSON): some bytes were altered or added",
        ))
    return differences


def parse_bundle(data: bytes) -> Bundle:
    """Strictly parse stored bundle bytes (no floats, no duplicate keys) into a JSON object."""
    bundle = loads_strict(data)
    if not isinstance(bundle, dict):
        raise DrawInputError("draw.invalid_bundle", "结果包应为 JSON 对象", "the bundle must be a JSON object")
    return bundle
