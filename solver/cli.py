"""The command line: `rota-solve check` (and `python -m rota_solve check`).

Exit codes for every command: 0 done and compliant, 1 breaches found, 2 unreadable or
invalid input (one clear message naming the sheet, row and column; never a traceback).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rota_solve.solver.errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build and check rotas for resident doctors in England (2016 TCS, 2019 refresh).",
)


def _console() -> Console:
    """A terminal gets its own width; a pipe or file gets wide lines, not 80 columns."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _fail(exc: InputError) -> None:
    Console(stderr=True).print(f"[bold red]error[/bold red]: {exc}", highlight=False)
    raise typer.Exit(2)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    from rota_solve.solver.values import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise InputError(f"--start-date: {exc}") from None


@app.callback()
def _root() -> None:
    """rota-solve: build and check resident doctors' rotas."""


@app.command()
def check(
    rota: Annotated[Path, typer.Argument(help="rota workbook (.xlsx) or Assignments table (.csv)")],
    rules: Annotated[str | None, typer.Option(help="rule set: 2016 or 2019")] = None,
    pay_year: Annotated[str | None, typer.Option(help="pay year, e.g. 2025/26")] = None,
    start_date: Annotated[
        str | None, typer.Option(help="first day of the rota (YYYY-MM-DD)")
    ] = None,
    weeks: Annotated[int | None, typer.Option(min=1, help="length of the rota in weeks")] = None,
    repeats: Annotated[
        bool | None,
        typer.Option("--repeats/--no-repeats", help="the rota is a repeating cycle (or one-off)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    report: Annotated[
        Path | None, typer.Option(help="also write a report workbook (Checks, Pay) here")
    ] = None,
) -> None:
    """Check a rota: every breach of the safe-working limits, and each doctor's pay."""
    from rota_solve.solver.checker import check_rota
    from rota_solve.solver.report import print_report, write_check_report
    from rota_solve.solver.rota_io import Overrides, read_rota

    try:
        overrides = Overrides(
            rules=rules,
            pay_year=pay_year,
            start_date=_date(start_date),
            weeks=weeks,
            repeats=repeats,
        )
        parsed = read_rota(rota, overrides)
        result = check_rota(parsed)
        if report is not None:
            write_check_report(result, report, input_path=rota)
    except InputError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=1) + "\n")
    else:
        console = _console()
        print_report(result, console)
        if report is not None:
            console.print(f"Report written to {report}")
    raise typer.Exit(0 if result.compliant else 1)


def main() -> None:
    app()
