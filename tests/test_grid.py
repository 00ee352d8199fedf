"""A rota kept as a grid (sheet `Rota`, doctors x dates, shift codes, with a `Shifts` key) is
checked like the same rota as Assignments: identical `check` JSON; codes with no times are
not duties; an unknown code is exit 2 naming its cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from rota_solve.solver.cli import app

ROOT = Path(__file__).resolve().parents[1]
RUNNER = CliRunner()
SHIFTS = [
    ["code", "name", "start", "end", "on_call", "expected_work_hours"],
    ["D", "Day", "08:00", "16:30", "no", None],
    ["LD", "Long day", "08:00", "20:30", "no", None],
    ["N", "Night", "20:00", "08:30", "no", None],
    ["OFF", "Day off", None, None, None, None],
    ["AL", "Annual leave", None, None, None, None],
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grid") / "rota.xlsx"
    spec = ROOT / "examples" / "fy1-medicine-spec.xlsx"
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(out), "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    return out


def _check(path: Path) -> tuple[int, dict[str, object] | str]:
    result = RUNNER.invoke(app, ["check", str(path), "--json"])
    if result.exit_code == 2:
        return 2, result.output
    return result.exit_code, json.loads(result.stdout)


def _as_grid(built: Path, target: Path, edit: dict[str, str] | None = None) -> Path:
    """The built rota with its Assignments sheet gone and a Shifts key added: a grid rota
    as a coordinator keeps one (blank cells filled with OFF, leave as AL)."""
    wb = load_workbook(built)
    del wb["Assignments"]
    ws = wb["Rota"]
    for row in ws.iter_rows(min_row=3, max_row=12, min_col=3):
        for cell in row:
            if cell.value is None:
                cell.value = "OFF"
            elif cell.value == "leave":
                cell.value = "AL"
    for address, value in (edit or {}).items():
        ws[address] = value
    key = wb.create_sheet("Shifts")
    for r in SHIFTS:
        key.append(r)
    wb.save(target)
    return target


def test_a_grid_rota_checks_as_its_assignments(built: Path, tmp_path: Path) -> None:
    code, original = _check(built)
    grid = _as_grid(built, tmp_path / "grid.xlsx")
    code_g, from_grid = _check(grid)
    assert (code_g, from_grid) == (code, original)
    assert isinstance(from_grid, dict) and from_grid["pay"]


def test_an_unknown_code_names_its_cell(built: Path, tmp_path: Path) -> None:
    grid = _as_grid(built, tmp_path / "grid.xlsx", {"E4": "XX"})
    code, output = _check(grid)
    assert code == 2
    assert isinstance(output, str)
    assert "sheet Rota" in output and "E4" in output and "'XX'" in output
    assert "Traceback" not in output


def test_a_grid_needs_its_shifts_key(built: Path, tmp_path: Path) -> None:
    grid = _as_grid(built, tmp_path / "grid.xlsx")
    wb = load_workbook(grid)
    del wb["Shifts"]
    wb.save(grid)
    code, output = _check(grid)
    assert code == 2 and "Assignments" in str(output)


def _renamed(path: Path, target: Path, old: str, new: str) -> Path:
    """The workbook with shift `old` called `new` wherever it is written (the grid's cells,
    the Assignments' shift column, the Shifts key)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.title not in ("Rota", "Assignments", "Shifts"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == old:
                    cell.value = new
    wb.save(target)
    return target


@pytest.mark.parametrize("word", ["SL", "ZD", "x"])
def test_a_timed_shift_named_like_leave_is_a_duty(built: Path, tmp_path: Path, word: str) -> None:
    """A department may call its SHO long day `SL`: where the Shifts sheet gives it times it
    is a duty on the grid, not study leave (read as leave, every one was dropped without a
    word, and the rota checked with them gone)."""
    code, original = _check(built)
    grid = _as_grid(built, tmp_path / "grid.xlsx")
    wb = load_workbook(grid)  # the word's own row (no times) goes: the code is the long day
    key = wb["Shifts"]
    for row in range(key.max_row, 1, -1):
        if str(key.cell(row, 1).value).lower() == word.lower():
            key.delete_rows(row)
    wb.save(grid)
    grid = _renamed(grid, tmp_path / "renamed.xlsx", "LD", word)
    code_g, from_grid = _check(grid)
    assert code_g == code
    assert isinstance(from_grid, dict) and isinstance(original, dict)
    assert from_grid["pay"] == original["pay"]
    # the same rota with its Assignments: the grid agrees with them (no warning)
    both = _renamed(built, tmp_path / "both.xlsx", "LD", word)
    result = RUNNER.invoke(app, ["check", str(both)])
    assert result.exit_code == code, result.output
    assert "disagree" not in result.output
