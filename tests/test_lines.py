"""Line rotas (`rota_type` = `line`, README: Line rotas): one template of N weekly lines that N
doctors work in turn, a week apart, built by the same engine and checked as a repeating
rota; and the inputs a line rota cannot honour refused with the sheet named."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from rota_solve.solver.cli import app
from rota_solve.solver.errors import InputError
from rota_solve.solver.lines import shifted_from_template, template
from rota_solve.solver.rota import Duty
from rota_solve.solver.scenarios import load
from rota_solve.solver.solve import solve
from rota_solve.solver.spec_io import read_spec
from tests.conftest import ROOT
from tests.spec_helpers import write_spec

RUNNER = CliRunner()

DAY_9H = ["D", "Day", "08:00", "17:00", "no", None]


def _line_settings(weeks: int, **more: Any) -> dict[str, Any]:
    return {
        "start_date": "2026-08-03",  # a Monday: lines run Monday to Sunday
        "weeks": weeks,
        "rota_type": "line",
        "time_limit": 20,
        **more,
    }


def _fy1s(n: int) -> list[list[Any]]:
    return [[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes"] for i in range(n)]


LINE = {
    "settings": _line_settings(4, whole_weekends="no", night_block_min=1),
    "shifts": [DAY_9H],
    "cover": [["D", "Weekdays", 2, None], ["D", "Weekends", 1, None]],
    "doctors": _fy1s(4),
}


def test_hand_worked_line_rota(tmp_path: Path) -> None:
    """Four FY1s on a 1 in 4 line rota of 9 h days (08:00-17:00): two a weekday, one on
    Saturday and one on Sunday; whole weekends off, so the two weekend days may go on
    different lines.

    Hours are fixed by the cover: (10 + 2) x 9 h = 108 h a week over 4 lines = 27 h a week
    each, under 40 h, so no additional hours and no night or on-call pay: the only choice
    that costs is the weekend allowance (2019, by 1-in-N over the cycle).
      - Saturday and Sunday on one line: each doctor works 1 weekend in 4 -> 7.5 % of basic;
      - on two lines: 2 in 4 = 1 in 2 -> 15 %.
    FY1 basic 2025/26 (NP1) £38,831; 7.5 % = £2,912.33 (pennies rounded); so the optimum is
    4 x (38,831 + 2,912.33) = £166,973.32 a year, proven optimal.
    """
    path = write_spec(tmp_path / "spec.xlsx", **LINE)
    spec = read_spec(path)
    r = solve(spec)
    assert r.status == "OPTIMAL"
    assert r.cost == pytest.approx(4 * (38_831 + 2_912.33), abs=0.02)
    assert r.rota is not None and r.check is not None
    for line in r.check.pay:
        assert line.weekend_allowance == pytest.approx(2_912.33, abs=0.01)
        assert line.additional_hours == 0
        assert line.average_weekly_hours == pytest.approx(27.0)
    lines = template(spec, r.rota.duties)
    weekend_lines = [n for n, line in enumerate(lines) if line[5] or line[6]]
    assert len(weekend_lines) == 1  # Saturday and Sunday on the one line
    # the individual rota of the same spec is never dearer (the line is a restriction)
    individual = solve(spec.model_copy(update={"rota_type": "individual"}))
    assert individual.status == "OPTIMAL"
    assert individual.cost is not None and individual.cost <= r.cost + 0.01


def _shifted(spec_doctors: list[str], duties: list[Duty], weeks: int) -> None:
    """Every doctor's duties are doctor 0's shifted by whole weeks: doctor k's day d is
    doctor 0's day d + 7k round the cycle (worked here without lines.py)."""
    days = weeks * 7
    start = min(d.start.date() for d in duties)
    start -= timedelta(days=start.weekday())  # the specs here start on a Monday
    by: dict[str, set[tuple[int, str]]] = {n: set() for n in spec_doctors}
    for d in duties:
        by[d.doctor].add(((d.start.date() - start).days, d.shift))
    first = by[spec_doctors[0]]
    for k, name in enumerate(spec_doctors):
        moved = {((day - 7 * k) % days, code) for day, code in first}
        assert by[name] == moved, name


def test_line_rota_from_the_cli_is_one_template_and_checks_clean(tmp_path: Path) -> None:
    """Six doctors, days, long days and nights in blocks of 2-4, whole weekends: the written
    rota is the template shifted by whole weeks, cover exact every day, `check` clean,
    every doctor's hours, nights and weekends equal, and the Template sheet reads back."""
    path = write_spec(
        tmp_path / "spec.xlsx",
        settings=_line_settings(6, night_block_min=2, whole_weekends="yes"),
        cover=[["D", "Weekdays", 1, None], ["LD", "All", 1, None], ["N", "All", 1, None]],
        doctors=[
            [f"Dr {n}", g, 1, "no", None, "yes", "yes"]
            for n, g in zip("ABCDEF", ["CT1", "CT2", "FY2", "CT1", "ST1", "FY2"], strict=True)
        ],
    )
    out = tmp_path / "rota.xlsx"
    result = RUNNER.invoke(app, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "line rota" in result.output
    spec = read_spec(path)
    checked = RUNNER.invoke(app, ["check", str(out), "--json"])
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output)
    assert report["breaches"] == []
    wb = load_workbook(out)
    rows = [
        [cell.value for cell in row]
        for row in wb["Assignments"].iter_rows(min_row=2)
        if row[0].value is not None
    ]
    head = [c.value for c in wb["Assignments"][1]]
    col = {h: i for i, h in enumerate(head)}
    duties = [
        Duty(r[col["doctor"]], r[col["start"]], r[col["end"]], str(r[col["shift"]])) for r in rows
    ]
    names = [d.name for d in spec.doctors]
    _shifted(names, duties, 6)
    # cover exact: every day one D on weekdays, one LD and one N every day
    per_day: dict[tuple[int, str], int] = {}
    for d in duties:
        key = ((d.start.date() - spec.period.start).days, d.shift)
        per_day[key] = per_day.get(key, 0) + 1
    for day in range(42):
        weekday = day % 7 < 5
        assert per_day.get((day, "D"), 0) == (1 if weekday else 0)
        assert per_day.get((day, "LD"), 0) == 1
        assert per_day.get((day, "N"), 0) == 1
    pay = report["pay"]
    for key in ("average_weekly_hours", "enhanced_hours", "weekend_frequency"):
        assert len({str(p.get(key)) for p in pay}) == 1, key
    # the Template sheet: six lines of seven days and the doctor who starts each
    sheet = wb["Template"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["line", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    lines = [[c.value or "" for c in row[1:8]] for row in sheet.iter_rows(min_row=2, max_row=7)]
    assert lines == template(spec, duties)
    assert [row[10].value for row in sheet.iter_rows(min_row=2, max_row=7)] == names
    settings = {r[0].value: r[1].value for r in wb["Settings"].iter_rows(min_row=2)}
    assert settings["rota_type"] == "line"


def test_shifted_from_template_names_a_doctor_off_the_template(tmp_path: Path) -> None:
    path = write_spec(tmp_path / "spec.xlsx", **LINE)
    spec = read_spec(path)
    r = solve(spec)
    assert r.rota is not None
    assert shifted_from_template(spec, r.rota.duties) == []
    moved = [
        d if d.doctor != "Dr 2" else Duty(d.doctor, d.start + timedelta(days=1), d.end, d.shift)
        for d in r.rota.duties
    ]
    off = shifted_from_template(spec, moved)
    assert off and all(o.startswith("Dr 2") for o in off)


def _refused(tmp_path: Path, **spec: Any) -> str:
    path = write_spec(tmp_path / "spec.xlsx", **spec)
    out = tmp_path / "rota.xlsx"
    result = RUNNER.invoke(app, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        ({"settings": _line_settings(5)}, ["Settings", "weeks", "set weeks to 4"]),
        ({"settings": _line_settings(4, repeats="no")}, ["Settings", "repeats"]),
        (
            {"extra": {"Leave": [["doctor", "from", "to"], ["Dr 1", "2026-08-10", "2026-08-14"]]}},
            ["Leave", "row 2", "backfill"],
        ),
        (
            {"extra": {"Fixed": [["doctor", "date", "shift"], ["Dr 1", "2026-08-10", "D"]]}},
            ["Fixed", "row 2"],
        ),
        (
            {"extra": {"Requests": [["doctor", "date", "shift"], ["Dr 1", "2026-08-10", "off"]]}},
            ["Requests", "row 2"],
        ),
        (
            {"doctors": [*_fy1s(3), ["Dr 9", "FY1", 0.8, "no", None, "yes", "yes"]]},
            ["Doctors", "row 5", "ltft", "LTFT"],
        ),
        (
            {"doctors": [*_fy1s(3), ["Dr 9", "FY1", 1, "no", None, "no", "yes"]]},
            ["Doctors", "row 5", "nights"],
        ),
        (
            {"cover": [["D", "Weekdays", 2, None], ["D", "2026-08-08", 1, None]]},
            ["Cover", "row 3", "days", "the same every week"],
        ),
        (
            {"cover": [["D", "Weekdays", 2, "FY1"], ["D", "Weekends", 1, None]]},
            ["Cover", "row 2", "grades"],
        ),
        (
            {"cover": [["D", "Weekdays", 2, None], ["D", "Bank holidays", 0, None]]},
            ["Cover", "row 3", "Bank holidays"],
        ),
    ],
)
def test_what_a_line_rota_cannot_honour_is_refused(
    tmp_path: Path, change: dict[str, Any], expect: list[str]
) -> None:
    message = _refused(tmp_path, **{**LINE, **change})
    for text in expect:
        assert text in message, message


def test_a_days_off_doctor_is_refused(tmp_path: Path) -> None:
    path = write_spec(tmp_path / "spec.xlsx", **LINE)
    wb = load_workbook(path)
    ws = wb["Doctors"]
    ws.cell(1, 8, "days_off")
    ws.cell(3, 8, "Wed")
    wb.save(path)
    result = RUNNER.invoke(app, ["build", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "Doctors" in message and "row 3" in message and "days_off" in message


def test_an_unknown_setting_is_refused_by_row(tmp_path: Path) -> None:
    """A typo in Settings is not silently ignored (before line rotas, `rota_type` = `line`
    was read by nothing and an individual rota was built)."""
    settings = {**_line_settings(4), "fair_hour_band": 2}
    message = _refused(tmp_path, **{**LINE, "settings": settings})
    assert "Settings" in message and "fair_hour_band" in message and "row 6" in message
    bad = {**_line_settings(4), "rota_type": "lines"}
    message = _refused(tmp_path, **{**LINE, "settings": bad})
    assert "rota_type" in message and "individual or line" in message


def test_the_line_example_builds_and_checks(tmp_path: Path) -> None:
    spec_path = ROOT / "examples" / "sho-line-spec.xlsx"
    spec = read_spec(spec_path)
    assert spec.rota_type == "line"
    r = solve(spec, time_limit=20)
    assert r.status in ("OPTIMAL", "FEASIBLE")
    assert r.rota is not None and r.check is not None and not r.check.breaches
    assert shifted_from_template(spec, r.rota.duties) == []


def test_a_scenario_may_ask_for_a_line_rota(tmp_path: Path) -> None:
    """bench: `setting rota_type line` is a scenario like any other, validated as a spec is
    (a line rota of LTFT doctors is refused naming the Scenarios row and the reason)."""
    scenarios = [
        ["scenario", "change", "target", "days", "value"],
        ["as a line rota", "setting", "rota_type", None, "line"],
        ["line with LTFT", "setting", "rota_type", None, "line"],
        ["line with LTFT", "ltft", "Dr 1", None, 0.8],
    ]
    individual = {**LINE, "settings": {**_line_settings(4), "rota_type": "individual"}}
    path = write_spec(tmp_path / "spec.xlsx", **individual, extra={"Scenarios": scenarios[:2]})
    base = read_spec(path)
    assert base.rota_type == "individual"
    (sc,) = load(path, base)
    assert sc.spec is not None and sc.spec.rota_type == "line"
    r = solve(sc.spec)
    assert r.status == "OPTIMAL" and r.rota is not None
    assert shifted_from_template(sc.spec, r.rota.duties) == []
    path = write_spec(tmp_path / "spec2.xlsx", **individual, extra={"Scenarios": scenarios})
    with pytest.raises(InputError) as err:
        load(path, base)
    text = str(err.value)
    assert "Scenarios" in text and "row 3" in text and "LTFT" in text
