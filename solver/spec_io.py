"""Reading a spec workbook (`Settings`, `Shifts`, `Cover`, `Doctors`, optional `Leave`,
`Requests`, `Fixed`) into a validated `Spec`. Every problem is an `InputError` naming the
sheet, row and column and what to fix.

Shifts that no rota may use are refused here, naming the Shifts row: a rostered shift over
13 h, an on-call period over 24 h, and a night designed to dodge the night enhancement (the
rostering guidance; `constraints/night_shift_avoidance.py`)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from pydantic import ValidationError

from rota_solve.constraints.night_shift_avoidance import dodges_night_enhancement
from rota_solve.solver.clock import DAY, WEEKDAYS, window_overlap
from rota_solve.solver.errors import InputError
from rota_solve.solver.rota import CONTRACT_GRADES, Period
from rota_solve.solver.rota_io import read_doctors
from rota_solve.solver.ruleset import available_pay_years, latest_pay_year, load_rule_set
from rota_solve.solver.spec import (
    LEAVE_TYPES,
    CoverNeed,
    Fairness,
    FixedDuty,
    Leave,
    Request,
    ShiftType,
    SolveSettings,
    Spec,
)
from rota_solve.solver.values import (
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_time,
    text,
)
from rota_solve.solver.workbook import Row, SettingsSheet, Table, read_workbook, sheet


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _positive_number(value: object) -> float:
    x = parse_number(value)
    if x <= 0:
        raise ValueError(f"{value!r} must be more than 0")
    return x


def _nonneg_int(value: object) -> int:
    n = parse_int(value)
    if n < 0:
        raise ValueError(f"{value!r} must be 0 or more")
    return n


def read_shifts(table: Table, rules: str) -> list[ShiftType]:
    table.require("code", "start", "end")
    rs = load_rule_set(rules)
    max_shift = round(rs.params("max_shift_length")["limit_hours"] * 60)
    max_call = round(rs.params("max_oncall_length")["limit_hours"] * 60)
    guidance = rs.params("night_shift_avoidance")
    out: list[ShiftType] = []
    seen: set[str] = set()
    for row in table.rows():
        code = row.need("code", text)
        if code in seen:
            raise row.error("code", f"shift code {code!r} appears twice; codes must be unique")
        if code.lower() == "off":
            raise row.error("code", "'off' is reserved for requests; choose another code")
        seen.add(code)
        start = _minutes(row.need("start", parse_time))
        end = _minutes(row.need("end", parse_time))
        minutes = (end - start) % DAY or DAY
        on_call = bool(row.get("on_call", parse_bool, default=False))
        work = 0
        if on_call:
            hours = row.need(
                "expected_work_hours",
                lambda v: parse_number(v, "a number of hours"),
                hint="give the hours of work expected per on-call period",
            )
            work = round(hours * 60)
            if not 0 <= work <= minutes:
                raise row.error(
                    "expected_work_hours",
                    f"{hours:g} h does not fit in the {minutes / 60:g} h on-call period",
                )
            if minutes > max_call:
                raise row.error(
                    "end",
                    f"the on-call period {code} lasts {minutes / 60:g} h; no rota may use an"
                    f" on-call period over {max_call / 60:g} h (max_oncall_length): shorten it",
                )
        else:
            if row.raw("expected_work_hours") is not None:
                raise row.error(
                    "expected_work_hours", "is for on-call periods only: clear it or set on_call"
                )
            if minutes > max_shift:
                raise row.error(
                    "end",
                    f"shift {code} lasts {minutes / 60:g} h; no rota may roster a shift over"
                    f" {max_shift / 60:g} h (max_shift_length): shorten it or make it on-call",
                )
            ws, we = rs.definitions.night_window
            night = window_overlap(start, start + minutes, ws, we)
            edge = dodges_night_enhancement(
                start, minutes, night, guidance, rs.definitions.night_min_minutes
            )
            if edge is not None:
                raise row.error(
                    "start",
                    f"shift {code} ({start // 60:02d}:{start % 60:02d}, {minutes / 60:g} h, a"
                    " night) starts just outside the 20:00-00:00 window that earns the"
                    " whole-shift night enhancement: the rostering guidance prohibits shifts"
                    f" designed to avoid it. Start it at {edge // 60 % 24:02d}:00 instead",
                )
        try:
            out.append(
                ShiftType(
                    code=code,
                    name=row.get("name", text, default="") or "",
                    start=start,
                    minutes=minutes,
                    on_call=on_call,
                    work_minutes=work if on_call else minutes,
                    row=row.number,
                )
            )
        except ValidationError as exc:
            raise row.error(None, str(exc.errors()[0]["msg"])) from None
    if not out:
        raise InputError(
            "has no shifts: add one row per shift type", file=table.file, sheet=table.sheet
        )
    return out


DAY_NAMES = {name.lower(): i for i, name in enumerate(WEEKDAYS)}
DAY_NAMES.update(
    {
        n.lower(): i
        for i, n in enumerate(
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        )
    }
)


def _cover_days(value: object, period: Period) -> tuple[int, list[int]]:
    """(specificity, day indices): a date 3, day names 2, a group 1."""
    if isinstance(value, datetime | date):
        d = parse_date(value)
        idx = period.day_index(d)
        if not 0 <= idx < period.days:
            raise ValueError(f"{d} is outside the rota period")
        return 3, [idx]
    raw = text(value)
    key = raw.lower().replace(" ", "")
    groups = {"all": range(7), "weekdays": range(5), "weekends": range(5, 7)}
    if key in groups:
        wanted = set(groups[key])
        spec = 1
    else:
        try:
            d = parse_date(raw)
        except ValueError:
            names = [p.strip().lower() for p in raw.split(",") if p.strip()]
            bad = [n for n in names if n not in DAY_NAMES]
            if bad or not names:
                raise ValueError(
                    f"{raw!r} is not a day: write All, Weekdays, Weekends, a day name (Mon..Sun),"
                    " a comma list of day names, or one date"
                ) from None
            wanted = {DAY_NAMES[n] for n in names}
            spec = 2
        else:
            return _cover_days(datetime.combine(d, time()), period)
    return spec, [i for i in range(period.days) if period.weekday(i) in wanted]


def _grades(value: object) -> frozenset[str]:
    names = [g.strip().upper() for g in text(value).split(",") if g.strip()]
    bad = [g for g in names if g not in CONTRACT_GRADES]
    if bad:
        raise ValueError(f"{', '.join(bad)} not a grade: use FY1, FY2, CT1-CT3, ST1-ST8")
    return frozenset(names)


def read_cover(table: Table, period: Period, shifts: list[ShiftType]) -> list[CoverNeed]:
    table.require("shift", "days", "doctors")
    codes = {s.code for s in shifts}
    chosen: dict[tuple[int, str], tuple[int, int, CoverNeed]] = {}
    for order, row in enumerate(table.rows()):
        code = row.need("shift", text)
        if code not in codes:
            raise row.error("shift", f"{code!r} is not a code on the Shifts sheet")
        spec, days = row.need("days", lambda v: _cover_days(v, period))
        count = row.need("doctors", _nonneg_int)
        grades = row.get("grades", _grades)
        for day in days:
            need = CoverNeed(day=day, code=code, doctors=count, grades=grades, row=row.number)
            old = chosen.get((day, code))
            if old is None or (spec, order) >= (old[0], old[1]):
                chosen[(day, code)] = (spec, order, need)
    return [v[2] for _, v in sorted(chosen.items())]


def read_leave(table: Table, names: set[str]) -> list[Leave]:
    table.require("doctor", "from", "to")
    out = []
    for row in table.rows():
        name = row.need("doctor", text)
        if name not in names:
            raise row.error("doctor", f"{name!r} is not on the Doctors sheet")
        first = row.need("from", parse_date)
        last = row.need("to", parse_date)
        if last < first:
            raise row.error("to", f"{last} is before {first}: 'to' is the last day of leave")
        kind = (row.get("type", text, default="annual") or "annual").lower()
        if kind not in LEAVE_TYPES:
            raise row.error("type", f"{kind!r}: use one of {', '.join(LEAVE_TYPES)}")
        out.append(Leave(doctor=name, first=first, last=last, type=kind, row=row.number))
    return out


def _doctor_day_shift(
    row: Row, names: set[str], codes: set[str], period: Period, *, off: bool
) -> tuple[str, date, str]:
    """The doctor, date and shift columns shared by Requests and Fixed."""
    name = row.need("doctor", text)
    if name not in names:
        raise row.error("doctor", f"{name!r} is not on the Doctors sheet")
    day = row.need("date", parse_date)
    if not 0 <= period.day_index(day) < period.days:
        raise row.error("date", f"{day} is outside the rota period")
    shift = row.need("shift", text)
    if off and shift.lower() == "off":
        return name, day, "off"
    if shift not in codes:
        raise row.error("shift", f"{shift!r} is not a shift code{' (or off)' if off else ''}")
    return name, day, shift


def read_requests(table: Table, names: set[str], codes: set[str], period: Period) -> list[Request]:
    table.require("doctor", "date", "shift")
    out = []
    for row in table.rows():
        name, day, shift = _doctor_day_shift(row, names, codes, period, off=True)
        weight = row.get("weight", _positive_number, default=1.0) or 1.0
        out.append(Request(doctor=name, day=day, shift=shift, weight=weight, row=row.number))
    return out


def read_fixed(table: Table, names: set[str], codes: set[str], period: Period) -> list[FixedDuty]:
    table.require("doctor", "date", "shift")
    out = []
    for row in table.rows():
        name, day, shift = _doctor_day_shift(row, names, codes, period, off=False)
        out.append(FixedDuty(doctor=name, day=day, shift=shift, row=row.number))
    return out


def read_spec(path: Path, *, rules: str | None = None) -> Spec:
    """Read and validate a spec workbook; `rules` (the --rules option) overrides Settings."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.suffix.lower() != ".xlsx":
        raise InputError("a spec must be an Excel workbook (.xlsx)", file=str(path))
    tables = read_workbook(path)

    def need(name: str) -> Table:
        t = sheet(tables, name, path.name, required=True)
        assert t is not None
        return t

    settings_table = need("Settings")
    settings = SettingsSheet(settings_table)
    start = settings.need("start_date", parse_date)
    weeks = settings.need("weeks", parse_int)
    if weeks < 1:
        raise settings.row("weeks").error("value", "weeks must be 1 or more")
    repeats = settings.get("repeats", parse_bool, True)
    if rules is not None:
        if rules not in ("2016", "2019"):
            raise InputError(f"--rules: {rules!r} is not a rule set: write 2016 or 2019")
    else:
        rules = settings.get("rules", text, "2019")
        if rules not in ("2016", "2019"):
            raise settings.row("rules").error("value", f"rules {rules!r}: write 2016 or 2019")
    pay_year = settings.get("pay_year", lambda v: text(v).replace("-", "/"), latest_pay_year())
    if pay_year not in available_pay_years():
        raise settings.row("pay_year").error(
            "value", f"pay_year {pay_year!r}: use one of {', '.join(available_pay_years())}"
        )
    solve = SolveSettings(
        time_limit=settings.get("time_limit", _positive_number, 60.0),
        seed=settings.get("seed", parse_int, 0),
        workers=settings.get("workers", parse_int, 2),
    )
    fairness = Fairness(
        hard=settings.get("fairness", lambda v: text(v).lower() != "soft", True),
        nights_band=settings.get("fair_nights_band", parse_number, 1.0),
        weekends_band=settings.get("fair_weekends_band", parse_number, 1.0),
        hours_band=settings.get("fair_hours_band", parse_number, 4.0),
    )
    period = Period(start=start, weeks=weeks, repeats=repeats)
    shifts = read_shifts(need("Shifts"), rules)
    cover = read_cover(need("Cover"), period, shifts)
    doctors_table = need("Doctors")
    doctors = read_doctors(doctors_table)
    for doc in doctors.values():
        if doc.grade not in CONTRACT_GRADES and doc.basic_salary is None:
            raise InputError(
                f"{doc.grade or 'a blank grade'!r} has no nodal point: give a grade FY1, FY2,"
                " CT1-CT3, ST1-ST8 (or a basic_salary)",
                file=path.name,
                sheet=doctors_table.sheet,
                row=doc.row,
                column="grade",
            )
    names = set(doctors)
    codes = {s.code for s in shifts}
    optional = {
        n: sheet(tables, n, path.name, required=False) for n in ("Leave", "Requests", "Fixed")
    }
    leave = read_leave(optional["Leave"], names) if optional["Leave"] else []
    requests = (
        read_requests(optional["Requests"], names, codes, period) if optional["Requests"] else []
    )
    fixed = read_fixed(optional["Fixed"], names, codes, period) if optional["Fixed"] else []
    name = settings.get("rota_name", text, path.stem)
    request_price = settings.get("request_price", _positive_number, 10.0)
    try:
        return Spec(
            name=name,
            period=period,
            rules=rules,
            pay_year=pay_year,
            shifts=shifts,
            cover=cover,
            doctors=list(doctors.values()),
            leave=leave,
            requests=requests,
            fixed=fixed,
            solve=solve,
            fairness=fairness,
            source=str(path),
            request_price=request_price,
        )
    except ValidationError as exc:
        raise InputError(f"invalid spec: {exc.errors()[0]['msg']}", file=path.name) from None
