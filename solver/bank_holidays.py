"""Bank holidays (England and Wales, from the `holidays` package) and the days off in lieu
they give (`../shared/contract-rules.md`, Bank holidays): a doctor at work at any time
00:01-23:59 on a bank holiday, rostered on call that day, or with a rest day on it, gets a
day off in lieu; a holiday on a Saturday or Sunday moves to the next weekday (the package's
"(observed)" day); LTFT pro rata, rounded up to the nearest half day. Plain data: no
solver."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from rota_solve.solver.rota import Duty

REGIONS = ("england", "none")


def bank_holidays(first: date, last: date, region: str = "england") -> dict[date, str]:
    """The bank holidays from `first` to `last` (inclusive), each on the weekday it is
    taken: a weekend holiday is replaced by its observed weekday."""
    if region == "none" or last < first:
        return {}
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    observed = {str(n).replace(" (observed)", "") for n in found.values() if "(observed)" in n}
    out = {}
    for day, name in sorted(found.items()):
        if day.weekday() >= 5 and str(name) in observed:
            continue  # taken on its observed weekday instead
        if first <= day <= last:
            out[day] = str(name)
    return out


def worked_on(duties: list[Duty], day: date) -> bool:
    """At work at any time 00:01-23:59 on the day, or on call that day."""
    lo = datetime.combine(day, time(0, 1))
    hi = datetime.combine(day, time(23, 59))
    return any(d.start < hi and d.end > lo for d in duties)


def days_in_lieu(holidays_in_period: int, ltft: float) -> float:
    """Every bank holiday the doctor is on the rota for gives a day in lieu (worked, on
    call, or a rest day); LTFT pro rata, rounded up to the nearest half day."""
    if ltft >= 1:
        return float(holidays_in_period)
    return math.ceil(2 * holidays_in_period * ltft - 1e-9) / 2


def period_days(start: date, days: int) -> tuple[date, date]:
    return start, start + timedelta(days=days - 1)
