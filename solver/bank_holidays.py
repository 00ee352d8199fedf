"""Bank holidays (England and Wales, from the `holidays` package) and the days off in lieu
they give (`../shared/contract-rules.md`, Bank holidays): a doctor at work at any time
00:01-23:59 on a bank holiday, rostered on call that day, or with a rest day on it, gets a
day off in lieu; a holiday on a Saturday or Sunday moves to the next weekday (the package's
"(observed)" day); LTFT pro rata, rounded up to the nearest half day. Plain data: no
solver."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from rota_solve.solver.rota import Duty

REGIONS = ("england", "none")


TABLE = Path(__file__).with_name("bank_holidays_england.toml")


def bank_holidays(first: date, last: date, region: str = "england") -> dict[date, str]:
    """The bank holidays from `first` to `last` (inclusive), each on the weekday it is
    taken: a weekend holiday is replaced by its observed weekday. Years the table holds are
    read from it (the `holidays` package's answer, written by `python -m
    rota_solve.solver.bank_holidays`; a test keeps the two the same): loading the package
    takes 0.1 s, a tenth of checking a year's rota; other years ask the package."""
    if region == "none" or last < first:
        return {}
    table = _table()
    if table.first <= first.year and last.year <= table.last:
        return {day: name for day, name in table.days.items() if first <= day <= last}
    return from_package(first, last)


def from_package(first: date, last: date) -> dict[date, str]:
    """England's bank holidays by the `holidays` package."""
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


@dataclass(frozen=True)
class Table:
    first: int  # the first and last years held
    last: int
    days: dict[date, str]


@cache
def _table() -> Table:
    with TABLE.open("rb") as fh:
        data = tomllib.load(fh)
    days = {date.fromisoformat(k): str(v) for k, v in data["days"].items()}
    return Table(int(data["first_year"]), int(data["last_year"]), days)


def write_table(first_year: int = 2016, last_year: int = 2045, path: Path = TABLE) -> None:
    """The table, from the `holidays` package (run again when it changes: the test of the
    table says so)."""
    from importlib.metadata import version

    days = from_package(date(first_year, 1, 1), date(last_year, 12, 31))
    lines = [
        "# England's bank holidays, each on the weekday it is taken: the `holidays` package's"
        f" answer (version {version('holidays')}),",
        "# written by `python -m rota_solve.solver.bank_holidays` (solver/bank_holidays.py);"
        " do not edit by hand.",
        f"first_year = {first_year}",
        f"last_year = {last_year}",
        "",
        "[days]",
        *(f'{day.isoformat()} = "{name}"' for day, name in days.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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


if __name__ == "__main__":
    write_table()
