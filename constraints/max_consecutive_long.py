"""max_consecutive_long: Long shifts (rostered over 10 hours) on consecutive days: at most 5
(2016), 4 (2019). [C]/[S]

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_max_run
from rota_solve.constraints.encode import max_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MaxConsecutiveLong(Rule):
    id = "max_consecutive_long"
    title = "consecutive long shifts"
    citation = (
        "TCS 2016 Schedule 3: at most 5 long shifts (over 10 h) on consecutive days; 4 in"
        " the 2019 refresh"
    )

    def check(self, ctx: Context) -> list[Breach]:
        return check_max_run(self, ctx, Context.is_long, "a long shift")

    def encode(self, m: RotaModel) -> None:
        max_run(m, self.id, "long")


RULE = MaxConsecutiveLong()
