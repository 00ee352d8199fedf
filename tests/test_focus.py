"""Improvement groups chosen from the rota's excess over the floor (solver/focus.py): the
doctor furthest over their pins, with the doctors who share their shifts and have most room
for it; each group a different move; none when nothing is over."""

from __future__ import annotations

from typing import Any

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.cuts import floor_pins
from rota_solve.solver.focus import Excess
from rota_solve.solver.objective import add_objective
from rota_solve.solver.rota import Doctor, Patterns
from rota_solve.solver.spec import CoverNeed, Spec
from tests.spec_helpers import make_spec, shift

D = shift("D", "08:00", 540)
LD = shift("LD", "08:00", 750)
N = shift("N", "20:00", 750)
REGISTRARS = frozenset({"ST3", "ST4", "ST5", "ST6"})


def _spec() -> Spec:
    # registrars A-F (B and D LTFT); G an FY1 who works only the FY1 day: shares no shift
    grades = {"A": "ST3", "B": "ST4", "C": "ST5", "D": "ST3", "E": "ST6", "F": "ST4", "G": "FY1"}
    ltft = {"B": 0.8, "D": 0.6}
    docs = [Doctor(f"Dr {k}", grade=g, ltft=ltft.get(k, 1.0)) for k, g in grades.items()]
    spec = make_spec([D, LD, N], {}, docs, weeks=4, patterns=Patterns())
    cover = [
        CoverNeed(day=d, code=code, doctors=1, grades=REGISTRARS)
        for d in range(28)
        for code in ("LD", "N")
    ]
    cover += [CoverNeed(day=d, code="D", doctors=1, grades=frozenset({"FY1"})) for d in range(5)]
    return spec.model_copy(update={"cover": cover})


class _Rota:
    """A rota's values as the focus reads them (by the terms' identity: some are sums):
    each pinned element at its pin unless set, each full-time doctor's minutes `spare`
    below the most they are paid basic for."""

    def __init__(self, m: RotaModel, ex: Excess) -> None:
        self.ex = ex
        self.at: dict[int, int] = {}
        for doctor, pins in ex.pins.items():
            for element, pence in pins.items():
                self.at[id(ex.obj.pay[doctor][element])] = pence

    def over(self, doctor: str, element: str, pence: int) -> None:
        self.at[id(self.ex.obj.pay[doctor][element])] = self.ex.pins[doctor][element] + pence

    def spare(self, doctor: str, minutes: int) -> None:
        self.at[id(self.ex.obj.minutes[doctor])] = self.ex.most[doctor] - minutes

    def __call__(self, term: Any) -> int:
        return term if isinstance(term, int) else self.at.get(id(term), 0)


def test_a_focus_group_is_the_doctor_furthest_over_with_those_most_able_to_take_it() -> None:
    m = RotaModel(_spec()).build()
    obj = add_objective(m)
    ex = Excess(m, obj)
    # the LTFT doctors' basic is pinned at its floor; full-time basics are fixed, no pin
    assert {d for d, e, _ in floor_pins(obj) if e == "basic"} == {"Dr B", "Dr D"}
    assert set(ex.most) == {"Dr A", "Dr C", "Dr E", "Dr F", "Dr G"}
    # the most minutes their band allows, at most 40 h a week (past that, additional hours)
    upper = list(m.model.proto.variables[obj.minutes["Dr A"].index].domain)[-1]
    assert ex.most["Dr A"] == min(upper, 40 * 60 * 4) > 0
    assert 0 < ex.most["Dr G"] <= 5 * 540
    rota = _Rota(m, ex)
    for doctor, spare in (("Dr A", 100), ("Dr C", 2000), ("Dr E", 50), ("Dr F", 10)):
        rota.spare(doctor, spare)
    rota.spare("Dr G", 5000)  # most room of all, but takes none of their shifts
    assert ex.groups(rota, 3, 2) == []  # a rota at every pin: nothing to move
    rota.over("Dr B", "basic", 5_000)  # Dr B works more hours than their least
    assert ex.groups(rota, 3, 2) == [frozenset({"Dr B", "Dr C", "Dr A"})]
    rota.over("Dr D", "basic", 1_000)
    # the second group is a different move: doctors not in the first come first
    assert ex.groups(rota, 3, 2) == [
        frozenset({"Dr B", "Dr C", "Dr A"}),
        frozenset({"Dr D", "Dr E", "Dr F"}),
    ]
    assert ex.groups(rota, 3, 1) == [frozenset({"Dr B", "Dr C", "Dr A"})]
    assert ex.groups(rota, 1, 2) == [] and ex.groups(rota, 3, 0) == []
    rota.over("Dr D", "basic", 9_000)  # now furthest over: first
    assert ex.groups(rota, 2, 2) == [frozenset({"Dr D", "Dr C"}), frozenset({"Dr B", "Dr A"})]
