"""Redundant cuts: lower bounds on pay elements that the LP relaxation cannot see, found
exactly before the search by small knapsacks over the doctors and added as one linear
constraint each. They change the bound, never the optimum (tests/test_build.py solves random
small specs with and without them). Valid only while the cover must all be worked: with gaps
allowed, none is added."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from rota_solve.constraints.weekend_frequency import weekend_window
from rota_solve.solver.clock import DAY
from rota_solve.solver.cpmodel import Candidate, RotaModel
from rota_solve.solver.eligibility import tiers
from rota_solve.solver.pay import enhanced_minutes, round_pence, weekend_band
from rota_solve.solver.pay_terms import (
    Objective,
    duty_enhanced,
    max_allowance_weekends,
    salary_in_pence,
)


def add_cuts(
    m: RotaModel, obj: Objective, bounds: dict[str, dict[str, tuple[int, int]]] | None
) -> int | None:
    """The cuts; returns the least pay bill they imply (`pay_floor`), None with gaps."""
    varies = sorted({k for t in obj.pay.values() for k, v in t.items() if not isinstance(v, int)})
    if m.spec.gaps:
        obj.unfloored = varies
        return None
    minutes_cut(m, obj, bounds)
    weekend = weekend_allowance_cut(m, obj, bounds)
    night = night_enhancement_cut(m, obj, bounds)
    # skipped knapsacks (_no_floor), and what no cut sees (the LTFT basic has the least
    # minutes)
    unseen = {*obj.unfloored, "additional_hours", "on_call_allowance"}
    obj.unfloored = [e for e in varies if e in unseen]
    return pay_floor(m, obj, {"weekend_allowance": weekend, "night_enhancement": night})


def _no_floor(obj: Objective, element: str) -> int:
    """A knapsack not solved (too large, or not a cover model): the element has no floor of
    its own (obj.unfloored: the search then keeps a bound-proving subsolver, solve.py)."""
    obj.unfloored.append(element)
    return 0


def pay_floor(m: RotaModel, obj: Objective, cut: dict[str, int]) -> int:
    """A lower bound on the whole pay bill: the sum of each element's own lower bound. The
    constants (full-time basic, the LTFT allowance, fixed sums) as they are; an LTFT
    doctor's basic from the floor of their worked minutes (its domain, with the least
    minutes above); the night enhancement and the weekend allowance from their knapsack
    cuts (`cut`: element -> the pence its cuts add up to; each cut sums one element over
    doctors no other cut of it sums); anything else at 0. Each part is implied by the
    model's own constraints, so the sum is too.

    CP-SAT sees linear cuts only through its LP, and `build` runs few LP workers: the 20 x 12
    benchmark's search reported a bound short by the weekend cut until its one LP worker had
    its turn at 9.9 s. So the search (solve.py) reports the higher of its own bound and this
    floor, and stops at a rota that costs the floor: that rota is optimal. (As the
    objective's domain the floor proved the benchmark at 12.0 s with seed 0, 24.8 s and
    31.5 s with seeds 1 and 2, but it slowed the search for a first rota: a 16-week prefix
    of a 52-week tier took 12.8 / 13.7 / 20.0 s instead of 11.2 / 10.8 / 10.3 s, and the
    60 x 52 benchmark once found no rota in a tier.)"""
    cap = m.rule_set.pay.full_time_minutes(m.period.weeks)
    total = sum(cut.values())
    for doctor, terms in obj.pay.items():
        total += sum(v for v in terms.values() if isinstance(v, int))
        basic = terms["basic"]
        if not isinstance(basic, int):  # LTFT: pro rata to min(minutes, cap)
            t = obj.minutes[doctor]
            least = m.model.proto.variables[t.index].domain[0]
            least = max(least, obj.minute_floors.get(doctor, 0))
            pence = round_pence(Fraction(salary_in_pence(m, doctor) * min(least, cap), cap))
            obj.basic_floors[doctor] = pence
            total += pence
    return total


def subset_sums(values: list[int], limit: int | None = None) -> int:
    """A bit set of every sum of a subset of `values` (bit k set: some subset adds up to k),
    up to `limit` when given."""
    reach = 1
    mask = -1 if limit is None else (1 << (limit + 1)) - 1
    for v in values:
        reach = (reach | reach << v) & mask
    return reach


def least_minutes(m: RotaModel, doctor: str, own: dict[str, tuple[int, int]] | None) -> int:
    """The fewest minutes of work at or above the fair band's floor of minutes that some set
    of the doctor's candidate duties adds up to while holding at least the band's floor of
    nights (a subset sum with a count; the floor itself when no set reaches it, 0 with no
    band). Shift lengths are coarse (8.5 h, 12.5 h), so this is often above the floor: the
    20 x 12 benchmark's 0.8 LTFT doctors have a floor of 5,336 minutes, which 9 days and a
    long day reach (5,340), but with 2 nights at least the fewest is 5,520 (6 long shifts
    and 2 days). An LTFT doctor's basic is pro rata to their minutes, so this is a lower
    bound on it that the LP relaxation cannot see.

    Valid: the least sum found is over sets that keep both floors, and every fair rota's
    duties are such a set. Sums are kept up to the floor plus the longest duty (any larger
    set keeping both floors loses a duty and stays above the floor, unless it is nights only
    at the nights' floor); a set found past that returns the floor, which is still a bound."""
    if not own or "minutes" not in own:
        return 0
    lo = own["minutes"][0]
    cands = m.candidates.get(doctor, [])
    if not cands:
        return lo
    need = own["nights"][0] if "nights" in own else 0
    night = m.matches("night")
    limit = lo + max(c.shift.work_minutes for c in cands)
    mask = (1 << (limit + 1)) - 1
    # reach[k]: bit s set when some set of the duties seen adds up to s minutes with
    # min(nights in it, need) = k
    reach = [1] + [0] * need
    for c in cands:
        v = c.shift.work_minutes
        if need and night(c.item):
            for k in range(need, -1, -1):
                to = min(k + 1, need)
                reach[to] = (reach[to] | reach[k] << v) & mask
        else:
            for k in range(need + 1):
                reach[k] = (reach[k] | reach[k] << v) & mask
    above = reach[need] >> lo
    if not above:
        return lo
    return lo + (above & -above).bit_length() - 1


def minutes_cut(
    m: RotaModel, obj: Objective, bounds: dict[str, dict[str, tuple[int, int]]] | None
) -> dict[str, int]:
    """Each LTFT doctor's worked minutes at least `least_minutes` (where that is above the
    band's floor, which the minutes' domain already holds); each one's least minutes kept
    in `obj.minute_floors` for the other cuts. Returns the floors added. Only LTFT: their
    basic is pro rata to their minutes, a full-time basic is fixed, and the subset sum takes
    ~15 ms a doctor on a 52-week tier, for every model the construction builds."""
    out: dict[str, int] = {}
    for doctor, t in obj.minutes.items():
        own = bounds.get(doctor) if bounds else None
        if not own or "minutes" not in own or m.spec.doctor(doctor).ltft >= 1:
            continue
        least = obj.minute_floors[doctor] = least_minutes(m, doctor, own)
        if least > own["minutes"][0]:
            m.model.add(t >= least)
            out[doctor] = least
    return out


def _add_cut(
    m: RotaModel,
    obj: Objective,
    element: str,
    options: list[list[tuple[int, int]]],
    needed: int,
    doctors: list[str] | None = None,
) -> int:
    """Add `sum of the doctors' element >= the knapsack's least cost` (every doctor's when
    `doctors` is None; when positive); returns that bound in pence (0 when no cut is added)."""
    bound = _cheapest_sum(options, needed)
    if bound is None:  # no choice of amounts holds the cover: left to the solver to say why
        return _no_floor(obj, element)
    if bound <= 0:
        return 0
    who = list(obj.pay) if doctors is None else doctors
    m.model.add(sum(obj.pay[d][element] for d in who) >= bound)
    obj.knapsacks.append(Knapsack(element, who, options, needed, bound))
    return bound


@dataclass(frozen=True)
class Knapsack:
    """One cut's knapsack, kept for `floor_pins`: `options[i]` is `doctors[i]`'s (amount,
    pence) choices; `bound` the least pence of a choice each whose amounts add up to at
    least `needed`."""

    element: str
    doctors: list[str]
    options: list[list[tuple[int, int]]]
    needed: int
    bound: int


def floor_pins(obj: Objective) -> list[tuple[str, str, int]]:
    """(doctor, element, pence) where every cheapest choice of its knapsack gives the doctor
    the same pence: a rota that costs the floor has each element at its cut's bound, so its
    doctors' amounts are one of the knapsack's cheapest choices, and each such doctor's
    element is exactly those pence. Pinned (solve.py, the floor-shaped search), the search
    looks only where a rota costing the floor can be: on the 20 x 12 benchmark its nights go
    to the cheapest grades and its weekends to the doctors whose allowance band they do not
    raise, which the search otherwise found only after 15-32 s. Worked out on demand, not
    with the cuts (every window of a long period builds a model)."""
    pins: list[tuple[str, str, int]] = []
    # an LTFT doctor's basic (pro rata to their minutes) is part of the floor at its own
    # least (pay_floor): in a rota that costs the floor, it is exactly that
    for doctor, pence in obj.basic_floors.items():
        if not isinstance(obj.pay[doctor]["basic"], int):
            pins.append((doctor, "basic", pence))
    for k in obj.knapsacks:
        for doctor, costs in zip(k.doctors, _cheapest_choices(k.options, k.needed), strict=True):
            if len(costs) == 1 and not isinstance(obj.pay[doctor][k.element], int):
                pins.append((doctor, k.element, costs.pop()))
    return pins


def _cheapest_choices(options: list[list[tuple[int, int]]], needed: int) -> list[set[int]]:
    """For each doctor, the pence of their choice in any cheapest selection (one choice a
    doctor, amounts adding up to at least `needed`): the knapsack forwards (`_forward`) and
    backwards (the least pence of the doctors after, to reach `needed` from an amount
    held)."""
    fwd = _forward(options, needed)
    n = len(options)
    best = int(fwd[n, needed])
    back = np.full((n + 1, needed + 1), _UNREACHED, dtype=np.int64)
    back[n, needed] = 0
    held = np.arange(needed + 1)
    for i in range(n - 1, -1, -1):
        for amount, pence in options[i]:
            np.minimum(back[i], back[i + 1][np.minimum(held + amount, needed)] + pence, out=back[i])
    out: list[set[int]] = []
    for i, choice in enumerate(options):
        reach = fwd[i] < _UNREACHED
        costs = set()
        for amount, pence in choice:
            total = fwd[i] + pence + back[i + 1][np.minimum(held + amount, needed)]
            if np.any(reach & (total == best)):
                costs.add(pence)
        out.append(costs)
    return out


_UNREACHED = np.iinfo(np.int64).max // 4  # no choice of the doctors so far holds this amount


def _forward(options: list[list[tuple[int, int]]], needed: int) -> np.ndarray:
    """The knapsack by dynamic programming over amounts capped at `needed`, in numpy: row i,
    column h is the least pence of one (amount, pence) choice each of the first i doctors
    whose amounts add up to h (to `needed` or more, in column `needed`)."""
    fwd = np.full((len(options) + 1, needed + 1), _UNREACHED, dtype=np.int64)
    fwd[0, 0] = 0
    for i, choice in enumerate(options):
        for amount, pence in choice:
            _relax(fwd[i + 1], fwd[i], amount, pence, needed)
    return fwd


def _relax(nxt: np.ndarray, cur: np.ndarray, amount: int, pence: int, needed: int) -> None:
    """nxt[min(h + amount, needed)] = min(itself, cur[h] + pence), for every h."""
    if amount < needed:
        np.minimum(nxt[amount:needed], cur[: needed - amount] + pence, out=nxt[amount:needed])
    tail = cur[max(0, needed - amount) :].min() + pence
    nxt[needed] = min(int(nxt[needed]), int(tail))


def _cheapest_sum(options: list[list[tuple[int, int]]], needed: int) -> int | None:
    """The least total cost of one (amount, cost) choice per doctor whose amounts add up to
    at least `needed` (None when none does)."""
    least = int(_forward(options, needed)[len(options), needed])
    return None if least >= _UNREACHED else least


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
        return _no_floor(obj, "night_enhancement")
    pay = m.rule_set.pay
    rate = Fraction(str(pay.night_rate))
    cap = pay.full_time_minutes(m.period.weeks)
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
        return _no_floor(obj, "night_enhancement")
    options: list[list[tuple[int, int]]] = []
    size = 0
    for doctor, pairs in enhanced.items():
        units = [int(e / unit) for _, e in pairs]
        salary = Fraction(salary_in_pence(m, doctor))
        own = bounds.get(doctor) if bounds else None
        if (
            own
            and "nights" in own
            and pairs
            and len(set(units)) == 1
            and all(night(c.item) for c, _ in pairs)
        ):
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
            # cannot hold its fair share: left to the solver to say why
            return _no_floor(obj, "night_enhancement")
        size += len(choice) * (needed + 1)
        if size > KNAPSACK_LIMIT:
            return _no_floor(obj, "night_enhancement")
        options.append(choice)
    return _add_cut(m, obj, "night_enhancement", options, needed)


def weekend_allowance_cut(
    m: RotaModel, obj: Objective, bounds: dict[str, dict[str, tuple[int, int]]] | None
) -> int:
    """Redundant lower bounds on the weekend allowance, found exactly by a small knapsack
    over the doctors of each tier, and added as one linear cut a tier. Returns the sum of
    the bounds (pence).

    Every duty starting on a Saturday or Sunday falls in one allowance weekend of its doctor;
    a doctor holds at most `per_weekend` such duties in one weekend (one a day where min_rest
    makes a day's shifts exclusive) and at most their fair band of weekend duties. The weekend
    cover must all be held, each need by the tier that may fill it (doctors linked by the
    weekend needs they may fill: registrars and SHOs who share no weekend cover are two
    knapsacks, not one that lets either tier's weekends fall on the other). Each doctor's
    allowance is the band of their number of weekends, on their basic (for LTFT, the least
    basic their fair hours allow). The cheapest choice of weekend counts is a valid lower
    bound that sees what the LP relaxation of the steps cannot: weekends come whole, one
    doctor at a time."""
    if m.demand != "cover":
        return _no_floor(obj, "weekend_allowance")
    pay = m.rule_set.pay
    total_weekends = len(m.period.saturdays())
    if not total_weekends:
        return 0
    weekend_needs = [
        (n, m.able(n)) for n in m.spec.cover if n.doctors > 0 and m.period.weekday(n.day) >= 5
    ]
    weekend_needs = [(n, able) for n, able in weekend_needs if able]
    if not weekend_needs:
        return 0
    tier = tiers([able for _, able in weekend_needs])
    needed: dict[str, int] = {}
    for n, able in weekend_needs:
        needed[tier[able[0]]] = needed.get(tier[able[0]], 0) + n.doctors
    members: dict[str, list[str]] = {}
    for doctor in m.doctors():
        if doctor in tier:
            members.setdefault(tier[doctor], []).append(doctor)
    cap = pay.full_time_minutes(m.period.weeks)
    total = 0
    for root, docs in members.items():
        options: list[list[tuple[int, int]]] = []  # per doctor: (duties held, pence)
        for doctor in docs:
            choice = _weekend_choices(m, obj, doctor, bounds, total_weekends, cap)
            if not choice:
                _no_floor(obj, "weekend_allowance")
                break
            options.append(choice)
        else:
            total += _add_cut(m, obj, "weekend_allowance", options, needed[root], docs)
    return total


def _weekend_choices(
    m: RotaModel,
    obj: Objective,
    doctor: str,
    bounds: dict[str, dict[str, tuple[int, int]]] | None,
    total_weekends: int,
    cap: int,
) -> list[tuple[int, int]]:
    """A doctor's (weekend duties held, least allowance in pence) for each number of
    allowance weekends they may have."""
    pay = m.rule_set.pay
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
    if per_weekend == 0:
        return [(0, 0)]
    most_duties = top * per_weekend
    salary_pence = salary_in_pence(m, doctor)
    basic = Fraction(salary_pence)
    if doc.ltft < 1:
        low = obj.minute_floors.get(doctor)  # worked out by minutes_cut, where it ran
        if low is None:
            low = least_minutes(m, doctor, own)
        basic = Fraction(salary_pence * min(low, cap), cap)
    choice = []
    for k in range(min(top, least_allowance_weekends(m, doctor, own)), top + 1):
        pct = Fraction(str(weekend_band(k, total_weekends, pay)))
        choice.append((min(most_duties, k * per_weekend), round_pence(basic * pct / 100)))
    return choice


def least_allowance_weekends(
    m: RotaModel, doctor: str, own: dict[str, tuple[int, int]] | None
) -> int:
    """The fewest allowance weekends (a duty starting Saturday or Sunday) a doctor can have
    in a fair rota: with whole weekends, every weekend they work by the hours definition is
    one, so their fair band's floor of weekends worked holds for allowance weekends too,
    less the weekends the pattern leaves alone (a one-off period's weekends cut by its start
    or end). Only where every duty of theirs that starts before a weekend and works into it
    is a night (a Friday night must be followed by the Saturday's); otherwise 0."""
    if not m.spec.patterns.whole_weekends or not own or "weekends" not in own:
        return 0
    night = m.matches("night")
    lo, _ = weekend_window(m)
    for c in m.candidates.get(doctor, []):
        weekday = m.period.weekday(c.day)
        if weekday >= 5:
            continue
        saturday = c.day + 5 - weekday
        if c.item.end > saturday * DAY + lo and not night(c.item):
            return 0
    cut = 0
    if not m.period.repeats:
        cut = sum(1 for sat in m.period.saturdays() if not (sat >= 0 and sat + 1 < m.days))
        if m.period.weekday(m.days - 1) == 4:  # ends on a Friday: its night's weekend is out
            cut += 1
    return max(0, own["weekends"][0] - cut)
