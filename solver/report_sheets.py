"""The report workbook of a check: `Checks` (every breach and pattern finding, with its
citation) and `Pay` (each doctor's pay, workbook-format.md), written atomically, never over
the input. `build` adds the same two sheets to its rota workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from rota_solve.solver.checker import CheckResult
from rota_solve.solver.outputs import atomic_path
from rota_solve.solver.report import CITATIONS, MONEY_END, PAY_COLUMNS
from rota_solve.solver.sheets import append_header, autosize, clean


def add_checks_sheet(wb: Workbook, result: CheckResult) -> None:
    ws = wb.create_sheet("Checks")
    ws.append([clean(f"Rule set: {result.rule_set.name} ({result.rule_set.source})")])
    ws.append([f"Pay year: {result.pay_year.year} ({result.pay_year.source})"])
    if result.patterns:
        ws.append(
            [
                f"{len(result.patterns)} pattern finding(s), severity pattern: trust policy in"
                " Settings, not contract breaches"
            ]
        )
    ws.append([])
    append_header(
        ws, ["doctor", "rule", "severity", "start", "value", "limit", "message", "citation"]
    )
    if not result.breaches:
        ws.append(["No breach of any rule checked: the rota is compliant."])
    for b in [*result.breaches, *result.patterns]:
        d = b.as_dict()
        ws.append(
            [
                b.doctor,
                b.rule,
                b.severity,
                b.start,
                d["value"],
                d["limit"],
                clean(b.message),
                CITATIONS.get(b.rule, ""),
            ]
        )
        ws.cell(ws.max_row, 4).number_format = "yyyy-mm-dd hh:mm"
    autosize(ws)


def add_pay_sheet(wb: Workbook, result: CheckResult) -> None:
    ws = wb.create_sheet("Pay")
    append_header(ws, [key for key, _ in PAY_COLUMNS])
    for line in result.pay:
        d = line.as_dict()
        ws.append([d[k] for k, _ in PAY_COLUMNS])
        for col in range(3, MONEY_END + 1):
            ws.cell(ws.max_row, col).number_format = "£#,##0.00"
    autosize(ws)


def write_check_report(result: CheckResult, target: Path, *, input_path: Path) -> None:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    add_checks_sheet(wb, result)
    add_pay_sheet(wb, result)
    with atomic_path(target, protect=[input_path]) as tmp:
        wb.save(tmp)
