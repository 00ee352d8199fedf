"""The checker path never imports ortools: a guardian's machine need not have it."""

from __future__ import annotations

import subprocess
import sys

from tests.test_cli import BREACHING

PROGRAM = f"""
import sys
from rota_solve.solver.cli import app
from typer.testing import CliRunner
result = CliRunner().invoke(app, ["check", {str(BREACHING)!r}, "--json"])
assert result.exit_code == 1, result.output
import rota_solve.constraints, rota_solve.solver.pay, rota_solve.solver.report
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "ortools")
print(",".join(loaded))
"""


def test_check_does_not_import_ortools() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
