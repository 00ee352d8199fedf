"""Builders for spec workbooks and Spec objects in tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from rota_solve.solver.rota import Doctor, Patterns, Period
from rota_solve.solver.spec import CoverNeed, Fairness, ShiftType, SolveSettings, Spec

DAY = ["D", "Day", "08:00", "16:30", "no", None]
LONG_DAY = ["LD", "Long day", "08:00", "20:30", "no", None]
NIGHT = ["N", "Night", "20:00", "08:30", "no", None]


def write_spec(
    path: Path,
    *,
    settings: dict[str, Any] | None = None,
    shifts: list[list[Any]] | None = None,
    cover: list[list[Any]] | None = None,
    doctors: list[list[Any]] | None = None,
    extra: dict[str, list[list[Any]]] | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    sheets: dict[str, list[list[Any]]] = {
        "Settings": [["setting", "value"]]
        + [
            [k, v]
            for k, v in (
                settings
                or {
                    "start_date": "2026-08-03",
                    "weeks": 2,
                    "repeats": "yes",
                    "time_limit": 5,
                    # 7 doctors on a 2-week cycle cannot share nights within 1 of each other
                    # in blocks of 2 with Fri-Sun weekend blocks: these specs test other
                    # things; the patterns have tests of their own
                    "night_block_min": 1,
                    "whole_weekends": "no",
                    "rest_before_nights": "no",
                }
            ).items()
        ],
        "Shifts": [["code", "name", "start", "end", "on_call", "expected_work_hours"]]
        + (shifts or [DAY, LONG_DAY, NIGHT]),
        "Cover": [["shift", "days", "doctors", "grades"]]
        + (cover or [["D", "Weekdays", 1, None], ["LD", "All", 1, None], ["N", "All", 1, None]]),
        "Doctors": [["doctor", "grade", "ltft", "opted_out", "basic_salary", "nights", "on_call"]]
        + (
            doctors
            or [
                [f"Dr {i}", "FY1" if i % 2 else "FY2", 1, "no", None, "yes", "yes"]
                for i in range(7)
            ]
        ),
    }
    sheets.update(extra or {})
    for name, rows in sheets.items():
        if name in drop:
            continue
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def shift(code: str, start: str, minutes: int, on_call: bool = False, work: int = 0) -> ShiftType:
    hh, mm = (int(x) for x in start.split(":"))
    return ShiftType(
        code=code,
        start=hh * 60 + mm,
        minutes=minutes,
        on_call=on_call,
        work_minutes=work if on_call else minutes,
    )


def make_spec(
    shifts: list[ShiftType],
    needs: dict[str, list[int] | str],
    doctors: list[Doctor],
    *,
    weeks: int = 1,
    repeats: bool = False,
    rules: str = "2019",
    fairness: bool = True,
    count: int = 1,
    time_limit: float = 10.0,
    start: date = date(2026, 8, 3),
    patterns: Patterns | None = None,
) -> Spec:
    """needs: shift code -> the day indices it needs `count` doctors on ("all" for every day).
    Patterns (trust policy) are off unless given: these specs test the contract."""
    period = Period(start, weeks, repeats)
    cover = []
    for code, days in needs.items():
        for day in range(period.days) if days == "all" else days:
            cover.append(CoverNeed(day=day, code=code, doctors=count))
    return Spec(
        name="test",
        period=period,
        rules=rules,
        pay_year="2025/26",
        shifts=shifts,
        cover=cover,
        doctors=doctors,
        solve=SolveSettings(time_limit=time_limit, workers=2, seed=0),
        fairness=Fairness(hard=fairness),
        patterns=patterns or Patterns.off(),
    )


def benchmark_spec(doctors: int, weeks: int, scale: int, time_limit: float = 10) -> Spec:
    """`benchmarks/bench_build.py`'s pattern spec (one tier, repeating, 1 in 10 LTFT 0.8)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_build.py"
    loader = importlib.util.spec_from_file_location("bench_build", path)
    assert loader is not None and loader.loader is not None
    bench = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(bench)
    spec = bench.pattern_spec(doctors, weeks, scale, time_limit)
    assert isinstance(spec, Spec)
    return spec


def pay_floor(spec: Spec) -> int:
    """The floor of the pay bill the cuts imply (cuts.pay_floor), pence."""
    from rota_solve.solver.cpmodel import build_model
    from rota_solve.solver.objective import add_objective

    m = build_model(spec)
    obj = add_objective(m)
    assert obj.floor is not None
    return obj.floor


def strict_search(spec: Spec, time_limit: float, **kw: Any) -> Any:
    """One CP-SAT search of the strict model (`solve._search`: hard fairness, no progress
    display, its own signal handling), with `kw` as `_search` takes them."""
    from rota_solve.solver import solve as solve_module

    return solve_module._search(
        spec,
        fair=True,
        slack=False,
        time_limit=time_limit,
        on_progress=None,
        signals=None,
        **kw,
    )
