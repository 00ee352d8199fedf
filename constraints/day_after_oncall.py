"""day_after_oncall: the day after an on-call period (after the last of a Saturday and
Sunday pair) is rostered for no more than 10 hours.

TCS 2016 Schedule 3 (on-call), as quoted by public checkers; unchanged in 2019. [S]
"The day after" is the calendar day after the day the period starts; the hours rostered
that day are the rostered shifts starting on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rota_solve.constraints.base import Breach, Context, Rule, fmt, hours
from rota_solve.solver.clock import weekday_index

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class DayAfterOncall(Rule):
    id = "day_after_oncall"
    title = "the day after on-call"
    citation = "TCS 2016 Schedule 3: the day after an on-call period rostered no more than 10 hours"

    def check(self, ctx: Context) -> list[Breach]:
        p = ctx.params(self.id)
        limit = p["limit_hours"] * 60
        sat = weekday_index("Sat")
        out = []
        for name, tl in ctx.timelines.items():
            call_days = {it.day for it in tl.oncalls}
            shift_minutes: dict[int, int] = {}
            for it in tl.shifts:
                shift_minutes[it.day] = shift_minutes.get(it.day, 0) + it.minutes
            for it in tl.oncalls:
                if it.copy != 0:
                    continue
                if ctx.period.weekday(it.day) == sat and it.day + 1 in call_days:
                    continue  # first of a Saturday + Sunday pair: the rule applies after Sunday
                worked = shift_minutes.get(it.day + 1, 0)
                if worked > limit:
                    day = ctx.moment((it.day + 1) * 1440)
                    msg = (
                        f"{fmt(worked)} h rostered on {day:%a %Y-%m-%d}, the day after"
                        f" {it.label()} (at most {fmt(limit)} h)"
                    )
                    out.append(self.breach(ctx, name, it, hours(worked), hours(limit), msg))
        return out

    def encode(self, m: RotaModel) -> None:
        limit = round(m.params(self.id)["limit_hours"] * 60)
        sat = weekday_index("Sat")
        for doctor in m.doctors():
            for t in range(m.days):
                call = m.flag(doctor, t, "oncall")
                if call is None:
                    continue
                shifts = m.day_candidates(doctor, t + 1, "shift")
                if sum(c.shift.minutes for c in shifts) <= limit:
                    continue
                when: list[Any] = [call]
                if m.period.weekday(t) == sat:
                    sunday = m.flag(doctor, t + 1, "oncall")
                    if sunday is not None:
                        when.append(sunday.negated())
                worked = sum(c.shift.minutes * c.var for c in shifts)
                m.model.add(worked <= limit).only_enforce_if(when)


RULE = DayAfterOncall()
