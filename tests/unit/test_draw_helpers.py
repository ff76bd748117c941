"""Strategies and references shared by the draw tests (and tests of those references themselves).

``reference_*`` re-derive spec values the plainest possible way, from ``hashlib`` alone, so that the
package's fast paths are checked against the spec's formulas; ``tool`` is the independent verifier
(``tools/verify_draw.py``) loaded as a module.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.domain.draws import DrawParams, Exclusion, FrameRow, RosterRow, SeedSource

CLASSES = "ABCDU"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
INDUSTRIES = ["GM", "WH", "FM", "冶金", "烟花爆竹"]
COUNTIES = ["130302", "130303", "北戴河区", "𠀋县"]
UNITS = ["ZF1", "FMK", "BGS", "WHK"]
TOOL_PATH = Path(__file__).resolve().parents[2] / "tools" / "verify_draw.py"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_draw_tool", TOOL_PATH)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def nfc_text(min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[str]:
    """Any NFC text, non-BMP and combining characters included (no surrogates)."""
    return (st.text(st.characters(blacklist_categories=("Cs",)), min_size=min_size, max_size=max_size)
            .map(lambda s: unicodedata.normalize("NFC", s)).filter(bool))


gb_usccs = st.text(alphabet=USCC_ALPHABET, min_size=18, max_size=18)
any_usccs = st.one_of(gb_usccs, nfc_text(1, 6))


def reference_lp(s: str) -> bytes:
    b = unicodedata.normalize("NFC", s).encode("utf-8")
    return len(b).to_bytes(4, "big") + b


def reference_frame_hash(rows: list[FrameRow]) -> str:
    body = b"".join(reference_lp(r.uscc) + reference_lp(r.industry) + reference_lp(r.county)
                    + reference_lp(r.risk_class) + r.weight.to_bytes(4, "big")
                    for r in sorted(rows, key=lambda r: r.uscc.encode("utf-8")))
    return hashlib.sha256(reference_lp("CN-INSPECT-FRAME/v1") + len(rows).to_bytes(4, "big") + body).hexdigest()


def reference_key(k_sel: bytes, uscc: str, weight: int) -> bytes:
    return min(hashlib.sha256(k_sel + reference_lp(uscc) + j.to_bytes(4, "big")).digest() for j in range(1, weight + 1))


@st.composite
def draw_inputs(draw: st.DrawFn, *, max_rows: int = 30, mode: str | None = None,
                usccs: st.SearchStrategy[str] | None = None) -> dict[str, Any]:
    """Keyword arguments of ``execute_draw``: a small but complete random draw."""
    mode = mode or draw(st.sampled_from(["rate", "weight"]))
    bp = st.one_of(st.sampled_from([0, 200, 500, 2000, 5000, 10000]), st.integers(0, 10000))
    table = {c: draw(bp) for c in CLASSES} if mode == "rate" else {c: draw(st.integers(1, 5)) for c in CLASSES}
    depts = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3))
    common = {"industry_min": draw(st.integers(0, 4)), "overall_min_bp": draw(bp), "team_depts": depts,
              "team_size": draw(st.integers(1, 4)), "load_slack": draw(st.integers(0, 2))}
    params = DrawParams.rate(table, **common) if mode == "rate" else DrawParams.weight(table, **common)
    codes = draw(st.lists(usccs if usccs is not None else any_usccs, min_size=1, max_size=max_rows, unique=True))
    frame = []
    for code in codes:
        risk = draw(st.sampled_from(CLASSES))
        frame.append(FrameRow(code, draw(st.sampled_from(INDUSTRIES)), draw(st.sampled_from(COUNTIES)), risk,
                              params.class_weight(risk)))
    people = draw(st.lists(st.text(alphabet="0123456789甲乙", min_size=1, max_size=4), min_size=1, max_size=10,
                           unique=True))
    roster = [RosterRow(p, draw(st.sampled_from(UNITS))) for p in people]
    pairs = draw(st.lists(st.tuples(st.sampled_from(codes), st.sampled_from(people)), max_size=12, unique=True))
    exclusions = [Exclusion(u, p, draw(st.sampled_from(["利害关系回避", "休假", "rotation"]))) for u, p in pairs]
    return {
        "draw_id": draw(st.sampled_from(["2026001-001-D1", "T-𠀋"])),
        "seed": draw(nfc_text(1, 12)),
        "seed_source": SeedSource("system", (), "2026-03-20T09:30:00+08:00"),
        "salt": draw(st.binary(min_size=32, max_size=32)).hex(),
        "params": params,
        "frame": frame,
        "roster": roster,
        "exclusions": exclusions,
    }


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=10))
def test_reference_lp_prefixes_the_utf8_length(s: str) -> None:
    encoded = reference_lp(s)

    assert int.from_bytes(encoded[:4], "big") == len(encoded) - 4
    assert encoded[4:].decode("utf-8") == unicodedata.normalize("NFC", s)


def test_tool_module_loads_without_the_service() -> None:
    assert not any(name.startswith("app") for name in tool.__dict__)
    assert "import app" not in TOOL_PATH.read_text(encoding="utf-8")


ALGORITHM_MODULES = ("__init__", "algorithm", "encoding", "frame", "selection", "teams", "bundle", "verify", "selfcheck")


def test_the_algorithm_imports_only_the_standard_library_and_itself() -> None:
    package = Path(__file__).resolve().parents[2] / "app" / "domain" / "draws"
    for name in ALGORITHM_MODULES:
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert module.startswith("app.domain.draws.") or top in sys.stdlib_module_names or top == "__future__", (
                    f"{name}.py imports {module}")
