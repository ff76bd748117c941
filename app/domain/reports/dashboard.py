"""执法监督看板: the compliance indicators as traffic lights, the year's activity per unit, the class mix of the drawn
enterprises against the directory's, hazards found against rectified, and what falls due in the next 30 days.

Computed from the records every time (through the compliance indicators, the monthly reports and the deadlines),
never stored. The charts are laid out here as plain geometry (rectangles, ticks, labels); the page draws them as
inline SVG, so the service needs no scripts and nothing from outside the intranet.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.auth.model import Permission, Principal
from app.domain.directories.model import DepartmentKind, EnterpriseStatus
from app.domain.errors import InvalidInput
from app.domain.plans.compliance import STATE_LABELS, Indicator
from app.domain.plans.compliance import report as compliance_report
from app.domain.plans.initiated import quarter_of
from app.domain.ports import UnitOfWork
from app.domain.reports.monthly import CLASS_LABELS, MonthlyReport, monthly
from app.domain.scheduling.calendar import WorkingDayCalendar
from app.domain.scheduling.deadlines import Deadline, DeadlineState, list_deadlines

#: Deadlines listed: overdue ones (the page shows the longest overdue DEADLINE_ROWS) and those due within this many
#: days.
DUE_WITHIN_DAYS = 30
DEADLINE_ROWS = 100
#: Traffic light of each indicator state: green met; amber still running (at risk) or not begun; red missed.
LIGHTS: Mapping[str, str] = {"met": "green", "at_risk": "amber", "upcoming": "amber", "missed": "red"}
LIGHT_LABELS: Mapping[str, str] = {"green": "绿灯", "amber": "黄灯", "red": "红灯"}
#: Red lights first (the order is otherwise the indicators' own).
SEVERITY: Mapping[str, int] = {"red": 0, "amber": 1, "green": 2}
#: Indicators whose value and target are shares (0…1), shown as percentages.
SHARE_SUFFIXES = ("_share", "_rate", "_on_time")
#: Not in a draw's frame, so left out of the directory's class mix too.
CLOSED_STATUSES = frozenset({EnterpriseStatus.SUSPENDED.value, EnterpriseStatus.DEREGISTERED.value,
                             EnterpriseStatus.REVOKED.value})
CLASS_ORDER = ("A", "B", "C", "D", "U")
MONTHS = tuple(f"{m}月" for m in range(1, 13))

BLUE, ORANGE, RED, GREEN, GREY = "#1f5fa8", "#d97a00", "#b3261e", "#1b7f3b", "#8a8a94"


# --- traffic lights -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Light:
    code: str
    name: str
    #: met, at_risk, missed or upcoming, as the indicator says.
    state: str
    state_label: str
    #: green, amber or red.
    color: str
    value: str
    target: str
    period: str


def is_share(indicator: Indicator) -> bool:
    return indicator.code.endswith(SHARE_SUFFIXES)


def _number(value: float, share: bool) -> str:
    if share:
        return f"{value * 100:.1f}%".replace(".0%", "%")
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def light(indicator: Indicator) -> Light:
    share = is_share(indicator)
    target = _number(indicator.target, share)
    return Light(indicator.code, indicator.name, indicator.state, STATE_LABELS.get(indicator.state, indicator.state),
                 LIGHTS.get(indicator.state, "red"), _number(indicator.value, share),
                 target if indicator.target == 0 else f"≥ {target}", indicator.period)


# --- bar charts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    color: str
    #: One value per category.
    values: tuple[float, ...]
    #: Series with the same stack pile up in one bar; different stacks stand side by side.
    stack: int = 0
    #: Per category, what the bar's tooltip (its SVG <title>) says instead of the value.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class LegendItem:
    x: float
    color: str
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart as geometry in a ``width`` × ``height`` view box."""

    id: str
    title: str
    description: str
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bars: tuple[Rect, ...]
    #: Horizontal grid lines: (y, label).
    ticks: tuple[Label, ...]
    categories: tuple[Label, ...]
    #: Each bar's total, above it.
    totals: tuple[Label, ...]
    legend: tuple[LegendItem, ...]
    legend_y: float
    #: Nothing to draw: every value is zero.
    empty: bool


def nice_step(largest: float, ticks: int = 4) -> float:
    """The grid step (1, 2 or 5 times a power of ten, at least 1) putting ``largest`` under about ``ticks`` lines."""
    rough = max(largest, 1) / ticks
    power = 10 ** math.floor(math.log10(rough))
    return float(max(1, next(m * power for m in (1, 2, 5, 10) if m * power >= rough)))


def text_width(text: str, size: float = 12) -> float:
    """Rough width of a label: CJK characters are square, others about half as wide."""
    return sum(size if ord(c) > 0x2E7F else size * 0.6 for c in text)


def _format(value: float, suffix: str) -> str:
    return (str(int(value)) if float(value).is_integer() else f"{value:.1f}") + suffix


def bar_chart(chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series], *,
              unit: str = "", suffix: str = "", category_titles: Sequence[str] = (), width: int = 560,
              height: int = 250) -> Chart:
    """Grouped (and, per ``stack``, stacked) bars: one group per category, one bar per stack in each group."""
    left, right, top, bottom = 40.0, width - 8.0, 34.0, height - 24.0
    stacks = sorted({s.stack for s in series})
    totals = [[sum(s.values[i] for s in series if s.stack == k) for k in stacks] for i in range(len(categories))]
    largest = max((t for group in totals for t in group), default=0)
    step = nice_step(largest)
    scale_max = step * max(1, math.ceil(largest / step))
    slot = (right - left) / max(1, len(categories))
    bar = slot * 0.8 / max(1, len(stacks))

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / scale_max

    bars, labels = [], []
    for i, category in enumerate(categories):
        name = category_titles[i] if i < len(category_titles) else category
        for k, stack in enumerate(stacks):
            x = left + slot * i + slot * 0.1 + bar * k
            base = 0.0
            for s in (s for s in series if s.stack == stack):
                value = s.values[i]
                if value > 0:
                    note = s.notes[i] if i < len(s.notes) else f"{_format(value, suffix)}{unit}"
                    bars.append(Rect(round(x + 0.5, 2), round(y_of(base + value), 2), round(max(bar - 1, 1), 2),
                                     round(y_of(base) - y_of(base + value), 2), s.color, f"{name} {s.label}：{note}"))
                base += value
            if base > 0:
                labels.append(Label(round(x + bar / 2, 2), round(y_of(base) - 3, 2), _format(base, suffix)))
    ticks = tuple(Label(left - 4, round(y_of(step * n), 2), _format(step * n, suffix))
                  for n in range(int(scale_max / step) + 1))
    cats = tuple(Label(round(left + slot * (i + 0.5), 2), bottom + 16, c) for i, c in enumerate(categories))
    legend, x = [], left
    for s in series:
        legend.append(LegendItem(x, s.color, s.label))
        x += 18 + text_width(s.label, 14) + 12  # room for the larger legend text on a phone
    return Chart(chart_id, title, description, width, height, left, top, right, bottom, tuple(bars), ticks, cats,
                 tuple(labels), tuple(legend), 14.0, largest == 0)


# --- the dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitYear:
    """One unit's (or the bureau's) monthly reports of the year, up to the current month."""

    code: str | None
    name: str
    #: Month 1 first; months not yet begun are left out.
    reports: tuple[MonthlyReport, ...]

    def series(self, key: str) -> tuple[int, ...]:
        values = [r.figure(key).value for r in self.reports]
        return tuple(values + [0] * (12 - len(values)))

    def breakdown(self, key: str) -> Counter[str]:
        counted: Counter[str] = Counter()
        for report in self.reports:
            for breakdown in report.breakdowns:
                if breakdown.key == key:
                    counted.update({code: n for code, _label, n in breakdown.rows})
        return counted


@dataclass(frozen=True, slots=True)
class ClassRow:
    code: str
    label: str
    drawn: int
    drawn_share: float
    directory: int
    directory_share: float


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    kind: str
    title: str
    unit: str
    due: date | None
    state: str
    state_label: str
    days_left: int | None

    @property
    def when(self) -> str:
        if self.days_left is None:
            return "截止日未定"
        if self.days_left < 0:
            return f"已逾期 {-self.days_left} 天"
        return "今天到期" if self.days_left == 0 else f"还剩 {self.days_left} 天"


@dataclass(frozen=True, slots=True)
class Dashboard:
    year: int
    quarter: int
    today: date
    generated_at: datetime
    #: Whose activity the charts show: the bureau, or the caller's unit.
    scope_name: str
    lights: tuple[Light, ...]
    activity: tuple[Chart, ...]
    class_mix: Chart
    class_rows: tuple[ClassRow, ...]
    drawn_total: int
    directory_total: int
    hazards: Chart
    hazard_totals: Mapping[str, int]
    #: None: the caller may not read deadlines.
    deadlines: tuple[DeadlineRow, ...] | None
    months_counted: int

    @property
    def shown_deadlines(self) -> tuple[DeadlineRow, ...]:
        """The longest overdue DEADLINE_ROWS, then everything due within 30 days (never cut)."""
        rows = self.deadlines or ()
        overdue = [r for r in rows if r.state == "overdue"]
        return tuple(overdue[:DEADLINE_ROWS] + [r for r in rows if r.state != "overdue"])

    @property
    def hidden_overdue(self) -> int:
        return max(0, self.deadline_counts["overdue"] - DEADLINE_ROWS)

    @property
    def deadline_counts(self) -> dict[str, int]:
        counted = Counter(row.state for row in self.deadlines or ())
        return {state: counted.get(state, 0) for state in ("overdue", "due", "unknown")}

    @property
    def light_counts(self) -> dict[str, int]:
        counted = Counter(light.color for light in self.lights)
        return {color: counted.get(color, 0) for color in ("green", "amber", "red")}


def months_through(year: int, today: date) -> int:
    """The months of ``year`` begun by ``today``."""
    return 12 if year < today.year else today.month if year == today.year else 0


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def activity_chart(unit: UnitYear, year: int, index: int) -> Chart:
    return bar_chart(
        f"activity-{index}", f"{unit.name}：启动抽查与实施检查",
        f"{year} 年各月{unit.name}启动抽查（执行抽取）次数与实施检查（扫码签到）企业数，按月分组的柱状图",
        MONTHS, [Series("启动抽查（次）", BLUE, tuple(unit.series("tasks_launched")), 0),
                 Series("实施检查（家）", ORANGE, tuple(unit.series("enterprises_visited")), 1)],
        category_titles=[f"{year} 年 {m} 月" for m in range(1, 13)])


def class_mix(drawn: Mapping[str, int], directory: Mapping[str, int]) -> tuple[Chart, tuple[ClassRow, ...]]:
    drawn_total, directory_total = sum(drawn.values()), sum(directory.values())
    codes = [c for c in CLASS_ORDER if c != "U" or drawn.get(c) or directory.get(c)]
    rows = tuple(ClassRow(c, CLASS_LABELS[c], drawn.get(c, 0), _share(drawn.get(c, 0), drawn_total),
                          directory.get(c, 0), _share(directory.get(c, 0), directory_total)) for c in codes)
    chart = bar_chart(
        "class-mix", "抽中企业与名录库的信用风险分类构成",
        "按信用风险分类（A、B、C、D 类及未分类）比较本年度抽中企业与检查对象名录库在营企业所占比例的柱状图",
        [c if c != "U" else "未分类" for c in codes],
        [Series("抽中企业", RED, tuple(round(r.drawn_share * 100, 1) for r in rows), 0,
                tuple(f"{r.drawn} 家，占 {r.drawn_share:.1%}" for r in rows)),
         Series("名录库（在营）", GREY, tuple(round(r.directory_share * 100, 1) for r in rows), 1,
                tuple(f"{r.directory} 家，占 {r.directory_share:.1%}" for r in rows))],
        suffix="%", category_titles=[r.label for r in rows], height=260)
    return chart, rows


def hazards_chart(unit: UnitYear, year: int) -> Chart:
    return bar_chart(
        "hazards", f"{unit.name}：发现隐患与整改到位",
        f"{year} 年各月发现的一般隐患与重大事故隐患（叠加）和复查整改到位的整改指令数的柱状图",
        MONTHS, [Series("一般隐患（项）", ORANGE, tuple(unit.series("hazards_general")), 0),
                 Series("重大事故隐患（项）", RED, tuple(unit.series("hazards_major")), 0),
                 Series("整改到位（项整改指令）", GREEN, tuple(unit.series("rectified")), 1)],
        category_titles=[f"{year} 年 {m} 月" for m in range(1, 13)])


def deadline_rows(deadlines: Sequence[Deadline], units: Mapping[str, str]) -> tuple[DeadlineRow, ...]:
    """Overdue first (the longest overdue at the top), then by due date."""
    rank = {DeadlineState.OVERDUE: 0, DeadlineState.UNKNOWN: 1}
    ordered = sorted(deadlines, key=lambda d: (rank.get(d.state, 2), d.due or date.max, d.kind.value, d.subject))
    return tuple(DeadlineRow(d.kind.label, d.title, units.get(d.department_code, d.department_code), d.due,
                             d.state.value, d.state.label, d.days_left) for d in ordered)


def assemble(*, year: int, quarter: int, today: date, generated_at: datetime, indicators: Sequence[Indicator],
             units: Sequence[UnitYear], directory: Mapping[str, int], deadlines: Sequence[Deadline] | None,
             unit_names: Mapping[str, str]) -> Dashboard:
    """The page's content from what the service read; ``units[0]`` is the scope of the mix and hazard charts."""
    scope = units[0]
    chart, rows = class_mix(scope.breakdown("drawn_by_class"), directory)
    totals = {key: sum(scope.series(key)) for key in ("hazards_general", "hazards_major", "rectified")}
    return Dashboard(
        year, quarter, today, generated_at, scope.name,
        tuple(sorted((light(i) for i in indicators), key=lambda lamp: SEVERITY[lamp.color])),
        tuple(activity_chart(unit, year, n) for n, unit in enumerate(units)), chart, rows,
        sum(r.drawn for r in rows), sum(directory.values()), hazards_chart(scope, year), totals,
        None if deadlines is None else deadline_rows(deadlines, unit_names), len(scope.reports))


async def directory_classes(uow: UnitOfWork) -> Counter[str]:
    """Enterprises of the directory in business (the population draws are made from), per credit class."""
    counted: Counter[str] = Counter()
    async with uow:
        async for batch in uow.draws.frame_candidates(industries=(), counties=(), tags=(), classes=()):
            counted.update(credit_class or "U" for _u, _i, _c, credit_class, status in batch
                           if status not in CLOSED_STATUSES)
    return counted


async def dashboard(uow: UnitOfWork, principal: Principal, calendar: WorkingDayCalendar, *, year: int | None = None,
                    quarter: int | None = None, today: date) -> Dashboard:
    """执法监督科 sees the bureau and each 执法大队; a unit sees its own activity. Each month of each unit is
    computed once (12 monthly reports per unit at most)."""
    principal.require(Permission.COMPLIANCE_READ)
    year = today.year if year is None else year
    quarter = quarter_of(today) if quarter is None else quarter
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise InvalidInput("年度或季度不合法", "invalid year or quarter", code="dashboard.period_invalid",
                           details={"field": "quarter" if 2000 <= year <= 2100 else "year"})
    indicators = await compliance_report(uow, principal, year, quarter, today=today, calendar=calendar)
    async with uow:
        departments = await uow.departments.list()
        generated_at = uow.now
    names = {d.code: d.short_name or d.name for d in departments}
    bureau_wide = principal.can(Permission.PLANS_APPROVE)
    scopes: list[str | None] = [None]
    if bureau_wide:
        scopes += sorted(d.code for d in departments if d.kind is DepartmentKind.BRIGADE and d.active)
    units = []
    for code in scopes:
        reports = tuple([await monthly(uow, principal, calendar, year=year, month=month, department=code)
                         for month in range(1, months_through(year, today) + 1)])
        if code is not None:
            name = names.get(code, code)
        elif bureau_wide:
            name = "全局"
        else:  # a unit's own reports
            name = names.get(principal.department_code or "", "本单位")
        units.append(UnitYear(code, name, reports))
    deadlines = None
    if principal.can(Permission.SCHEDULE_READ):
        deadlines = await list_deadlines(uow, principal, calendar, today=today, due_within=DUE_WITHIN_DAYS,
                                         department=None, person_id=None)
    return assemble(year=year, quarter=quarter, today=today, generated_at=generated_at, indicators=indicators,
                    units=units, directory=await directory_classes(uow), deadlines=deadlines, unit_names=names)
