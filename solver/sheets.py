"""Helpers every workbook writer shares: the header style and column widths (writing the
file safely is outputs.py, which the check command uses without loading openpyxl)."""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# columns' width (characters) printed on A4 portrait: ~90 fit at 100 %, and up to 120
# shrunk to fit stay readable (a 7-column Assignments sheet: 9 portrait pages, not 15)
PORTRAIT_CHARACTERS = 120


def append_header(ws: Worksheet, names: list[str], *, freeze: bool = False) -> None:
    """Append a header row, bold and shaded; optionally freeze the rows above and it."""
    ws.append(names)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    if freeze:
        ws.freeze_panes = f"A{ws.max_row + 1}"


def print_as_table(ws: Worksheet) -> None:
    """Printed as a table: A4, every column on one page wide (as many pages down as it
    takes; landscape where the columns are wider than a portrait page), and the header
    row on every page where the first row is one (bold). Without it a workbook printed
    whole split a 16-column Pay sheet over five portrait pages of five columns each: 43
    pages for a 10-week rota, 38 of them fragments."""
    width = sum(
        ws.column_dimensions[get_column_letter(i)].width or 8 for i in range(1, ws.max_column + 1)
    )
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_CHARACTERS else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if ws.max_row > 1 and ws.cell(1, 1).font.bold:
        ws.print_title_rows = "1:1"


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
