"""The Python API for analysts: `from rota_solve import bench, build, check`.

The same jobs as the command line, returning results whose tables are pandas DataFrames, so
a notebook can compare designs without the CLI:

    from rota_solve import bench, check
    b = bench("examples/fy1-medicine-spec.xlsx",
              scenarios="examples/fy1-medicine-scenarios.xlsx", time_limit=5)
    b.comparison[["scenario", "status", "pay total (GBP a year)", "difference"]]

Bad input raises `InputError` (its message names the sheet, row and column). `check` never
imports ortools.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rota_solve.solver.pay import PAY_ELEMENTS


@dataclass
class CheckReport:
    result: Any  # checker.CheckResult

    @property
    def compliant(self) -> bool:
        return bool(self.result.compliant)

    @property
    def breaches(self) -> pd.DataFrame:
        """One row a breach (the rule, doctor, start, value, limit, severity, message)."""
        rows = self.result.to_json()["breaches"]
        return pd.DataFrame(rows, columns=_columns(rows, ["rule", "doctor", "start"]))

    @property
    def pay(self) -> pd.DataFrame:
        """One row a doctor: each pay element, total, average weekly hours."""
        return pd.DataFrame(self.result.to_json()["pay"])


@dataclass
class BuildReport:
    result: Any  # solve.BuildResult

    @property
    def status(self) -> str:
        return str(self.result.status)

    @property
    def cost(self) -> float | None:
        return self.result.cost  # type: ignore[no-any-return]

    @property
    def bound(self) -> float | None:
        return self.result.bound  # type: ignore[no-any-return]

    @property
    def gap(self) -> float | None:
        return self.result.gap  # type: ignore[no-any-return]

    @property
    def duties(self) -> pd.DataFrame:
        """One row a duty: doctor, shift, start, end."""
        rota = self.result.rota
        rows = (
            []
            if rota is None
            else [
                {"doctor": d.doctor, "shift": d.shift, "start": d.start, "end": d.end}
                for d in rota.duties
            ]
        )
        return pd.DataFrame(rows, columns=["doctor", "shift", "start", "end"])

    @property
    def pay(self) -> pd.DataFrame:
        check = self.result.check
        return pd.DataFrame([] if check is None else check.to_json()["pay"])


@dataclass
class BenchReport:
    outcomes: list[Any]  # bench.Outcome, base first

    @property
    def comparison(self) -> pd.DataFrame:
        """The Comparison sheet: one row a scenario."""
        from rota_solve.solver.bench_writer import COMPARISON, comparison_rows

        return pd.DataFrame(comparison_rows(self.outcomes), columns=COMPARISON)

    @property
    def pay(self) -> pd.DataFrame:
        """The Pay sheet: one row a scenario and doctor."""
        rows = [{"scenario": o.scenario} | line for o in self.outcomes for line in o.pay]
        cols = ["scenario", "doctor", "grade", *PAY_ELEMENTS, "total", "average_weekly_hours"]
        return pd.DataFrame(rows, columns=cols)

    def json(self) -> dict[str, Any]:
        return {"scenarios": [o.json() for o in self.outcomes]}


def _columns(rows: list[dict[str, Any]], first: list[str]) -> list[str] | None:
    return None if rows else first


def check(rota: str | Path, **overrides: Any) -> CheckReport:
    """Check a rota workbook (or Assignments CSV); `overrides`: rules, pay_year,
    start_date, weeks, repeats, as the command's options."""
    from rota_solve.solver.checker import check_rota
    from rota_solve.solver.rota_io import Overrides, read_rota

    return CheckReport(check_rota(read_rota(Path(rota), Overrides(**overrides))))


def build(
    spec: str | Path,
    *,
    output: str | Path | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    reproducible: bool | None = None,
) -> BuildReport:
    """Build a rota from a spec workbook (the rota is re-checked before it is returned);
    written to `output` when given."""
    from rota_solve.solver.build_writer import write_build
    from rota_solve.solver.solve import solve
    from rota_solve.solver.spec_io import read_spec

    path = Path(spec)
    parsed = read_spec(path)
    changes = {
        k: v
        for k, v in {
            "time_limit": time_limit,
            "seed": seed,
            "workers": workers,
            "reproducible": reproducible,
        }.items()
        if v is not None
    }
    if changes:
        parsed = parsed.model_copy(update={"solve": parsed.solve.model_copy(update=changes)})
    result = solve(parsed)
    if output is not None and result.rota is not None:
        write_build(result, Path(output), spec_path=path)
    return BuildReport(result)


def bench(
    spec: str | Path,
    *,
    scenarios: str | Path | None = None,
    scheduler: str | None = None,
    processes: int | None = None,
    time_limit: float | None = None,
    connect_timeout: float = 10.0,
) -> BenchReport:
    """Every scenario of the spec's (or `scenarios`') Scenarios sheet, and base, each a
    real build in reproducible mode, on a dask cluster (local unless `scheduler`)."""
    from rota_solve.solver.bench import run, tasks_for
    from rota_solve.solver.scenarios import load
    from rota_solve.solver.spec_io import read_spec
    from rota_solve.solver.workbook import read_workbook

    path = Path(spec)
    base = read_spec(path)
    found = load(path, base, None if scenarios is None else Path(scenarios))
    tasks = tasks_for(base, found, path=path, tables=read_workbook(path), time_limit=time_limit)
    return BenchReport(
        run(tasks, scheduler=scheduler, processes=processes, connect_timeout=connect_timeout)
    )
