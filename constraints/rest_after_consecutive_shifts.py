"""rest_after_consecutive_shifts: after the maximum run of shifts on consecutive days (8 in
2016, 7 in 2019), at least 48 hours rest before the next duty. [C]/[S]

Runs are of consecutive calendar days, by the day a duty starts (on-call periods included);
a run that crosses the end of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_rest_after_run
from rota_solve.constraints.encode import rest_after_run
from rota_solve.constraints.max_consecutive_shifts import is_duty

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class RestAfterConsecutiveShifts(Rule):
    id = "rest_after_consecutive_shifts"
    title = "rest after consecutive shifts"
    citation = (
        "TCS 2016 Schedule 3: 48 hours rest after 8 consecutive shifts (7 in the 2019 refresh)"
    )

    def check(self, ctx: Context) -> list[Breach]:
        return check_rest_after_run(self, ctx, is_duty, "a shift", include_on_call=True)

    def encode(self, m: RotaModel) -> None:
        rest_after_run(m, self.id, "any", "any")


RULE = RestAfterConsecutiveShifts()
