"""The pay calculator (TCS 2016 Schedule 2; the 2019 refresh where the rule set says so).

Pure functions shared by the checker's report and, later, the solver's objective:

* `enhanced_minutes` - the night-enhanced minutes of one duty;
* `weekend_band` - the weekend allowance percentage for a frequency of weekends;
* `annual_pay` - a doctor's year of pay from the rota's averages;
* `doctor_pay` - the same, measured from a doctor's duties in a rota.

Annualising (contract-rules.md): an element worth X per average weekly hour is
`basic / 40 * average weekly hours at that rate`; averages are over the weeks of the rota
cycle, so no weeks-per-year divisor is needed. Money is exact (fractions of a penny) until
each element of each doctor's pay is rounded half up to a whole penny, once; the solver's
objective encodes the same rounding, so its value equals the total computed here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from rota_solve.solver.clock import DAY, window_overlap
from rota_solve.solver.rota import Doctor, Duty, Period
from rota_solve.solver.ruleset import PayRules, PayYear


def enhanced_minutes(
    start: int, end: int, on_call: bool, work_minutes: int, pay: PayRules
) -> Fraction:
    """Night-enhanced minutes of a duty from `start` to `end` (minutes from a midnight),
    exactly.

    * Any hours worked 21:00-07:00 are enhanced (2016 and 2019).
    * A shift starting 20:00-00:00 (inclusive) and lasting at least 8 h is enhanced on all its
      hours up to 10:00 (FAQ May 2016).
    * 2019: a shift finishing after 00:00 and by 04:00 is enhanced whole (NHS Employers gives
      the boundary; the BMA wording implies the whole shift [?]).
    * On-call: the expected work, spread evenly over the period, is enhanced where it falls
      21:00-07:00.
    """
    if end <= start:
        return Fraction(0)
    ws, we = pay.night_window
    if on_call:
        return Fraction(work_minutes * window_overlap(start, end, ws, we), end - start)
    if pay.finish_window is not None:
        fs, fe = pay.finish_window
        if 0 < (end - fs) % DAY <= (fe - fs) % DAY:
            return Fraction(end - start)
    clock = start % DAY
    s0, s1 = pay.whole_shift_start
    if (end - start) >= pay.whole_shift_min_minutes and (clock - s0) % DAY <= (s1 - s0) % DAY:
        until = start + (pay.whole_shift_until - clock) % DAY
        cut = min(end, until)
        return Fraction(cut - start + window_overlap(cut, end, ws, we))
    return Fraction(window_overlap(start, end, ws, we))


def round_pence(x: Fraction) -> int:
    """Round half up to a whole penny: the one rounding every pay element gets, here and
    in the solver's objective."""
    return math.floor(x + Fraction(1, 2))


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


PAY_ELEMENTS = (
    "basic",
    "additional_hours",
    "night_enhancement",
    "weekend_allowance",
    "on_call_allowance",
    "ltft_allowance",
    "flexible_pay_premia",
    "london_weighting",
)


def fixed_sums(doctor: Doctor, year: PayYear) -> dict[str, int]:
    """Flexible pay premia and London weighting, pence a year: fixed sums a year at full
    time, LTFT pro rata (by the LTFT fraction), neither enhanced nor part of any percentage
    allowance. Neither depends on the rota, so neither moves the build's optimum."""
    ltft = Fraction(str(doctor.ltft))
    fpp = Fraction(str(doctor.fpp)) if doctor.fpp else Fraction(0)
    band = doctor.london_weighting
    lw = Fraction(str(year.london_weighting[band])) if band else Fraction(0)
    return {
        "flexible_pay_premia": round_pence(fpp * 100 * ltft),
        "london_weighting": round_pence(lw * 100 * ltft),
    }


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
    flexible_pay_premia: float | None
    london_weighting: float | None
    total: float | None
    average_weekly_hours: float
    enhanced_hours: float  # night-enhanced hours per average week
    weekend_frequency: str
    weekends_worked: int
    weekends: int
    weekend_percent: float
    salary: float | None  # the full-time (40 h) salary used
    salary_basis: str  # nodal point, "basic_salary", or why there is none
    days_in_lieu: float = 0.0  # for bank holidays (bank_holidays.py)
    bank_holidays_worked: int = 0  # at work or on call on one

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def json(self) -> dict[str, Any]:
        keys = (
            "doctor",
            "grade",
            *PAY_ELEMENTS,
            "total",
            "average_weekly_hours",
            "enhanced_hours",
            "weekend_frequency",
            "days_in_lieu",
            "bank_holidays_worked",
        )
        d = self.as_dict()
        return {k: d[k] for k in keys}


def annual_pay(
    *,
    salary: float,
    ltft: float,
    worked_minutes: int,
    enhanced_minutes: Fraction,
    weeks: int,
    weekends_worked: int,
    weekends: int,
    on_call: bool,
    pay: PayRules,
) -> dict[str, int]:
    """A year of pay from a rota's totals, in pence; each element rounded half up once.

    With H = worked minutes / (60 x weeks), the average weekly hours, and S the full-time
    salary for a 40 h week:

    * basic: S; LTFT (`ltft` < 1): S / 40 x min(H, 40) (BMA);
    * additional rostered hours: S / 40 x (H - 40) when over 40 (BMA);
    * night enhancement: S / 40 x 37 % x enhanced hours per average week;
    * weekend allowance: the band's percent of basic (pro rata for LTFT, as basic is);
    * on-call availability allowance: 8 % of basic for any NROC commitment (BMA);
    * LTFT allowance (2019 refresh): a flat sum for a doctor working less than full time.
    """
    salary_pence = round(Fraction(str(salary)) * 100)
    cap = pay.full_time_minutes(weeks)  # minutes of 40 h weeks
    if ltft < 1:
        basic = Fraction(salary_pence * min(worked_minutes, cap), cap)
    else:
        basic = Fraction(salary_pence)
    rate = Fraction(str(pay.night_rate))
    percent = Fraction(str(weekend_band(weekends_worked, weekends, pay)))
    on_call_fraction = Fraction(str(pay.on_call_allowance_fraction))
    return {
        "basic": round_pence(basic),
        "additional_hours": round_pence(Fraction(salary_pence * max(0, worked_minutes - cap), cap)),
        "night_enhancement": round_pence(salary_pence * rate * enhanced_minutes / cap),
        "weekend_allowance": round_pence(basic * percent / 100),
        "on_call_allowance": round_pence(basic * on_call_fraction) if on_call else 0,
        "ltft_allowance": round_pence(Fraction(str(pay.ltft_allowance)) * 100) if ltft < 1 else 0,
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


def duty_minutes(duty: Duty) -> int:
    """Minutes of a duty that count as work: the whole shift, or an on-call period's
    expected work (to the minute)."""
    if duty.on_call:
        return round((duty.work_hours or 0.0) * 60)
    return round(duty.hours * 60)


def doctor_pay(
    doctor: Doctor, duties: list[Duty], period: Period, pay: PayRules, year: PayYear
) -> PayLine:
    weeks = period.weeks
    worked_minutes = sum(duty_minutes(d) for d in duties)
    enhanced = sum(
        (
            enhanced_minutes(
                period.minute(d.start), period.minute(d.end), d.on_call, duty_minutes(d), pay
            )
            for d in duties
        ),
        Fraction(0),
    )
    avg = worked_minutes / 60 / weeks
    enhanced_avg = float(enhanced) / 60 / weeks
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
        money = dict.fromkeys((*PAY_ELEMENTS, "total"))
    else:
        parts = annual_pay(
            salary=salary,
            ltft=doctor.ltft,
            worked_minutes=worked_minutes,
            enhanced_minutes=enhanced,
            weeks=weeks,
            weekends_worked=worked,
            weekends=total_weekends,
            on_call=on_call,
            pay=pay,
        )
        parts.update(fixed_sums(doctor, year))
        money = {k: v / 100 for k, v in parts.items()}
        money["total"] = sum(parts.values()) / 100
    return PayLine(
        doctor=doctor.name,
        grade=doctor.grade,
        basic=money["basic"],
        additional_hours=money["additional_hours"],
        night_enhancement=money["night_enhancement"],
        weekend_allowance=money["weekend_allowance"],
        on_call_allowance=money["on_call_allowance"],
        ltft_allowance=money["ltft_allowance"],
        flexible_pay_premia=money["flexible_pay_premia"],
        london_weighting=money["london_weighting"],
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
