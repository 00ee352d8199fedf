"""Benchmark: how `build` grows with doctors x weeks on a department of three tiers (issue:
build performance). Figures for the README's table and the issue notes.

    python benchmarks/bench_scaling.py [--sizes 20x12 30x26 40x26 60x52] [--time-limit S]

Each size is a one-off department built in memory: doctors split into three tiers (FY1/FY2,
CT/ST1-2, ST3+) a third each; in each tier one long day and one night every day, and day
shifts on weekdays for the two junior tiers (1-2 each); one doctor in five LTFT (0.8 or 0.6),
every doctor a week's annual leave every 13 weeks (staggered); patterns on, fairness per
WTE at the defaults. Each run prints a JSON line: status, first rota (s), cost, bound, gap,
wall seconds, peak memory (this process), model size. A fresh process per size keeps the
peak memory honest: run the sizes one per invocation when that matters.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date, timedelta

from rota_solve.solver.rota import Doctor, Patterns, Period
from rota_solve.solver.solve import Progress, solve
from rota_solve.solver.spec import CoverNeed, Leave, ShiftType, SolveSettings, Spec

SHIFTS = [
    ShiftType(code="D", name="Day", start=8 * 60, minutes=510),
    ShiftType(code="LD", name="Long day", start=8 * 60, minutes=750),
    ShiftType(code="N", name="Night", start=20 * 60, minutes=750),
]
TIERS = [
    ("FY1", "FY2"),
    ("CT1", "CT2", "ST1", "ST2"),
    ("ST3", "ST4", "ST5", "ST6", "ST7"),
]


def department(doctors: int, weeks: int, time_limit: float) -> Spec:
    period = Period(date(2026, 8, 5), weeks, False)
    docs: list[Doctor] = []
    leave: list[Leave] = []
    for i in range(doctors):
        grades = TIERS[i % 3]
        ltft = 1.0 if i % 5 else (0.8 if i % 10 else 0.6)
        docs.append(Doctor(f"Dr {i:03d}", grade=grades[i // 3 % len(grades)], ltft=ltft))
        for block in range(0, weeks, 13):
            first = period.start + timedelta(days=7 * (block + (i % 12)) + 2)
            if (first - period.start).days + 5 <= period.days:
                leave.append(
                    Leave(doctor=docs[-1].name, first=first, last=first + timedelta(days=4))
                )
    cover: list[CoverNeed] = []
    for day in range(period.days):
        weekday = period.weekday(day) < 5
        for t, grades in enumerate(TIERS):
            g = frozenset(grades)
            cover.append(CoverNeed(day=day, code="LD", doctors=1, grades=g))
            cover.append(CoverNeed(day=day, code="N", doctors=1, grades=g))
            if weekday and t < 2:
                cover.append(CoverNeed(day=day, code="D", doctors=1, most=2, grades=g))
    return Spec(
        name=f"{doctors}x{weeks}",
        period=period,
        rules="2019",
        pay_year="2025/26",
        shifts=SHIFTS,
        cover=cover,
        doctors=docs,
        leave=leave,
        solve=SolveSettings(time_limit=time_limit, workers=2, seed=0),
        patterns=Patterns(),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="*", default=["20x12", "30x26", "40x26", "60x52"])
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    for size in args.sizes:
        doctors, weeks = (int(x) for x in size.split("x"))
        spec = department(doctors, weeks, args.time_limit)
        first: list[float] = []

        def seen(p: Progress, first: list[float] = first) -> None:
            if p.cost is not None and not first:
                first.append(round(p.seconds, 1))

        t0 = time.monotonic()
        r = solve(spec, on_progress=seen)
        row = {
            "size": size,
            "status": r.status,
            "first_rota_s": first[0] if first else None,
            "cost": r.cost,
            "bound": r.bound,
            "gap": None if r.gap is None else round(r.gap, 5),
            "wall_s": round(time.monotonic() - t0, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "model": r.model_size,
            "stopped": r.stopped,
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
