"""The validated spec: what a rota coordinator asks `build` for (workbook-format.md,
"Spec workbook"). Built by `spec_io.read_spec`; read by the model. Plain data, checked by
pydantic on construction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rota_solve.solver.clock import DAY
from rota_solve.solver.rota import Doctor, Duty, Patterns, Period

LEAVE_TYPES = ("annual", "study", "parental", "sick", "non-working day", "other")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class ShiftType(_Frozen):
    """A shift (or on-call period) type. `start` is minutes after midnight; `minutes` its
    length (an end not after the start is the next day)."""

    code: str
    name: str = ""
    start: int = Field(ge=0, lt=DAY)
    minutes: int = Field(gt=0)
    on_call: bool = False
    work_minutes: int = 0  # on-call: expected work per period; a shift: its length
    row: int | None = None

    @model_validator(mode="after")
    def _work(self) -> ShiftType:
        if not self.on_call and self.work_minutes != self.minutes:
            object.__setattr__(self, "work_minutes", self.minutes)
        if self.on_call and not 0 <= self.work_minutes <= self.minutes:
            raise ValueError("expected work must fit in the on-call period")
        return self

    def duty(self, doctor: str, day: date) -> Duty:
        start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=self.start)
        return Duty(
            doctor=doctor,
            start=start,
            end=start + timedelta(minutes=self.minutes),
            shift=self.code,
            on_call=self.on_call,
            work_hours=self.work_minutes / 60 if self.on_call else None,
        )


class CoverNeed(_Frozen):
    """How many doctors shift `code` needs on day `day` (index from the start), and which
    grades may fill it (None: any)."""

    day: int
    code: str
    doctors: int = Field(ge=0)  # at least this many (exactly, unless `most` is given)
    grades: frozenset[str] | None = None
    row: int | None = None
    most: int | None = None  # a range `1-3`: at most this many

    @property
    def upper(self) -> int:
        return self.doctors if self.most is None else self.most

    @property
    def exact(self) -> bool:
        return self.most is None or self.most == self.doctors


class Leave(_Frozen):
    doctor: str
    first: date
    last: date
    type: str = "annual"
    row: int | None = None


class Request(_Frozen):
    doctor: str
    day: date
    shift: str  # a code, or "off"
    weight: float = 1.0
    row: int | None = None


class FixedDuty(_Frozen):
    doctor: str
    day: date
    shift: str
    row: int | None = None


class SolveSettings(_Frozen):
    """`time_limit` is wall-clock seconds of solving (the default), or deterministic
    seconds where `reproducible` (README: Time and reproducibility)."""

    time_limit: float = Field(default=60.0, gt=0)
    seed: int = 0
    workers: int = Field(default=2, ge=1)
    reproducible: bool = False


class Fairness(_Frozen):
    """Hard fairness bands around each doctor's LTFT pro-rata share (README: Fairness)."""

    hard: bool = True
    nights_band: float = Field(default=1.0, ge=0)  # night shifts, each way
    weekends_band: float = Field(default=1.0, ge=0)  # weekends worked, each way
    hours_band: float = Field(default=4.0, ge=0)  # average weekly hours, each way


class Spec(_Frozen):
    name: str
    period: Period
    rules: Literal["2016", "2019"] | str
    pay_year: str
    shifts: list[ShiftType]
    cover: list[CoverNeed]
    doctors: list[Doctor]
    leave: list[Leave] = []
    requests: list[Request] = []
    fixed: list[FixedDuty] = []
    solve: SolveSettings = SolveSettings()
    fairness: Fairness = Fairness()
    request_price: float = 10.0  # pounds of cost that one unit of request weight is worth
    patterns: Patterns = Patterns()
    gaps: bool = False  # a need may go unfilled, at gap_price an hour (README: Gaps)
    gap_price: float = 0.0  # pounds an hour: the bank or locum rate
    bank_holidays: dict[date, str] = {}  # in the period (Settings bank_holidays)
    bank_holiday_region: str = "england"
    rota_type: Literal["individual", "line"] = "individual"  # README: Line rotas
    source: str = ""

    def shift(self, code: str) -> ShiftType:
        for s in self.shifts:
            if s.code == code:
                return s
        raise KeyError(code)

    def doctor(self, name: str) -> Doctor:
        for d in self.doctors:
            if d.name == name:
                return d
        raise KeyError(name)

    def leave_days(self, doctor: str) -> set[int]:
        """Day indices (inside the period) on which the doctor is on leave."""
        out: set[int] = set()
        for lv in self.leave:
            if lv.doctor != doctor:
                continue
            day = lv.first
            while day <= lv.last:
                idx = self.period.day_index(day)
                if 0 <= idx < self.period.days:
                    out.add(idx)
                day += timedelta(days=1)
        return out

    def share_days(self, doctor: str) -> int:
        """Days the doctor is on the rota and not on leave, for their fair share: a
        `non-working day` leave row and `days_off` do not cut it (LTFT already does)."""
        away: set[int] = set()
        for lv in self.leave:
            if lv.doctor != doctor or lv.type == "non-working day":
                continue
            day = lv.first
            while day <= lv.last:
                away.add(self.period.day_index(day))
                day += timedelta(days=1)
        return sum(1 for i in self._present(doctor) if i not in away)

    def present_days(self, doctor: str) -> int:
        """Days the doctor is on the rota (their `from`/`to`), leave included."""
        return len(self._present(doctor))

    def _present(self, doctor: str) -> list[int]:
        doc = self.doctor(doctor)
        return [
            i for i in range(self.period.days) if doc.present(self.period.start + timedelta(days=i))
        ]

    @property
    def exact_demand(self) -> bool:
        """Every need is an exact count and none may go unfilled: the work is known before
        solving, so fair shares are numbers (otherwise they are shares of what is worked)."""
        return not self.gaps and all(c.exact for c in self.cover)

    def needs(self, day: int, code: str) -> list[CoverNeed]:
        """The cover needs of shift `code` on day `day`: one per distinct set of grades
        (rows with different grades add up). Linear: use `cover_index` in loops."""
        return [c for c in self.cover if c.day == day and c.code == code]

    def required(self, day: int, code: str) -> int:
        """How many doctors shift `code` needs on day `day`, over every grade."""
        return sum(c.doctors for c in self.needs(day, code))


def cover_index(spec: Spec) -> dict[tuple[int, str], list[CoverNeed]]:
    """The cover needs by (day, shift code)."""
    out: dict[tuple[int, str], list[CoverNeed]] = {}
    for c in spec.cover:
        out.setdefault((c.day, c.code), []).append(c)
    return out


def fills(need: CoverNeed, grade: str) -> bool:
    """A doctor of `grade` may fill the need (its grades, or any grade)."""
    return need.upper > 0 and (need.grades is None or grade in need.grades)
