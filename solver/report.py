"""Showing a check: a rich terminal report, the JSON of workbook-format.md, and a report
workbook with `Checks` and `Pay` sheets (written atomically, never over the input)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from rich.console import Console
from rich.table import Table

from rota_solve.constraints import RULES
from rota_solve.solver.checker import CheckResult
from rota_solve.solver.sheets import append_header, atomic_path, autosize

CITATIONS = {r.id: r.citation for r in RULES}
PAY_COLUMNS = [
    ("doctor", "Doctor"),
    ("grade", "Grade"),
    ("basic", "Basic"),
    ("additional_hours", "Additional hours"),
    ("night_enhancement", "Night enhancement"),
    ("weekend_allowance", "Weekend allowance"),
    ("on_call_allowance", "On-call allowance"),
    ("ltft_allowance", "LTFT allowance"),
    ("total", "Total"),
    ("average_weekly_hours", "Avg weekly hours"),
    ("enhanced_hours", "Enhanced h/week"),
    ("weekend_frequency", "Weekends"),
    ("salary_basis", "Salary basis"),
]


def _money(x: float | None) -> str:
    return "-" if x is None else f"£{x:,.2f}"


def print_report(result: CheckResult, console: Console) -> None:
    rota = result.rota
    p = rota.period
    kind = "repeating cycle" if p.repeats else "one-off period"
    console.print(
        f"[bold]{rota.name}[/bold]: {len(rota.doctors)} doctors, {len(rota.duties)} duties,"
        f" {p.weeks}-week {kind} from {p.start:%a %Y-%m-%d}; rules {result.rule_set.name};"
        f" pay year {result.pay_year.year}"
    )
    if result.breaches:
        by_doctor: dict[str, list[int]] = {}
        for i, b in enumerate(result.breaches):
            by_doctor.setdefault(b.doctor, []).append(i)
        for doctor, idxs in by_doctor.items():
            table = Table(title=f"{doctor}: {len(idxs)} breach(es)", title_justify="left")
            for col in ("rule", "severity", "start", "value", "limit", "what"):
                table.add_column(col, overflow="fold")
            for i in idxs:
                b = result.breaches[i]
                d = b.as_dict()
                table.add_row(
                    b.rule,
                    b.severity,
                    d["start"].replace("T", " "),
                    str(d["value"]),
                    str(d["limit"]),
                    b.message,
                )
            console.print(table)
        counts: dict[str, int] = {}
        for b in result.breaches:
            counts[b.rule] = counts.get(b.rule, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        console.print(f"[bold red]{len(result.breaches)} breach(es)[/bold red]: {summary}")
    else:
        console.print("[bold green]Compliant[/bold green]: no breach of any rule checked.")
    pay = Table(title=f"Pay a year ({result.pay_year.year})", title_justify="left")
    for _, title in PAY_COLUMNS[:-1]:
        pay.add_column(
            title, justify="left" if title in ("Doctor", "Grade", "Weekends") else "right"
        )
    for line in result.pay:
        d = line.as_dict()
        pay.add_row(
            line.doctor,
            line.grade or "-",
            *[_money(d[k]) for k, _ in PAY_COLUMNS[2:9]],
            f"{line.average_weekly_hours:.2f}",
            f"{line.enhanced_hours:.2f}",
            line.weekend_frequency,
        )
    console.print(pay)
    missing = [p.doctor for p in result.pay if p.total is None]
    if missing:
        console.print(
            f"Pay not shown for {', '.join(missing)}: no contract grade (FY1-ST8) or"
            " basic_salary on the Doctors sheet."
        )


def add_checks_sheet(wb: Workbook, result: CheckResult) -> None:
    ws = wb.create_sheet("Checks")
    ws.append([f"Rule set: {result.rule_set.name} ({result.rule_set.source})"])
    ws.append([f"Pay year: {result.pay_year.year} ({result.pay_year.source})"])
    ws.append([])
    append_header(
        ws, ["doctor", "rule", "severity", "start", "value", "limit", "message", "citation"]
    )
    if not result.breaches:
        ws.append(["No breach of any rule checked: the rota is compliant."])
    for b in result.breaches:
        d = b.as_dict()
        ws.append(
            [
                b.doctor,
                b.rule,
                b.severity,
                b.start,
                d["value"],
                d["limit"],
                b.message,
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
        for col in range(3, 10):
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
