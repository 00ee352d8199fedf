"""max_oncall_length: an on-call period lasts at most 24 hours.

TCS 2016 Schedule 3 (on-call periods), as quoted by public checkers. [S]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, fmt, hours
from rota_solve.constraints.encode import forbid_where

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MaxOncallLength(Rule):
    id = "max_oncall_length"
    title = "on-call period length"
    citation = "TCS 2016 Schedule 3: an on-call period no longer than 24 hours"

    def check(self, ctx: Context) -> list[Breach]:
        limit = ctx.params(self.id)["limit_hours"] * 60
        out = []
        for name, tl in ctx.timelines.items():
            for it in tl.base_items:
                if it.on_call and it.minutes > limit:
                    msg = f"{it.label()} lasts {fmt(it.minutes)} h (limit {fmt(limit)} h)"
                    out.append(self.breach(ctx, name, it, hours(it.minutes), hours(limit), msg))
        return out

    def encode(self, m: RotaModel) -> None:
        limit = round(m.params(self.id)["limit_hours"] * 60)
        forbid_where(m, lambda it: it.on_call and it.minutes > limit)


RULE = MaxOncallLength()
