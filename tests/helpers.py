"""Small builders for tests: rotas from compact duty tuples, and checking one rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rota_solve.constraints import Breach
from rota_solve.solver.checker import check_rota
from rota_solve.solver.rota import Doctor, Duty, Period, Rota

MONDAY = date(2026, 8, 3)  # a Monday


@dataclass(frozen=True)
class D:
    """A duty: day index from the rota's first day, start HH:MM, length in minutes."""

    day: int
    start: str
    minutes: int
    on_call: bool = False
    work: float | None = None

    def duty(
        self, doctor: str, origin: date, offset: int = 0, cycle_days: int | None = None
    ) -> Duty:
        day = self.day + offset
        if cycle_days is not None:
            day %= cycle_days
        hh, mm = (int(x) for x in self.start.split(":"))
        start = datetime.combine(origin + timedelta(days=day), datetime.min.time()) + timedelta(
            hours=hh, minutes=mm
        )
        return Duty(
            doctor=doctor,
            start=start,
            end=start + timedelta(minutes=self.minutes),
            shift="OC" if self.on_call else "S",
            on_call=self.on_call,
            work_hours=(self.work if self.work is not None else 0.0) if self.on_call else None,
        )


def oc(day: int, start: str = "09:00", minutes: int = 1440, work: float = 4.0) -> D:
    return D(day, start, minutes, True, work)


def make_rota(
    duties: list[D] | dict[str, list[D]],
    *,
    rules: str = "2019",
    weeks: int = 4,
    repeats: bool = False,
    offset: int = 0,
    start: date = MONDAY,
    doctors: dict[str, Doctor] | None = None,
    pay_year: str = "2025/26",
) -> Rota:
    if not isinstance(duties, dict):
        duties = {"Dr A": duties}
    cycle = weeks * 7 if repeats else None
    all_duties = [d.duty(name, start, offset, cycle) for name, ds in duties.items() for d in ds]
    doctors = doctors or {name: Doctor(name=name) for name in duties}
    return Rota(
        period=Period(start=start, weeks=weeks, repeats=repeats),
        doctors=doctors,
        duties=all_duties,
        rules=rules,
        pay_year=pay_year,
        name="test",
    )


def breaches(rota: Rota, rule: str | None = None) -> list[Breach]:
    found = check_rota(rota).breaches
    return [b for b in found if rule is None or b.rule == rule]


def counts(rota: Rota) -> Counter[str]:
    return Counter(b.rule for b in check_rota(rota).breaches)
