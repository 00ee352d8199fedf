"""Bad input never gives a traceback or a wrong answer: one clear message naming the sheet,
row and column and what to fix, exit 2; the input file is never written."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from rota_solve.solver.cli import app

RUNNER = CliRunner()
HEAD = ["doctor", "date", "shift", "start", "end", "on_call", "work_hours"]


def good_rows() -> list[list[Any]]:
    return [
        [
            "Dr A",
            datetime(2026, 8, 3),
            "D",
            datetime(2026, 8, 3, 8),
            datetime(2026, 8, 3, 17),
            "no",
            None,
        ],
        ["Dr A", "2026-08-04", "N", "20:00", "08:00", "no", None],
        ["Dr B", "04/08/2026", "OC", "17:00", "09:00", "yes", 4],
    ]


def write(
    path: Path,
    *,
    assignments: list[list[Any]] | None = None,
    head: list[str] | None = None,
    doctors: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
    sheet_name: str = "Assignments",
) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_name
    ws.append(head or HEAD)
    for r in assignments if assignments is not None else good_rows():
        ws.append(r)
    if doctors is not None:
        d = wb.create_sheet("Doctors")
        d.append(["doctor", "grade", "ltft", "opted_out", "basic_salary"])
        for r in doctors:
            d.append(r)
    if settings is not None:
        s = wb.create_sheet("Settings")
        s.append(["setting", "value"])
        for r in settings:
            s.append(r)
    wb.save(path)
    return path


def run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


DOCTORS = [["Dr A", "FY1", 1, "no", None], ["Dr B", "ST4", "80%", "yes", None]]


def test_a_good_workbook_reads(tmp_path: Path) -> None:
    code, out = run(str(write(tmp_path / "r.xlsx", doctors=DOCTORS)), "--json")
    assert code in (0, 1), out


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"sheet_name": "Duties"}, ["missing sheet 'Assignments'", "Duties"]),
        ({"head": ["doctor", "date", "shift", "begin", "end"]}, ["missing column start"]),
        (
            {"assignments": [["Dr A", "2026-13-01", "D", "08:00", "17:00", "no", None]]},
            ["sheet Assignments, row 2, column date", "not a real date"],
        ),
        (
            {"assignments": [["Dr A", "2026-08-03", "D", "8 o'clock", "17:00", "no", None]]},
            ["row 2, column start", "HH:MM"],
        ),
        (
            {
                "assignments": [
                    *good_rows(),
                    [
                        "Dr A",
                        None,
                        "D",
                        datetime(2026, 8, 6, 7, 30),
                        datetime(2026, 8, 5, 17),
                        "no",
                        None,
                    ],
                ]
            },
            ["row 5, column end", "is not after start"],
        ),
        (
            {"assignments": [["Dr A", "2026-08-03", "OC", "17:00", "09:00", "yes", None]]},
            ["row 2, column work_hours", "required"],
        ),
        (
            {"assignments": [["Dr A", "2026-08-03", "OC", "17:00", "09:00", "yes", 17]]},
            ["row 2, column work_hours", "does not fit"],
        ),
        (
            {"assignments": [["Dr A", "2026-08-03", "D", "08:00", "17:00", "maybe", None]]},
            ["row 2, column on_call", "yes or no"],
        ),
        (
            {
                "assignments": [
                    ["Dr A", "2026-08-03", "D", datetime(2026, 8, 4, 8), "17:00", "no", None]
                ]
            },
            ["row 2, column start", "the date is the day the duty starts"],
        ),
        (
            {"assignments": [["Dr A", None, "D", time(8), "17:00", "no", None]]},
            ["row 2, column start", "fill in the date column"],
        ),
        (
            {"doctors": [["Dr A", "FY3", 1, "no", None], ["Dr B", "ST4", 1, "no", None]]},
            ["sheet Doctors, row 2, column grade", "'FY3' is not a grade"],
        ),
        (
            {"doctors": [["Dr A", "FY1", 1.5, "no", None], ["Dr B", "ST4", 1, "no", None]]},
            ["sheet Doctors, row 2, column ltft", "out of range"],
        ),
        (
            {"doctors": [["Dr A", "FY1", 80, "no", None], ["Dr B", "ST4", 1, "no", None]]},
            ["sheet Doctors, row 2, column ltft", "write 0.8 or 80%"],
        ),
        (
            {"doctors": [["Dr A", "FY1", 0, "no", None], ["Dr B", "ST4", 1, "no", None]]},
            ["column ltft", "out of range"],
        ),
        (
            {"doctors": [["Dr A", "FY1", 1, "no", -5], ["Dr B", "ST4", 1, "no", None]]},
            ["row 2, column basic_salary"],
        ),
        (
            {"doctors": [["Dr A", "FY1", 1, "no", None]]},
            ["sheet Assignments, row 4, column doctor", "'Dr B' is not on the Doctors sheet"],
        ),
        (
            {"doctors": [*DOCTORS, ["Dr A", "FY2", 1, "no", None]]},
            ["sheet Doctors, row 4, column doctor", "appears twice"],
        ),
        (
            {"settings": [["start_date", "2026-08-03"], ["weeks", "two"]]},
            ["sheet Settings, row 3, column value", "not a whole number of weeks"],
        ),
        (
            {"settings": [["start_date", "2026-08-03"], ["weeks", 1], ["rules", "2017"]]},
            ["sheet Settings, row 4, column value", "'2017' is not a rule set"],
        ),
        (
            {
                "settings": [["start_date", "2026-08-03"], ["weeks", 1], ["repeats", "yes"]],
                "assignments": [
                    *good_rows(),
                    ["Dr A", "2026-08-10", "D", "08:00", "17:00", "no", None],
                ],
            },
            ["row 5, column date", "outside the 1-week repeating cycle 2026-08-03..2026-08-09"],
        ),
        ({"assignments": []}, ["sheet Assignments", "has no duties"]),
    ],
)
def test_bad_input_is_one_clear_message(
    tmp_path: Path, kwargs: dict[str, Any], expected: list[str]
) -> None:
    path = write(tmp_path / "rota.xlsx", **kwargs)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    code, out = run(str(path))
    assert code == 2, out
    flat = " ".join(out.split())
    for text in expected:
        assert text in flat, flat
    assert "Traceback" not in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "rota.xlsx"
    path.write_text("this is not a spreadsheet")
    code, out = run(str(path))
    assert code == 2
    assert "is not a readable workbook" in " ".join(out.split())


def test_missing_file(tmp_path: Path) -> None:
    code, out = run(str(tmp_path / "nope.xlsx"))
    assert code == 2 and "file not found" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--rules", "2017"], "'2017' is not a rule set"),
        (["--pay-year", "2030/31"], "'2030/31' is not a pay year held"),
        (["--start-date", "tomorrow"], "--start-date"),
        (["--start-date", "2026-08-04", "--weeks", "1"], "outside the 1-week rota period"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], expected: str) -> None:
    code, out = run(str(write(tmp_path / "r.xlsx")), *args)
    assert code == 2
    assert expected in " ".join(out.split())


def test_report_never_overwrites_the_input(tmp_path: Path) -> None:
    path = write(tmp_path / "r.xlsx")
    before = path.read_bytes()
    code, out = run(str(path), "--report", str(path))
    assert code == 2 and "input workbook" in out
    assert path.read_bytes() == before


def test_csv_assignments(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "Doctor,Date,Shift,Start,End,On Call,Work Hours\n"
        "Dr A,2026-08-03,LD,08:00,21:00,no,\n"
        "Dr A,2026-08-04,LD,08:00,21:01,no,\n"
    )
    code, out = run(str(path), "--json")
    assert code == 1
    assert '"max_shift_length"' in out
    bad = tmp_path / "b.csv"
    bad.write_text("doctor,date,start,end\nDr A,2026-08-03,08:00,xx\n")
    code, out = run(str(bad))
    assert code == 2 and "row 2, column end" in out
