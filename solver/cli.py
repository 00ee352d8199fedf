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


def _err() -> Console:
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=160)


def _fail(exc: InputError) -> None:
    _err().print(f"[bold red]error[/bold red]: {exc}", highlight=False)
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


@app.command()
def build(
    spec: Annotated[Path, typer.Argument(help="spec workbook (.xlsx)")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="rota workbook to write")
    ] = None,
    rules: Annotated[str | None, typer.Option(help="rule set: 2016 or 2019")] = None,
    time_limit: Annotated[
        float | None, typer.Option(min=0.1, help="solver seconds (deterministic)")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="solver seed")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="solver workers")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Build a compliant, least-cost, fair rota from a spec workbook."""
    from rota_solve.solver.build_writer import write_build
    from rota_solve.solver.explain import explain
    from rota_solve.solver.solve import Progress, RecheckError, solve
    from rota_solve.solver.spec_io import read_spec

    err = _err()
    try:
        parsed = read_spec(spec, rules=rules)
        changes = {}
        if time_limit is not None:
            changes["time_limit"] = time_limit
        if seed is not None:
            changes["seed"] = seed
        if workers is not None:
            changes["workers"] = workers
        if changes:
            parsed = parsed.model_copy(update={"solve": parsed.solve.model_copy(update=changes)})
        target = output or spec.with_name(f"{spec.stem}-rota.xlsx")
        if target.exists() and target.resolve() == spec.resolve():
            raise InputError(f"{target} is the spec: choose another output file name")
        from rota_solve.solver.explain import capacity_problems

        problems = capacity_problems(parsed)
    except InputError as exc:
        _fail(exc)
        return
    if problems:
        _no_rota(err, parsed, problems, as_json, "INFEASIBLE", 0.0)
        raise typer.Exit(1)

    from rich.live import Live

    def line(p: Progress) -> str:
        cost = "-" if p.cost is None else f"£{p.cost / 100:,.2f}"
        bound = "-" if p.bound is None else f"£{p.bound / 100:,.2f}"
        gap = ""
        if p.cost and p.bound is not None:
            gap = f" · gap {max(0.0, (p.cost - p.bound) / p.cost):.2%}"
        return f"solving {p.seconds:6.1f} s · best {cost} · bound {bound}{gap}"

    show = err.is_terminal and not as_json
    try:
        with Live(
            "solving ...", console=err, transient=True, auto_refresh=show, refresh_per_second=4
        ) as live:
            result = solve(parsed, on_progress=(lambda p: live.update(line(p))) if show else None)
    except RecheckError as exc:
        err.print(f"[bold red]error[/bold red]: {exc}. No rota was written.")
        raise typer.Exit(3) from None
    if not result.found:
        reasons = explain(parsed, result)
        _no_rota(err, parsed, reasons, as_json, result.status, result.seconds)
        raise typer.Exit(1)
    try:
        write_build(result, target, spec_path=spec)
    except InputError as exc:
        _fail(exc)
        return
    out = {
        "status": result.status,
        "cost": result.cost,
        "bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 6),
        "seconds": round(result.seconds, 2),
        "output": str(target),
    }
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        console = _console()
        proven = (
            "proven optimal"
            if result.status == "OPTIMAL"
            else (
                f"not proven optimal (stopped by {result.stopped}; gap {out['gap']:.2%})"
                if result.gap is not None
                else f"not proven optimal ({result.stopped})"
            )
        )
        console.print(
            f"[bold green]Compliant rota[/bold green] for {len(parsed.doctors)} doctors,"
            f" {parsed.period.weeks} weeks: pay £{result.cost:,.2f} a year, {proven};"
            f" {result.seconds:.1f} s, seed {result.seed}, {result.workers} worker(s)."
        )
        if result.unmet_requests:
            console.print(f"{len(result.unmet_requests)} request(s) not met (see Summary).")
        console.print(f"Written to {target}")
    raise typer.Exit(0)


def _no_rota(
    err: Console, spec: object, reasons: list[str], as_json: bool, status: str, seconds: float
) -> None:
    if as_json:
        out = {
            "status": status,
            "cost": None,
            "bound": None,
            "gap": None,
            "seconds": round(seconds, 2),
            "output": None,
            "why": reasons,
        }
        sys.stdout.write(json.dumps(out) + "\n")
        return
    err.print("[bold red]No compliant rota[/bold red]:", highlight=False)
    for r in reasons:
        err.print(f"  - {r}", highlight=False)


def main() -> None:
    app()
