"""Soft requests: each unmet one costs its weight x the spec's request price, kept apart
from the pay."""

from __future__ import annotations

from typing import Any

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.pay_terms import Objective


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
