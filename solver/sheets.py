"""Helpers every workbook writer shares: the header style and column widths (writing the
file safely is outputs.py, which the check command uses without loading openpyxl)."""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def append_header(ws: Worksheet, names: list[str], *, freeze: bool = False) -> None:
    """Append a header row, bold and shaded; optionally freeze the rows above and it."""
    ws.append(names)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    if freeze:
        ws.freeze_panes = f"A{ws.max_row + 1}"


def clean(value: object) -> object:
    """A cell value openpyxl can write: control characters (which it refuses) removed."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def autosize(ws: Worksheet) -> None:
    """Column widths to fit their text (8 to 80 characters)."""
    for idx, col in enumerate(ws.iter_cols(values_only=True), start=1):
        width = max((len(str(v)) for v in col if v is not None), default=8)
        ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 8), 80)
