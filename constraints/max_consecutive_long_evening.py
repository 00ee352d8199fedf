"""max_consecutive_long_evening: Long evening shifts (long shifts finishing after 23:00; the
start condition is a parameter) on consecutive days: at most 4. [C] FAQ

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_max_run
from rota_solve.constraints.encode import max_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class MaxConsecutiveLongEvening(Rule):
    id = "max_consecutive_long_evening"
    title = "consecutive long evenings"
    citation = "TCS 2016 Schedule 3: at most 4 long evening shifts on consecutive days"

    def check(self, ctx: Context) -> list[Breach]:
        return check_max_run(self, ctx, Context.is_long_evening, "a long evening shift")

    def encode(self, m: RotaModel) -> None:
        max_run(m, self.id, "long_evening")


RULE = MaxConsecutiveLongEvening()
