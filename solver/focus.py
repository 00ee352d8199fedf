"""Improvement neighbourhoods chosen from the rota's own excess over the pay bill's floor.

A rota that costs the floor (cuts.pay_floor) has every LTFT doctor's basic at its least and
each knapsack's element at one of its cheapest choices (cuts.floor_pins). A grown rota is
dearer where some doctors are past those pins: an LTFT doctor working more hours than their
band needs (paid pro rata), a doctor with a weekend that raises their allowance band, a
night on a dearer grade. Each such excess can only go to a doctor who can take the work
without costing more: a full-time doctor with hours to spare under their band and 40 h a
week (a full-time basic is fixed), or a doctor below their own pin. So a group is the
doctor furthest over their pins and the doctors who share their shifts with most room
for what they are over in, re-solved together over the whole period (construct.improve).

Measured on the PICU example (60 s, the rota grown in 32 s): its excess at the end was
mostly LTFT basic (£13.5k of £17k: an SHO working 80 h more than their least) which the
windows of weeks, holding each doctor's totals in their bands, and groups of doctors by
grade, who share the same excess, rarely move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.cuts import floor_pins
from rota_solve.solver.pay_terms import Objective

Value = Callable[[Any], int]


class Excess:
    """What each doctor's pay is over (or under) the floor's pins in a rota, and which
    doctors share shifts; made once a model, read for each rota (`groups`)."""

    def __init__(self, m: RotaModel, obj: Objective) -> None:
        self.obj = obj
        self.pins: dict[str, dict[str, int]] = {}
        for doctor, element, pence in floor_pins(obj):
            self.pins.setdefault(doctor, {})[element] = pence
        self.shifts = {d: {c.shift.code for c in m.candidates.get(d, [])} for d in obj.pay}
        cap = m.rule_set.pay.full_time_minutes(m.period.weeks)
        proto = m.model.proto
        self.most: dict[str, int] = {}  # full-time doctors: the most minutes paid as basic
        for d, t in obj.minutes.items():
            if isinstance(obj.pay[d]["basic"], int):
                domain = proto.variables[t.index].domain  # a protobuf list: no [-1]
                self.most[d] = min(cap, int(domain[len(domain) - 1]))

    def over(self, value: Value) -> dict[str, dict[str, int]]:
        """doctor -> element -> pence over its pin (negative: under it) in the rota."""
        return {
            d: {e: int(value(self.obj.pay[d][e])) - pence for e, pence in pins.items()}
            for d, pins in self.pins.items()
        }

    def room(
        self, value: Value, over: dict[str, dict[str, int]], element: str
    ) -> Callable[[str], tuple[int, int]]:
        """A sort key: the doctors most able to take `element`'s excess first."""

        def key(d: str) -> tuple[int, int]:
            if element == "basic":  # hours: full-time doctors with minutes to spare
                spare = self.most[d] - int(value(self.obj.minutes[d])) if d in self.most else 0
                return (0 if d in self.most else 1, -spare)
            under = over.get(d, {}).get(element)
            return (0 if under is not None else 1, under or 0)

        return key

    def groups(self, value: Value, size: int, count: int) -> list[frozenset[str]]:
        """Up to `count` groups of `size` doctors: each of the doctors furthest over their
        pins (most pence first) with the `size` - 1 doctors who share a shift with them and
        have most room for the element they are furthest over in."""
        if size < 2 or count < 1:
            return []
        over = self.over(value)
        worst = sorted(
            ((sum(v for v in e.values() if v > 0), d) for d, e in over.items()),
            key=lambda t: (-t[0], t[1]),
        )
        out: list[frozenset[str]] = []
        used: set[str] = set()
        for pence, d in worst:
            if pence <= 0 or len(out) >= count:
                break
            element = max(over[d], key=lambda e: (over[d][e], e))
            share = [o for o in sorted(self.shifts) if o != d and self.shifts[o] & self.shifts[d]]
            room = self.room(value, over, element)
            # a doctor in a group before is taken last: each group is a different move
            share.sort(key=lambda o: (o in used, room(o)))
            group = frozenset([d, *share[: size - 1]])
            if len(group) >= 2 and group not in out:
                out.append(group)
                used |= group
        return out
