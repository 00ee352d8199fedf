"""Reading a spec workbook (`Settings`, `Shifts`, `Cover`, `Doctors`, optional `Leave`,
`Requests`, `Fixed`) into a validated `Spec`. Every problem is an `InputError` naming the
sheet, row and column and what to fix.

Shifts that no rota may use are refused here, naming the Shifts row: a rostered shift over
13 h, an on-call period over 24 h, and a night designed to dodge the night enhancement (the
rostering guidance; `constraints/night_shift_avoidance.py`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import ValidationError

from rota_solve.constraints.night_shift_avoidance import dodges_night_enhancement
from rota_solve.solver.bank_holidays import bank_holidays
from rota_solve.solver.clock import DAY, DAY_NAMES, window_overlap
from rota_solve.solver.eligibility import Eligibility
from rota_solve.solver.errors import GuidanceError, InputError
from rota_solve.solver.rota import CONTRACT_GRADES, Period
from rota_solve.solver.rota_io import parse_region, parse_weeks, read_doctors, read_patterns
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
    name_text,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_time,
    text,
)
from rota_solve.solver.workbook import Row, SettingsSheet, Sheets, Table, read_workbook, sheet

# Bounds of the solver settings: a seed is a 32-bit signed integer to CP-SAT; more workers
# than this only thrash; a time limit over a day is a typo.
MAX_SEED = 2**31 - 1
MAX_WORKERS = 64
MAX_TIME_LIMIT = 86_400.0


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _positive_number(value: object) -> float:
    x = parse_number(value)
    if x <= 0:
        raise ValueError(f"{value!r} must be more than 0")
    return x


N = TypeVar("N", int, float)


def _ranged(parse: Callable[[object], N], lo: float, hi: float, what: str) -> Callable[[object], N]:
    """A parser that also refuses values outside lo..hi, saying what is allowed."""

    def check(value: object) -> N:
        x = parse(value)
        if not lo <= x <= hi:
            raise ValueError(f"{value!r} is out of range: {what}")
        return x

    return check


def _ranged_int(lo: int, hi: int, what: str) -> Callable[[object], int]:
    return _ranged(parse_int, lo, hi, what)


def _gaps(value: object) -> bool:
    """`allowed` (a need may go unfilled, at gap_price) or `no`."""
    word = text(value).lower()
    if word in ("allowed", "yes", "y", "true", "1"):
        return True
    if word in ("no", "n", "false", "0", "none"):
        return False
    raise ValueError(f"{text(value)!r}: write allowed or no")


def _fairness(value: object) -> bool:
    """`hard` (the bands are constraints) or `soft` (off)."""
    word = text(value).lower()
    if word not in ("hard", "soft"):
        raise ValueError(f"{text(value)!r} is not a fairness setting: write hard or soft")
    return word == "hard"


def _count_or_range(value: object) -> tuple[int, int | None]:
    """`2` (exactly 2) or `1-3` (at least 1, at most 3)."""
    if isinstance(value, str) and "-" in value.strip().lstrip("-"):
        lo, _, hi = value.strip().partition("-")
        a, b = _nonneg_int(lo), _nonneg_int(hi)
        if b < a:
            raise ValueError(f"{value!r}: the range is written least-most, e.g. 1-3")
        return a, (b if b != a else None)
    return _nonneg_int(value), None


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
        code = row.need("code", name_text)
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
                raise GuidanceError.like(
                    row.error(
                        "start",
                        f"shift {code} ({start // 60:02d}:{start % 60:02d}, {minutes / 60:g} h, a"
                        " night) starts just outside the 20:00-00:00 window that earns the"
                        " whole-shift night enhancement: the rostering guidance prohibits shifts"
                        f" designed to avoid it. Start it at {edge // 60 % 24:02d}:00 instead",
                    )
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


def _cover_days(
    value: object, period: Period, holidays: frozenset[int] = frozenset()
) -> tuple[int, list[int]]:
    """(specificity, day indices): a date 4, Bank holidays 3, day names 2, a group 1."""
    if isinstance(value, datetime | date):
        d = parse_date(value)
        idx = period.day_index(d)
        if not 0 <= idx < period.days:
            raise ValueError(f"{d} is outside the rota period")
        return 4, [idx]
    raw = text(value)
    key = raw.lower().replace(" ", "")
    if key in ("bankholidays", "bankholiday"):
        return 3, sorted(holidays)
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
                    f"{raw!r} is not a day: write All, Weekdays, Weekends, Bank holidays, a day"
                    " name (Mon..Sun), a comma list of day names, or one date"
                ) from None
            wanted = {DAY_NAMES[n] for n in names}
            spec = 2
        else:
            return _cover_days(datetime.combine(d, time()), period, holidays)
    return spec, [i for i in range(period.days) if period.weekday(i) in wanted]


def _grades(value: object) -> frozenset[str]:
    names = [g.strip().upper() for g in text(value).split(",") if g.strip()]
    bad = [g for g in names if g not in CONTRACT_GRADES]
    if bad:
        raise ValueError(f"{', '.join(bad)} not a grade: use FY1, FY2, CT1-CT3, ST1-ST8")
    return frozenset(names)


def read_cover(
    table: Table,
    period: Period,
    shifts: list[ShiftType],
    holidays: frozenset[int] = frozenset(),
) -> list[CoverNeed]:
    """Cover needs. Rows for the same shift, days and grades override one another (a date
    beats a day name beats a group; of equal ones the later row wins); rows with different
    grades are separate needs that add up (3 from FY2-ST2 and 1 from ST3+ is 4 doctors)."""
    table.require("shift", "days", "doctors")
    codes = {s.code for s in shifts}
    chosen: dict[tuple[int, str, frozenset[str] | None], tuple[int, int, CoverNeed]] = {}
    for order, row in enumerate(table.rows()):
        code = row.need("shift", name_text)
        if code not in codes:
            raise row.error("shift", f"{code!r} is not a code on the Shifts sheet")
        spec, days = row.need("days", lambda v: _cover_days(v, period, holidays))
        count, most = row.need("doctors", _count_or_range)
        grades = row.get("grades", _grades)
        for day in days:
            need = CoverNeed(
                day=day, code=code, doctors=count, most=most, grades=grades, row=row.number
            )
            key = (day, code, grades)
            old = chosen.get(key)
            if old is None or (spec, order) >= (old[0], old[1]):
                chosen[key] = (spec, order, need)
    order_of = {s.code: i for i, s in enumerate(shifts)}
    return [
        v[2]
        for _, v in sorted(
            chosen.items(),
            key=lambda kv: (kv[0][0], order_of[kv[0][1]], sorted(kv[0][2] or ()), kv[1][1]),
        )
    ]


def read_leave(table: Table, names: set[str], period: Period) -> list[Leave]:
    table.require("doctor", "from", "to")
    out = []
    for row in table.rows():
        name = row.need("doctor", name_text)
        if name not in names:
            raise row.error("doctor", f"{name!r} is not on the Doctors sheet")
        first = row.need("from", parse_date)
        last = row.need("to", parse_date)
        if last < first:
            raise row.error("to", f"{last} is before {first}: 'to' is the last day of leave")
        if last < period.start or first >= period.end:
            final = period.end - timedelta(days=1)
            raise row.error(
                "from",
                f"leave {first}..{last} is outside the rota period {period.start}..{final}:"
                " correct the dates (a year typo?) or delete the row",
            )
        kind = (row.get("type", text, default="annual") or "annual").lower()
        if kind not in LEAVE_TYPES:
            raise row.error("type", f"{kind!r}: use one of {', '.join(LEAVE_TYPES)}")
        out.append(Leave(doctor=name, first=first, last=last, type=kind, row=row.number))
    return out


def _doctor_day_shift(
    row: Row, names: set[str], codes: set[str], period: Period, *, off: bool
) -> tuple[str, date, str]:
    """The doctor, date and shift columns shared by Requests and Fixed."""
    name = row.need("doctor", name_text)
    if name not in names:
        raise row.error("doctor", f"{name!r} is not on the Doctors sheet")
    day = row.need("date", parse_date)
    if not 0 <= period.day_index(day) < period.days:
        raise row.error("date", f"{day} is outside the rota period")
    shift = row.need("shift", name_text)
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
    return spec_from_tables(read_workbook(path), path, rules=rules)


def spec_from_tables(tables: Sheets, path: Path, *, rules: str | None = None) -> Spec:
    """The spec from a workbook's sheets (read_spec; bench reads each scenario's changed
    sheets through here, so a scenario is validated exactly as a spec is)."""

    def need(name: str) -> Table:
        t = sheet(tables, name, path.name, required=True)
        assert t is not None
        return t

    settings_table = need("Settings")
    settings = SettingsSheet(settings_table)
    start = settings.need("start_date", parse_date)
    weeks = settings.need("weeks", parse_weeks)
    repeats = settings.get("repeats", parse_bool, True)
    if rules is not None:
        settings.has("rules")  # a rules row is read, and overridden by --rules
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
        time_limit=settings.get(
            "time_limit",
            _ranged(_positive_number, 0.1, MAX_TIME_LIMIT, f"give 0.1 to {MAX_TIME_LIMIT:,}"),
            60.0,
        ),
        seed=settings.get("seed", _ranged_int(0, MAX_SEED, f"give 0 to {MAX_SEED:,}"), 0),
        workers=settings.get("workers", _ranged_int(1, MAX_WORKERS, f"give 1 to {MAX_WORKERS}"), 2),
        reproducible=settings.get("reproducible", parse_bool, False),
    )
    band = _ranged(parse_number, 0, 1000, "a band is 0 or more")
    fairness = Fairness(
        hard=settings.get("fairness", _fairness, True),
        nights_band=settings.get("fair_nights_band", band, 1.0),
        weekends_band=settings.get("fair_weekends_band", band, 1.0),
        hours_band=settings.get("fair_hours_band", band, 4.0),
    )
    patterns = read_patterns(settings, rules)
    individual: Literal["individual", "line"] = "individual"
    rota_type = settings.get("rota_type", _rota_type, individual)
    period = Period(start=start, weeks=weeks, repeats=repeats)
    shifts = read_shifts(need("Shifts"), rules)
    region = settings.get("bank_holidays", parse_region, "england")
    holidays = bank_holidays(period.start, period.end - timedelta(days=1), region)
    holiday_days = frozenset(period.day_index(d) for d in holidays)
    cover = read_cover(need("Cover"), period, shifts, holiday_days)
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
    leave = read_leave(optional["Leave"], names, period) if optional["Leave"] else []
    requests = (
        read_requests(optional["Requests"], names, codes, period) if optional["Requests"] else []
    )
    fixed = read_fixed(optional["Fixed"], names, codes, period) if optional["Fixed"] else []
    name = settings.get("rota_name", name_text, path.stem)
    request_price = settings.get("request_price", _positive_number, 10.0)
    gaps = settings.get("gaps", _gaps, False)
    gap_price = settings.get("gap_price", _ranged(parse_number, 0, 10_000, "£0 to £10,000"), 0.0)
    for row in settings.unread():  # every setting has been asked for by now
        name = row.raw("setting")
        raise row.error(
            "setting",
            f"{name!r} is not a setting rota-solve reads: correct the spelling or delete the"
            f" row (settings: {', '.join(settings.asked.values())})",
        )
    if gaps and not settings.has("gap_price"):
        raise InputError(
            "gaps = allowed needs gap_price: the bank or locum rate, £ an hour",
            file=path.name,
            sheet=settings_table.sheet,
        )
    try:
        built = Spec(
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
            patterns=patterns,
            gaps=gaps,
            gap_price=gap_price,
            bank_holidays=holidays,
            bank_holiday_region=region,
            rota_type=rota_type,
        )
    except ValidationError as exc:
        raise InputError(f"invalid spec: {exc.errors()[0]['msg']}", file=path.name) from None
    if optional["Fixed"] is not None:
        check_fixed(built, optional["Fixed"])
    if rota_type == "line":
        refuse_for_line(built, settings, need("Cover"), doctors_table, optional)
    return built


def _rota_type(value: object) -> Literal["individual", "line"]:
    kind = text(value).strip().lower()
    if kind == "individual":
        return "individual"
    if kind == "line":
        return "line"
    raise ValueError(f"{kind!r}: write individual or line")


def refuse_for_line(
    spec: Spec,
    settings: SettingsSheet,
    cover: Table,
    doctors: Table,
    optional: dict[str, Table | None],
) -> None:
    """A line rota (README: Line rotas) is one template every doctor works in turn, a week
    apart: every doctor must be able to work every line, and the template must be the same
    every week. What it cannot honour is refused, naming the sheet and row: the rota would
    otherwise not be the one asked for."""
    n = len(spec.doctors)
    if spec.period.weeks != n:
        raise settings.row("weeks").error(
            "value",
            f"a line rota has one weekly line per doctor: weeks is {spec.period.weeks} but the"
            f" Doctors sheet has {n} doctors; set weeks to {n}",
        )
    if not spec.period.repeats:
        raise settings.row("repeats").error(
            "value", "a line rota is a cycle that repeats: set repeats to yes (or delete the row)"
        )
    for name in ("Leave", "Requests", "Fixed"):
        table = optional.get(name)
        first = next(table.rows(), None) if table is not None else None
        if first is not None:
            raise first.error(
                None,
                f"a line rota cannot honour the {name} sheet: every doctor works the same"
                " template in turn (take leave from the template and backfill it afterwards);"
                f" delete the {name} rows or set rota_type to individual",
            )
    for row in cover.rows():
        specificity, _ = _cover_days(row.raw("days"), spec.period, frozenset())
        if specificity >= 3:
            raise row.error(
                "days",
                "a line rota's cover must be the same every week: give day names or groups"
                " (Mon, Weekdays, All), not dates or Bank holidays",
            )
        if row.raw("grades") is not None:
            raise row.error(
                "grades",
                "a line rota is one tier that every doctor works in turn: leave grades blank"
                " (build each tier as its own line rota)",
            )
    for row in doctors.rows():
        doc = spec.doctor(row.need("doctor", name_text))
        refused = [
            ("ltft", doc.ltft < 1, "an LTFT doctor cannot work a full-time line"),
            ("days_off", bool(doc.days_off), "a fixed day off cannot be kept on every line"),
            ("from", doc.start is not None, "every doctor works the whole cycle"),
            ("to", doc.end is not None, "every doctor works the whole cycle"),
            ("nights", not doc.nights, "every doctor works every line, nights included"),
            ("on_call", not doc.on_call, "every doctor works every line, on-call included"),
        ]
        for column, bad, why in refused:
            if bad:
                raise row.error(
                    column,
                    f"{doc.name}: {why} of a line rota; change the value or set rota_type to"
                    " individual",
                )


def check_fixed(spec: Spec, table: Table) -> None:
    """A Fixed duty the doctor may not work is an error naming its row and the one reason
    (leave, on_call, nights, no cover that day, grade); so is a duty fixed twice, and more
    duties fixed on a shift and day than the Cover sheet asks for."""
    elig = Eligibility(spec)
    seen: dict[tuple[str, date, str], int] = {}
    per_need: dict[tuple[int, str], list[FixedDuty]] = {}
    for f in spec.fixed:
        day = spec.period.day_index(f.day)
        why = elig.why_not(f.doctor, day, spec.shift(f.shift))

        def error(message: str, row: int | None = f.row) -> InputError:
            return InputError(message, file=table.file, sheet=table.sheet, row=row, column="shift")

        if why is not None:
            raise error(
                f"{f.doctor} cannot be fixed to {f.shift} on {f.day:%a %Y-%m-%d}: {why}."
                " Correct or delete the row"
            )
        key = (f.doctor, f.day, f.shift)
        if key in seen:
            raise error(
                f"{f.doctor}'s {f.shift} on {f.day} is fixed twice (rows {seen[key]} and"
                f" {f.row}): delete one"
            )
        seen[key] = f.row or 0
        per_need.setdefault((day, f.shift), []).append(f)
    for (day, code), fixed in per_need.items():
        wanted = sum(n.upper for n in elig.needs.get((day, code), []))
        if len(fixed) > wanted:
            last = fixed[-1]
            raise InputError(
                f"{len(fixed)} doctors are fixed to {code} on {last.day:%a %Y-%m-%d} (rows"
                f" {', '.join(str(f.row) for f in fixed)}) but the Cover sheet asks for"
                f" {wanted}: delete a row or raise the cover",
                file=table.file,
                sheet=table.sheet,
                row=last.row,
                column="shift",
            )
