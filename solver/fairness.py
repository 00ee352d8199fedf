"""Fairness per whole-time equivalent (hard by default; README: Fairness).

Each doctor's **weight** is their LTFT fraction times the share of the period they are on
the rota and not on leave (`Spec.share_days`: a `non-working day` leave row or a `days_off`
weekday does not cut it again, since LTFT already does; `from`/`to` changeover dates do).
Within a tier (doctors who can stand in for one another, linked through the cover they may
fill) every doctor's
* **nights** lie within `fair_nights_band` of their share of the tier's nights;
* **weekends worked** (the hours-limit definition: any work 00:01 Saturday to 23:59 Sunday,
  so a Friday night counts) lie within `fair_weekends_band` of their share;
* **hours** lie within `fair_hours_band` hours a week *per WTE* of their share: a doctor at
  0.6 gets 0.6 of the per-WTE share, plus or minus 0.6 x the band.
A count c with share s and band b keeps floor(s - b) <= c <= ceil(s + b).

Where the work a measure counts is known before solving (its needs are exact counts and no
gaps are allowed) the shares are numbers, and the bands are bounds on each doctor (tight for
the solver, and used by the cuts). Otherwise (a cover range such as `1-3` among its needs, or
gaps allowed) a share is of what the tier actually works: W c_d and w_d C are compared, with
C the tier's total and W its total weight, the same inequality multiplied out. So 1-3 day
shifts make the hours relative while nights keep their fixed shares.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rota_solve.constraints.weekend_frequency import weekend_flags
from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.eligibility import tiers
from rota_solve.solver.pay_terms import Objective
from rota_solve.solver.spec import CoverNeed

KEYS = ("nights", "weekends", "minutes")


def weights(m: RotaModel) -> dict[str, Fraction]:
    return {
        d.name: Fraction(str(d.ltft)) * m.spec.share_days(d.name) / m.days for d in m.spec.doctors
    }


def presence(m: RotaModel) -> dict[str, Fraction]:
    """The fraction of the period each doctor is on the rota (from/to), leave included."""
    return {d.name: Fraction(m.spec.present_days(d.name), m.days) for d in m.spec.doctors}


def _tiers(m: RotaModel, needs: list[tuple[CoverNeed, list[str]]]) -> dict[str, str]:
    """doctor -> tier root, linking the doctors who may fill the same need."""
    return tiers([able for _, able in needs])


def _needs(m: RotaModel, which: str) -> list[tuple[CoverNeed, list[str]]]:
    """The cover needs a measure shares out, with the doctors who may fill each."""
    night = m.matches("night")
    out = []
    for need in m.spec.cover:
        if need.upper == 0:
            continue
        able = m.able(need)
        if not able:
            continue
        weekday = m.period.weekday(need.day)
        it = m.item("", need.day, m.spec.shift(need.code))
        if which == "nights" and not night(it):
            continue
        if which == "weekends" and not (weekday >= 5 or (weekday == 4 and night(it))):
            continue
        out.append((need, able))
    return out


def _weekend_share_needs(m: RotaModel) -> list[tuple[CoverNeed, list[str]]]:
    """Whole weekends: a weekend's doctors are its Saturday's (its Sunday's where the
    Saturday is outside a one-off period)."""
    out = []
    for need, able in _needs(m, "weekends"):
        weekday = m.period.weekday(need.day)
        if weekday == 5 or (weekday == 6 and need.day == 0 and not m.period.repeats):
            out.append((need, able))
    return out


def fairness_bounds(m: RotaModel) -> dict[str, dict[str, tuple[int, int]]]:
    """Each doctor's band (lo, hi) of nights, weekends and worked minutes where the work is
    known before solving (exact cover, no gaps); a measure it is not known for is absent."""
    f = m.spec.fairness
    w = weights(m)
    here = presence(m)
    shares: dict[str, dict[str, Fraction]] = {d: {} for d in m.doctors()}
    measures: list[tuple[str, list[tuple[CoverNeed, list[str]]]]] = []
    if _known(m, _needs(m, "nights")):
        measures.append(("nights", _needs(m, "nights")))
    if m.spec.patterns.whole_weekends and _known(m, _needs(m, "weekends")):
        measures.append(("weekends", _weekend_share_needs(m)))
    for key, needs in measures:
        for d in m.doctors():
            shares[d][key] = Fraction(0)
        for need, able in needs:
            total = sum((w[d] for d in able), Fraction(0))
            if not total:
                continue
            for d in able:
                shares[d][key] += need.doctors * w[d] / total
    # hours: the tier's minutes shared by weight
    everything = _needs(m, "all")
    tier = _tiers(m, everything)
    tier_minutes: dict[str, Fraction] = {}
    for need, able in everything:
        t = tier[able[0]]
        minutes = need.doctors * m.spec.shift(need.code).work_minutes
        tier_minutes[t] = tier_minutes.get(t, Fraction(0)) + minutes
    tier_weight: dict[str, Fraction] = {}
    for d in m.doctors():
        if d in tier:
            tier_weight[tier[d]] = tier_weight.get(tier[d], Fraction(0)) + w[d]
    hours_known = _known(m, everything)
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for d in m.doctors():
        bounds: dict[str, tuple[int, int]] = {}
        for key, band in (("nights", f.nights_band), ("weekends", f.weekends_band)):
            if key in shares[d]:
                bounds[key] = _band(shares[d][key], Fraction(str(band)))
        root = tier.get(d)
        share = Fraction(0)
        if root is not None and tier_weight[root]:
            share = tier_minutes.get(root, Fraction(0)) * w[d] / tier_weight[root]
        if hours_known:
            bounds["minutes"] = _band(share, _hours_band(m, d, here[d]))
        for key, (lo, hi) in m.reach.get(d, {}).items():
            if key in bounds:  # a construction window: the whole period's bands reachable
                bounds[key] = (max(bounds[key][0], lo), min(bounds[key][1], hi))
        out[d] = bounds
    return out


def reachable(whole: RotaModel, days: int) -> dict[str, dict[str, tuple[int, int]]]:
    """The counts each doctor's first `days` days (a construction window, solved as a
    period of its own: construct.prefix) may hold and still reach the whole period's
    bands: at most the band's top (a count only grows with the days after), at least its
    foot less the most the days after can add (every night, weekend or shift the doctor
    may fill there, whatever the rules). A window's own bands are wider (a waypoint), and
    let a 60 x 52 tier's first 44 weeks give an LTFT doctor 6 weekends of a year's 2-5:
    no rota for the last window. `whole`: the whole period's model (need not be built)."""
    full = fairness_bounds(whole)
    after: dict[str, dict[str, int]] = {d: {k: 0 for k in KEYS} for d in whole.doctors()}
    nights: dict[str, set[int]] = {d: set() for d in whole.doctors()}
    for need, able in _needs(whole, "nights"):
        if need.day >= days:
            for d in able:
                nights[d].add(need.day)
    worked: dict[str, set[int]] = {d: set() for d in whole.doctors()}
    most: dict[tuple[str, int], int] = {}
    for need, able in _needs(whole, "all"):
        minutes = whole.spec.shift(need.code).work_minutes
        for d in able:
            worked[d].add(need.day)
            if need.day >= days:
                most[(d, need.day)] = max(most.get((d, need.day), 0), minutes)
    # a weekend the days after can add: its Sunday among them, and a duty possible on its
    # Friday, Saturday or Sunday (a Friday night counts)
    sats = [s for s in whole.period.saturdays() if s + 1 >= days]
    for (d, _), minutes in most.items():
        after[d]["minutes"] += minutes
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for d in whole.doctors():
        after[d]["nights"] = len(nights[d])
        after[d]["weekends"] = sum(1 for s in sats if worked[d] & {s - 1, s, s + 1})
        out[d] = {k: (max(0, lo - after[d][k]), hi) for k, (lo, hi) in full[d].items()}
    return out


def _known(m: RotaModel, needs: list[tuple[CoverNeed, list[str]]]) -> bool:
    """The work these needs ask for is known before solving: exact counts, no gaps."""
    return not m.spec.gaps and all(need.exact for need, _ in needs)


def _band(share: Fraction, band: Fraction) -> tuple[int, int]:
    return max(0, math.floor(share - band)), math.ceil(share + band)


def _hours_band(m: RotaModel, doctor: str, here: Fraction) -> Fraction:
    """The hours band in minutes over the period, per WTE: band x 60 x weeks x LTFT, for the
    part of the period the doctor is on the rota."""
    doc = m.spec.doctor(doctor)
    band = Fraction(str(m.spec.fairness.hours_band)) * 60 * m.period.weeks
    return band * Fraction(str(doc.ltft)) * here


def _counts(m: RotaModel, doctor: str) -> dict[str, Any]:
    cands = m.candidates.get(doctor, [])
    night = m.matches("night")
    return {
        "nights": [c.var for c in cands if night(c.item)],
        "weekends": weekend_flags(m, doctor),
        "minutes": [c.shift.work_minutes * c.var for c in cands],
    }


# Where fairness is kept by penalty (`m.fair_slack`: the search's first-rota aid), a night
# or weekend outside its band costs this many pence, a minute of hours outside it this many.
# A rota with no slack keeps every band; its cost is then exactly its pay.
PENALTY = {"count": 500_000, "minutes": 5_000}


def _keep(
    m: RotaModel,
    obj: Objective,
    lhs: Any,
    sense: str,
    rhs: Any,
    unit: int,
    text: str,
    cap: int,
) -> None:
    """lhs >= rhs or lhs <= rhs: a hard constraint (guarded, so an explanation can name it),
    or, where the model keeps fairness by penalty, one with a priced slack of at most `cap`
    (the most the constraint can be missed by: a tight domain keeps the search sharp)."""
    if not getattr(m, "fair_slack", False):
        m.guard(m.model.add(lhs >= rhs if sense == ">=" else lhs <= rhs), text)
        return
    s = m.model.new_int_var(0, max(0, int(cap)), f"fair_slack[{len(obj.fair_slack)}]")
    m.model.add(lhs + s >= rhs if sense == ">=" else lhs - s <= rhs)
    obj.fair_slack.append((s, unit, text))


def add_fairness(m: RotaModel, obj: Objective) -> None:
    """The bands as hard constraints (guarded, so an explanation can name them)."""
    if not m.spec.fairness.hard:
        return
    static = fairness_bounds(m)
    counted = {d: _counts(m, d) for d in m.doctors()}
    weeks = m.period.weeks
    for doctor, bounds in static.items():
        for key, (lo, hi) in bounds.items():
            items = counted[doctor][key]
            if not items:
                continue
            total = sum(items)
            text = _text(doctor, key, lo, hi, weeks)
            unit = PENALTY["minutes" if key == "minutes" else "count"]
            most = _most(m, doctor, key)
            _keep(m, obj, total, ">=", lo, unit, text, lo)
            _keep(m, obj, total, "<=", hi, unit, text, most - hi)
        obj.fairness[doctor] = bounds
    missing = [k for k in KEYS if any(k not in b for b in static.values())]
    for key in missing:
        _relative(m, obj, key, counted)


def _text(doctor: str, key: str, lo: int, hi: int, weeks: int) -> str:
    if key == "minutes":
        return (
            f"fairness: {doctor}'s hours within {lo / 60 / weeks:.1f}..{hi / 60 / weeks:.1f} a week"
        )
    return f"fairness: {doctor}'s {key} within {lo}..{hi}"


@dataclass(frozen=True)
class _Tier:
    """One tier's relative-fairness integers for a measure (see `_relative`): the doctor's
    count c_d in units scaled by K x scale keeps small_w[d] a - slack[d] + 1 <= K scale c_d
    <= small_w[d] (a + 1) + slack[d] - 1, with big_w a <= K scale C <= big_w a + big_w."""

    docs: list[str]
    k: int
    scale: int
    big_w: int
    a_most: int
    small_w: dict[str, int]
    slack: dict[str, int]


def _relative_tiers(m: RotaModel, key: str, counted: dict[str, dict[str, Any]]) -> list[_Tier]:
    f = m.spec.fairness
    w = weights(m)
    here = presence(m)
    needs = _needs(m, "all" if key == "minutes" else key)
    tier = _tiers(m, needs)
    members: dict[str, list[str]] = {}
    for d in m.doctors():
        if d in tier and counted[d][key]:
            members.setdefault(tier[d], []).append(d)
    band_of: Callable[[str], Fraction] = {
        "nights": lambda d: Fraction(str(f.nights_band)),
        "weekends": lambda d: Fraction(str(f.weekends_band)),
        "minutes": lambda d: _hours_band(m, d, here[d]),
    }[key]
    k = 1 if key == "minutes" else 100
    out = []
    for docs in members.values():
        if len(docs) < 2:
            continue
        total_w = sum((w[d] for d in docs), Fraction(0))
        if not total_w:
            continue
        scale = math.lcm(total_w.denominator, *(w[d].denominator for d in docs))
        for d in docs:
            scale = math.lcm(scale, (k * band_of(d)).denominator)
        most = sum(_most(m, d, key) for d in docs)
        out.append(
            _Tier(
                docs=docs,
                k=k,
                scale=scale,
                big_w=int(total_w * scale),
                a_most=math.ceil(k * most / total_w) + 1,
                small_w={d: int(w[d] * scale) for d in docs},
                slack={d: int((k * band_of(d) + k) * scale) for d in docs},
            )
        )
    return out


def _relative(m: RotaModel, obj: Objective, key: str, counted: dict[str, dict[str, Any]]) -> None:
    """Shares of what the tier works. For a tier with weights w_d (total W) and counts c_d
    (total C), an integer `a` holds the tier's count per WTE, in units of 1/K of a count
    (K = 100 for nights and weekends, 1 for minutes): W a <= K C <= W a + W. Each doctor then
    keeps w_d a / K - b_d - 1 < c_d < w_d (a + 1) / K + b_d + 1: their share within the band,
    floor and ceiling as for fixed shares, give or take a's rounding. One variable per tier
    keeps each doctor's constraint on their own count (far easier for the solver than every
    doctor against the whole tier's sum)."""
    for t in _relative_tiers(m, key, counted):
        k, scale, big_w, a_most = t.k, t.scale, t.big_w, t.a_most
        a = m.model.new_int_var(0, a_most, f"per_wte[{key}|{t.docs[0]}]")
        c_total = sum(sum(counted[d][key]) for d in t.docs)
        m.model.add(big_w * a <= k * scale * c_total)
        m.model.add(k * scale * c_total <= big_w * a + big_w)
        for d in t.docs:
            small_w, slack = t.small_w[d], t.slack[d]
            c_d = sum(counted[d][key])
            text = f"fairness: {d}'s {'hours' if key == 'minutes' else key} within the band of"
            text += " their share of the tier's"
            unit = max(1, PENALTY["minutes" if key == "minutes" else "count"] // (k * scale))
            top = k * scale * _most(m, d, key)
            _keep(
                m, obj, k * scale * c_d, ">=", small_w * a - slack + 1, unit, text, small_w * a_most
            )
            _keep(m, obj, k * scale * c_d, "<=", small_w * (a + 1) + slack - 1, unit, text, top)


def implied_minutes(m: RotaModel) -> dict[str, tuple[int, int]]:
    """Where hours fairness is relative (a cover range, or gaps), the least and most worked
    minutes each doctor's band allows given the least and most the tier can work in all
    (every need at its minimum, at its maximum): bounds the relative constraints imply, for
    the pay terms' caps and the cuts. Only for hard fairness with no gaps (a gap lowers
    the tier's least)."""
    if m.spec.gaps or not m.spec.fairness.hard:
        return {}
    static = fairness_bounds(m)
    if all("minutes" in b for b in static.values()):
        return {}
    counted = {d: {"minutes": _counts(m, d)["minutes"]} for d in m.doctors()}
    everything = _needs(m, "all")
    out: dict[str, tuple[int, int]] = {}
    for t in _relative_tiers(m, "minutes", counted):
        docs = set(t.docs)
        least = most = 0
        for need, able in everything:
            if not docs.intersection(able):
                continue
            minutes = m.spec.shift(need.code).work_minutes
            least += need.doctors * minutes
            most += need.upper * minutes
        unit = t.k * t.scale
        a_lo = max(0, -(-unit * least // t.big_w) - 1)  # big_w a + big_w >= unit C >= unit least
        a_hi = min(t.a_most, unit * most // t.big_w)
        for d in t.docs:
            lo = -(-(t.small_w[d] * a_lo - t.slack[d] + 1) // unit)
            hi = (t.small_w[d] * (a_hi + 1) + t.slack[d] - 1) // unit
            out[d] = (max(0, lo), max(0, hi))
    return out


def _most(m: RotaModel, doctor: str, key: str) -> int:
    """An upper bound on a doctor's count of a measure."""
    cands = m.candidates.get(doctor, [])
    if key == "minutes":
        return sum(c.shift.work_minutes for c in cands)
    if key == "weekends":
        return len(m.period.saturdays())
    return len(cands)
