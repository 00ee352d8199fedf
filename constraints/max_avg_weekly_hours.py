"""max_avg_weekly_hours: average weekly hours over the rota cycle at most 48 (56 if the
doctor has opted out of the Working Time Regulations' 48 h average).

TCS 2016 Schedule 3 and the Working Time Regulations 1998 (reference period up to 26
weeks); unchanged in 2019. On-call periods count their expected work. [C]

Measured over the whole rota period, so a breach is reported at the period's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, fmt

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MaxAvgWeeklyHours(Rule):
    id = "max_avg_weekly_hours"
    title = "average weekly hours"
    citation = "TCS 2016 Schedule 3: average weekly hours over the rota cycle no more than 48"

    def check(self, ctx: Context) -> list[Breach]:
        p = ctx.params(self.id)
        out = []
        for name, tl in ctx.timelines.items():
            if not tl.base_items:
                continue
            limit = p["opted_out_limit_hours"] if tl.doctor.opted_out else p["limit_hours"]
            total = sum(it.work_minutes for it in tl.base_items)
            avg = total / 60 / ctx.period.weeks
            if avg > limit + 1e-9:
                msg = (
                    f"{avg:.2f} h a week on average over {ctx.period.weeks} weeks"
                    f" ({fmt(total)} h; limit {limit} h"
                    f"{', opted out' if tl.doctor.opted_out else ''})"
                )
                out.append(self.breach(ctx, name, ctx.period.origin, avg, float(limit), msg))
        return out

    def encode(self, m: RotaModel) -> None:
        p = m.params(self.id)
        for doctor in m.doctors():
            doc = m.spec.doctor(doctor)
            limit = p["opted_out_limit_hours"] if doc.opted_out else p["limit_hours"]
            cands = m.candidates.get(doctor, [])
            total = sum(c.shift.work_minutes * c.var for c in cands)
            m.model.add(total <= round(limit * 60 * m.period.weeks))


RULE = MaxAvgWeeklyHours()
