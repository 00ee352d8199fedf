"""rest_before_nights: no long day the day before a block of nights.

Trust policy, not contract (severity `pattern`; Settings `rest_before_nights`, default yes):
a long day (a shift over 10 h that is not a night) ending at 20:30 and a night starting the
next evening leaves the doctor no day to turn their sleep round before the block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule
from rota_solve.solver.rota import Patterns

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class RestBeforeNights(Rule):
    id = "rest_before_nights"
    title = "no long day before nights"
    citation = "Trust policy (Settings rest_before_nights): no long day the day before nights"
    severity = "pattern"

    def enabled(self, patterns: Patterns) -> bool:
        return patterns.rest_before_nights

    def check(self, ctx: Context) -> list[Breach]:
        if not ctx.patterns.rest_before_nights:
            return []
        out = []
        for name, tl in ctx.timelines.items():
            night_days = {it.day for it in tl.items if ctx.is_night(it)}
            long_days = {it.day: it for it in tl.items if ctx.is_long_day(it)}
            for it in tl.base_items:
                if not ctx.is_night(it) or it.day - 1 in night_days:
                    continue
                before = long_days.get(it.day - 1)
                if before is None:
                    continue
                msg = f"{before.label()} the day before the nights from {it.label()}"
                out.append(self.breach(ctx, name, before, 1, 0, msg))
        return out

    def encode(self, m: RotaModel) -> None:
        for doctor in m.doctors():
            for t in range(m.days):
                if not m.period.repeats and t == 0:
                    continue
                night = m.flag(doctor, t, "night")
                long_day = m.flag(doctor, t - 1, "long_day")
                if night is None or long_day is None:
                    continue
                clause = [night.negated(), long_day.negated()]
                prev = m.flag(doctor, t - 1, "night")
                if prev is not None:
                    clause.append(prev)
                m.model.add_bool_or(clause)


RULE = RestBeforeNights()
