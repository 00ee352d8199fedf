"""The Bench workbook (workbook-format.md, Bench workbook): `Comparison` (a row a scenario),
`Pay` (scenario x doctor), a native Excel chart of the pay elements per scenario, and
`Scenarios` (the changes, as read). Written atomically, never over the spec."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rota_solve.solver.bench import Outcome, Task, established
from rota_solve.solver.outputs import atomic_path
from rota_solve.solver.pay import PAY_ELEMENTS
from rota_solve.solver.sheets import append_header, autosize, clean

COMPARISON = [
    "scenario",
    "status",
    "proven or gap",
    "pay total (GBP a year)",
    "change from base (GBP)",
    "change from base (%)",
    "difference",
    *[f"{e} (GBP)" for e in PAY_ELEMENTS],
    "doctors",
    "WTE",
    "pay per WTE (GBP)",
    "highest average weekly hours",
    "nights per WTE (least-most)",
    "weekends per WTE (least-most)",
    "unmet requests",
    "fewest doctors",
    "seconds",
    "why no rota",
]


def _range(pair: tuple[float, float] | None) -> str | None:
    return None if pair is None else f"{pair[0]:.1f}-{pair[1]:.1f}"


def proven(o: Outcome) -> str | None:
    if not o.found:
        return None
    if o.status == "OPTIMAL":
        return "proven optimal"
    return "gap not known" if o.gap is None else f"gap {o.gap:.2%}"


def comparison_rows(outcomes: list[Outcome]) -> list[list[object]]:
    base = outcomes[0]
    rows: list[list[object]] = []
    for o in outcomes:
        change = pct = None
        if o.found and base.found and o is not base:
            assert o.cost is not None and base.cost is not None
            change = round(o.cost - base.cost, 2)
            pct = round(change / base.cost * 100, 2) if base.cost else None
        per_wte = round(o.cost / o.wte, 2) if o.found and o.cost and o.wte else None
        rows.append(
            [
                o.scenario,
                o.status,
                proven(o),
                o.cost,
                change,
                pct,
                established(o, base) or None,
                *[o.elements.get(e) if o.found else None for e in PAY_ELEMENTS],
                o.doctors or None,
                round(o.wte, 2) or None,
                per_wte,
                None if o.max_weekly_hours is None else round(o.max_weekly_hours, 1),
                _range(o.nights_per_wte),
                _range(o.weekends_per_wte),
                o.unmet_requests if o.found else None,
                o.fewest if o.fewest is not None else o.fewest_note,
                round(o.seconds, 1),
                o.why or (o.fewest_note if o.fewest is not None else None),
            ]
        )
    return rows


def write_bench(
    outcomes: list[Outcome], tasks: list[Task], target: Path, *, protect: list[Path]
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Comparison"
    append_header(ws, COMPARISON, freeze=True)
    for row in comparison_rows(outcomes):
        ws.append([clean(v) for v in row])
    autosize(ws)
    pay = wb.create_sheet("Pay")
    append_header(pay, ["scenario", "doctor", "grade", *PAY_ELEMENTS, "total"], freeze=True)
    for o in outcomes:
        for line in o.pay:
            pay.append(
                [
                    clean(o.scenario),
                    clean(line["doctor"]),
                    line["grade"],
                    *[line[e] for e in PAY_ELEMENTS],
                    line["total"],
                ]
            )
    autosize(pay)
    _chart(wb, len(outcomes))
    sc = wb.create_sheet("Scenarios")
    append_header(sc, ["scenario", "change", "target", "days", "value", "ltft", "row"])
    for t in tasks[1:]:
        for c in t.changes:
            sc.append(
                [clean(v) for v in (t.name, c.kind, c.target, c.days, c.value, c.ltft, c.row)]
            )
    autosize(sc)
    _for_print(wb["Comparison"], titles=1)
    _for_print(wb["Pay"], titles=2)
    with atomic_path(target, protect=protect) as tmp:
        wb.save(tmp)


MONEY = "£#,##0.00;-£#,##0.00"
CHANGE = "+£#,##0.00;-£#,##0.00;£0.00"
TEXT_WIDTH = 36  # the sentence columns wrap at this width
NUMBER_WIDTH = 14  # the number columns: their headers wrap


def _for_print(ws: Worksheet, *, titles: int) -> None:
    """Money as money (the values stay numbers, to the penny), sentences wrapped in their
    cells, headers wrapped above narrow number columns, and the row labels (the first
    `titles` columns, frozen on screen) and the header printed on every page: a printed
    Comparison ran to eight pages across, the scenario names on the first only and the
    reason for no rota cut between pages."""
    header = [c.value for c in ws[1]]
    for idx, name in enumerate(header, start=1):
        letter = get_column_letter(idx)
        text = str(name)
        fmt = None
        if text == "change from base (GBP)":
            fmt = CHANGE
        elif "(GBP" in text or text == "total" or text in PAY_ELEMENTS:
            fmt = MONEY
        elif text == "change from base (%)":
            fmt = "+0.00;-0.00;0.00"
        values = [c for (c,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx)]
        if text in ("difference", "fewest doctors", "why no rota"):
            ws.column_dimensions[letter].width = TEXT_WIDTH
            for c in values:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        elif fmt is not None or all(
            isinstance(c.value, (int, float)) or c.value is None for c in values
        ):
            ws.column_dimensions[letter].width = NUMBER_WIDTH
            for c in values:
                c.alignment = Alignment(vertical="top")
                if fmt is not None:
                    c.number_format = fmt
        else:
            for c in values:
                c.alignment = Alignment(vertical="top")
        ws.cell(1, idx).alignment = Alignment(wrap_text=True, vertical="bottom")
    ws.freeze_panes = f"{get_column_letter(titles + 1)}2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    ws.print_title_cols = f"A:{get_column_letter(titles)}"


def _chart(wb: Workbook, n: int) -> None:
    """A stacked bar chart of each scenario's pay elements (a native Excel chart, on its own
    sheet, fed by the Comparison sheet's element columns)."""
    ws = wb["Comparison"]
    first = COMPARISON.index(f"{PAY_ELEMENTS[0]} (GBP)") + 1
    last = first + len(PAY_ELEMENTS) - 1
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Pay elements per scenario (GBP a year)"
    chart.y_axis.title = "GBP a year"
    chart.x_axis.title = "scenario"
    data = Reference(ws, min_col=first, max_col=last, min_row=1, max_row=n + 1)
    cats = Reference(ws, min_col=1, min_row=2, max_row=n + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height, chart.width = 12, 24
    chart.legend.position = "b"
    sheet = wb.create_sheet("Chart")
    sheet.add_chart(chart, "A1")
    sheet.page_setup.orientation = "landscape"  # printed whole, on one page
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
