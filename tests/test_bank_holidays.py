"""Bank holidays (England and Wales, the `holidays` package): weekend holidays moved to their
observed weekday, Cover rows for `Bank holidays` (a date beats them, they beat day names),
the days off in lieu each doctor is owed (LTFT pro rata, rounded up to the half day) in
check's JSON, the Pay sheet and the work schedules, shaded on the Rota grid."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from rota_solve.solver.bank_holidays import _table, bank_holidays, days_in_lieu, from_package
from rota_solve.solver.cli import app
from rota_solve.solver.spec_io import read_spec
from tests.spec_helpers import write_spec

RUNNER = CliRunner()


def test_weekend_holidays_are_taken_on_their_observed_weekday() -> None:
    got = bank_holidays(date(2026, 12, 1), date(2027, 1, 5))
    # Boxing Day 2026 is a Saturday: taken on Monday 28 December
    assert sorted(got) == [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]
    assert bank_holidays(date(2026, 12, 1), date(2027, 1, 5), "none") == {}
    assert date(2026, 8, 31) in bank_holidays(date(2026, 8, 1), date(2026, 9, 1))


def test_the_table_is_the_holidays_packages_answer() -> None:
    """The table `check` reads instead of loading the package (0.1 s) says what the package
    says for every year it holds. When a new version of the package changes a year (a
    one-off bank holiday announced), this fails: run `python -m
    rota_solve.solver.bank_holidays` and commit the table."""
    table = _table()
    assert (table.first, table.last) == (2016, 2045)
    assert table.days == from_package(date(table.first, 1, 1), date(table.last, 12, 31))
    assert date(2023, 5, 8) in table.days  # the coronation: a one-off the package knows
    # a span past the table's years asks the package, and agrees where both answer
    wide = bank_holidays(date(2045, 12, 1), date(2046, 1, 5))
    assert wide == from_package(date(2045, 12, 1), date(2046, 1, 5))
    assert date(2045, 12, 25) in wide and date(2046, 1, 1) in wide


@pytest.mark.parametrize(
    ("count", "ltft", "days"),
    [(3, 1.0, 3.0), (3, 0.6, 2.0), (3, 0.5, 1.5), (1, 0.8, 1.0), (1, 0.2, 0.5), (0, 0.6, 0.0)],
)
def test_days_in_lieu_are_pro_rata_rounded_up_to_the_half_day(
    count: int, ltft: float, days: float
) -> None:
    assert days_in_lieu(count, ltft) == days


SETTINGS = {
    "start_date": "2026-08-24",  # Mon 31 Aug 2026 is the Late Summer Bank Holiday
    "weeks": 2,
    "repeats": "yes",
    "time_limit": 3,
    "night_block_min": 1,
    "whole_weekends": "no",
    "rest_before_nights": "no",
}


def test_cover_for_bank_holidays(tmp_path: Path) -> None:
    cover = [
        ["D", "Weekdays", 2, None],
        ["D", "Bank holidays", 0, None],  # no day shifts on the holiday (beats Weekdays)
        ["LD", "All", 1, None],
        ["LD", "Mon", 2, None],
        ["LD", "Bank holidays", 1, None],  # beats the Monday row
        ["N", "All", 1, None],
        ["N", "2026-08-31", 2, None],  # a date beats Bank holidays
        ["N", "Bank holidays", 0, None],
    ]
    spec = read_spec(write_spec(tmp_path / "s.xlsx", settings=SETTINGS, cover=cover))
    assert spec.bank_holidays == {date(2026, 8, 31): "Late Summer Bank Holiday"}
    holiday = 7  # day index of Mon 31 Aug
    counts = {(c.code, c.day): c.doctors for c in spec.cover}
    assert counts[("D", holiday)] == 0 and counts[("D", 8)] == 2
    assert counts[("LD", holiday)] == 1 and counts[("LD", 0)] == 2
    assert counts[("N", holiday)] == 2
    none = read_spec(
        write_spec(tmp_path / "n.xlsx", settings=SETTINGS | {"bank_holidays": "none"}, cover=cover)
    )
    assert none.bank_holidays == {}
    assert {(c.code, c.day): c.doctors for c in none.cover}[("D", holiday)] == 2


def test_days_in_lieu_in_check_pay_sheet_and_work_schedules(tmp_path: Path) -> None:
    doctors = [[f"Dr {i}", "FY1", 0.6 if i == 0 else 1, "no", None, "yes", "no"] for i in range(7)]
    spec = write_spec(tmp_path / "s.xlsx", settings=SETTINGS, doctors=doctors)
    out = tmp_path / "rota.xlsx"
    built = RUNNER.invoke(app, ["build", str(spec), "-o", str(out)])
    assert built.exit_code == 0, built.output
    checked = json.loads(RUNNER.invoke(app, ["check", str(out), "--json"]).stdout)
    lieu = {p["doctor"]: p["days_in_lieu"] for p in checked["pay"]}
    assert lieu["Dr 0"] == 1.0 and all(v == 1.0 for v in lieu.values())  # 0.6 -> 1 (rounded up)
    wb = load_workbook(out)
    header = [c.value for c in wb["Pay"][1]]
    assert "days_in_lieu" in header
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(values_only=True)}
    assert settings["bank_holidays"] == "england"
    rota = wb["Rota"]
    holiday_col = next(
        c.column
        for c in rota[2]
        if getattr(c.value, "date", None) and c.value.date() == date(2026, 8, 31)
    )
    assert rota.cell(1, holiday_col).fill.fgColor.rgb.endswith("FFE699")  # shaded
    folder = tmp_path / "ws"
    done = RUNNER.invoke(app, ["export", str(out), "--work-schedules", str(folder)])
    assert done.exit_code == 0, done.output
    items = {
        r[0]: r[1]
        for r in load_workbook(folder / "Dr 0-work-schedule.xlsx")["Work schedule"].iter_rows(
            values_only=True
        )
    }
    assert items["days off in lieu for bank holidays"] == 1.0
    assert "Mon 31 Aug 2026" in items["bank holidays in the period"]


def test_a_bad_bank_holidays_setting_is_exit_2(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.xlsx", settings=SETTINGS | {"bank_holidays": "scotland"})
    result = RUNNER.invoke(app, ["build", str(spec)])
    assert result.exit_code == 2 and "bank_holidays" in result.output
