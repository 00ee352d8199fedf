"""The CP-SAT model of a rota: the variable container and the constraints.

One Boolean per (doctor, day, shift type) that the doctor may work: x = 1 when the doctor
works that shift starting that day. Candidate duties sit on the same exact-time timeline as
the checker's duties (minutes from the period's first midnight, a repeating rota unrolled
into copies -1..+2 of its cycle), so every rule module encodes its limit with the very
definitions its check uses (`constraints/base.py`). Each rule module's `encode(m)` adds its
constraints; this module adds cover, eligibility, leave and fixed duties.

Imported only by `build`: the checker path never imports ortools.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from ortools.sat.python import cp_model

from rota_solve.constraints import PATTERNS, RULES
from rota_solve.constraints.base import (
    Item,
    is_long,
    is_long_day,
    is_long_evening,
    is_night,
)
from rota_solve.solver.eligibility import Eligibility
from rota_solve.solver.errors import InputError
from rota_solve.solver.lines import link
from rota_solve.solver.rota import Duty, Period
from rota_solve.solver.ruleset import Definitions, RuleSet, load_rule_set
from rota_solve.solver.spec import CoverNeed, ShiftType, Spec

Kind = Literal["any", "shift", "oncall", "long", "night", "long_evening", "long_day"]


@dataclass(frozen=True)
class Candidate:
    doctor: str
    day: int
    shift: ShiftType
    var: cp_model.IntVar
    item: Item  # on the copy-0 timeline


@dataclass(frozen=True)
class Placed:
    """A candidate placed on the unrolled timeline (a copy of the cycle)."""

    item: Item
    cand: Candidate

    @property
    def var(self) -> cp_model.IntVar:
        return self.cand.var


@dataclass
class RotaModel:
    spec: Spec
    demand: Literal["cover", "all"] = "cover"
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    x: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    terms: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    _flags: dict[tuple[str, str, int], cp_model.IntVar | None] = field(default_factory=dict)
    _placed: dict[str, list[Placed]] = field(default_factory=dict)
    _by_day: dict[tuple[str, int], list[Candidate]] = field(default_factory=dict)
    cache: dict[tuple[str, str], object] = field(default_factory=dict)
    # explaining infeasibility: guard cover, fixed and fairness by assumption literals
    assume: bool = False
    skip_rules: frozenset[str] = frozenset()
    assumptions: list[tuple[Any, str]] = field(default_factory=list)
    # how many constraints each rule added: a rule that added none cannot explain anything
    rule_constraints: dict[str, int] = field(default_factory=dict)
    # fairness kept by priced slack instead of hard bands (fairness.py): a search aid
    fair_slack: bool = False
    # where gaps are allowed: each need's count of doctors short (priced by gaps.py)
    unfilled: list[tuple[CoverNeed, Any]] = field(default_factory=list)
    # a construction window's fixed days (solve.py): (doctor, day) -> the codes worked that
    # day. No other duty of theirs that day gets a variable: the model holds the same rotas
    # as one with those variables fixed at 0, and builds in half the time (60 x 52)
    frozen: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    # a construction window's counts that can still reach the whole period's fairness
    # bands (fairness.reachable): doctor -> measure -> (least, most), kept with its own bands
    reach: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.period: Period = self.spec.period
        self.rule_set: RuleSet = load_rule_set(self.spec.rules)
        self.defs: Definitions = self.rule_set.definitions
        self.days = self.period.days
        self.copies = (-1, 0, 1, 2) if self.period.repeats else (0,)
        self.elig = Eligibility(self.spec)
        self.needs: dict[tuple[int, str], list[CoverNeed]] = self.elig.needs
        self._able: dict[int, list[str]] = {}

    # -- the variable container ---------------------------------------------------------

    def item(self, doctor: str, day: int, shift: ShiftType, copy: int = 0, index: int = 0) -> Item:
        start = (day + copy * self.days) * 24 * 60 + shift.start
        duty = shift.duty(doctor, self.period.start + timedelta(days=day))
        return Item(duty, index, copy, start, start + shift.minutes)

    def add_candidate(self, doctor: str, day: int, shift: ShiftType) -> cp_model.IntVar:
        var = self.model.new_bool_var(f"x[{doctor}|{day}|{shift.code}]")
        idx = len(self.candidates.setdefault(doctor, []))
        cand = Candidate(doctor, day, shift, var, self.item(doctor, day, shift, 0, idx))
        self.candidates[doctor].append(cand)
        self._by_day.setdefault((doctor, day), []).append(cand)
        self.x[(doctor, day, shift.code)] = var
        return var

    def placed(self, doctor: str) -> list[Placed]:
        """Every candidate of the doctor on the unrolled timeline, in time order."""
        if doctor not in self._placed:
            out = [
                Placed(self.item(c.doctor, c.day, c.shift, copy, c.item.index), c)
                for copy in self.copies
                for c in self.candidates.get(doctor, [])
            ]
            out.sort(key=lambda p: (p.item.start, p.item.end, p.item.on_call, p.item.index))
            self._placed[doctor] = out
        return self._placed[doctor]

    def matches(self, kind: Kind) -> Callable[[Item], bool]:
        defs = self.defs
        return {
            "any": lambda it: True,
            "shift": lambda it: not it.on_call,
            "oncall": lambda it: it.on_call,
            "long": lambda it: is_long(defs, it),
            "night": lambda it: is_night(defs, it),
            "long_evening": lambda it: is_long_evening(defs, it),
            "long_day": lambda it: is_long_day(defs, it),
        }[kind]

    def day_candidates(self, doctor: str, day: int, kind: Kind) -> list[Candidate]:
        if self.period.repeats:
            day %= self.days
        elif not 0 <= day < self.days:
            return []
        cands = self._by_day.get((doctor, day), [])
        if kind == "any":
            return list(cands)
        pred = self.matches(kind)
        return [c for c in cands if pred(c.item)]

    def flag(self, doctor: str, day: int, kind: Kind) -> cp_model.IntVar | None:
        """A Boolean that is true exactly when the doctor has a `kind` duty starting on
        `day` (wrapped in a repeating rota); None where no such duty is possible."""
        if self.period.repeats:
            day %= self.days
        key = (doctor, kind, day)
        if key not in self._flags:
            cands = self.day_candidates(doctor, day, kind)
            if not cands:
                self._flags[key] = None
            elif len(cands) == 1:
                self._flags[key] = cands[0].var
            else:
                b = self.model.new_bool_var(f"{kind}[{doctor}|{day}]")
                if self.exclusive(cands):
                    # at most one of them can be worked (min_rest): the flag is their sum, a
                    # linear equality that gives the LP relaxation far more to work with
                    self.model.add(b == sum(c.var for c in cands))
                else:
                    self.model.add_max_equality(b, [c.var for c in cands])
                self._flags[key] = b
        return self._flags[key]

    def exclusive(self, cands: list[Candidate]) -> bool:
        """True when no two of these duties may both be worked: every pair is closer than
        the minimum rest between rostered shifts (so min_rest forbids it)."""
        if "min_rest" in self.skip_rules:
            return False
        rest = round(self.params("min_rest")["limit_hours"] * 60)
        items = sorted((c.item for c in cands), key=lambda it: (it.start, it.end))
        if any(it.on_call for it in items):
            return False
        return all(b.start - a.end < rest for i, a in enumerate(items) for b in items[i + 1 :])

    def params(self, rule_id: str) -> dict[str, Any]:
        return self.rule_set.params(rule_id)

    def doctors(self) -> list[str]:
        return [d.name for d in self.spec.doctors]

    def eligible(self, doctor: str, day: int, shift: ShiftType) -> bool:
        return self.elig.eligible(doctor, day, shift)

    def able(self, need: CoverNeed) -> list[str]:
        """The doctors who may fill the need, worked out once per need (fairness asks for
        every need's doctors once per measure: on a 52-week tier that was a fifth of the
        model's building)."""
        found = self._able.get(id(need))  # the spec holds its needs as long as the model
        if found is None:
            found = self._able[id(need)] = self.elig.able(need)
        return list(found)

    @staticmethod
    def weighted(variables: list[Any], coefficients: list[int]) -> Any:
        """sum(c * v), built in one call (a rule module never imports ortools: the checker
        does not load it)."""
        return cp_model.LinearExpr.weighted_sum(variables, coefficients)

    # -- assembling ---------------------------------------------------------------------

    def build(self) -> RotaModel:
        spec = self.spec
        frozen = self.frozen
        for doc in spec.doctors:
            for day in range(self.days):
                worked = frozen.get((doc.name, day))
                for shift in spec.shifts:
                    if worked is not None and shift.code not in worked:
                        continue
                    if self.demand == "all" or self.eligible(doc.name, day, shift):
                        self.add_candidate(doc.name, day, shift)
        if self.demand == "cover":
            self._cover()
            self._fixed()
            self._ltft()
            if spec.rota_type == "line":
                link(self)  # every doctor works the one template in turn (lines.py)
        for rule in [*RULES, *PATTERNS]:
            if rule.id not in self.skip_rules and rule.enabled(self.spec.patterns):
                before = len(self.model.proto.constraints)
                rule.encode(self)
                self.rule_constraints[rule.id] = len(self.model.proto.constraints) - before
        return self

    def guard(self, constraint: Any, text: str) -> None:
        """Make a constraint conditional on an assumption literal (when explaining)."""
        if self.assume:
            lit = self.model.new_bool_var(f"assume[{len(self.assumptions)}]")
            constraint.only_enforce_if(lit)
            self.assumptions.append((lit, text))

    def _cover(self) -> None:
        """Cover: each need gets at least `doctors` and at most `upper` (exactly its count
        unless it is a range). Needs of one shift on one day with different grades add up: a
        doctor who may fill more than one of them is assigned to one (a variable per need),
        so each need gets its own count. Where gaps are allowed, a need may fall short by
        `unfilled` doctors, priced by gaps.py. A need fewer doctors may fill than it asks for
        is still added (it cannot hold without gaps), so that an explanation can name it."""
        for (day_idx, code), needs in sorted(self.needs.items()):
            needs = [n for n in needs if n.upper > 0]
            if not needs:
                continue
            # (a doctor with no variable for the shift that day is off it: a frozen day)
            able = {id(n): {d for d in self.able(n) if (d, day_idx, code) in self.x} for n in needs}
            shared = {d for d in self.doctors() if sum(d in able[id(n)] for n in needs) > 1}
            parts: dict[str, list[Any]] = {}
            day = self.period.start + timedelta(days=day_idx)
            for n in needs:
                vars_: list[Any] = []
                for d in self.doctors():
                    if d not in able[id(n)]:
                        continue
                    if d in shared:
                        y = self.model.new_bool_var(f"y[{d}|{day_idx}|{code}|{n.row}]")
                        parts.setdefault(d, []).append(y)
                        vars_.append(y)
                    else:
                        vars_.append(self.x[(d, day_idx, code)])
                if not vars_:
                    vars_ = [self.model.new_constant(0)]
                grades = f" from {', '.join(sorted(n.grades))}" if n.grades else ""
                text = (
                    f"cover of {n.doctors} x {code}{grades} on {day:%a %Y-%m-%d}"
                    f" (Cover row {n.row})"
                )
                total = sum(vars_)
                if self.spec.gaps and n.doctors > 0:
                    short = self.model.new_int_var(
                        0, n.doctors, f"unfilled[{day_idx}|{code}|{n.row}]"
                    )
                    self.unfilled.append((n, short))
                    self.model.add(total + short >= n.doctors)
                    if n.exact:
                        self.model.add(total + short == n.doctors)
                    else:
                        self.model.add(total <= n.upper)
                elif n.exact:
                    self.guard(self.model.add(total == n.doctors), text)
                else:
                    self.guard(self.model.add(total >= n.doctors), text)
                    self.model.add(total <= n.upper)
            for d, ys in parts.items():
                self.model.add(sum(ys) == self.x[(d, day_idx, code)])

    def _ltft(self) -> None:
        """LTFT doctors' hours are pro rata: an average week of at most ltft x the 48 h
        average limit (56 h if opted out), whatever the fairness setting."""
        p = self.params("max_avg_weekly_hours")
        for doc in self.spec.doctors:
            if doc.ltft >= 1:
                continue
            limit = p["opted_out_limit_hours"] if doc.opted_out else p["limit_hours"]
            cap = math.floor(doc.ltft * limit * 60 * self.period.weeks)
            cands = self.candidates.get(doc.name, [])
            if cands:
                self.guard(
                    self.model.add(sum(c.shift.work_minutes * c.var for c in cands) <= cap),
                    f"{doc.name} (LTFT {doc.ltft:g}) at most {cap / 60 / self.period.weeks:.1f} h"
                    " a week",
                )

    def _fixed(self) -> None:
        for f in self.spec.fixed:
            day = self.period.day_index(f.day)
            var = self.x.get((f.doctor, day, f.shift))
            if var is None and (f.doctor, day) in self.frozen:
                var = self.model.new_constant(0)  # a frozen day without it: no such rota
            if var is None:
                raise InputError(
                    f"{f.doctor} cannot work {f.shift} on {f.day}: the Cover sheet does not ask"
                    " for it that day, or the doctor is on leave, not eligible by grade, or"
                    " marked nights/on_call no",
                    sheet="Fixed",
                    row=f.row,
                    column="shift",
                )
            self.guard(
                self.model.add(var == 1),
                f"fixed duty {f.shift} for {f.doctor} on {f.day:%a %Y-%m-%d} (Fixed row {f.row})",
            )

    # -- reading a solution ---------------------------------------------------------------

    def duties(self, value: Callable[[cp_model.IntVar], int]) -> list[Duty]:
        out = []
        for cands in self.candidates.values():
            for c in cands:
                if value(c.var):
                    out.append(c.item.duty)
        return out

    def fix(self, duties: list[Duty]) -> None:
        """Fix the variables to a given rota (every duty must be a candidate)."""
        wanted = {(d.doctor, self.period.day_index(d.start.date()), d.shift) for d in duties}
        for key, var in self.x.items():
            self.model.add(var == (1 if key in wanted else 0))
        missing = wanted - set(self.x)
        if missing:
            raise ValueError(f"duties that are not candidates: {sorted(missing)[:3]}")


def build_model(
    spec: Spec,
    demand: Literal["cover", "all"] = "cover",
    *,
    assume: bool = False,
    skip_rules: frozenset[str] = frozenset(),
) -> RotaModel:
    return RotaModel(spec, demand=demand, assume=assume, skip_rules=skip_rules).build()
