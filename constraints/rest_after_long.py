"""rest_after_long: After the maximum run of long shifts on consecutive days (5 in 2016; 4 in
2019, 'following the conclusion of the fourth long shift'), at least 48 hours rest before
the next shift. [C]/[S]

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule, check_rest_after_run
from rota_solve.constraints.encode import rest_after_run

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class RestAfterLong(Rule):
    id = "rest_after_long"
    title = "rest after long shifts"
    citation = (
        "TCS 2016 Schedule 3: 48 hours rest after the maximum run of consecutive long "
        "shifts (5 in 2016, 4 in 2019)"
    )

    def check(self, ctx: Context) -> list[Breach]:
        return check_rest_after_run(self, ctx, Context.is_long, "a long shift")

    def encode(self, m: RotaModel) -> None:
        rest_after_run(m, self.id, "long", "any" if m.defs.oncall_ends_rest else "shift")


RULE = RestAfterLong()
