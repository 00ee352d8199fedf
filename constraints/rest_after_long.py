"""rest_after_long: After the maximum run of long shifts on consecutive days (5 in 2016; 4 in
2019, 'following the conclusion of the fourth long shift'), at least 48 hours rest before
the next shift. [C]/[S]

Runs are of consecutive calendar days, by the day a shift starts; a run that crosses the end
of a repeating cycle into its start is one run, reported once.
"""

from __future__ import annotations

from rota_solve.constraints.base import Breach, Context, Rule, check_rest_after_run


class RestAfterLong(Rule):
    id = "rest_after_long"
    citation = (
        "TCS 2016 Schedule 3: 48 hours rest after the maximum run of consecutive long "
        "shifts (5 in 2016, 4 in 2019)"
    )

    def check(self, ctx: Context) -> list[Breach]:
        return check_rest_after_run(self, ctx, Context.is_long, "a long shift")


RULE = RestAfterLong()
