"""The rota model the checker reads: doctors, duties and the rota period.

Everything here is plain data, validated when it is read (see `rota_io`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rota_solve.solver.clock import WEEK, minutes_between

CONTRACT_GRADES = ("FY1", "FY2", "CT1", "CT2", "CT3", *tuple(f"ST{n}" for n in range(1, 9)))


@dataclass(frozen=True)
class Doctor:
    name: str
    grade: str = ""  # one of CONTRACT_GRADES, a title without a nodal point, or blank
    ltft: float = 1.0
    opted_out: bool = False
    basic_salary: float | None = None  # full-time (40 h) salary override, GBP a year
    nights: bool = True
    on_call: bool = True
    row: int | None = None
    days_off: tuple[int, ...] = ()  # recurring non-working weekdays (0 = Monday), LTFT
    start: date | None = None  # joins the rota on this day (a changeover), else from the start
    end: date | None = None  # last day on the rota, else to the end
    fpp: float | None = None  # flexible pay premia, GBP a year at full time
    london_weighting: str | None = None  # inner, inner resident, outer, fringe

    def present(self, day: date) -> bool:
        """On the rota that day (between its `from` and `to` dates)."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Duty:
    doctor: str
    start: datetime
    end: datetime
    shift: str = ""
    on_call: bool = False
    work_hours: float | None = None  # on-call only: expected work in the period
    row: int | None = None  # source row, for messages

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def worked_hours(self) -> float:
        """Hours that count towards hours limits and pay: the whole shift, or the expected
        work of an on-call period."""
        if self.on_call:
            return float(self.work_hours or 0.0)
        return self.hours

    def label(self) -> str:
        """'LD Mon 2026-08-03 08:00-20:30' (with '+1d' style marks past the next day)."""
        name = self.shift or ("on-call" if self.on_call else "shift")
        days = (self.end.date() - self.start.date()).days
        extra = f" (+{days}d)" if days > 1 else ""
        return f"{name} {self.start:%a %Y-%m-%d %H:%M}-{self.end:%H:%M}{extra}"


@dataclass(frozen=True)
class Period:
    """The rota period: `weeks` whole weeks from `start` (a date; need not be a Monday).

    `repeats`: the rota is a cycle that repeats, so every rule wraps from the last day back
    to the first and averages are over the cycle."""

    start: date
    weeks: int
    repeats: bool

    @property
    def days(self) -> int:
        return self.weeks * 7

    @property
    def minutes(self) -> int:
        return self.weeks * WEEK

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.start + timedelta(days=self.days)

    @property
    def origin(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    def minute(self, moment: datetime) -> int:
        return minutes_between(self.origin, moment)

    def day_index(self, day: date) -> int:
        return (day - self.start).days

    def weekday(self, day_index: int) -> int:
        """0 = Monday for a day index (any integer, wraps weeks)."""
        return (self.start.weekday() + day_index) % 7

    def at(self, minutes: int) -> datetime:
        return self.origin + timedelta(minutes=minutes)

    def saturdays(self) -> list[int]:
        """Day indices of the Saturdays of the weekends in the period. A repeating cycle of
        whole weeks holds one weekend a week; a one-off period also counts a weekend whose
        Sunday is its first day."""
        first = 0 if self.repeats else -1
        return [d for d in range(first, self.days) if self.weekday(d) == 5]


@dataclass(frozen=True)
class Patterns:
    """What a ward expects of a rota beyond the contract: trust policy, set in Settings, with
    findings of severity `pattern` that are never contract breaches (README: Patterns).

    night_block_min: nights come in blocks of at least this many (1 turns it off); a block
    cut by the start or end of a one-off period is exempt.
    whole_weekends: a doctor who works a weekend works the same duties on Saturday and
    Sunday, and a Friday night joins the weekend's nights.
    rest_before_nights: no long day the day before a block of nights."""

    night_block_min: int = 2
    whole_weekends: bool = True
    rest_before_nights: bool = True

    @staticmethod
    def off() -> Patterns:
        return Patterns(night_block_min=1, whole_weekends=False, rest_before_nights=False)


@dataclass
class Rota:
    period: Period
    doctors: dict[str, Doctor]
    duties: list[Duty]
    rules: str = "2019"
    pay_year: str = ""
    name: str = ""
    source: str = ""
    warnings: list[str] = field(default_factory=list)  # said with the verdict, not breaches
    patterns: Patterns = field(default_factory=Patterns)
    bank_holidays: dict[date, str] = field(default_factory=dict)  # in the period (one cycle)
    bank_holiday_region: str = "england"  # Settings bank_holidays: england or none
