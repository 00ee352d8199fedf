"""Benchmark: `rota-solve build` on 2 workers (figures for the issue notes).

    python benchmarks/bench_build.py [small|large|examples|all] [--time-limit S]

* small: 20 doctors x 12 weeks; weekdays 2 day shifts, 1 long day and 1 night; weekends 1 long
  day and 1 night. Targets: first compliant rota within 5 s, cost proven optimal within 60 s.
* large: 40 doctors x 26 weeks, same pattern doubled. Target: a compliant rota within 60 s.
* examples: the three example specs.

Each run records, as JSON lines: seconds to the first compliant rota, its cost, the final
status, cost, bound and gap, wall seconds, and the model's size. The solver's settings are
those `build` uses (solver/solver_settings.toml); the time limit is wall-clock, as `build`'s
default (the patterns and fairness per WTE are on, as a spec's defaults).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from rota_solve.solver.rota import Doctor, Period
from rota_solve.solver.solve import Progress, solve
from rota_solve.solver.spec import CoverNeed, ShiftType, SolveSettings, Spec
from rota_solve.solver.spec_io import read_spec

ROOT = Path(__file__).resolve().parents[1]
SHIFTS = [
    ShiftType(code="D", name="Day", start=8 * 60, minutes=510),
    ShiftType(code="LD", name="Long day", start=8 * 60, minutes=750),
    ShiftType(code="N", name="Night", start=20 * 60, minutes=750),
]


def pattern_spec(doctors: int, weeks: int, scale: int, time_limit: float) -> Spec:
    period = Period(date(2026, 8, 3), weeks, True)
    cover = []
    for day in range(period.days):
        weekend = period.weekday(day) >= 5
        if not weekend:
            cover.append(CoverNeed(day=day, code="D", doctors=2 * scale))
        cover.append(CoverNeed(day=day, code="LD", doctors=scale))
        cover.append(CoverNeed(day=day, code="N", doctors=scale))
    grades = ["FY1", "FY2", "CT1", "CT2"]
    docs = [
        Doctor(f"Dr {i:02d}", grade=grades[i % 4], ltft=0.8 if i % 10 == 9 else 1.0)
        for i in range(doctors)
    ]
    return Spec(
        name=f"{doctors}x{weeks}",
        period=period,
        rules="2019",
        pay_year="2025/26",
        shifts=SHIFTS,
        cover=cover,
        doctors=docs,
        solve=SolveSettings(time_limit=time_limit, workers=2, seed=0),
    )


def run(name: str, spec: Spec) -> dict[str, object]:
    first: list[Progress] = []
    t0 = time.monotonic()

    def seen(p: Progress) -> None:
        if not first and p.cost is not None:
            first.append(Progress(time.monotonic() - t0, p.cost, p.bound, p.solutions))

    result = solve(spec, on_progress=seen)
    out: dict[str, object] = {
        "case": name,
        "doctors": len(spec.doctors),
        "weeks": spec.period.weeks,
        "time_limit": spec.solve.time_limit,
        "first_rota_s": round(first[0].seconds, 2) if first else None,
        "first_cost": first[0].cost / 100 if first and first[0].cost else None,
        "status": result.status,
        "cost": result.cost,
        "bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 5),
        "wall_s": round(result.seconds, 2),
        **result.model_size,
    }
    print(json.dumps(out), flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "which", nargs="?", default="all", choices=["small", "large", "examples", "all"]
    )
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    if args.which in ("small", "all"):
        run("20x12", pattern_spec(20, 12, 1, args.time_limit))
    if args.which in ("large", "all"):
        run("40x26", pattern_spec(40, 26, 2, args.time_limit))
    if args.which in ("examples", "all"):
        for name in ("fy1-medicine-spec", "registrar-oncall-spec", "large-mixed-spec"):
            spec = read_spec(ROOT / "examples" / f"{name}.xlsx")
            spec = spec.model_copy(
                update={"solve": spec.solve.model_copy(update={"time_limit": args.time_limit})}
            )
            run(name, spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
