"""max_shift_length: a rostered shift (not on-call) lasts at most 13 hours.

TCS 2016 Schedule 3 (maximum shift length); unchanged by the 2019 refresh. [C]
"""

from __future__ import annotations

from rota_solve.constraints.base import Breach, Context, Rule, fmt, hours


class MaxShiftLength(Rule):
    id = "max_shift_length"
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


RULE = MaxShiftLength()
