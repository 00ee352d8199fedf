"""rest_after_nights: 46 hours rest after a run of night shifts: a run of 3 or 4 in 2016, any
run in 2019 (Hansard PQ 270697, 3 July 2019). [C]

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_rest_after_run
from rota_solve.constraints.encode import rest_after_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class RestAfterNights(Rule):
    id = "rest_after_nights"
    title = "rest after nights"
    citation = (
        "TCS 2016 Schedule 3: 46 hours rest after 3 or 4 consecutive nights (2016); after"
        " any run of nights, even one (2019, Hansard PQ 270697)"
    )

    def check(self, ctx: Context) -> list[Breach]:
        return check_rest_after_run(self, ctx, Context.is_night, "a night shift")

    def encode(self, m: RotaModel) -> None:
        rest_after_run(m, self.id, "night", "any" if m.defs.oncall_ends_rest else "shift")


RULE = RestAfterNights()
