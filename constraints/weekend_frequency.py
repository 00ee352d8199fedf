"""weekend_frequency: weekends worked no more often than 1 in 2, over the rota cycle.

TCS 2016 Schedule 3 (weekend frequency), unchanged as a hard limit in 2019 (1 in 3 is
expected where possible). The hours-limit definition of a weekend applies: any shift or
on-call period with work between 00:01 Saturday and 23:59 Sunday, so a Friday night ending
Saturday 08:00 counts. [C]; definition [S] quoting TCS and the FAQ.

A frequency over the whole rota period, so a breach is reported at the period's start.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from rota_solve.constraints.base import Breach, Context, Item, Rule, Timeline
from rota_solve.solver.clock import DAY, weekday_index

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


def weekend_window(ctx: Context | RotaModel) -> tuple[int, int]:
    """The weekend as minutes from Saturday 00:00: [Sat 00:01, Sun 23:59)."""
    first, last = ctx.defs.weekend_hours_window

    def offset(text: str) -> int:
        day, clock = text.split()
        hh, mm = clock.split(":")
        return (weekday_index(day) - 5) * DAY + int(hh) * 60 + int(mm)

    return offset(first), offset(last)


def weekends_worked(ctx: Context, tl: Timeline) -> dict[int, Item]:
    """Saturday day index -> the first duty with work in that weekend (hours definition)."""
    lo, hi = weekend_window(ctx)
    out: dict[int, Item] = {}
    sats = set(ctx.period.saturdays())
    for it in tl.items:
        if it.minutes <= 0:
            continue
        # the Saturdays whose window [sat + lo, sat + hi) the duty can meet: only a few
        for sat in range((it.start - hi) // DAY, (it.end - lo) // DAY + 1):
            if sat in sats and sat not in out:
                a, b = sat * DAY + lo, sat * DAY + hi
                if it.start < b and it.end > a:
                    out[sat] = it
    return out


class WeekendFrequency(Rule):
    id = "weekend_frequency"
    title = "weekend frequency"
    citation = "TCS 2016 Schedule 3: weekend working no more frequently than 1 in 2"

    def check(self, ctx: Context) -> list[Breach]:
        p = ctx.params(self.id)
        limit = Fraction(int(p["max_worked"]), int(p["out_of"]))
        total = len(ctx.period.saturdays())
        out = []
        for name, tl in ctx.timelines.items():
            worked = weekends_worked(ctx, tl)
            if total == 0 or not worked:
                continue
            freq = Fraction(len(worked), total)
            if freq > limit:
                msg = (
                    f"works {len(worked)} of {total} weekends (at most {limit.numerator} in"
                    f" {limit.denominator})"
                )
                out.append(
                    self.breach(ctx, name, ctx.period.origin, float(freq), float(limit), msg)
                )
        return out

    def encode(self, m: RotaModel) -> None:
        p = m.params(self.id)
        total = len(m.period.saturdays())
        cap = total * int(p["max_worked"]) // int(p["out_of"])
        for doctor in m.doctors():
            flags = weekend_flags(m, doctor)
            if len(flags) > cap:
                m.model.add(sum(flags) <= cap)


def weekend_flags(m: RotaModel, doctor: str) -> list[Any]:
    """One Boolean per weekend of the period the doctor could work (hours definition): true
    exactly when some duty has work in it. Cached on the model; fairness uses them too."""
    key = ("weekend_frequency", doctor)
    cached = m.cache.get(key)
    if isinstance(cached, list):
        return cached
    lo, hi = weekend_window(m)
    out: list[Any] = []
    placed = m.placed(doctor)
    for sat in m.period.saturdays():
        a, b = sat * DAY + lo, sat * DAY + hi
        vars_ = {q.var.index: q.var for q in placed if q.item.start < b and q.item.end > a}
        if not vars_:
            continue
        if len(vars_) == 1:
            out.extend(vars_.values())
            continue
        w = m.model.new_bool_var(f"weekend[{doctor}|{sat}]")
        m.model.add_max_equality(w, list(vars_.values()))
        for day in (sat, sat + 1):
            # a redundant cut, valid where every duty that may start that day works inside
            # the weekend window: then w covers the day's duties (their sum, when exclusive)
            cands = m.day_candidates(doctor, day, "any")
            inside = [
                c
                for c in cands
                if (it := m.item(doctor, c.day, c.shift, c.item.copy)).start < b and it.end > a
            ]
            flag = m.flag(doctor, day, "any")
            if (
                flag is not None
                and len(inside) == len(cands)
                and (m.period.repeats or 0 <= day < m.days)
            ):
                m.model.add(w >= flag)
        out.append(w)
    m.cache[key] = out
    return out


RULE = WeekendFrequency()
