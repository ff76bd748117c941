"""The working-day calendar from `chinesecalendar` (the State Council's yearly holiday arrangements)."""

from __future__ import annotations

from datetime import date

import chinese_calendar

from app.domain.scheduling.calendar import CalendarNotCovered, DayInfo

_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class ChineseWorkingDays:
    """Answers are kept per day: the library checks its whole holiday table on every call, and deadlines ask the
    same few hundred days over and over."""

    def __init__(self) -> None:
        self._known: dict[date, DayInfo] = {}

    def info(self, day: date) -> DayInfo:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._lookup(day)
        return known

    def _lookup(self, day: date) -> DayInfo:
        try:
            working = chinese_calendar.is_workday(day)
            _holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError as exc:
            raise CalendarNotCovered(
                f"{day.year} 年的法定节假日安排尚未纳入日历数据，无法计算工作日（请升级 chinesecalendar）",
                f"no official holiday data for {day.year}", details={"year": day.year}) from exc
        note: str | None = None
        if name is not None:
            note = _NAMES.get(str(name), str(name)) if not working else "调休上班"
        elif working and day.weekday() >= 5:
            note = "调休上班"
        return DayInfo(day, working, note)
