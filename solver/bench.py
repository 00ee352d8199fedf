"""`bench`: what rota designs cost, side by side, each scenario a real build on a dask
cluster (README: Bench).

Each scenario (scenarios.py: the spec's sheets changed, read by build's own reader) is sent
to a dask.distributed worker as plain data — its validated Spec, never a model: CP-SAT
objects do not pickle — and solved there by `solve.solve`, the very function `build` calls:
the same model, objective, fairness and re-check. Every scenario runs in reproducible mode
(deterministic time limit, fixed seed and workers), so the same scenario gives the same
result on any cluster, and a scenario's cost is exactly what `build --reproducible` gives for
the equivalent spec.

A worker that dies mid-scenario costs that scenario a retry on another worker (dask
reschedules the task; after `allowed_failures` deaths it is an error row), never the bench.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rota_solve.solver.errors import InputError
from rota_solve.solver.pay import PAY_ELEMENTS
from rota_solve.solver.scenarios import Change, Scenario, with_count
from rota_solve.solver.spec import Spec
from rota_solve.solver.workbook import Sheets

MAX_FEWEST_STEPS = 12  # counts tried by a fewest-doctors search, each a solve


@dataclass
class Outcome:
    """One scenario's answer, summarised from its BuildResult (plain data)."""

    scenario: str
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, NOT PERMITTED, ERROR
    cost: float | None = None
    bound: float | None = None
    gap: float | None = None
    elements: dict[str, float] = field(default_factory=dict)
    pay: list[dict[str, Any]] = field(default_factory=list)  # one row a doctor
    doctors: int = 0
    wte: float = 0.0
    max_weekly_hours: float | None = None
    nights_per_wte: tuple[float, float] | None = None
    weekends_per_wte: tuple[float, float] | None = None
    unmet_requests: int = 0
    seconds: float = 0.0
    why: str | None = None
    fewest: int | None = None  # fewest doctors of the grade asked for
    fewest_note: str | None = None
    result: Any = None  # the BuildResult (for --rotas), where a rota was found

    @property
    def found(self) -> bool:
        return self.cost is not None

    def json(self) -> dict[str, Any]:
        out = {
            "scenario": self.scenario,
            "status": self.status,
            "cost": self.cost,
            "bound": self.bound,
            "gap": None if self.gap is None else round(self.gap, 6),
            "elements": self.elements,
            "doctors": self.doctors,
            "wte": round(self.wte, 3),
            "seconds": round(self.seconds, 2),
            "why": self.why,
        }
        if self.fewest is not None or self.fewest_note is not None:
            out["fewest_doctors"] = self.fewest
            out["fewest_note"] = self.fewest_note
        return out


@dataclass(frozen=True)
class Task:
    """What a worker receives: plain data only."""

    name: str
    spec: Spec | None
    not_permitted: str | None = None
    fewest: str | None = None
    tables: Sheets | None = None  # for a fewest-doctors search: the scenario's sheets
    path: str = ""
    changes: tuple[Change, ...] = ()


def summarise(name: str, result: Any, seconds: float) -> Outcome:
    """An Outcome from a BuildResult."""
    from rota_solve.solver.eligibility import Eligibility

    spec: Spec = result.spec
    out = Outcome(
        scenario=name,
        status=result.status,
        seconds=seconds,
        doctors=len(spec.doctors),
        wte=sum(d.ltft for d in spec.doctors),
    )
    if result.rota is None or result.check is None:
        from rota_solve.solver.explain import explain

        out.why = " ".join(explain(spec, result)) or result.stopped or None
        return out
    out.cost = result.cost
    out.bound = result.bound
    out.gap = result.gap
    out.result = result
    ltft = {d.name: d.ltft for d in spec.doctors}
    elig = Eligibility(spec)
    night_codes = {s.code for s in spec.shifts if elig.is_night(s)}
    nights: dict[str, int] = {d.name: 0 for d in spec.doctors}
    for duty in result.rota.duties:
        if duty.shift in night_codes:
            nights[duty.doctor] = nights.get(duty.doctor, 0) + 1
    weekends: dict[str, int] = {}
    for line in result.check.pay:
        row = line.as_dict()
        out.pay.append(
            {"doctor": line.doctor, "grade": line.grade}
            | {k: row[k] or 0.0 for k in PAY_ELEMENTS}
            | {"total": line.total or 0.0, "average_weekly_hours": line.average_weekly_hours}
        )
        for k in PAY_ELEMENTS:
            out.elements[k] = round(out.elements.get(k, 0.0) + (row[k] or 0.0), 2)
        weekends[line.doctor] = line.weekends_worked
    hours = [line.average_weekly_hours for line in result.check.pay]
    out.max_weekly_hours = max(hours) if hours else None
    per_n = [nights[d] / ltft[d] for d in nights if ltft.get(d)]
    per_w = [weekends[d] / ltft[d] for d in weekends if ltft.get(d)]
    out.nights_per_wte = (min(per_n), max(per_n)) if per_n else None
    out.weekends_per_wte = (min(per_w), max(per_w)) if per_w else None
    out.unmet_requests = len(result.unmet_requests)
    return out


def _build(spec: Spec) -> Any:
    from rota_solve.solver.capacity import shortfalls
    from rota_solve.solver.solve import BuildResult, solve

    if not spec.gaps and shortfalls(spec):  # proven short before any solve, as build does
        return BuildResult(spec=spec, status="INFEASIBLE", seconds=0.0)
    return solve(spec)


def run_scenario(task: Task) -> Outcome:
    """Solve one scenario (on a dask worker). A fewest-doctors scenario searches the count
    of its grade: down from today's while a rota exists, up while none does; each count is
    a solve, and the answer stands proven only where one doctor fewer is INFEASIBLE (never a
    time-out read as infeasible)."""
    t0 = time.monotonic()
    if task.spec is None:
        return Outcome(task.name, "NOT PERMITTED", why=task.not_permitted)
    if task.fewest is None:
        return summarise(task.name, _build(task.spec), time.monotonic() - t0)
    from rota_solve.solver.spec_io import spec_from_tables

    assert task.tables is not None
    grade = task.fewest
    have = sum(1 for d in task.spec.doctors if d.grade == grade)

    def at(count: int) -> Any:
        tables = with_count(task.tables, grade, count, task.spec)  # type: ignore[arg-type]
        spec = spec_from_tables(tables, Path(task.path))
        spec = spec.model_copy(update={"solve": task.spec.solve})  # type: ignore[union-attr]
        return _build(spec)

    results: dict[int, Any] = {have: at(have)}
    count = have
    if results[have].rota is not None:
        while count > 0 and len(results) < MAX_FEWEST_STEPS:
            below = at(count - 1)
            results[count - 1] = below
            if below.rota is None:
                break
            count -= 1
    else:
        while len(results) < MAX_FEWEST_STEPS and results[count].status == "INFEASIBLE":
            count += 1
            results[count] = at(count)
            if results[count].rota is not None:
                break
    found = sorted(k for k, r in results.items() if r.rota is not None)
    if not found:
        out = summarise(task.name, results[count], time.monotonic() - t0)
        out.fewest_note = f"no compliant rota with {have} to {count} {grade} doctors" + (
            "" if results[count].status == "INFEASIBLE" else " (the last not proven)"
        )
        return out
    best = found[0]
    out = summarise(task.name, results[best], time.monotonic() - t0)
    out.fewest = best
    fewer = results.get(best - 1)
    if best == 0:
        out.fewest_note = f"no {grade} doctor is needed"
    elif fewer is not None and fewer.status == "INFEASIBLE":
        out.fewest_note = f"{best} {grade}: proven, {best - 1} cannot be compliant (INFEASIBLE)"
    else:
        status = "not tried" if fewer is None else f"{fewer.status}, not proven infeasible"
        out.fewest_note = f"{best} {grade} or fewer: {best - 1} {status} within the time limit"
    return out


# -- the cluster ---------------------------------------------------------------------------


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def processes_for(workers_per_solve: int, asked: int | None) -> int:
    """Concurrent solves on this machine: each solve's CP-SAT workers x solves <= cores."""
    if asked is not None:
        return max(1, asked)
    return max(1, _cores() // max(1, workers_per_solve))


Progress = Callable[[int, int, int, float], None]  # done, running, left, elapsed


def run(
    tasks: list[Task],
    *,
    scheduler: str | None = None,
    processes: int | None = None,
    on_progress: Progress | None = None,
    connect_timeout: float = 10.0,
) -> list[Outcome]:
    """Every task on dask.distributed: a LocalCluster of worker processes by default, or the
    cluster at `scheduler` (given up as unreachable after `connect_timeout` seconds).
    Outcomes in the tasks' order."""
    from dask.distributed import Client, LocalCluster, as_completed

    workers = max((t.spec.solve.workers for t in tasks if t.spec is not None), default=1)
    cluster = None
    t0 = time.monotonic()
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=processes_for(workers, processes),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: never fights another cluster for 8787
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"--scheduler {scheduler}: cannot reach it ({exc})") from None
    try:
        futures = {
            client.submit(run_scenario, t, key=f"scenario-{i}", pure=False): i
            for i, t in enumerate(tasks)
        }
        out: list[Outcome | None] = [None] * len(tasks)
        if on_progress is not None:
            on_progress(0, min(len(tasks), len(client.scheduler_info()["workers"])), len(tasks), 0)
        for done, fut in enumerate(as_completed(futures), start=1):
            i = futures[fut]
            try:
                out[i] = fut.result()
            except Exception as exc:  # a task that failed on every worker it was tried on
                out[i] = Outcome(tasks[i].name, "ERROR", why=f"{type(exc).__name__}: {exc}")
            if on_progress is not None:
                left = len(tasks) - done
                running = min(left, len(client.scheduler_info()["workers"]))
                on_progress(done, running, left - running, time.monotonic() - t0)
        return [o for o in out if o is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def tasks_for(
    base: Spec, scenarios: list[Scenario], *, path: Path, tables: Sheets, time_limit: float | None
) -> list[Task]:
    """`base` first, then each scenario; every spec in reproducible mode with the bench's
    time limit (deterministic seconds) so any cluster gives the same answers."""

    def fixed(spec: Spec | None) -> Spec | None:
        if spec is None:
            return None
        update: dict[str, object] = {"reproducible": True}
        if time_limit is not None:
            update["time_limit"] = time_limit
        return spec.model_copy(update={"solve": spec.solve.model_copy(update=update)})

    from rota_solve.solver.scenarios import apply_changes

    out = [Task("base", fixed(base), path=str(path))]
    for sc in scenarios:
        changes = [c for c in sc.changes if c.kind != "fewest doctors"]
        out.append(
            Task(
                sc.name,
                fixed(sc.spec),
                not_permitted=sc.not_permitted,
                fewest=sc.fewest,
                tables=apply_changes(tables, changes, base) if sc.fewest else None,
                path=str(path),
                changes=tuple(sc.changes),
            )
        )
    return out


def established(row: Outcome, base: Outcome) -> str:
    """Whether the difference from base is established: each optimum lies between its bound
    and its cost, so only where those ranges do not overlap is one cheaper."""
    if row is base or not (row.found and base.found):
        return ""
    assert row.cost is not None and base.cost is not None
    lo_r = row.cost if row.bound is None and row.status == "OPTIMAL" else row.bound
    lo_b = base.cost if base.bound is None and base.status == "OPTIMAL" else base.bound
    if lo_b is not None and row.cost < lo_b:
        return "cheaper (established)"
    if lo_r is not None and lo_r > base.cost:
        return "dearer (established)"
    return "not established (within the optimality gaps)"
