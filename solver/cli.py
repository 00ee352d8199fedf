"""The command line: `rota-solve check`, `rota-solve build` (and `python -m rota_solve`).

Exit codes for every command: 0 done (and compliant), 1 a verdict (breaches found, or no
compliant rota), 2 unreadable or invalid input (one clear message naming the sheet, row and
column; never a traceback), 3 a bug caught by the re-check (nothing written), 130/143 stopped
by Ctrl-C/SIGTERM before anything could be kept.
"""

from __future__ import annotations

import gc
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from rota_solve.solver.errors import InputError

EXIT_CODES = (
    "Exit codes: 0 done (compliant / rota written); 1 breaches found (check) or no compliant"
    " rota (build); 2 unreadable or invalid input, named by sheet, row and column; 3 the"
    " solver's rota failed the independent re-check (a bug: nothing written); 130 or 143"
    " stopped by Ctrl-C or SIGTERM before a rota could be kept."
)

# the rota argument of check and export: anything check reads
RotaPath = Annotated[
    Path, typer.Argument(help="rota workbook (.xlsx), a Rota grid with Shifts, or Assignments .csv")
]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build and check rotas for resident doctors in England (2016 TCS, 2019 refresh).",
    epilog=EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rota-solve")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _console() -> Console:
    """A terminal gets its own width; a pipe or file gets wide lines, not 80 columns."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _err() -> Console:
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=160)


def _fail(exc: InputError) -> None:
    _err().print(f"[bold red]error[/bold red]: {exc}", highlight=False, markup=True)
    raise typer.Exit(2)


def _interrupted(name: str, code: int) -> None:
    _err().print(f"[bold red]stopped[/bold red] by {name}: nothing was written.")
    raise typer.Exit(code)


def _date(value: str | None, option: str = "--start-date") -> date | None:
    if value is None:
        return None
    from rota_solve.solver.values import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"rota-solve {_version()}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """rota-solve: build and check resident doctors' rotas."""


@app.command(epilog=EXIT_CODES)
def check(
    rota: RotaPath,
    rules: Annotated[
        str | None, typer.Option(help="rule set: 2016 or 2019 (default: Settings, else 2019)")
    ] = None,
    pay_year: Annotated[
        str | None,
        typer.Option(help="pay year, e.g. 2025/26 (default: Settings, else the latest held)"),
    ] = None,
    start_date: Annotated[
        str | None,
        typer.Option(
            help="first day of the rota (YYYY-MM-DD) [default: Settings, else the Monday on or"
            " before the first duty]"
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=104,
            help="length of the rota in weeks (default: Settings, else enough for every duty)",
        ),
    ] = None,
    repeats: Annotated[
        bool | None,
        typer.Option(
            "--repeats/--no-repeats",
            help="the rota is a repeating cycle, or a one-off period (default: Settings (yes"
            " when it omits it); one-off without Settings)",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="also write a report workbook (Checks, Pay) here; never the input"),
    ] = None,
) -> None:
    """Check a rota: every breach of the safe-working limits, and each doctor's pay."""
    from rota_solve.solver.checker import check_rota
    from rota_solve.solver.outputs import check_output
    from rota_solve.solver.report import print_report
    from rota_solve.solver.rota_io import Overrides, read_rota

    try:
        if report is not None:
            check_output(report, protect=[rota])
        overrides = Overrides(
            rules=rules,
            pay_year=pay_year,
            start_date=_date(start_date),
            weeks=weeks,
            repeats=repeats,
        )
        # reading and checking a year's rota make ~150,000 objects and no garbage that
        # needs the cycle collector, whose passes over them took 0.07 s of the command's
        # 1.0 s (60 doctors x 52 weeks, benchmarks/bench_check.py); it runs again after
        gc.disable()
        try:
            parsed = read_rota(rota, overrides)
            result = check_rota(parsed)
        finally:
            gc.enable()
        if report is not None:  # openpyxl is loaded only to write one (0.06 s)
            from rota_solve.solver.report_sheets import write_check_report

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


@app.command(epilog=EXIT_CODES)
def build(
    spec: Annotated[Path, typer.Argument(help="spec workbook (.xlsx)")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="rota workbook to write (default: SPEC-rota.xlsx beside the spec)",
            show_default=False,
        ),
    ] = None,
    rules: Annotated[
        str | None,
        typer.Option(help="rule set: 2016 or 2019 (default: Settings rules, else 2019)"),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            max=86_400,
            help="solver seconds: wall-clock, or deterministic when reproducible (default:"
            " Settings time_limit, else 60)",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, max=2**31 - 1, help="solver seed (default: Settings seed, else 0)"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="solver workers (default: Settings workers, else 2)"),
    ] = None,
    reproducible: Annotated[
        bool | None,
        typer.Option(
            "--reproducible/--wall-clock",
            help="reproducible: the time limit is deterministic seconds and the same seed and"
            " workers give the same rota; wall-clock: the time limit is wall seconds (default:"
            " Settings reproducible, else wall-clock)",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Build a compliant, least-cost, fair rota from a spec workbook."""
    from rota_solve.solver.signals import Signals, exit_code

    with Signals() as signals:
        try:
            _build(spec, output, rules, time_limit, seed, workers, reproducible, as_json, signals)
        except KeyboardInterrupt:
            _interrupted(signals.name or "Ctrl-C", exit_code(signals.received))


def _build(
    spec: Path,
    output: Path | None,
    rules: str | None,
    time_limit: float | None,
    seed: int | None,
    workers: int | None,
    reproducible: bool | None,
    as_json: bool,
    signals: object,
) -> None:
    from rota_solve.solver.build_writer import write_build
    from rota_solve.solver.capacity import shortfalls
    from rota_solve.solver.explain import explain
    from rota_solve.solver.outputs import check_output
    from rota_solve.solver.signals import Signals, exit_code
    from rota_solve.solver.solve import Progress, RecheckError, solve
    from rota_solve.solver.spec_io import read_spec

    assert isinstance(signals, Signals)
    err = _err()
    try:
        target = output or spec.with_name(f"{spec.stem}-rota.xlsx")
        if target.exists() and spec.exists() and target.resolve() == spec.resolve():
            raise InputError(f"{target} is the spec: choose another output file name")
        check_output(target, protect=[spec])  # before any work: a bad path fails at once
        parsed = read_spec(spec, rules=rules)
        changes: dict[str, object] = {}
        if time_limit is not None:
            changes["time_limit"] = time_limit
        if seed is not None:
            changes["seed"] = seed
        if workers is not None:
            changes["workers"] = workers
        if reproducible is not None:
            changes["reproducible"] = reproducible
        if changes:
            parsed = parsed.model_copy(update={"solve": parsed.solve.model_copy(update=changes)})
        problems = [] if parsed.gaps else shortfalls(parsed)  # gaps fill any shortfall
    except InputError as exc:
        _fail(exc)
        return
    if problems:
        reasons = explain(parsed, None)
        _no_rota(err, reasons, as_json, "INFEASIBLE", 0.0)
        raise typer.Exit(1)

    from rich.live import Live

    limit = parsed.solve.time_limit
    deterministic = parsed.solve.reproducible

    def line(p: Progress) -> str:
        cost = "-" if p.cost is None else f"£{p.cost / 100:,.2f}"
        bound = "-" if p.bound is None else f"£{p.bound / 100:,.2f}"
        gap = ""
        if p.cost and p.bound is not None:
            gap = f" · gap {max(0.0, (p.cost - p.bound) / p.cost):.2%}"
        left = (
            f"limit {limit:g} deterministic s"
            if deterministic
            else f"{max(0.0, limit - p.seconds):.0f} s left"
        )
        if p.stage:  # a long period, grown a few weeks at a time (a whole rota, or none yet)
            best = "" if p.cost is None else f"best {cost} · "
            return f"solving {p.seconds:6.1f} s ({left}) · {best}{p.stage}"
        return (
            f"solving {p.seconds:6.1f} s ({left}) · best {cost} · bound {bound}{gap}"
            " · Ctrl-C keeps the best rota"
        )

    show = err.is_terminal and not as_json
    try:
        with Live(
            "solving ...", console=err, transient=True, auto_refresh=show, refresh_per_second=4
        ) as live:
            result = solve(
                parsed,
                on_progress=(lambda p: live.update(line(p))) if show else None,
                signals=signals,
            )
    except RecheckError as exc:
        err.print(f"[bold red]error[/bold red]: {exc}. No rota was written.")
        raise typer.Exit(3) from None
    if not result.found and signals.received is not None:
        # stopped by the signal before any rota was found: not a verdict on the spec
        _interrupted(signals.name, exit_code(signals.received))
    if not result.found:
        reasons = explain(parsed, result)
        _no_rota(err, reasons, as_json, result.status, result.seconds)
        raise typer.Exit(1)
    try:
        with signals.during("defer"):  # a signal now waits until the rota is written
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
        "gaps": sum(g.count for g in result.unfilled),
        "gap_cost": result.unfilled_cost,
    }
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        console = _console()
        proven = (
            "proven optimal"
            if result.status == "OPTIMAL"
            else (
                f"not proven optimal (stopped by {result.stopped}; gap {_gap(result)})"
                if result.gap is not None
                else f"not proven optimal (stopped by {result.stopped})"
            )
        )
        kind = "line rota (see the Template sheet)" if parsed.rota_type == "line" else "rota"
        console.print(
            f"[bold green]Compliant {kind}[/bold green] for {len(parsed.doctors)} doctors,"
            f" {parsed.period.weeks} weeks: pay £{result.cost:,.2f} a year, {proven};"
            f" {result.seconds:.1f} s, seed {result.seed}, {result.workers} worker(s)."
        )
        if result.unfilled:
            n = sum(g.count for g in result.unfilled)
            console.print(
                f"[bold yellow]{n} duties left for a locum[/bold yellow]:"
                f" £{result.unfilled_cost:,.2f} at £{parsed.gap_price:g} an hour, apart from"
                " the pay (see the Gaps sheet)."
            )
        if result.unmet_requests:
            console.print(f"{len(result.unmet_requests)} request(s) not met (see Summary).")
        console.print(f"Written to {target}")
    raise typer.Exit(0)


def _gap(result: Any) -> str:
    """The gap as a percentage, and in pounds where the percentage rounds to nothing."""
    text = f"{result.gap:.2%}"
    if result.gap > 0 and text == "0.00%":
        above = result.cost_pence + result.unfilled_pence - result.bound_pence
        text += f", £{above / 100:,.2f} above its bound"
    return text


def _no_rota(err: Console, reasons: list[str], as_json: bool, status: str, seconds: float) -> None:
    if as_json:
        out = {
            "status": status,
            "cost": None,
            "bound": None,
            "gap": None,
            "seconds": round(seconds, 2),
            "output": None,
            "gaps": None,
            "gap_cost": None,
            "why": reasons,
        }
        sys.stdout.write(json.dumps(out) + "\n")
        return
    err.print("[bold red]No compliant rota[/bold red]:", highlight=False)
    for r in reasons:
        err.print(f"  - {r}", highlight=False, markup=False)


@app.command(epilog=EXIT_CODES)
def bench(
    spec: Annotated[Path, typer.Argument(help="spec workbook (.xlsx); its Scenarios sheet")],
    scenarios: Annotated[
        Path | None,
        typer.Option(help="a workbook whose Scenarios sheet to run (default: the spec's)"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="bench workbook to write (default: SPEC-bench.xlsx beside the spec)",
            show_default=False,
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="a dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of"
            " worker processes sized to this machine)"
        ),
    ] = None,
    connect_timeout: Annotated[
        float,
        typer.Option(
            min=0.1,
            max=3600,
            help="seconds to keep trying to reach --scheduler before giving it up",
        ),
    ] = 10.0,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=256,
            help="local worker processes (default: cores / the spec's solver workers)",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            max=86_400,
            help="deterministic solver seconds for each scenario's build (default: Settings"
            " time_limit, else 60)",
        ),
    ] = None,
    rotas: Annotated[
        Path | None,
        typer.Option(help="a folder to write each scenario's rota workbook into"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the results as JSON")] = False,
) -> None:
    """Cost rota designs side by side: the spec as it stands (base) and every scenario of
    its Scenarios sheet, each a real build (reproducible mode), on a dask cluster."""
    from rota_solve.solver.bench import run, tasks_for
    from rota_solve.solver.bench_writer import comparison_rows, proven, write_bench
    from rota_solve.solver.build_writer import write_build
    from rota_solve.solver.outputs import check_output
    from rota_solve.solver.scenarios import load
    from rota_solve.solver.spec_io import read_spec
    from rota_solve.solver.workbook import read_workbook

    err = _err()
    try:
        target = output or spec.with_name(f"{spec.stem}-bench.xlsx")
        protect = [spec] + ([scenarios] if scenarios else [])
        check_output(target, protect=protect)
        if rotas is not None:
            if rotas.exists() and not rotas.is_dir():
                raise InputError(f"--rotas {rotas}: is a file, not a folder")
            if not rotas.exists() and not rotas.resolve().parent.is_dir():
                raise InputError(f"--rotas {rotas}: its parent folder does not exist")
        base = read_spec(spec)
        found = load(spec, base, scenarios)
        tasks = tasks_for(base, found, path=spec, tables=read_workbook(spec), time_limit=time_limit)
    except InputError as exc:
        _fail(exc)
        return
    from rich.live import Live

    show = err.is_terminal and not as_json

    def line(done: int, running: int, left: int, elapsed: float) -> str:
        return (
            f"bench: {done} done · {running} running · {left} waiting · {elapsed:.0f} s"
            f" ({len(tasks)} scenarios)"
        )

    try:
        with Live("bench: starting the cluster ...", console=err, transient=True) as live:
            outcomes = run(
                tasks,
                scheduler=scheduler,
                processes=processes,
                connect_timeout=connect_timeout,
                on_progress=(lambda *a: live.update(line(*a))) if show else None,
            )
    except InputError as exc:
        _fail(exc)
        return
    write_bench(outcomes, tasks, target, protect=protect)
    if rotas is not None:
        rotas.mkdir(exist_ok=True)
        for o in outcomes:
            if o.result is not None:
                safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in o.scenario)
                write_build(
                    o.result, rotas / f"{safe.strip() or 'scenario'}-rota.xlsx", spec_path=spec
                )
    if as_json:
        sys.stdout.write(json.dumps({"scenarios": [o.json() for o in outcomes]}) + "\n")
        raise typer.Exit(0)
    from rich.table import Table as RichTable

    console = _console()
    table = RichTable(title=f"Bench: {base.name}", show_lines=False)
    for col in ("scenario", "status", "pay a year", "change", "difference", "doctors", "note"):
        table.add_column(col, overflow="fold")
    for o, row in zip(outcomes, comparison_rows(outcomes), strict=True):
        cost = "-" if o.cost is None else f"£{o.cost:,.0f}"
        change = "" if row[4] is None else f"£{row[4]:+,.0f} ({row[5]:+.2f} %)"
        note = proven(o) or (o.why or "")
        if o.fewest_note:
            note = f"{o.fewest_note}; {note}"
        table.add_row(
            o.scenario, o.status, cost, change, str(row[6] or ""), str(o.doctors or "-"), note
        )
    console.print(table)
    console.print(f"Written to {target}")
    raise typer.Exit(0)


@app.command(epilog=EXIT_CODES)
def export(
    rota: RotaPath,
    ical: Annotated[
        Path | None, typer.Option(help="a folder for one iCalendar (.ics) file per doctor")
    ] = None,
    work_schedules: Annotated[
        Path | None, typer.Option(help="a folder for one work-schedule workbook per doctor")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="repeat a repeating rota's cycle up to this date (YYYY-MM-DD; iCal)"),
    ] = None,
) -> None:
    """Write what is handed to each doctor: calendars and work schedules, from any rota
    check reads (the same figures as check)."""
    from rota_solve.solver.checker import check_rota
    from rota_solve.solver.exports import write_ical, write_work_schedules
    from rota_solve.solver.rota_io import read_rota

    try:
        if ical is None and work_schedules is None:
            raise InputError("nothing to export: give --ical DIR and/or --work-schedules DIR")
        for folder, option in ((ical, "--ical"), (work_schedules, "--work-schedules")):
            if folder is not None and folder.exists() and not folder.is_dir():
                raise InputError(f"{option} {folder}: is a file, not a folder")
            if folder is not None and not folder.resolve().parent.is_dir():
                raise InputError(f"{option} {folder}: its parent folder does not exist")
        end = _date(until, "--until")
        parsed = read_rota(rota)
        written = []
        if ical is not None:
            written += write_ical(parsed, ical, until=end)
        if work_schedules is not None:
            written += write_work_schedules(check_rota(parsed), work_schedules, source=rota)
    except InputError as exc:
        _fail(exc)
        return
    _console().print(f"Wrote {len(written)} file(s) for {len(parsed.doctors)} doctor(s).")
    raise typer.Exit(0)


def main() -> None:
    app()
