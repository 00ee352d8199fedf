"""Property tests (hypothesis) on random rotas: the checker's answer depends on the rota, not
on how it is written down.

* the order of rows changes nothing;
* renaming doctors renames their breaches and nothing else;
* a one-off rota moved by whole weeks (with its start date) gives the same breaches, moved;
* a repeating rota rotated by whole weeks inside its cycle gives the same breaches, rotated;
* the JSON and the report workbook agree.

(Removing a duty can add a breach: in 2019 taking the middle night out of three leaves two
single nights each owed 46 h, see test_rules.py. So no property here assumes monotonicity.)
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rota_solve.constraints import Breach
from rota_solve.solver.checker import check_rota
from rota_solve.solver.report_sheets import write_check_report
from rota_solve.solver.rota import Doctor, Duty, Period, Rota
from tests.helpers import MONDAY

WHOLE_PERIOD = {"max_avg_weekly_hours", "weekend_frequency"}
# ROTA_SOLVE_EXAMPLES=2000 for a long hunt; the suite's default keeps CI quick
EXAMPLES = int(os.environ.get("ROTA_SOLVE_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def rotas(draw: st.DrawFn, repeats: bool | None = None) -> Rota:
    weeks = draw(st.integers(1, 3))
    days = weeks * 7
    rep = draw(st.booleans()) if repeats is None else repeats
    names = draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True))
    duties = []
    for name in names:
        n = draw(st.integers(0, days + 2))
        for _ in range(n):
            day = draw(st.integers(0, days - 1))
            start = draw(st.integers(0, 95)) * 15  # quarter hours
            kind = draw(st.sampled_from(["shift", "shift", "shift", "oncall"]))
            if kind == "shift":
                minutes = draw(st.integers(4, 56)) * 15  # 1 h to 14 h
                work = None
            else:
                minutes = draw(st.integers(32, 100)) * 15  # 8 h to 25 h
                work = float(draw(st.integers(0, minutes // 60)))
            s = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time()) + timedelta(
                minutes=start
            )
            duties.append(
                Duty(name, s, s + timedelta(minutes=minutes), kind, kind == "oncall", work)
            )
    doctors = {n: Doctor(n, grade=draw(st.sampled_from(["FY1", "ST4", ""]))) for n in names}
    rules = draw(st.sampled_from(["2016", "2019"]))
    return Rota(Period(MONDAY, weeks, rep), doctors, duties, rules, "2025/26", name="p")


def key(b: Breach, shift: timedelta = timedelta(0)) -> tuple[Any, ...]:
    return (b.rule, b.doctor, b.start + shift, round(b.value, 6), b.limit, b.severity)


def keys(rota: Rota, shift: timedelta = timedelta(0)) -> list[tuple[Any, ...]]:
    return sorted(key(b, shift) for b in check_rota(rota).breaches)


@SETTINGS
@given(rotas(), st.randoms())
def test_row_order_changes_nothing(rota: Rota, rnd: Any) -> None:
    shuffled = list(rota.duties)
    rnd.shuffle(shuffled)
    other = replace(rota, duties=shuffled)
    assert keys(other) == keys(rota)
    assert check_rota(other).pay == check_rota(rota).pay


@SETTINGS
@given(rotas())
def test_renaming_doctors_renames_breaches(rota: Rota) -> None:
    new = {n: f"Dr {n} renamed" for n in rota.doctors}
    renamed = replace(
        rota,
        doctors={new[n]: replace(d, name=new[n]) for n, d in rota.doctors.items()},
        duties=[replace(d, doctor=new[d.doctor]) for d in rota.duties],
    )
    expected = sorted((k[0], new[k[1]], *k[2:]) for k in keys(rota))
    assert keys(renamed) == expected


@SETTINGS
@given(rotas(repeats=False), st.integers(-3, 3))
def test_moving_a_one_off_rota_by_whole_weeks(rota: Rota, weeks: int) -> None:
    shift = timedelta(weeks=weeks)
    moved = replace(
        rota,
        period=replace(rota.period, start=rota.period.start + shift),
        duties=[replace(d, start=d.start + shift, end=d.end + shift) for d in rota.duties],
    )
    assert keys(moved) == keys(rota, shift)


@SETTINGS
@given(rotas(repeats=True), st.integers(1, 2))
def test_rotating_a_repeating_rota_inside_its_cycle(rota: Rota, weeks: int) -> None:
    cycle = timedelta(days=rota.period.days)
    shift = timedelta(weeks=weeks)
    origin = rota.period.origin

    def rotate(moment: datetime) -> datetime:
        return origin + (moment - origin + shift) % cycle

    rotated = replace(
        rota,
        duties=[
            replace(d, start=rotate(d.start), end=rotate(d.start) + (d.end - d.start))
            for d in rota.duties
        ],
    )
    # a frequency or average over the whole cycle is reported at the cycle's start
    expected = sorted(
        (k[0], k[1], k[2] if k[0] in WHOLE_PERIOD else rotate(k[2]), *k[3:]) for k in keys(rota)
    )
    assert keys(rotated) == expected
    assert [p.total for p in check_rota(rotated).pay] == [p.total for p in check_rota(rota).pay]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotas())
def test_json_and_report_agree(rota: Rota) -> None:
    result = check_rota(rota)
    data = json.loads(json.dumps(result.to_json()))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "report.xlsx"
        write_check_report(result, target, input_path=Path(tmp) / "input.xlsx")
        wb = load_workbook(target)
        rows = list(wb["Checks"].iter_rows(values_only=True))
        pay_rows = list(wb["Pay"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[:2] == ("doctor", "rule")) + 1
    body = [r for r in rows[start:] if r[1] is not None]
    assert [(r[0], r[1], r[3].strftime("%Y-%m-%dT%H:%M"), r[4], r[5]) for r in body] == [
        (b["doctor"], b["rule"], b["start"], b["value"], b["limit"])
        for b in [*data["breaches"], *data["patterns"]]
    ]
    assert data["compliant"] == (not [r for r in body if r[2] != "pattern"])
    header = pay_rows[0]
    got = [dict(zip(header, r, strict=True)) for r in pay_rows[1:]]
    for mine, theirs in zip(got, data["pay"], strict=True):
        assert mine["doctor"] == theirs["doctor"]
        assert mine["total"] == theirs["total"]
        assert mine["average_weekly_hours"] == theirs["average_weekly_hours"]


def test_property_generator_makes_breaches() -> None:
    """Random rotas of this shape are not vacuous: some breach, some do not."""
    found = {False: 0, True: 0}
    for seed in range(40):
        found[bool(check_rota(_seeded(seed)).breaches)] += 1
    assert found[True] > 0 and found[False] > 0


def _seeded(seed: int) -> Rota:
    import random

    rnd = random.Random(seed)
    days = 14
    duties = []
    for _ in range(rnd.randint(0, 12)):
        s = datetime.combine(MONDAY + timedelta(days=rnd.randrange(days)), datetime.min.time())
        s += timedelta(minutes=15 * rnd.randrange(96))
        duties.append(Duty("A", s, s + timedelta(minutes=15 * rnd.randint(4, 56))))
    return Rota(Period(date(2026, 8, 3), 2, False), {"A": Doctor("A")}, duties, "2019", "2025/26")
