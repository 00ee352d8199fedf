"""rest_after_long_evening: After 4 long evening shifts on consecutive days, at least 48 hours
rest before the next shift. [C] FAQ

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_rest_after_run
from rota_solve.constraints.encode import rest_after_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class RestAfterLongEvening(Rule):
    id = "rest_after_long_evening"
    title = "rest after long evenings"
    citation = "TCS 2016 Schedule 3: 48 hours rest after 4 consecutive long evening shifts"

    def check(self, ctx: Context) -> list[Breach]:
        return check_rest_after_run(self, ctx, Context.is_long_evening, "a long evening shift")

    def encode(self, m: RotaModel) -> None:
        rest_after_run(m, self.id, "long_evening", "any" if m.defs.oncall_ends_rest else "shift")


RULE = RestAfterLongEvening()
