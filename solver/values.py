"""Values people type into spreadsheets, read strictly (workbook-format.md).

Dates: Excel dates, `YYYY-MM-DD` or `DD/MM/YYYY`. Clock times: Excel times or `HH:MM`.
Yes/no: yes/no/y/n/true/false/1/0. Fractions: `0.8` or `80%`. Anything else raises
ValueError with a message saying what was found and what to write instead; the reader adds
the sheet, row and column.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")

TRUE = {"yes", "y", "true", "1", "1.0"}
FALSE = {"no", "n", "false", "0", "0.0"}


# Excel's error values, as a cell holds them (and as CSV exports write them)
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
_SPACES = re.compile(r"[\s_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FormulaCell:
    """A formula cell with no saved value: a workbook written by a program (openpyxl writes
    formulas this way) and never opened and saved by a spreadsheet. Its value is unknown, so
    it is never read as blank: every reader refuses it, naming the cell."""

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __repr__(self) -> str:
        return f"={self.formula}"


class ErrorCell:
    """An Excel error value (#N/A, #REF!, ...): refused by every reader, naming the cell."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return self.code


def unreadable(value: object) -> str | None:
    """Why a cell's value cannot be read at all (a formula with no saved value, an Excel
    error value), or None. The reader adds the sheet, row and column."""
    if isinstance(value, FormulaCell):
        return (
            f"is a formula (={value.formula}) with no saved value: the workbook was written by"
            " a program and never saved by a spreadsheet, so its value is unknown. Open it in"
            " Excel or LibreOffice and save it, or type the value"
        )
    code = value.code if isinstance(value, ErrorCell) else value
    if not isinstance(code, str) or "#" not in code:  # every error value has a #
        return None
    if code.strip().upper() in EXCEL_ERRORS:
        return f"holds the Excel error {code.strip()}: correct the formula or type the value"
    return None


def name_text(value: object) -> str:
    """A name or code (a doctor, a shift): text without control characters."""
    out = text(value)
    if _CONTROL.search(out):
        shown = _CONTROL.sub("?", out)
        raise ValueError(
            f"{shown!r} contains a control character (a tab, line break or similar, shown as"
            " ?): retype the name"
        )
    return out


def norm(name: object) -> str:
    """Sheet and column names match ignoring case, spaces and underscores."""
    return _norm(name) if isinstance(name, str) else _norm(str(name))


@lru_cache(maxsize=4096)
def _norm(name: str) -> str:  # a reader asks for the same few columns on every row
    return _SPACES.sub("", name).lower()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _round_minute(dt: datetime) -> datetime:
    """Excel stores times as fractions of a day; round float noise to the minute."""
    base = dt.replace(second=0, microsecond=0)
    if dt.second * 1_000_000 + dt.microsecond >= 30_000_000:
        base += timedelta(minutes=1)
    return base


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time():
            raise ValueError(f"expected a date, found a date and time {value:%Y-%m-%d %H:%M}")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            m = _DATE_ISO.match(text)
            if m:
                return date(int(m[1]), int(m[2]), int(m[3]))
            m = _DATE_UK.match(text)
            if m:
                return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD (or DD/MM/YYYY)")


def parse_time(value: object) -> time:
    if isinstance(value, datetime):
        return _round_minute(value).time()
    if isinstance(value, time):
        return _round_minute(datetime.combine(date(2000, 1, 1), value)).time()
    if isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        return (datetime(2000, 1, 1) + value).time()
    if isinstance(value, str):
        m = _TIME.match(value.strip())
        if m and int(m[1]) < 24 and int(m[2]) < 60:
            return time(int(m[1]), int(m[2]))
    raise ValueError(f"{value!r} is not a clock time: write HH:MM (24-hour)")


def parse_datetime_or_time(value: object) -> datetime | time:
    """A datetime (`YYYY-MM-DD HH:MM`, `DD/MM/YYYY HH:MM`, or an Excel date-time), or a
    clock time alone (to be put on the row's date)."""
    if isinstance(value, datetime):
        return _round_minute(value)
    if isinstance(value, time | timedelta):
        return parse_time(value)
    if isinstance(value, str):
        text = value.strip().replace("T", " ")
        parts = text.split()
        if len(parts) == 2:
            try:
                d = parse_date(parts[0])
                t = parse_time(parts[1])
            except ValueError:
                pass
            else:
                return datetime.combine(d, t)
        elif len(parts) == 1:
            try:
                return parse_time(parts[0])
            except ValueError:
                pass
    raise ValueError(
        f"{value!r} is not a date and time: write YYYY-MM-DD HH:MM, or HH:MM with the date"
        " in the date column"
    )


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    raise ValueError(f"{value!r} is not yes or no: write yes or no")


def parse_number(value: object, what: str = "a number") -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not {what}")
    if isinstance(value, int | float):
        if math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").lstrip("£")
        try:
            x = float(text)
        except ValueError:
            pass
        else:
            if math.isfinite(x):
                return x
    raise ValueError(f"{value!r} is not {what}")


def parse_fraction(value: object) -> float:
    """`0.8` or `80%`: a fraction of full time."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_number(value.strip()[:-1], "a percentage") / 100
    x = parse_number(value, "a fraction such as 0.8 or 80%")
    if 10 <= x <= 100:
        raise ValueError(f"{value!r} looks like a percentage: write {x / 100:g} or {x:g}%")
    return x


def parse_int(value: object, what: str = "a whole number") -> int:
    x = parse_number(value, what)
    if x != int(x):
        raise ValueError(f"{value!r} is not {what}")
    return int(x)


def text(value: object) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()
