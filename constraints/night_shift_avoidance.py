"""night_shift_avoidance: a shift designed to dodge the whole-shift night enhancement.

Rostering guidance (NHS Employers contract FAQ, May 2016): the agreed rostering guidance
"will expressly prohibit the designing of shifts to avoid paying the 37 % night
enhancement"; adhering to it is a contractual requirement. Severity `guidance`.

Detector (contract-rules.md): a shift of at least 8 h that is a night shift (>= 3 h between
23:00 and 06:00) and starts just outside the window that earns the whole-shift enhancement
(20:00 to 00:00 inclusive): within 2 hours before 20:00, or within 2 hours after 00:00.
19:30-08:00, 18:00-06:30 and 00:30-09:00 are flagged; 20:00-08:30, 00:00-08:00, a 17:00-03:00
late shift and a 24 h 09:00 duty are not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rota_solve.constraints.base import Breach, Context, Item, Rule, fmt, night_minutes
from rota_solve.constraints.encode import forbid_where
from rota_solve.solver.clock import DAY, hhmm

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


def dodges_night_enhancement(
    start_clock: int, minutes: int, night_minutes: int, params: dict[str, Any], night_min: int
) -> int | None:
    """The detector on plain numbers (minutes). Returns the edge of the whole-shift window
    the shift starts just outside (minutes after midnight), or None when it is not flagged.
    Shared with the validation of a spec's Shifts sheet."""
    ws = hhmm(params["whole_shift_window"][0])
    we = hhmm(params["whole_shift_window"][1])
    margin = round(float(params["margin_hours"]) * 60)
    if minutes < round(float(params["min_hours"]) * 60) or night_minutes < night_min:
        return None
    if 0 < (ws - start_clock) % DAY <= margin:
        return ws
    if 0 < (start_clock - we) % DAY <= margin:
        return we
    return None


class NightShiftAvoidance(Rule):
    id = "night_shift_avoidance"
    title = "night designed to dodge the enhancement"
    citation = (
        "Rostering guidance (FAQ May 2016): no shifts designed to avoid the night enhancement"
    )
    severity = "guidance"

    def check(self, ctx: Context) -> list[Breach]:
        p = ctx.params(self.id)
        night_min = ctx.defs.night_min_minutes
        out = []
        for name, tl in ctx.timelines.items():
            for it in tl.base_items:
                if it.on_call:
                    continue
                clock = it.start % DAY
                edge = dodges_night_enhancement(
                    clock, it.minutes, ctx.night_minutes(it), p, night_min
                )
                if edge is not None:
                    ws = p["whole_shift_window"]
                    msg = (
                        f"{it.label()} ({fmt(it.minutes)} h, {fmt(ctx.night_minutes(it))} h"
                        f" in the night window) starts at {clock // 60:02d}:{clock % 60:02d},"
                        f" just outside {ws[0]}-{ws[1]} when the whole shift would earn the"
                        " night enhancement"
                    )
                    fix = f"start it at {edge // 60 % 24:02d}:{edge % 60:02d} instead"
                    out.append(self.breach(ctx, name, it, clock / 60, edge / 60, msg, fix))
        return out

    def encode(self, m: RotaModel) -> None:
        p = m.params(self.id)
        night_min = m.defs.night_min_minutes

        def flagged(it: Item) -> bool:
            if it.on_call:
                return False
            minutes = night_minutes(m.defs, it)
            return (
                dodges_night_enhancement(it.start % DAY, it.minutes, minutes, p, night_min)
                is not None
            )

        forbid_where(m, flagged)


RULE = NightShiftAvoidance()
