"""The pay calculator (TCS 2016 Schedule 2; the 2019 refresh where the rule set says so).

Pure functions shared by the checker's report and, later, the solver's objective:

* `enhanced_minutes` - the night-enhanced minutes of one duty;
* `weekend_band` - the weekend allowance percentage for a frequency of weekends;
* `annual_pay` - a doctor's year of pay from the rota's averages;
* `doctor_pay` - the same, measured from a doctor's duties in a rota.

Annualising (contract-rules.md): an element worth X per average weekly hour is
`basic / 40 * average weekly hours at that rate`; averages are over the weeks of the rota
cycle, so no weeks-per-year divisor is needed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from rota_solve.solver.clock import DAY, window_overlap
from rota_solve.solver.rota import Doctor, Duty, Period
from rota_solve.solver.ruleset import PayRules, PayYear


def enhanced_minutes(
    start: int, end: int, on_call: bool, work_minutes: float, pay: PayRules
) -> float:
    """Night-enhanced minutes of a duty from `start` to `end` (minutes from a midnight).

    * Any hours worked 21:00-07:00 are enhanced (2016 and 2019).
    * A shift starting 20:00-00:00 (inclusive) and lasting at least 8 h is enhanced on all its
      hours up to 10:00 (FAQ May 2016).
    * 2019: a shift finishing after 00:00 and by 04:00 is enhanced whole (NHS Employers gives
      the boundary; the BMA wording implies the whole shift [?]).
    * On-call: the expected work, spread evenly over the period, is enhanced where it falls
      21:00-07:00.
    """
    if end <= start:
        return 0.0
    ws, we = pay.night_window
    if on_call:
        return work_minutes / (end - start) * window_overlap(start, end, ws, we)
    if pay.finish_window is not None:
        fs, fe = pay.finish_window
        if 0 < (end - fs) % DAY <= (fe - fs) % DAY:
            return float(end - start)
    clock = start % DAY
    s0, s1 = pay.whole_shift_start
    if (end - start) >= pay.whole_shift_min_minutes and (clock - s0) % DAY <= (s1 - s0) % DAY:
        until = start + (pay.whole_shift_until - clock) % DAY
        cut = min(end, until)
        return float(cut - start + window_overlap(cut, end, ws, we))
    return float(window_overlap(start, end, ws, we))


def weekend_band(worked: int, weekends: int, pay: PayRules) -> float:
    """Weekend allowance, percent of basic, for `worked` of `weekends` weekends: the first
    band whose 1-in-N frequency is met (1 in 2 or more often gets the top band)."""
    if worked <= 0 or weekends <= 0:
        return 0.0
    for one_in, percent in sorted(pay.weekend_bands):
        if worked * one_in >= weekends:
            return percent
    return 0.0


def frequency_text(worked: int, weekends: int) -> str:
    if worked <= 0:
        return "none"
    n = Fraction(weekends, worked)
    return f"1 in {n.numerator}" if n.denominator == 1 else f"1 in {float(n):.2f}".rstrip("0")


@dataclass(frozen=True)
class PayLine:
    """One doctor's year of pay for a rota. Money is pounds a year, rounded to pence; None
    where the doctor has no nodal point (no contract grade and no basic_salary)."""

    doctor: str
    grade: str
    basic: float | None
    additional_hours: float | None
    night_enhancement: float | None
    weekend_allowance: float | None
    on_call_allowance: float | None
    ltft_allowance: float | None
    total: float | None
    average_weekly_hours: float
    enhanced_hours: float  # night-enhanced hours per average week
    weekend_frequency: str
    weekends_worked: int
    weekends: int
    weekend_percent: float
    salary: float | None  # the full-time (40 h) salary used
    salary_basis: str  # nodal point, "basic_salary", or why there is none

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def json(self) -> dict[str, Any]:
        keys = [
            "doctor",
            "grade",
            "basic",
            "additional_hours",
            "night_enhancement",
            "weekend_allowance",
            "on_call_allowance",
            "ltft_allowance",
            "total",
            "average_weekly_hours",
            "enhanced_hours",
            "weekend_frequency",
        ]
        d = self.as_dict()
        return {k: d[k] for k in keys}


def annual_pay(
    *,
    salary: float,
    ltft: float,
    average_weekly_hours: float,
    enhanced_weekly_hours: float,
    weekends_worked: int,
    weekends: int,
    on_call: bool,
    pay: PayRules,
) -> dict[str, float]:
    """A year of pay from a rota's averages (pounds, unrounded).

    * basic: the nodal-point (or given) full-time salary for a 40 h week; LTFT: salary / 40
      x average weekly hours, up to 40 (BMA);
    * additional rostered hours: average weekly hours above 40, at salary / 40 each (BMA);
    * night enhancement: 37 % of salary / 40 per enhanced hour of the average week;
    * weekend allowance: the band's percent of basic (basic is pro rata for LTFT, so the
      allowance is pro rata to the doctor's contribution);
    * on-call availability allowance: 8 % of basic for any NROC commitment (BMA);
    * LTFT allowance (2019 refresh): a flat sum for a doctor working less than full time.
    """
    full = pay.full_time_hours
    hourly = salary / full
    basic = hourly * min(average_weekly_hours, full) if ltft < 1 else salary
    additional = hourly * max(0.0, average_weekly_hours - full)
    night = hourly * pay.night_rate * enhanced_weekly_hours
    weekend = basic * weekend_band(weekends_worked, weekends, pay) / 100
    on_call_allowance = basic * pay.on_call_allowance_fraction if on_call else 0.0
    ltft_allowance = pay.ltft_allowance if ltft < 1 else 0.0
    return {
        "basic": basic,
        "additional_hours": additional,
        "night_enhancement": night,
        "weekend_allowance": weekend,
        "on_call_allowance": on_call_allowance,
        "ltft_allowance": ltft_allowance,
    }


def allowance_weekends(period: Period, duties: list[Duty]) -> set[int]:
    """Weekends (by Saturday day index) with a duty *beginning* on the Saturday or Sunday:
    the weekend-allowance definition (FAQ quoting Sch 2 para 5)."""
    out = set()
    for duty in duties:
        d = period.day_index(duty.start.date())
        wd = period.weekday(d)
        if wd == 5:
            out.add(d)
        elif wd == 6:
            out.add(d - 1)
    return out


def doctor_pay(
    doctor: Doctor, duties: list[Duty], period: Period, pay: PayRules, year: PayYear
) -> PayLine:
    weeks = period.weeks
    worked_minutes = sum(d.worked_hours * 60 for d in duties)
    enhanced = sum(
        enhanced_minutes(
            period.minute(d.start), period.minute(d.end), d.on_call, d.worked_hours * 60, pay
        )
        for d in duties
    )
    avg = worked_minutes / 60 / weeks
    enhanced_avg = enhanced / 60 / weeks
    sats = set(period.saturdays())
    worked = len(allowance_weekends(period, duties) & sats)
    total_weekends = len(sats)
    on_call = any(d.on_call for d in duties)

    salary: float | None
    if doctor.basic_salary is not None:
        salary, basis = doctor.basic_salary, "basic_salary"
    else:
        salary = year.salary(doctor.grade) if doctor.grade else None
        if salary is not None:
            basis = f"{year.grades[doctor.grade]} {year.year}"
        elif doctor.grade:
            basis = f"{doctor.grade!r} has no nodal point: give a contract grade or basic_salary"
        else:
            basis = "no grade: give a grade or basic_salary"

    money: dict[str, float | None]
    if salary is None:
        money = dict.fromkeys(
            [
                "basic",
                "additional_hours",
                "night_enhancement",
                "weekend_allowance",
                "on_call_allowance",
                "ltft_allowance",
                "total",
            ]
        )
    else:
        parts = annual_pay(
            salary=salary,
            ltft=doctor.ltft,
            average_weekly_hours=avg,
            enhanced_weekly_hours=enhanced_avg,
            weekends_worked=worked,
            weekends=total_weekends,
            on_call=on_call,
            pay=pay,
        )
        rounded = {k: round(v, 2) for k, v in parts.items()}
        money = dict(rounded)
        money["total"] = round(sum(rounded.values()), 2)
    return PayLine(
        doctor=doctor.name,
        grade=doctor.grade,
        basic=money["basic"],
        additional_hours=money["additional_hours"],
        night_enhancement=money["night_enhancement"],
        weekend_allowance=money["weekend_allowance"],
        on_call_allowance=money["on_call_allowance"],
        ltft_allowance=money["ltft_allowance"],
        total=money["total"],
        average_weekly_hours=round(avg, 2),
        enhanced_hours=round(enhanced_avg, 2),
        weekend_frequency=frequency_text(worked, total_weekends),
        weekends_worked=worked,
        weekends=total_weekends,
        weekend_percent=weekend_band(worked, total_weekends, pay),
        salary=salary,
        salary_basis=basis,
    )
