"""An enterprise checks its own selection from its ticket and the published thresholds.

``self_check(bundle, uscc)`` needs a revealed bundle (the ticket needs the salt). It trusts the bundle's
published ``frame_hash`` and ``params_hash`` (the enterprise checks *its* ticket against *its* cell's
``tau``; ``verify`` checks the whole bundle) and reports:

* not in the frame: the enterprise was not among the eligible (closed, at its frequency cap, merged ...);
* ticket ≤ tau: selected. Within a cell the selected rows are exactly those with key ≤ tau (every row of a
  cell belongs to the same groups, so the walk takes a key prefix of each cell). ``reasons`` says which of
  its groups was still below quota when the walk reached it: ``cell`` (within the class rate of its cell,
  rate mode), ``industry`` (pulled in to reach the industry minimum), ``all`` (to reach the overall minimum
  – in weight mode, the overall sample itself). A row beyond its cell's quota is there for the industry or
  overall minimum, which is why a cell may hold more than its quota and ``tau`` is then above the
  quota-th ticket of the cell;
* ticket > tau, or no tau (nothing selected in the cell): not selected;
* ``consistent`` is False when the published data contradict the ticket (then verify the whole bundle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.draws.algorithm import DrawParams, check_draw_id, check_salt, selection_key
from app.domain.draws.encoding import DrawInputError
from app.domain.draws.selection import ticket


@dataclass(frozen=True, slots=True)
class SelfCheck:
    uscc: str
    in_frame: bool
    selected: bool
    ticket: str | None = None
    j: int | None = None
    cell: str | None = None
    tau: str | None = None
    reasons: tuple[str, ...] = ()
    consistent: bool = True
    explanation_zh: str = ""
    explanation_en: str = ""


def _hash(bundle: Mapping[str, Any], member: str) -> bytes:
    value = bundle.get(member)
    if not isinstance(value, str) or len(value) != 64:
        raise DrawInputError("draw.invalid_bundle", f"{member} 应为 64 位十六进制", f"{member} must be 64 hex characters")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise DrawInputError("draw.invalid_bundle", f"{member} 应为十六进制", f"{member} must be hexadecimal") from None


def _quota(bundle: Mapping[str, Any], group: str) -> int:
    entry = bundle["quotas"].get(group)
    return int(entry["quota"]) if isinstance(entry, dict) else 0


def self_check(bundle: Mapping[str, Any], uscc: str) -> SelfCheck:
    """Whether ``uscc`` was selected, from its own ticket and its cell's published ``tau``, explained in Chinese."""
    if bundle.get("salt") is None:
        raise DrawInputError("draw.salt_not_revealed", "盐值公开后方可自行核验是否被抽中",
                             "self-check needs the revealed salt")
    params = DrawParams.from_json(bundle["params"])
    row = next((r for r in bundle["frame"] if isinstance(r, list) and r and r[0] == uscc), None)
    if row is None:
        return SelfCheck(
            uscc, False, False,
            explanation_zh="贵单位不在本次抽查名录中（未列入本次抽查对象，或因停业、注销、已达年度检查频次上限、合并检查等原因被排除），未被抽中。",
            explanation_en="The enterprise is not in this draw's frame, so it was not selected.",
        )
    industry, risk_class, weight = row[1], row[3], row[4]
    k_sel = selection_key(check_draw_id(bundle["draw_id"]), bundle["seed"], check_salt(bundle["salt"]),
                          _hash(bundle, "frame_hash"), _hash(bundle, "params_hash"))
    key, j = ticket(k_sel, uscc, weight)
    mine = key.hex()
    cell = f"{industry}|{risk_class}" if params.mode == "rate" else industry
    tau = bundle["tau"].get(cell)
    below = tau is not None and mine <= tau
    selected = bundle["selected"]
    position = next((p for p, s in enumerate(selected) if s.get("uscc") == uscc), None)
    if position is None:
        consistent = not below
        zh = (f"贵单位的票号 {mine[:16]}… 大于所在格（{cell}）的阈值 {tau[:16]}…，未被抽中。" if tau
              else f"所在格（{cell}）本次没有企业被抽中，贵单位未被抽中。")
        en = (f"Your ticket {mine[:16]}… is above the threshold {tau[:16]}… of your cell {cell}: not selected."
              if tau else f"Nothing was selected in your cell {cell}: not selected.")
        if not consistent:
            zh, en = _contradiction()
        return SelfCheck(uscc, True, False, mine, j, cell, tau, (), consistent, zh, en)
    entry = selected[position]
    consistent = below and entry.get("ticket") == mine and entry.get("j") == j and entry.get("cell") == cell
    earlier = selected[:position]
    rank_in_cell = sum(1 for s in earlier if s.get("cell") == cell)
    same_industry = sum(1 for s in earlier if str(s.get("cell", "")).split("|")[0] == industry)
    reasons = tuple(name for name, holds in (
        ("cell", params.mode == "rate" and rank_in_cell < _quota(bundle, f"cell|{cell}")),
        ("industry", same_industry < _quota(bundle, f"industry|{industry}")),
        ("all", position < _quota(bundle, "all")),
    ) if holds)
    if not consistent or not reasons:
        zh, en = _contradiction()
        return SelfCheck(uscc, True, True, mine, j, cell, tau, reasons, False, zh, en)
    why_zh = {
        "cell": f"在本格按比例应抽取的 {_quota(bundle, f'cell|{cell}')} 家之内（本格第 {rank_in_cell + 1} 名）",
        "industry": f"为达到行业“{industry}”至少抽取 {_quota(bundle, f'industry|{industry}')} 家的要求",
        "all": f"为达到总体最低抽取数 {_quota(bundle, 'all')} 家" if params.mode == "rate"
        else f"在按风险权重抽取的 {_quota(bundle, 'all')} 家之内（第 {position + 1} 名）",
    }
    why_en = {
        "cell": f"within the {_quota(bundle, f'cell|{cell}')} the cell's rate requires (rank {rank_in_cell + 1})",
        "industry": f"to reach the minimum of {_quota(bundle, f'industry|{industry}')} for industry {industry}",
        "all": f"within the overall {_quota(bundle, 'all')} (rank {position + 1})",
    }
    primary = reasons[0] if params.mode == "rate" or "all" not in reasons else "all"
    beyond = params.mode == "rate" and "cell" not in reasons
    zh = (f"贵单位的票号 {mine[:16]}… 不大于所在格（{cell}）的阈值 {tau[:16]}…，已被抽中：{why_zh[primary]}"
          + ("（本格按比例的名额已满，因行业或总体最低数要求而增抽）" if beyond else "") + "。")
    en = (f"Your ticket {mine[:16]}… is not above the threshold {tau[:16]}… of your cell {cell}: selected, "
          + why_en[primary] + (" (beyond the cell's own quota, for a minimum)" if beyond else "") + ".")
    return SelfCheck(uscc, True, True, mine, j, cell, tau, reasons, True, zh, en)


def _contradiction() -> tuple[str, str]:
    return ("公布的抽取结果与贵单位的票号不一致，请使用验证工具核验整个结果包。",
            "The published result contradicts your ticket; verify the whole bundle.")
