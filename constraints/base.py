"""What every rule module shares: the breach record, the check context and the exact-time
timeline of each doctor.

A rule module (one per stable rule id, see `constraints/__init__.py`) has an `id`, a
`citation`, a `severity`, and `check(ctx)` which returns *every* breach of a finished rota as
data. Parameters come from the rule-set data file (`ctx.params(rule_id)`), never from code.

Time is exact: duties are integer minutes from midnight at the start of the rota period.
A repeating rota is unrolled into copies of the cycle (-1, 0, +1, +2) so that runs, rests
and windows that cross the end of the cycle into its start are seen whole; a finding is
reported once, by where it begins inside copy 0.

This module never imports ortools: the checker path must run without it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rota_solve.solver.clock import DAY, HOUR, minutes_between, window_overlap
from rota_solve.solver.rota import Doctor, Duty, Patterns, Period, Rota
from rota_solve.solver.ruleset import Definitions, RuleSet

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel

Severity = Literal["hard", "guidance", "pattern"]


@dataclass(frozen=True)
class Breach:
    """One breach: the rule, the doctor, the start of the first duty involved, the measured
    value and the limit (hours, counts or fractions, as the rule's message says)."""

    rule: str
    doctor: str
    start: datetime
    value: float
    limit: float
    severity: Severity
    message: str
    fix: str = ""  # what would put it right, where there is one clear fix

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "doctor": self.doctor,
            "start": self.start.strftime("%Y-%m-%dT%H:%M"),
            "value": _num(self.value),
            "limit": _num(self.limit),
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }

    def sort_key(self) -> tuple[str, str, datetime, float]:
        return (self.doctor, self.rule, self.start, self.value)


def _num(x: float) -> float | int:
    r = round(float(x), 4)
    return int(r) if r == int(r) else r


@dataclass(frozen=True)
class Item:
    """A duty placed on the (possibly unrolled) timeline."""

    duty: Duty
    index: int  # position among the doctor's duties, sorted by time
    copy: int  # which copy of the cycle (0 = the rota as written)
    start: int  # minutes from the period's first midnight
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def day(self) -> int:
        return self.start // DAY

    @property
    def on_call(self) -> bool:
        return self.duty.on_call

    def label(self) -> str:
        """The duty as written; a copy from a neighbouring cycle says so."""
        if self.copy == 0:
            return self.duty.label()
        which = "next" if self.copy > 0 else "previous"
        return f"{self.duty.label()}, as repeated in the {which} cycle"

    @property
    def work_minutes(self) -> float:
        """Minutes that count as work: the whole shift, or an on-call period's expected work."""
        if self.duty.on_call:
            return float(round((self.duty.work_hours or 0.0) * HOUR))
        return float(self.minutes)


@dataclass
class Timeline:
    doctor: Doctor
    duties: list[Duty]  # the doctor's duties as written, sorted by start
    items: list[Item]  # every duty on the unrolled timeline, sorted by (start, end)
    shifts: list[Item]  # rostered shifts (not on-call)
    oncalls: list[Item]  # on-call periods
    base_items: list[Item]  # copy 0 only


class Context:
    """Everything a rule's check reads: the rota, its period, the rule set and timelines."""

    def __init__(self, rota: Rota, rule_set: RuleSet) -> None:
        self.rota = rota
        self.period: Period = rota.period
        self.rule_set = rule_set
        self.defs: Definitions = rule_set.definitions
        self.copies: tuple[int, ...] = (-1, 0, 1, 2) if rota.period.repeats else (0,)
        self.patterns = rota.patterns
        self.timelines: dict[str, Timeline] = {}
        self._runs: dict[tuple[str, Callable[[Context, Item], bool]], list[Run]] = {}
        self._night: dict[tuple[int, int, bool], bool] = {}
        self._long_evening: dict[tuple[int, int, bool], bool] = {}
        self._long_day: dict[tuple[int, int, bool], bool] = {}
        grouped: dict[str, list[Duty]] = {name: [] for name in rota.doctors}
        for duty in rota.duties:
            grouped.setdefault(duty.doctor, []).append(duty)
        for name, duties in grouped.items():
            doctor = rota.doctors.get(name) or Doctor(name=name)
            self.timelines[name] = self._timeline(doctor, duties)

    def _timeline(self, doctor: Doctor, duties: list[Duty]) -> Timeline:
        duties = sorted(duties, key=lambda d: (d.start, d.end, d.on_call, d.shift))
        span = self.period.minutes
        origin = self.period.origin
        placed = [
            (minutes_between(origin, d.start), minutes_between(origin, d.end)) for d in duties
        ]
        items: list[Item] = []
        for copy in self.copies:
            offset = copy * span
            for i, (duty, (s, e)) in enumerate(zip(duties, placed, strict=True)):
                items.append(Item(duty, i, copy, s + offset, e + offset))
        items.sort(key=lambda it: (it.start, it.end, it.on_call, it.index))
        return Timeline(
            doctor=doctor,
            duties=duties,
            items=items,
            shifts=[it for it in items if not it.duty.on_call],
            oncalls=[it for it in items if it.duty.on_call],
            base_items=[it for it in items if it.copy == 0],
        )

    def params(self, rule_id: str) -> dict[str, Any]:
        return self.rule_set.params(rule_id)

    def moment(self, minute: int) -> datetime:
        """The clock time of a minute on the unrolled timeline, as written in the rota: a
        repeating cycle's copies map back into it, so a message never names a date outside
        the rota."""
        if self.period.repeats:
            minute %= self.period.minutes
        return self.period.at(minute)

    def span(self, first_day: int, last_day: int) -> str:
        """'Mon 2026-08-03' or 'Sat 2026-09-26..Tue 2026-08-04 (round the end of the cycle
        to its start)' for days on the unrolled timeline."""
        a, b = self.moment(first_day * DAY), self.moment(last_day * DAY)
        if first_day == last_day:
            return f"{a:%a %Y-%m-%d}"
        out = f"{a:%a %Y-%m-%d}..{b:%a %Y-%m-%d}"
        if self.period.repeats and first_day // self.period.days != last_day // self.period.days:
            out += " (round the end of the cycle to its start)"
        return out

    def in_base(self, minute: int) -> bool:
        """True where a finding that begins at `minute` is reported (once per cycle)."""
        if not self.period.repeats:
            return True
        return 0 <= minute < self.period.minutes

    # -- definitions shared by several rules (contract-rules.md, Definitions) ------------

    def runs(self, tl: Timeline, flagged: Callable[[Context, Item], bool]) -> list[Run]:
        """`runs` of a doctor's duties that `flagged` (a definition: Context.is_night, a
        module's function) marks, found once and shared by the rules that ask (the limit on
        consecutive nights, the rest after them, the night blocks)."""
        key = (tl.doctor.name, flagged)
        found = self._runs.get(key)
        if found is None:
            found = self._runs[key] = runs(self, tl.items, lambda it: flagged(self, it))
        return found

    # Each definition depends only on when a duty starts in its day, how long it is and
    # whether it is on call, so it is worked out once per such kind of duty (a 60 x 52 rota
    # asks ~10 times per duty; measured: its rules took 0.40 s, 0.36 s with these caches).
    def _memo(
        self,
        cache: dict[tuple[int, int, bool], bool],
        define: Callable[[Definitions, Item], bool],
        it: Item,
    ) -> bool:
        key = (it.start % DAY, it.end - it.start, it.duty.on_call)
        found = cache.get(key)
        if found is None:
            found = cache[key] = define(self.defs, it)
        return found

    def is_long(self, it: Item) -> bool:
        return is_long(self.defs, it)

    def night_minutes(self, it: Item) -> int:
        return night_minutes(self.defs, it)

    def is_night(self, it: Item) -> bool:
        return self._memo(self._night, is_night, it)

    def is_long_evening(self, it: Item) -> bool:
        return self._memo(self._long_evening, is_long_evening, it)

    def is_long_day(self, it: Item) -> bool:
        return self._memo(self._long_day, is_long_day, it)

    def day_of(self, day: int) -> int | None:
        """A day on the unrolled timeline as a day of the written rota: wrapped in a repeating
        cycle, None outside a one-off period."""
        if self.period.repeats:
            return day % self.period.days
        return day if 0 <= day < self.period.days else None


# The definitions as plain functions of an item on the timeline, shared by the checks and
# by the CP-SAT encodings (which place candidate duties on the same timeline).


def is_long(defs: Definitions, it: Item) -> bool:
    """A long shift: rostered to last longer than 10 hours (on-call excluded)."""
    return not it.on_call and it.minutes > defs.long_shift_over_minutes


def night_minutes(defs: Definitions, it: Item) -> int:
    ws, we = defs.night_window
    return window_overlap(it.start, it.end, ws, we)


def is_night(defs: Definitions, it: Item) -> bool:
    """A night shift: at least 3 hours of work between 23:00 and 06:00 (not on-call)."""
    return not it.on_call and night_minutes(defs, it) >= defs.night_min_minutes


def is_long_day(defs: Definitions, it: Item) -> bool:
    """A long day: a long shift that is not a night (what rest_before_nights keeps away
    from the day before a block of nights)."""
    return is_long(defs, it) and not is_night(defs, it)


def is_long_evening(defs: Definitions, it: Item) -> bool:
    """A long evening shift: a long shift finishing after 23:00 (and, as a parameter,
    starting before 16:00)."""
    if not is_long(defs, it):
        return False
    day_start = it.day * DAY
    if it.end <= day_start + defs.long_evening_ends_after:
        return False
    before = defs.long_evening_starts_before
    return before is None or (it.start - day_start) < before


class Rule:
    """Base of a rule module's rule: subclasses set `id`, `citation` and write `check`.

    A pattern rule (severity `pattern`: trust policy, not contract) also says whether the
    spec's or rota's `Patterns` settings turn it on."""

    id: ClassVar[str]
    title: ClassVar[str]  # what people call it: "rest after nights"
    citation: ClassVar[str]
    severity: ClassVar[Severity] = "hard"

    def check(self, ctx: Context) -> list[Breach]:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, m: RotaModel) -> None:  # pragma: no cover - abstract
        """Add this rule's CP-SAT constraints to the model (solver/cpmodel.py)."""
        raise NotImplementedError

    def enabled(self, patterns: Patterns) -> bool:
        """Contract rules always apply; a pattern rule when its setting is on."""
        return True

    def breach(
        self,
        ctx: Context,
        doctor: str,
        first: Item | Duty | datetime,
        value: float,
        limit: float,
        msg: str,
        fix: str = "",
    ) -> Breach:
        """A breach reported at the start of the first duty involved; a rule measured over
        the whole rota period (an average, a frequency) passes the period's start."""
        if isinstance(first, Item):
            start = first.duty.start
        elif isinstance(first, Duty):
            start = first.start
        else:
            start = first
        return Breach(self.id, doctor, start, value, limit, self.severity, msg, fix)


# -- runs of consecutive days --------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A maximal run of consecutive days each with at least one flagged duty."""

    items: list[Item]  # the flagged duties of the run, sorted by start
    first_day: int
    last_day: int
    unbounded: bool = False  # a repeating rota flagged on every day of its cycle

    @property
    def length(self) -> int:
        return self.last_day - self.first_day + 1

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def last(self) -> Item:
        return self.items[-1]

    @property
    def end(self) -> int:
        """When the run's work ends: the latest end among its last day's duties."""
        return max(it.end for it in self.items if it.day == self.last_day)


def runs(ctx: Context, items: Sequence[Item], flagged: Callable[[Item], bool]) -> list[Run]:
    """Maximal runs of consecutive days (by the day a duty starts) with a flagged duty,
    each reported once: those beginning in the written cycle. A repeating rota flagged on
    every day of its cycle gives one unbounded run."""
    # the copies of one duty (same index) in a repeating cycle are the same duty moved by
    # whole weeks, so a flag, a property of the duty and its clock time, is asked once
    flags: dict[int, bool] = {}
    for it in items:
        if it.index not in flags:
            flags[it.index] = flagged(it)
    by_day: dict[int, list[Item]] = {}  # the flagged duties by the day they start
    for it in items:
        if flags[it.index]:
            day = it.start // DAY
            found = by_day.get(day)
            if found is None:
                by_day[day] = [it]
            else:
                found.append(it)
    if not by_day:
        return []
    days = sorted(by_day)
    if ctx.period.repeats:
        base_days = {d % ctx.period.days for d in days}
        if len(base_days) == ctx.period.days:
            base = [it for day in days for it in by_day[day] if it.copy == 0]
            return [Run(base, 0, ctx.period.days - 1, unbounded=True)]
    out: list[Run] = []
    start = prev = days[0]
    for d in [*days[1:], None]:
        if d is not None and d == prev + 1:
            prev = d
            continue
        if ctx.in_base(start * DAY):
            run_items = [it for day in range(start, prev + 1) for it in by_day[day]]
            out.append(Run(run_items, start, prev))
        if d is not None:
            start = prev = d
    return out


def _order(it: Item) -> tuple[int, int, bool, int]:
    return (it.start, it.end, it.on_call, it.index)


def next_after(items: Sequence[Item], last: Item) -> Item | None:
    """The first duty in `items` (sorted by time) that comes after `last`."""
    k = bisect_right(items, _order(last), key=_order)
    return items[k] if k < len(items) else None


def check_max_run(
    rule: Rule, ctx: Context, flagged: Callable[[Context, Item], bool], noun: str
) -> list[Breach]:
    """Runs of `noun` on consecutive days longer than the rule's `limit`."""
    limit = int(ctx.params(rule.id)["limit"])
    out = []
    for name, tl in ctx.timelines.items():
        for run in ctx.runs(tl, flagged):
            if run.unbounded:
                msg = f"{noun} on every day of the repeating {ctx.period.weeks}-week cycle"
                out.append(rule.breach(ctx, name, run.first, run.length, limit, msg))
            elif run.length > limit:
                msg = (
                    f"{run.length} consecutive days with {noun}"
                    f" {ctx.span(run.first_day, run.last_day)} (at most {limit})"
                )
                out.append(rule.breach(ctx, name, run.first, run.length, limit, msg))
    return out


def check_rest_after_run(
    rule: Rule,
    ctx: Context,
    flagged: Callable[[Context, Item], bool],
    noun: str,
    *,
    include_on_call: bool = False,
) -> list[Breach]:
    """After a run of at least `after_run_of` days with `noun`, the next duty must start at
    least `min_rest_hours` after the run's work ends. An on-call period starting inside
    the rest ends it too where the rule set says so (`oncall_ends_rest`, default yes: rest
    after a run is time off every duty), or where `include_on_call`."""
    p = ctx.params(rule.id)
    after = int(p["after_run_of"])
    limit = p["min_rest_hours"] * 60
    include_on_call = include_on_call or ctx.defs.oncall_ends_rest
    out = []
    for name, tl in ctx.timelines.items():
        pool = tl.items if include_on_call else tl.shifts
        for run in ctx.runs(tl, flagged):
            if run.unbounded or run.length < after:
                continue
            nxt = next_after(pool, run.last)
            if nxt is None:
                continue  # a one-off rota ends: the rest runs on past it
            rest = nxt.start - run.end
            if rest < limit:
                days = "1 day" if run.length == 1 else f"{run.length} days"
                msg = (
                    f"{fmt(rest)} h rest after {days} with {noun}"
                    f" {ctx.span(run.first_day, run.last_day)}, before {nxt.label()}"
                    f" (at least {fmt(limit)} h)"
                )
                out.append(rule.breach(ctx, name, run.first, hours(rest), hours(limit), msg))
    return out


def hours(minutes: float) -> float:
    return minutes / HOUR


def fmt(minutes: float) -> str:
    h = minutes / HOUR
    return f"{h:.2f}".rstrip("0").rstrip(".")


# -- clusters of breaching windows -----------------------------------------------------------


def clusters(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Maximal index ranges [i, j] of consecutive True flags."""
    out: list[tuple[int, int]] = []
    i = None
    for k, f in enumerate(flags):
        if f and i is None:
            i = k
        elif not f and i is not None:
            out.append((i, k - 1))
            i = None
    if i is not None:
        out.append((i, len(flags) - 1))
    return out
