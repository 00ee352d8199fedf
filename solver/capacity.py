"""Capacity: quick necessary conditions for a compliant rota, with no solver.

Each check compares what the cover needs with the most the doctors who may fill it can give
under one rule, counting leave, grades, `nights`/`on_call` and LTFT. A failed check is a
`Shortfall`: a sentence in the contract's words naming the cause (whose leave, which days,
which grades), and the fewest extra full-time doctors of a grade that this check alone says
are missing (a lower bound on what the department needs).

The checks, each exact as a necessary condition:
1. each cover need has enough doctors who may fill it (grades, leave, nights, on_call);
2. each day: the duties of a tier need at most as many doctors as may work that day (one
   doctor works at most the shifts of a day that `min_rest` lets them combine);
3. each run of L + 1 days (L = `max_consecutive_shifts`): no doctor works more than L of
   them, nor on a leave day;
4. hours: the cover only a group of doctors can fill fits in their 48 h averages (56 h if
   opted out; LTFT doctors pro rata, as `build` caps them);
5. weekends: at most 1 in 2 each (`weekend_frequency`);
6. nights: at most L in any L + 1 days (`max_consecutive_nights`).

Every loop is over days x doctors x cover needs of the spec (weeks are at most 104), so this
finishes in well under a second on any spec the reader accepts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from rota_solve.solver.eligibility import Eligibility
from rota_solve.solver.rota import CONTRACT_GRADES
from rota_solve.solver.ruleset import load_rule_set
from rota_solve.solver.spec import CoverNeed, ShiftType, Spec


@dataclass(frozen=True)
class Shortfall:
    text: str
    grade: str | None  # a grade of doctor who would close it (None: none can)
    extra: int  # full-time doctors of that grade this check alone says are missing


def _when(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


class Capacity:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.elig = Eligibility(spec)
        self.rs = load_rule_set(spec.rules)
        self.period = spec.period
        self.days = spec.period.days
        self.needs = [n for n in spec.cover if n.doctors > 0]
        self.able: list[set[str]] = [set(self.elig.able(n)) for n in self.needs]
        self.by_day: dict[int, list[int]] = defaultdict(list)
        for i, n in enumerate(self.needs):
            self.by_day[n.day].append(i)
        every = {d.grade for d in spec.doctors} | set(CONTRACT_GRADES)
        self.grades_of: list[frozenset[str]] = [
            n.grades if n.grades is not None else frozenset(every) for n in self.needs
        ]
        self.groups = sorted(set(self.grades_of), key=lambda g: (len(g), sorted(g)))
        self._k: dict[frozenset[str], int] = {}

    # -- helpers ------------------------------------------------------------------------

    def day(self, idx: int) -> date:
        return self.period.start + timedelta(days=idx)

    def grade_for(self, grades: frozenset[str], doctors: set[str] | None = None) -> str | None:
        """The grade to add: the commonest contract grade among these doctors that may fill
        the need, else the most junior contract grade allowed."""
        pool = doctors if doctors is not None else {d.name for d in self.spec.doctors}
        counts = Counter(
            self.elig.doctor[d].grade
            for d in pool
            if self.elig.doctor[d].grade in grades and self.elig.doctor[d].grade in CONTRACT_GRADES
        )
        if counts:
            return counts.most_common(1)[0][0]
        return next((g for g in CONTRACT_GRADES if g in grades), None)

    def per_day(self, codes: frozenset[str]) -> int:
        """The most of these shift types one doctor may work starting on one day: rostered
        shifts closer than `min_rest` exclude one another; on-call periods do not."""
        if codes not in self._k:
            rest = round(self.rs.params("min_rest")["limit_hours"] * 60)
            shifts = [self.spec.shift(c) for c in sorted(codes)]

            def fits(a: ShiftType, b: ShiftType) -> bool:
                if a.on_call or b.on_call:
                    return True
                first, second = sorted((a, b), key=lambda s: s.start)
                return bool(second.start - (first.start + first.minutes) >= rest)

            best = 1
            for size in range(2, len(shifts) + 1):
                if any(
                    all(fits(a, b) for a, b in combinations(group, 2))
                    for group in combinations(shifts, size)
                ):
                    best = size
            self._k[codes] = best
        return self._k[codes]

    def leave_in(self, doctors: set[str], first: int, last: int) -> str:
        """'Dr Gill on parental leave 14-20 Sep' for leave overlapping days first..last."""
        lo, hi = self.day(first), self.day(last)
        parts = []
        for lv in self.spec.leave:
            if lv.doctor in doctors and lv.first <= hi and lv.last >= lo:
                a, b = max(lv.first, lo), min(lv.last, hi)
                span = f"{a:%d %b}" if a == b else f"{a:%d %b}-{b:%d %b}"
                parts.append(f"{lv.doctor} on {lv.type} leave {span}")
        return "; ".join(parts)

    def in_group(self, i: int, group: frozenset[str]) -> bool:
        return self.grades_of[i] <= group

    def day_demand(self, day: int, group: frozenset[str]) -> tuple[int, int, set[str]]:
        """(duties, doctor-days needed, doctors who may work them) for the needs of a day
        whose grades lie within `group`."""
        idx = [i for i in self.by_day.get(day, []) if self.in_group(i, group)]
        duties = sum(self.needs[i].doctors for i in idx)
        if not duties:
            return 0, 0, set()
        codes = frozenset(self.needs[i].code for i in idx)
        most = max(
            sum(self.needs[i].doctors for i in idx if self.needs[i].code == c) for c in codes
        )
        doctor_days = max(most, math.ceil(duties / self.per_day(codes)))
        able: set[str] = set().union(*(self.able[i] for i in idx))
        return duties, doctor_days, able

    # -- the checks ---------------------------------------------------------------------

    def each_need(self) -> list[Shortfall]:
        out = []
        for i, n in enumerate(self.needs):
            if len(self.able[i]) >= n.doctors:
                continue
            why = f" (grades {', '.join(sorted(n.grades))} only)" if n.grades else ""
            out.append(
                Shortfall(
                    f"Cover row {n.row}: {n.code} on {_when(self.day(n.day))} needs {n.doctors}"
                    f" doctor(s){why} but only {len(self.able[i])} may work it, counting leave,"
                    " grades and nights/on_call: add doctors or change the cover",
                    self.grade_for(self.grades_of[i]),
                    n.doctors - len(self.able[i]),
                )
            )
        return out

    def each_day(self) -> list[Shortfall]:
        out: list[Shortfall] = []
        for group in self.groups:
            bad: list[tuple[int, int, int, set[str]]] = []
            for day in range(self.days):
                duties, needed, able = self.day_demand(day, group)
                if needed > len(able):
                    bad.append((day, duties, needed, able))
            if not bad:
                continue
            day, duties, needed, able = bad[0]
            tier = self._tier(group, able)
            absent = {
                d.name
                for d in self.spec.doctors
                if d.grade in group and day in self.elig.leave[d.name]
            }
            leave = self.leave_in(absent, day, day)
            more = f" (and on {len(bad) - 1} other day(s))" if len(bad) > 1 else ""
            what = (
                f"{duties} doctors"
                if needed == duties
                else f"{duties} duties ({needed} doctors: min_rest lets one doctor combine"
                " only some of a day's shifts)"
            )
            out.append(
                Shortfall(
                    f"on {_when(self.day(day))}{more} the cover needs {what}{tier}, but only"
                    f" {len(able)} doctors may work that day"
                    + (f": {leave}" if leave else "")
                    + ". Move the leave, or add doctors",
                    self.grade_for(group, able),
                    max(n - len(a) for _, _, n, a in bad),
                )
            )
        return out

    def each_run(self) -> list[Shortfall]:
        """No doctor works more than L of any L + 1 consecutive days."""
        limit = int(self.rs.params("max_consecutive_shifts")["limit"])
        span = limit + 1
        if self.days < span and not self.period.repeats:
            return []
        out: list[Shortfall] = []
        starts = range(self.days) if self.period.repeats else range(self.days - span + 1)
        for group in self.groups:
            demand = [self.day_demand(d, group) for d in range(self.days)]
            for first in starts:
                window = [(first + j) % self.days for j in range(span)]
                needed = sum(demand[d][1] for d in window)
                if not needed:
                    continue
                doctors: set[str] = set().union(*(demand[d][2] for d in window))
                most = sum(
                    min(limit, sum(1 for d in window if doc in demand[d][2])) for doc in doctors
                )
                if needed <= most:
                    continue
                a, b = window[0], window[-1]
                leave = self.leave_in(doctors, a, b) if b >= a else ""
                tier = self._tier(group, doctors)
                out.append(
                    Shortfall(
                        f"in the {span} days from {_when(self.day(a))} the cover needs"
                        f" {needed} doctor-days{tier}, but the {len(doctors)} doctors who may"
                        f" work them can give at most {most}: no doctor may work more than"
                        f" {limit} days in a row (max_consecutive_shifts)"
                        + (f", and {leave}" if leave else "")
                        + ". Move the leave, or add doctors",
                        self.grade_for(group, doctors),
                        math.ceil((needed - most) / limit),
                    )
                )
                break  # the first such window of each tier is enough to say why
        return out

    def hours(self) -> list[Shortfall]:
        avg = self.rs.params("max_avg_weekly_hours")
        weeks = self.period.weeks
        limit: dict[str, float] = {}
        for d in self.spec.doctors:
            h = avg["opted_out_limit_hours"] if d.opted_out else avg["limit_hours"]
            limit[d.name] = h * min(1.0, d.ltft) * 60 * weeks
        groups: dict[frozenset[str], int] = defaultdict(int)
        for i, n in enumerate(self.needs):
            if self.able[i]:
                groups[frozenset(self.able[i])] += n.doctors * self.spec.shift(n.code).work_minutes
        out = []
        reported: list[frozenset[str]] = []
        for group in sorted(groups, key=len):
            if any(r <= group for r in reported):
                continue
            demand = sum(v for g, v in groups.items() if g <= group)
            capacity = sum(limit[d] for d in group)
            if demand <= capacity:
                continue
            reported.append(group)
            ltft = [d for d in sorted(group) if self.elig.doctor[d].ltft < 1]
            note = (
                f" (LTFT pro rata: {', '.join(f'{d} {self.elig.doctor[d].ltft:g}' for d in ltft)})"
                if ltft
                else ""
            )
            grades = frozenset(self.elig.doctor[d].grade for d in group)
            out.append(
                Shortfall(
                    f"hours: the cover that only {_names(group)} can fill is"
                    f" {demand / 60:,.1f} h over {weeks} weeks, but the"
                    f" {avg['limit_hours']:g} h average (max_avg_weekly_hours) lets them work at"
                    f" most {capacity / 60:,.1f} h{note}",
                    self.grade_for(grades, set(group)),
                    math.ceil((demand - capacity) / (avg["limit_hours"] * 60 * weeks)),
                )
            )
        return out

    def weekends(self) -> list[Shortfall]:
        sats = self.period.saturdays()
        wf = self.rs.params("weekend_frequency")
        per_doctor = len(sats) * int(wf["max_worked"]) // int(wf["out_of"])
        out = []
        for group in self.groups:
            needed = 0
            doctors: set[str] = set()
            for sat in sats:
                most = 0
                for day in (sat, sat + 1):
                    if 0 <= day < self.days:
                        _, n, able = self.day_demand(day, group)
                        most = max(most, n)
                        doctors |= able
                needed += most
            possible = per_doctor * len(doctors)
            if needed > possible:
                out.append(
                    Shortfall(
                        f"weekends: the cover needs at least {needed} doctor-weekends"
                        f"{self._tier(group, doctors)}, but {len(doctors)} doctors working at"
                        f" most {wf['max_worked']} weekend in {wf['out_of']} (weekend_frequency)"
                        f" give at most {possible}",
                        self.grade_for(group, doctors),
                        math.ceil((needed - possible) / max(1, per_doctor)),
                    )
                )
        return out

    def nights(self) -> list[Shortfall]:
        limit = int(self.rs.params("max_consecutive_nights")["limit"])
        most_each = math.floor(self.days * limit / (limit + 1))
        out = []
        for group in self.groups:
            nights = 0
            able: set[str] = set()
            for i, n in enumerate(self.needs):
                if self.in_group(i, group) and self.elig.is_night(self.spec.shift(n.code)):
                    nights += n.doctors
                    able |= self.able[i]
            most = len(able) * most_each
            if nights > most:
                out.append(
                    Shortfall(
                        f"nights: the cover needs {nights} night shifts{self._tier(group, able)},"
                        f" but the {len(able)} doctors who may work them can do at most {limit}"
                        f" in any {limit + 1} days (max_consecutive_nights): at most {most}",
                        self.grade_for(group, able),
                        math.ceil((nights - most) / max(1, most_each)),
                    )
                )
        return out

    def _tier(self, group: frozenset[str], doctors: set[str]) -> str:
        if len(self.groups) == 1:
            return ""
        present = sorted(
            {self.elig.doctor[d].grade for d in doctors if self.elig.doctor[d].grade in group},
            key=lambda g: (CONTRACT_GRADES.index(g) if g in CONTRACT_GRADES else 99, g),
        )
        return f" from {', '.join(present)} doctors" if present else ""

    def shortfalls(self) -> list[Shortfall]:
        out = self.each_need()
        if out:
            return out  # the simplest cause first: the others follow from it
        for check in (self.each_day, self.each_run, self.hours, self.weekends, self.nights):
            out.extend(check())
        return out


def _names(group: frozenset[str]) -> str:
    names = sorted(group)
    return ", ".join(names) if len(names) <= 4 else f"{len(names)} doctors ({names[0]}, ...)"


def shortfalls(spec: Spec) -> list[Shortfall]:
    return Capacity(spec).shortfalls()


def extra_needed(found: list[Shortfall]) -> dict[str, int]:
    """The fewest extra full-time doctors per grade that every shortfall says are needed."""
    out: dict[str, int] = {}
    for s in found:
        if s.grade is not None and s.extra > 0:
            out[s.grade] = max(out.get(s.grade, 0), s.extra)
    return out


__all__ = ["Capacity", "CoverNeed", "Shortfall", "extra_needed", "shortfalls"]
