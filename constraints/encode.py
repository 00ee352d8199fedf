"""CP-SAT encodings shared by several rule modules.

These functions only call methods of the model they are given; this module imports no
ortools itself, so the checker path (which imports every rule module) stays free of it.
Each encoding is the exact counterpart of a check in `base.py`: a rota satisfies the
constraints exactly when the check finds no breach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import Kind, Placed, RotaModel


def order(p: Placed) -> tuple[int, int, bool, int]:
    return (p.item.start, p.item.end, p.item.on_call, p.item.index)


def forbid_where(m: RotaModel, bad: object) -> None:
    """x = 0 for every candidate whose item satisfies `bad` (a predicate)."""
    assert callable(bad)
    for cands in m.candidates.values():
        for c in cands:
            if bad(c.item):
                m.model.add(c.var == 0)


def max_run(m: RotaModel, rule_id: str, kind: Kind) -> None:
    """No more than `limit` consecutive days with a `kind` duty: every window of limit + 1
    consecutive days (wrapping in a repeating rota) has a day without one."""
    limit = int(m.params(rule_id)["limit"])
    last = m.days if m.period.repeats else m.days - limit
    for doctor in m.doctors():
        for t in range(max(0, last)):
            flags = [m.flag(doctor, t + j, kind) for j in range(limit + 1)]
            vars_ = [f for f in flags if f is not None]
            if len(vars_) > limit:
                m.model.add(sum(vars_) <= limit)


def rest_after_run(m: RotaModel, rule_id: str, kind: Kind, pool: Kind = "shift") -> None:
    """After a run of at least `after_run_of` days with a `kind` duty, the next `pool` duty
    starts at least `min_rest_hours` after the run's last duty ends.

    For each candidate c that could end such a run on day t: if c is worked, the days
    t-A+1..t-1 have a `kind` duty, day t+1 has none, and no later `kind` duty starts on day t,
    then no `pool` duty may start after c and within the rest: one constraint per c (those
    conditions enforce that every such duty is off), not a clause per pair (on a 52-week
    tier the clauses were 278,000 of the model's 354,000 constraints)."""
    p = m.params(rule_id)
    after = int(p["after_run_of"])
    rest = round(p["min_rest_hours"] * 60)
    match = m.matches(kind)
    in_pool = m.matches(pool)
    for doctor in m.doctors():
        placed = m.placed(doctor)
        for k, c in enumerate(placed):
            if c.item.copy != 0 or not match(c.item):
                continue
            t = c.item.day
            if not m.period.repeats and t - after + 1 < 0:
                continue
            before = [m.flag(doctor, t - j, kind) for j in range(1, after)]
            if any(f is None for f in before):
                continue
            banned = []
            until = c.item.end + rest
            i = k + 1  # indices, not slices: a slice copies the rest of the year each time
            while i < len(placed) and placed[i].item.start < until:
                if in_pool(placed[i].item):
                    banned.append(placed[i].var.negated())
                i += 1
            if not banned:
                continue
            run_ends: list[Any] = [c.var, *(f for f in before if f is not None)]
            nxt = m.flag(doctor, t + 1, kind)
            if nxt is not None:
                run_ends.append(nxt.negated())
            i = k + 1
            while i < len(placed) and placed[i].item.day <= t:
                if match(placed[i].item):
                    run_ends.append(placed[i].var.negated())  # no later duty of the run that day
                i += 1
            m.model.add_bool_and(banned).only_enforce_if(run_ends)


def pairs_closer_than(m: RotaModel, limit: int, kind: Kind) -> None:
    """No two `kind` duties, one starting no earlier than the other, with less than `limit`
    minutes from the first's end to the second's start (overlaps included)."""
    match = m.matches(kind)
    for doctor in m.doctors():
        placed = [q for q in m.placed(doctor) if match(q.item)]
        for k, a in enumerate(placed):
            if a.item.copy != 0:
                continue
            i = k + 1
            while i < len(placed) and placed[i].item.start - a.item.end < limit:
                # sorted by start: every later duty is further away
                m.model.add_bool_or([a.var.negated(), placed[i].var.negated()])
                i += 1
