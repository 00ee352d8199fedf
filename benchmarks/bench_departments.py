"""Benchmark: `build` on a real department's shape (figures for the issue notes).

    python benchmarks/bench_departments.py [--time-limit S] [--hours-band H ...]

The PICU example (`examples/picu-two-tier-spec.xlsx`: 18 doctors in two tiers, 7 LTFT, 3
with a fixed day off, 26 weeks one-off, 1-3 day shifts on weekdays, nights in blocks,
whole weekends) built on 2 workers with a wall-clock time limit, once per fairness hours
band. Each run prints a JSON line: status, cost, bound, gap, wall seconds, peak memory of
the process, single-night blocks, pattern findings, and each tier's hours per WTE (least,
most, and the band).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.fairness import weights
from rota_solve.solver.solve import solve
from rota_solve.solver.spec import Fairness
from rota_solve.solver.spec_io import read_spec

ROOT = Path(__file__).resolve().parents[1]


def single_nights(duties: list[tuple[str, int]]) -> tuple[int, int]:
    """(single-night blocks, all blocks) from (doctor, day) nights."""
    by: dict[str, set[int]] = {}
    for doctor, day in duties:
        by.setdefault(doctor, set()).add(day)
    singles = blocks = 0
    for days in by.values():
        for d in days:
            if d - 1 not in days:
                blocks += 1
                singles += d + 1 not in days
    return singles, blocks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--hours-band", type=float, nargs="*", default=[4.0, 12.0])
    args = ap.parse_args()
    base = read_spec(ROOT / "examples" / "picu-two-tier-spec.xlsx")
    for band in args.hours_band:
        spec = base.model_copy(update={"fairness": Fairness(hours_band=band)})
        t0 = time.monotonic()
        r = solve(spec, time_limit=args.time_limit)
        wall = time.monotonic() - t0
        row: dict[str, object] = {
            "hours_band": band,
            "status": r.status,
            "cost": r.cost,
            "bound": r.bound,
            "gap": None if r.gap is None else round(r.gap, 5),
            "wall_s": round(wall, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "model": r.model_size,
        }
        if r.rota is not None and r.check is not None:
            nights = [
                (d.doctor, spec.period.day_index(d.start.date()))
                for d in r.rota.duties
                if d.shift == "N"
            ]
            row["single_night_blocks"], row["night_blocks"] = single_nights(nights)
            row["pattern_findings"] = len(r.check.patterns)
            w = weights(RotaModel(spec))
            per_wte: dict[str, list[float]] = {}
            for line in r.check.pay:
                doc = spec.doctor(line.doctor)
                tier = "registrars" if doc.grade.startswith("ST") and doc.grade >= "ST3" else "SHOs"
                share = float(w[line.doctor]) or 1.0
                per_wte.setdefault(tier, []).append(line.average_weekly_hours / share)
            row["hours_per_wte"] = {
                t: [round(min(v), 1), round(max(v), 1)] for t, v in per_wte.items()
            }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
