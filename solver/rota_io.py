"""Reading a rota workbook (`Assignments`, `Doctors`, `Settings`) or an Assignments CSV into
a validated `Rota` (workbook-format.md, "Rota workbook"). Command-line options override
Settings. Any problem is an `InputError` naming the sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rota_solve.solver.bank_holidays import bank_holidays
from rota_solve.solver.clock import DAY_NAMES
from rota_solve.solver.errors import InputError
from rota_solve.solver.grid import grid_disagreements, grid_duties, timed_codes
from rota_solve.solver.rota import CONTRACT_GRADES, Doctor, Duty, Patterns, Period, Rota
from rota_solve.solver.ruleset import (
    available_pay_years,
    available_rule_sets,
    latest_pay_year,
    load_rule_set,
)
from rota_solve.solver.values import (
    name_text,
    parse_bool,
    parse_date,
    parse_datetime_or_time,
    parse_fraction,
    parse_int,
    parse_number,
    text,
)
from rota_solve.solver.workbook import (
    Row,
    SettingsSheet,
    Table,
    read_csv,
    read_workbook,
    sheet,
)

# Job titles people use that are not grades of the 2016 contract, so have no nodal point.
# They are accepted so that the safe-working rules can still be checked; pay for these
# doctors needs `basic_salary` (or a contract grade) and is otherwise left blank.
TITLES_WITHOUT_NODAL_POINT = ("SHO", "Registrar", "SpR", "StR", "Supernumerary", "Trust grade")


@dataclass(frozen=True)
class Overrides:
    """Command-line options; None means 'not given', so Settings (or the default) apply."""

    rules: str | None = None
    pay_year: str | None = None
    start_date: date | None = None
    weeks: int | None = None
    repeats: bool | None = None


def parse_grade(value: object) -> str:
    raw = text(value)
    upper = raw.upper().replace(" ", "")
    if upper in CONTRACT_GRADES:
        return upper
    for title in TITLES_WITHOUT_NODAL_POINT:
        if raw.lower() == title.lower():
            return title
    raise ValueError(
        f"{raw!r} is not a grade: write FY1, FY2, CT1-CT3 or ST1-ST8 (or leave it blank,"
        " or give basic_salary)"
    )


# The least LTFT fraction taken as meant: LTFT training is at least 50 % of full time, and
# no rota has a doctor at a fifth; below this is a typo (0.8% for 80%, 0.06 for 0.6).
MIN_LTFT = 0.2


def parse_ltft(value: object) -> float:
    x = parse_fraction(value)
    if not MIN_LTFT <= x <= 1:
        raise ValueError(
            f"{value!r} is out of range: ltft is the fraction of full time, from {MIN_LTFT:g}"
            " to 1 (write 0.8 or 80%)"
        )
    return x


def parse_salary(value: object) -> float:
    x = parse_number(value, "a salary in pounds a year")
    if x <= 0:
        raise ValueError(f"{value!r} is not a salary: give pounds a year, more than 0")
    return x


def parse_days_off(value: object) -> tuple[int, ...]:
    """`Wed` or `Wed, Fri`: recurring non-working weekdays."""
    names = [p.strip().lower() for p in text(value).replace(";", ",").split(",") if p.strip()]
    bad = [n for n in names if n not in DAY_NAMES]
    if bad or not names:
        raise ValueError(f"{text(value)!r} is not a list of days: write e.g. Wed or Wed, Fri")
    days = tuple(sorted({DAY_NAMES[n] for n in names}))
    if len(days) > 4:
        raise ValueError(f"{text(value)!r} leaves fewer than 3 working days a week")
    return days


LONDON_BANDS = ("inner", "inner resident", "outer", "fringe")


def parse_fpp(value: object) -> float:
    x = parse_number(value, "pounds a year")
    if x < 0:
        raise ValueError(f"{value!r} is negative: fpp is the premium in £ a year, 0 or more")
    return x


def parse_london(value: object) -> str:
    band = " ".join(text(value).lower().split())
    if band not in LONDON_BANDS:
        raise ValueError(
            f"{text(value)!r} is not a band: write {', '.join(LONDON_BANDS)}, or blank"
        )
    return band


def read_doctors(table: Table) -> dict[str, Doctor]:
    table.require("doctor")
    doctors: dict[str, Doctor] = {}
    for row in table.rows():
        name = row.need("doctor", name_text)
        if name in doctors:
            raise row.error("doctor", f"{name!r} appears twice; give each doctor one row")
        first = row.get("from", parse_date)
        last = row.get("to", parse_date)
        if first is not None and last is not None and last < first:
            raise row.error("to", f"{last} is before {first}: 'to' is their last day")
        doctors[name] = Doctor(
            name=name,
            grade=row.get("grade", parse_grade, default="") or "",
            ltft=row.get("ltft", parse_ltft, default=1.0) or 1.0,
            opted_out=bool(row.get("opted_out", parse_bool, default=False)),
            basic_salary=row.get("basic_salary", parse_salary),
            nights=bool(row.get("nights", parse_bool, default=True)),
            on_call=bool(row.get("on_call", parse_bool, default=True)),
            row=row.number,
            days_off=row.get("days_off", parse_days_off, default=()) or (),
            start=first,
            end=last,
            fpp=row.get("fpp", parse_fpp),
            london_weighting=row.get("london_weighting", parse_london),
        )
    return doctors


# The longest rota period read: two years. A longer one is a typo (1000 for 10), and would
# only make every stage slower.
MAX_WEEKS = 104


def parse_weeks(value: object) -> int:
    n = parse_int(value, "a whole number of weeks")
    if not 1 <= n <= MAX_WEEKS:
        raise ValueError(f"{value!r} is not a number of weeks: give 1 to {MAX_WEEKS}")
    return n


def read_patterns(settings: SettingsSheet | None, rules: str) -> Patterns:
    """The pattern settings (README: Patterns): night_block_min (1 to the contract's most
    consecutive nights; 1 is off), whole_weekends and rest_before_nights (yes/no)."""
    if settings is None:
        return Patterns()
    most = int(load_rule_set(rules).params("max_consecutive_nights")["limit"])

    def block(value: object) -> int:
        n = parse_int(value)
        if not 1 <= n <= most:
            raise ValueError(
                f"{value!r} is out of range: give 1 (off) to {most} (the contract's most"
                " consecutive nights)"
            )
        return n

    default = Patterns()
    return Patterns(
        night_block_min=settings.get("night_block_min", block, default.night_block_min),
        whole_weekends=settings.get("whole_weekends", parse_bool, default.whole_weekends),
        rest_before_nights=settings.get(
            "rest_before_nights", parse_bool, default.rest_before_nights
        ),
    )


def _rule_set(value: object) -> str:
    name = text(value)
    if name not in available_rule_sets():
        raise ValueError(f"{name!r} is not a rule set: write {' or '.join(available_rule_sets())}")
    return name


def _pay_year(value: object) -> str:
    name = text(value).replace("-", "/")
    if name not in available_pay_years():
        raise ValueError(
            f"{name!r} is not a pay year held: write one of {', '.join(available_pay_years())}"
        )
    return name


def _combine(row: Row, day: date | None, moment: datetime | time, column: str) -> datetime:
    if isinstance(moment, datetime):
        return moment
    if day is None:
        raise row.error(
            column, "is a time without a date: fill in the date column, or write YYYY-MM-DD HH:MM"
        )
    return datetime.combine(day, moment)


def read_duties(table: Table, doctors: dict[str, Doctor] | None) -> list[Duty]:
    table.require("doctor", "start", "end")
    duties: list[Duty] = []
    for row in table.rows():
        name = row.need("doctor", name_text)
        if doctors is not None and name not in doctors:
            raise row.error(
                "doctor",
                f"{name!r} is not on the Doctors sheet: add a row there or correct the name",
            )
        day = row.get("date", parse_date)
        start_raw = row.need("start", parse_datetime_or_time)
        end_raw = row.need("end", parse_datetime_or_time)
        start = _combine(row, day, start_raw, "start")
        if day is not None and start.date() != day:
            raise row.error(
                "start",
                f"starts on {start:%Y-%m-%d} but the date column says {day:%Y-%m-%d}: the date"
                " is the day the duty starts",
            )
        if isinstance(end_raw, datetime):
            end = end_raw
        else:
            end = datetime.combine(start.date(), end_raw)
            if end <= start:
                end += timedelta(days=1)  # an end time not after the start is the next day
        if end <= start:
            raise row.error(
                "end",
                f"end {end:%Y-%m-%d %H:%M} is not after start {start:%Y-%m-%d %H:%M}: correct"
                " the date or time",
            )
        on_call = bool(row.get("on_call", parse_bool, default=False))
        work: float | None = None
        if on_call:
            work = row.need(
                "work_hours",
                lambda v: parse_number(v, "a number of hours"),
                hint="give the hours of work expected in this on-call period",
            )
            work = round(work * 60) / 60  # expected work counts to the minute
            span = (end - start).total_seconds() / 3600
            if not 0 <= work <= span:
                raise row.error(
                    "work_hours",
                    f"{work:g} h of expected work does not fit in the {span:g} h on-call period:"
                    " give a number from 0 to the period's length",
                )
        duties.append(
            Duty(
                doctor=name,
                start=start,
                end=end,
                shift=row.get("shift", name_text, default="") or "",
                on_call=on_call,
                work_hours=work,
                row=row.number,
            )
        )
    if not duties:
        raise InputError(
            "has no duties: add one row per duty under the header",
            file=table.file,
            sheet=table.sheet,
        )
    return duties


def read_rota(path: Path, overrides: Overrides | None = None) -> Rota:
    """Read a rota workbook (.xlsx) or an Assignments table (.csv)."""
    overrides = overrides or Overrides()
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    doctors_table: Table | None = None
    settings_table: Table | None = None
    grid_table: Table | None = None
    shifts_table: Table | None = None
    found: Table | None = None
    if path.suffix.lower() == ".csv":
        assignments = read_csv(path, "Assignments")
    else:
        tables = read_workbook(path)
        if (
            sheet(tables, "Assignments", path.name, required=False) is None
            and sheet(tables, "Rota", path.name, required=False) is None
            and all(
                sheet(tables, name, path.name, required=False) is not None
                for name in ("Shifts", "Cover")
            )
        ):
            raise InputError(
                "this is a spec workbook (it has Shifts and Cover sheets, no Assignments):"
                f" build a rota from it with `rota-solve build {path.name}`, then check the"
                " rota that writes",
                file=str(path),
            )
        doctors_table = sheet(tables, "Doctors", path.name, required=False)
        settings_table = sheet(tables, "Settings", path.name, required=False)
        grid_table = sheet(tables, "Rota", path.name, required=False)
        shifts_table = sheet(tables, "Shifts", path.name, required=False)
        found = sheet(
            tables,
            "Assignments",
            path.name,
            required=grid_table is None or shifts_table is None,
        )
        if found is None:  # a grid rota: the Rota grid and its Shifts key are the rota
            assert grid_table is not None and shifts_table is not None
            assignments, grid_table = grid_table, None
        else:
            assignments = found
    doctors = read_doctors(doctors_table) if doctors_table is not None else None
    settings = SettingsSheet(settings_table) if settings_table is not None else None
    if path.suffix.lower() != ".csv" and found is None:
        assert shifts_table is not None
        grid_rules = overrides.rules or (
            settings.get("rules", _rule_set, None) if settings is not None else None
        )
        duties = grid_duties(assignments, shifts_table, grid_rules or "2019")
        if doctors is not None:
            for duty in duties:
                if duty.doctor not in doctors:
                    raise InputError(
                        f"{duty.doctor!r} is on the grid but not on the Doctors sheet: add"
                        " them there, or correct the name",
                        file=assignments.file,
                        sheet=assignments.sheet,
                        row=duty.row,
                    )
    else:
        duties = read_duties(assignments, doctors)
    if doctors is None:
        doctors = {}
        for duty in duties:
            doctors.setdefault(duty.doctor, Doctor(name=duty.doctor))

    def setting(key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        return settings.get(key, parse, default) if settings is not None else default

    first_day = min(d.start.date() for d in duties)
    last_day = max(d.start.date() for d in duties)
    start = overrides.start_date or setting("start_date", parse_date)
    if start is None:
        start = first_day - timedelta(days=first_day.weekday())  # the Monday on or before
    assert isinstance(start, date)
    weeks = overrides.weeks or setting("weeks", parse_weeks)
    if weeks is None:
        weeks = max(1, -(-((last_day - start).days + 1) // 7))
    assert isinstance(weeks, int)
    repeats = overrides.repeats
    if repeats is None:
        repeats = bool(setting("repeats", parse_bool, True)) if settings is not None else False
    period = Period(start=start, weeks=weeks, repeats=repeats)

    kind = "repeating cycle" if repeats else "rota period"
    last = period.end - timedelta(days=1)
    for duty in duties:
        if not period.start <= duty.start.date() < period.end:
            raise InputError(
                f"the duty starts on {duty.start:%Y-%m-%d}, outside the {weeks}-week {kind}"
                f" {period.start:%Y-%m-%d}..{last:%Y-%m-%d}: correct its date, or the rota's"
                " start_date and weeks (Settings, or --start-date/--weeks)",
                file=assignments.file,
                sheet=assignments.sheet,
                row=duty.row,
                column=assignments.display.get("date", "start") if found is not None else None,
            )

    rules = overrides.rules or setting("rules", _rule_set) or "2019"
    pay_year = overrides.pay_year or setting("pay_year", _pay_year) or latest_pay_year()
    assert isinstance(rules, str) and isinstance(pay_year, str)
    warnings = []
    if grid_table is not None:
        timed = timed_codes(shifts_table) if shifts_table is not None else frozenset()
        warning = grid_disagreements(grid_table, duties, timed)
        if warning:
            warnings.append(warning)
    rule_set = _checked(rules, _rule_set, "--rules")
    region = setting("bank_holidays", parse_region, "england")
    return Rota(
        bank_holidays=bank_holidays(period.start, period.end - timedelta(days=1), region),
        bank_holiday_region=region,
        patterns=read_patterns(settings, rule_set),
        warnings=warnings,
        period=period,
        doctors=doctors,
        duties=duties,
        rules=_checked(rules, _rule_set, "--rules"),
        pay_year=_checked(pay_year, _pay_year, "--pay-year"),
        name=str(setting("rota_name", name_text) or path.stem),
        source=str(path),
    )


def parse_region(value: object) -> str:
    """Settings `bank_holidays`: england (England and Wales) or none."""
    word = text(value).strip().lower()
    if word in ("yes", "england", "england and wales", "e&w"):
        return "england"
    if word in ("no", "none"):
        return "none"
    raise ValueError(f"{value!r}: write england or none")


def _checked(value: str, parse: object, option: str) -> str:
    try:
        assert callable(parse)
        result = parse(value)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None
    assert isinstance(result, str)
    return result
