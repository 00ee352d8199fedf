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
