"""Scenarios for `bench`: the `Scenarios` sheet read and validated, and each scenario's
changes applied to the spec workbook's sheets (README: Bench; workbook-format.md).

A scenario is the spec as a coordinator would change it by hand — a setting overridden, a
shift moved, a Cover row appended, doctors added or removed, an LTFT fraction changed — and
its changed sheets are read by the very reader `build` uses (`spec_io.spec_from_tables`), so
a scenario is validated exactly as a spec is, and its cost is what `build` gives for the
equivalent spec. Changes work on the sheets, not on the validated Spec, because some of them
(weeks, start_date, repeats, a Cover row's `days`) change how the other sheets are read.

Every row is validated, and every scenario's spec read, before anything is solved: a bad
row is one InputError naming the Scenarios sheet, its row and column. A scenario whose
shifts include a night designed to dodge the night enhancement is kept, marked not
permitted by the rostering guidance, and never solved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rota_solve.solver.errors import GuidanceError, InputError
from rota_solve.solver.rota_io import parse_ltft
from rota_solve.solver.spec import Spec
from rota_solve.solver.spec_io import spec_from_tables
from rota_solve.solver.values import is_blank, name_text, norm, parse_number, parse_time, text
from rota_solve.solver.workbook import Sheets, Table, make_table, read_workbook, sheet

CHANGES = (
    "setting",
    "shift start",
    "shift end",
    "cover",
    "add doctors",
    "remove doctor",
    "ltft",
    "fewest doctors",
)
# the Settings a scenario may override (workbook-format.md; the patterns and gaps too)
SETTINGS = (
    "rules",
    "pay_year",
    "weeks",
    "repeats",
    "start_date",
    "fairness",
    "fair_nights_band",
    "fair_weekends_band",
    "fair_hours_band",
    "time_limit",
    "seed",
    "workers",
    "night_block_min",
    "whole_weekends",
    "rest_before_nights",
    "gaps",
    "gap_price",
    "request_price",
    "rota_type",
)
MAX_ADDED = 50


@dataclass(frozen=True)
class Change:
    kind: str
    target: str
    days: Any = None
    value: Any = None
    ltft: float | None = None
    row: int = 0


@dataclass
class Scenario:
    name: str
    changes: list[Change] = field(default_factory=list)
    spec: Spec | None = None  # the scenario's spec (None where not permitted)
    not_permitted: str | None = None  # why the rostering guidance forbids it
    fewest: str | None = None  # the grade whose fewest doctors are sought

    @property
    def row(self) -> int:
        return self.changes[0].row if self.changes else 0


def read_scenarios(table: Table, base: Spec) -> list[Scenario]:
    """The Scenarios sheet: rows with the same `scenario` name make one scenario, in the
    order first met. Each row is checked against the spec (shift codes, doctors, grades)."""
    table.require("scenario", "change", "target")
    codes = {s.code for s in base.shifts}
    doctors = {d.name for d in base.doctors}
    out: dict[str, Scenario] = {}
    for row in table.rows():
        name = row.need("scenario", name_text)
        if norm(name) == "base":
            raise row.error("scenario", "'base' is the spec as it stands: name this one otherwise")
        kind = " ".join(row.need("change", text).lower().replace("_", " ").split())
        if kind not in CHANGES:
            raise row.error("change", f"{kind!r}: write one of {', '.join(CHANGES)}")
        target = row.need("target", name_text)
        days = row.raw("days") if table.has("days") else None
        value = row.raw("value") if table.has("value") else None
        ltft = row.get("ltft", parse_ltft, default=None) if table.has("ltft") else None
        if kind == "setting":
            if norm(target) not in {norm(s) for s in SETTINGS}:
                raise row.error("target", f"{target!r}: a scenario may set {', '.join(SETTINGS)}")
            if is_blank(value):
                raise row.error("value", f"give the value for {target}")
        elif kind in ("shift start", "shift end", "cover"):
            if target not in codes:
                raise row.error("target", f"{target!r} is not a shift code on the Shifts sheet")
            if kind != "cover":
                value = row.need("value", parse_time, "a time such as 21:00")
                value = f"{value:%H:%M}"
            elif is_blank(value):
                raise row.error("value", "give how many doctors the Cover row asks for")
            if kind == "cover" and is_blank(days):
                raise row.error("days", "give the days, as on the Cover sheet (e.g. Weekdays)")
        elif kind == "add doctors":
            count = row.need("value", lambda v: parse_number(v, "a count"))
            if count != int(count) or not 1 <= count <= MAX_ADDED:
                raise row.error("value", f"add 1 to {MAX_ADDED} doctors (a whole number)")
            value = int(count)
        elif kind in ("remove doctor", "ltft"):
            if target not in doctors:
                raise row.error("target", f"{target!r} is not a doctor on the Doctors sheet")
            if kind == "ltft":
                value = row.need("value", parse_ltft)
        scenario = out.setdefault(name, Scenario(name))
        if kind == "fewest doctors":
            if scenario.fewest is not None:
                raise row.error("change", f"scenario {name!r} already asks for fewest doctors")
            scenario.fewest = target
        scenario.changes.append(Change(kind, target, days, value, ltft, row.number))
    return list(out.values())


# -- applying changes to the sheets ------------------------------------------------------


def _rows(table: Table) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """(header, data rows) as editable copies."""
    header = next(vals for n, vals in table.raw_rows if n == table.header_row)
    return list(header), [(n, list(v)) for n, v in table.data]


def _rebuild(table: Table, header: list[Any], data: list[tuple[int, list[Any]]]) -> Table:
    width = len(header)
    rows = [(table.header_row, header)] + [(n, (v + [None] * width)[:width]) for n, v in data]
    return make_table(table.sheet, table.file, rows)


def _column(header: list[Any], name: str) -> int:
    """The column's index, added at the end of the header when missing."""
    for i, h in enumerate(header):
        if not is_blank(h) and norm(h) == norm(name):
            return i
    header.append(name)
    return len(header) - 1


def _next(data: list[tuple[int, list[Any]]], table: Table) -> int:
    return max([table.header_row, *(n for n, _ in data)]) + 1


def _set_setting(t: Table, key: str, value: Any) -> Table:
    header, data = _rows(t)
    k, v = _column(header, "setting"), _column(header, "value")
    for _, vals in data:
        vals += [None] * (len(header) - len(vals))
        if not is_blank(vals[k]) and norm(vals[k]) == norm(key):
            vals[v] = value
            return _rebuild(t, header, data)
    row: list[Any] = [None] * len(header)
    row[k], row[v] = key, value
    data.append((_next(data, t), row))
    return _rebuild(t, header, data)


def _edit_rows(t: Table, column: str, match: str, set_to: dict[str, Any] | None) -> Table:
    """Rows whose `column` is `match`: their cells set (set_to), or the rows dropped (None)."""
    header, data = _rows(t)
    c = _column(header, column)
    cols = {k: _column(header, k) for k in (set_to or {})}
    kept = []
    for n, vals in data:
        vals += [None] * (len(header) - len(vals))
        if not is_blank(vals[c]) and str(vals[c]).strip() == match:
            if set_to is None:
                continue
            for k, value in set_to.items():
                vals[cols[k]] = value
        kept.append((n, vals))
    return _rebuild(t, header, kept)


def _append(t: Table, values: dict[str, Any]) -> Table:
    header, data = _rows(t)
    cols = {k: _column(header, k) for k in values}
    row: list[Any] = [None] * len(header)
    for k, v in values.items():
        row[cols[k]] = v
    data.append((_next(data, t), row))
    return _rebuild(t, header, data)


def _table_named(tables: Sheets, name: str) -> Table | None:
    return sheet(tables, name, "", required=False)


def apply_changes(tables: Sheets, changes: list[Change], base: Spec) -> Sheets:
    """A copy of the workbook's sheets with the changes made, in order (fewest doctors
    is not a change of the sheets: bench searches it)."""
    out = Sheets()
    out.update(tables)
    out.collisions = dict(tables.collisions)

    def put(name: str, t: Table) -> None:
        out[norm(name)] = t

    def need(name: str) -> Table:
        t = _table_named(out, name)
        assert t is not None  # the base spec was read from these sheets
        return t

    added: dict[str, int] = {}
    for ch in changes:
        if ch.kind == "setting":
            put("Settings", _set_setting(need("Settings"), ch.target, ch.value))
        elif ch.kind in ("shift start", "shift end"):
            col = "start" if ch.kind == "shift start" else "end"
            put("Shifts", _edit_rows(need("Shifts"), "code", ch.target, {col: ch.value}))
        elif ch.kind == "cover":
            put(
                "Cover",
                _append(need("Cover"), {"shift": ch.target, "days": ch.days, "doctors": ch.value}),
            )
        elif ch.kind == "add doctors":
            for _ in range(int(ch.value)):
                added[ch.target] = added.get(ch.target, 0) + 1
                row: dict[str, Any] = {
                    "doctor": f"Extra {ch.target} {added[ch.target]}",
                    "grade": ch.target,
                }
                if ch.ltft is not None:
                    row["ltft"] = ch.ltft
                put("Doctors", _append(need("Doctors"), row))
        elif ch.kind == "remove doctor":
            put("Doctors", _edit_rows(need("Doctors"), "doctor", ch.target, None))
            for name in ("Leave", "Requests", "Fixed"):
                t = _table_named(out, name)
                if t is not None:
                    put(name, _edit_rows(t, "doctor", ch.target, None))
        elif ch.kind == "ltft":
            put("Doctors", _edit_rows(need("Doctors"), "doctor", ch.target, {"ltft": ch.value}))
    return out


def with_count(tables: Sheets, grade: str, count: int, base: Spec) -> Sheets:
    """The sheets with `count` doctors of `grade`: doctors added (`Extra <grade> k`, full
    time) or the last ones of the grade on the Doctors sheet taken off (with their leave,
    requests and fixed duties)."""
    have = [d.name for d in base.doctors if d.grade == grade]
    if count >= len(have):
        extra = count - len(have)
        if not extra:
            return tables
        return apply_changes(tables, [Change("add doctors", grade, value=extra)], base)
    gone = have[count:]
    return apply_changes(tables, [Change("remove doctor", n) for n in gone], base)


def scenario_spec(
    tables: Sheets, path: Path, changes: list[Change], base: Spec, name: str, row: int
) -> tuple[Spec | None, str | None]:
    """The scenario's spec read from its changed sheets, or (None, why) where the rostering
    guidance forbids it. Any other problem is an InputError naming the scenario's row."""
    try:
        return spec_from_tables(apply_changes(tables, changes, base), path), None
    except GuidanceError as exc:
        return None, f"not permitted by the rostering guidance: {exc.message}"
    except InputError as exc:
        raise InputError(
            f"scenario {name!r} makes the spec invalid: {exc.message} ({exc.where()})",
            sheet="Scenarios",
            row=row,
            file=path.name,
        ) from None


def load(path: Path, base: Spec, scenarios_path: Path | None = None) -> list[Scenario]:
    """Every scenario of the spec's Scenarios sheet (or of the `--scenarios` workbook's),
    each with its spec read and validated. No Scenarios sheet: none (bench runs base)."""
    tables = read_workbook(path)
    source = tables if scenarios_path is None else read_workbook(scenarios_path)
    where = path if scenarios_path is None else scenarios_path
    table = sheet(source, "Scenarios", where.name, required=scenarios_path is not None)
    if table is None:
        return []
    scenarios = read_scenarios(table, base)
    for sc in scenarios:
        sc.spec, sc.not_permitted = scenario_spec(tables, path, sc.changes, base, sc.name, sc.row)
        grades = {d.grade for d in sc.spec.doctors} if sc.spec is not None else set()
        if sc.spec is not None and sc.fewest is not None and sc.fewest not in grades:
            raise InputError(
                f"no doctor has grade {sc.fewest!r}: fewest doctors of which grade?",
                sheet="Scenarios",
                row=sc.row,
                column="target",
                file=where.name,
            )
    return scenarios
