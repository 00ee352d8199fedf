"""A rota kept as a grid: sheet `Rota`, a column of doctors and one column per date (the
header cell a date), each cell the shift codes worked that day (`build` writes `N`, or
`D/OC` for two, and `leave` on a leave day).

`check` reads the duties from `Assignments` where a workbook has it; then a `Rota` grid is
compared with them, so that a grid edited by hand (and the Assignments left as they were) is
never checked silently in its old form. Without `Assignments`, the grid *is* the rota: each
code is looked up on the `Shifts` sheet (`grid_duties`), a code whose start and end are blank
is not a duty (OFF, AL, SL, ZD), and a code the Shifts sheet does not have is an error
naming its cell. A word that is usually not a duty is one where the rota says it is: a code
the Shifts sheet gives times, or a duty's code on Assignments (a department may call its
SHO long day `SL`; read as study leave, every one of them was dropped without a word).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from rota_solve.solver.rota import Duty
from rota_solve.solver.values import is_blank, norm, text, unreadable
from rota_solve.solver.workbook import Table, column_letter

# cell words that are not duties
NOT_DUTIES = {"", "leave", "off", "al", "sl", "zd", "-", "x"}


@dataclass(frozen=True)
class GridCell:
    doctor: str
    day: date
    codes: tuple[str, ...]
    address: str  # F7


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def read_grid(
    table: Table, off: frozenset[str] = frozenset(), duties: frozenset[str] = frozenset()
) -> list[GridCell] | None:
    """The grid's cells, or None when the sheet is not a grid: no row has a `doctor`
    heading with dates to its right. Words that are not duties (NOT_DUTIES, and `off`:
    lower-case codes the Shifts sheet gives no times) are left out of each cell's codes,
    unless the rota names them as duties (`duties`: codes as written)."""
    skip = (NOT_DUTIES | off) - {d.lower() for d in duties}
    for at, (_, values) in enumerate(table.raw_rows):
        keys = [norm(v) if isinstance(v, str) else "" for v in values]
        if "doctor" not in keys:
            continue
        name_col = keys.index("doctor")
        dates: dict[int, date] = {}
        for col, value in enumerate(values):
            d = _as_date(value)
            if d is not None and col > name_col:
                dates[col] = d
        if not dates:
            continue
        cells: list[GridCell] = []
        expected = table.raw_rows[at][0] + 1
        for row_number, row in table.raw_rows[at + 1 :]:
            if row_number != expected or name_col >= len(row) or is_blank(row[name_col]):
                break  # the grid ends at the first row with no doctor (the key follows)
            expected += 1
            if unreadable(row[name_col]) is not None:
                continue
            doctor = text(row[name_col])
            for col, day in dates.items():
                value = row[col] if col < len(row) else None
                if unreadable(value) is not None:
                    continue
                words = [] if is_blank(value) else [w.strip() for w in text(value).split("/")]
                codes = tuple(sorted(w for w in words if w.lower() not in skip and w))
                cells.append(GridCell(doctor, day, codes, f"{column_letter(col + 1)}{row_number}"))
        return cells
    return None


def grid_disagreements(
    table: Table, duties: list[Duty], timed: frozenset[str] = frozenset()
) -> str | None:
    """A warning when the grid and the duties disagree, naming the first cells that do.
    `timed`: the codes a Shifts sheet gives times (duties wherever they are written)."""
    cells = read_grid(table, duties=timed | {d.shift for d in duties if d.shift})
    if not cells:
        return None
    worked: dict[tuple[str, date], list[str]] = {}
    for duty in duties:
        worked.setdefault((duty.doctor, duty.start.date()), []).append(duty.shift or "?")
    doctors = {c.doctor for c in cells}
    first_day = min(c.day for c in cells)
    last_day = max(c.day for c in cells)
    differ: list[str] = []
    seen: set[tuple[str, date]] = set()
    for c in cells:
        seen.add((c.doctor, c.day))
        listed = sorted(worked.get((c.doctor, c.day), []))
        named = all(code != "?" for code in listed)
        same = tuple(listed) == c.codes if named else bool(listed) == bool(c.codes)
        if not same:
            differ.append(
                f"cell {c.address} ({c.doctor}, {c.day:%a %Y-%m-%d}): Rota"
                f" {'/'.join(c.codes) or 'blank'}, Assignments {'/'.join(listed) or 'none'}"
            )
    for (doctor, day), listed in sorted(worked.items()):
        if doctor in doctors and first_day <= day <= last_day and (doctor, day) not in seen:
            differ.append(
                f"{doctor} {day:%a %Y-%m-%d}: Assignments {'/'.join(listed)}, not on Rota"
            )
    if not differ:
        return None
    shown = "; ".join(differ[:3]) + (f"; and {len(differ) - 3} more" if len(differ) > 3 else "")
    return (
        f"the {table.sheet} grid and the Assignments sheet disagree in {len(differ)} place(s)"
        f" ({shown}). check reads the Assignments sheet: if the grid was edited, make the same"
        " change on Assignments"
    )


def _key(shifts: Table) -> tuple[list[tuple[int, list[Any]]], set[str]]:
    """The Shifts sheet's rows that give a start or an end (the header too), and the codes
    (lower case) of those that give neither: words that are not duties."""
    code_at, start_at, end_at = (shifts.columns[k] for k in ("code", "start", "end"))
    off: set[str] = set()
    kept = []
    for number, values in shifts.raw_rows:
        padded = values + [None] * (max(code_at, start_at, end_at) + 1 - len(values))
        if number > shifts.header_row and is_blank(padded[start_at]) and is_blank(padded[end_at]):
            if not is_blank(padded[code_at]):
                off.add(text(padded[code_at]).lower())
            continue
        kept.append((number, values))
    return kept, off


def timed_codes(shifts: Table) -> frozenset[str]:
    """The codes a Shifts sheet gives a start or an end: duties wherever they are written."""
    if not all(k in shifts.columns for k in ("code", "start", "end")):
        return frozenset()
    code_at = shifts.columns["code"]
    return frozenset(
        text(values[code_at])
        for number, values in _key(shifts)[0]
        if number > shifts.header_row and code_at < len(values) and not is_blank(values[code_at])
    )


def grid_duties(grid: Table, shifts: Table, rules: str) -> list[Duty]:
    """The duties of a grid rota, each code looked up on the Shifts sheet (as a spec's,
    read by the spec reader); rows whose start and end are blank name codes that are not
    duties. An unknown code is an InputError naming its cell."""
    from rota_solve.solver.errors import InputError
    from rota_solve.solver.spec_io import read_shifts
    from rota_solve.solver.workbook import make_table

    shifts.require("code", "start", "end")
    kept, off = _key(shifts)
    types = {s.code: s for s in read_shifts(make_table(shifts.sheet, shifts.file, kept), rules)}
    cells = read_grid(grid, frozenset(off), frozenset(types))
    if cells is None:
        raise InputError(
            "is not a rota grid: give a row with a `doctor` heading and a date heading for"
            " each day to its right, then one row per doctor",
            file=grid.file,
            sheet=grid.sheet,
        )
    duties: list[Duty] = []
    for c in cells:
        for code in c.codes:
            shift = types.get(code)
            if shift is None:
                known = ", ".join(sorted(types)) or "none"
                raise InputError(
                    f"{code!r} ({c.doctor}, {c.day:%a %Y-%m-%d}) is not a code on the Shifts"
                    f" sheet (codes: {known}): add it there, with its times, or correct the"
                    " cell",
                    file=grid.file,
                    sheet=grid.sheet,
                    cell=c.address,
                )
            row = int("".join(ch for ch in c.address if ch.isdigit()))
            duties.append(replace(shift.duty(c.doctor, c.day), row=row))
    if not duties:
        raise InputError(
            "has no duties: the grid's cells are all blank", file=grid.file, sheet=grid.sheet
        )
    return duties
