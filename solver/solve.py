"""Solving a spec: build the model, run CP-SAT, read back the rota, and re-check it with the
independent checker before anyone may write it.

The result carries the status, the cost (the pay calculator's total for the rota, equal to
the model's pay objective), the bound, the gap and the time, like PyJobShop's Result.
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from ortools.sat.python import cp_model, cp_model_helper

from rota_solve.solver.checker import CheckResult, check_rota
from rota_solve.solver.construct import Key, Move, Plan, applies, first_rota, improve, plan
from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.cuts import floor_pins
from rota_solve.solver.decompose import parts
from rota_solve.solver.fairness import reachable
from rota_solve.solver.focus import Excess
from rota_solve.solver.gaps import Gap, gap_list
from rota_solve.solver.lines import shifted_from_template
from rota_solve.solver.objective import Objective, add_objective
from rota_solve.solver.rota import Rota
from rota_solve.solver.signals import NO_ROTA_ELSEWHERE, Signals
from rota_solve.solver.spec import Request, Spec


class RecheckError(RuntimeError):
    """The solver's rota failed the independent checker, or its objective disagreed with the
    pay calculator: a bug, never a rota to write."""


@dataclass
class Progress:
    """What a progress display is told: seconds, best cost and bound (pence)."""

    seconds: float = 0.0
    cost: int | None = None
    bound: int | None = None
    solutions: int = 0
    stage: str = ""  # what the solver is doing, where it is not yet the whole rota


@dataclass
class BuildResult:
    spec: Spec
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    seconds: float
    rota: Rota | None = None
    check: CheckResult | None = None
    cost_pence: int | None = None  # the pay bill (pence a year)
    bound_pence: int | None = None  # a lower bound on the pay bill plus the gaps' cost
    unfilled: list[Gap] = field(default_factory=list)  # cover gaps for a locum (gaps allowed)
    unfilled_pence: int = 0
    penalty_pence: int = 0  # unmet requests
    pay_terms: dict[str, dict[str, int]] = field(default_factory=dict)
    unmet_requests: list[Request] = field(default_factory=list)
    stopped: str | None = None  # why the search stopped before proving optimality
    reproducible: bool = False
    seed: int = 0
    workers: int = 1
    model_size: dict[str, int] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.rota is not None

    @property
    def cost(self) -> float | None:
        return None if self.cost_pence is None else self.cost_pence / 100

    @property
    def bound(self) -> float | None:
        return None if self.bound_pence is None else self.bound_pence / 100

    @property
    def unfilled_cost(self) -> float:
        return self.unfilled_pence / 100

    @property
    def gap(self) -> float | None:
        """The optimality gap: how far the pay bill plus the gaps' cost may be above the
        least possible."""
        if self.cost_pence is None or self.bound_pence is None or not self.cost_pence:
            return None
        total = self.cost_pence + self.unfilled_pence
        return max(0.0, (total - self.bound_pence) / total)


def solver_settings() -> dict[str, Any]:
    path = resources.files("rota_solve.solver").joinpath("solver_settings.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def own_bound(unfloored: Sequence[str]) -> bool:
    """Whether the bound must be CP-SAT's own: a pay element the cuts give no floor
    (Objective.unfloored) is among [bound] `elements` (the floor counts it at 0)."""
    return bool(set(unfloored) & set(solver_settings().get("bound", {}).get("elements", [])))


def configure(
    solver: cp_model.CpSolver,
    spec: Spec,
    *,
    time_limit: float | None = None,
    unfloored: Sequence[str] = (),
    ignore: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> float:
    """Set the solver's parameters from the settings file and the spec. Returns the
    wall-clock seconds after which the search is stopped (_search stops it: by default the
    time limit; in reproducible mode the guard, which CP-SAT also keeps).

    Default: `time_limit` is wall-clock seconds (the run ends when the user asked). The
    subsolvers run interleaved either way (measured: on 2 workers the interleaved portfolio
    keeps its bound-proving workers, and ends far nearer the optimum; FY1 example 0.04 % at
    10 s against 4.2 % racing). `reproducible`: the limit is deterministic seconds, so the
    same seed and workers give the same rota on any machine; a wall-clock guard
    (`wall_guard_factor` x the limit + 10 s) still stops a very slow run, and a run it stops
    is reported as not reproducible.

    `unfloored`: the pay elements the cuts give no floor (Objective.unfloored); where one
    of them is among [bound] `elements`, the bound is CP-SAT's own, and the subsolvers of
    [bound] `keep_subsolvers` run although `ignore_subsolvers` names them. `ignore`: more
    subsolvers left out of this search (a construction window's, [construct]). `keep`:
    subsolvers this search runs although `ignore_subsolvers` names them (the floor-shaped
    search's, [floor])."""
    conf = solver_settings()
    limit = spec.solve.time_limit if time_limit is None else time_limit
    params = solver.parameters
    bound = conf.get("bound", {})
    kept: set[str] = set(keep)
    if own_bound(unfloored):
        kept |= set(bound.get("keep_subsolvers", []))
    for key, value in conf["parameters"].items():
        if key == "ignore_subsolvers":
            value = [v for v in value if v not in kept]
        if isinstance(value, list):  # a repeated field (subsolvers, ignore_subsolvers, ...)
            getattr(params, key).extend(value)
        else:
            setattr(params, key, value)
    params.ignore_subsolvers.extend([v for v in ignore if v not in params.ignore_subsolvers])
    params.catch_sigint_signal = False  # signals.py handles SIGINT and SIGTERM
    params.num_workers = spec.solve.workers
    params.random_seed = spec.solve.seed
    # CP-SAT's own wall-clock limit is only a guard: with interleaved search it checks the
    # limit between batches of tasks and ends the search when the last gap between two
    # checks would carry it past the limit, so a search ended up to a batch early (an 8 s
    # build of a 14-doctor spec ended at 3.7 s, after its first rota, its best rota 1.2 %
    # dearer than in the 6.9 s it had). The wall-clock limit is kept by _search instead.
    params.max_time_in_seconds = float(limit) * float(conf["limits"]["wall_guard_factor"]) + 10.0
    if spec.solve.reproducible:
        params.max_deterministic_time = limit
        return float(params.max_time_in_seconds)
    return float(limit)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        obj: Objective,
        on_progress: Callable[[Progress], None] | None,
        t0: float | None = None,
        stop_at_floor: bool = True,
        floor_only: bool = False,
        near: int = 0,
    ) -> None:
        super().__init__()
        self.obj = obj
        # a restricted search (floor pins): its own bound is not the whole model's, so the
        # bound shown is the floor
        self.floor_only = floor_only
        self.on_progress = on_progress
        self.progress = Progress()
        self.t0 = time.monotonic() if t0 is None else t0
        self.enough = threading.Event()  # set: the first rota from now on ends the search
        # a rota that costs the pay bill's floor is optimal: the search stops there (not in
        # reproducible mode, where a stop from the callback lands at no fixed point of the
        # deterministic search, so two runs could return different rotas of that cost)
        self.stop_at_floor = stop_at_floor
        # ... or, `near_grace` seconds after its first rota within `near` pence of it ([limits]
        # near_floor_pence), unless it proves one optimal by then: not proven, near enough
        self.near = near
        self.near_at: float | None = None  # when the first rota that near was found
        self.stopped_near = False

    def on_solution_callback(self) -> None:
        self.progress.solutions += 1
        if self.enough.is_set():
            self.stop_search()
        if self.stop_at_floor and at_floor(self.obj, self.objective_value):
            self.stop_search()
        elif (
            self.stop_at_floor
            and self.near_at is None
            and at_floor(self.obj, self.objective_value - self.near)
        ):
            self.near_at = time.monotonic()  # _search's poll stops it after a grace
        self.progress.seconds = time.monotonic() - self.t0
        if self.obj.fair_slack and self.value(self.obj.fair_slack_expr()) > 0:
            return  # compliant, not yet fair: not a rota build would return
        self.progress.cost = int(self.value(self.obj.cost_expr()))
        self.progress.bound = self.obj.with_floor(
            None if self.floor_only else self.best_objective_bound
        )
        if self.on_progress is not None:
            self.on_progress(self.progress)


def near_floor() -> int:
    """[limits] near_floor_pence: a search ends at a rota that costs no more above the floor."""
    return int(solver_settings()["limits"].get("near_floor_pence", 0))


def near_why() -> str:
    """Why a search ended at a rota within near_floor_pence of the floor (not proven)."""
    return f"coming within £{near_floor() / 100:,.2f} of its bound"


def at_floor(obj: Objective, objective: float) -> bool:
    """The objective (pay + requests + gaps + slack) costs no more than the cuts' floor of
    the pay alone: no rota costs less, so this one is optimal."""
    return obj.floor is not None and objective <= obj.floor


def _value(solver: cp_model.CpSolver, term: Any) -> int:
    return int(term) if isinstance(term, int) else int(solver.value(term))


def _run(solver: cp_model.CpSolver, model: cp_model.CpModel, watcher: _Watcher) -> Any:
    """Solve in a thread; the main thread waits, free to run signal handlers."""
    out: dict[str, Any] = {}

    def work() -> None:
        try:
            out["status"] = solver.solve(model, watcher)
        except BaseException as exc:  # re-raised in the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=work, name="cp-sat", daemon=True)
    thread.start()
    while thread.is_alive():
        try:
            thread.join(0.2)
        except KeyboardInterrupt:  # a second signal while stopping: wait for the solver
            solver.stop_search()
    if "error" in out:
        raise out["error"]
    return out["status"]


@dataclass
class _Search:
    m: RotaModel
    obj: Objective
    solver: cp_model.CpSolver
    status: Any
    why: str
    size: dict[str, int]
    restricted: bool = False  # some days were fixed: its bound is not the whole model's


def _search(
    spec: Spec,
    *,
    fair: bool,
    slack: bool,
    time_limit: float | None,
    on_progress: Callable[[Progress], None] | None,
    signals: Signals | None,
    give_up: float | None = None,
    hint: dict[Key, int] | None = None,
    free: tuple[int, int] | None = None,
    free_doctors: frozenset[str] | None = None,
    free_head: int = 0,
    t0: float | None = None,
    built: tuple[RotaModel, Objective] | None = None,
    enough: float | None = None,
    complete: list[int] | None = None,
    deadline: float | None = None,
    pins: list[tuple[str, str, int]] | None = None,
    reach: dict[str, dict[str, tuple[int, int]]] | None = None,
    ignore: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> _Search:
    """Build the model and run CP-SAT once; Ctrl-C and SIGTERM stop the search and keep the
    best rota (signals.py). Handlers run in the main thread only, so the solve runs in a
    thread that the main thread waits for. `give_up`: wall seconds after which a search
    that has found no rota stops (why = "gave up"). `hint`: values for the model's
    variables (a variable it does not name is hinted 0), fixed on the days outside `free`
    (first day, day after the last) where it is given, and for the doctors outside
    `free_doctors` where that is given (construct.py); `free_head`: the period's first days
    free as well (a repeating period's last window: they follow its last days). `built`: a model
    built before, solved as a copy (so it can be solved again with other days fixed).
    `enough`: wall seconds after which the search ends at its next rota (a soft limit:
    it goes on to `time_limit` while it has none). `complete`: a value for every variable
    of `built` (a rota of the same model found with some days fixed), hinted in full, so
    the search starts from it at once instead of rebuilding it from `hint`. `deadline`:
    a wall-clock end (time.monotonic()) the search keeps to as well, its limit taken when
    the model is ready (building, copying and hinting a year's model take seconds).
    `reach`: a construction window's counts that can still reach the whole period's
    fairness bands (fairness.reachable). `pins`: (doctor, pay element, pence) held exactly
    (cuts.floor_pins: the search looks only where a rota costing the floor can be); its
    bound is then not the whole model's, and it is `restricted` unless its rota costs the
    floor. `ignore`: subsolvers this search leaves out besides the settings'; `keep`: ones
    it runs although the settings leave them out (configure)."""
    if built is None:
        frozen = {} if free_doctors is not None else _frozen(spec, hint, free, free_head)
        m = RotaModel(spec, fair_slack=slack, frozen=frozen, reach=reach or {}).build()
        obj = add_objective(m, fairness=fair)
        model = m.model
    else:
        m, obj = built
        model = m.model.clone() if hint is not None or pins else m.model
    for doctor, element, pence in pins or ():  # an expression of the model's variables,
        # held on its copy: the copy's variables have the same indices
        flat = cp_model_helper.FlatIntExpr(obj.pay[doctor][element])
        same = [model.get_int_var_from_proto_index(v.index) for v in flat.vars]
        model.add(sum(c * v for c, v in zip(flat.coeffs, same, strict=True)) == pence - flat.offset)
    if complete is not None:
        assert hint is not None and free is None  # a clone, every variable hinted
        for index, value in enumerate(complete):
            model.add_hint(model.get_int_var_from_proto_index(index), value)
    elif hint is not None:
        for key, var in m.x.items():
            value = hint.get(key, 0)
            if _free_day(key[1], free, free_head) and (
                free_doctors is None or key[0] in free_doctors
            ):
                model.add_hint(var, value)
            else:  # fixed: its domain is the one value
                domain = model.proto.variables[var.index].domain
                domain[0] = domain[1] = value
    proto = model.proto
    size = {"variables": len(proto.variables), "constraints": len(proto.constraints)}
    solver = cp_model.CpSolver()
    if deadline is not None and not spec.solve.reproducible:
        left = max(0.5, deadline - time.monotonic())
        time_limit = left if time_limit is None else min(time_limit, left)
    guard = configure(
        solver, spec, time_limit=time_limit, unfloored=obj.unfloored, ignore=ignore, keep=keep
    )
    watcher = _Watcher(
        obj,
        on_progress,
        t0,
        stop_at_floor=not spec.solve.reproducible,
        floor_only=bool(pins),
        near=near_floor(),
    )
    if on_progress is not None and not pins:

        def bound(value: float) -> None:
            watcher.progress.bound = obj.with_floor(value)
            watcher.progress.seconds = time.monotonic() - watcher.t0
            on_progress(watcher.progress)

        solver.best_bound_callback = bound
    own = signals is None
    sig = Signals() if signals is None else signals
    gave_up = threading.Event()

    def check() -> None:
        if watcher.progress.solutions == 0:
            gave_up.set()
            solver.stop_search()

    def past() -> None:
        watcher.enough.set()
        if watcher.progress.solutions:
            solver.stop_search()

    timers = []
    if give_up is not None:
        timers.append(threading.Timer(give_up, check))
    if enough is not None:
        timers.append(threading.Timer(enough, past))
    finished = threading.Event()

    end = time.monotonic() + guard  # the wall-clock limit (configure)
    # a search within near_floor_pence of the floor has this long to prove or improve it
    limits = solver_settings()["limits"]
    grace = max(
        float(limits.get("near_grace_seconds", 0.0)),
        float(limits.get("near_grace_share", 0.0)) * guard,
    )
    out_of_time = threading.Event()

    def poll() -> None:
        # the wall-clock limit, and a signal; a stop that came before the solver started
        # (when stop_search does nothing yet: a limit shorter than the model's loading,
        # another tier's search took the signal, or found no rota) still stops it
        while True:
            left = end - time.monotonic()
            if finished.wait(min(0.1, left) if left > 0 else 0.1):
                return
            if time.monotonic() >= end:
                out_of_time.set()
            if watcher.near_at is not None and time.monotonic() - watcher.near_at >= grace:
                watcher.stopped_near = True
                solver.stop_search()
            if sig.received is not None or out_of_time.is_set():
                solver.stop_search()

    if own:
        sig.__enter__()
    try:
        for timer in timers:
            timer.start()
        poller = threading.Thread(target=poll, name="stop-poll", daemon=True)
        poller.start()
        with sig.during("stop", solver.stop_search):
            status = _run(solver, model, watcher) if sig.active else solver.solve(model, watcher)
    finally:
        finished.set()
        for timer in timers:
            timer.cancel()
        if own:
            sig.__exit__()
    if status == cp_model.FEASIBLE and at_floor(obj, solver.objective_value):
        status = cp_model.OPTIMAL  # its cost is the floor: proven (its model's; restricted
        # runs are the whole model's, whose floor holds, and are named FEASIBLE by solve)
    if gave_up.is_set() and sig.received is None:
        why = "gave up"
    elif sig.received is not None:
        why = f"interrupted ({sig.name})"
    elif spec.solve.reproducible and (out_of_time.is_set() or solver.wall_time >= guard * 0.99):
        why = "wall-clock guard"
    elif (
        watcher.stopped_near
        and status != cp_model.OPTIMAL
        and not at_floor(obj, solver.objective_value)
    ):
        why = near_why()
    else:
        why = "time limit"
    run = _Search(m, obj, solver, status, why, size)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    # pinned: a rota that costs the floor keeps every pin (cuts.floor_pins), so where the
    # pinned model's optimum is proven 1p above the floor, no rota costs less: optimal too
    proven = found and at_floor(
        obj, solver.objective_value - (1 if status == cp_model.OPTIMAL else 0)
    )
    run.restricted = bool(pins) and not proven
    return run


def _at_floor(run: _Search) -> bool:
    """Whether the run's rota costs the cuts' floor; if so it is marked optimal (the floor
    is the whole model's bound, whatever days or pay the run held fixed)."""
    if run.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    if not at_floor(run.obj, run.solver.objective_value):
        return False
    run.status, run.restricted = cp_model.OPTIMAL, False
    return True


def _missed(run: _Search) -> list[str]:
    """The fairness bands the run's best rota misses (priced slack left in it)."""
    if run.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return [text for s_, _, text in run.obj.fair_slack if run.solver.value(s_) > 0]


def _free_day(day: int, free: tuple[int, int] | None, head: int) -> bool:
    """Whether a search with a hint leaves the day free: inside `free` (first day, day
    after the last; None: every day) or among the period's first `head` days."""
    return free is None or free[0] <= day < free[1] or day < head


def _frozen(
    spec: Spec, hint: dict[Key, int] | None, free: tuple[int, int] | None, head: int
) -> dict[tuple[str, int], frozenset[str]]:
    """The days a search holds fixed to its hint (_free_day), each doctor's with the codes
    they work that day: a fresh model gives no variable to a duty that would be fixed at 0
    (cpmodel.RotaModel.frozen). Measured on 60 x 52: a window's model over weeks 1-48 with
    1-40 fixed took half the time to build."""
    if hint is None:
        return {}
    days = [day for day in range(spec.period.days) if not _free_day(day, free, head)]
    out: dict[tuple[str, int], frozenset[str]] = {
        (d.name, day): frozenset() for d in spec.doctors for day in days
    }
    for (doctor, day, code), value in hint.items():
        if value and (doctor, day) in out:
            out[(doctor, day)] = out[(doctor, day)] | {code}
    return out


def _values(run: _Search) -> dict[Key, int]:
    return {k: int(run.solver.value(v)) for k, v in run.m.x.items()}


def final_search(how: Plan, obj: Objective, workers: int) -> bool:
    """Whether a long period ends with a whole-model search from the grown rota: always where
    the cuts give the pay bill no floor, or a floor that counts one of [bound] `elements` at
    0 (`own_bound`: its bound is the only one worth the name; a hand-written 20-week ED
    department, whose SHOs' late shifts carry night enhancement too, so the night knapsack
    was not solved, ended 4.68 % from the floor, 0.82 % from the search's bound); where they
    do, only on `final_with_floor_workers` workers or more. Measured at 120 s on 60 x 52
    (three tiers, one worker each): in 14 s a tier it improved no tier's rota and its bound
    was the floor on all three; given that time, the improvement took the benchmark from
    0.57-0.93 % to 0.19-0.61 % (four runs). On two workers it is worth its time: on the PICU
    example its bound is 0.07 % above the floor, and without it four runs ended 0.48-0.79 %
    from the floor (0.47 / 0.50 % from its bound with it)."""
    return obj.floor is None or own_bound(obj.unfloored) or workers >= how.final_with_floor_workers


def _grow(
    spec: Spec,
    how: Plan,
    fair: bool,
    limit: float,
    t0: float,
    on_progress: Callable[[Progress], None] | None,
    signals: Signals | None,
    deadline: float,
    begun: float | None = None,
    built: tuple[RotaModel, Objective] | None = None,
) -> tuple[_Search | None, float, tuple[RotaModel, Objective] | None]:
    """A rota for a long period, grown window by window and then improved a window at a
    time (construct.py), every window a real search of this module. Returns the last run
    that holds a whole rota (its bound is not the whole model's: some days were fixed), or
    None; the seconds used (deterministic seconds in reproducible mode); and the whole
    model, built once, as yet unsolved (solved as copies). `limit`: the time the construction
    has, from `begun` (default `t0`: a search before it, solve.py, used the rest); `built`:
    the whole model, where it was built before."""
    reproducible = spec.solve.reproducible
    begun = t0 if begun is None else begun
    budget = limit * how.share
    # a window with no rota yet may run on into the improvement's time (without a grown
    # rota there is nothing to improve), never into the whole model's own share
    ceiling = limit * (how.share + how.improve_share)
    latest: list[_Search] = []
    best: list[int | None] = [None]  # the cheapest whole rota's cost so far (pence)
    full: list[tuple[RotaModel, Objective]] = [] if built is None else [built]

    def whole() -> tuple[RotaModel, Objective]:
        """The whole model, built once (the last window and every improvement solve it as
        copies with other days fixed)."""
        if not full:
            m = RotaModel(spec).build()
            full.append((m, add_objective(m, fairness=fair)))
        return full[0]

    reaches: dict[int, dict[str, dict[str, tuple[int, int]]]] = {}

    def reach(days: int) -> dict[str, dict[str, tuple[int, int]]]:
        """A window's reach (fairness.reachable), worked out once per window length (a
        window with no rota is tried again with more days free) on the whole period's
        model, unbuilt: only its fairness bands are asked for."""
        if days not in reaches:
            reaches[days] = reachable(RotaModel(spec), days)
        return reaches[days]

    def used(r: _Search, began: float) -> float:
        if reproducible:
            return float(r.solver.deterministic_time)
        return time.monotonic() - began  # the windows are many: their models' building counts

    def read(r: _Search, whole: bool) -> dict[Key, int] | None:
        if r.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        if whole:
            latest.append(r)
            if on_progress is not None:  # a whole rota: its cost is the best so far
                cost = int(r.solver.value(r.obj.cost_expr()))
                if best[0] is None or cost < best[0]:
                    best[0] = cost
                on_progress(
                    Progress(
                        seconds=time.monotonic() - t0,
                        cost=best[0],
                        bound=r.obj.floor,
                        solutions=len(latest),
                    )
                )
        return None if r.why.startswith("interrupted") else _values(r)

    def window(
        sub: Spec, seconds: float, values: dict[Key, int], fix_before: int, head: int
    ) -> tuple[dict[Key, int] | None, float]:
        # wall clock: `seconds` is a soft limit; a window with no rota yet borrows from the
        # windows after it, and then from the improvement
        began = time.monotonic()
        hard = seconds if reproducible else max(seconds, ceiling - (began - begun))
        r = _search(
            sub,
            fair=fair,
            slack=False,
            time_limit=hard,
            enough=None if reproducible else seconds,
            on_progress=None,
            signals=signals,
            hint=values,
            free=(fix_before, sub.period.days),
            free_head=head,
            built=whole() if sub is spec else None,
            deadline=deadline,  # wall clock: a window's borrowing never carries it past
            reach=None if sub is spec else reach(sub.period.days),
            ignore=how.window_ignore,
        )
        r.restricted = fix_before > head
        return read(r, sub is spec), used(r, began)

    def stage(text: str) -> None:
        if on_progress is not None:
            on_progress(
                Progress(
                    seconds=time.monotonic() - t0, cost=best[0], solutions=len(latest), stage=text
                )
            )

    def stopped() -> bool:
        return signals is not None and signals.received is not None

    def over() -> bool:
        # wall clock: past the searches' deadline no window starts (a floor-shaped search
        # before the construction that overran its share, 37 s of 30 on 40 x 26, had
        # carried the last windows to 80 s of a 60 s limit)
        return stopped() or (not reproducible and time.monotonic() >= deadline)

    # a window with no rota is tried again (construct.first_rota); in reproducible mode
    # (no borrowing by the wall clock, above) its tries may use the improvement's time too:
    # the PICU example at 20 deterministic seconds found no rota, its last window given
    # 2.4 s and then 1 s a try once the construction's 10 s were spent
    spare = limit * how.improve_share if reproducible else 0.0
    values, spent = first_rota(spec, how, budget, window, on_stage=stage, stopped=over, spare=spare)
    if values is None or not latest:
        return None, spent, full[0] if full else None
    built = whole()

    def again(
        seconds: float, values: dict[Key, int], move: Move
    ) -> tuple[dict[Key, int] | None, float]:
        began = time.monotonic()
        r = _search(
            spec,
            fair=fair,
            slack=False,
            time_limit=seconds,
            on_progress=None,
            signals=signals,
            hint=values,
            free=(move.first, move.end),
            free_doctors=move.doctors,
            built=built,
            deadline=deadline,
        )
        r.restricted = True
        return read(r, True), used(r, began)

    # the final search keeps at least its own share of the time
    # (and at least `final_seconds`, up to a quarter of the limit: the whole model needs a
    # few seconds before it reports any bound); with none, the improvement has the rest
    keep = max(
        limit * max(0.0, 1.0 - how.share - how.improve_share),
        min(how.final_seconds, limit / 4),
    )
    budget = min(limit * how.improve_share, limit - spent - keep)
    if not final_search(how, built[1], spec.solve.workers):
        budget = limit - spent if reproducible else deadline - time.monotonic()
    excess = Excess(*built) if how.focus_groups > 0 else None

    def focus(size: int, count: int) -> list[frozenset[str]]:
        # the rota found last is the one being improved (a window that finds none keeps it)
        run = latest[-1]
        assert excess is not None
        return excess.groups(lambda v: _value(run.solver, v), size, count)

    def near_enough() -> bool:
        # a rota within near_floor_pence of the cuts' floor: no window can improve it more
        # than that, so the improvement ends there (measured: 8 doctors x 16 weeks reached
        # its floor at 7.5 s of 20 and went on improving nothing until 14 s)
        run = latest[-1]
        return at_floor(run.obj, run.solver.objective_value - near_floor())

    _, more = improve(
        values,
        spec.period.days,
        [d.name for d in sorted(spec.doctors, key=lambda d: (d.grade, d.name))],
        how,
        budget,
        again,
        on_stage=stage,
        stopped=lambda: stopped() or near_enough(),
        focus=focus,
    )
    if near_enough() and not at_floor(latest[-1].obj, latest[-1].solver.objective_value):
        latest[-1].why = near_why()  # ended near enough, not by a time limit
    return latest[-1], spent + more, built


def solve(
    spec: Spec,
    *,
    time_limit: float | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    fairness: bool | None = None,
    signals: Signals | None = None,
) -> BuildResult:
    """The least-cost compliant rota of the spec within the time limit (README: build).
    Tiers that share no cover are built side by side, each as a spec of its own, and joined
    (decompose.py); the joined rota is re-checked as a whole."""
    pieces = parts(spec)
    if len(pieces) == 1:
        return _solve_one(
            spec,
            time_limit=time_limit,
            on_progress=on_progress,
            fairness=fairness,
            signals=signals,
        )
    return _solve_parts(spec, pieces, time_limit, on_progress, fairness, signals)


def _solve_parts(
    spec: Spec,
    pieces: list[Spec],
    time_limit: float | None,
    on_progress: Callable[[Progress], None] | None,
    fairness: bool | None,
    signals: Signals | None,
) -> BuildResult:
    """The tiers built side by side, each in a thread of its own for the whole time limit
    with its share of the workers (the spec's workers / the number of tiers, at least one):
    a tier proven optimal early leaves its core to the others. A signal stops every tier
    and keeps each one's best rota, as for one model. In reproducible mode each tier's
    limit is deterministic, so the same seed and workers give the same rota."""
    t0 = time.monotonic()
    n = len(pieces)
    workers = max(1, spec.solve.workers // n)
    names = [
        ", ".join(d.name for d in p.doctors[:3]) + (", ..." if len(p.doctors) > 3 else "")
        for p in pieces
    ]
    lock = threading.Lock()
    latest: list[Progress | None] = [None] * n

    def report(i: int, p: Progress) -> None:
        if on_progress is None:
            return
        with lock:
            latest[i] = p
            costs = [q.cost if q is not None else None for q in latest]
            bounds = [q.bound if q is not None else None for q in latest]
            have = sum(c is not None for c in costs)
            on_progress(
                Progress(
                    seconds=time.monotonic() - t0,
                    cost=None if None in costs else sum(c or 0 for c in costs),
                    bound=None if None in bounds else sum(b or 0 for b in bounds),
                    solutions=sum(q.solutions for q in latest if q is not None),
                    stage="" if have == n else f"{n} tiers side by side, {have} with a rota",
                )
            )

    results: list[BuildResult | None] = [None] * n
    errors: list[BaseException] = []
    # the tiers' own stop: tripped by the command's signal, or by a tier that finds no rota
    # (then there is no rota of the whole, and the other tiers need not go on)
    tiers_stop = Signals()
    failed: list[int] = []

    def work(i: int) -> None:
        part = pieces[i].model_copy(
            update={"solve": pieces[i].solve.model_copy(update={"workers": workers})}
        )
        try:
            r = _solve_one(
                part,
                time_limit=time_limit,
                on_progress=lambda p: report(i, p),
                fairness=fairness,
                signals=tiers_stop,
                shared=n,
                t0=t0,
            )
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)
            tiers_stop.trip(NO_ROTA_ELSEWHERE)
            return
        results[i] = r
        if not r.found and tiers_stop.received is None:
            failed.append(i)
            tiers_stop.trip(NO_ROTA_ELSEWHERE)

    def forward() -> None:  # the command's signal stops every tier
        if signals is not None and signals.received is not None:
            tiers_stop.trip(signals.received)

    threads = [
        threading.Thread(target=work, args=(i,), name=f"tier-{i + 1}", daemon=True)
        for i in range(n)
    ]
    with signals.during("stop", forward) if signals is not None else nullcontext():
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # the main thread stays free to run signal handlers
    if errors:
        raise errors[0]
    done = [r for r in results if r is not None]
    assert len(done) == n  # every tier answered (or its error was raised above)
    for i in [*failed, *range(n)]:
        r = done[i]
        if not r.found:
            where = f"tier {i + 1} of {n} ({names[i]})"
            return BuildResult(
                spec=spec,
                status=r.status,
                seconds=time.monotonic() - t0,
                stopped=f"{where}: {r.stopped}" if r.stopped else None,
                seed=spec.solve.seed,
                workers=spec.solve.workers,
            )
    joined = _joined(spec, done, t0)
    if signals is not None and signals.received is not None:
        joined.stopped = f"interrupted ({signals.name})"
        joined.reproducible = False
    return joined


def _joined(spec: Spec, done: list[BuildResult], t0: float) -> BuildResult:
    """The tiers' rotas as one: duties side by side, pay and bounds added; re-checked whole."""
    first = done[0].rota
    assert first is not None
    rota = replace(
        first,
        doctors={d.name: d for d in spec.doctors},
        duties=[d for r in done if r.rota is not None for d in r.rota.duties],
    )
    bounds = [r.bound_pence for r in done]
    why = {r.stopped for r in done if r.stopped}
    reasons = (
        list(why)
        if len(why) == 1  # the same for every tier that stopped: said once
        else [f"tier {i + 1}: {r.stopped}" for i, r in enumerate(done) if r.stopped]
    )
    result = BuildResult(
        spec=spec,
        status="OPTIMAL" if all(r.status == "OPTIMAL" for r in done) else "FEASIBLE",
        seconds=time.monotonic() - t0,
        rota=rota,
        cost_pence=sum(r.cost_pence or 0 for r in done),
        bound_pence=None if None in bounds else sum(b or 0 for b in bounds),
        unfilled=sorted(
            (g for r in done for g in r.unfilled), key=lambda g: (g.day, g.shift, g.grades)
        ),
        unfilled_pence=sum(r.unfilled_pence for r in done),
        penalty_pence=sum(r.penalty_pence for r in done),
        pay_terms={d: t for r in done for d, t in r.pay_terms.items()},
        unmet_requests=[q for r in done for q in r.unmet_requests],
        stopped="; ".join(reasons) or None,
        reproducible=all(r.reproducible for r in done),
        seed=spec.solve.seed,
        workers=spec.solve.workers,
        model_size={
            k: sum(r.model_size.get(k, 0) for r in done)
            for k in {k for r in done for k in r.model_size}
        },
    )
    result.check = recheck(rota, result)
    return result


def _solve_one(
    spec: Spec,
    *,
    time_limit: float | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    fairness: bool | None = None,
    signals: Signals | None = None,
    shared: int = 1,
    t0: float | None = None,
) -> BuildResult:
    """One model (or one tier). `shared`: how many searches share the machine (tiers side
    by side): a long period's last whole-model search then keeps that many times
    `final_seconds`, since it needs that much longer to report its bound; and its rota is
    not re-checked here, since the department's is, whole (_joined). `t0`: when the build
    began (the tiers': when they all did).

    Wall clock: every search ends by `t0` + the limit less `finish_seconds` (settings:
    reading the rota, re-checking it, joining tiers)."""
    t0 = time.monotonic() if t0 is None else t0
    fair = spec.fairness.hard if fairness is None else fairness
    limit = spec.solve.time_limit if time_limit is None else time_limit
    # Hard fairness: the strict model first, for a share of the time (its bands prune the
    # search, and on most specs it finds rotas soonest: the large-mixed example in 25 s where
    # the other found none in 30). If it finds no rota at all, the rest of the time goes to
    # the same model with each band kept by priced slack (fairness.py), which passes through
    # rotas that miss a band on its way to fair ones (the PICU example: no rota from the
    # strict model in 60 s, a fair one from this). Only a rota with no slack is returned, so
    # the bands hold exactly; the bound stays valid, since a fair rota costs the same in
    # both models. The slack model keeps hard only what the bands imply (the pay terms'
    # hours caps, the cuts), so its INFEASIBLE also proves that no fair rota exists.
    both = fair and spec.fairness.hard
    conf = solver_settings()
    share = float(conf.get("fairness", {}).get("strict_share", 0.5))

    def used(r: _Search) -> float:
        return float(r.solver.deterministic_time if spec.solve.reproducible else r.solver.wall_time)

    finish = float(conf["limits"]["finish_seconds"])
    deadline = t0 + max(limit - finish, limit * 0.9)

    def late() -> bool:
        """Wall clock: the searches' deadline has passed (no search is started then)."""
        return not spec.solve.reproducible and time.monotonic() >= deadline

    def model(slack: bool, seconds: float, **kw: Any) -> _Search:
        """One search of the whole spec: the strict model, or the one with priced slack."""
        return _search(
            spec,
            fair=fair,
            slack=slack,
            time_limit=max(1.0, seconds),
            signals=signals,
            deadline=deadline,
            **kw,
        )

    def from_rota(start: _Search, built: tuple[RotaModel, Objective] | None) -> _Search:
        """The strict whole model (`built`), handed every variable of a rota found before,
        for the time left (wall clock: what is left of the limit now, so that the hints'
        setting-up does not carry the build past it; deterministic: the limit less the
        time the searches before used). A rota that costs the floor is optimal as it is, and
        no search runs from it: CP-SAT 9.15 aborts the process (a failed check in its
        postsolve, 'solution->size() == postsolve_mapping.size()') when the search is stopped
        at the hinted rota itself, which the watcher does at the floor (a grown rota of the
        benchmark's 8 doctors x 16 weeks at the floor, seed 0, limit 12 s)."""
        if _at_floor(start):
            return start
        if at_floor(start.obj, start.solver.objective_value - near_floor()):
            start.why = near_why()  # near enough: no search from it (nor the abort above)
            return start
        left = limit - spent if spec.solve.reproducible else limit - (time.monotonic() - t0)
        return model(
            False,
            left,
            on_progress=on_progress,
            hint=_values(start),
            complete=list(start.solver.response_proto.solution),
            t0=t0,
            built=built,
        )

    # A long period: a first rota grown a few weeks at a time and improved a window at a
    # time (construct.py); the full search then starts from it, for the time left.
    grown: _Search | None = None
    built: tuple[RotaModel, Objective] | None = None
    whole_bound: float | None = None  # from a whole-model search that found no rota
    spent = 0.0
    how = plan(conf)
    how = replace(how, final_seconds=how.final_seconds * shared)
    shaped: _Search | None = None
    tried = False  # the floor-shaped search has had its turn
    if applies(spec, how) and how.shaped_first > 0 and spec.solve.workers >= how.shaped_workers:
        # a long period: the floor-shaped search of the whole model first, for a share of
        # the time; with no rota from it, the construction has the rest
        built, shaped, spent = _floor_shaped(
            spec,
            fair,
            conf,
            limit,
            spent,
            model,
            share=how.shaped_first,
            give_up=1.0,
            on_progress=on_progress,
            t0=t0,
        )
        tried = True
    if applies(spec, how) and shaped is None and not (signals and signals.received):
        begun = time.monotonic()
        rest = limit - spent if spec.solve.reproducible else limit - (begun - t0)
        grown, more, built = _grow(
            spec, how, fair, rest, t0, on_progress, signals, deadline, begun=begun, built=built
        )
        spent += more
    stopped = signals is not None and signals.received is not None
    if grown is not None and stopped:
        run = grown  # Ctrl-C keeps the best rota
    elif stopped:
        return BuildResult(
            spec=spec,
            status="UNKNOWN",
            seconds=time.monotonic() - t0,
            stopped=f"interrupted ({signals.name if signals else ''}), before any rota was found",
        )
    elif grown is None and late():
        # wall clock: a construction that found no rota used the whole limit; another search
        # would start past it (each builds its model first: seconds on a long period; one
        # 40 x 26 run returned at 64.5 s of 60)
        return BuildResult(
            spec=spec,
            status="UNKNOWN",
            seconds=time.monotonic() - t0,
            stopped="time limit, before any rota was found",
        )
    elif grown is not None and not final_search(how, grown.obj, spec.solve.workers):
        run = grown  # no whole-model search at the end: the grown rota, the cuts' floor
    elif grown is not None:  # the strict model, from a complete rota, for the time left
        run = from_rota(grown, built)
        if run.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # the whole model found no rota in the time left (too little for its
            # presolve), but what it proved of the least cost is still a bound: the grown
            # rota stands, measured against it
            whole_bound = run.solver.best_objective_bound
            run = grown
    else:
        if not tried:
            built, shaped, spent = _floor_shaped(
                spec, fair, conf, limit, spent, model, on_progress=on_progress, t0=t0
            )
        if shaped is not None and not shaped.restricted:
            run = shaped  # it costs the floor: optimal
        elif shaped is not None:  # the whole model, from its rota, for the time left
            run = from_rota(shaped, built)
            if run.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                run = shaped  # no time left for the whole model: its rota, the floor
        else:
            left = max(1.0, limit - spent)  # a construction that found nothing used `spent`
            if spec.solve.reproducible:  # deterministic: the strict model gets its share
                first, give_up = (left * share if both else left), None
            else:  # wall clock: the time left, unless it has no rota when its share is up
                first, give_up = left, (left * share if both else None)
            run = model(False, first, on_progress=on_progress, give_up=give_up, t0=t0, built=built)
    if (
        both
        and run.status == cp_model.UNKNOWN
        and run.why in ("time limit", "gave up")
        and not late()
    ):
        spent += used(run)
        run = model(True, limit - spent, on_progress=on_progress, t0=t0)
        # the slack model's optimum still misses a band: the strict model decides, with
        # the time left (a fair rota dearer than the penalty, or proof that none exists)
        if run.status == cp_model.OPTIMAL and _missed(run) and run.why == "time limit":
            spent += used(run)
            run = model(False, limit - spent, on_progress=None)
    if run.status == cp_model.FEASIBLE or run.restricted:
        _at_floor(run)  # a restricted search's rota that costs the floor is optimal all the same
    m, obj, solver, status, why = run.m, run.obj, run.solver, run.status, run.why
    seconds = time.monotonic() - t0
    name = solver.status_name(status)
    if run.restricted and status == cp_model.OPTIMAL:  # optimal for its window only
        name, status = "FEASIBLE", cp_model.FEASIBLE
    result = BuildResult(
        spec=spec,
        status=name,
        seconds=seconds,
        seed=spec.solve.seed,
        workers=spec.solve.workers,
        model_size=run.size,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.UNKNOWN:
            result.stopped = f"{why}, before any rota was found"
        return result
    missed = _missed(run)
    if missed:  # the best rota found is compliant but not fair: not a rota to return
        result.status = "UNKNOWN"
        result.stopped = (
            f"{why}, before a rota within the fairness bands was found (the best compliant"
            f" rota found misses {len(missed)} band(s), such as {missed[0]}). Raise"
            " --time-limit, or widen the fair_*_band settings"
        )
        return result
    # the same seed and workers give the same rota only in reproducible mode, and only when
    # neither a signal nor the wall-clock guard stopped the search
    result.reproducible = spec.solve.reproducible and why == "time limit"
    if status == cp_model.FEASIBLE:
        result.stopped = why
    duties = m.duties(lambda v: int(solver.value(v)))
    rota = Rota(
        period=spec.period,
        doctors={d.name: d for d in spec.doctors},
        duties=duties,
        rules=spec.rules,
        pay_year=spec.pay_year,
        name=spec.name,
        source=spec.source,
        patterns=spec.patterns,
        bank_holidays=dict(spec.bank_holidays),
        bank_holiday_region=spec.bank_holiday_region,
    )
    result.pay_terms = {
        d: {k: _value(solver, v) for k, v in terms.items()} for d, terms in obj.pay.items()
    }
    result.cost_pence = sum(sum(t.values()) for t in result.pay_terms.values())
    result.penalty_pence = sum(
        p * _value(solver, u) if not isinstance(u, int) else p * u for _, p, u in obj.requests
    )
    result.unmet_requests = [
        r for r, _, u in obj.requests if (u if isinstance(u, int) else solver.value(u))
    ]
    best_bound = obj.with_floor(solver.best_objective_bound)
    short = [(need, _value(solver, var)) for need, _, var in obj.gaps]
    result.unfilled = gap_list(spec, short)
    result.unfilled_pence = sum(g.pence for g in result.unfilled)
    if run.restricted:  # some days were fixed: its bound is not the whole model's, but
        # a whole-model search's is, and the floor of the whole model's pay bill
        best_bound = obj.with_floor(whole_bound if whole_bound and whole_bound > 0 else None)
    result.bound_pence = None
    if best_bound is not None:
        result.bound_pence = max(0, best_bound - result.penalty_pence)
    if status == cp_model.OPTIMAL:
        result.bound_pence = result.cost_pence + result.unfilled_pence
    if shared == 1:
        result.check = recheck(rota, result)
    result.rota = rota
    return result


def _floor_shaped(
    spec: Spec,
    fair: bool,
    conf: dict[str, Any],
    limit: float,
    spent: float,
    model: Callable[..., _Search],
    share: float | None = None,
    give_up: float | None = None,
    **kw: Any,
) -> tuple[tuple[RotaModel, Objective] | None, _Search | None, float]:
    """The floor-shaped search: where the cuts give the whole pay bill a floor, the strict
    model with each doctor's pay pinned where every cheapest choice of a cut's knapsack
    gives the same (cuts.floor_pins), for `[floor] share` of the time. A rota it finds at
    the floor is optimal; one above it is where the whole model's search starts (hinted in
    full). Returns the model (built once, for the searches after), the search (None where
    there is nothing to pin or it found no rota) and the time spent.

    Measured on the 20 x 12 benchmark (seeds 0-5, 2 workers): proven optimal at 1.8-4.8 s,
    the floor's rota five times of six the first rota found, where the whole model proved
    it at 15-32 s. Pinning only the nights: 5.6-12.0 s. Pinning every doctor's nights to
    one cheapest choice (not only where all of them agree) missed the floor: the choice
    gave an LTFT doctor nights that a full-time doctor of the grade holds in the optimum."""
    settings = conf.get("floor", {})
    share = float(settings.get("share", 0.0)) if share is None else share
    if share <= 0:
        return None, None, spent
    m = RotaModel(spec).build()
    obj = add_objective(m, fairness=fair)
    built = (m, obj)
    # an element the floor counts at 0 (no cut sees it) that is often 0 in the optimum
    # leaves the floor within reach; the others (the on-call allowance) put it out of reach
    free = set(settings.get("unfloored", []))
    if obj.floor is None or set(obj.unfloored) - free or spec.rota_type == "line":
        # (a line rota gives every doctor the same work, where the knapsacks' cheapest
        # choices give doctors of different pay different amounts)
        return built, None, spent
    pins = floor_pins(obj)
    if not pins:
        return built, None, spent
    seconds = max(1.0, limit - spent) * share
    # wall clock: a stage with no rota by `give_up` of its time ends there (a tier of the
    # T&O trial spec on one worker found none in 7.5 s, where the whole model proved it in
    # 6.8 s; with seeds 1 and 2 the stage proved it in 0.6 s, the whole model in 6.7 s and
    # not in 28 s)
    quit_after = None
    if not spec.solve.reproducible:
        quit_after = seconds * (float(settings.get("give_up", 1.0)) if give_up is None else give_up)
    run = model(
        False,
        seconds,
        built=built,
        pins=pins,
        give_up=quit_after,
        keep=list(settings.get("keep_subsolvers", [])),
        ignore=list(settings.get("ignore_subsolvers", [])),
        **kw,
    )
    spent += float(
        run.solver.deterministic_time if spec.solve.reproducible else run.solver.wall_time
    )
    if run.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return built, None, spent
    return built, run, spent


def recheck(rota: Rota, result: BuildResult) -> CheckResult:
    """The independent checker on the solver's rota: any breach, or any pay that differs
    from the model's objective terms, is an error."""
    check = check_rota(rota)
    found = [*check.breaches, *check.patterns]  # the patterns were hard constraints too
    if found:
        listed = "; ".join(f"{b.rule} {b.doctor} {b.start:%Y-%m-%d %H:%M}" for b in found[:5])
        raise RecheckError(
            f"the solver's rota breaks {len(found)} rule(s) by the checker: {listed}"
        )
    if result.spec.rota_type == "line":
        off = shifted_from_template(result.spec, rota.duties)
        if off:
            raise RecheckError(f"the solver's line rota is not one template: {off[0]}")
    for line in check.pay:
        terms = result.pay_terms.get(line.doctor, {})
        d = line.as_dict()
        for element, pence in terms.items():
            got = d[element]
            if got is None or round(got * 100) != pence:
                raise RecheckError(
                    f"pay disagrees for {line.doctor} {element}: model {pence / 100:.2f},"
                    f" pay calculator {got}"
                )
    return check
