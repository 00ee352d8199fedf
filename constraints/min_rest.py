"""min_rest: at least 11 hours continuous rest between rostered shifts.

TCS 2016 Schedule 3 (minimum rest between shifts); on-call periods are excluded. Two shifts
of one doctor that overlap are a breach with negative rest, not an input error: a guardian
needs to see it. Rest is measured from the latest end of all earlier shifts. [C]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Item, Rule, fmt, hours
from rota_solve.constraints.encode import pairs_closer_than

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MinRest(Rule):
    id = "min_rest"
    title = "rest between shifts"
    citation = "TCS 2016 Schedule 3: at least 11 hours continuous rest between rostered shifts"

    def check(self, ctx: Context) -> list[Breach]:
        limit = ctx.params(self.id)["limit_hours"] * 60
        out = []
        for name, tl in ctx.timelines.items():
            latest: Item | None = None
            for it in tl.shifts:
                if latest is not None:
                    rest = it.start - latest.end
                    if rest < limit and ctx.in_base(latest.start):
                        msg = (
                            f"{fmt(rest)} h rest between {latest.label()} and "
                            f"{it.label()} (at least {fmt(limit)} h)"
                        )
                        out.append(self.breach(ctx, name, latest, hours(rest), hours(limit), msg))
                if latest is None or it.end > latest.end:
                    latest = it
        return out

    def encode(self, m: RotaModel) -> None:
        pairs_closer_than(m, round(m.params(self.id)["limit_hours"] * 60), "shift")


RULE = MinRest()
