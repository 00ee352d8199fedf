"""Gaps: where the spec's Settings allow them (`gaps` = allowed), a cover need may go
unfilled, each unfilled duty costing `gap_price` (the bank or locum rate, £ an hour) x its
hours (a rostered shift's length; an on-call period's expected work). The solver then
chooses between paying a doctor (additional hours, enhancements, allowances) and paying for
a locum, and returns the least-cost compliant rota with the gaps it could not fill. Gap cost
is kept apart from the pay bill.

Pay is a year's (the average week, annualised); so is the gap cost: a gap in the rota recurs
in the average week, so a duty's cost a year is gap_price x hours / weeks x weeks_per_year
(52.143, the rule set's convention for an hourly figure), rounded to the penny per duty. The
Gaps sheet shows both the rota period's price and the year's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from rota_solve.solver.cpmodel import RotaModel
from rota_solve.solver.pay import round_pence
from rota_solve.solver.pay_terms import Objective
from rota_solve.solver.ruleset import load_rule_set
from rota_solve.solver.spec import CoverNeed, Spec


@dataclass(frozen=True)
class Gap:
    """One unfilled duty (a need short by `count` doctors)."""

    day: date
    shift: str
    grades: str  # "" for any grade
    count: int
    hours: float  # per duty
    pence: int  # for all `count` duties, a year (as pay is)
    period_pence: int  # for all `count` duties, in the rota period

    @property
    def price(self) -> float:
        return self.period_pence / 100

    @property
    def a_year(self) -> float:
        return self.pence / 100


def gap_pence(spec: Spec, need: CoverNeed, *, a_year: bool = True) -> int:
    """The price of one unfilled duty of this need in pence: a year's (as pay is), or the
    rota period's."""
    shift = spec.shift(need.code)
    minutes = shift.work_minutes if shift.on_call else shift.minutes
    pence = Fraction(str(spec.gap_price)) * 100 * minutes / 60
    if a_year:
        year = Fraction(str(load_rule_set(spec.rules).pay.weeks_per_year))
        pence = pence * year / spec.period.weeks
    return round_pence(pence)


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
                period_pence=count * gap_pence(spec, need, a_year=False),
            )
        )
    return sorted(out, key=lambda g: (g.day, g.shift, g.grades))
