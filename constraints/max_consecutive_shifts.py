"""max_consecutive_shifts: shifts of any length on consecutive days: at most 8 (2016),
7 (2019). On-call periods are duties and count towards the run (the 2019 refresh allows 12
only for low-intensity weekend on-call, which the rota workbook cannot show). [C]/[S]

Runs are of consecutive calendar days, by the day a duty starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Item, Rule, check_max_run
from rota_solve.constraints.encode import max_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


def is_duty(ctx: Context, it: Item) -> bool:
    return True


class MaxConsecutiveShifts(Rule):
    id = "max_consecutive_shifts"
    title = "consecutive shifts"
    citation = "TCS 2016 Schedule 3: at most 8 shifts on consecutive days (7 in the 2019 refresh)"

    def check(self, ctx: Context) -> list[Breach]:
        return check_max_run(self, ctx, is_duty, "a shift")

    def encode(self, m: RotaModel) -> None:
        max_run(m, self.id, "any")


RULE = MaxConsecutiveShifts()
