"""oncall_per_7_days: at most 3 on-call periods in any 7 consecutive days.

TCS 2016 Schedule 3 (on-call), as quoted by public checkers; unchanged in 2019. [S]
Windows are 7 calendar days, by the day each period starts; consecutive breaching windows
are one breach, valued at the worst window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, clusters

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class OncallPer7Days(Rule):
    id = "oncall_per_7_days"
    title = "on-call periods in 7 days"
    citation = "TCS 2016 Schedule 3: no more than 3 on-call periods in 7 consecutive days"

    def check(self, ctx: Context) -> list[Breach]:
        p = ctx.params(self.id)
        limit, span = int(p["limit"]), int(p["window_days"])
        out = []
        for name, tl in ctx.timelines.items():
            calls = tl.oncalls
            if len(calls) <= limit:
                continue
            days = [it.day for it in calls]
            counts = [sum(1 for d in days if d0 <= d < d0 + span) for d0 in days]
            flags = [c > limit for c in counts]
            n = len(calls)
            for i, j in clusters(flags):
                if ctx.period.repeats:
                    if i == 0 and j == n - 1:
                        i = next(k for k, it in enumerate(calls) if it.copy == 0)
                    elif i == 0 or j == n - 1 or calls[i].copy != 0:
                        continue
                k = max(range(i, j + 1), key=lambda m: (counts[m], -m))
                first = calls[k]
                msg = (
                    f"{counts[k]} on-call periods in the {span} days from"
                    f" {ctx.moment(first.day * 1440):%a %Y-%m-%d} (at most {limit})"
                )
                out.append(self.breach(ctx, name, first, counts[k], limit, msg))
        return out

    def encode(self, m: RotaModel) -> None:
        p = m.params(self.id)
        limit, span = int(p["limit"]), int(p["window_days"])
        for doctor in m.doctors():
            for t in range(m.days):
                vars_ = [
                    c.var for j in range(span) for c in m.day_candidates(doctor, t + j, "oncall")
                ]
                if len(vars_) > limit:
                    m.model.add(sum(vars_) <= limit)


RULE = OncallPer7Days()
