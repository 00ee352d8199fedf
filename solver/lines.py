"""Line rotas (`rota_type` = `line`, README: Line rotas): one template of N weekly lines that
each of N doctors works in turn, a week apart.

Doctor k (in the Doctors sheet's order, from 0) works line (k + w) mod N in week w, so line
l of the template is doctor 0's week l, and doctor k's day d is doctor 0's day
(d + 7k) mod 7N. The model is the individual model with every doctor's variables tied to
doctor 0's so shifted (`link`): every rule, pattern and pay term is the individual model's,
wrapping round the cycle, and pay stays the objective; the template is read back from the
rota (`template`), and every doctor's duties are checked to be the template so shifted
(`shifted_from_template`), independently of the model.

No ortools here: `template` and `shifted_from_template` serve the writers and the tests.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rota_solve.solver.rota import Duty
from rota_solve.solver.spec import Spec

if TYPE_CHECKING:
    from rota_solve.solver.cpmodel import RotaModel


def source_day(doctor: int, day: int, days: int) -> int:
    """The day of doctor 0's rota that doctor number `doctor` works on `day`."""
    return (day + 7 * doctor) % days


def link(m: RotaModel) -> None:
    """Tie each doctor's variables to doctor 0's, shifted by whole weeks. A shift one of
    them may not work (never the case on a spec the reader accepts: every doctor may work
    every line) is then closed to both."""
    spec = m.spec
    first = spec.doctors[0].name
    for k, doc in enumerate(spec.doctors[1:], start=1):
        for day in range(m.days):
            src = source_day(k, day, m.days)
            for shift in spec.shifts:
                mine = m.x.get((doc.name, day, shift.code))
                theirs = m.x.get((first, src, shift.code))
                if mine is not None and theirs is not None:
                    m.model.add(mine == theirs)
                elif mine is not None:
                    m.model.add(mine == 0)
                elif theirs is not None:
                    m.model.add(theirs == 0)


def template(spec: Spec, duties: list[Duty]) -> list[list[str]]:
    """The template: for each line, the shift code on each of its 7 days ('' when off;
    codes joined by '+' where a line has two duties starting that day), read from the
    first doctor's duties (line l is their week l)."""
    first = spec.doctors[0].name
    lines = [["" for _ in range(7)] for _ in range(spec.period.weeks)]
    for d in sorted(duties, key=lambda d: d.start):
        if d.doctor != first:
            continue
        day = spec.period.day_index(d.start.date())
        cell = lines[day // 7][day % 7]
        lines[day // 7][day % 7] = f"{cell}+{d.shift}" if cell else d.shift
    return lines


def starting_line(spec: Spec, doctor: str) -> int:
    """The line (from 1) the doctor works in the first week."""
    return [d.name for d in spec.doctors].index(doctor) + 1


def shifted_from_template(spec: Spec, duties: list[Duty]) -> list[str]:
    """Every way the duties are not the template shifted by whole weeks: a doctor whose
    day differs from the line they work that week. Empty for a true line rota."""
    days = spec.period.days
    lines = template(spec, duties)
    by_doctor: dict[str, dict[int, list[str]]] = {}
    for d in duties:
        by_doctor.setdefault(d.doctor, {}).setdefault(
            spec.period.day_index(d.start.date()), []
        ).append(d.shift)
    out = []
    for k, doc in enumerate(spec.doctors):
        mine = by_doctor.get(doc.name, {})
        for day in range(days):
            src = source_day(k, day, days)
            want = lines[src // 7][src % 7]
            got = "+".join(mine.get(day, []))
            if sorted(got.split("+")) != sorted(want.split("+")):
                date = spec.period.start + timedelta(days=day)
                out.append(
                    f"{doc.name} on {date:%a %Y-%m-%d} works {got or 'nothing'}, but line"
                    f" {src // 7 + 1} has {want or 'nothing'}"
                )
    return out
