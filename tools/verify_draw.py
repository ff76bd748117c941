#!/usr/bin/env python3
"""独立验证“双随机”抽取结果包（算法 CN-INSPECT/v1）。
Independent verifier of a CN-INSPECT/v1 draw bundle.

    python3 verify_draw.py BUNDLE.json

只需 Python 3.11 及以上版本，无需安装任何软件包，也不依赖本服务的代码：本文件按 DRAW_SPEC.md 独立重新实现了
整个算法，从结果包自身的输入（种子、盐值、参数、名录、人员名单、回避名单）重新计算全部结果，并与结果包逐项、
逐字节比对。
Needs nothing but Python ≥ 3.11: this file re-implements the whole algorithm from DRAW_SPEC.md on its own
(deliberately sharing no code with the service), recomputes everything from the bundle's own inputs and
compares it member by member, and the file byte for byte with its canonical JSON.

退出码 / exit status: 0 验证通过 verified; 1 发现不一致或尚不能验证 differences found (or salt not yet
revealed); 2 文件无法读取或不是 JSON 对象 unreadable input.

Rules this implementation shares with the service where the spec is silent: every string is NFC; rows are
stored in commitment order; ``tau`` lists every cell (null when nothing was selected there); in weight mode
there are no cell quotas; a row's weight is 1 (rate mode) or its class's weight (weight mode); fallback
records: department pass {level 1|2, dept}, fill pass {level 1, dept null} per member over the cap, then
{level 3, dept null} if still short; a public-ceremony seed is ≥ 20 ASCII digits.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata

ALGORITHM = "CN-INSPECT/v1"
MEMBERS = ["algorithm", "draw_id", "seed", "seed_source", "salt", "salt_commit", "params", "frame", "roster",
           "exclusions", "frame_hash", "roster_hash", "exclusions_hash", "params_hash", "quotas", "tau",
           "selected", "teams", "result_hash"]
CLASSES = ["A", "B", "C", "D", "U"]
NAMES = {"frame_hash": "名录承诺值", "roster_hash": "人员名单承诺值", "exclusions_hash": "回避名单承诺值",
         "params_hash": "参数承诺值", "quotas": "配额", "tau": "各格阈值", "selected": "抽中企业",
         "teams": "检查组", "result_hash": "结果哈希", "salt_commit": "盐值承诺", "frame": "抽查名录",
         "roster": "执法人员名单", "exclusions": "回避名单"}


class Invalid(Exception):
    """The bundle's inputs break a rule: it cannot be recomputed."""


def u32(n):
    return n.to_bytes(4, "big")


def lp(s):
    b = unicodedata.normalize("NFC", s).encode("utf-8")
    return u32(len(b)) + b


def sha(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def canonical(value):
    """CJSON: sorted keys, ',' and ':', non-ASCII as itself, integers only."""
    def check(v):
        if isinstance(v, float):
            raise Invalid("不允许小数 / floats are not allowed")
        if isinstance(v, dict):
            for k, item in v.items():
                check(k)
                check(item)
        if isinstance(v, list):
            for item in v:
                check(item)
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53 - 1:
            raise Invalid("整数过大 / integer too large")
    check(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def string(v, what):
    if not isinstance(v, str) or not v:
        raise Invalid(f"{what} 应为非空字符串 / {what} must be a non-empty string")
    if unicodedata.normalize("NFC", v) != v:
        raise Invalid(f"{what} 不是 NFC / {what} is not NFC")
    v.encode("utf-8")
    return v


def integer(v, what, low, high):
    if type(v) is not int or not low <= v <= high:
        raise Invalid(f"{what} 应为 {low}..{high} 的整数 / {what} must be an integer in {low}..{high}")
    return v


def rows(v, size, what):
    if not isinstance(v, list) or any(not isinstance(r, list) or len(r) != size for r in v):
        raise Invalid(f"{what} 应为每行 {size} 项的数组 / {what} must be rows of {size}")
    return v


def read_inputs(b):
    if b.get("algorithm") != ALGORITHM:
        raise Invalid(f"算法应为 {ALGORITHM} / algorithm must be {ALGORITHM}")
    draw_id, seed = string(b["draw_id"], "draw_id"), string(b["seed"], "seed")
    src = b["seed_source"]
    if not isinstance(src, dict) or sorted(src) != ["entered_at", "kind", "witnesses"]:
        raise Invalid("seed_source 格式不正确 / seed_source malformed")
    if src["kind"] not in ("public-ceremony", "system") or not isinstance(src["witnesses"], list):
        raise Invalid("seed_source 格式不正确 / seed_source malformed")
    for w in src["witnesses"]:
        string(w, "witness")
    string(src["entered_at"], "entered_at")
    if src["kind"] == "public-ceremony" and not (seed.isascii() and seed.isdigit() and len(seed) >= 20):
        raise Invalid("公开摇号种子应为至少 20 位数字 / a public-ceremony seed needs ≥ 20 digits")
    salt = b["salt"]
    if salt is not None and (not isinstance(salt, str) or len(salt) != 64 or set(salt) - set("0123456789abcdef")):
        raise Invalid("盐值应为 64 位小写十六进制 / salt must be 64 lowercase hex")
    p = b["params"]
    keys = ["algorithm", "industry_min", "load_slack", "mode", "overall_min_bp", "rates_bp", "team_depts",
            "team_size", "weights"]
    if not isinstance(p, dict) or sorted(p) != keys or p["algorithm"] != ALGORITHM or p["mode"] not in ("rate", "weight"):
        raise Invalid("params 格式不正确 / params malformed")
    table, unused = ("rates_bp", "weights") if p["mode"] == "rate" else ("weights", "rates_bp")
    if p[unused] is not None or not isinstance(p[table], dict) or sorted(p[table]) != CLASSES:
        raise Invalid("params 格式不正确 / params malformed")
    for c in CLASSES:
        integer(p[table][c], f"{table}.{c}", *((0, 10000) if table == "rates_bp" else (1, 1000)))
    integer(p["industry_min"], "industry_min", 0, 10**9)
    integer(p["overall_min_bp"], "overall_min_bp", 0, 10000)
    integer(p["team_size"], "team_size", 1, 1000)
    integer(p["load_slack"], "load_slack", 0, 10**9)
    if not isinstance(p["team_depts"], list) or not p["team_depts"]:
        raise Invalid("team_depts 应为非空数组 / team_depts must be a non-empty array")
    for d in p["team_depts"]:
        string(d, "team_depts")
    frame = rows(b["frame"], 5, "frame")
    for uscc, industry, county, cls, weight in frame:
        for value in (uscc, industry, county):
            string(value, "frame")
        if "|" in industry or cls not in CLASSES:
            raise Invalid(f"名录行不合规 / bad frame row {uscc}")
        if weight != (1 if p["mode"] == "rate" else p["weights"][cls]) or type(weight) is not int:
            raise Invalid(f"权重与参数不符 / weight does not match the params ({uscc})")
    roster = rows(b["roster"], 2, "roster")
    exclusions = rows(b["exclusions"], 3, "exclusions")
    for r in roster + exclusions:
        for v in r:
            string(v, "roster/exclusions")
    if not frame or not roster:
        raise Invalid("名录与人员名单不能为空 / frame and roster must not be empty")
    for what, ids in (("uscc", [r[0] for r in frame]), ("person_id", [r[0] for r in roster]),
                      ("exclusion", [(e[0], e[1]) for e in exclusions])):
        if len(set(ids)) != len(ids):
            raise Invalid(f"{what} 重复 / duplicate {what}")
    return draw_id, seed, src, salt, p, frame, roster, exclusions


def utf8(s):
    return s.encode("utf-8")


def recompute(b):
    """Everything the spec derives from the bundle's inputs (the salt must be revealed)."""
    draw_id, seed, src, salt, p, frame, roster, exclusions = read_inputs(b)
    frame = sorted(frame, key=lambda r: utf8(r[0]))
    roster = sorted(roster, key=lambda r: utf8(r[0]))
    exclusions = sorted(exclusions, key=lambda e: (utf8(e[0]), utf8(e[1])))
    out = {"algorithm": ALGORITHM, "draw_id": draw_id, "seed": seed, "seed_source": src, "salt": salt,
           "salt_commit": sha(lp("SALT/v1"), lp(salt)).hex() if salt else b["salt_commit"], "params": p,
           "frame": frame, "roster": roster, "exclusions": exclusions}
    frame_hash = sha(lp("CN-INSPECT-FRAME/v1"), u32(len(frame)),
                     *(lp(r[0]) + lp(r[1]) + lp(r[2]) + lp(r[3]) + u32(r[4]) for r in frame))
    roster_hash = sha(lp("CN-INSPECT-ROSTER/v1"), u32(len(roster)), *(lp(r[0]) + lp(r[1]) for r in roster))
    exclusions_hash = sha(lp("CN-INSPECT-EXCL/v1"), u32(len(exclusions)),
                          *(lp(e[0]) + lp(e[1]) + lp(e[2]) for e in exclusions))
    params_hash = sha(lp("CN-INSPECT-PARAMS/v1"), lp(canonical(p)))
    out.update(frame_hash=frame_hash.hex(), roster_hash=roster_hash.hex(), exclusions_hash=exclusions_hash.hex(),
               params_hash=params_hash.hex())

    # Quotas: integer arithmetic only.
    def ceil_bp(bp, n):
        return (bp * n + 9999) // 10000

    rate = p["mode"] == "rate"
    cell = {r[0]: f"{r[1]}|{r[3]}" if rate else r[1] for r in frame}
    member = {r[0]: ([f"cell|{r[1]}|{r[3]}"] if rate else []) + [f"industry|{r[1]}", "all"] for r in frame}
    size = {}
    for r in frame:
        for g in member[r[0]]:
            size[g] = size.get(g, 0) + 1
    quota = {}
    for g, n in size.items():
        if g.startswith("cell|"):
            quota[g] = ceil_bp(p["rates_bp"][g.rsplit("|", 1)[1]], n)
        elif g.startswith("industry|"):
            quota[g] = p["industry_min"]
        else:
            quota[g] = ceil_bp(p["overall_min_bp"], n)
        quota[g] = min(quota[g], n)
    if salt is None:
        return out, {g: {"quota": quota[g]} for g in quota}

    # Tickets and the walk.
    k_sel = sha(lp("CN-INSPECT-SELECT/v1"), lp(draw_id), lp(seed), lp(salt), frame_hash, params_hash)
    tickets = []
    for r in frame:
        best = min((sha(k_sel, lp(r[0]), u32(j)), j) for j in range(1, r[4] + 1))
        tickets.append((best[0], utf8(r[0]), best[1], r[0]))
    tickets.sort()
    count = dict.fromkeys(quota, 0)
    unmet = sum(1 for g in quota if quota[g] > 0)
    selected, tau = [], dict.fromkeys(cell.values())
    for key, _, j, uscc in tickets:
        if unmet == 0:  # stop when every quota is met
            break
        if any(count[g] < quota[g] for g in member[uscc]):
            for g in member[uscc]:
                count[g] += 1
                unmet -= count[g] == quota[g]
            selected.append({"uscc": uscc, "ticket": key.hex(), "j": j, "cell": cell[uscc]})
            tau[cell[uscc]] = key.hex()
    out.update(quotas={g: {"quota": quota[g], "selected": count[g]} for g in quota}, tau=tau, selected=selected)

    # Teams.
    k_asg = sha(lp("CN-INSPECT-ASSIGN/v1"), lp(draw_id), lp(seed), lp(salt), roster_hash, exclusions_hash,
                params_hash)
    cap = -(-len(selected) * p["team_size"] // len(roster)) + p["load_slack"]
    load = {r[0]: 0 for r in roster}
    dept = {r[0]: r[1] for r in roster}
    barred = {(e[0], e[1]) for e in exclusions}
    teams = []
    for s in selected:
        uscc = s["uscc"]
        cands = sorted((sha(k_asg, lp(uscc), lp(r[0])), utf8(r[0]), r[0]) for r in roster
                       if (uscc, r[0]) not in barred and r[1] in p["team_depts"])
        team, fallbacks = [], []
        for d in p["team_depts"]:
            ours = [c for c in cands if dept[c[2]] == d and c not in team]
            under = [c for c in ours if load[c[2]] < cap]
            if under:
                team.append(under[0])
            elif ours:
                team.append(ours[0])
                fallbacks.append({"level": 1, "dept": d})
            else:
                fallbacks.append({"level": 2, "dept": d})
        for c in cands:
            if len(team) < p["team_size"] and c not in team and load[c[2]] < cap:
                team.append(c)
        for c in cands:
            if len(team) < p["team_size"] and c not in team:
                team.append(c)
                fallbacks.append({"level": 1, "dept": None})
        if len(team) < p["team_size"]:
            fallbacks.append({"level": 3, "dept": None})
        for c in team:
            load[c[2]] += 1
        teams.append({"uscc": uscc, "fallbacks": fallbacks, "members": [
            {"person_id": c[2], "role": "组长" if i == 0 else "组员", "A": c[0].hex()} for i, c in enumerate(team)]})
    out["teams"] = teams
    return out, None


def result_hash(bundle):
    content = {k: v for k, v in bundle.items() if k not in ("result_hash", "salt")}
    return sha(lp("CN-INSPECT-RESULT/v1"), lp(canonical(content))).hex()


def first_difference(want, got, path):
    if isinstance(want, list) and isinstance(got, list):
        for i in range(max(len(want), len(got))):
            a = want[i] if i < len(want) else None
            c = got[i] if i < len(got) else None
            if i >= len(want) or i >= len(got) or canonical(a) != canonical(c):
                return first_difference(a, c, f"{path}[{i}]")
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            if k not in want or k not in got or canonical(want[k]) != canonical(got[k]):
                return first_difference(want.get(k), got.get(k), f"{path}.{k}")
    return path, want, got


def same(a, b):
    try:
        return canonical(a) == canonical(b)
    except Invalid:
        return False


def verify(data):
    """Problems found, as (Chinese, English) pairs; raises ValueError when data is not a JSON object."""
    def no_floats(literal):
        raise Invalid(f"不允许小数 {literal} / floats are not allowed")

    def no_duplicates(pairs):
        if len({k for k, _ in pairs}) != len(pairs):
            raise Invalid("JSON 对象有重复的键 / duplicate keys")
        return dict(pairs)

    try:
        bundle = json.loads(data.decode("utf-8"), parse_float=no_floats, parse_constant=no_floats,
                            object_pairs_hook=no_duplicates)
    except Invalid as e:
        return [(f"结果包不合规：{e}", f"invalid bundle: {e}")]
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ValueError(f"不是 UTF-8 编码的 JSON / not UTF-8 JSON: {e}") from None
    if not isinstance(bundle, dict):
        raise ValueError("结果包应为 JSON 对象 / the bundle must be a JSON object")
    try:
        return check(bundle, data)
    except Invalid as e:
        return [(f"结果包不合规：{e}", f"invalid bundle: {e}")]


def check(bundle, data):
    problems = []
    missing = [m for m in MEMBERS if m not in bundle]
    extra = [m for m in bundle if m not in MEMBERS]
    if missing or extra:
        problems.append((f"成员不符：缺少 {missing}，多余 {extra}", f"members: missing {missing}, unexpected {extra}"))
        if missing:
            return problems
    try:
        if canonical(bundle).encode("utf-8") != data:
            problems.append(("文件不是规范 JSON 编码（CJSON），存在被改动或多余的字节",
                             "the file is not the bundle's canonical JSON: bytes were altered or added"))
        if result_hash(bundle) != bundle["result_hash"]:
            problems.append(("结果哈希与结果包内容不符（封存后被改动）",
                             "result_hash does not match the bundle's content (changed after sealing)"))
        expected, quotas_only = recompute(bundle)
    except Invalid as e:
        return [*problems, (f"无法按规则读取输入：{e}", f"inputs break the rules: {e}")]
    if quotas_only is not None:
        expected["quotas"] = quotas_only
        found = {g: {"quota": v.get("quota")} if isinstance(v, dict) else v for g, v in bundle["quotas"].items()} \
            if isinstance(bundle["quotas"], dict) else bundle["quotas"]
        names = ["frame", "roster", "exclusions", "frame_hash", "roster_hash", "exclusions_hash", "params_hash", "quotas"]
        for m in names:
            if not same(expected[m], found if m == "quotas" else bundle[m]):
                problems.append((f"{NAMES[m]}（{m}）不一致", f"{m} differs"))
        return [*problems, ("盐值尚未公开，抽取结果暂时无法验证", "the salt is not revealed yet: cannot verify the draw")]
    if expected["salt_commit"] != bundle["salt_commit"]:
        problems.append(("公开的盐值与事先公布的盐值承诺不符", "the revealed salt does not match salt_commit"))
    expected["result_hash"] = result_hash(expected)
    for m in MEMBERS:
        if m != "salt_commit" and not same(expected[m], bundle[m]):
            path, want, got = first_difference(expected[m], bundle[m], m)
            problems.append((f"{NAMES.get(m, m)}（{m}）与重新计算的结果不一致，首个不同之处 {path}：应为 {want!r}，实为 {got!r}",
                             f"{m} differs from the recomputed value at {path}: expected {want!r}, found {got!r}"))
    return problems


def main(argv):
    if len(argv) != 2:
        print("用法 / usage: python3 verify_draw.py BUNDLE.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            data = f.read()
        problems = verify(data)
    except (OSError, ValueError) as e:
        print(f"无法读取结果包 / cannot read the bundle: {e}", file=sys.stderr)
        return 2
    if not problems:
        print("验证通过：结果包与按 CN-INSPECT/v1 重新计算的结果逐字节一致。")
        print("Verified: the bundle is byte for byte what CN-INSPECT/v1 computes from its inputs.")
        return 0
    print(f"验证未通过，发现 {len(problems)} 处问题 / NOT verified, {len(problems)} problem(s):")
    for zh, en in problems:
        print(f"  - {zh}\n    {en}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
