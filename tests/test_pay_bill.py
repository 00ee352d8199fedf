"""The whole bill: flexible pay premia and London weighting (issue 13), hand-worked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rota_solve.solver.checker import check_rota
from rota_solve.solver.cli import app
from rota_solve.solver.rota import Doctor
from rota_solve.solver.solve import solve
from tests.helpers import D, make_rota
from tests.spec_helpers import make_spec, shift, write_spec

RUNNER = CliRunner()


def test_fpp_and_outer_london_weighting_pro_rata() -> None:
    # An FY2 at 0.8 LTFT with fpp 4,000 and outer London weighting (527): 4,000 x 0.8 =
    # 3,200.00 and 527 x 0.8 = 421.60; the total is the sum of the elements to the penny.
    doctor = Doctor("Dr A", grade="FY2", ltft=0.8, fpp=4000, london_weighting="outer")
    rota = make_rota([D(0, "08:00", 480), D(1, "08:00", 480)], weeks=1)
    rota.doctors = {"Dr A": doctor}
    line = check_rota(rota).pay[0]
    assert line.flexible_pay_premia == 3_200.00
    assert line.london_weighting == 421.60
    parts = [
        line.basic,
        line.additional_hours,
        line.night_enhancement,
        line.weekend_allowance,
        line.on_call_allowance,
        line.ltft_allowance,
        line.flexible_pay_premia,
        line.london_weighting,
    ]
    assert line.total == pytest.approx(sum(p for p in parts if p is not None), abs=0.001)
    json_row = check_rota(rota).to_json()["pay"][0]
    assert json_row["flexible_pay_premia"] == 3200.0 and json_row["london_weighting"] == 421.6


@pytest.mark.parametrize(
    ("band", "pounds"), [("inner", 2162), ("inner resident", 602), ("fringe", 149)]
)
def test_each_band_full_time(band: str, pounds: float) -> None:
    rota = make_rota([D(0, "08:00", 480)], weeks=1)
    rota.doctors = {"Dr A": Doctor("Dr A", grade="FY1", london_weighting=band)}
    assert check_rota(rota).pay[0].london_weighting == pounds


def test_the_objective_still_equals_the_pay_calculator() -> None:
    # constants per doctor: the optimum rota is unchanged, its cost higher by exactly them
    d8 = shift("D", "08:00", 480)
    docs = [Doctor("Dr F", grade="FY1"), Doctor("Dr L", grade="FY2", ltft=0.8)]
    spec = make_spec([d8], {"D": [0, 1, 2, 3, 4]}, docs, fairness=False)
    plain = solve(spec)
    paid = [
        Doctor("Dr F", grade="FY1", fpp=1500, london_weighting="inner"),
        Doctor("Dr L", grade="FY2", ltft=0.8, fpp=4000, london_weighting="outer"),
    ]
    richer = solve(spec.model_copy(update={"doctors": paid}))
    assert plain.status == richer.status == "OPTIMAL"
    assert richer.cost == pytest.approx(plain.cost + 1_500 + 2_162 + 3_200 + 421.60)
    assert richer.check is not None
    assert sum(p.total or 0 for p in richer.check.pay) == pytest.approx(richer.cost)


def test_build_writes_them_and_check_reads_them_back(tmp_path: Path) -> None:
    doctors = [
        [f"Dr {i}", "FY1", 1, "no", None, "yes", "yes", 2000 if i == 0 else None, "fringe"]
        for i in range(7)
    ]
    spec = write_spec(tmp_path / "spec.xlsx", doctors=doctors)
    from openpyxl import load_workbook

    wb = load_workbook(spec)
    ws = wb["Doctors"]
    ws["H1"], ws["I1"] = "fpp", "london_weighting"
    wb.save(spec)
    out = tmp_path / "rota.xlsx"
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    cost = json.loads(result.stdout.strip().splitlines()[-1])["cost"]
    checked = json.loads(RUNNER.invoke(app, ["check", str(out), "--json"]).stdout)
    assert sum(p["total"] for p in checked["pay"]) == pytest.approx(cost)
    first = next(p for p in checked["pay"] if p["doctor"] == "Dr 0")
    assert first["flexible_pay_premia"] == 2000 and first["london_weighting"] == 149


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [(-100, "fpp", "negative"), ("central", "london_weighting", "not a band")],
)
def test_bad_values_name_the_cell(
    tmp_path: Path, value: object, column: str, expected: str
) -> None:
    doctors = [[f"Dr {i}", "FY1", 1, "no", None, "yes", "yes", None] for i in range(7)]
    doctors[0][-1] = value
    spec = write_spec(tmp_path / "spec.xlsx", doctors=doctors)
    from openpyxl import load_workbook

    wb = load_workbook(spec)
    wb["Doctors"]["H1"] = column
    wb.save(spec)
    result = RUNNER.invoke(app, ["build", str(spec), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert f"sheet Doctors, row 2, column {column} (cell H2)" in flat and expected in flat
