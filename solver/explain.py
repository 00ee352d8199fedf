"""Why no compliant rota exists, in the contract's words.

1. Quick capacity checks (exact necessary conditions, no solver): each cover need has enough
   eligible doctors; the hours of cover each group of doctors must provide fit in what they
   may work under the 48 h average (56 if opted out); the doctor-weekends the cover needs fit
   in weekends at most 1 in 2; the nights fit in at most 4 nights in any 5 days.
2. The solver: cover, fixed duties and fairness are guarded by assumption literals, and
   CP-SAT names a set of them that cannot hold together under the rules; then each rule is
   dropped in turn to say which rules that set runs into.
3. The least number of extra full-time doctors of one grade that makes a rota possible.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta
from typing import Any

from ortools.sat.python import cp_model

from rota_solve.constraints import RULES
from rota_solve.constraints.base import is_night
from rota_solve.solver.cpmodel import RotaModel, build_model
from rota_solve.solver.objective import Objective, add_fairness
from rota_solve.solver.rota import CONTRACT_GRADES, Doctor
from rota_solve.solver.spec import Spec

PROBE_SECONDS = 10.0


def capacity_problems(spec: Spec) -> list[str]:
    m = RotaModel(spec)
    leave = {d.name: spec.leave_days(d.name) for d in spec.doctors}
    able_map: dict[tuple[int, str], list[str]] = defaultdict(list)
    for need in spec.cover:
        shift = spec.shift(need.code)
        for doc in spec.doctors:
            if m.eligible(doc.name, need.day, shift, leave[doc.name]):
                able_map[(need.day, need.code)].append(doc.name)

    def eligible(day: int, code: str) -> list[str]:
        return able_map.get((day, code), [])

    out: list[str] = []
    rs = m.rule_set
    avg = rs.params("max_avg_weekly_hours")
    weeks = spec.period.weeks
    for need in spec.cover:
        able = eligible(need.day, need.code)
        if len(able) < need.doctors:
            day = spec.period.start + timedelta(days=need.day)
            why = []
            if need.grades:
                why.append(f"grades {', '.join(sorted(need.grades))} only")
            out.append(
                f"Cover row {need.row}: {need.code} on {day:%a %Y-%m-%d} needs {need.doctors}"
                f" doctor(s) but only {len(able)} may work it"
                f"{' (' + '; '.join(why) + ')' if why else ''}, counting leave, grades and"
                " nights/on_call: add doctors or change the cover"
            )
    # hours: every set of doctors against the cover only they can fill
    groups: dict[frozenset[str], int] = defaultdict(int)
    for need in spec.cover:
        group = frozenset(eligible(need.day, need.code))
        if group:
            groups[group] += need.doctors * spec.shift(need.code).work_minutes
    limit = {
        d.name: (avg["opted_out_limit_hours"] if d.opted_out else avg["limit_hours"]) * 60 * weeks
        for d in spec.doctors
    }
    for group in sorted(groups, key=len):
        demand = sum(v for g, v in groups.items() if g <= group)
        capacity = sum(limit[d] for d in group)
        if demand > capacity:
            out.append(
                f"hours: the cover that only {_names(group)} can fill is {demand / 60:,.1f} h"
                f" over {weeks} weeks, but the 48 h average (max_avg_weekly_hours) lets them"
                f" work at most {capacity / 60:,.1f} h"
            )
    # weekends: at most 1 in 2 for each doctor (weekend_frequency)
    sats = spec.period.saturdays()
    wf = rs.params("weekend_frequency")
    per_doctor = len(sats) * int(wf["max_worked"]) // int(wf["out_of"])
    needed = 0
    for sat in sats:
        needed += (
            max(sum(n.doctors for n in spec.cover if n.day == d) for d in (sat, sat + 1))
            if any(n.day in (sat, sat + 1) for n in spec.cover)
            else 0
        )
    possible = per_doctor * len(spec.doctors)
    if needed > possible:
        out.append(
            f"weekends: the cover needs at least {needed} doctor-weekends, but"
            f" {len(spec.doctors)} doctors working at most 1 weekend in 2 (weekend_frequency)"
            f" give at most {possible}"
        )
    # nights: at most 4 in any 5 consecutive days (max_consecutive_nights)
    limit_n = int(rs.params("max_consecutive_nights")["limit"])
    nights = 0
    able_n: set[str] = set()
    for need in spec.cover:
        it = m.item("", need.day, spec.shift(need.code))
        if is_night(m.defs, it):
            nights += need.doctors
            able_n |= set(eligible(need.day, need.code))
    most = len(able_n) * math.floor(m.days * limit_n / (limit_n + 1))
    if nights > most:
        out.append(
            f"nights: the cover needs {nights} night shifts, but the {len(able_n)} doctors who may"
            f" work nights can do at most {limit_n} in any {limit_n + 1} days"
            f" (max_consecutive_nights): at most {most}"
        )
    return out


def _names(group: frozenset[str]) -> str:
    names = sorted(group)
    return ", ".join(names) if len(names) <= 4 else f"{len(names)} doctors ({names[0]}, ...)"


def _feasible(m: RotaModel, seconds: float, assumptions: list[Any] | None = None) -> int:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    if assumptions is not None:
        m.model.clear_assumptions()
        m.model.add_assumptions(assumptions)
    return int(solver.solve(m.model))


def core(spec: Spec) -> tuple[list[str], list[str]]:
    """A set of cover needs / fixed duties / fairness bands that cannot hold together, and
    the rules without which they could."""
    m = build_model(spec, assume=True)
    add_fairness(m, Objective())
    lits = [lit for lit, _ in m.assumptions]
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = PROBE_SECONDS
    solver.parameters.num_workers = 1
    m.model.add_assumptions(lits)
    status = solver.solve(m.model)
    if status != cp_model.INFEASIBLE:
        return [], []
    found = set(solver.sufficient_assumptions_for_infeasibility())
    texts = [text for lit, text in m.assumptions if lit.index in found]

    def conflicts(skip: frozenset[str]) -> bool:
        relaxed = build_model(spec, assume=True, skip_rules=skip)
        add_fairness(relaxed, Objective())
        wanted = [lit for lit, text in relaxed.assumptions if text in texts]
        return _feasible(relaxed, PROBE_SECONDS / 4, wanted) == cp_model.INFEASIBLE

    # deletion filter: drop every rule the conflict does not need; what is left is a
    # minimal set of rules that, with the core above, admits no rota
    dropped: frozenset[str] = frozenset()
    for rule in RULES:
        if conflicts(dropped | {rule.id}):
            dropped |= {rule.id}
    rules = [f"{r.id} ({r.citation})" for r in RULES if r.id not in dropped]
    return texts, rules


def extra_doctors(spec: Spec, most: int = 4) -> str | None:
    """The fewest extra full-time doctors of one grade that make a rota feasible."""
    grades = [g for g in CONTRACT_GRADES if any(d.grade == g for d in spec.doctors)]
    for extra in range(1, most + 1):
        for grade in grades:
            added = [Doctor(f"extra {grade} {k + 1}", grade=grade) for k in range(extra)]
            bigger = spec.model_copy(update={"doctors": [*spec.doctors, *added]})
            m = build_model(bigger)
            add_fairness(m, Objective())
            if _feasible(m, PROBE_SECONDS / 2) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return f"adding {extra} full-time {grade} doctor(s) makes a compliant rota possible"
    return None


def explain(spec: Spec, result: object) -> list[str]:
    status = getattr(result, "status", "")
    if status == "UNKNOWN":
        why = getattr(result, "stopped", "") or "the time limit was reached first"
        return [
            f"no rota found: {why}. This does not prove that none exists: raise"
            " --time-limit, or relax the cover or the fairness bands"
        ]
    if status == "MODEL_INVALID":
        return ["the model was invalid (a bug): please report it with the spec"]
    reasons = capacity_problems(spec)
    if reasons:
        return reasons
    texts, rules = core(spec)
    out = []
    if texts:
        out.append(
            "these cannot all hold under the rules: "
            + "; ".join(texts[:12])
            + (f"; and {len(texts) - 12} more" if len(texts) > 12 else "")
        )
        if rules:
            out.append("the rules they run into: " + "; ".join(rules))
    else:
        out.append("the rules alone leave no compliant rota for this cover and these doctors")
    hint = extra_doctors(spec)
    if hint:
        out.append(hint)
    return out
