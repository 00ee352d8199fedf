"""Why no compliant rota exists, in the contract's words, within a time budget.

1. Capacity (`capacity.py`, no solver): necessary conditions that name the cause (whose
   leave, which days, which tier) and how many doctors each says are missing.
2. Otherwise the solver: cover, fixed duties and fairness are guarded by assumption
   literals, and CP-SAT names a set of them that cannot hold together under the rules; then
   each rule that constrains this spec at all (a rota with no on-call has no on-call rules
   to blame) is dropped in turn to find the rules that set runs into.
3. The fewest extra full-time doctors: from the capacity checks (a lower bound), confirmed
   by a solve with them added where the budget allows; otherwise by adding doctors of each
   grade one at a time.

The whole explanation shares one budget (`[explain] seconds` in solver_settings.toml), so
"no compliant rota" comes in seconds, not minutes.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from rota_solve.constraints import PATTERNS, RULES
from rota_solve.solver.capacity import Shortfall, extra_needed, shortfalls
from rota_solve.solver.cpmodel import RotaModel, build_model
from rota_solve.solver.fairness import add_fairness
from rota_solve.solver.pay_terms import Objective
from rota_solve.solver.rota import CONTRACT_GRADES, Doctor
from rota_solve.solver.spec import Spec


def explain_seconds() -> float:
    from rota_solve.solver.solve import solver_settings

    return float(solver_settings().get("explain", {}).get("seconds", 20.0))


def capacity_problems(spec: Spec) -> list[str]:
    """The capacity checks' sentences (empty when every check passes)."""
    found = shortfalls(spec)
    return [s.text for s in found] + _extra_line(spec, found, None)


class Budget:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


def _status(m: RotaModel, seconds: float, assumptions: list[Any] | None = None) -> int:
    if seconds < 0.05:
        return int(cp_model.UNKNOWN)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.catch_sigint_signal = False
    if assumptions is not None:
        m.model.clear_assumptions()
        m.model.add_assumptions(assumptions)
    return int(solver.solve(m.model))


def _with_fairness(spec: Spec, **kwargs: Any) -> RotaModel:
    m = build_model(spec, **kwargs)
    add_fairness(m, Objective())
    return m


def core(spec: Spec, budget: Budget) -> tuple[list[str], list[str], list[str]]:
    """A set of cover needs / fixed duties / fairness bands that cannot hold together, the
    rules proven to matter (without each, that set could hold), and the rules not settled
    in the time."""
    m = _with_fairness(spec, assume=True)
    lits = [lit for lit, _ in m.assumptions]
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, budget.left() * 0.4)
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False
    m.model.add_assumptions(lits)
    if solver.solve(m.model) != cp_model.INFEASIBLE:
        return [], [], []
    found = set(solver.sufficient_assumptions_for_infeasibility())
    texts = [text for lit, text in m.assumptions if lit.index in found]
    # only rules that put a constraint on this spec can matter
    every = [*RULES, *PATTERNS]
    candidates = [r.id for r in every if m.rule_constraints.get(r.id, 0) > 0]
    needed: list[str] = []
    unsure: list[str] = []
    dropped: frozenset[str] = frozenset(r.id for r in every if r.id not in candidates)
    for k, rule in enumerate(candidates):
        share = budget.left() / max(1, len(candidates) - k)
        relaxed = _with_fairness(spec, assume=True, skip_rules=dropped | {rule})
        wanted = [lit for lit, text in relaxed.assumptions if text in texts]
        status = _status(relaxed, share, wanted)
        if status == cp_model.INFEASIBLE:
            dropped |= {rule}  # the conflict holds without it
        elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            needed.append(rule)
        else:
            unsure.append(rule)
    return texts, needed, unsure


def _citation(rule_id: str) -> str:
    rule = next(r for r in [*RULES, *PATTERNS] if r.id == rule_id)
    return f"{rule.title} ({rule.id}: {rule.citation})"


def _added(spec: Spec, extra: dict[str, int]) -> Spec:
    added = [
        Doctor(f"extra {grade} {k + 1}", grade=grade)
        for grade, count in extra.items()
        for k in range(count)
    ]
    return spec.model_copy(update={"doctors": [*spec.doctors, *added]})


def _feasible_with(spec: Spec, extra: dict[str, int], seconds: float) -> int:
    return _status(_with_fairness(_added(spec, extra)), seconds)


def _describe(extra: dict[str, int]) -> str:
    return " and ".join(f"{n} full-time {g} doctor(s)" for g, n in extra.items())


def _extra_line(spec: Spec, found: list[Shortfall], budget: Budget | None) -> list[str]:
    """The fewest extra doctors the capacity checks call for, confirmed by a solve with them
    added when there is a budget for it."""
    extra = extra_needed(found)
    if not extra:
        return []
    if budget is not None:
        for _ in range(3):
            status = _feasible_with(spec, extra, budget.left() / 2)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return [f"adding {_describe(extra)} makes a compliant rota possible"]
            if status != cp_model.INFEASIBLE:
                break
            extra = {g: n + 1 for g, n in extra.items()}
    return [
        f"at least {_describe(extra)} more are needed (from the capacity checks above; a rota"
        " with them was not confirmed in the time)"
    ]


def extra_doctors(spec: Spec, budget: Budget, most: int = 4) -> str | None:
    """The fewest extra full-time doctors of one grade that make a rota feasible, tried one
    count at a time while the budget lasts."""
    grades = [g for g in CONTRACT_GRADES if any(d.grade == g for d in spec.doctors)]
    for extra in range(1, most + 1):
        for k, grade in enumerate(grades):
            left = budget.left()
            if left < 0.5:
                return None
            status = _feasible_with(spec, {grade: extra}, left / (len(grades) - k + 1))
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return f"adding {extra} full-time {grade} doctor(s) makes a compliant rota possible"
    return None


def _without_named_parts(spec: Spec, budget: Budget) -> str:
    """What to say when no set of cover needs, fixed duties and fairness bands is found to
    conflict: the bands also narrow each doctor's counts where no assumption can name them,
    so the rules are tried without fairness before they are blamed (a hand-written spec's
    five registrars, one LTFT and one on study leave, had a rota without the bands, but
    were told the rules alone left none)."""
    status = _status(build_model(spec), budget.left() * 0.5)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (
            "the fairness bands cannot all hold under the rules for these doctors (a compliant"
            " rota exists without them): widen fair_nights_band, fair_weekends_band or"
            " fair_hours_band, or set fairness to soft"
        )
    if status == cp_model.INFEASIBLE:
        return "the rules alone leave no compliant rota for this cover and these doctors"
    return (
        "no compliant rota keeps the fairness bands; whether the rules alone allow one was"
        " not settled in the time: build again with a wider fair_hours_band,"
        " fair_nights_band or fair_weekends_band (or fairness soft, which drops the bands)"
    )


def explain(spec: Spec, result: object, seconds: float | None = None) -> list[str]:
    status = getattr(result, "status", "")
    if status == "UNKNOWN":
        why = getattr(result, "stopped", "") or "the time limit was reached first"
        advice = (
            ""
            if "--time-limit" in why
            else (": raise --time-limit, or relax the cover or the fairness bands")
        )
        return [f"no rota found: {why}. This does not prove that none exists{advice}"]
    if status == "MODEL_INVALID":
        return ["the model was invalid (a bug): please report it with the spec"]
    budget = Budget(explain_seconds() if seconds is None else seconds)
    found = shortfalls(spec)
    if found:
        return [s.text for s in found] + _extra_line(spec, found, budget)
    texts, needed, unsure = core(spec, budget)
    out = []
    if texts:
        out.append(
            "these cannot all hold under the rules: "
            + "; ".join(texts[:12])
            + (f"; and {len(texts) - 12} more" if len(texts) > 12 else "")
        )
        if needed:
            out.append("the rules they run into: " + "; ".join(_citation(r) for r in needed))
        if unsure:
            out.append("not settled in the time: " + ", ".join(unsure))
    else:
        out.append(_without_named_parts(spec, budget))
    hint = extra_doctors(spec, budget)
    if hint:
        out.append(hint)
    return out
