"""The objective: the year's pay cost of the rota, in integer pence, as the pay calculator
(`solver/pay.py`) computes it; plus fairness (hard by default) and soft requests.

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

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.pay import enhanced_minutes, round_pence, weekend_band
from rota_solve.solver.ruleset import load_pay_year

ELEMENTS = (
    "basic",
    "additional_hours",
    "night_enhancement",
    "weekend_allowance",
    "on_call_allowance",
    "ltft_allowance",
)


@dataclass
class Objective:
    """Named terms of the objective: pay[doctor][element] is an IntVar or a constant."""

    pay: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[Any, int, Any]] = field(default_factory=list)  # (request, pence, unmet)
    fairness: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def pay_expr(self) -> Any:
        return sum(v for terms in self.pay.values() for v in terms.values())

    def penalty_expr(self) -> Any:
        return sum(pence * unmet for _, pence, unmet in self.requests)


def _rounded(
    model: cp_model.CpModel,
    name: str,
    num: Any,
    den: int,
    ub: int,
    when: list[Any] | None = None,
) -> cp_model.IntVar:
    """q = round_half_up(num / den), optionally only where `when` holds (else q = 0)."""
    q = model.NewIntVar(0, max(0, ub), name)
    a = model.Add(2 * den * q <= 2 * num + den)
    b = model.Add(2 * num + den <= 2 * den * q + 2 * den - 1)
    if when:
        a.OnlyEnforceIf(when)
        b.OnlyEnforceIf(when)
    return q


def salary_of(m: RotaModel, doctor: str) -> float:
    doc = m.spec.doctor(doctor)
    if doc.basic_salary is not None:
        return doc.basic_salary
    salary = load_pay_year(m.spec.pay_year).salary(doc.grade)
    assert salary is not None, doc.grade
    return salary


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
        w = m.model.NewBoolVar(f"allowance_weekend[{doctor}|{sat}]")
        m.model.AddMaxEquality(w, vars_)
        out.append(w)
    return out


def add_pay(m: RotaModel) -> Objective:
    obj = Objective()
    pay = m.rule_set.pay
    weeks = m.period.weeks
    cap = round(pay.full_time_hours * 60) * weeks
    total_weekends = len(m.period.saturdays())
    rate = Fraction(str(pay.night_rate))
    oc_frac = Fraction(str(pay.on_call_allowance_fraction))
    model = m.model
    for doctor in m.doctors():
        doc = m.spec.doctor(doctor)
        cands = m.candidates.get(doctor, [])
        salary_pence = round(Fraction(str(salary_of(m, doctor))) * 100)
        ltft = doc.ltft < 1
        terms: dict[str, Any] = {}
        max_t = sum(c.shift.work_minutes for c in cands)
        t = model.NewIntVar(0, max_t, f"minutes[{doctor}]")
        model.Add(t == sum(c.shift.work_minutes * c.var for c in cands))

        # basic: constant, or pro rata to hours up to 40 a week for LTFT
        mm: Any = cap  # minutes paid as basic
        if ltft:
            mm = model.NewIntVar(0, cap, f"basic_minutes[{doctor}]")
            model.AddMinEquality(mm, [t, cap])
            terms["basic"] = _rounded(
                model, f"basic[{doctor}]", salary_pence * mm, cap, salary_pence + 1
            )
        else:
            terms["basic"] = salary_pence
        # additional rostered hours
        if max_t > cap:
            x = model.NewIntVar(0, max_t - cap, f"extra_minutes[{doctor}]")
            model.AddMaxEquality(x, [t - cap, 0])
            ub = round_pence(Fraction(salary_pence * (max_t - cap), cap)) + 1
            terms["additional_hours"] = _rounded(
                model, f"additional[{doctor}]", salary_pence * x, cap, ub
            )
        else:
            terms["additional_hours"] = 0
        # night enhancement: exact enhanced minutes, scaled to whole numbers
        enh = [
            (
                c,
                enhanced_minutes(
                    c.item.start, c.item.end, c.shift.on_call, c.shift.work_minutes, pay
                ),
            )
            for c in cands
        ]
        enh = [(c, e) for c, e in enh if e > 0]
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
            w = model.NewIntVar(0, len(flags), f"allowance_weekends[{doctor}]")
            model.Add(w == sum(flags))
            steps = [model.NewBoolVar(f"weekends={k}[{doctor}]") for k in range(len(flags) + 1)]
            model.AddExactlyOne(steps)
            model.Add(w == sum(k * z for k, z in enumerate(steps)))
            if ltft:
                q = model.NewIntVar(0, salary_pence, f"weekend[{doctor}]")
                for k, z in enumerate(steps):
                    pct = Fraction(str(weekend_band(k, total_weekends, pay)))
                    num = salary_pence * pct.numerator * mm
                    den = cap * 100 * pct.denominator
                    part = _rounded(model, f"weekend{k}[{doctor}]", num, den, salary_pence, [z])
                    model.Add(q == part).OnlyEnforceIf(z)
                terms["weekend_allowance"] = q
            else:
                values = [
                    round_pence(
                        salary_pence * Fraction(str(weekend_band(k, total_weekends, pay))) / 100
                    )
                    for k in range(len(flags) + 1)
                ]
                terms["weekend_allowance"] = sum(v * z for v, z in zip(values, steps, strict=True))
        else:
            terms["weekend_allowance"] = 0
        # on-call availability allowance: any on-call period
        calls = [c.var for c in cands if c.shift.on_call]
        if calls:
            has = model.NewBoolVar(f"on_call[{doctor}]")
            model.AddMaxEquality(has, calls)
            if ltft:
                q = _rounded(
                    model,
                    f"on_call_allowance[{doctor}]",
                    salary_pence * oc_frac.numerator * mm,
                    cap * oc_frac.denominator,
                    salary_pence,
                    [has],
                )
                model.Add(q == 0).OnlyEnforceIf(has.Not())
                terms["on_call_allowance"] = q
            else:
                terms["on_call_allowance"] = round_pence(salary_pence * oc_frac) * has
        else:
            terms["on_call_allowance"] = 0
        terms["ltft_allowance"] = (
            round_pence(Fraction(str(pay.ltft_allowance)) * 100) if ltft else 0
        )
        obj.pay[doctor] = terms
    return obj


def add_requests(m: RotaModel, obj: Objective) -> None:
    """Soft requests: each unmet one costs weight x the spec's request price."""
    for r in m.spec.requests:
        day = m.period.day_index(r.day)
        pence = round(r.weight * m.spec.request_price * 100)
        if r.shift == "off":
            vars_ = [c.var for c in m.day_candidates(r.doctor, day, "any")]
            if not vars_:
                continue  # met whatever happens
            unmet = m.model.NewBoolVar(f"unmet[{r.row}]")
            m.model.AddMaxEquality(unmet, vars_)
        else:
            var = m.x.get((r.doctor, day, r.shift))
            if var is None:
                obj.requests.append((r, pence, 1))  # cannot be met (cover, leave, grade)
                continue
            unmet = var.Not()
        obj.requests.append((r, pence, unmet))


def fair_shares(m: RotaModel) -> dict[str, dict[str, Fraction]]:
    """Each doctor's LTFT pro-rata share of nights, weekend duties and hours: every cover need
    is shared among the doctors who may fill it, in proportion to their LTFT fraction."""
    shares: dict[str, dict[str, Fraction]] = {
        d: {"nights": Fraction(0), "weekend_duties": Fraction(0), "minutes": Fraction(0)}
        for d in m.doctors()
    }
    ltft = {d.name: Fraction(str(d.ltft)) for d in m.spec.doctors}
    night = m.matches("night")
    for need in m.spec.cover:
        if need.doctors == 0:
            continue
        able = [d for d in m.doctors() if (d, need.day, need.code) in m.x]
        weight = sum((ltft[d] for d in able), Fraction(0))
        if not weight:
            continue
        shift = m.spec.shift(need.code)
        it = m.item("", need.day, shift)
        weekend = m.period.weekday(need.day) >= 5
        for d in able:
            part = need.doctors * ltft[d] / weight
            shares[d]["minutes"] += part * shift.work_minutes
            if night(it):
                shares[d]["nights"] += part
            if weekend:
                shares[d]["weekend_duties"] += part
    return shares


def add_fairness(m: RotaModel, obj: Objective) -> None:
    """Hard fairness bands (spec.fairness): nights, weekend duties (duties starting on a
    Saturday or Sunday) and average weekly hours each within the band around the doctor's
    share: floor(share - band) <= count <= ceil(share + band)."""
    f = m.spec.fairness
    weeks = m.period.weeks
    night = m.matches("night")
    for doctor, share in fair_shares(m).items():
        cands = m.candidates.get(doctor, [])
        counts = {
            "nights": [c.var for c in cands if night(c.item)],
            "weekend_duties": [c.var for c in cands if m.period.weekday(c.day) >= 5],
        }
        bounds: dict[str, tuple[int, int]] = {}
        for key, band in (("nights", f.nights_band), ("weekend_duties", f.weekends_band)):
            b = Fraction(str(band))
            lo = max(0, math.floor(share[key] - b))
            hi = math.ceil(share[key] + b)
            bounds[key] = (lo, hi)
            if f.hard and counts[key]:
                total = sum(counts[key])
                text = f"fairness: {doctor}'s {key.replace('_', ' ')} within {lo}..{hi}"
                m.guard(m.model.Add(total >= lo), text)
                m.guard(m.model.Add(total <= hi), text)
        b = Fraction(str(f.hours_band)) * 60 * weeks
        lo = max(0, math.floor(share["minutes"] - b))
        hi = math.ceil(share["minutes"] + b)
        bounds["minutes"] = (lo, hi)
        if f.hard and cands:
            total = sum(c.shift.work_minutes * c.var for c in cands)
            text = (
                f"fairness: {doctor}'s hours within {lo / 60 / weeks:.1f}..{hi / 60 / weeks:.1f}"
                " a week"
            )
            m.guard(m.model.Add(total >= lo), text)
            m.guard(m.model.Add(total <= hi), text)
        obj.fairness[doctor] = bounds


def add_objective(m: RotaModel, *, fairness: bool = True) -> Objective:
    obj = add_pay(m)
    add_requests(m, obj)
    if fairness:
        add_fairness(m, obj)
    m.model.Minimize(obj.pay_expr() + obj.penalty_expr())
    return obj
