"""Rules are listed in one place, one module per stable id, each with a citation and its
parameters in every rule-set data file; the pay years are data files too."""

from __future__ import annotations

import importlib

import pytest

from rota_solve.constraints import RULE_IDS, RULES
from rota_solve.solver.ruleset import (
    available_pay_years,
    available_rule_sets,
    latest_pay_year,
    load_pay_year,
    load_rule_set,
)

STABLE_IDS = {
    "max_shift_length",
    "min_rest",
    "max_hours_in_168h",
    "max_avg_weekly_hours",
    "max_consecutive_long",
    "rest_after_long",
    "max_consecutive_nights",
    "rest_after_nights",
    "max_consecutive_shifts",
    "rest_after_consecutive_shifts",
    "max_consecutive_long_evening",
    "rest_after_long_evening",
    "weekend_frequency",
    "max_oncall_length",
    "oncall_consecutive",
    "oncall_per_7_days",
    "day_after_oncall",
    "night_shift_avoidance",
}


def test_eighteen_rules_one_module_each() -> None:
    assert len(RULES) == 18
    assert set(RULE_IDS) == STABLE_IDS
    for rule in RULES:
        module = importlib.import_module(f"rota_solve.constraints.{rule.id}")
        assert module.RULE is rule
        assert rule.citation and (module.__doc__ or "").startswith(rule.id)


@pytest.mark.parametrize("name", ["2016", "2019"])
def test_rule_sets_hold_every_parameter_with_its_source(name: str) -> None:
    rs = load_rule_set(name)
    assert set(rs.rules) == STABLE_IDS
    for rule_id, params in rs.rules.items():
        assert params.get("source"), rule_id
        assert len(params) >= 2, rule_id


def test_the_2019_differences_are_data() -> None:
    a, b = load_rule_set("2016"), load_rule_set("2019")
    assert a.params("max_consecutive_long")["limit"] == 5
    assert b.params("max_consecutive_long")["limit"] == 4
    assert a.params("rest_after_nights")["after_run_of"] == 3
    assert b.params("rest_after_nights")["after_run_of"] == 1
    assert a.params("max_consecutive_shifts")["limit"] == 8
    assert b.params("max_consecutive_shifts")["limit"] == 7
    assert a.pay.finish_window is None and b.pay.finish_window is not None
    assert a.pay.weekend_bands[0] == (2, 10.0) and b.pay.weekend_bands[0] == (2, 15.0)


def test_pay_years() -> None:
    assert available_rule_sets() == ["2016", "2019"]
    assert available_pay_years() == ["2016/17", "2023/24", "2024/25", "2025/26"]
    assert latest_pay_year() == "2025/26"
    for year in available_pay_years():
        y = load_pay_year(year)
        assert y.source
        assert set(y.grades) == {"FY1", "FY2", "CT1", "CT2", "CT3"} | {
            f"ST{n}" for n in range(1, 9)
        }
