"""The workbook `build` writes: `Assignments`, `Doctors`, `Settings` (so `check` re-reads
it) and the sheets for people: `Rota` (doctors x dates, one colour per shift, weekends and
leave shaded), `Pay`, `Cover`, `Checks`, `Summary`. Written atomically; never over the spec.
"""

from __future__ import annotations

import platform
from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from rota_solve.solver.lines import template
from rota_solve.solver.outputs import atomic_path
from rota_solve.solver.report_sheets import add_checks_sheet, add_pay_sheet
from rota_solve.solver.rota_writer import rota_sheets
from rota_solve.solver.sheets import (
    BOLD,
    HEADER_FILL,
    append_header,
    autosize,
    clean,
    print_as_table,
)
from rota_solve.solver.solve import BuildResult
from rota_solve.solver.spec import Spec, cover_index

PALETTE = [
    "9BC2E6",
    "F4B084",
    "A9D08E",
    "FFD966",
    "C9A0DC",
    "8EA9DB",
    "F8CBAD",
    "C6E0B4",
    "FFE699",
    "D9D2E9",
    "B4C6E7",
    "FCE4D6",
]
WEEKEND_FILL = PatternFill("solid", fgColor="EDEDED")
LEAVE_FILL = PatternFill("solid", fgColor="BFBFBF")
GAP_FILL = PatternFill("solid", fgColor="FF7C80")
BANK_FILL = PatternFill("solid", fgColor="FFE699")
_LINE = Side(style="thin", color="D9D9D9")
THIN = Border(left=_LINE, right=_LINE, top=_LINE, bottom=_LINE)


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def shift_fills(spec: Spec) -> dict[str, PatternFill]:
    """One colour per shift, in the Shifts sheet's order (the Rota grid and the Template)."""
    return {
        s.code: PatternFill("solid", fgColor=PALETTE[i % len(PALETTE)])
        for i, s in enumerate(spec.shifts)
    }


# characters of a key's description a line in column A (measured in LibreOffice's print:
# about 1.15 a unit of width); column A is wide enough for most on one line, so that the key
# stays on the page under 20 or so doctors (wrapped rows pushed it onto a page of its own)
NAME_WIDTH = 19
KEY_CHARS = 22


def add_rota_grid(wb: Workbook, result: BuildResult) -> None:
    spec = result.spec
    assert result.rota is not None
    ws = wb.create_sheet("Rota", 0)
    period = spec.period
    colours = shift_fills(spec)
    ws.cell(2, 1, "doctor").font = BOLD
    ws.cell(2, 2, "grade").font = BOLD
    first = 3  # column of the first day
    for day in range(period.days):
        d = period.start + timedelta(days=day)
        top = ws.cell(1, day + first, d)
        top.number_format = "ddd"
        top.font = BOLD
        bottom = ws.cell(2, day + first, d)
        bottom.number_format = "dd/mm"
        holiday = d in spec.bank_holidays
        for c in (top, bottom):
            c.alignment = Alignment(horizontal="center")
            c.fill = (
                BANK_FILL if holiday else WEEKEND_FILL if period.weekday(day) >= 5 else HEADER_FILL
            )
        if holiday:  # marked on screen and in print (wide enough not to show ###)
            top.number_format = '"BH "ddd'
        ws.column_dimensions[get_column_letter(day + first)].width = 8 if holiday else 6
    ws.column_dimensions["A"].width = NAME_WIDTH
    ws.column_dimensions["B"].width = 6
    by_cell: dict[tuple[str, int], list[str]] = {}
    for duty in result.rota.duties:
        by_cell.setdefault((duty.doctor, period.day_index(duty.start.date())), []).append(
            duty.shift
        )
    for r, doc in enumerate(spec.doctors, start=3):
        ws.cell(r, 1, doc.name).font = BOLD
        ws.cell(r, 2, doc.grade)
        leave = spec.leave_days(doc.name)
        for day in range(period.days):
            codes = by_cell.get((doc.name, day), [])
            cell = ws.cell(r, day + first, "/".join(codes) or ("leave" if day in leave else None))
            cell.alignment = Alignment(horizontal="center")
            cell.border = THIN
            if codes:
                cell.fill = colours[codes[0]]
            elif day in leave:
                cell.fill = LEAVE_FILL
            elif (
                period.weekday(day) >= 5
                or (period.start + timedelta(days=day)) in spec.bank_holidays
            ):
                cell.fill = WEEKEND_FILL if period.weekday(day) >= 5 else BANK_FILL
    ws.freeze_panes = "C3"
    gaps_row = len(spec.doctors) + 4  # after a blank row: the grid of doctors ends there
    if spec.gaps:
        by_day: dict[int, list[str]] = {}
        for g in result.unfilled:
            label = g.shift if g.count == 1 else f"{g.count}x{g.shift}"
            by_day.setdefault(period.day_index(g.day), []).append(label)
        ws.cell(gaps_row, 1, "GAPS (locum)").font = BOLD
        ws.cell(gaps_row, 2, len(result.unfilled) and sum(g.count for g in result.unfilled))
        for day, labels in by_day.items():
            cell = ws.cell(gaps_row, day + first, "/".join(labels))
            cell.fill = GAP_FILL
            cell.alignment = Alignment(horizontal="center")
            cell.border = THIN
        gaps_row += 2
    # the key: each description in column A beside its colour and code in column B, both
    # among the columns printed on every page (text in the first date's column would be
    # cut off on every page after the first); long descriptions wrap
    key_row = gaps_row
    ws.cell(key_row, 1, "Key").font = BOLD
    entries: list[tuple[str, str, PatternFill]] = []
    for s in spec.shifts:
        end = (s.start + s.minutes) % (24 * 60)
        text = (
            f"{s.name or s.code}: {s.start // 60:02d}:{s.start % 60:02d}-"
            f"{end // 60:02d}:{end % 60:02d}{' on call' if s.on_call else ''}"
        )
        entries.append((text, s.code, colours[s.code]))
    entries += [
        ("annual or other leave", "leave", LEAVE_FILL),
        ("Saturday, Sunday", "", WEEKEND_FILL),
    ]
    if spec.gaps:
        entries.append(("a duty no doctor could fill: for a locum (Gaps sheet)", "", GAP_FILL))
    for d, n in sorted(spec.bank_holidays.items()):
        entries.append((f"{d:%a %d/%m}: {n}", "BH", BANK_FILL))
    for i, (text, code, fill) in enumerate(entries, start=key_row + 1):
        ws.cell(i, 1, text).alignment = Alignment(wrap_text=True, vertical="center")
        swatch = ws.cell(i, 2, code or None)
        swatch.fill = fill
        swatch.alignment = Alignment(horizontal="center", vertical="center")
        swatch.border = THIN
        # spreadsheets do not size a wrapped row's height themselves on opening
        lines = max(1, -(-len(text) // KEY_CHARS))
        if lines > 1:
            ws.row_dimensions[i].height = 15 * lines
    print_setup(ws, spec.name, period.start, period.start + timedelta(days=period.days - 1))


# printed: a fortnight of days a page beside the doctor and grade columns (landscape A4 at
# 100 %: 3.6 cm + 1.3 cm + 14 x 1.3 cm, a bank holiday 1.7 cm; measured in LibreOffice, a
# Christmas fortnight with three fits within 0.25" side margins), the names and the dates
# repeated on every page
PRINT_DAYS = 14
# the page's height for rows (A4 landscape, 595 pt, less the top and bottom margins below),
# a row of no set height as Excel draws it (LibreOffice draws 12.8 pt: this errs safe), and
# the smallest scale a page is shrunk to so that the grid and its key fit one page high (a
# hand-written 15-doctor rota with four bank holidays printed each fortnight's key but its
# last row, which had a page to itself); a grid taller than that breaks across pages at
# 100 %, the names and dates repeated on each
TOP_BOTTOM_INCHES = 0.6  # room for the key under the names
PAGE_ROWS_PT = 595.3 - 2 * TOP_BOTTOM_INCHES * 72
ROW_PT = 15.0
LEAST_SCALE = 75


def print_setup(ws: Worksheet, name: str, first: date, last: date) -> None:
    """The Rota sheet ready to print and publish: landscape A4, a page break every
    fortnight, the doctor and grade columns and the two date rows on every page, the rota's
    name and period as the page title, page numbers at the foot."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    tall = sum(ws.row_dimensions[r].height or ROW_PT for r in range(1, ws.max_row + 1))
    fit = int(100 * PAGE_ROWS_PT / tall)
    ws.page_setup.scale = 100 if fit >= 100 or fit < LEAST_SCALE else fit
    ws.print_title_cols = "A:B"
    ws.print_title_rows = "1:2"
    ws.page_margins.left = ws.page_margins.right = 0.25  # a fortnight with 3 bank holidays fits
    ws.page_margins.top = ws.page_margins.bottom = TOP_BOTTOM_INCHES
    ws.page_margins.header = ws.page_margins.footer = 0.2
    days = (last - first).days + 1
    for day in range(PRINT_DAYS, days, PRINT_DAYS):
        ws.col_breaks.append(Break(id=day + 2))  # after the day's column (A, B come first)
    title = f"{name}: {first:%a %d %b %Y} to {last:%a %d %b %Y}"
    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None and footer is not None
    header.center.text = title.replace("&", "&&")
    header.center.size = 12
    header.center.font = "Calibri,Bold"
    footer.center.text = "Page &P of &N"
    footer.right.text = "rota-solve"


def add_cover_sheet(wb: Workbook, result: BuildResult) -> None:
    spec = result.spec
    assert result.rota is not None
    ws = wb.create_sheet("Cover")
    header = ["date", "day"]
    for s in spec.shifts:
        header += [f"{s.code} required", f"{s.code} rostered"]
        if spec.gaps:
            header.append(f"{s.code} unfilled")
    short: dict[tuple[int, str], int] = {}
    for g in result.unfilled:
        key = (spec.period.day_index(g.day), g.shift)
        short[key] = short.get(key, 0) + g.count
    append_header(ws, header)
    needs = cover_index(spec)
    counts: dict[tuple[int, str], int] = {}
    for duty in result.rota.duties:
        key = (spec.period.day_index(duty.start.date()), duty.shift)
        counts[key] = counts.get(key, 0) + 1
    for day in range(spec.period.days):
        d = spec.period.start + timedelta(days=day)
        row: list[object] = [d, d.strftime("%a")]
        for s in spec.shifts:
            wanted = needs.get((day, s.code), [])
            least, most = sum(n.doctors for n in wanted), sum(n.upper for n in wanted)
            required: object = least if least == most else f"{least}-{most}"
            row += [required, counts.get((day, s.code), 0)]
            if spec.gaps:
                row.append(short.get((day, s.code), 0) or None)
        ws.append(row)
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
    autosize(ws)


def add_summary_sheet(wb: Workbook, result: BuildResult, output: Path) -> None:
    ws = wb.create_sheet("Summary")
    spec = result.spec
    gap = result.gap
    rows: list[tuple[str, object]] = [
        ("rota", spec.name),
        ("spec", spec.source),
        ("output", str(output)),
        ("status", result.status),
        ("proven optimal", "yes" if result.status == "OPTIMAL" else "no"),
        ("stopped by", result.stopped or ""),
        ("cost (pay a year, GBP)", result.cost),
        ("bound (GBP)", result.bound),
        ("gap", None if gap is None else round(gap, 6)),
        ("seconds", round(result.seconds, 2)),
        ("seed", result.seed),
        ("workers", result.workers),
        (
            "time limit",
            f"{spec.solve.time_limit:g} s,"
            f" {'deterministic' if spec.solve.reproducible else 'wall-clock'}",
        ),
        (
            "reproducible",
            "yes: the same seed and workers give this rota"
            if result.reproducible
            else (
                f"no ({result.stopped})"
                if spec.solve.reproducible
                else "no (wall-clock time limit; set reproducible = yes for a reproducible run)"
            ),
        ),
        ("rules", spec.rules),
        ("pay year", spec.pay_year),
        ("start date", spec.period.start),
        ("weeks", spec.period.weeks),
        ("repeats", "yes" if spec.period.repeats else "no"),
        ("fairness", "hard" if spec.fairness.hard else "soft (not enforced)"),
        ("fair nights band", spec.fairness.nights_band),
        ("fair weekend duties band", spec.fairness.weekends_band),
        ("fair hours band (h/week)", spec.fairness.hours_band),
        ("gaps allowed", f"yes, at £{spec.gap_price:g} an hour" if spec.gaps else "no"),
        ("duties unfilled (gaps)", sum(g.count for g in result.unfilled)),
        ("gap hours", sum(g.count * g.hours for g in result.unfilled)),
        ("gap cost a year (GBP, apart from pay)", result.unfilled_cost),
        ("gap cost in the rota period (GBP)", sum(g.price for g in result.unfilled)),
        ("requests not met", len(result.unmet_requests)),
        ("request penalty (GBP)", result.penalty_pence / 100),
        ("model variables", result.model_size.get("variables")),
        ("model constraints", result.model_size.get("constraints")),
        ("rota-solve", _version("rota-solve")),
        ("ortools", _version("ortools")),
        ("python", platform.python_version()),
    ]
    append_header(ws, ["item", "value"])
    for k, v in rows:
        ws.append([k, clean(v)])
        if k == "start date":
            ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd"
    if result.unmet_requests:
        ws.append([])
        ws.append(["requests not met", "doctor", "date", "shift", "weight"])
        for r in result.unmet_requests:
            ws.append(["", r.doctor, r.day, r.shift, r.weight])
            ws.cell(ws.max_row, 3).number_format = "yyyy-mm-dd"
    autosize(ws)


def add_gaps_sheet(wb: Workbook, result: BuildResult) -> None:
    ws = wb.create_sheet("Gaps")
    append_header(
        ws,
        ["date", "day", "shift", "grades", "doctors", "hours", "price", "a year"],
        freeze=True,
    )
    for g in result.unfilled:
        ws.append(
            [g.day, f"{g.day:%a}", g.shift, g.grades or "any", g.count, g.hours, g.price, g.a_year]
        )
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 7).number_format = "£#,##0.00"
        ws.cell(ws.max_row, 8).number_format = "£#,##0.00"
    if not result.unfilled:
        ws.append(["Every cover need is filled: no gaps."])
    else:
        ws.append([])
        total = sum(g.count for g in result.unfilled)
        hours = sum(g.count * g.hours for g in result.unfilled)
        period = sum(g.price for g in result.unfilled)
        ws.append(["total", None, None, None, total, hours, period, result.unfilled_cost])
        ws.cell(ws.max_row, 7).number_format = "£#,##0.00"
        ws.cell(ws.max_row, 8).number_format = "£#,##0.00"
    autosize(ws)


def add_template_sheet(wb: Workbook, result: BuildResult) -> None:
    """A line rota's template (README: Line rotas): one row per weekly line, a column per
    day of the week (from the start date's weekday), the line's hours, and the doctor who
    works it in the first week (each doctor moves to the next line every week)."""
    spec = result.spec
    assert result.rota is not None
    ws = wb.create_sheet("Template", 1)
    period = spec.period
    days = [(period.start + timedelta(days=i)).strftime("%a") for i in range(7)]
    append_header(ws, ["line", *days, "hours", "weekend", "week 1"], freeze=True)
    colours = shift_fills(spec)
    hours = [0.0] * period.weeks  # each line's: the first doctor's week n is line n
    for d in result.rota.duties:
        if d.doctor == spec.doctors[0].name:
            hours[period.day_index(d.start.date()) // 7] += d.worked_hours
    for n, line in enumerate(template(spec, result.rota.duties), start=1):
        weekend = any(line[i] for i in range(7) if period.weekday(i) >= 5)
        ws.append(
            [
                n,
                *line,
                round(hours[n - 1], 2),
                "yes" if weekend else "",
                spec.doctors[n - 1].name,
            ]
        )
        for i, cell in enumerate(line):
            if cell:
                c = ws.cell(ws.max_row, i + 2)
                c.fill = colours.get(cell.split("+")[0], HEADER_FILL)
                c.alignment = Alignment(horizontal="center")
    autosize(ws)  # before the note below, which runs on across the empty cells
    ws.append([])
    ws.append(
        [
            f"Each doctor works the line beside their name in week 1 ({period.start:%d %b %Y}),"
            f" the next line each week after, line 1 after line {period.weeks}."
        ]
    )
    ws.oddHeader.center.text = f"{spec.name}: line rota template".replace("&", "&&")


def write_build(result: BuildResult, target: Path, *, spec_path: Path) -> None:
    assert result.rota is not None and result.check is not None
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    add_rota_grid(wb, result)
    if result.spec.rota_type == "line":
        add_template_sheet(wb, result)
    rota_sheets(wb, result.rota)
    if result.spec.rota_type == "line":
        wb["Settings"].append(["rota_type", "line"])
    add_pay_sheet(wb, result.check)
    add_cover_sheet(wb, result)
    if result.spec.gaps:
        add_gaps_sheet(wb, result)
    add_checks_sheet(wb, result.check)
    add_summary_sheet(wb, result, target)
    wb.move_sheet("Summary", offset=-(len(wb.sheetnames) - 2))
    for ws in wb.worksheets:
        if ws.title != "Rota":  # the grid prints a fortnight a page (print_setup)
            print_as_table(ws)
    with atomic_path(target, protect=[spec_path]) as tmp:
        wb.save(tmp)
