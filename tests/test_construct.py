"""The first rota grown a few weeks at a time (solver/construct.py), the bounds the relative
hours bands imply (fairness.implied_minutes), and the weekend-allowance cut a tier at a
time: a long period gets a compliant, fair rota from the same engine, and no bound ever
cuts off a rota the bands allow."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import timedelta
from itertools import islice
from typing import Any

import pytest
from ortools.sat.python import cp_model

from rota_solve.solver import solve as solve_module
from rota_solve.solver.checker import check_rota
from rota_solve.solver.construct import (
    Key,
    Move,
    Plan,
    applies,
    first_rota,
    groups,
    improve,
    passes,
    prefix,
    spans,
    windows,
)
from rota_solve.solver.cpmodel import RotaModel, build_model
from rota_solve.solver.fairness import add_fairness, implied_minutes
from rota_solve.solver.pay_terms import Objective
from rota_solve.solver.rota import Doctor, Patterns, Rota
from rota_solve.solver.solve import solve, solver_settings
from rota_solve.solver.spec import CoverNeed, Fairness, Leave, Request, SolveSettings, Spec
from tests.spec_helpers import benchmark_spec, make_spec, pay_floor, shift, strict_search

D = shift("D", "08:00", 540)
LD = shift("LD", "08:00", 750)
N = shift("N", "20:00", 750)
PLAN = Plan(from_weeks=16, window_weeks=4, overlap_days=7, share=0.5, improve_share=0.35)


def test_windows_grow_to_the_whole_period() -> None:
    assert windows(26, PLAN) == [4, 8, 12, 16, 20, 24, 26]
    assert windows(8, PLAN) == [4, 8]
    assert applies(_spec(weeks=16), PLAN)
    assert not applies(_spec(weeks=12), PLAN)  # short periods: the full model at once
    # improvement windows: 4 weeks wide, 2 weeks apart, the last one ending with the period
    assert spans(70, PLAN) == [(0, 28), (14, 42), (28, 56), (42, 70)]
    assert spans(63, PLAN) == [(0, 28), (14, 42), (28, 56), (35, 63)]
    # a shifted pass puts its seams inside the last pass's windows
    assert spans(70, PLAN, 7) == [(0, 21), (7, 35), (21, 49), (35, 63), (42, 70)]


def test_improvement_passes_alternate_and_keep_to_the_budget() -> None:
    seen: list[Move] = []

    def search(
        seconds: float, values: dict[Key, int], move: Move
    ) -> tuple[dict[Key, int] | None, float]:
        assert seconds == 3.0 or seconds < 3.0
        seen.append(move)
        # a window improves the rota: the values record which windows were solved
        return {**values, ("w", len(seen), "x"): 1}, seconds

    first = list(islice(passes(70, PLAN), 9))
    assert first == [Move(a, b) for a, b in spans(70, PLAN) + spans(70, PLAN, 7)]
    values, used = improve({}, 70, [], PLAN, 25.0, search)
    assert used == 25.0  # eight windows of 3 s and one of 1 s
    assert seen == first
    assert len(values) == 9  # every window's answer carried into the next


def test_doctor_groups_take_turns_with_windows_of_weeks() -> None:
    """A pass of weeks (every doctor), then a pass of doctor groups over the whole period
    (they swap blocks among themselves), each pass pairing the doctors differently."""
    names = [f"Dr {c}" for c in "ABCDEFG"]
    assert groups(names, 3, 0) == [
        frozenset({"Dr A", "Dr B", "Dr C"}),
        frozenset({"Dr D", "Dr E", "Dr F", "Dr G"}),  # a group of one joins the last
    ]
    assert groups(names, 3, 1)[0] == frozenset({"Dr B", "Dr C", "Dr D"})
    assert groups(names, 7, 0) == [] and groups(names, 1, 0) == []  # the whole, or nobody
    plan = replace(PLAN, group_doctors=3)
    moves = list(islice(passes(70, plan, names), 12))
    weeks = [Move(a, b) for a, b in spans(70, PLAN)]
    assert moves[:4] == weeks
    assert moves[4:6] == [Move(0, 70, g) for g in groups(names, 3, 0)]
    assert moves[6:11] == [Move(a, b) for a, b in spans(70, PLAN, 7)]
    assert moves[11] == Move(0, 70, groups(names, 3, 1)[0])
    # many doctors: narrower windows of weeks (doctor-weeks), never under 2 weeks
    wide = replace(plan, window_weeks=8, improve_doctor_weeks=160)
    assert next(passes(182, wide, names)) == Move(0, 56)  # 160 / 7 doctors: the whole 8
    forty = [f"Dr {i}" for i in range(40)]
    assert next(passes(182, wide, forty)) == Move(0, 28)  # 160 / 40: 4 weeks
    assert next(passes(182, wide, forty * 3)) == Move(0, 14)  # at least 2


def test_groups_chosen_from_the_rota_open_each_round_of_groups() -> None:
    """The focus groups (focus.py) are chosen when a pass reaches its round of groups, from
    the rota as it is then, and go before the groups by grade; with `groups_first` each
    pass's round of groups comes before its windows of weeks."""
    names = [f"Dr {c}" for c in "ABCDEFG"]
    asked: list[tuple[int, int]] = []

    def focus(size: int, count: int) -> list[frozenset[str]]:
        asked.append((size, count))
        return [frozenset({"Dr G", f"Dr {'AB'[len(asked) % 2]}"})]

    plan = replace(PLAN, group_doctors=3, focus_groups=1)
    moves = passes(70, plan, names, focus)
    weeks = [Move(a, b) for a, b in spans(70, PLAN)]
    assert list(islice(moves, 4)) == weeks
    assert asked == []  # not chosen before the pass gets there
    assert next(moves) == Move(0, 70, frozenset({"Dr G", "Dr B"}))
    assert asked == [(3, 1)]
    assert list(islice(moves, 2)) == [Move(0, 70, g) for g in groups(names, 3, 0)]
    first = replace(plan, groups_first=True)
    moves = passes(70, first, names, focus)
    assert list(islice(moves, 7)) == [
        Move(0, 70, frozenset({"Dr G", "Dr A"})),
        *[Move(0, 70, g) for g in groups(names, 3, 0)],
        *weeks,
    ]
    assert next(moves) == Move(0, 70, frozenset({"Dr G", "Dr B"}))  # chosen afresh
    assert len(asked) == 3
    # without focus groups asked for, `improve` asks for none
    seen: list[Move] = []

    def search(
        seconds: float, values: dict[Key, int], move: Move
    ) -> tuple[dict[Key, int] | None, float]:
        seen.append(move)
        return values, seconds

    improve({}, 70, names, replace(first, focus_groups=0), 9.0, search, focus=focus)
    assert len(asked) == 3 and seen == [Move(0, 70, g) for g in groups(names, 3, 0)] + weeks[:1]


def test_no_search_starts_after_a_construction_that_used_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Wall clock: where the construction found no rota and used the whole limit, `build`
    ends there ("no rota" in its time), starting no search past the limit (each builds its
    model first: one 40 x 26 run returned at 64.5 s of 60)."""
    import time

    spec = _spec(weeks=16)
    spec = spec.model_copy(
        update={"solve": spec.solve.model_copy(update={"reproducible": False, "time_limit": 3})}
    )
    searched: list[float] = []  # searches started after the construction
    grown: list[bool] = []
    real = solve_module._search

    def counted(*args: Any, **kw: Any) -> Any:
        if grown:
            searched.append(time.monotonic())
        return real(*args, **kw)

    def grows_nothing(*args: Any, **kw: Any) -> tuple[None, float, None]:
        time.sleep(3.0)  # the whole limit, and no rota
        grown.append(True)
        return None, 3.0, None

    monkeypatch.setattr(solve_module, "_grow", grows_nothing)
    monkeypatch.setattr(solve_module, "_search", counted)
    result = solve(spec)
    assert result.status == "UNKNOWN" and result.rota is None
    assert result.stopped == "time limit, before any rota was found"
    assert grown and searched == []
    assert result.seconds < 3.5 + 1.5  # (a floor-shaped search may come first: 1.5 s here)


def test_a_doctor_group_is_solved_with_everyone_else_fixed() -> None:
    """`_search` frees only the named doctors: everyone else's duties come back as given,
    and the group's still fill the cover with them."""
    spec = _spec(weeks=4)
    base = solve(spec, time_limit=2)  # any rota will do (deterministic seconds)
    assert base.rota is not None
    m = build_model(spec)
    values = {k: 0 for k in m.x}
    for d in base.rota.duties:
        values[(d.doctor, (d.start.date() - spec.period.start).days, d.shift)] = 1
    group = frozenset({"Dr A", "Dr C"})
    run = strict_search(
        spec,
        2,
        hint=values,
        free=(0, spec.period.days),
        free_doctors=group,
    )
    assert run.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    got = {k: int(run.solver.value(v)) for k, v in run.m.x.items()}
    assert all(got[k] == v for k, v in values.items() if k[0] not in group)
    assert check_rota(replace(base.rota, duties=run.m.duties(run.solver.value))).breaches == []


def test_a_search_keeps_to_its_deadline_whatever_its_time_limit() -> None:
    """`deadline` is a wall-clock end set before the model is built: the search's limit is
    what is left of it once the model is ready (a year's model takes seconds to build and
    hint), so `build` returns by its limit. A spec the search cannot prove in the time."""
    import time

    spec = benchmark_spec(20, 12, 1)  # proven optimal in 12 s on 2 workers
    began = time.monotonic()
    run = strict_search(
        spec,
        60,
        deadline=began + 1.0,
    )
    # ends by the deadline (with the 0.5 s it always gets at least, and the solver's own
    # latency in stopping), never at the 60 s limit
    assert time.monotonic() - began < 10
    assert run.solver.wall_time <= 1.5
    assert run.status in (cp_model.FEASIBLE, cp_model.UNKNOWN)  # stopped, not finished


def test_a_window_with_no_rota_frees_the_weeks_before_it_until_one_is_found() -> None:
    """The last window of a 52-week tier was infeasible with 44 weeks fixed (their prefixes
    keep wider bands): the construction frees a window more at a time, back to the start if
    need be, even when the construction's budget is spent (an infeasible window says so in
    a fraction of a second), and gives up only when nothing is fixed and still no rota."""
    calls: list[tuple[int, int]] = []

    def search(
        sub: Spec, seconds: float, values: dict[Key, int], fix_before: int, head: int
    ) -> tuple[dict[Key, int] | None, float]:
        weeks = sub.period.weeks
        calls.append((weeks, fix_before))
        if weeks == 16 and fix_before > 28:  # the last window needs days 28- free
            return None, 5.0
        return {("w", weeks, str(fix_before)): 1}, 5.0

    spec = _spec(weeks=16)
    values, used = first_rota(spec, PLAN, 10.0, search)
    assert values is not None
    assert calls == [(4, 0), (8, 21), (12, 49), (16, 77), (16, 49), (16, 21)]
    assert used == 30.0  # past the budget: the retries are what it takes

    calls.clear()

    def never(
        sub: Spec, seconds: float, values: dict[Key, int], fix_before: int, head: int
    ) -> tuple[dict[Key, int] | None, float]:
        calls.append((sub.period.weeks, fix_before))
        return ({}, 0.1) if sub.period.weeks < 16 else (None, 0.1)

    assert first_rota(spec, PLAN, 10.0, never)[0] is None
    assert calls[-1] == (16, 0)  # it tried with every day free before giving up


def test_a_window_whose_time_ran_out_is_tried_again_with_the_time_to_spare() -> None:
    """Reproducible mode has no wall clock to borrow by: a window that used its time and found
    no rota is tried again as it was, with the time the construction may spare (the PICU
    example at 20 deterministic seconds: its last window found none in 2.4 s, a rota in
    7.6 s; freeing 16 weeks more instead found none). One that ended sooner was proven to
    have none: more days are freed at once. With nothing to spare, as before."""
    calls: list[tuple[int, int, float]] = []

    def search(
        sub: Spec, seconds: float, values: dict[Key, int], fix_before: int, head: int
    ) -> tuple[dict[Key, int] | None, float]:
        weeks = sub.period.weeks
        calls.append((weeks, fix_before, round(seconds, 6)))
        if weeks == 16 and seconds < 5:  # the last window needs 5 s
            return None, seconds  # ran out of time
        return {("w", weeks, str(fix_before)): 1}, min(seconds, 2.0)

    spec = _spec(weeks=16)
    values, used = first_rota(spec, PLAN, 10.0, search, spare=8.0)
    assert values is not None
    assert calls == [(4, 0, 2.5), (8, 21, 2.666667), (12, 49, 3.0), (16, 77, 4.0), (16, 77, 8.0)]
    assert used == 2.0 * 4 + 4.0

    calls.clear()

    def infeasible(
        sub: Spec, seconds: float, values: dict[Key, int], fix_before: int, head: int
    ) -> tuple[dict[Key, int] | None, float]:
        calls.append((sub.period.weeks, fix_before, round(seconds, 6)))
        if sub.period.weeks == 16 and fix_before > 28:
            return None, 0.1  # proven: no rota with these days fixed
        return {("w", sub.period.weeks, str(fix_before)): 1}, min(seconds, 2.0)

    assert first_rota(spec, PLAN, 10.0, infeasible, spare=8.0)[0] is not None
    assert [c[:2] for c in calls[3:]] == [(16, 77), (16, 49), (16, 21)]

    calls.clear()
    assert first_rota(spec, PLAN, 10.0, search)[0] is None  # nothing to spare: no retry as was
    assert (16, 77, 4.0) in calls and all(c[1] < 77 for c in calls[4:])


def test_a_repeating_periods_last_window_frees_the_first_week_before_the_weeks_before_it() -> None:
    """A repeating period's first days follow its last, but were solved as the start of a
    one-off prefix (where a block of nights cut by the start is allowed): the 40 x 26
    benchmark's last window was infeasible with any weeks fixed, and found a rota with the
    first week free too. That is tried first; a one-off period goes straight back."""
    calls: list[tuple[int, int, int]] = []

    def search(
        sub: Spec, seconds: float, values: dict[Key, int], fix_before: int, head: int
    ) -> tuple[dict[Key, int] | None, float]:
        calls.append((sub.period.weeks, fix_before, head))
        if sub.period.weeks == 16 and head == 0:
            return None, 0.2
        return {("w", sub.period.weeks, str(fix_before)): 1}, 1.0

    assert first_rota(_spec(weeks=16, repeats=True), PLAN, 10.0, search)[0] is not None
    assert calls == [(4, 0, 0), (8, 21, 0), (12, 49, 0), (16, 77, 0), (16, 77, 7)]
    calls.clear()
    first_rota(_spec(weeks=16), PLAN, 10.0, search)
    assert calls[3:] == [(16, 77, 0), (16, 49, 0), (16, 21, 0), (16, 0, 0)]


def _spec(weeks: int = 8, repeats: bool = False, band: float = 4.0) -> Spec:
    docs = [
        Doctor("Dr A", grade="ST3"),
        Doctor("Dr B", grade="ST4", ltft=0.8),
        Doctor("Dr C", grade="ST5"),
        Doctor("Dr D", grade="ST3", ltft=0.6),
        Doctor("Dr E", grade="ST6"),
        Doctor("Dr F", grade="ST4"),
    ]
    spec = make_spec(
        [D, LD, N],
        {"LD": "all", "N": "all"},
        docs,
        weeks=weeks,
        repeats=repeats,
        patterns=Patterns(),
    )
    days = [
        CoverNeed(day=d, code="D", doctors=1, most=2)
        for d in range(weeks * 7)
        if spec.period.weekday(d) < 5
    ]
    return spec.model_copy(
        update={
            "cover": [*spec.cover, *days],
            "fairness": Fairness(hours_band=band),
            "solve": SolveSettings(time_limit=10, workers=2, seed=3, reproducible=True),
        }
    )


def test_prefix_is_the_first_weeks_as_a_one_off_period() -> None:
    spec = _spec(weeks=8, repeats=True)
    start = spec.period.start
    spec = spec.model_copy(
        update={
            "leave": [
                Leave(doctor="Dr A", first=start + timedelta(2), last=start + timedelta(4)),
                Leave(doctor="Dr C", first=start + timedelta(30), last=start + timedelta(34)),
            ],
            "requests": [Request(doctor="Dr B", day=start + timedelta(40), shift="off")],
        }
    )
    sub = prefix(spec, 4)
    assert (sub.period.weeks, sub.period.repeats, sub.period.start) == (4, False, start)
    assert max(c.day for c in sub.cover) == 27
    assert [lv.doctor for lv in sub.leave] == ["Dr A"]  # Dr C's leave starts after week 4
    assert sub.requests == []
    assert prefix(spec, 8) is spec  # the last window is the spec itself (repeating)


def _with_construction(monkeypatch: pytest.MonkeyPatch, from_weeks: int = 8) -> None:
    conf = solver_settings()
    conf["construct"] = {
        "from_weeks": from_weeks,
        "window_weeks": 4,
        "overlap_days": 7,
        "share": 0.5,
        "improve_share": 0.3,
    }
    monkeypatch.setattr(solve_module, "solver_settings", lambda: conf)


@pytest.mark.parametrize("repeats", [False, True])
def test_construction_gives_a_compliant_fair_rota(
    monkeypatch: pytest.MonkeyPatch, repeats: bool
) -> None:
    # 8 weeks in two windows (weeks 1-4, then 1-8 with days 1-21 fixed): the rota is
    # re-checked by the independent checker (solve raises otherwise), keeps the patterns,
    # and the stages were shown to the progress display.
    _with_construction(monkeypatch)
    stages: list[str] = []
    result = solve(_spec(weeks=8, repeats=repeats), on_progress=lambda p: stages.append(p.stage))
    assert result.status in ("OPTIMAL", "FEASIBLE"), result.stopped
    assert result.rota is not None
    check = check_rota(result.rota)
    assert check.breaches == [] and check.patterns == []
    assert "first rota: weeks 1-4 of 8" in stages and "first rota: weeks 1-8 of 8" in stages
    assert any(s.startswith("improving days") for s in stages)
    if not repeats:  # reproducible: built again, the same rota (once: each build is ~15 s)
        again = solve(_spec(weeks=8, repeats=repeats))
        assert result.reproducible and again.reproducible and again.rota is not None
        assert again.rota.duties == result.rota.duties
        assert again.cost_pence == result.cost_pence


def _extreme_minutes(spec: Spec, doctor: str, sense: str) -> int:
    """The least or most minutes the doctor can work in a rota that keeps every rule and the
    (relative) hours bands, with no pay terms and no cuts: what the bands really allow."""
    m = build_model(spec)
    add_fairness(m, Objective())
    mins = sum(c.shift.work_minutes * c.var for c in m.candidates[doctor])
    (m.model.minimize if sense == "min" else m.model.maximize)(mins)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    status = solver.solve(m.model)
    assert solver.status_name(status) == "OPTIMAL"  # a time-out is never read as an answer
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", range(3))
def test_implied_minutes_never_cut_off_a_fair_rota(seed: int) -> None:
    # Random small specs with a day-shift range (so the hours bands are relative): each
    # doctor's least and most minutes in any fair rota lie within implied_minutes.
    rnd = random.Random(seed)
    docs = [
        Doctor(f"Dr {i}", grade="FY1", ltft=rnd.choice([1.0, 1.0, 0.8, 0.6]))
        for i in range(rnd.randint(3, 4))
    ]
    spec = make_spec([D, LD], {"LD": sorted(rnd.sample(range(14), 6))}, docs, weeks=2)
    ranged = [
        CoverNeed(day=d, code="D", doctors=rnd.randint(0, 1), most=2)
        for d in range(14)
        if d % 7 < 5
    ]
    spec = spec.model_copy(
        update={"cover": [*spec.cover, *ranged], "fairness": Fairness(hours_band=8)}
    )
    implied = implied_minutes(build_model(spec))
    assert set(implied) == {d.name for d in docs}
    for d in docs:
        lo, hi = implied[d.name]
        assert lo <= _extreme_minutes(spec, d.name, "min")
        assert _extreme_minutes(spec, d.name, "max") <= hi


# Seed 2 is left out: its proofs take 40-50 s on a 2-core machine, a benchmark not a test.
@pytest.mark.parametrize("seed", [0, 1, 3, 4, 5, 6, 7, 8, 9, 10])
def test_tier_cuts_never_change_the_optimum(seed: int) -> None:
    # Two tiers that share no weekend cover, LTFT doctors, a day-shift range, whole
    # weekends with Friday nights: the optimum with the cuts (a weekend-allowance knapsack a
    # tier, each doctor's fair floor of weekends as allowance weekends, LTFT basic from the
    # implied minutes) equals the optimum without them, and each tier's cut is at most what
    # the optimum pays its doctors.
    from rota_solve.solver.cuts import weekend_allowance_cut
    from rota_solve.solver.fairness import fairness_bounds
    from rota_solve.solver.pay_terms import add_pay
    from tests.test_build import _solve_pay

    rnd = random.Random(100 + seed)
    docs = [
        Doctor(f"Dr {i}", grade=g, ltft=rnd.choice([1.0, 0.8, 0.6]))
        for i, g in enumerate(["FY1"] * 4 + ["ST4"] * 4)
    ]
    weeks = 2
    spec = make_spec(
        [D, LD, N],
        {},
        docs,
        weeks=weeks,
        repeats=seed % 2 == 1,
        patterns=Patterns(night_block_min=1, rest_before_nights=False),
    )
    cover: list[Any] = []
    for day in range(weeks * 7):  # day 0 is a Monday
        for grades in (frozenset({"FY1"}), frozenset({"ST4"})):
            code = rnd.choice(["LD", "N"])
            if day % 7 >= 4:  # Friday to Sunday: one code a weekend (whole weekends)
                code = "N" if (day // 7 + len(min(grades))) % 2 else "LD"
            if day % 7 >= 5 or rnd.random() < 0.6:
                cover.append(CoverNeed(day=day, code=code, doctors=1, grades=grades))
        if day % 7 < 5:
            cover.append(CoverNeed(day=day, code="D", doctors=0, most=1))
    spec = spec.model_copy(
        update={"cover": cover, "fairness": Fairness(hours_band=12, nights_band=2, weekends_band=1)}
    )
    with_cuts, plain = _solve_pay(spec, cuts=True), _solve_pay(spec, cuts=False)
    assert with_cuts[:2] == plain[:2]
    assert plain[0] == "OPTIMAL"  # these specs are built feasible, so the cut is exercised
    if plain[0] == "OPTIMAL":
        m = build_model(spec)
        bounds = fairness_bounds(m)
        for d, lo_hi in implied_minutes(m).items():
            bounds.setdefault(d, {})["minutes"] = lo_hi
        obj = add_pay(m, None, bounds)
        cut = weekend_allowance_cut(m, obj, bounds)
        assert 0 < cut <= plain[2]["weekend_allowance"]


def test_a_grown_rota_is_never_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole model finds nothing in the time left after growing and improving (made so
    # here): the improved rota stands, as FEASIBLE. Its own run had days fixed, so its
    # bound is not the whole model's; the whole model's search proved a bound all the
    # same (a 52-week tier's did, in too little time to take up its hint): that one is
    # reported. A search that proved none leaves the cuts' floor of the pay bill.
    import dataclasses

    _with_construction(monkeypatch)
    real = solve_module._search
    finals: list[Any] = []

    def final(kw: dict[str, Any]) -> bool:  # the whole model's search, from the grown rota
        return kw.get("built") is not None and kw.get("free") is None

    def last_fails(spec: Spec, **kw: Any) -> Any:
        if final(kw):  # made to fail: a short search is as good as a long one
            run = real(spec, **(kw | {"time_limit": min(0.5, kw["time_limit"])}))
            finals.append(run)
            return dataclasses.replace(run, status=cp_model.UNKNOWN)
        return real(spec, **kw)

    monkeypatch.setattr(solve_module, "_search", last_fails)
    # 4 deterministic seconds: a rota grown in two windows, then the final search (any
    # machine: reproducible mode)
    spec = _spec(weeks=8)
    spec = spec.model_copy(update={"solve": spec.solve.model_copy(update={"time_limit": 4})})
    result = solve(spec)
    assert result.status == "FEASIBLE" and result.rota is not None
    assert check_rota(result.rota).breaches == []
    assert finals  # the whole model's search ran (on the default 2 workers)
    proved = int(finals[-1].solver.best_objective_bound) - result.penalty_pence
    assert result.bound_pence == proved
    assert result.cost_pence is not None and proved <= result.cost_pence

    class NoBound:
        best_objective_bound = float("-inf")

    def proves_nothing(spec: Spec, **kw: Any) -> Any:
        if final(kw):
            run = real(spec, **(kw | {"time_limit": min(0.5, kw["time_limit"])}))
            return dataclasses.replace(run, status=cp_model.UNKNOWN, solver=NoBound())
        return real(spec, **kw)

    monkeypatch.setattr(solve_module, "_search", proves_nothing)
    result = solve(spec)
    assert result.status == "FEASIBLE" and result.rota is not None
    floor = pay_floor(spec)
    assert result.bound_pence == floor and result.cost_pence is not None
    assert 0 < floor <= result.cost_pence


def test_a_long_period_ends_without_a_whole_model_search_where_the_pay_has_a_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Below `final_with_floor_workers` workers (one worker a tier, as three tiers on two
    # cores have), the grown rota stands, measured against the cuts' floor, and the
    # improvement has the whole model's time; with gaps allowed there is no floor, so the
    # whole model's search runs for its bound; on enough workers it runs as well.
    _with_construction(monkeypatch)
    construct = solve_module.solver_settings()["construct"]
    real = solve_module._search
    finals: list[bool] = []

    def seen(spec: Spec, **kw: Any) -> Any:
        if kw.get("built") is not None and kw.get("free") is None:
            finals.append(spec.gaps)
        return real(spec, **kw)

    monkeypatch.setattr(solve_module, "_search", seen)
    spec = _spec(weeks=8)
    spec = spec.model_copy(update={"solve": spec.solve.model_copy(update={"time_limit": 6})})
    assert spec.solve.workers == 2
    construct["final_with_floor_workers"] = 3
    result = solve(spec)
    assert result.status == "FEASIBLE" and result.rota is not None
    assert check_rota(result.rota).breaches == []
    assert finals == [] and result.bound_pence == pay_floor(spec)
    result = solve(spec.model_copy(update={"gaps": True}))
    assert result.rota is not None and finals == [True]
    # (on enough workers it runs: test_a_grown_rota_is_never_lost, on the default 2)


def test_a_floor_that_misses_a_bound_element_still_gets_the_whole_model_search() -> None:
    """The floor counts an element no cut sees at 0; where that is one of [bound]
    `elements` (a night knapsack too large to solve: a tier whose late shifts carry night
    enhancement too), the floor is no bound worth the name, and the whole model's search
    runs on one worker as well, for its own bound (a hand-written 20-week ED department,
    two tiers side by side: 4.68 % from the floor, 0.82 % from the search's bound). Not for
    `additional_hours`, often 0 in the optimum (the 60 x 52 benchmark's CT tier)."""
    how = solve_module.plan(solver_settings())
    assert how.final_with_floor_workers == 2
    floored = Objective(floor=100)
    assert not solve_module.final_search(how, floored, 1)
    assert solve_module.final_search(how, floored, 2)
    assert solve_module.final_search(how, Objective(floor=None), 1)
    nights = Objective(floor=100, unfloored=["night_enhancement"])
    assert solve_module.final_search(how, nights, 1)
    assert not solve_module.final_search(
        how, Objective(floor=100, unfloored=["additional_hours"]), 1
    )


def test_a_grown_rota_at_the_floor_is_optimal_without_a_search_from_it() -> None:
    """A long period whose grown rota costs the floor: it is optimal as it is. The whole
    model's search from it used to stop at the hinted rota itself, and CP-SAT 9.15 then
    aborted the process (a failed check in its postsolve): 8 doctors x 16 weeks, seed 0,
    12 s, in a process of its own so that an abort fails the test, not the test run.
    Reproducible mode (deterministic time): on wall-clock time a slower machine's grown rota
    had not reached the floor in 12 s."""
    import subprocess
    import sys

    code = (
        "from tests.spec_helpers import benchmark_spec\n"
        "from rota_solve.solver.solve import solve\n"
        "s = benchmark_spec(8, 16, 1, time_limit=12)\n"
        "s = s.model_copy(update={'solve': s.solve.model_copy(update={'reproducible': True})})\n"
        "r = solve(s)\n"
        "print(r.status, r.cost == r.bound, r.check is not None and not r.check.breaches)\n"
    )
    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["OPTIMAL", "True", "True"], out.stdout


def test_a_long_period_can_try_the_floor_shaped_search_before_growing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[construct] shaped_first: the floor-shaped search of the whole model has that share of
    the time before the construction, which runs only when it finds no rota (here it proves
    the benchmark's 8 doctors x 16 weeks at the floor, and nothing is grown)."""
    conf = solver_settings()
    conf["construct"] = {**conf["construct"], "shaped_first": 0.5}
    monkeypatch.setattr(solve_module, "solver_settings", lambda: conf)
    grown: list[bool] = []
    real = solve_module._grow
    monkeypatch.setattr(solve_module, "_grow", lambda *a, **k: grown.append(True) or real(*a, **k))
    spec = benchmark_spec(8, 16, 1, time_limit=20)
    result = solve(spec)
    assert result.status == "OPTIMAL" and result.cost_pence == pay_floor(spec)
    assert not grown
    # with no rota from it (pins no rota can keep: a doctor paid -1p), the construction runs
    pins = solve_module.floor_pins
    monkeypatch.setattr(solve_module, "floor_pins", lambda obj: [(*pins(obj)[0][:2], -1)])
    result = solve(benchmark_spec(8, 16, 1, time_limit=10))
    assert grown and result.found


def test_a_long_period_on_one_worker_goes_straight_to_the_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[construct] shaped_first_workers: the floor-shaped search before the construction
    runs only on that many workers or more. A tier built side by side on one worker grows
    its rota at once (60 x 52: two of its three tiers' pinned searches found no rota in
    40 s on one worker, and the whole build none in a tier at 120 s)."""
    conf = solver_settings()
    conf["construct"] = {**conf["construct"], "shaped_first": 0.5, "shaped_first_workers": 2}
    monkeypatch.setattr(solve_module, "solver_settings", lambda: conf)
    order: list[str] = []
    shaped, grow = solve_module._floor_shaped, solve_module._grow
    monkeypatch.setattr(
        solve_module, "_floor_shaped", lambda *a, **k: order.append("shaped") or shaped(*a, **k)
    )
    monkeypatch.setattr(
        solve_module, "_grow", lambda *a, **k: order.append("grow") or grow(*a, **k)
    )
    spec = benchmark_spec(8, 16, 1, time_limit=8)
    one = spec.model_copy(update={"solve": spec.solve.model_copy(update={"workers": 1})})
    result = solve(one)
    assert result.found and order[0] == "grow", order
    order.clear()
    result = solve(benchmark_spec(8, 16, 1, time_limit=20))  # two workers: pinned first
    assert result.found and order[0] == "shaped", order


def _ignored_by_search(
    monkeypatch: pytest.MonkeyPatch, flag: list[bool]
) -> list[tuple[bool, list[str]]]:
    """Record, for every search configured from now on, `flag[0]` at that moment (which
    stage the search belongs to) and the subsolvers it leaves out."""
    seen: list[tuple[bool, list[str]]] = []
    configure = solve_module.configure

    def spy(solver: Any, spec: Spec, **kw: Any) -> float:
        out = configure(solver, spec, **kw)
        seen.append((flag[0], list(solver.parameters.ignore_subsolvers)))
        return out

    monkeypatch.setattr(solve_module, "configure", spy)
    return seen


def test_the_floor_shaped_search_runs_the_subsolvers_its_settings_keep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[floor] keep_subsolvers and ignore_subsolvers: the floor-shaped search runs
    default_lp although [parameters] leaves it out (its LP proves at once that no rota keeps
    the pins where the floor is out of reach: the PICU example's pinned model was infeasible
    after 0.3 s of default_lp, where without it no search ended in 30 s) and leaves out
    quick_restart; no other search changes."""
    conf = solver_settings()
    conf["floor"] = {
        **conf["floor"],
        "keep_subsolvers": ["default_lp"],
        "ignore_subsolvers": ["quick_restart"],
    }
    monkeypatch.setattr(solve_module, "solver_settings", lambda: conf)
    assert "default_lp" in conf["parameters"]["ignore_subsolvers"]
    search, configure = solve_module._search, solve_module.configure
    pinned = [False]

    def spy_search(spec: Spec, **kw: Any) -> Any:
        pinned[0] = bool(kw.get("pins"))
        return search(spec, **kw)

    monkeypatch.setattr(solve_module, "_search", spy_search)
    seen = _ignored_by_search(monkeypatch, pinned)
    result = solve(benchmark_spec(20, 12, 1, time_limit=20))
    assert result.status == "OPTIMAL"
    stages = [ignored for is_pinned, ignored in seen if is_pinned]
    assert stages, seen
    for ignored in stages:
        assert "default_lp" not in ignored and "quick_restart" in ignored
        assert "max_lp" in ignored and len(ignored) == len(set(ignored))
    for is_pinned, ignored in seen:
        assert is_pinned or ("default_lp" in ignored and "quick_restart" not in ignored)
    # configure: kept names leave the settings' list, and only for that search
    configure(solver := cp_model.CpSolver(), benchmark_spec(8, 4, 1), keep=["max_lp"])
    assert "max_lp" not in solver.parameters.ignore_subsolvers
    assert "default_lp" in solver.parameters.ignore_subsolvers
    configure(solver := cp_model.CpSolver(), benchmark_spec(8, 4, 1))
    assert "max_lp" in solver.parameters.ignore_subsolvers


@pytest.mark.parametrize("weeks", [6, 16])
def test_a_search_ends_at_a_rota_near_enough_the_floor(
    monkeypatch: pytest.MonkeyPatch, weeks: int
) -> None:
    """[limits] near_floor_pence: a search ends at a rota that costs no more than that above
    the floor, and says so (not proven); no search starts from such a rota (the abort above).
    Set absurdly high here, every search ends at its first rota: the short path (the
    floor-shaped search, then the whole model) and a long period's construction alike,
    whose improvement never starts from a grown rota near enough (it went on improving a
    rota at its floor, 8 x 16 from 7.5 s to 14 s of 20)."""
    conf = solver_settings()
    conf["limits"] = {**conf["limits"], "near_floor_pence": 10**12}
    # the long period grows its rota (the floor-shaped search before it is the short path's)
    conf["construct"] = {**conf["construct"], "shaped_first": 0.0}
    monkeypatch.setattr(solve_module, "solver_settings", lambda: conf)
    stages: list[str] = []
    result = solve(
        benchmark_spec(8, weeks, 1, time_limit=20), on_progress=lambda p: stages.append(p.stage)
    )
    assert result.found and result.check is not None and not result.check.breaches
    assert not [s for s in stages if s.startswith("improving")], stages
    if weeks > 8:
        assert "first rota: weeks 1-16 of 16" in stages  # grown, then no improvement
    if result.status == "FEASIBLE":  # (a first rota at the floor is proven all the same)
        assert result.stopped == f"coming within £{10**10:,.2f} of its bound"
    else:
        assert result.status == "OPTIMAL" and result.cost == result.bound


def test_no_window_starts_past_the_deadline() -> None:
    """Wall clock: the construction starts no window once the searches' deadline has passed
    (a floor-shaped search before it that overran its share had carried the last windows
    of 40 x 26 to 80 s of a 60 s limit); it returns at once, with no rota."""
    spec = benchmark_spec(8, 16, 1, time_limit=30)
    how = solve_module.plan(solver_settings())
    t0 = time.monotonic()
    grown, _, _ = solve_module._grow(spec, how, True, 30.0, t0, None, None, deadline=t0)
    assert grown is None
    assert time.monotonic() - t0 < 5


def test_a_windows_frozen_days_give_the_rotas_their_fixed_variables_give() -> None:
    """A fresh window's model gives no variable to a duty its fixed days rule out
    (cpmodel.RotaModel.frozen): a smaller model (a year's windows built in half the time)
    with the same rotas as the whole model with those variables fixed. Every day fixed,
    both hold just the given rota, at the same cost; weeks 7-8 free, each finds a rota the
    other's bound allows, and the frozen model's keeps weeks 1-6 as given."""
    from rota_solve.solver.objective import add_objective

    spec = _spec(weeks=8)
    base = strict_search(spec, 0.5)  # a rota
    assert base.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = {k: int(base.solver.value(v)) for k, v in base.m.x.items()}
    given = {k for k, v in values.items() if v}

    def both(free: tuple[int, int], seconds: float) -> tuple[Any, Any]:
        whole = RotaModel(spec).build()
        frozen = strict_search(spec, seconds, hint=values, free=free)
        fixed = strict_search(
            spec, seconds, hint=values, free=free, built=(whole, add_objective(whole))
        )
        assert frozen.size["variables"] < fixed.size["variables"]
        assert frozen.size["constraints"] < fixed.size["constraints"]
        return frozen, fixed

    frozen, fixed = both((spec.period.days, spec.period.days), 5)
    assert frozen.status == fixed.status == cp_model.OPTIMAL
    assert frozen.solver.objective_value == fixed.solver.objective_value
    assert {k for k, v in frozen.m.x.items() if frozen.solver.value(v)} == given
    assert frozen.solver.objective_value == base.solver.objective_value

    frozen, fixed = both((42, spec.period.days), 0.5)
    for run in (frozen, fixed):
        assert run.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert frozen.solver.objective_value >= fixed.solver.best_objective_bound
    assert fixed.solver.objective_value >= frozen.solver.best_objective_bound
    got = {k for k, v in frozen.m.x.items() if frozen.solver.value(v)}
    assert {k for k in got if k[1] < 42} == {k for k in given if k[1] < 42}
    rota = Rota(
        period=spec.period,
        doctors={d.name: d for d in spec.doctors},
        duties=frozen.m.duties(frozen.solver.value),
        rules=spec.rules,
        pay_year=spec.pay_year,
        patterns=spec.patterns,
    )
    assert check_rota(rota).breaches == []


def test_a_window_keeps_the_whole_periods_bands_within_reach() -> None:
    """fairness.reachable: a window's counts stay at most the whole period's band top (a
    count only grows), and at least its foot less what the days after can add: a doctor on
    leave for all of them must have the foot already. A window's own bands are wider (a
    waypoint), and on 60 x 52 let an LTFT doctor's first 44 weeks hold 6 weekends of a
    year's 2-5: the last window had no rota."""
    from rota_solve.solver.fairness import fairness_bounds, reachable

    spec = _spec(weeks=8)
    start = spec.period.start
    away = Leave(doctor="Dr A", first=start + timedelta(28), last=start + timedelta(55))
    # the day shifts exactly 1 (not 1-2): every band a number, hours' too
    exact = [c.model_copy(update={"most": None}) for c in spec.cover]
    spec = spec.model_copy(update={"leave": [away], "cover": exact})
    whole = RotaModel(spec)
    full = fairness_bounds(whole)
    reach = reachable(whole, 28)
    own = fairness_bounds(RotaModel(prefix(spec, 4)))
    window = fairness_bounds(RotaModel(prefix(spec, 4), reach=reach))
    assert set(reach) == {d.name for d in spec.doctors}
    for d, bounds in full.items():
        assert set(reach[d]) == set(bounds) == {"nights", "weekends", "minutes"}
        for key, (lo, hi) in bounds.items():
            assert reach[d][key][1] == hi and 0 <= reach[d][key][0] <= lo
            w_lo, w_hi = window[d][key]
            assert w_lo == max(own[d][key][0], reach[d][key][0])
            assert w_hi == min(own[d][key][1], hi)
    # Dr A can add nothing after day 28: the window must give them the whole foot
    assert reach["Dr A"]["nights"][0] == full["Dr A"]["nights"][0] > 0
    assert reach["Dr A"]["minutes"][0] == full["Dr A"]["minutes"][0] > 0
    # the others can work every night after it: no foot for the window
    assert reach["Dr C"]["nights"][0] == 0
    # and somewhere the whole period's top is tighter than the window's own
    assert any(window[d][k][1] < own[d][k][1] for d in full for k in full[d])


def test_construction_windows_leave_out_the_subsolvers_the_settings_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[construct] window_ignore_subsolvers: a construction window's search leaves them out
    besides [parameters] ignore_subsolvers (quick_restart took the slots a window's first
    rota needed); the improvement's searches and the whole model keep them (it proves
    their small neighbourhoods optimal)."""
    conf = solver_settings()
    conf["construct"] = {
        **conf["construct"],
        "window_ignore_subsolvers": ["quick_restart"],
        "shaped_first": 0.0,  # (it proves this spec before any window would run)
    }
    monkeypatch.setattr(solve_module, "solver_settings", lambda: conf)
    grow, configure = solve_module.first_rota, solve_module.configure
    building: list[bool] = [False]  # inside the construction (first_rota)

    def spy_grow(*a: Any, **kw: Any) -> Any:
        building[0] = True
        try:
            return grow(*a, **kw)
        finally:
            building[0] = False

    monkeypatch.setattr(solve_module, "first_rota", spy_grow)
    seen = _ignored_by_search(monkeypatch, building)
    spec = benchmark_spec(8, 16, 1, time_limit=10)
    result = solve(spec)
    assert result.found
    windows_seen = [ignored for inside, ignored in seen if inside]
    assert windows_seen and all("quick_restart" in ignored for ignored in windows_seen)
    # any other search (here the construction reaches the floor: none runs after it)
    for inside, ignored in seen:
        assert inside or "quick_restart" not in ignored
    solver = cp_model.CpSolver()
    configure(solver, spec)
    assert "quick_restart" not in solver.parameters.ignore_subsolvers
    # the settings' own list stays in every search, each name once
    configure(solver := cp_model.CpSolver(), spec, ignore=["quick_restart", "default_lp"])
    ignored = list(solver.parameters.ignore_subsolvers)
    assert "quick_restart" in ignored and ignored.count("default_lp") == 1
    for ignored in windows_seen:
        assert "default_lp" in ignored and len(ignored) == len(set(ignored))
