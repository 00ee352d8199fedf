"""Build for real departments: gaps for a locum, cover ranges, fairness per WTE (hours band x
LTFT, weekends by the hours definition, days_off, changeover dates, non-working-day leave),
and on-call ending the rest after a run."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from ortools.sat.python import cp_model
from typer.testing import CliRunner

from rota_solve.constraints.weekend_frequency import weekend_flags
from rota_solve.solver.checker import check_rota
from rota_solve.solver.cli import app
from rota_solve.solver.cpmodel import build_model
from rota_solve.solver.fairness import fairness_bounds, weights
from rota_solve.solver.rota import Doctor, Patterns
from rota_solve.solver.ruleset import load_rule_set
from rota_solve.solver.solve import solve
from rota_solve.solver.spec import CoverNeed, Fairness, Leave
from tests.helpers import D, make_rota, oc
from tests.spec_helpers import make_spec, shift, write_spec

FY1 = 38_831.00
D9 = shift("D", "08:00", 540)
D8 = shift("D", "08:00", 480)
N12 = shift("N", "20:00", 720)
RUNNER = CliRunner()


# -- gaps: the cheaper of a doctor's additional hours and a locum --------------------------


@pytest.mark.parametrize(("price", "gaps"), [(10.0, 1), (12.0, 0)])
def test_gaps_take_the_cheaper_of_additional_hours_and_a_locum(price: float, gaps: int) -> None:
    # One FY1, Mon-Fri 9 h days, one week. Working all five: 45 h, 5 additional hours a
    # week: 38,831 x 5 / 40 = 4,853.875 -> 4,853.88 a year. Leaving one for a locum: 40 h,
    # no additional hours, and a gap of 9 h a week: price x 9 x 52.143 a year; at £10 that
    # is 4,692.87 (cheaper), at £12 5,631.44 (dearer).
    spec = make_spec([D9], {"D": [0, 1, 2, 3, 4]}, [Doctor("Dr A", grade="FY1")])
    spec = spec.model_copy(update={"gaps": True, "gap_price": price})
    result = solve(spec)
    assert result.status == "OPTIMAL"
    assert sum(g.count for g in result.unfilled) == gaps
    if gaps:
        assert result.cost == pytest.approx(FY1)
        assert result.unfilled_cost == pytest.approx(4_692.87)
        assert result.unfilled[0].hours == 9 and result.unfilled[0].price == pytest.approx(90)
    else:
        assert result.cost == pytest.approx(FY1 + 4_853.88)
        assert result.unfilled_cost == 0


def test_gaps_fill_what_the_rules_cannot(tmp_path: Path) -> None:
    """Four doctors cannot staff a day, a long day and a night every day: the least-cost
    compliant rota and the gaps it leaves, written, marked and checked."""
    doctors = [[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes"] for i in range(4)]
    spec = write_spec(
        tmp_path / "spec.xlsx",
        settings={
            "start_date": "2026-08-03",
            "weeks": 2,
            "repeats": "no",
            "gaps": "allowed",
            "gap_price": 60,
            "time_limit": 10,
            "night_block_min": 1,
            "whole_weekends": "no",
        },
        cover=[["D", "All", 1, None], ["LD", "All", 1, None], ["N", "All", 1, None]],
        doctors=doctors,
    )
    out = tmp_path / "rota.xlsx"
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    js = json.loads(result.stdout.strip().splitlines()[-1])
    assert js["gaps"] > 0 and js["gap_cost"] > 0
    wb = load_workbook(out)
    gaps = list(wb["Gaps"].iter_rows(values_only=True))
    assert gaps[0] == ("date", "day", "shift", "grades", "doctors", "hours", "price", "a year")
    listed = sum(r[4] for r in gaps[1:] if isinstance(r[0], object) and r[0] not in (None, "total"))
    assert listed == js["gaps"]
    rota = [r for r in wb["Rota"].iter_rows(values_only=True) if r[0] == "GAPS (locum)"]
    assert rota and rota[0][1] == js["gaps"]
    summary = dict(r[:2] for r in wb["Summary"].iter_rows(values_only=True))
    assert summary["duties unfilled (gaps)"] == js["gaps"]
    check = RUNNER.invoke(app, ["check", str(out), "--json"])
    assert check.exit_code == 0 and json.loads(check.stdout)["warnings"] == []


def test_gaps_need_a_price(tmp_path: Path) -> None:
    settings = {"start_date": "2026-08-03", "weeks": 2, "gaps": "allowed"}
    spec = write_spec(tmp_path / "spec.xlsx", settings=settings)
    result = RUNNER.invoke(app, ["build", str(spec)])
    assert result.exit_code == 2 and "gap_price" in result.output


# -- cover ranges ----------------------------------------------------------------------------


def test_a_cover_range_is_kept(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path / "spec.xlsx",
        cover=[["D", "Weekdays", "1-3", None], ["LD", "All", 1, None], ["N", "All", 1, None]],
        doctors=[[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes"] for i in range(8)],
    )
    out = tmp_path / "rota.xlsx"
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out)["Cover"].iter_rows(values_only=True))
    header = rows[0]
    required, rostered = header.index("D required"), header.index("D rostered")
    for r in rows[1:]:
        if r[1] in ("Sat", "Sun"):
            continue
        assert r[required] == "1-3" and 1 <= r[rostered] <= 3


def test_a_bad_range_is_refused(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec.xlsx", cover=[["D", "Weekdays", "3-1", None]])
    result = RUNNER.invoke(app, ["build", str(spec)])
    assert result.exit_code == 2 and "column doctors" in result.output


# -- fairness per WTE --------------------------------------------------------------------


def test_hours_band_is_per_wte() -> None:
    # Two full-timers and a 0.6 share Mon-Fri 8 h days for 4 weeks: 160 h. Per WTE
    # 160 / 2.6 = 61.5 h; the 0.6 doctor's share 36.9 h, band 4 h a week x 4 weeks x 0.6
    # = 9.6 h: 27.3..46.5 h; a full-timer's 61.5 +/- 16 h.
    docs = [Doctor("A", grade="FY1"), Doctor("B", grade="FY1"), Doctor("C", grade="FY1", ltft=0.6)]
    days = [d for d in range(28) if d % 7 < 5]
    spec = make_spec([D8], {"D": days}, docs, weeks=4)
    bounds = fairness_bounds(build_model(spec))
    share_c = Fraction(160 * 60) * Fraction(3, 5) / Fraction(13, 5)
    band_c = Fraction(4 * 60 * 4) * Fraction(3, 5)
    assert bounds["C"]["minutes"] == (int(share_c - band_c), int(share_c + band_c) + 1)
    share_a = Fraction(160 * 60) / Fraction(13, 5)
    assert bounds["A"]["minutes"] == (int(share_a - 960), int(share_a + 960) + 1)


def test_a_friday_night_is_a_weekend_worked() -> None:
    spec = make_spec([N12], {"N": [4]}, [Doctor("A", grade="FY1")], weeks=2, fairness=False)
    m = build_model(spec)
    flags = weekend_flags(m, "A")
    m.model.add(m.x[("A", 4, "N")] == 1)
    solver = cp_model.CpSolver()
    assert solver.solve(m.model) == cp_model.OPTIMAL
    assert sum(solver.value(f) for f in flags) == 1


def test_days_off_and_non_working_day_leave_do_not_cut_the_share() -> None:
    docs = [Doctor("A", grade="FY1"), Doctor("B", grade="FY1", ltft=0.8, days_off=(2,))]
    days = [d for d in range(14) if d % 7 < 5]
    spec = make_spec([D8], {"D": days}, docs, weeks=2)
    base = weights(build_model(spec))
    assert base["B"] == Fraction(4, 5)
    leave = [
        Leave(doctor="B", first=date(2026, 8, 5), last=date(2026, 8, 5), type="non-working day")
    ]
    assert weights(build_model(spec.model_copy(update={"leave": leave})))["B"] == Fraction(4, 5)
    annual = [Leave(doctor="B", first=date(2026, 8, 5), last=date(2026, 8, 5), type="annual")]
    assert weights(build_model(spec.model_copy(update={"leave": annual})))["B"] == Fraction(
        4, 5
    ) * Fraction(13, 14)
    # and B never works a Wednesday
    result = solve(spec)
    assert result.rota is not None
    assert all(d.start.weekday() != 2 for d in result.rota.duties if d.doctor == "B")


def test_changeover_dates_give_a_share_of_the_days_there() -> None:
    start = date(2026, 8, 3)
    docs = [
        Doctor("A", grade="FY1"),
        Doctor("B", grade="FY1", end=start + timedelta(days=6)),  # leaves after week 1
        Doctor("C", grade="FY1", start=start + timedelta(days=7)),  # joins for week 2
    ]
    days = [d for d in range(14) if d % 7 < 5]
    spec = make_spec([D8], {"D": days}, docs, weeks=2)
    w = weights(build_model(spec))
    assert w["A"] == 1 and w["B"] == Fraction(1, 2) and w["C"] == Fraction(1, 2)
    result = solve(spec)
    assert result.rota is not None
    for d in result.rota.duties:
        if d.doctor == "B":
            assert d.start.date() <= start + timedelta(days=6)
        if d.doctor == "C":
            assert d.start.date() >= start + timedelta(days=7)


def test_weekends_are_shared_by_the_hours_definition() -> None:
    """Weekend nights Fri-Sun and weekend long days shared by four doctors over four
    weeks: everyone works one weekend (a Friday night counts)."""
    ld = shift("LD", "08:00", 750)
    weekend_nights = [d for d in range(28) if d % 7 in (4, 5, 6)]
    weekend_days = [d for d in range(28) if d % 7 in (5, 6)]
    docs = [Doctor(f"Dr {i}", grade="FY1") for i in range(8)]
    spec = make_spec(
        [ld, N12],
        {"N": weekend_nights, "LD": weekend_days},
        docs,
        weeks=4,
        patterns=Patterns(night_block_min=1, whole_weekends=True, rest_before_nights=False),
    )
    spec = spec.model_copy(update={"fairness": Fairness(hours_band=12, weekends_band=0)})
    result = solve(spec)
    assert result.rota is not None and result.check is not None
    sats = spec.period.saturdays()
    from rota_solve.constraints.base import Context
    from rota_solve.constraints.weekend_frequency import weekends_worked

    ctx = Context(result.rota, load_rule_set("2019"))
    counts = sorted(len(weekends_worked(ctx, tl)) for tl in ctx.timelines.values())
    assert len(sats) == 4 and counts == [1] * 8


# -- on-call ends the rest after a run ------------------------------------------------------


def test_an_on_call_period_inside_the_rest_after_nights_ends_it() -> None:
    # 2019: a night Mon 20:00-08:30, then a 24 h on-call Thu 09:00: 48.5 h later, fine; an
    # on-call Tue 17:00 is 8.5 h after: the 46 h rest is cut short.
    fine = make_rota([D(0, "20:00", 750), oc(3, "09:00")], weeks=2)
    short = make_rota([D(0, "20:00", 750), oc(1, "17:00", 960)], weeks=2)
    rules = [b.rule for b in check_rota(short).breaches]
    assert "rest_after_nights" in rules
    assert "rest_after_nights" not in [b.rule for b in check_rota(fine).breaches]


def test_the_protective_reading_is_a_rule_set_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    from rota_solve.solver import ruleset

    original = ruleset.load_rule_set("2019")
    lenient = replace(original, definitions=replace(original.definitions, oncall_ends_rest=False))
    monkeypatch.setattr("rota_solve.solver.checker.load_rule_set", lambda name: lenient)
    short = make_rota([D(0, "20:00", 750), oc(1, "17:00", 960)], weeks=2)
    assert "rest_after_nights" not in [b.rule for b in check_rota(short).breaches]


def test_cover_need_upper() -> None:
    assert CoverNeed(day=0, code="D", doctors=1, most=3).upper == 3
    assert CoverNeed(day=0, code="D", doctors=2).exact


# -- time: wall clock by default, deterministic when reproducible ---------------------------


def test_wall_clock_limit_and_reproducible_mode(tmp_path: Path) -> None:
    import time

    spec = write_spec(
        tmp_path / "spec.xlsx",
        settings={"start_date": "2026-08-03", "weeks": 4, "repeats": "yes"},
        doctors=[[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes"] for i in range(9)],
    )
    t0 = time.monotonic()
    out = tmp_path / "wall.xlsx"
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(out), "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - t0 < 3 + 15  # reading, model building and writing aside
    summary = dict(r[:2] for r in load_workbook(out)["Summary"].iter_rows(values_only=True))
    assert summary["time limit"] == "3 s, wall-clock"
    rotas = []
    for k in range(2):
        out = tmp_path / f"rep{k}.xlsx"
        args = ["build", str(spec), "-o", str(out), "--time-limit", "2", "--reproducible"]
        result = RUNNER.invoke(app, args)
        assert result.exit_code == 0, result.output
        summary = dict(r[:2] for r in load_workbook(out)["Summary"].iter_rows(values_only=True))
        assert str(summary["reproducible"]).startswith("yes")
        rows = list(load_workbook(out)["Assignments"].iter_rows(values_only=True))
        rotas.append(sorted(map(str, rows)))
    assert rotas[0] == rotas[1]


# -- hard fairness searched for with priced slack ------------------------------------------


def _slack_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the strict model no time, so that the slack model does the search (and no
    floor-shaped search before it: its pins hold an LTFT doctor's basic, so it runs on these
    small specs, and it is a strict search of its own)."""
    from rota_solve.solver import solve as solve_module

    real = solve_module.solver_settings

    def settings() -> dict[str, object]:
        conf = dict(real())
        conf["fairness"] = {"strict_share": 0.0}
        conf["floor"] = {"share": 0.0}
        return conf

    monkeypatch.setattr(solve_module, "solver_settings", settings)


def test_the_slack_model_returns_only_fair_rotas(monkeypatch: pytest.MonkeyPatch) -> None:
    _slack_first(monkeypatch)
    from rota_solve.solver import solve as solve_module

    real_search = solve_module._search
    runs: list[bool] = []

    def strict_finds_nothing(spec: Any, **kw: Any) -> Any:
        """The strict model's first run gives up with nothing (whatever it found, even a
        proof in presolve); later runs are real."""
        runs.append(kw["slack"])
        run = real_search(spec, **kw)
        if runs == [False]:
            return replace(run, status=cp_model.UNKNOWN, why="gave up")
        return run

    monkeypatch.setattr(solve_module, "_search", strict_finds_nothing)
    docs = [Doctor("Dr F", grade="FY1"), Doctor("Dr L", grade="FY1", ltft=0.5)]
    spec = make_spec([D8], {"D": [0, 1, 2, 3, 4]}, docs)
    spec = spec.model_copy(update={"fairness": Fairness(hours_band=6)})
    result = solve(spec)
    assert result.status == "OPTIMAL"
    assert result.cost == pytest.approx(FY1 + 15_532.40 + 1_000)  # as the strict model
    # with the default band no fair rota exists: the slack model's optimum misses a band,
    # and the strict model proves it
    assert runs[:2] == [False, True]  # the slack model found it
    runs.clear()
    result = solve(spec.model_copy(update={"fairness": Fairness()}))
    assert result.status == "INFEASIBLE" and result.rota is None
    # the slack model proves it itself: the bounds it keeps hard (the pay terms' hours caps
    # and the cuts) are implied by the bands, so "no rota" there is "no fair rota"
    assert runs == [False, True]


def test_a_range_from_none_may_be_worked(tmp_path: Path) -> None:
    """`0-2` asks for up to two: a doctor may work it (before, a need whose least was 0 made
    the shift no one's, and a Fixed duty on it was refused as 'no cover that day')."""
    spec = write_spec(
        tmp_path / "spec.xlsx",
        cover=[["D", "Weekdays", "0-2", None], ["LD", "All", 1, None], ["N", "All", 1, None]],
        doctors=[[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes"] for i in range(8)],
        extra={"Fixed": [["doctor", "date", "shift"], ["Dr 3", "2026-08-05", "D"]]},
    )
    out = tmp_path / "rota.xlsx"
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out)["Assignments"].iter_rows(values_only=True))
    head = rows[0]
    doctor, shift_col = head.index("doctor"), head.index("shift")
    assert any(r[doctor] == "Dr 3" and r[shift_col] == "D" for r in rows[1:])
    rows = list(load_workbook(out)["Cover"].iter_rows(values_only=True))
    required, rostered = rows[0].index("D required"), rows[0].index("D rostered")
    assert all(r[rostered] <= 2 for r in rows[1:])
    assert {r[required] for r in rows[1:] if r[1] not in ("Sat", "Sun")} == {"0-2"}
