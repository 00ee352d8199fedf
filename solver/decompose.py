"""Tiers that share no cover are independent problems.

Two doctors are in one tier when they may fill the same cover need, or are linked through a
chain of such needs (eligibility.tiers). Nothing in the contract or the objective links
doctors of different tiers: every rule is one doctor's, pay is a sum over doctors, fairness
compares a doctor with their own tier (fairness.py), gaps and requests belong to one need or
one doctor. So the least-cost rota of the whole is the least-cost rota of each tier, side by
side, and its pay is their sum: `solve` builds the tiers on their own, side by side
(smaller models, each with its own cuts and search), and joins them (solve.py). Measured:
the three-tier 30 x 26 benchmark found no rota in 60 s as one model, one 1.6 % from its
bound as three tiers (benchmarks/bench_scaling.py).

Plain data: no solver here.
"""

from __future__ import annotations

from rota_solve.solver.eligibility import Eligibility, tiers
from rota_solve.solver.spec import Spec


def parts(spec: Spec) -> list[Spec]:
    """The spec split into its tiers, each a spec of its own doctors with the cover they
    fill and their leave, fixed duties and requests; [spec] when it does not split. A need
    no doctor may fill, and a doctor who may fill no need, go with the first tier (the
    first makes it infeasible or a gap, as in the whole; the second gets no duty)."""
    if spec.rota_type == "line" or len(spec.doctors) < 2:
        return [spec]
    elig = Eligibility(spec)
    able = [elig.able(need) for need in spec.cover]  # worked out once, used twice
    root = tiers(
        [docs for need, docs in zip(spec.cover, able, strict=True) if docs and need.upper > 0]
    )
    order: list[str] = []
    for d in spec.doctors:
        r = root.get(d.name)
        if r is not None and r not in order:
            order.append(r)
    if len(order) < 2:
        return [spec]
    index = {r: i for i, r in enumerate(order)}

    def tier_of_doctor(name: str) -> int:
        r = root.get(name)
        return 0 if r is None else index[r]

    members: list[set[str]] = [set() for _ in order]
    for d in spec.doctors:
        members[tier_of_doctor(d.name)].add(d.name)
    cover: list[list[int]] = [[] for _ in order]
    for i, docs in enumerate(able):
        cover[tier_of_doctor(docs[0]) if docs else 0].append(i)
    out = []
    for t, names in enumerate(members):
        out.append(
            spec.model_copy(
                update={
                    "doctors": [d for d in spec.doctors if d.name in names],
                    "cover": [spec.cover[i] for i in cover[t]],
                    "leave": [lv for lv in spec.leave if lv.doctor in names],
                    "fixed": [f for f in spec.fixed if f.doctor in names],
                    "requests": [r for r in spec.requests if r.doctor in names],
                }
            )
        )
    return out
