"""night_blocks: nights come in blocks of at least `night_block_min` (Settings, default 2).

Trust policy, not contract (severity `pattern`): a single night between days off costs a
doctor two disrupted sleeps for one shift, and the 2019 refresh's 46 h rest after *any* night
exists to stop single nights. The contract's maximum (`max_consecutive_nights`) bounds a
block from above. A block cut by the start or the end of a one-off period is not a finding:
the rest of it lies outside the rota. `night_block_min` = 1 turns the rule off.

Blocks are runs of consecutive days with a night shift starting, as for the contract's runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rota_solve.constraints.base import Breach, Context, Rule
from rota_solve.solver.rota import Patterns

if TYPE_CHECKING:  # pragma: no cover
    from rota_solve.solver.cpmodel import RotaModel


class NightBlocks(Rule):
    id = "night_blocks"
    title = "nights in blocks"
    citation = "Trust policy (Settings night_block_min): nights in blocks, not single nights"
    severity = "pattern"

    def enabled(self, patterns: Patterns) -> bool:
        return patterns.night_block_min > 1

    def check(self, ctx: Context) -> list[Breach]:
        least = ctx.patterns.night_block_min
        if least <= 1:
            return []
        out = []
        last = ctx.period.days - 1
        for name, tl in ctx.timelines.items():
            for run in ctx.runs(tl, Context.is_night):
                if run.unbounded or run.length >= least:
                    continue
                if not ctx.period.repeats and (run.first_day == 0 or run.last_day >= last):
                    continue  # cut by the start or end of a one-off period
                nights = "1 night" if run.length == 1 else f"{run.length} nights"
                msg = (
                    f"a block of {nights} ({ctx.span(run.first_day, run.last_day)}); blocks"
                    f" of at least {least} (night_block_min)"
                )
                out.append(self.breach(ctx, name, run.first, run.length, least, msg))
        return out

    def encode(self, m: RotaModel) -> None:
        """No block of exactly k nights for k < night_block_min: for each day t, not (no
        night on t-1, nights on t..t+k-1, no night on t+k)."""
        least = m.spec.patterns.night_block_min
        last = m.days - 1
        for doctor in m.doctors():
            for t in range(m.days):
                for k in range(1, least):
                    if not m.period.repeats and (t == 0 or t + k - 1 >= last):
                        continue
                    inside = [m.flag(doctor, t + j, "night") for j in range(k)]
                    if any(f is None for f in inside):
                        continue
                    clause = [f.negated() for f in inside if f is not None]
                    for edge in (t - 1, t + k):
                        f = m.flag(doctor, edge, "night")
                        if f is not None and (m.period.repeats or 0 <= edge <= last):
                            clause.append(f)
                    m.model.add_bool_or(clause)


RULE = NightBlocks()
