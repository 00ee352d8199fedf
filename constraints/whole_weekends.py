"""whole_weekends: a doctor who works a weekend works the same duties on Saturday and
Sunday, and a Friday night joins the weekend's nights.

Trust policy, not contract (severity `pattern`; Settings `whole_weekends`, default yes): a
weekend is worked whole or not at all, so weekends off are whole too. "The same duties" are
the same shift codes starting on the Saturday and on the Sunday; a night shift starting on
the Friday must be followed by the same night on the Saturday (a Fri-Sat-Sun block of
weekend nights). In a one-off period a weekend cut by its start or end is exempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rota_solve.constraints.base import Breach, Context, Item, Rule
from rota_solve.solver.rota import Patterns

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


def kind(it: Item) -> str:
    """A duty's kind: its shift code, or its clock times where the rota names no code."""
    d = it.duty
    return d.shift or f"{d.start:%H:%M}-{d.end:%H:%M}"


class WholeWeekends(Rule):
    id = "whole_weekends"
    title = "whole weekends"
    citation = "Trust policy (Settings whole_weekends): the same duties Saturday and Sunday"
    severity = "pattern"

    def enabled(self, patterns: Patterns) -> bool:
        return patterns.whole_weekends

    def check(self, ctx: Context) -> list[Breach]:
        if not ctx.patterns.whole_weekends:
            return []
        out = []
        for name, tl in ctx.timelines.items():
            by_day: dict[int, list[Item]] = {}
            for it in tl.base_items:
                by_day.setdefault(it.day, []).append(it)
            for sat in ctx.period.saturdays():
                s, u, f = ctx.day_of(sat), ctx.day_of(sat + 1), ctx.day_of(sat - 1)
                if s is None or u is None:
                    continue
                sat_items, sun_items = by_day.get(s, []), by_day.get(u, [])
                on_sat = {kind(it) for it in sat_items}
                on_sun = {kind(it) for it in sun_items}
                if on_sat != on_sun:
                    first = (sat_items or sun_items)[0]
                    day = ctx.moment(sat * 1440)
                    msg = (
                        f"the weekend of {day:%a %Y-%m-%d}: Saturday"
                        f" {'/'.join(sorted(on_sat)) or 'off'}, Sunday"
                        f" {'/'.join(sorted(on_sun)) or 'off'} (whole weekends: the same duties"
                        " both days)"
                    )
                    out.append(self.breach(ctx, name, first, len(on_sat ^ on_sun), 0, msg))
                if f is None:
                    continue
                for it in by_day.get(f, []):
                    if ctx.is_night(it) and kind(it) not in on_sat:
                        msg = (
                            f"{it.label()} is not followed by the same night on the Saturday"
                            " (whole weekends: a Friday night joins the weekend's nights)"
                        )
                        out.append(self.breach(ctx, name, it, 1, 0, msg))
        return out

    def encode(self, m: RotaModel) -> None:
        night = m.matches("night")
        for doctor in m.doctors():
            for sat in m.period.saturdays():
                days = [sat - 1, sat, sat + 1]
                if m.period.repeats:
                    days = [d % m.days for d in days]
                elif not (sat >= 0 and sat + 1 < m.days):
                    continue
                fri, s, u = days
                codes = {c.shift.code for d in (s, u) for c in m.day_candidates(doctor, d, "any")}
                for code in codes:
                    a: Any = m.x.get((doctor, s, code))
                    b: Any = m.x.get((doctor, u, code))
                    if a is not None and b is not None:
                        m.model.add(a == b)
                    else:
                        m.model.add((a if a is not None else b) == 0)
                if not m.period.repeats and fri < 0:
                    continue
                for c in m.day_candidates(doctor, fri, "any"):
                    if not night(c.item):
                        continue
                    follow = m.x.get((doctor, s, c.shift.code))
                    if follow is None:
                        m.model.add(c.var == 0)
                    else:
                        m.model.add(c.var <= follow)


RULE = WholeWeekends()
