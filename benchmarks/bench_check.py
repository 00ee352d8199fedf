"""Benchmark: `rota-solve check` on a 60-doctor, 52-week repeating rota (budget: 2 s).

    python benchmarks/bench_check.py [--doctors 60] [--weeks 52] [--repeat 3]

Builds the rota in memory (each doctor on the 10-week line of examples/make_examples.py,
offset by doctor, and every fourth doctor with weekday non-resident on-call), writes it as a
rota workbook, then times (best of --repeat):

* check: every rule and the pay, from the rota in memory;
* read + check: the same from the .xlsx, as the command does it;
* command: `rota-solve check bench.xlsx` as a user runs it (a fresh process: start-up,
  imports, reading, checking and the terminal report; target 1 s, issue: build performance).

Prints the figures as JSON; exits 1 if check takes longer than the budget.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from rota_solve.solver.checker import check_rota
from rota_solve.solver.rota import Doctor, Duty, Period, Rota
from rota_solve.solver.rota_io import read_rota
from rota_solve.solver.rota_writer import write_rota_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from make_examples import LINES, duty

BUDGET_S = 2.0


def big_rota(doctors: int, weeks: int) -> Rota:
    start = date(2026, 8, 3)
    docs: dict[str, Doctor] = {}
    duties: list[Duty] = []
    for n in range(doctors):
        name = f"Dr {n:02d}"
        docs[name] = Doctor(name, grade=["FY1", "FY2", "CT2", "ST4"][n % 4])
        for w in range(weeks):
            pattern = LINES[(w + n) % len(LINES)].split()
            for dow, code in enumerate(pattern):
                if code != ".":
                    duties.append(duty(name, start + timedelta(days=7 * w + dow), code))
            if n % 4 == 3 and pattern[2] == ".":
                s = datetime.combine(start + timedelta(days=7 * w + 2), datetime.min.time())
                s += timedelta(hours=17)
                duties.append(Duty(name, s, s + timedelta(hours=16), "OC", True, 3.0))
    return Rota(Period(start, weeks, True), docs, duties, "2019", "2025/26", name="bench")


def best_of(repeat: int, fn: object) -> float:
    assert callable(fn)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--doctors", type=int, default=60)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rota = big_rota(args.doctors, args.weeks)
    result = check_rota(rota)
    check_s = best_of(args.repeat, lambda: check_rota(rota))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        write_rota_workbook(rota, path)
        full_s = best_of(args.repeat, lambda: check_rota(read_rota(path)))
        command = [str(Path(sys.executable).with_name("rota-solve")), "check", str(path)]
        cli_s = best_of(
            args.repeat, lambda: subprocess.run(command, capture_output=True, check=False)
        )
    figures = {
        "doctors": args.doctors,
        "weeks": args.weeks,
        "duties": len(rota.duties),
        "breaches": len(result.breaches),
        "check_s": round(check_s, 3),
        "read_and_check_s": round(full_s, 3),
        "command_s": round(cli_s, 3),
        "budget_s": BUDGET_S,
    }
    print(json.dumps(figures))
    return 0 if check_s <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
