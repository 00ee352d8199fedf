"""Gaps: where the spec's Settings allow them (`gaps` = allowed), a cover need may go
unfilled, each unfilled duty costing `gap_price` (the bank or locum rate, £ an hour) x its
hours (a rostered shift's length; an on-call period's expected work). The solver then
chooses between paying a doctor (additional hours, enhancements, allowances) and paying for
a locum, and returns the least-cost compliant rota with the gaps it could not fill. Gap cost
is kept apart from the pay bill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.pay_terms import Objective
from rota_solve.solver.spec import CoverNeed, Spec


@dataclass(frozen=True)
class Gap:
    """One unfilled duty (a need short by `count` doctors)."""

    day: date
    shift: str
    grades: str  # "" for any grade
    count: int
    hours: float  # per duty
    pence: int  # for all `count` duties

    @property
    def price(self) -> float:
        return self.pence / 100


def gap_pence(spec: Spec, need: CoverNeed) -> int:
    """The price of one unfilled duty of this need, in pence."""
    shift = spec.shift(need.code)
    minutes = shift.work_minutes if shift.on_call else shift.minutes
    return round(spec.gap_price * 100 * minutes / 60)


def add_gap_terms(m: RotaModel, obj: Objective) -> None:
    for need, short in m.unfilled:
        obj.gaps.append((need, gap_pence(m.spec, need), short))


def gap_list(spec: Spec, unfilled: list[tuple[CoverNeed, int]]) -> list[Gap]:
    from datetime import timedelta

    out = []
    for need, count in unfilled:
        if count <= 0:
            continue
        shift = spec.shift(need.code)
        minutes = shift.work_minutes if shift.on_call else shift.minutes
        out.append(
            Gap(
                day=spec.period.start + timedelta(days=need.day),
                shift=need.code,
                grades=", ".join(sorted(need.grades)) if need.grades else "",
                count=count,
                hours=minutes / 60,
                pence=count * gap_pence(spec, need),
            )
        )
    return sorted(out, key=lambda g: (g.day, g.shift, g.grades))
