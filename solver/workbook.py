"""Reading sheets of a workbook (or a CSV table) into tables whose cells are parsed with
errors that name the sheet, row and column."""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from rota_solve.solver.errors import InputError
from rota_solve.solver.values import ErrorCell, FormulaCell, is_blank, norm, unreadable

T = TypeVar("T")

# the types of a cell's value that can be neither an error, a formula with no value, nor
# blank (exact types: a reader gives these and no subclasses; 13,000 rows of a year's rota
# ask each of its cells)
_PLAIN = frozenset({int, float, bool, datetime, date, time, timedelta})


def column_letter(number: int) -> str:
    """A column's letters from its number (1 -> A, 27 -> AA), as openpyxl's
    get_column_letter gives them (a test compares every column); written here so that
    reading and checking a rota never loads openpyxl (0.06 s of the check command)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Row:
    table: Table
    number: int  # as a person sees it in the spreadsheet
    values: list[Any]

    def raw(self, column: str) -> Any:
        idx = self.table.index(column)
        if idx is None or idx >= len(self.values):
            return None
        value = self.values[idx]
        if value is None:  # most cells of a long sheet: answered at once
            return None
        if type(value) in _PLAIN:  # a number, date or time: nothing to refuse, never blank
            return value
        why = unreadable(value)
        if why is not None:
            raise self.error(column, why)
        return None if is_blank(value) else value

    def cell(self, column: str) -> str:
        """The cell's address as a spreadsheet shows it (C5)."""
        idx = self.table.columns.get(norm(column))
        return "" if idx is None else f"{column_letter(idx + 1)}{self.number}"

    def get(
        self,
        column: str,
        parse: Callable[[Any], T],
        *,
        default: T | None = None,
        required: bool = False,
        hint: str = "",
    ) -> T | None:
        value = self.raw(column)
        if value is None:
            if required:
                extra = f": {hint}" if hint else ""
                raise self.error(column, f"is empty; it is required{extra}")
            return default
        try:
            return parse(value)
        except ValueError as exc:
            raise self.error(column, str(exc)) from None

    def need(self, column: str, parse: Callable[[Any], T], hint: str = "") -> T:
        value = self.get(column, parse, required=True, hint=hint)
        assert value is not None
        return value

    def error(self, column: str | None, message: str) -> InputError:
        return InputError(
            message,
            cell=self.cell(column) if column else None,
            file=self.table.file,
            sheet=self.table.sheet,
            row=self.number,
            column=self.table.display.get(norm(column), column) if column else None,
        )


@dataclass
class Table:
    sheet: str
    file: str
    columns: dict[str, int]  # normalised column name -> index
    display: dict[str, str]  # normalised -> as written in the header
    header_row: int
    data: list[tuple[int, list[Any]]] = field(default_factory=list)
    # every row as read, blank ones included (a grid is read from these)
    raw_rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    # a header that cannot be read; raised only when the sheet is used, so a sheet the
    # command does not read (notes, a pivot) never stops it
    problem: InputError | None = None
    _index: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)

    def index(self, column: str) -> int | None:
        """The column's position, by its name as a reader writes it (found once per name:
        a reader asks for the same few columns on every row)."""
        found = self._index.get(column, -1)
        if found == -1:
            found = self._index[column] = self.columns.get(norm(column))
        return found

    def usable(self) -> None:
        if self.problem is not None:
            raise self.problem

    def has(self, column: str) -> bool:
        self.usable()
        return norm(column) in self.columns

    def require(self, *columns: str) -> None:
        missing = [c for c in columns if not self.has(c)]
        if missing:
            found = ", ".join(self.display.values()) or "none"
            raise InputError(
                f"missing column {', '.join(missing)} (the header row {self.header_row} has:"
                f" {found}); add it with that heading",
                file=self.file,
                sheet=self.sheet,
                column=missing[0],
            )

    def rows(self) -> Iterator[Row]:
        self.usable()
        for number, values in self.data:
            yield Row(self, number, values)


D = TypeVar("D")


class SettingsSheet:
    """A `Settings` sheet: columns `setting` and `value`. Setting names match like sheet and
    column names, ignoring case, spaces and underscores; each may appear once."""

    def __init__(self, table: Table) -> None:
        table.require("setting", "value")
        self.table = table
        self.rows: dict[str, Row] = {}
        for row in table.rows():
            name = row.need("setting", str)
            key = norm(name)
            if key in self.rows:
                raise row.error("setting", f"setting {name.strip()!r} appears twice; keep one")
            self.rows[key] = row
        self.asked: dict[str, str] = {}  # every setting a reader asked for, as it names it

    def unread(self) -> list[Row]:
        """The rows whose setting no reader asked for (a typo silently ignored would build
        a different rota than the one asked for): call once every setting has been read."""
        return [row for key, row in self.rows.items() if key not in self.asked]

    def has(self, key: str) -> bool:
        self.asked.setdefault(norm(key), key)
        row = self.rows.get(norm(key))
        return row is not None and row.raw("value") is not None

    def row(self, key: str) -> Row:
        return self.rows[norm(key)]

    def need(self, key: str, parse: Callable[[Any], T]) -> T:
        """A setting that must be given."""
        if not self.has(key):
            raise InputError(
                f"setting {key!r} is required: add a row with setting {key} and its value",
                file=self.table.file,
                sheet=self.table.sheet,
            )
        return self._parse(key, parse)

    def get(self, key: str, parse: Callable[[Any], T], default: D) -> T | D:
        """The parsed value, or `default` when the setting is absent or blank."""
        return self._parse(key, parse) if self.has(key) else default

    def _parse(self, key: str, parse: Callable[[Any], T]) -> T:
        """A value that does not parse is an error naming its row."""
        row = self.row(key)
        try:
            return parse(row.raw("value"))
        except ValueError as exc:
            raise row.error("value", f"{key}: {exc}") from None


def make_table(sheet: str, file: str, raw_rows: list[tuple[int, list[Any]]]) -> Table:
    """A Table from (row number, values) rows as a sheet holds them: the header is the
    first row that is not blank. Every reader builds its tables here, and so do the
    scenarios (a changed sheet) and the grid reader (a Shifts key without its no-time
    codes), so they are read exactly as a workbook's own sheets."""
    header_at = next(
        (i for i, (_, vals) in enumerate(raw_rows) if any(not is_blank(v) for v in vals)), None
    )
    if header_at is None:
        return Table(sheet, file, {}, {}, 1, raw_rows=raw_rows)
    header_number, header = raw_rows[header_at]
    columns: dict[str, int] = {}
    display: dict[str, str] = {}
    problem: InputError | None = None
    _index: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)
    for idx, name in enumerate(header):
        if is_blank(name):
            continue
        why = unreadable(name)
        if why is not None:
            problem = problem or InputError(
                f"a column heading {why}", file=file, sheet=sheet, row=header_number
            )
            continue
        key = norm(name)
        if key in columns:
            problem = problem or InputError(
                f"column {name!r} appears twice in the header; keep one",
                file=file,
                sheet=sheet,
                row=header_number,
            )
            continue
        columns[key] = idx
        display[key] = str(name).strip()
    data = [
        (n, vals) for n, vals in raw_rows[header_at + 1 :] if any(not is_blank(v) for v in vals)
    ]
    return Table(sheet, file, columns, display, header_number, data, raw_rows, problem)


class Sheets(dict[str, "Table"]):
    """The sheets of a workbook keyed by normalised name; `collisions` holds the names of
    sheets whose names are one once normalised (`Assignments` and `assign_ments`): asking for
    such a sheet is an error naming both, never a silent choice of one."""

    def __init__(self) -> None:
        super().__init__()
        self.collisions: dict[str, list[str]] = {}


def _rows(wb: Any, ws: Any) -> list[tuple[int, list[Any]]]:
    """The values of a read-only worksheet, row by row (numbered as a person sees them).

    openpyxl reads a formula cell with no saved value as blank; this parser marks it as a
    `FormulaCell`, and an error value (#N/A) as an `ErrorCell`, so no reader takes either
    for an empty cell."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = FormulaCell(formula.text or "")
            elif cell["data_type"] == "e":
                cell["value"] = ErrorCell(str(cell["value"]))
            return cell

    out: list[tuple[int, list[Any]]] = []
    with ws._get_source() as src:
        parser = Parser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for number, cells in parser.parse():
            width = max((c["column"] for c in cells), default=0)
            values: list[Any] = [None] * width
            for c in cells:
                values[c["column"] - 1] = c["value"]
            out.append((number, values))
    return out


def _not_readable(path: Path) -> InputError:
    return InputError(
        "is not a readable workbook: the file is damaged or not an Excel workbook (.xlsx)."
        " Open it in Excel or LibreOffice and save it as .xlsx (or give the Assignments"
        " table as .csv)",
        file=str(path),
    )


# the workbook types openpyxl opens (it refuses any other name, whatever the content)
OPENPYXL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
# a formula (<f>, with or without a namespace prefix) or an error value (t="e") anywhere in
# a worksheet's XML: such a workbook is read by openpyxl's parser, which tells them apart.
# Plain substring tests (a regex over a 4 MB sheet took 0.1 s): each is a superset of its
# element, so a false alarm only sends a workbook to the slower reader.
_FORMULA_OR_ERROR = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b't="e"', b"t='e'")


def _plain(path: Path) -> bool:
    """An .xlsx whose worksheets hold no formula and no error value: python-calamine reads
    it (measured: the 60 x 52 rota's 12,948 rows in 0.06 s; openpyxl 0.9 s), and every cell
    it gives is one openpyxl would give (tests/test_workbook_readers.py). Anything else, or
    anything that is not such a zip, goes to openpyxl, which reports damage as before."""
    if path.suffix.lower() not in OPENPYXL_SUFFIXES:
        return False
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if "xl/workbook.xml" not in names:
                return False
            for name in names:
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = z.read(name)
                    if any(mark in xml for mark in _FORMULA_OR_ERROR):
                        return False
    except (OSError, zipfile.BadZipFile, zlib.error, RuntimeError, ValueError):
        return False
    return True


def _calamine_row(raw: list[Any]) -> list[Any]:
    """A row as python-calamine gives it, as openpyxl gives it: a blank cell as None, a
    whole number as int, a date as a datetime at midnight; trailing blanks cut."""
    out: list[Any] = []
    for v in raw:
        kind = type(v)  # exact types: calamine gives these and no subclasses
        if kind is str:
            out.append(v if v else None)
        elif kind is float:
            out.append(int(v) if v.is_integer() else v)
        elif kind is date:
            out.append(datetime(v.year, v.month, v.day))
        else:
            out.append(v)
    while out and out[-1] is None:
        out.pop()
    return out


def calamine_rows(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]] | None:
    """Every worksheet's rows (title, rows numbered from 1, blank rows left out, trailing
    blanks trimmed), or None when calamine cannot read the file (openpyxl then decides)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    out: list[tuple[str, list[tuple[int, list[Any]]]]] = []
    try:
        wb = CalamineWorkbook.from_path(str(path))
        try:
            for meta in wb.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # a chartsheet holds no cells
                grid = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                rows: list[tuple[int, list[Any]]] = []
                for number, raw in enumerate(grid, start=1):
                    values = _calamine_row(raw)
                    if values:
                        rows.append((number, values))
                out.append((meta.name, rows))
        finally:
            wb.close()
    except Exception:  # python-calamine's own errors: let openpyxl read (or refuse) it
        return None
    return out


def read_workbook(path: Path) -> Sheets:
    """Every sheet of an .xlsx workbook, keyed by normalised sheet name. A damaged file
    (a corrupt zip member, malformed XML) is an InputError, never a traceback."""
    if path.is_dir():
        raise InputError("is a folder, not a workbook", file=str(path))
    sheets = calamine_rows(path) if _plain(path) else None
    if sheets is None:
        sheets = openpyxl_rows(path)
    tables = Sheets()
    titles: dict[str, list[str]] = {}
    for title, rows in sheets:
        key = norm(title)
        titles.setdefault(key, []).append(title)
        tables[key] = make_table(title, path.name, rows)
    tables.collisions = {k: v for k, v in titles.items() if len(v) > 1}
    return tables


def openpyxl_rows(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    """Every worksheet's rows by openpyxl's parser (formulas without a saved value and error
    values marked, `_rows`)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except PermissionError:
        raise InputError("cannot be read: permission denied", file=str(path)) from None
    except Exception:  # zip, XML, openpyxl's own: any failure to open is a damaged file
        raise _not_readable(path) from None
    out: list[tuple[str, list[tuple[int, list[Any]]]]] = []
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "_get_source"):
                continue  # a chartsheet holds no cells
            out.append((ws.title, _rows(wb, ws)))
    except Exception:  # a corrupt member or malformed sheet XML met while reading
        raise _not_readable(path) from None
    finally:
        wb.close()
    return out


def read_csv(path: Path, sheet: str) -> Table:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = [(i, list(r)) for i, r in enumerate(csv.reader(fh), start=1)]
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (UnicodeDecodeError, csv.Error):
        raise InputError(
            "is not a readable CSV file: save it as CSV UTF-8", file=str(path)
        ) from None
    return make_table(sheet, path.name, rows)


def sheet(tables: dict[str, Table], name: str, file: str, *, required: bool) -> Table | None:
    clash = getattr(tables, "collisions", {}).get(norm(name))
    if clash:
        listed = " and ".join(repr(t) for t in clash)
        raise InputError(
            f"sheets {listed} are one sheet name to rota-solve (names match ignoring case,"
            f" spaces and underscores): rename or delete all but one {name} sheet",
            file=file,
        )
    table = tables.get(norm(name))
    if table is None and required:
        found = ", ".join(t.sheet for t in tables.values()) or "none"
        raise InputError(
            f"missing sheet {name!r} (the workbook has: {found}); add a sheet named {name}",
            file=file,
        )
    return table
