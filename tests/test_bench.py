"""`rota-solve bench`: scenarios read and validated, each a real build (the same cost as
`build` on the equivalent spec), fewest doctors proven by an INFEASIBLE one fewer, a night
that dodges the enhancement never costed, the Bench workbook, the Python API, and a real
dask cluster (a scheduler and two workers started on 127.0.0.1; one killed mid-run)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from rota_solve.solver.bench import Task, run_scenario, tasks_for
from rota_solve.solver.cli import app
from rota_solve.solver.scenarios import load
from rota_solve.solver.solve import solve
from rota_solve.solver.spec_io import read_spec
from rota_solve.solver.workbook import read_workbook
from tests.spec_helpers import write_spec

RUNNER = CliRunner()
HEAD = ["scenario", "change", "target", "days", "value", "ltft"]
SETTINGS = {
    "start_date": "2026-08-03",
    "weeks": 2,
    "repeats": "yes",
    "time_limit": 2,
    "reproducible": "yes",
    "night_block_min": 1,
    "whole_weekends": "no",
    "rest_before_nights": "no",
}


def _spec(tmp_path: Path, rows: list[list[Any]], name: str = "spec.xlsx", **kw: Any) -> Path:
    kw.setdefault("settings", SETTINGS)
    return write_spec(tmp_path / name, extra={"Scenarios": [HEAD, *rows]}, **kw)


def _bench(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["bench", *args])
    return result.exit_code, result.output


BAD = [
    (["x", "move", "N", None, "21:00", None], "change", "write one of"),
    (["x", "shift start", "Q", None, "21:00", None], "target", "not a shift code"),
    (["x", "shift start", "N", None, "soon", None], "value", "HH:MM"),
    (["x", "add doctors", "FY1", None, 0, None], "value", "add 1 to 50"),
    (["x", "remove doctor", "Dr Nobody", None, None, None], "target", "not a doctor"),
    (["base", "setting", "rules", None, "2016", None], "scenario", "base"),
    (["x", "setting", "colour", None, "blue", None], "target", "may set"),
    (["x", "cover", "D", None, 2, None], "days", "give the days"),
    (["x", "setting", "rules", None, "2017", None], None, "makes the spec invalid"),
    (["x", "ltft", "Dr 1", None, 1.5, None], "value", None),
]


@pytest.mark.parametrize(("row", "column", "words"), BAD)
def test_bad_scenario_rows_exit_2_and_write_nothing(
    tmp_path: Path, row: list[Any], column: str | None, words: str | None
) -> None:
    spec = _spec(tmp_path, [row])
    out = tmp_path / "bench.xlsx"
    code, output = _bench(str(spec), "-o", str(out))
    assert code == 2, output
    assert "Scenarios" in output and "row 2" in output
    if column is not None:
        assert f"column {column}" in output
    if words is not None:
        assert words in output
    assert "Traceback" not in output
    assert not out.exists()


def test_changes_are_made_to_the_sheets(tmp_path: Path) -> None:
    rows = [
        ["longer", "setting", "weeks", None, 4, None],
        ["late nights", "shift start", "N", None, "21:00", None],
        ["late nights", "shift end", "N", None, "09:30", None],
        ["two more", "add doctors", "FY1", None, 2, 0.6],
        ["one fewer", "remove doctor", "Dr 3", None, None, None],
        ["part time", "ltft", "Dr 1", None, 0.8, None],
        ["more days", "cover", "D", "Weekdays", 2, None],
    ]
    leave = {"Leave": [["doctor", "from", "to"], ["Dr 3", "2026-08-05", "2026-08-06"]]}
    spec = write_spec(
        tmp_path / "spec.xlsx", settings=SETTINGS, extra={"Scenarios": [HEAD, *rows], **leave}
    )
    base = read_spec(spec)
    got = {sc.name: sc.spec for sc in load(spec, base)}
    assert all(s is not None for s in got.values())
    assert got["longer"].period.weeks == 4 and max(c.day for c in got["longer"].cover) == 27  # type: ignore[union-attr]
    night = got["late nights"].shift("N")  # type: ignore[union-attr]
    assert (night.start, night.minutes) == (21 * 60, 750)
    extra = [d for d in got["two more"].doctors if d.name.startswith("Extra")]  # type: ignore[union-attr]
    assert [(d.name, d.grade, d.ltft) for d in extra] == [
        ("Extra FY1 1", "FY1", 0.6),
        ("Extra FY1 2", "FY1", 0.6),
    ]
    fewer = got["one fewer"]
    assert fewer is not None and "Dr 3" not in {d.name for d in fewer.doctors}
    assert fewer.leave == []  # the doctor's leave went with them
    assert got["part time"].doctor("Dr 1").ltft == 0.8  # type: ignore[union-attr]
    monday = [c for c in got["more days"].cover if c.day == 0 and c.code == "D"]  # type: ignore[union-attr]
    assert sum(c.doctors for c in monday) == 2  # appended: a later row for the same grades wins
    assert base.period.weeks == 2 and len(base.doctors) == 7  # the base spec is untouched


def test_a_scenario_costs_what_build_gives_for_the_equivalent_spec(tmp_path: Path) -> None:
    spec = _spec(tmp_path, [["old rules", "setting", "rules", None, "2016", None]])
    base = read_spec(spec)
    scenarios = load(spec, base)
    tasks = tasks_for(base, scenarios, path=spec, tables=read_workbook(spec), time_limit=2)
    outcome = run_scenario(tasks[1])
    equivalent = write_spec(tmp_path / "same.xlsx", settings=SETTINGS | {"rules": "2016"})
    built = solve(read_spec(equivalent))
    assert outcome.found and built.rota is not None
    assert outcome.cost == built.cost and outcome.bound == built.bound
    assert outcome.result.rota.duties == built.rota.duties
    base_outcome = run_scenario(tasks[0])
    assert base_outcome.cost == solve(base).cost


def test_a_night_designed_to_dodge_the_enhancement_is_never_costed(tmp_path: Path) -> None:
    rows = [
        ["early nights", "shift start", "N", None, "19:30", None],
        ["early nights", "shift end", "N", None, "08:00", None],
    ]
    spec = _spec(tmp_path, rows)
    base = read_spec(spec)
    (sc,) = load(spec, base)
    assert sc.spec is None and sc.not_permitted is not None
    assert "not permitted by the rostering guidance" in sc.not_permitted
    outcome = run_scenario(Task(sc.name, None, not_permitted=sc.not_permitted))
    assert outcome.status == "NOT PERMITTED" and outcome.cost is None


def test_fewest_doctors_is_proven_by_one_fewer_being_infeasible(tmp_path: Path) -> None:
    # Long days every day may be worked by FY1s only (87.5 h a week: more than one doctor's
    # 48 h); days by anyone. The answer k has a rota, and k - 1 is INFEASIBLE (an exact
    # status: never a time-out read as "no rota").
    doctors = [[f"Dr F{i}", "FY1", 1, "no", None, "yes", "no"] for i in range(4)] + [
        [f"Dr S{i}", "FY2", 1, "no", None, "yes", "no"] for i in range(2)
    ]
    cover = [["D", "Weekdays", 1, None], ["LD", "All", 1, "FY1"]]
    spec = _spec(
        tmp_path,
        [["fewest", "fewest doctors", "FY1", None, None, None]],
        doctors=doctors,
        cover=cover,
    )
    base = read_spec(spec)
    tasks = tasks_for(base, load(spec, base), path=spec, tables=read_workbook(spec), time_limit=5)
    outcome = run_scenario(tasks[1])
    assert outcome.fewest is not None and outcome.found, outcome.fewest_note
    k = outcome.fewest
    assert outcome.fewest_note is not None and "proven" in outcome.fewest_note
    assert sum(d.grade == "FY1" for d in outcome.result.spec.doctors) == k
    # one fewer, built independently: no rota, proven
    fewer = [d for d in doctors if d[1] != "FY1"] + [d for d in doctors if d[1] == "FY1"][: k - 1]
    one_fewer = write_spec(tmp_path / "fewer.xlsx", settings=SETTINGS, doctors=fewer, cover=cover)
    from rota_solve.solver.capacity import shortfalls

    parsed = read_spec(one_fewer)
    assert shortfalls(parsed) or solve(parsed).status == "INFEASIBLE"


SCENARIOS = [
    ["old rules", "setting", "rules", None, "2016", None],
    ["one more", "add doctors", "FY2", None, 1, None],
    ["early nights", "shift start", "N", None, "19:30", None],
    ["early nights", "shift end", "N", None, "08:00", None],
]


def _rows(output: str) -> list[tuple[str, str, float | None]]:
    data = json.loads(output)
    return [(r["scenario"], r["status"], r["cost"]) for r in data["scenarios"]]


def test_bench_on_a_local_cluster_writes_the_bench_workbook(tmp_path: Path) -> None:
    spec = _spec(tmp_path, SCENARIOS)
    out = tmp_path / "bench.xlsx"
    rotas = tmp_path / "rotas"
    code, output = _bench(
        str(spec), "-o", str(out), "--json", "--time-limit", "2", "--rotas", str(rotas)
    )
    assert code == 0, output
    rows = _rows(output)
    assert [r[0] for r in rows] == ["base", "old rules", "one more", "early nights"]
    assert rows[3][1:] == ("NOT PERMITTED", None)
    assert all(r[2] is not None for r in rows[:3])
    wb = load_workbook(out)
    assert wb.sheetnames == ["Comparison", "Pay", "Chart", "Scenarios"]
    assert len(wb["Chart"]._charts) == 1  # a native Excel chart
    header = [c.value for c in wb["Comparison"][1]]
    assert header[:4] == ["scenario", "status", "proven or gap", "pay total (GBP a year)"]
    # printed, every page names its scenarios (and the Pay sheet its doctors); money is
    # shown as money and stays a number to the penny
    comparison = wb["Comparison"]
    assert comparison.print_title_cols == "$A:$A" and comparison.print_title_rows == "$1:$1"
    assert wb["Pay"].print_title_cols == "$A:$B"
    total = comparison.cell(2, 4)
    assert isinstance(total.value, float) and total.number_format.startswith("£#,##0.00")
    assert comparison.cell(3, 5).number_format.startswith("+£")  # a change from base
    assert header[-1] == "why no rota"  # a sentence: wrapped, not one page wide
    assert comparison.column_dimensions[get_column_letter(len(header))].width <= 40
    assert comparison.cell(2, len(header)).alignment.wrap_text
    pay_rows = list(wb["Pay"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in pay_rows} == {"base", "old rules", "one more"}
    assert sum(1 for r in pay_rows if r[0] == "one more") == 8
    written = sorted(p.name for p in rotas.iterdir())
    assert written == ["base-rota.xlsx", "old rules-rota.xlsx", "one more-rota.xlsx"]
    for p in rotas.iterdir():  # each scenario's rota passes check
        checked = RUNNER.invoke(app, ["check", str(p), "--json"])
        assert checked.exit_code == 0, checked.output
    assert read_spec(spec).name  # the spec is untouched and still reads


def test_the_python_api_returns_dataframes(tmp_path: Path) -> None:
    import rota_solve

    spec = _spec(tmp_path, SCENARIOS[:1])
    report = rota_solve.bench(spec, time_limit=2, processes=1)
    frame = report.comparison
    assert list(frame["scenario"]) == ["base", "old rules"]
    assert frame["pay total (GBP a year)"].notna().all()
    assert set(report.pay["scenario"]) == {"base", "old rules"}
    built = rota_solve.build(spec, time_limit=2)
    assert built.status in ("OPTIMAL", "FEASIBLE") and len(built.duties) > 0
    out = tmp_path / "rota.xlsx"
    rota_solve.build(spec, time_limit=2, output=out)
    checked = rota_solve.check(out)
    assert checked.compliant and checked.breaches.empty and len(checked.pay) == 7


# -- a real dask cluster -------------------------------------------------------------------


class Cluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, stopped on exit."""

    def __init__(self, tmp: Path, workers: int) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []
        info = tmp / "scheduler.json"
        env = os.environ | {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        self.env = env
        self.procs.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                    "--port", "0", "--no-dashboard", "--scheduler-file", str(info),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.2)
        time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]
        self.workers = [self.add_worker() for _ in range(workers)]
        self.wait_for(workers)

    def add_worker(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "dask", "worker", self.address, "--nworkers", "1",
                "--nthreads", "1", "--no-dashboard", "--no-nanny",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.env,
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def wait_for(self, n: int) -> None:
        from dask.distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(n, timeout=60)

    def close(self) -> None:
        # Workers first, then the scheduler: a worker told to stop after its scheduler has
        # gone waits on it (measured: 30 s and more), where one stopped first is gone at once.
        scheduler, *workers = self.procs
        for group in (workers, [scheduler]):
            for p in group:
                if p.poll() is None:
                    p.terminate()
            for p in group:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


@pytest.fixture
def cluster(tmp_path: Path) -> Any:
    c = Cluster(tmp_path, workers=2)
    try:
        yield c
    finally:
        c.close()


def test_bench_on_a_dask_cluster_matches_the_local_one(tmp_path: Path, cluster: Cluster) -> None:
    spec = _spec(tmp_path, SCENARIOS)
    code, remote = _bench(
        str(spec), "-o", str(tmp_path / "remote.xlsx"), "--json", "--time-limit", "2",
        "--scheduler", cluster.address,
    )  # fmt: skip
    assert code == 0, remote
    code, local = _bench(
        str(spec), "-o", str(tmp_path / "local.xlsx"), "--json", "--time-limit", "2"
    )
    assert code == 0, local
    assert _rows(remote) == _rows(local)


def test_a_worker_killed_mid_run_costs_a_retry_not_the_bench(
    tmp_path: Path, cluster: Cluster
) -> None:
    # Four scenarios of a few seconds each on two workers; one worker is killed (SIGKILL)
    # while they run: its scenario is run again on the other, and every row has its answer.
    rows = [[f"s{i}", "setting", "seed", None, i + 1, None] for i in range(4)]
    settings = SETTINGS | {"weeks": 4}
    spec = _spec(tmp_path, rows, settings=settings)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "rota_solve", "bench", str(spec), "-o",
            str(tmp_path / "bench.xlsx"), "--json", "--time-limit", "6",
            "--scheduler", cluster.address,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(8)  # connected, and both workers busy with a scenario
    victim = cluster.workers[0]
    assert victim.poll() is None
    os.kill(victim.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    got = _rows(out.decode())
    assert [r[0] for r in got] == ["base", "s0", "s1", "s2", "s3"]
    assert all(r[1] in ("OPTIMAL", "FEASIBLE") and r[2] is not None for r in got), got


def test_the_reproducible_setting_is_read(tmp_path: Path) -> None:
    # README documents Settings `reproducible`; it was once silently ignored
    spec = write_spec(tmp_path / "a.xlsx", settings=SETTINGS)
    assert read_spec(spec).solve.reproducible is True
    spec = write_spec(tmp_path / "b.xlsx", settings=SETTINGS | {"reproducible": "no"})
    assert read_spec(spec).solve.reproducible is False
    spec = write_spec(tmp_path / "c.xlsx", settings=SETTINGS | {"reproducible": "maybe"})
    result = RUNNER.invoke(app, ["build", str(spec)])
    assert result.exit_code == 2 and "reproducible" in result.output


def test_an_unreachable_scheduler_is_exit_2(tmp_path: Path) -> None:
    spec = _spec(tmp_path, SCENARIOS[:1])
    out = tmp_path / "bench.xlsx"
    code, output = _bench(
        str(spec), "-o", str(out), "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"
    )
    assert code == 2 and "cannot reach" in output and "Traceback" not in output
    assert not out.exists()


def test_a_difference_smaller_than_the_gaps_is_not_established() -> None:
    # Each optimum lies between its bound and its cost: 2016 vs 2019 came out £931k vs
    # £954k with gaps of 2.1 % and 3.9 % once; ranges that overlap decide nothing.
    from rota_solve.solver.bench import Outcome, established

    base = Outcome("base", "FEASIBLE", cost=954_000.0, bound=916_800.0)
    overlap = Outcome("2016", "FEASIBLE", cost=931_000.0, bound=911_450.0)
    cheaper = Outcome("cheap", "FEASIBLE", cost=900_000.0, bound=890_000.0)
    dearer = Outcome("dear", "OPTIMAL", cost=990_000.0, bound=990_000.0)
    none = Outcome("none", "INFEASIBLE")
    assert established(overlap, base).startswith("not established")
    assert established(cheaper, base) == "cheaper (established)"
    assert established(dearer, base) == "dearer (established)"
    assert established(none, base) == "" and established(base, base) == ""
