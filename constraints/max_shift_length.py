"""max_shift_length: a rostered shift (not on-call) lasts at most 13 hours.

TCS 2016 Schedule 3 (maximum shift length); unchanged by the 2019 refresh. [C]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, fmt, hours
from rota_solve.constraints.encode import forbid_where

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MaxShiftLength(Rule):
    id = "max_shift_length"
    title = "shift length"
    citation = "TCS 2016 Schedule 3: maximum shift length 13 hours (on-call excluded)"

    def check(self, ctx: Context) -> list[Breach]:
        limit = ctx.params(self.id)["limit_hours"] * 60
        out = []
        for name, tl in ctx.timelines.items():
            for it in tl.base_items:
                if not it.on_call and it.minutes > limit:
                    msg = f"{it.label()} lasts {fmt(it.minutes)} h (limit {fmt(limit)} h)"
                    out.append(self.breach(ctx, name, it, hours(it.minutes), hours(limit), msg))
        return out

    def encode(self, m: RotaModel) -> None:
        limit = round(m.params(self.id)["limit_hours"] * 60)
        forbid_where(m, lambda it: not it.on_call and it.minutes > limit)


RULE = MaxShiftLength()
