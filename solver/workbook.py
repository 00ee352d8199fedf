"""Reading sheets of a workbook (or a CSV table) into tables whose cells are parsed with
errors that name the sheet, row and column."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rota_solve.solver.errors import InputError
from rota_solve.solver.values import is_blank, norm

T = TypeVar("T")


@dataclass
class Row:
    table: Table
    number: int  # as a person sees it in the spreadsheet
    values: list[Any]

    def raw(self, column: str) -> Any:
        idx = self.table.columns.get(norm(column))
        if idx is None or idx >= len(self.values):
            return None
        value = self.values[idx]
        return None if is_blank(value) else value

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

    def has(self, column: str) -> bool:
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

    def has(self, key: str) -> bool:
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


def _table(sheet: str, file: str, raw_rows: list[tuple[int, list[Any]]]) -> Table:
    header_at = next(
        (i for i, (_, vals) in enumerate(raw_rows) if any(not is_blank(v) for v in vals)), None
    )
    if header_at is None:
        return Table(sheet, file, {}, {}, 1)
    header_number, header = raw_rows[header_at]
    columns: dict[str, int] = {}
    display: dict[str, str] = {}
    for idx, name in enumerate(header):
        if is_blank(name):
            continue
        key = norm(name)
        if key in columns:
            raise InputError(
                f"column {name!r} appears twice in the header; keep one",
                file=file,
                sheet=sheet,
                row=header_number,
            )
        columns[key] = idx
        display[key] = str(name).strip()
    data = [
        (n, vals) for n, vals in raw_rows[header_at + 1 :] if any(not is_blank(v) for v in vals)
    ]
    return Table(sheet, file, columns, display, header_number, data)


def read_workbook(path: Path) -> dict[str, Table]:
    """Every sheet of an .xlsx workbook, keyed by normalised sheet name."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise InputError("file not found", file=str(path)) from None
        raise InputError(
            "is not an Excel workbook (.xlsx) that can be read: save it from Excel or"
            " LibreOffice as .xlsx (or give the Assignments table as .csv)",
            file=str(path),
        ) from None
    tables: dict[str, Table] = {}
    try:
        for ws in wb.worksheets:
            rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            tables[norm(ws.title)] = _table(ws.title, path.name, rows)
    finally:
        wb.close()
    return tables


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
    return _table(sheet, path.name, rows)


def sheet(tables: dict[str, Table], name: str, file: str, *, required: bool) -> Table | None:
    table = tables.get(norm(name))
    if table is None and required:
        found = ", ".join(t.sheet for t in tables.values()) or "none"
        raise InputError(
            f"missing sheet {name!r} (the workbook has: {found}); add a sheet named {name}",
            file=file,
        )
    return table
