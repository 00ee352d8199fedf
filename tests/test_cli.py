"""The check command's outputs: exit codes, the JSON of workbook-format.md, the report
workbook, and the `python -m rota_solve` entry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from rota_solve.solver.cli import app
from tests.conftest import ROOT

RUNNER = CliRunner()
EXAMPLE = ROOT / "examples" / "fy1-medicine-rota.xlsx"
BREACHING = ROOT / "examples" / "breaching-rota.xlsx"


def test_compliant_example_exits_0() -> None:
    result = RUNNER.invoke(app, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Compliant" in result.output


def test_breaching_example_exits_1_and_lists_breaches() -> None:
    result = RUNNER.invoke(app, ["check", str(BREACHING)])
    assert result.exit_code == 1
    assert "min_rest" in result.output


def test_json_is_exactly_the_documented_shape() -> None:
    result = RUNNER.invoke(app, ["check", str(BREACHING), "--json"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert list(out) == [
        "rules",
        "pay_year",
        "compliant",
        "breaches",
        "pay",
        "warnings",
        "patterns",
    ]
    assert out["compliant"] is False
    b = out["breaches"][0]
    assert list(b) == ["rule", "doctor", "start", "value", "limit", "severity", "message", "fix"]
    assert len(b["start"]) == len("2026-08-05T20:00")
    p = out["pay"][0]
    keys = (
        "doctor",
        "grade",
        "basic",
        "additional_hours",
        "night_enhancement",
        "weekend_allowance",
        "on_call_allowance",
        "total",
        "average_weekly_hours",
        "weekend_frequency",
    )
    for key in keys:
        assert key in p


def test_options_override_settings() -> None:
    base = json.loads(RUNNER.invoke(app, ["check", str(EXAMPLE), "--json"]).stdout)
    assert base["rules"] == "2019" and base["pay_year"] == "2025/26"
    other = RUNNER.invoke(
        app, ["check", str(EXAMPLE), "--json", "--rules", "2016", "--pay-year", "2016/17"]
    )
    out = json.loads(other.stdout)
    assert out["rules"] == "2016" and out["pay_year"] == "2016/17"
    fy1 = [p for p in out["pay"] if p["grade"] == "FY1"]
    assert fy1 and all(p["basic"] in (26350.0, None) or p["basic"] < 26350 for p in fy1)


def test_report_workbook_agrees_with_json(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    result = RUNNER.invoke(app, ["check", str(BREACHING), "--json", "--report", str(target)])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    wb = load_workbook(target)
    assert wb.sheetnames == ["Checks", "Pay"]
    rows = list(wb["Checks"].iter_rows(values_only=True))
    header = rows.index(
        ("doctor", "rule", "severity", "start", "value", "limit", "message", "citation")
    )
    got = [(r[0], r[1], r[3].strftime("%Y-%m-%dT%H:%M"), r[4]) for r in rows[header + 1 :]]
    found = [*out["breaches"], *out["patterns"]]
    want = [(b["doctor"], b["rule"], b["start"], b["value"]) for b in found]
    assert got == want
    pay = list(wb["Pay"].iter_rows(values_only=True))
    at = pay[0].index("total")
    totals = {r[0]: r[at] for r in pay[1:]}
    assert totals == {p["doctor"]: p["total"] for p in out["pay"]}


def test_python_dash_m_entry() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "rota_solve", "check", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["compliant"] is True
