"""The algorithm's inputs and keys: frame, roster and exclusion rows, seed source, parameters, K_sel, K_asg.

Rows are ``NamedTuple``\\ s: a frame of a million enterprises is a million plain tuples, no per-row
validation objects; they are validated in bulk when a draw (or a commitment) is computed. ``SeedSource`` and
``DrawParams`` validate themselves when constructed and convert to and from their JSON objects.

Choices where the spec is silent:

* ``params`` must carry exactly the nine members of the spec's example (``algorithm`` = ``CN-INSPECT/v1``,
  ``mode``, ``rates_bp``, ``weights``, ``industry_min``, ``overall_min_bp``, ``team_depts``, ``team_size``,
  ``load_slack``): none missing, none extra, the unused one of ``rates_bp``/``weights`` ``null``; so the
  JSON object, and ``params_hash``, are canonical. ``rates_bp`` and ``weights`` name exactly the classes
  A, B, C, D, U. Rates and ``overall_min_bp`` are 0..10000 basis points; weights 1..1000 (a bound on the
  hashing work, ``MAX_WEIGHT``); ``industry_min`` and ``load_slack`` 0..10⁹; ``team_size`` 1..1000;
  ``team_depts`` a non-empty list of unit codes in which a code may repeat (the spec's "not yet in the
  team" then asks for two different people of that unit).
* A public-ceremony seed is ASCII digits only, at least 20 of them, and has at least one witness; a system
  seed is any non-empty string. ``entered_at`` is an ISO 8601 timestamp with its UTC offset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from app.domain.draws.encoding import DrawInputError, cjson_trusted, h, integer, lp, text

ALGORITHM = "CN-INSPECT/v1"
RISK_CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "U")
MODES = ("rate", "weight")
SEED_KINDS = ("public-ceremony", "system")
MIN_CEREMONY_DIGITS = 20
MAX_WEIGHT = 1000
BP = 10_000
LEADER, MEMBER = "组长", "组员"
PARAM_KEYS = frozenset(
    {"algorithm", "mode", "rates_bp", "weights", "industry_min", "overall_min_bp", "team_depts", "team_size",
     "load_slack"}
)


class FrameRow(NamedTuple):
    """One eligible enterprise: ``(uscc, industry, county, risk_class, weight)``."""

    uscc: str
    industry: str
    county: str
    risk_class: str
    weight: int = 1


class RosterRow(NamedTuple):
    """One inspector eligible in principle for the task: ``(person_id, dept_code)``."""

    person_id: str
    dept_code: str


class Exclusion(NamedTuple):
    """An enterprise–inspector pair that must never form a team, with its reason."""

    uscc: str
    person_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SeedSource:
    """Where the seed came from: a public ceremony with witnesses, or the system (tests and demos only)."""

    kind: str
    witnesses: tuple[str, ...] = ()
    entered_at: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SEED_KINDS:
            raise DrawInputError(
                "draw.invalid_seed_source", "种子来源应为 public-ceremony 或 system",
                "seed_source.kind must be 'public-ceremony' or 'system'", kind=self.kind,
            )
        if not isinstance(self.witnesses, tuple | list):
            raise DrawInputError("draw.invalid_seed_source", "见证人应为列表", "witnesses must be a list")
        object.__setattr__(self, "witnesses", tuple(self.witnesses))
        for witness in self.witnesses:
            text(witness, "见证人 witness", "draw.invalid_seed_source")
        if self.kind == "public-ceremony" and not self.witnesses:
            raise DrawInputError(
                "draw.invalid_seed_source", "公开摇号须记录至少一名见证人", "a public ceremony needs at least one witness"
            )
        text(self.entered_at, "录入时间 entered_at", "draw.invalid_seed_source")
        try:
            moment = datetime.fromisoformat(self.entered_at)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise DrawInputError(
                "draw.invalid_seed_source", "录入时间应为带时区的 ISO 8601 时间",
                "entered_at must be an ISO 8601 timestamp with its UTC offset", entered_at=self.entered_at,
            )

    def check_seed(self, seed: object) -> str:
        """The seed, if it is valid for this kind of source."""
        value = text(seed, "种子 seed", "draw.invalid_seed")
        if self.kind == "public-ceremony" and not (
            value.isascii() and value.isdigit() and len(value) >= MIN_CEREMONY_DIGITS
        ):
            raise DrawInputError(
                "draw.invalid_seed",
                f"公开摇号的种子应为至少 {MIN_CEREMONY_DIGITS} 位十进制数字",
                f"a public-ceremony seed must be at least {MIN_CEREMONY_DIGITS} decimal digits",
            )
        return value

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "witnesses": list(self.witnesses), "entered_at": self.entered_at}

    @classmethod
    def from_json(cls, obj: object) -> SeedSource:
        if not isinstance(obj, dict) or set(obj) != {"kind", "witnesses", "entered_at"}:
            raise DrawInputError(
                "draw.invalid_seed_source", "seed_source 应含 kind、witnesses、entered_at 三项",
                "seed_source must have exactly kind, witnesses, entered_at",
            )
        if not isinstance(obj["witnesses"], list):
            raise DrawInputError("draw.invalid_seed_source", "见证人应为列表", "witnesses must be a list")
        return cls(obj["kind"], tuple(obj["witnesses"]), obj["entered_at"])


def _class_table(value: object, what: str, *, low: int, high: int) -> Mapping[str, int]:
    if not isinstance(value, Mapping) or set(value) != set(RISK_CLASSES):
        raise DrawInputError(
            "draw.invalid_params", f"{what} 应恰好列出 A、B、C、D、U 五类", f"{what} must name exactly A, B, C, D, U"
        )
    return MappingProxyType(
        {k: integer(value[k], f"{what}.{k}", "draw.invalid_params", low=low, high=high) for k in RISK_CLASSES}
    )


@dataclass(frozen=True, slots=True)
class DrawParams:
    """The ``params`` object of a draw (see ``DRAW_SPEC.md`` Inputs); build with ``rate``/``weight``/``from_json``."""

    mode: str
    rates_bp: Mapping[str, int] | None
    weights: Mapping[str, int] | None
    industry_min: int
    overall_min_bp: int
    team_depts: tuple[str, ...]
    team_size: int
    load_slack: int
    algorithm: str = field(default=ALGORITHM)

    def __post_init__(self) -> None:
        if self.algorithm != ALGORITHM:
            raise DrawInputError(
                "draw.invalid_params", f"算法应为 {ALGORITHM}", f"algorithm must be {ALGORITHM}", value=self.algorithm
            )
        if self.mode not in MODES:
            raise DrawInputError("draw.invalid_params", "mode 应为 rate 或 weight", "mode must be 'rate' or 'weight'")
        if self.mode == "rate":
            if self.weights is not None:
                raise DrawInputError("draw.invalid_params", "比例模式下 weights 应为 null", "weights must be null in rate mode")
            object.__setattr__(self, "rates_bp", _class_table(self.rates_bp, "rates_bp", low=0, high=BP))
        else:
            if self.rates_bp is not None:
                raise DrawInputError("draw.invalid_params", "权重模式下 rates_bp 应为 null", "rates_bp must be null in weight mode")
            object.__setattr__(self, "weights", _class_table(self.weights, "weights", low=1, high=MAX_WEIGHT))
        integer(self.industry_min, "industry_min", "draw.invalid_params", low=0, high=10**9)
        integer(self.overall_min_bp, "overall_min_bp", "draw.invalid_params", low=0, high=BP)
        integer(self.team_size, "team_size", "draw.invalid_params", low=1, high=1000)
        integer(self.load_slack, "load_slack", "draw.invalid_params", low=0, high=10**9)
        if not isinstance(self.team_depts, tuple | list) or not self.team_depts:
            raise DrawInputError("draw.invalid_params", "team_depts 应为非空列表", "team_depts must be a non-empty list")
        object.__setattr__(self, "team_depts", tuple(self.team_depts))
        for dept in self.team_depts:
            text(dept, "team_depts 中的单位代码", "draw.invalid_params")

    @classmethod
    def rate(cls, rates_bp: Mapping[str, int], *, industry_min: int, overall_min_bp: int,
             team_depts: Sequence[str], team_size: int, load_slack: int) -> DrawParams:
        return cls("rate", rates_bp, None, industry_min, overall_min_bp, tuple(team_depts), team_size, load_slack)

    @classmethod
    def weight(cls, weights: Mapping[str, int], *, industry_min: int, overall_min_bp: int,
               team_depts: Sequence[str], team_size: int, load_slack: int) -> DrawParams:
        return cls("weight", None, weights, industry_min, overall_min_bp, tuple(team_depts), team_size, load_slack)

    def class_weight(self, risk_class: str) -> int:
        """The weight every frame row of this class must carry (1 in rate mode)."""
        return 1 if self.weights is None else self.weights[risk_class]

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "mode": self.mode,
            "rates_bp": None if self.rates_bp is None else dict(self.rates_bp),
            "weights": None if self.weights is None else dict(self.weights),
            "industry_min": self.industry_min,
            "overall_min_bp": self.overall_min_bp,
            "team_depts": list(self.team_depts),
            "team_size": self.team_size,
            "load_slack": self.load_slack,
        }

    @classmethod
    def from_json(cls, obj: object) -> DrawParams:
        if not isinstance(obj, dict) or set(obj) != PARAM_KEYS:
            raise DrawInputError(
                "draw.invalid_params", "params 应恰好包含规范列出的九项", "params must have exactly the spec's nine members",
                members=sorted(obj) if isinstance(obj, dict) else None,
            )
        if not isinstance(obj["team_depts"], list):
            raise DrawInputError("draw.invalid_params", "team_depts 应为列表", "team_depts must be a list")
        return cls(
            obj["mode"], obj["rates_bp"], obj["weights"], obj["industry_min"], obj["overall_min_bp"],
            tuple(obj["team_depts"]), obj["team_size"], obj["load_slack"], obj["algorithm"],
        )


def check_salt(salt: object) -> str:
    """A revealed salt: 64 lowercase hexadecimal characters (32 bytes)."""
    if type(salt) is not str or len(salt) != 64 or not salt.isascii() or set(salt) - set("0123456789abcdef"):
        raise DrawInputError("draw.invalid_salt", "盐值应为 64 位小写十六进制字符", "salt must be 64 lowercase hex characters")
    return salt


def check_draw_id(draw_id: object) -> str:
    return text(draw_id, "抽取编号 draw_id", "draw.invalid_draw_id")


# --- Commitments and keys that need no frame (DRAW_SPEC.md "Commitments", "Enterprise tickets", "Inspector teams")


def params_hash_bytes(params: DrawParams) -> bytes:
    return h(lp("CN-INSPECT-PARAMS/v1"), lp(cjson_trusted(params.to_json())))


def params_hash(params: DrawParams) -> str:
    """``params_hash = H(LP("CN-INSPECT-PARAMS/v1") ‖ LP(CJSON(params)))`` as 64 hex characters."""
    return params_hash_bytes(params).hex()


def salt_commit(salt_hex: str) -> str:
    """``salt_commit = H(LP("SALT/v1") ‖ LP(salt))`` for a 64-hex salt, as 64 hex characters."""
    return h(lp("SALT/v1"), lp(check_salt(salt_hex))).hex()


def selection_key(draw_id: str, seed: str, salt: str, frame_hash: bytes, params_hash: bytes) -> bytes:
    """``K_sel = H(LP("CN-INSPECT-SELECT/v1") ‖ LP(draw_id) ‖ LP(seed) ‖ LP(salt) ‖ frame_hash ‖ params_hash)``."""
    return h(lp("CN-INSPECT-SELECT/v1"), lp(draw_id), lp(seed), lp(salt), frame_hash, params_hash)


def assignment_key(draw_id: str, seed: str, salt: str, roster_hash: bytes, exclusions_hash: bytes,
                   params_hash: bytes) -> bytes:
    """``K_asg = H(LP("CN-INSPECT-ASSIGN/v1") ‖ LP(draw_id) ‖ LP(seed) ‖ LP(salt) ‖ roster_hash ‖ exclusions_hash
    ‖ params_hash)``."""
    return h(lp("CN-INSPECT-ASSIGN/v1"), lp(draw_id), lp(seed), lp(salt), roster_hash, exclusions_hash, params_hash)
