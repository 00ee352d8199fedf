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

from rota_solve.constraints.weekend_frequency import weekend_window
from rota_solve.solver.clock import DAY
from rota_solve.solver.cpmodel import Candidate, RotaModel
from rota_solve.solver.pay import PAY_ELEMENTS, enhanced_minutes, round_pence, weekend_band
from rota_solve.solver.ruleset import PayRules, load_pay_year

ELEMENTS = PAY_ELEMENTS


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
    """The most allowance weekends the doctor can have: each needs a duty starting on the
    Saturday or Sunday, so no more than the doctor's fair band of weekend duties; and, where
    every such duty works inside the weekend window, no more than 1 in 2 (weekend_frequency).
    Capping the weekend-allowance steps here keeps the LP relaxation of the step tight."""
    sats = m.period.saturdays()
    most = len(sats)
    if bounds is not None:
        most = min(most, bounds["weekend_duties"][1])
    lo, hi = weekend_window(m)

    def works_in_its_weekend(c: Candidate) -> bool:
        saturday = (c.day - (m.period.weekday(c.day) - 5)) * DAY
        return c.item.start < saturday + hi and c.item.end > saturday + lo

    starts = [c for c in m.candidates.get(doctor, []) if m.period.weekday(c.day) >= 5]
    if all(works_in_its_weekend(c) for c in starts):
        p = m.params("weekend_frequency")
        most = min(most, len(sats) * int(p["max_worked"]) // int(p["out_of"]))
    return most


def subset_sums(values: list[int], limit: int | None = None) -> int:
    """A bit set of every sum of a subset of `values` (bit k set: some subset adds up to k),
    up to `limit` when given."""
    reach = 1
    mask = -1 if limit is None else (1 << (limit + 1)) - 1
    for v in values:
        reach = (reach | reach << v) & mask
    return reach


def least_minutes(m: RotaModel, doctor: str, lo: int) -> int:
    """The fewest minutes of work at or above `lo` that some set of the doctor's candidate
    duties adds up to (a subset sum; lo itself when no set reaches it). Shift lengths are
    coarse (8.5 h, 12.5 h), so this is often above the fairness band's floor: a tighter lower
    bound on an LTFT doctor's basic, which is pro rata to their minutes."""
    reach = subset_sums([c.shift.work_minutes for c in m.candidates.get(doctor, [])])
    above = reach >> lo
    if not above:
        return lo
    return lo + (above & -above).bit_length() - 1


def add_pay(
    m: RotaModel,
    max_minutes: dict[str, int] | None = None,
    bounds: dict[str, dict[str, tuple[int, int]]] | None = None,
    *,
    cuts: bool = True,
) -> Objective:
    """The pay terms. `max_minutes` caps each doctor's worked minutes where other hard
    constraints do (fairness): an LTFT doctor who cannot pass 40 h a week has basic pro rata
    to all their hours, a linear term, which keeps the LP relaxation (the bound) tight."""
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
        salary_pence = salary_in_pence(m, doctor)
        ltft = doc.ltft < 1
        terms: dict[str, Any] = {}
        max_t = sum(c.shift.work_minutes for c in cands)
        if max_minutes is not None and doctor in max_minutes:
            max_t = min(max_t, max_minutes[doctor])
        t = model.new_int_var(0, max_t, f"minutes[{doctor}]")
        model.add(t == sum(c.shift.work_minutes * c.var for c in cands))

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
        obj.pay[doctor] = terms
    if cuts:  # redundant: they change the bound, never the optimum
        weekend_allowance_cut(m, obj, bounds)
        night_enhancement_cut(m, obj, bounds)
    return obj


def _add_cut(
    m: RotaModel, obj: Objective, element: str, options: list[list[tuple[int, int]]], needed: int
) -> int:
    """Add `sum of every doctor's element >= the knapsack's least cost` (when positive);
    returns that bound in pence (0 when no cut is added)."""
    bound = _cheapest_sum(options, needed)
    if bound is None or bound <= 0:
        return 0
    m.model.add(sum(t[element] for t in obj.pay.values()) >= bound)
    return bound


def _cheapest_sum(options: list[list[tuple[int, int]]], needed: int) -> int | None:
    """The least total cost of one (amount, cost) choice per doctor whose amounts add up to
    at least `needed` (a knapsack by dynamic programming over amounts capped at `needed`)."""
    best: list[int | None] = [0] + [None] * needed
    for choice in options:
        nxt: list[int | None] = [None] * (needed + 1)
        for held, pence in enumerate(best):
            if pence is None:
                continue
            for amount, cost in choice:
                to = min(needed, held + amount)
                if nxt[to] is None or pence + cost < nxt[to]:  # type: ignore[operator]
                    nxt[to] = pence + cost
        best = nxt
    return best[needed]


# a redundant knapsack cut is skipped when its table would be larger than this
KNAPSACK_LIMIT = 2_000_000


def night_enhancement_cut(
    m: RotaModel, obj: Objective, bounds: dict[str, dict[str, tuple[int, int]]] | None
) -> int:
    """A redundant lower bound on the total night enhancement, found exactly by a knapsack
    over the doctors, and added as one linear cut. Returns the bound (pence).

    Cover is met exactly, so the doctors' enhanced minutes add up to the cover's. Each
    doctor's enhancement is their enhanced minutes at their own hourly rate, rounded to the
    penny once; a doctor whose enhanced duties are all nights of one length works between
    their fair band's least and most nights. The LP relaxation spreads nights fractionally
    and loses each doctor's rounding; the cheapest whole split does not."""
    if m.demand != "cover":
        return 0
    pay = m.rule_set.pay
    rate = Fraction(str(pay.night_rate))
    cap = round(pay.full_time_hours * 60) * m.period.weeks
    night = m.matches("night")
    enhanced: dict[str, list[tuple[Candidate, Fraction]]] = {}
    for doctor in m.doctors():
        pairs = [(c, duty_enhanced(c, pay)) for c in m.candidates.get(doctor, [])]
        enhanced[doctor] = [(c, e) for c, e in pairs if e > 0]
    needed_minutes = Fraction(0)
    for need in m.spec.cover:
        if need.doctors > 0:
            shift = m.spec.shift(need.code)
            it = m.item("", need.day, shift)
            e = enhanced_minutes(it.start, it.end, shift.on_call, shift.work_minutes, pay)
            needed_minutes += need.doctors * e
    values = [e for pairs in enhanced.values() for _, e in pairs]
    if not needed_minutes or not values:
        return 0
    scale = math.lcm(*(e.denominator for e in values), needed_minutes.denominator)
    unit = Fraction(math.gcd(*(int(e * scale) for e in values)), scale)
    needed = math.ceil(needed_minutes / unit)
    if needed > KNAPSACK_LIMIT // 100:
        return 0
    options: list[list[tuple[int, int]]] = []
    size = 0
    for doctor, pairs in enhanced.items():
        units = [int(e / unit) for _, e in pairs]
        salary = Fraction(salary_in_pence(m, doctor))
        own = bounds.get(doctor) if bounds else None
        if own and pairs and len(set(units)) == 1 and all(night(c.item) for c, _ in pairs):
            lo, hi = own["nights"]
            amounts = [k * units[0] for k in range(lo, min(hi, len(units)) + 1)]
        else:
            # every subset sum up to `needed`, and the least one above it (removing duties
            # from a larger set one at a time reaches one below needed + the longest)
            reach = subset_sums(units, needed + max(units, default=0))
            amounts = [a for a in range(needed + 1) if reach >> a & 1]
            above = reach >> (needed + 1)
            if above:
                amounts.append(needed + (above & -above).bit_length())
        choice = [(a, round_pence(salary * rate * a * unit / cap)) for a in amounts]
        if not choice:
            return 0  # cannot hold its fair share: left to the solver to say why
        size += len(choice) * (needed + 1)
        if size > KNAPSACK_LIMIT:
            return 0
        options.append(choice)
    return _add_cut(m, obj, "night_enhancement", options, needed)


def weekend_allowance_cut(
    m: RotaModel, obj: Objective, bounds: dict[str, dict[str, tuple[int, int]]] | None
) -> int:
    """A redundant lower bound on the total weekend allowance, found exactly by a small
    knapsack over the doctors, and added as one linear cut. Returns the bound (pence).

    Every duty starting on a Saturday or Sunday falls in one allowance weekend of its doctor;
    a doctor holds at most `per_weekend` such duties in one weekend (one a day where min_rest
    makes a day's shifts exclusive) and at most their fair band of weekend duties. The weekend
    cover must all be held. Each doctor's allowance is the band of their number of weekends,
    on their basic (for LTFT, the least basic their fair hours allow). The cheapest choice of
    weekend counts is a valid lower bound that sees what the LP relaxation of the steps
    cannot: weekends come whole, one doctor at a time."""
    if m.demand != "cover":
        return 0
    pay = m.rule_set.pay
    total_weekends = len(m.period.saturdays())
    if not total_weekends:
        return 0
    needed = sum(n.doctors for n in m.spec.cover if m.period.weekday(n.day) >= 5)
    if needed <= 0:
        return 0
    cap = round(pay.full_time_hours * 60) * m.period.weeks
    options: list[list[tuple[int, int]]] = []  # per doctor: (duties held, pence)
    for doctor in m.doctors():
        doc = m.spec.doctor(doctor)
        own = bounds.get(doctor) if bounds else None
        top = max_allowance_weekends(m, doctor, own)
        per_weekend = 0
        for sat in m.period.saturdays():
            held = 0
            for day in (sat, sat + 1):
                cands = m.day_candidates(doctor, day, "any")
                held += 1 if cands and m.exclusive(cands) else len(cands)
            per_weekend = max(per_weekend, held)
        most_duties = own["weekend_duties"][1] if own else top * per_weekend
        least = 1 if own and own["weekend_duties"][0] >= 1 else 0
        if per_weekend == 0:
            if least:
                return 0  # cannot hold its fair share: left to the solver to say why
            options.append([(0, 0)])
            continue
        salary_pence = salary_in_pence(m, doctor)
        basic = Fraction(salary_pence)
        if doc.ltft < 1:
            low = least_minutes(m, doctor, own["minutes"][0]) if own else 0
            basic = Fraction(salary_pence * min(low, cap), cap)
        choice = []
        for k in range(least, top + 1):
            pct = Fraction(str(weekend_band(k, total_weekends, pay)))
            choice.append((min(most_duties, k * per_weekend), round_pence(basic * pct / 100)))
        if not choice:
            return 0
        options.append(choice)
    return _add_cut(m, obj, "weekend_allowance", options, needed)


def add_requests(m: RotaModel, obj: Objective) -> None:
    """Soft requests: each unmet one costs weight x the spec's request price."""
    for r in m.spec.requests:
        day = m.period.day_index(r.day)
        pence = round(r.weight * m.spec.request_price * 100)
        if r.shift == "off":
            vars_ = [c.var for c in m.day_candidates(r.doctor, day, "any")]
            if not vars_:
                continue  # met whatever happens
            unmet: Any = m.model.new_bool_var(f"unmet[{r.row}]")  # any duty that day
            m.model.add_max_equality(unmet, vars_)
        else:
            var = m.x.get((r.doctor, day, r.shift))
            if var is None:
                obj.requests.append((r, pence, 1))  # cannot be met (cover, leave, grade)
                continue
            unmet = var.negated()
        obj.requests.append((r, pence, unmet))


def fair_shares(m: RotaModel) -> dict[str, dict[str, Fraction]]:
    """Each doctor's pro-rata share of nights, weekend duties and hours.

    A doctor's weight is their LTFT fraction times the share of the period they are not on
    leave. Nights and weekend duties: every cover need is shared among the doctors who may
    fill it, by weight. Hours: doctors who can stand in for one another (linked through the
    cover needs they may fill, a tier such as the SHO rota) share their tier's hours by
    weight, so everyone on a tier works the same pro-rata average week."""
    names = m.doctors()
    shares: dict[str, dict[str, Fraction]] = {
        d: {"nights": Fraction(0), "weekend_duties": Fraction(0), "minutes": Fraction(0)}
        for d in names
    }
    weight = {
        d.name: Fraction(str(d.ltft)) * (m.days - len(m.spec.leave_days(d.name))) / m.days
        for d in m.spec.doctors
    }
    night = m.matches("night")
    parent = {d: d for d in names}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    tier_minutes: dict[str, Fraction] = {}
    needs = []
    for need in m.spec.cover:
        if need.doctors == 0:
            continue
        able = m.able(need)
        if not able:
            continue
        for d in able[1:]:
            parent[root(d)] = root(able[0])
        needs.append((need, able))
    for need, able in needs:
        total = sum((weight[d] for d in able), Fraction(0))
        shift = m.spec.shift(need.code)
        tier = root(able[0])
        tier_minutes[tier] = tier_minutes.get(tier, Fraction(0)) + need.doctors * shift.work_minutes
        if not total:
            continue
        it = m.item("", need.day, shift)
        weekend = m.period.weekday(need.day) >= 5
        for d in able:
            part = need.doctors * weight[d] / total
            if night(it):
                shares[d]["nights"] += part
            if weekend:
                shares[d]["weekend_duties"] += part
    tier_weight: dict[str, Fraction] = {}
    for d in names:
        tier_weight[root(d)] = tier_weight.get(root(d), Fraction(0)) + weight[d]
    for d in names:
        t = root(d)
        if tier_weight[t]:
            shares[d]["minutes"] = tier_minutes.get(t, Fraction(0)) * weight[d] / tier_weight[t]
    return shares


def fairness_bounds(m: RotaModel) -> dict[str, dict[str, tuple[int, int]]]:
    """Each doctor's band (lo, hi) of nights, weekend duties and worked minutes."""
    f = m.spec.fairness
    weeks = m.period.weeks
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for doctor, share in fair_shares(m).items():
        bounds: dict[str, tuple[int, int]] = {}
        for key, band in (("nights", f.nights_band), ("weekend_duties", f.weekends_band)):
            b = Fraction(str(band))
            bounds[key] = (max(0, math.floor(share[key] - b)), math.ceil(share[key] + b))
        b = Fraction(str(f.hours_band)) * 60 * weeks
        bounds["minutes"] = (
            max(0, math.floor(share["minutes"] - b)),
            math.ceil(share["minutes"] + b),
        )
        out[doctor] = bounds
    return out


def add_fairness(m: RotaModel, obj: Objective) -> None:
    """Hard fairness bands (spec.fairness): nights, weekend duties (duties starting on a
    Saturday or Sunday) and average weekly hours each within the band around the doctor's
    share: floor(share - band) <= count <= ceil(share + band)."""
    hard = m.spec.fairness.hard
    weeks = m.period.weeks
    night = m.matches("night")
    for doctor, bounds in fairness_bounds(m).items():
        cands = m.candidates.get(doctor, [])
        counted: dict[str, Any] = {
            "nights": [c.var for c in cands if night(c.item)],
            "weekend_duties": [c.var for c in cands if m.period.weekday(c.day) >= 5],
            "minutes": [c.shift.work_minutes * c.var for c in cands],
        }
        for key, (lo, hi) in bounds.items():
            if not hard or not counted[key]:
                continue
            total = sum(counted[key])
            if key == "minutes":
                text = (
                    f"fairness: {doctor}'s hours within {lo / 60 / weeks:.1f}.."
                    f"{hi / 60 / weeks:.1f} a week"
                )
            else:
                text = f"fairness: {doctor}'s {key.replace('_', ' ')} within {lo}..{hi}"
            m.guard(m.model.add(total >= lo), text)
            m.guard(m.model.add(total <= hi), text)
        obj.fairness[doctor] = bounds


def add_objective(m: RotaModel, *, fairness: bool = True, cuts: bool = True) -> Objective:
    caps = bounds = None
    if fairness and m.spec.fairness.hard:
        bounds = fairness_bounds(m)
        caps = {d: b["minutes"][1] for d, b in bounds.items()}
    obj = add_pay(m, caps, bounds, cuts=cuts)
    add_requests(m, obj)
    if fairness:
        add_fairness(m, obj)
    m.model.minimize(obj.pay_expr() + obj.penalty_expr())
    return obj
