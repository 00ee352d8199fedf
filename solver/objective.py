"""The objective, assembled from its terms, one concern a module:

* `pay_terms.py`: the year's pay bill in whole pence, each element of each doctor a named
  term equal to the pay calculator's figure;
* `cuts.py`: redundant lower bounds on pay elements (knapsacks over the doctors);
* `fairness.py`: fair shares per WTE (hard constraints, not costs);
* `requests.py`: soft requests, priced apart from the pay;
* `gaps.py`: cover left unfilled where gaps are allowed, at the locum rate.

Minimised: pay + unmet requests + gaps. `cost` is the pay alone.
"""

from __future__ import annotations

import math

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.cuts import add_cuts
from rota_solve.solver.fairness import add_fairness, fairness_bounds, implied_minutes
from rota_solve.solver.gaps import add_gap_terms
from rota_solve.solver.pay_terms import Objective, add_pay
from rota_solve.solver.requests import add_requests

__all__ = ["Objective", "add_objective"]


def add_objective(m: RotaModel, *, fairness: bool = True, cuts: bool = True) -> Objective:
    bounds = None
    caps: dict[str, int] = {}
    p = m.params("max_avg_weekly_hours")
    for doc in m.spec.doctors:  # LTFT hours are capped pro rata whatever the fairness
        if doc.ltft < 1:
            limit = p["opted_out_limit_hours"] if doc.opted_out else p["limit_hours"]
            caps[doc.name] = math.floor(doc.ltft * limit * 60 * m.period.weeks)
    if fairness and m.spec.fairness.hard:
        bounds = fairness_bounds(m)
        for d, lo_hi in implied_minutes(m).items():  # relative hours bands: what they imply
            bounds.setdefault(d, {})["minutes"] = lo_hi
        for d, b in bounds.items():
            if "minutes" in b:
                caps[d] = min(caps.get(d, b["minutes"][1]), b["minutes"][1])
    obj = add_pay(m, caps, bounds)
    obj.floor = add_cuts(m, obj, bounds) if cuts else None
    add_requests(m, obj)
    add_gap_terms(m, obj)
    if fairness:
        add_fairness(m, obj)
    m.model.minimize(obj.pay_expr() + obj.penalty_expr() + obj.gap_expr() + obj.fair_slack_expr())
    return obj
