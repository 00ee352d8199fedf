"""Who may work what: a doctor may work a shift on a day when they are not on leave, the
shift is not an on-call period they are off (`on_call` = no) or a night they may not work
(`nights` = no), and the Cover sheet asks for the shift that day from their grade.

Plain data and no solver: the spec reader uses it to refuse impossible Fixed duties, the
capacity checks to count doctors, and the model to create its variables.
"""

from __future__ import annotations

from datetime import timedelta

from rota_solve.constraints.base import Item, is_night
from rota_solve.solver.rota import Doctor
from rota_solve.solver.ruleset import Definitions, load_rule_set
from rota_solve.solver.spec import CoverNeed, ShiftType, Spec, cover_index, fills


class Eligibility:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.defs: Definitions = load_rule_set(spec.rules).definitions
        self.needs: dict[tuple[int, str], list[CoverNeed]] = cover_index(spec)
        self.leave: dict[str, set[int]] = {d.name: spec.leave_days(d.name) for d in spec.doctors}
        self.doctor: dict[str, Doctor] = {d.name: d for d in spec.doctors}
        self._night: dict[str, bool] = {}

    def is_night(self, shift: ShiftType) -> bool:
        """A night shift by the rule set's definition (the day does not matter)."""
        if shift.code not in self._night:
            duty = shift.duty("", self.spec.period.start)
            item = Item(duty, 0, 0, shift.start, shift.start + shift.minutes)
            self._night[shift.code] = is_night(self.defs, item)
        return self._night[shift.code]

    def why_not(self, doctor: str, day: int, shift: ShiftType) -> str | None:
        """Why the doctor may not work `shift` starting on `day` (the one reason that
        applies, first of: leave, on_call, nights, no cover that day, grade), or None."""
        doc = self.doctor[doctor]
        when = self.spec.period.start + timedelta(days=day)
        if not doc.present(when):
            return f"they are not on the rota that day (Doctors from/to: {doc.start}..{doc.end})"
        if self.spec.period.weekday(day) in doc.days_off:
            return "it is their non-working day (Doctors days_off)"
        if day in self.leave[doctor]:
            kinds = sorted(
                {
                    lv.type
                    for lv in self.spec.leave
                    if lv.doctor == doctor
                    and lv.first <= self.spec.period.start + timedelta(days=day) <= lv.last
                }
            )
            return f"they are on {' / '.join(kinds) or 'annual'} leave that day (Leave sheet)"
        if shift.on_call and not doc.on_call:
            return "they are marked on_call = no on the Doctors sheet"
        if not doc.nights and not shift.on_call and self.is_night(shift):
            return f"{shift.code} is a night and they are marked nights = no on the Doctors sheet"
        needs = [n for n in self.needs.get((day, shift.code), []) if n.upper > 0]
        if not needs:
            return f"the Cover sheet asks for no {shift.code} that day"
        if not any(fills(n, doc.grade) for n in needs):
            grades = sorted({g for n in needs for g in (n.grades or ())})
            return (
                f"their grade {doc.grade or '(blank)'} may not fill it: the Cover sheet asks"
                f" for {', '.join(grades)}"
            )
        return None

    def eligible(self, doctor: str, day: int, shift: ShiftType) -> bool:
        return self.why_not(doctor, day, shift) is None

    def able(self, need: CoverNeed) -> list[str]:
        """The doctors who may fill this need (its grades; leave, nights, on_call)."""
        shift = self.spec.shift(need.code)
        return [
            d.name
            for d in self.spec.doctors
            if fills(need, d.grade) and self.eligible(d.name, need.day, shift)
        ]


def tiers(groups: list[list[str]]) -> dict[str, str]:
    """doctor -> a tier's root doctor, linking the doctors of each group (those who may fill
    the same need): doctors in one tier can stand in for one another, through a chain of
    needs; doctors in different tiers share no cover."""
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        parent.setdefault(d, d)
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for group in groups:
        for d in group:
            root(d)
        for d in group[1:]:
            parent[root(d)] = root(group[0])
    return {d: root(d) for d in parent}
