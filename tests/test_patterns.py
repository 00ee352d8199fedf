"""Patterns a ward expects (trust policy, severity `pattern`): nights in blocks, whole
weekends, no long day before nights. Hand-worked cases for the check, the model agreeing with
the check both ways on random rotas, and builds that keep them."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rota_solve.solver.checker import check_rota
from rota_solve.solver.cli import app
from rota_solve.solver.rota import Doctor, Patterns, Rota
from rota_solve.solver.solve import solve
from tests.helpers import MONDAY, D, make_rota
from tests.spec_helpers import make_spec, shift
from tests.test_build import AGREEMENT, RANDOM_SHIFTS, _accepts

N = "20:00"
NIGHT = 750  # 20:00-08:30
LD = 750  # 08:00-20:30


def findings(rota: Rota, rule: str | None = None) -> list[str]:
    return [b.rule for b in check_rota(rota).patterns if rule is None or b.rule == rule]


def with_patterns(rota: Rota, patterns: Patterns) -> Rota:
    rota.patterns = patterns
    return rota


# -- night blocks -------------------------------------------------------------------------


def test_a_single_night_is_a_finding_a_pair_is_not() -> None:
    single = make_rota([D(2, N, NIGHT)], weeks=2)
    pair = make_rota([D(2, N, NIGHT), D(3, N, NIGHT)], weeks=2)
    assert findings(single) == ["night_blocks"]
    assert findings(pair) == []
    assert not check_rota(single).breaches or all(
        b.severity != "pattern" for b in check_rota(single).breaches
    )


def test_night_blocks_are_not_contract_breaches() -> None:
    result = check_rota(make_rota([D(2, N, NIGHT)], weeks=2))
    assert result.compliant and result.patterns and result.patterns[0].severity == "pattern"


def test_a_block_cut_by_a_one_off_period_is_exempt() -> None:
    first = make_rota([D(0, N, NIGHT)], weeks=2)
    last = make_rota([D(13, N, NIGHT)], weeks=2)
    assert findings(first, "night_blocks") == [] and findings(last, "night_blocks") == []
    # in a repeating cycle the same nights join round the end: day 13 + day 0 is a pair
    both = make_rota([D(0, N, NIGHT), D(13, N, NIGHT)], weeks=2, repeats=True)
    assert findings(both, "night_blocks") == []
    alone = make_rota([D(0, N, NIGHT)], weeks=2, repeats=True)
    assert findings(alone, "night_blocks") == ["night_blocks"]


def test_night_block_min_three_and_off() -> None:
    pair = make_rota([D(2, N, NIGHT), D(3, N, NIGHT)], weeks=2)
    assert findings(with_patterns(pair, Patterns(night_block_min=3))) == ["night_blocks"]
    single = make_rota([D(2, N, NIGHT)], weeks=2)
    assert findings(with_patterns(single, Patterns(night_block_min=1))) == []


# -- whole weekends -----------------------------------------------------------------------


def test_whole_weekends() -> None:
    # MONDAY + 5 is a Saturday
    sat_only = make_rota([D(5, "08:00", LD)], weeks=2)
    both = make_rota([D(5, "08:00", LD), D(6, "08:00", LD)], weeks=2)
    assert findings(sat_only, "whole_weekends") == ["whole_weekends"]
    assert findings(both, "whole_weekends") == []
    # a Friday night joins the weekend's nights
    fri_sat_sun = make_rota([D(4, N, NIGHT), D(5, N, NIGHT), D(6, N, NIGHT)], weeks=2)
    fri_only = make_rota([D(3, N, NIGHT), D(4, N, NIGHT)], weeks=2)
    assert findings(fri_sat_sun, "whole_weekends") == []
    assert findings(fri_only, "whole_weekends") == ["whole_weekends"]
    # different duties on the two days
    mixed = make_rota([D(5, "08:00", LD), D(6, "08:00", LD)], weeks=2)
    mixed.duties[1] = replace(mixed.duties[1], shift="D")
    assert findings(mixed, "whole_weekends") == ["whole_weekends"]


# -- rest before nights -----------------------------------------------------------------------


def test_no_long_day_before_nights() -> None:
    ld_then_nights = make_rota([D(1, "08:00", LD), D(2, N, NIGHT), D(3, N, NIGHT)], weeks=2)
    day_then_nights = make_rota([D(1, "08:00", 510), D(2, N, NIGHT), D(3, N, NIGHT)], weeks=2)
    assert findings(ld_then_nights, "rest_before_nights") == ["rest_before_nights"]
    assert findings(day_then_nights, "rest_before_nights") == []


# -- the model agrees with the check ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(AGREEMENT))
def test_model_agrees_with_checker_on_patterns(seed: int) -> None:
    rnd = random.Random(10_000 + seed)
    docs = [Doctor("A", grade="FY1"), Doctor("B", grade="ST4")]
    patterns = Patterns(
        night_block_min=rnd.choice([1, 2, 3]),
        whole_weekends=rnd.random() < 0.7,
        rest_before_nights=rnd.random() < 0.7,
    )
    spec = make_spec(
        RANDOM_SHIFTS,
        {},
        docs,
        weeks=rnd.choice([1, 2, 3]),
        repeats=rnd.random() < 0.5,
        rules=rnd.choice(["2016", "2019"]),
        start=MONDAY + timedelta(days=rnd.randrange(7)),
        patterns=patterns,
    )
    # sparse enough that some rotas keep every contract rule, nights often enough to form
    # single nights, pairs and weekend blocks
    chance = {"N": 0.12, "LD": 0.06, "D": 0.05}
    duties = [
        s.duty(d.name, spec.period.start + timedelta(days=day))
        for d in docs
        for day in range(spec.period.days)
        for s in RANDOM_SHIFTS
        if rnd.random() < chance.get(s.code, 0.005)
    ]
    rota = Rota(
        spec.period, {d.name: d for d in docs}, duties, spec.rules, "2025/26", patterns=patterns
    )
    result = check_rota(rota)
    assert _accepts(spec, duties) == (not result.breaches and not result.patterns)


def test_the_random_pattern_rotas_are_not_vacuous() -> None:
    """Some random rotas are accepted, some fail on a pattern alone."""
    accepted = pattern_only = 0
    for seed in range(60):
        rnd = random.Random(10_000 + seed)
        patterns = Patterns(
            night_block_min=rnd.choice([1, 2, 3]),
            whole_weekends=rnd.random() < 0.7,
            rest_before_nights=rnd.random() < 0.7,
        )
        weeks = rnd.choice([1, 2, 3])
        repeats = rnd.random() < 0.5
        rnd.choice(["2016", "2019"])
        start = MONDAY + timedelta(days=rnd.randrange(7))
        chance = {"N": 0.12, "LD": 0.06, "D": 0.05}
        duties = [
            s.duty(name, start + timedelta(days=day))
            for name in ("A", "B")
            for day in range(weeks * 7)
            for s in RANDOM_SHIFTS
            if rnd.random() < chance.get(s.code, 0.005)
        ]
        from rota_solve.solver.rota import Period

        rota = Rota(
            Period(start, weeks, repeats),
            {n: Doctor(n) for n in ("A", "B")},
            duties,
            "2019",
            "2025/26",
            patterns=patterns,
        )
        result = check_rota(rota)
        accepted += not result.breaches and not result.patterns
        pattern_only += not result.breaches and bool(result.patterns)
    assert accepted > 0 and pattern_only > 0


# -- builds keep them -------------------------------------------------------------------


def test_a_build_has_no_single_nights_and_whole_weekends() -> None:
    shifts = [shift("D", "08:00", 510), shift("LD", "08:00", 750), shift("N", "20:00", 750)]
    days = [d for d in range(28) if d % 7 < 5]
    spec = make_spec(
        shifts,
        {"D": days, "LD": "all", "N": "all"},
        [Doctor(f"Dr {i}", grade="FY1") for i in range(8)],
        weeks=4,
        repeats=True,
        time_limit=20.0,
        patterns=Patterns(),
    )
    result = solve(spec)
    assert result.rota is not None and result.check is not None
    assert result.check.patterns == []
    nights: dict[str, set[int]] = {}
    for d in result.rota.duties:
        if d.shift == "N":
            nights.setdefault(d.doctor, set()).add(spec.period.day_index(d.start.date()))
    for days_worked in nights.values():
        for day in days_worked:  # every night has a neighbour night (the cycle wraps)
            assert (day - 1) % 28 in days_worked or (day + 1) % 28 in days_worked


def test_patterns_are_settings_and_check_reads_them(tmp_path: Path) -> None:
    """build writes the patterns it kept into the rota's Settings; check applies them."""
    from tests.spec_helpers import write_spec

    spec = write_spec(
        tmp_path / "spec.xlsx",
        settings={
            "start_date": "2026-08-03",
            "weeks": 4,
            "night_block_min": 2,
            "whole_weekends": "yes",
            "rest_before_nights": "yes",
            "time_limit": 20,
        },
        doctors=[[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes"] for i in range(8)],
    )
    out = tmp_path / "rota.xlsx"
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    settings = dict(r[:2] for r in load_workbook(out)["Settings"].iter_rows(values_only=True))
    assert settings["night_block_min"] == 2 and settings["whole_weekends"] == "yes"
    result = runner.invoke(app, ["check", str(out), "--json"])
    assert result.exit_code == 0
    import json

    assert json.loads(result.stdout)["patterns"] == []
    bad = write_spec(
        tmp_path / "bad.xlsx",
        settings={"start_date": date(2026, 8, 3), "weeks": 2, "night_block_min": 5},
    )
    result = runner.invoke(app, ["build", str(bad)])
    assert result.exit_code == 2 and "night_block_min" in result.output
