"""max_consecutive_nights: Night shifts (at least 3 h of work between 23:00 and 06:00) on
consecutive days: at most 4, in 2016 and 2019. [C]

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_max_run
from rota_solve.constraints.encode import max_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MaxConsecutiveNights(Rule):
    id = "max_consecutive_nights"
    title = "consecutive nights"
    citation = "TCS 2016 Schedule 3: at most 4 consecutive night shifts"

    def check(self, ctx: Context) -> list[Breach]:
        return check_max_run(self, ctx, Context.is_night, "a night shift")

    def encode(self, m: RotaModel) -> None:
        max_run(m, self.id, "night")


RULE = MaxConsecutiveNights()
