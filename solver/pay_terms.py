"""The pay terms of the objective: the year's pay cost of the rota, in integer pence, as the
pay calculator (`solver/pay.py`) computes it.

Each element of each doctor's pay is an integer variable tied to its exact rational value by
the pay calculator's rounding (half up, once), written as two linear inequalities, so the
objective of *any* solution equals the pay calculator's total for that rota:

    q = round_half_up(N / B)  <=>  2B q <= 2N + B  and  2N + B <= 2B q + 2B - 1

Terms are named (doctor, element) so the cost can be explained. Request penalties are kept
apart from the pay: `cost` is the pay alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from rota_solve.constraints.weekend_frequency import weekend_window
from rota_solve.solver.clock import DAY
from rota_solve.solver.cpmodel import Candidate, RotaModel
from rota_solve.solver.pay import (
    PAY_ELEMENTS,
    enhanced_minutes,
    fixed_sums,
    round_pence,
    weekend_band,
)
from rota_solve.solver.ruleset import PayRules, load_pay_year

ELEMENTS = PAY_ELEMENTS


@dataclass
class Objective:
    """Named terms of the objective: pay[doctor][element] is an IntVar or a constant."""

    pay: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[Any, int, Any]] = field(default_factory=list)  # (request, pence, unmet)
    fairness: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    gaps: list[tuple[Any, int, Any]] = field(default_factory=list)  # (need, pence each, unfilled)
    fair_slack: list[tuple[Any, int, str]] = field(default_factory=list)  # (slack, pence, what)
    minutes: dict[str, Any] = field(default_factory=dict)  # doctor -> worked minutes (IntVar)
    minute_floors: dict[str, int] = field(default_factory=dict)  # LTFT least minutes (cuts)
    # LTFT basic pay at those least minutes, the part of the floor each is (cuts.pay_floor)
    basic_floors: dict[str, int] = field(default_factory=dict)
    floor: int | None = None  # the least pay bill the cuts imply (cuts.pay_floor), pence
    # pay elements that vary with the rota and have no floor of the cuts' (all of them with
    # gaps): the floor then leaves part of the bound to CP-SAT's own (cuts.add_cuts)
    unfloored: list[str] = field(default_factory=list)
    # the knapsacks behind the cuts (cuts.Knapsack), for the floor-shaped search
    knapsacks: list[Any] = field(default_factory=list)

    def pay_expr(self) -> Any:
        return sum(v for terms in self.pay.values() for v in terms.values())

    def penalty_expr(self) -> Any:
        return sum(pence * unmet for _, pence, unmet in self.requests)

    def fair_slack_expr(self) -> Any:
        return sum(unit * s for s, unit, _ in self.fair_slack)

    def gap_expr(self) -> Any:
        return sum(pence * unfilled for _, pence, unfilled in self.gaps)

    def with_floor(self, bound: float | None) -> int | None:
        """A search's bound (None, or not finite: it proved none), or the cuts' floor of the
        pay bill where that is higher: CP-SAT sees the cuts only through its LP, which
        `build` runs little (cuts.pay_floor)."""
        known = int(bound) if bound is not None and math.isfinite(bound) else None
        if self.floor is None or (known is not None and known >= self.floor):
            return known
        return self.floor

    def cost_expr(self) -> Any:
        """What a rota costs the trust: the pay bill and any gaps' locum cost (what the
        progress line shows; requests and fairness slack are prices of the search)."""
        return self.pay_expr() + self.gap_expr()


def _rounded(
    model: cp_model.CpModel,
    name: str,
    num: Any,
    den: int,
    ub: int,
    when: list[Any] | None = None,
) -> cp_model.IntVar:
    """q = round_half_up(num / den), optionally only where `when` holds (else q = 0)."""
    q = model.new_int_var(0, max(0, ub), name)
    a = model.add(2 * den * q <= 2 * num + den)
    b = model.add(2 * num + den <= 2 * den * q + 2 * den - 1)
    if when:
        a.only_enforce_if(when)
        b.only_enforce_if(when)
    return q


def salary_in_pence(m: RotaModel, doctor: str) -> int:
    """The doctor's full-time basic salary in whole pence (basic_salary, or the pay year's
    nodal point for their grade)."""
    doc = m.spec.doctor(doctor)
    salary = doc.basic_salary
    if salary is None:
        salary = load_pay_year(m.spec.pay_year).salary(doc.grade)
    assert salary is not None, doc.grade
    return round(Fraction(str(salary)) * 100)


def allowance_flags(m: RotaModel, doctor: str) -> list[Any]:
    """One Boolean per weekend of the period: a duty *begins* on its Saturday or Sunday
    (the weekend-allowance definition; pay.allowance_weekends)."""
    out = []
    for sat in m.period.saturdays():
        days = [sat, sat + 1]
        if not m.period.repeats:
            days = [d for d in days if 0 <= d < m.days]
        vars_ = [c.var for d in days for c in m.day_candidates(doctor, d, "any")]
        if not vars_:
            continue
        if len(vars_) == 1:
            out.append(vars_[0])
            continue
        w = m.model.new_bool_var(f"allowance_weekend[{doctor}|{sat}]")
        m.model.add_max_equality(w, vars_)
        m.model.add(w <= sum(vars_))  # redundant: the LP sees the weekend needs a duty
        for day in days:  # redundant cuts: w covers a whole day's duties
            flag = m.flag(doctor, day, "any")
            if flag is not None:
                m.model.add(w >= flag)
        out.append(w)
    return out


def duty_enhanced(c: Candidate, pay: PayRules) -> Fraction:
    it = c.item
    return enhanced_minutes(it.start, it.end, c.shift.on_call, c.shift.work_minutes, pay)


def max_allowance_weekends(
    m: RotaModel, doctor: str, bounds: dict[str, tuple[int, int]] | None
) -> int:
    """The most allowance weekends the doctor can have. Where every duty the doctor may
    start on a Saturday or Sunday works inside the weekend window, each allowance weekend is
    also a weekend worked by the hours definition, so no more than 1 in 2
    (weekend_frequency) and no more than the doctor's fair band of weekends. Capping the
    weekend-allowance steps here keeps the LP relaxation of the step tight."""
    sats = m.period.saturdays()
    most = len(sats)
    lo, hi = weekend_window(m)

    def works_in_its_weekend(c: Candidate) -> bool:
        saturday = (c.day - (m.period.weekday(c.day) - 5)) * DAY
        return c.item.start < saturday + hi and c.item.end > saturday + lo

    starts = [c for c in m.candidates.get(doctor, []) if m.period.weekday(c.day) >= 5]
    if all(works_in_its_weekend(c) for c in starts):
        p = m.params("weekend_frequency")
        most = min(most, len(sats) * int(p["max_worked"]) // int(p["out_of"]))
        if bounds is not None and "weekends" in bounds:
            most = min(most, bounds["weekends"][1])
    return most


def add_pay(
    m: RotaModel,
    max_minutes: dict[str, int] | None = None,
    bounds: dict[str, dict[str, tuple[int, int]]] | None = None,
) -> Objective:
    """The pay terms. `max_minutes` caps each doctor's worked minutes where other hard
    constraints do (fairness): an LTFT doctor who cannot pass 40 h a week has basic pro rata
    to all their hours, a linear term, which keeps the LP relaxation (the bound) tight."""
    obj = Objective()
    pay = m.rule_set.pay
    weeks = m.period.weeks
    cap = pay.full_time_minutes(weeks)
    total_weekends = len(m.period.saturdays())
    rate = Fraction(str(pay.night_rate))
    oc_frac = Fraction(str(pay.on_call_allowance_fraction))
    model = m.model
    year = load_pay_year(m.spec.pay_year)
    for doctor in m.doctors():
        doc = m.spec.doctor(doctor)
        cands = m.candidates.get(doctor, [])
        salary_pence = salary_in_pence(m, doctor)
        ltft = doc.ltft < 1
        terms: dict[str, Any] = {}
        max_t = sum(c.shift.work_minutes for c in cands)
        if max_minutes is not None and doctor in max_minutes:
            max_t = min(max_t, max_minutes[doctor])
        min_t = 0
        own = bounds.get(doctor, {}) if bounds else {}
        if "minutes" in own:  # the fair band's floor (hard, or implied by the relative bands)
            min_t = min(max_t, own["minutes"][0])
        t = model.new_int_var(min_t, max_t, f"minutes[{doctor}]")
        model.add(t == sum(c.shift.work_minutes * c.var for c in cands))
        obj.minutes[doctor] = t

        # minutes over 40 h weeks, x = max(t - cap, 0): paid as additional hours; for LTFT the
        # basic is paid on min(t, cap) = t - x, so that basic + additional is linear in t
        x: Any = 0
        if max_t > cap:
            x = model.new_int_var(0, max_t - cap, f"extra_minutes[{doctor}]")
            model.add_max_equality(x, [t - cap, 0])
            ub = round_pence(Fraction(salary_pence * (max_t - cap), cap)) + 1
            terms["additional_hours"] = _rounded(
                model, f"additional[{doctor}]", salary_pence * x, cap, ub
            )
        else:
            terms["additional_hours"] = 0
        mm: Any = cap  # minutes paid as basic: min(t, cap) for LTFT
        if ltft and max_t <= cap:
            mm = t
        elif ltft:
            mm = model.new_int_var(0, cap, f"basic_minutes[{doctor}]")
            model.add_min_equality(mm, [t, cap])
        if ltft:
            terms["basic"] = _rounded(
                model, f"basic[{doctor}]", salary_pence * mm, cap, salary_pence + 1
            )
        else:
            terms["basic"] = salary_pence
        # night enhancement: exact enhanced minutes, scaled to whole numbers
        enh = [(c, e) for c in cands if (e := duty_enhanced(c, pay)) > 0]
        if enh:
            scale = math.lcm(*(e.denominator for _, e in enh))
            e_expr = sum(int(e * scale) * c.var for c, e in enh)
            max_e = sum(int(e * scale) for _, e in enh)
            num = salary_pence * rate.numerator * e_expr
            den = cap * rate.denominator * scale
            ub = round_pence(Fraction(salary_pence * rate.numerator * max_e, den)) + 1
            terms["night_enhancement"] = _rounded(model, f"night[{doctor}]", num, den, ub)
        else:
            terms["night_enhancement"] = 0
        # weekend allowance: a step in the number of allowance weekends, one Boolean a step
        flags = allowance_flags(m, doctor)
        if flags and total_weekends:
            top = min(
                len(flags),
                max_allowance_weekends(m, doctor, bounds.get(doctor) if bounds else None),
            )
            w = model.new_int_var(0, top, f"allowance_weekends[{doctor}]")
            model.add(w == sum(flags))
            steps = [model.new_bool_var(f"weekends={k}[{doctor}]") for k in range(top + 1)]
            model.add_exactly_one(steps)
            model.add(w == sum(k * z for k, z in enumerate(steps)))
            if ltft:
                q = model.new_int_var(0, salary_pence, f"weekend[{doctor}]")
                for k, z in enumerate(steps):
                    pct = Fraction(str(weekend_band(k, total_weekends, pay)))
                    num = salary_pence * pct.numerator * mm
                    den = cap * 100 * pct.denominator
                    part = _rounded(model, f"weekend{k}[{doctor}]", num, den, salary_pence, [z])
                    model.add(q == part).only_enforce_if(z)
                    # redundant lower bound the LP can use (McCormick on z x basic minutes)
                    full = salary_pence * pct.numerator * cap
                    model.add(2 * den * q >= 2 * num - den - 2 * full * (1 - z))
                terms["weekend_allowance"] = q
            else:
                values = [
                    round_pence(
                        salary_pence * Fraction(str(weekend_band(k, total_weekends, pay))) / 100
                    )
                    for k in range(top + 1)
                ]
                terms["weekend_allowance"] = sum(v * z for v, z in zip(values, steps, strict=True))
        else:
            terms["weekend_allowance"] = 0
        # on-call availability allowance: any on-call period
        calls = [c.var for c in cands if c.shift.on_call]
        if calls:
            has = model.new_bool_var(f"on_call[{doctor}]")
            model.add_max_equality(has, calls)
            if ltft:
                q = _rounded(
                    model,
                    f"on_call_allowance[{doctor}]",
                    salary_pence * oc_frac.numerator * mm,
                    cap * oc_frac.denominator,
                    salary_pence,
                    [has],
                )
                model.add(q == 0).only_enforce_if(has.negated())
                num = salary_pence * oc_frac.numerator * mm
                den = cap * oc_frac.denominator
                full = salary_pence * oc_frac.numerator * cap
                model.add(2 * den * q >= 2 * num - den - 2 * full * (1 - has))  # for the LP
                terms["on_call_allowance"] = q
            else:
                terms["on_call_allowance"] = round_pence(salary_pence * oc_frac) * has
        else:
            terms["on_call_allowance"] = 0
        terms["ltft_allowance"] = (
            round_pence(Fraction(str(pay.ltft_allowance)) * 100) if ltft else 0
        )
        # constants a doctor is paid whatever the rota: they never move the optimum, and
        # keep the objective equal to the pay calculator's total
        terms.update(fixed_sums(doc, year))
        obj.pay[doctor] = terms
    return obj
