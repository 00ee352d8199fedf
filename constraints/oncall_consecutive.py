"""oncall_consecutive: no on-call periods on consecutive days, except a pair beginning on
Saturday and Sunday.

TCS 2016 Schedule 3 (on-call), as quoted by public checkers; unchanged in 2019. [S]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Item, Rule, runs
from rota_solve.solver.clock import weekday_index

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class OncallConsecutive(Rule):
    id = "oncall_consecutive"
    title = "consecutive on-call periods"
    citation = "TCS 2016 Schedule 3: no consecutive on-call periods, apart from Saturday and Sunday"

    def check(self, ctx: Context) -> list[Breach]:
        first_day, second_day = (weekday_index(d) for d in ctx.params(self.id)["allowed_pair"])
        out = []
        for name, tl in ctx.timelines.items():
            for run in runs(ctx, tl.items, lambda it: it.on_call):
                if run.length == 1 and not run.unbounded:
                    continue
                allowed_pair = (
                    run.length == 2
                    and not run.unbounded
                    and ctx.period.weekday(run.first_day) == first_day
                    and ctx.period.weekday(run.last_day) == second_day
                )
                if allowed_pair:
                    continue
                first: Item = run.first
                msg = (
                    f"on call on {run.length} consecutive days from {first.label()}"
                    " (only a Saturday and Sunday pair is allowed)"
                )
                if run.unbounded:
                    msg = "on call on every day of the repeating cycle"
                out.append(self.breach(ctx, name, first, run.length, 1, msg))
        return out

    def encode(self, m: RotaModel) -> None:
        first_day, second_day = (weekday_index(d) for d in m.params(self.id)["allowed_pair"])
        last = m.days if m.period.repeats else m.days - 1
        for doctor in m.doctors():
            for t in range(last):
                if m.period.weekday(t) == first_day and m.period.weekday(t + 1) == second_day:
                    continue
                a = m.flag(doctor, t, "oncall")
                b = m.flag(doctor, t + 1, "oncall")
                if a is not None and b is not None:
                    m.model.add_bool_or([a.negated(), b.negated()])


RULE = OncallConsecutive()
