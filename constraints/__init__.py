"""rota_solve.constraints: one module per contract rule, each with its stable id, its
citation and a plain Python check of a finished rota that returns every breach as data.

The rules are listed here, in one place. The checker path never imports ortools.
"""

from __future__ import annotations

from rota_solve.constraints import (
    day_after_oncall,
    max_avg_weekly_hours,
    max_consecutive_long,
    max_consecutive_long_evening,
    max_consecutive_nights,
    max_consecutive_shifts,
    max_hours_in_168h,
    max_oncall_length,
    max_shift_length,
    min_rest,
    night_blocks,
    night_shift_avoidance,
    oncall_consecutive,
    oncall_per_7_days,
    rest_after_consecutive_shifts,
    rest_after_long,
    rest_after_long_evening,
    rest_after_nights,
    rest_before_nights,
    weekend_frequency,
    whole_weekends,
)
from rota_solve.constraints.base import Breach, Context, Rule

RULES: list[Rule] = [
    max_shift_length.RULE,
    max_oncall_length.RULE,
    min_rest.RULE,
    max_hours_in_168h.RULE,
    max_avg_weekly_hours.RULE,
    max_consecutive_long.RULE,
    rest_after_long.RULE,
    max_consecutive_nights.RULE,
    rest_after_nights.RULE,
    max_consecutive_shifts.RULE,
    rest_after_consecutive_shifts.RULE,
    max_consecutive_long_evening.RULE,
    rest_after_long_evening.RULE,
    weekend_frequency.RULE,
    night_shift_avoidance.RULE,
    oncall_consecutive.RULE,
    oncall_per_7_days.RULE,
    day_after_oncall.RULE,
]

RULE_IDS: list[str] = [r.id for r in RULES]

# Trust policy, not contract: patterns a ward expects (severity `pattern`), each on or off by
# the spec's or rota's Settings. Never contract breaches.
PATTERNS: list[Rule] = [night_blocks.RULE, whole_weekends.RULE, rest_before_nights.RULE]

__all__ = ["PATTERNS", "RULES", "RULE_IDS", "Breach", "Context", "Rule"]
