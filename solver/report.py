"""Showing a check in the terminal (rich). The report workbook with `Checks` and `Pay`
sheets is report_sheets.py: `check` loads openpyxl only when it writes one."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rota_solve.constraints import PATTERNS, RULES, Breach
from rota_solve.solver.checker import CheckResult

CITATIONS = {r.id: r.citation for r in [*RULES, *PATTERNS]}
TITLES = {r.id: r.title for r in [*RULES, *PATTERNS]}
PAY_COLUMNS = [
    ("doctor", "Doctor"),
    ("grade", "Grade"),
    ("basic", "Basic"),
    ("additional_hours", "Additional hours"),
    ("night_enhancement", "Night enhancement"),
    ("weekend_allowance", "Weekend allowance"),
    ("on_call_allowance", "On-call allowance"),
    ("ltft_allowance", "LTFT allowance"),
    ("flexible_pay_premia", "Flexible pay premia"),
    ("london_weighting", "London weighting"),
    ("total", "Total"),
    ("average_weekly_hours", "Avg weekly hours"),
    ("enhanced_hours", "Enhanced h/week"),
    ("weekend_frequency", "Weekends"),
    ("days_in_lieu", "Days in lieu"),
    ("salary_basis", "Salary basis"),
]


MONEY_END = [k for k, _ in PAY_COLUMNS].index("total") + 1  # the money columns end here


def _money(x: float | None) -> str:
    return "-" if x is None else f"£{x:,.2f}"


def print_report(result: CheckResult, console: Console) -> None:
    rota = result.rota
    p = rota.period
    kind = "repeating cycle" if p.repeats else "one-off period"
    last = p.end - timedelta(days=1)
    console.print(
        f"[bold]{escape(rota.name)}[/bold]: {len(rota.doctors)} doctors, {len(rota.duties)}"
        f" duties, {p.weeks}-week {kind} {p.start:%a %Y-%m-%d}..{last:%a %Y-%m-%d}; rules"
        f" {escape(result.rule_set.name)}; pay year {result.pay_year.year}",
        highlight=False,
    )
    for warning in rota.warnings:
        console.print(f"[bold yellow]warning[/bold yellow]: {escape(warning)}", highlight=False)
    if result.breaches:
        _findings(console, result.breaches, "breach(es)")
        counts: dict[str, int] = {}
        for b in result.breaches:
            counts[b.rule] = counts.get(b.rule, 0) + 1
        summary = ", ".join(f"{TITLES.get(k, k)} {v}" for k, v in counts.items())
        console.print(
            f"[bold red]{len(result.breaches)} breach(es)[/bold red]: {escape(summary)}",
            highlight=False,
        )
    else:
        console.print("[bold green]Compliant[/bold green]: no breach of any rule checked.")
    if result.patterns:
        console.print(
            f"[bold yellow]{len(result.patterns)} pattern finding(s)[/bold yellow] (trust policy"
            " in Settings, not the contract):",
            highlight=False,
        )
        _findings(console, result.patterns, "pattern finding(s)")
    print_pay(result, console)
    missing = [p.doctor for p in result.pay if p.total is None]
    if missing:
        console.print(
            f"Pay not shown for {escape(', '.join(missing))}: no contract grade (FY1-ST8) or"
            " basic_salary on the Doctors sheet.",
            highlight=False,
        )


def _findings(console: Console, found: list[Breach], noun: str) -> None:
    """One table per doctor: the rule as people say it, its id, severity, start, value,
    limit, what was measured and the fix where there is one."""
    by_doctor: dict[str, list[Breach]] = {}
    for b in found:
        by_doctor.setdefault(b.doctor, []).append(b)
    for doctor, items in by_doctor.items():
        table = Table(title=f"{escape(doctor)}: {len(items)} {noun}", title_justify="left")
        table.add_column("rule", overflow="fold", min_width=12)
        table.add_column("severity", no_wrap=True)
        table.add_column("start", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("limit", justify="right", no_wrap=True)
        table.add_column("what", overflow="fold", ratio=1)
        for b in items:
            d = b.as_dict()
            what = escape(b.message)
            if b.fix:
                what += f"\n[bold]Fix:[/bold] {escape(b.fix)}"
            table.add_row(
                f"{escape(TITLES.get(b.rule, b.rule))}\n[dim]{b.rule}[/dim]",
                b.severity,
                d["start"].replace("T", " "),
                str(d["value"]),
                str(d["limit"]),
                what,
            )
        console.print(table)


def print_pay(result: CheckResult, console: Console) -> None:
    """The pay table, split into as many tables as the terminal's width needs (each
    repeating the doctor), so no column is ever cut off."""
    columns = [
        (title, key in ("doctor", "grade", "weekend_frequency", "days_in_lieu"))
        for key, title in PAY_COLUMNS[:-1]
    ]
    rows = []
    for line in result.pay:
        d = line.as_dict()
        rows.append(
            [
                line.doctor,
                line.grade or "-",
                *[_money(d[k]) for k, _ in PAY_COLUMNS[2:MONEY_END]],
                f"{line.average_weekly_hours:.2f}",
                f"{line.enhanced_hours:.2f}",
                line.weekend_frequency,
                f"{line.days_in_lieu:g}",
            ]
        )

    def width(col: int) -> int:  # the widest cell, or the header's longest word
        cells = [len(r[col]) for r in rows]
        words = [len(w) for w in columns[col][0].split()]
        return max([*cells, *words, 1])

    def table(group: list[int], title: str) -> Table:
        out = Table(title=title, title_justify="left")
        for col in [0, *group]:
            name, left = columns[col]
            out.add_column(name, justify="left" if left else "right", width=width(col))
        for r in rows:
            out.add_row(*[escape(r[c]) for c in [0, *group]])
        return out

    # fixed column widths: a table is 1 + the sum of (width + 3) characters wide
    groups: list[list[int]] = [[]]
    used = 1 + width(0) + 3
    for col in range(1, len(columns)):
        if groups[-1] and used + width(col) + 3 > console.width:
            groups.append([])
            used = 1 + width(0) + 3
        groups[-1].append(col)
        used += width(col) + 3
    title = f"Pay a year ({result.pay_year.year})"
    for n, group in enumerate(groups):
        suffix = f" ({n + 1} of {len(groups)})" if len(groups) > 1 else ""
        console.print(table(group, title + suffix))
