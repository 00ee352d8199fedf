"""Tiers that share no cover are built apart and joined (solver/decompose.py, solve.py): the
split follows the cover, and the joined rota is the whole model's optimum, re-checked."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

import pytest

from rota_solve.solver import solve as solve_module
from rota_solve.solver.decompose import parts
from rota_solve.solver.rota import Doctor, Patterns
from rota_solve.solver.spec import CoverNeed, Fairness, FixedDuty, Leave, Request, Spec
from rota_solve.solver.spec_io import read_spec
from tests.conftest import ROOT
from tests.spec_helpers import make_spec, shift

D = shift("D", "08:00", 540)
LD = shift("LD", "08:00", 750)
N = shift("N", "20:00", 750)
JUNIOR = frozenset({"FY1", "FY2"})
SENIOR = frozenset({"ST4"})


def _two_tiers(seed: int, *, shared_day: bool = False) -> Spec:
    """Four juniors and four seniors, each tier its own long days and nights (some days),
    LTFT doctors, leave, a request and a fixed duty; `shared_day`: a day shift any grade
    may work joins the tiers."""
    rnd = random.Random(seed)
    docs = [
        Doctor(f"Dr {i}", grade=g, ltft=rnd.choice([1.0, 1.0, 0.8]))
        for i, g in enumerate(["FY1", "FY2", "FY1", "FY2", "ST4", "ST4", "ST4", "ST4"])
    ]
    spec = make_spec(
        [D, LD, N],
        {},
        docs,
        weeks=2,
        repeats=seed % 2 == 1,
        patterns=Patterns(night_block_min=1, rest_before_nights=False, whole_weekends=False),
    )
    cover: list[CoverNeed] = []
    for day in range(14):
        for grades in (JUNIOR, SENIOR):
            for code in ("LD", "N"):
                if rnd.random() < 0.5:
                    cover.append(CoverNeed(day=day, code=code, doctors=1, grades=grades))
        if day % 7 < 5:
            cover.append(
                CoverNeed(
                    day=day, code="D", doctors=1, most=2, grades=None if shared_day else JUNIOR
                )
            )
    start = spec.period.start
    return spec.model_copy(
        update={
            "cover": cover,
            "fairness": Fairness(hours_band=24, nights_band=3, weekends_band=2),
            "leave": [
                Leave(
                    doctor="Dr 1", first=start + timedelta(days=2), last=start + timedelta(days=3)
                )
            ],
            "requests": [Request(doctor="Dr 5", day=start + timedelta(days=3), shift="off")],
            "fixed": [],
        }
    )


def test_parts_follow_the_cover() -> None:
    spec = _two_tiers(0)
    juniors, seniors = parts(spec)
    assert [d.name for d in juniors.doctors] == ["Dr 0", "Dr 1", "Dr 2", "Dr 3"]
    assert [d.name for d in seniors.doctors] == ["Dr 4", "Dr 5", "Dr 6", "Dr 7"]
    assert all(n.grades == JUNIOR for n in juniors.cover)
    assert all(n.grades == SENIOR for n in seniors.cover)
    assert len(juniors.cover) + len(seniors.cover) == len(spec.cover)
    assert [lv.doctor for lv in juniors.leave] == ["Dr 1"] and seniors.leave == []
    assert juniors.requests == [] and [r.doctor for r in seniors.requests] == ["Dr 5"]
    # a day shift any grade may work joins the tiers: one problem
    assert parts(_two_tiers(0, shared_day=True)) == [_two_tiers(0, shared_day=True)]
    # the examples: the PICU's day shifts are open to both tiers; large-mixed splits
    assert len(parts(read_spec(ROOT / "examples" / "picu-two-tier-spec.xlsx"))) == 1
    mixed = parts(read_spec(ROOT / "examples" / "large-mixed-spec.xlsx"))
    assert [len(p.doctors) for p in mixed] == [16, 8]


def test_a_need_no_one_can_fill_stays_with_the_first_tier() -> None:
    spec = _two_tiers(1)
    nobody = CoverNeed(day=3, code="N", doctors=1, grades=frozenset({"CT3"}))
    first, second = parts(spec.model_copy(update={"cover": [*spec.cover, nobody]}))
    assert nobody in first.cover and nobody not in second.cover


def _whole(spec: Spec, time_limit: float = 15) -> Any:
    return solve_module._solve_one(spec, time_limit=time_limit)


@pytest.mark.parametrize(("seed", "whole_limit"), [(0, 15), (2, 15), (3, 5)])
def test_tiers_built_apart_give_the_whole_models_optimum(seed: int, whole_limit: float) -> None:
    """The two answers agree: neither is cheaper than the other's proven optimum, and where
    both are proven they are equal (seeds 0 and 2; on seed 3 only the tiers built apart are
    proven, the whole model is not within 15 s: its best after 5 s is no cheaper)."""
    spec = _two_tiers(seed)
    assert len(parts(spec)) == 2
    apart = solve_module.solve(spec, time_limit=15)
    whole = _whole(spec, whole_limit)
    assert apart.status == "OPTIMAL"  # these seeds are built to be provable apart
    assert whole.status in ("OPTIMAL", "FEASIBLE"), whole.status
    assert whole.cost_pence is not None and apart.cost_pence is not None
    assert whole.cost_pence >= apart.cost_pence
    assert whole.bound_pence is None or whole.bound_pence <= apart.cost_pence
    if whole.status == "OPTIMAL":
        assert whole.cost_pence == apart.cost_pence
    assert apart.bound_pence == apart.cost_pence + apart.unfilled_pence
    assert apart.penalty_pence == whole.penalty_pence or whole.status != "OPTIMAL"
    assert apart.rota is not None and apart.check is not None
    assert not apart.check.breaches and not apart.check.patterns
    # the joined rota's pay, by the independent calculator, is the objective
    assert round(sum(p.total for p in apart.check.pay) * 100) == apart.cost_pence
    assert {d.doctor for d in apart.rota.duties} <= {d.name for d in spec.doctors}


def test_a_tier_with_no_rota_means_no_rota() -> None:
    spec = _two_tiers(2)
    # the seniors' tier: a night every day and a long day every day for one doctor left
    start = spec.period.start
    away = [
        Leave(doctor=f"Dr {i}", first=start, last=start + timedelta(days=13)) for i in (5, 6, 7)
    ]
    r = solve_module.solve(spec.model_copy(update={"leave": [*spec.leave, *away]}), time_limit=30)
    assert r.status == "INFEASIBLE" and r.rota is None


def test_joined_rota_is_reproducible() -> None:
    spec = _two_tiers(3)
    spec = spec.model_copy(
        update={"solve": spec.solve.model_copy(update={"reproducible": True, "time_limit": 5})}
    )
    a, b = solve_module.solve(spec), solve_module.solve(spec)
    assert a.rota is not None and b.rota is not None
    assert a.rota.duties == b.rota.duties and a.cost_pence == b.cost_pence


def test_progress_adds_the_tiers_up() -> None:
    """The progress line: the tiers side by side until each has a rota, then the sum of
    their costs and bounds; the last report is the joined rota's cost."""
    seen: list[Any] = []
    r = solve_module.solve(_two_tiers(2), time_limit=20, on_progress=seen.append)
    assert any(p.stage.startswith("2 tiers side by side") for p in seen)
    assert seen[-1].cost == r.cost_pence and seen[-1].stage == ""


def test_a_tier_with_no_rota_stops_the_others() -> None:
    """The seniors have no rota (two long days asked of one senior not on leave: no rota at
    once); the juniors' search, which runs to its limit unproven on this seed, is stopped
    rather than run on."""
    spec = _two_tiers(5)
    start = spec.period.start
    away = [
        Leave(doctor=f"Dr {i}", first=start, last=start + timedelta(days=13)) for i in (5, 6, 7)
    ]
    spec = spec.model_copy(
        update={
            "leave": [*spec.leave, *away],
            "cover": [
                *spec.cover,
                *[CoverNeed(day=d, code="LD", doctors=2, grades=SENIOR) for d in (7, 8)],
            ],
        }
    )
    t0 = time.monotonic()
    r = solve_module.solve(spec, time_limit=60)
    assert r.status == "INFEASIBLE", (r.status, r.stopped)
    assert time.monotonic() - t0 < 30


def test_a_fixed_duty_goes_with_its_doctor() -> None:
    spec = _two_tiers(0)
    day = next(n for n in spec.cover if n.grades == SENIOR and n.code == "N").day
    fixed = FixedDuty(doctor="Dr 6", day=spec.period.start + timedelta(days=day), shift="N")
    first, second = parts(spec.model_copy(update={"fixed": [fixed]}))
    assert first.fixed == [] and second.fixed == [fixed]
