"""Golden vectors of CN-INSPECT/v1: frozen, revealed bundles that any implementation must reproduce byte for byte.

Each file in ``tests/draws/golden`` is a bundle's CJSON bytes. The tests recompute every bundle from the
inputs stored in it and compare bytes, check that the independent verifier ``tools/verify_draw.py`` accepts
each one and rejects a copy with one altered byte, and pin each ``result_hash`` here as well, so that a
regeneration cannot pass unnoticed. ``python -m tests.unit.test_draw_golden`` regenerates the files (only
ever on purpose, when the spec changes).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.domain.draws import (
    DrawParams,
    Exclusion,
    FrameRow,
    RosterRow,
    SeedSource,
    bundle_bytes,
    execute_draw,
    inputs_from_bundle,
    parse_bundle,
    verify,
    verify_bytes,
)
from app.domain.draws.bundle import rerun

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "draws" / "golden"
TOOL = ROOT / "tools" / "verify_draw.py"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
COUNTIES = ["130302", "130303", "130304", "130306", "130321", "130322", "130324"]

#: result_hash of every golden bundle, pinned twice (here and in the files).
PINNED = {
    "01-ceremony-rate.json": "ac69b25e72dd0346ad37c2f19883c9beca8a6800a0c0082d8560b7b89fb76df3",
    "02-system-cjk-rate.json": "08b5f58f4284962b30979f2f6cd68e7b2dc7f490f850e6426e6f16839edab317",
    "03-system-emoji-weight.json": "a13643728ba1cb1c0b5e63a8b5950ac237d95a0243411c8cd47170afc48ff0ae",
    "04-system-nonbmp-rate.json": "70b59fb2fa7b195fee4a5983a31bb4ff36b6c155b4ef57472b3a436e0bfb19cc",
    "05-fallback-ladder.json": "17a1f5fed481009a9c10ebf746ca16e67b4e0c8e97578a9bcafd90a0d43a9217",
}


def _uscc(n: int, county: str) -> str:
    """A well-formed 统一社会信用代码 (GB 32100 check character) numbered ``n``."""
    body = "91" + county + "".join(ALPHABET[(n * 7 + i * 13) % 31] for i in range(8)) + ALPHABET[n % 31]
    total = sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + ALPHABET[-total % 31]


def _frame(size: int, industries: list[str], *, weights: dict[str, int] | None = None, salt: int = 0,
           counties: list[str] | None = None) -> list[FrameRow]:
    rows = []
    places = counties or COUNTIES
    for n in range(size):
        risk = "ABCDU"[(n * 3 + salt) % 5]
        county = places[(n + salt) % len(places)]
        rows.append(FrameRow(_uscc(n + 100 * salt, COUNTIES[n % len(COUNTIES)]), industries[(n * 7 + salt) % len(industries)],
                             county, risk, (weights or {}).get(risk, 1)))
    return rows


RATES = {"A": 200, "B": 500, "C": 2000, "D": 5000, "U": 500}
WITNESSES = ("张建国（秦皇岛市海港公证处公证员）", "李敏（企业代表）", "王芳（纪检监察干部）")


def golden_cases() -> dict[str, dict[str, Any]]:
    """The inputs of every golden vector (used only to regenerate the files)."""
    roster3 = [RosterRow(f"13030{i:03d}", d) for i, d in enumerate(["ZF1"] * 4 + ["FMK"] * 3 + ["BGS"] * 3)]
    f1 = _frame(40, ["GM", "WH", "FM", "YS"])
    f2 = _frame(30, ["冶金", "危险化学品", "工贸", "烟花爆竹"], salt=1)
    weights = {"A": 1, "B": 2, "C": 4, "D": 8, "U": 2}
    f3 = _frame(60, ["GM", "WH", "FM"], weights=weights, salt=2)
    f4 = _frame(24, ["GM", "JX", "QT"], salt=3, counties=["𠀋山区", "130302", "𡈽海县"])
    f5 = _frame(20, ["GM", "WH"], salt=4)
    return {
        "01-ceremony-rate.json": {
            "draw_id": "2026001-001-D1", "seed": "31415926535897932384626433",
            "seed_source": SeedSource("public-ceremony", WITNESSES, "2026-03-20T09:30:00+08:00"),
            "salt": "9f2c4e1a7b3d5f60" * 4,
            "params": DrawParams.rate(RATES, industry_min=3, overall_min_bp=300, team_depts=["ZF1", "FMK"],
                                      team_size=2, load_slack=1),
            "frame": f1, "roster": roster3,
            "exclusions": [Exclusion(f1[i].uscc, p, r) for i, p, r in [
                (0, "13030000", "利害关系回避"), (1, "13030004", "上次随机抽查已检查该企业（轮换）"),
                (5, "13030001", "执法证在检查日已过期"), (9, "13030005", "休假"), (12, "13030000", "利害关系回避")]],
        },
        "02-system-cjk-rate.json": {
            "draw_id": "2026002-003-D1", "seed": "秦皇岛市应急管理局二〇二六年第一季度双随机抽查",
            "seed_source": SeedSource("system", (), "2026-04-02T15:00:00+08:00"),
            "salt": "0123456789abcdef" * 4,
            "params": DrawParams.rate({"A": 500, "B": 1000, "C": 3000, "D": 10000, "U": 1000}, industry_min=2,
                                      overall_min_bp=2000, team_depts=["FMK", "ZF1"], team_size=3, load_slack=0),
            "frame": f2, "roster": roster3,
            "exclusions": [Exclusion(f2[i].uscc, p, "近亲属在该企业任职") for i, p in [(2, "13030005"), (3, "13030001")]],
        },
        "03-system-emoji-weight.json": {
            "draw_id": "2026003-001-D2", "seed": "🎲🎲 抽签 draw ✅",
            "seed_source": SeedSource("system", ("演示 demo",), "2026-05-11T10:15:30+08:00"),
            "salt": "a5" * 32,
            "params": DrawParams.weight(weights, industry_min=2, overall_min_bp=1500, team_depts=["ZF1", "FMK"],
                                        team_size=2, load_slack=2),
            "frame": f3, "roster": roster3, "exclusions": [Exclusion(f3[4].uscc, "13030002", "回避")],
        },
        "04-system-nonbmp-rate.json": {
            "draw_id": "2026004-002-D1", "seed": "𠀋𡈽𤭢𪚥 二〇二六",
            "seed_source": SeedSource("system", (), "2026-06-30T08:00:00Z"),
            "salt": "ffeeddccbbaa9988" * 4,
            "params": DrawParams.rate(RATES, industry_min=1, overall_min_bp=1000, team_depts=["ZF1"],
                                      team_size=2, load_slack=1),
            "frame": f4, "roster": [RosterRow("𠀋甲", "ZF1"), RosterRow("乙", "ZF1"), RosterRow("丙", "ZF2")],
            "exclusions": [Exclusion(f4[0].uscc, "乙", "𪚥 回避（非基本多文种平面字符）")],
        },
        "05-fallback-ladder.json": {
            "draw_id": "2026005-001-D1", "seed": "fallback-ladder",
            "seed_source": SeedSource("system", (), "2026-07-01T09:00:00+08:00"),
            "salt": "5a" * 32,
            "params": DrawParams.rate({"A": 5000, "B": 5000, "C": 5000, "D": 5000, "U": 5000}, industry_min=0,
                                      overall_min_bp=0, team_depts=["ZF1", "FMK"], team_size=3, load_slack=0),
            "frame": f5,
            "roster": [RosterRow("P1", "ZF1"), RosterRow("P2", "ZF1"), RosterRow("P3", "FMK"), RosterRow("P4", "BGS"),
                       RosterRow("P5", "BGS")],
            "exclusions": [Exclusion(f5[i].uscc, "P3", "利害关系回避") for i in range(0, 20, 2)],
        },
    }


def run_tool(path: Path) -> subprocess.CompletedProcess[str]:
    """``python3 -I tools/verify_draw.py PATH``: isolated mode, so nothing of this checkout is importable."""
    return subprocess.run([sys.executable, "-I", str(TOOL), str(path)],  # noqa: S603 - our own script, fixed arguments
                          capture_output=True, text=True, check=False, timeout=120)


def _files() -> list[Path]:
    return sorted(GOLDEN.glob("*.json"))


def test_golden_vectors_are_all_there() -> None:
    assert [f.name for f in _files()] == sorted(PINNED)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_golden_bundle_is_recomputed_byte_for_byte_from_its_inputs(name: str) -> None:
    data = (GOLDEN / name).read_bytes()
    bundle = parse_bundle(data)

    assert bundle_bytes(rerun(inputs_from_bundle(bundle))) == data
    assert bundle["result_hash"] == PINNED[name]
    assert verify(bundle) == []
    assert verify_bytes(data) == []


@pytest.mark.parametrize("name", sorted(PINNED))
def test_independent_verifier_accepts_golden_bundle(name: str) -> None:
    result = run_tool(GOLDEN / name)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "验证通过" in result.stdout


@pytest.mark.parametrize("name", sorted(PINNED))
def test_independent_verifier_rejects_one_altered_byte(name: str, tmp_path: Path) -> None:
    data = bytearray((GOLDEN / name).read_bytes())
    at = data.index(b'"ticket":"') + len(b'"ticket":"') + 5  # a hex digit of the first ticket
    data[at] = ord("0") if data[at] != ord("0") else ord("1")
    tampered = tmp_path / name
    tampered.write_bytes(bytes(data))

    result = run_tool(tampered)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "selected" in result.stdout
    assert "验证未通过" in result.stdout
    assert {d.member for d in verify_bytes(bytes(data))} >= {"selected", "result_hash"}


def test_independent_verifier_exits_2_on_unreadable_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes((GOLDEN / "01-ceremony-rate.json").read_bytes()[:-1])  # the closing brace cut off

    for path in (broken, tmp_path / "missing.json"):
        result = run_tool(path)
        assert result.returncode == 2
        assert "无法读取" in result.stderr


def test_golden_seeds_cover_digits_cjk_emoji_and_non_bmp() -> None:
    seeds = [parse_bundle(f.read_bytes())["seed"] for f in _files()]

    assert any(s.isascii() and s.isdigit() and len(s) >= 20 for s in seeds)
    assert any("\u4e00" <= ch <= "\u9fff" for s in seeds for ch in s)
    assert any(0x1F300 <= ord(ch) <= 0x1FAFF for s in seeds for ch in s)
    assert any(0x20000 <= ord(ch) <= 0x2FFFF for s in seeds for ch in s)


def test_golden_vectors_cover_weight_mode_class_u_and_every_fallback() -> None:
    bundles = [parse_bundle(f.read_bytes()) for f in _files()]

    assert {b["params"]["mode"] for b in bundles} == {"rate", "weight"}
    assert all({row[3] for row in b["frame"]} == set("ABCDU") for b in bundles)
    levels = {f["level"] for b in bundles for t in b["teams"] for f in t["fallbacks"]}
    assert levels == {1, 2, 3}
    ladder = parse_bundle((GOLDEN / "05-fallback-ladder.json").read_bytes())
    assert {f["level"] for t in ladder["teams"] for f in t["fallbacks"]} == {1, 2, 3}


def regenerate() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, case in golden_cases().items():
        bundle = execute_draw(**case)
        (GOLDEN / name).write_bytes(bundle_bytes(bundle))
        print(f'    "{name}": "{bundle["result_hash"]}",')


if __name__ == "__main__":
    regenerate()
