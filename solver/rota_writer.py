"""Writing a rota workbook: `Assignments`, `Doctors` and `Settings`, the three sheets `check`
reads (workbook-format.md, "Rota workbook"). Written atomically, never over an input."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from rota_solve.solver.clock import WEEKDAYS
from rota_solve.solver.outputs import atomic_path
from rota_solve.solver.rota import Rota
from rota_solve.solver.sheets import append_header, autosize


def rota_sheets(wb: Workbook, rota: Rota) -> None:
    """Add the Assignments, Doctors and Settings sheets of `rota` to `wb`."""
    ws = wb.create_sheet("Assignments")
    append_header(
        ws, ["doctor", "date", "shift", "start", "end", "on_call", "work_hours"], freeze=True
    )
    for d in sorted(rota.duties, key=lambda d: (d.doctor, d.start, d.end)):
        ws.append(
            [
                d.doctor,
                d.start.date(),
                d.shift,
                d.start,
                d.end,
                "yes" if d.on_call else "no",
                d.work_hours if d.on_call else None,
            ]
        )
        row = ws.max_row
        ws.cell(row, 2).number_format = "yyyy-mm-dd"
        ws.cell(row, 4).number_format = "yyyy-mm-dd hh:mm"
        ws.cell(row, 5).number_format = "yyyy-mm-dd hh:mm"
    autosize(ws)

    ws = wb.create_sheet("Doctors")
    append_header(
        ws,
        [
            "doctor",
            "grade",
            "ltft",
            "opted_out",
            "basic_salary",
            "nights",
            "on_call",
            "days_off",
            "from",
            "to",
            "fpp",
            "london_weighting",
        ],
        freeze=True,
    )
    for doc in rota.doctors.values():
        ws.append(
            [
                doc.name,
                doc.grade or None,
                doc.ltft,
                "yes" if doc.opted_out else "no",
                doc.basic_salary,
                "yes" if doc.nights else "no",
                "yes" if doc.on_call else "no",
                ", ".join(WEEKDAYS[d] for d in doc.days_off) or None,
                doc.start,
                doc.end,
                doc.fpp,
                doc.london_weighting,
            ]
        )
        for col in (9, 10):
            ws.cell(ws.max_row, col).number_format = "yyyy-mm-dd"
    autosize(ws)

    ws = wb.create_sheet("Settings")
    append_header(ws, ["setting", "value"], freeze=True)
    p = rota.period
    for key, value in (
        ("rota_name", rota.name),
        ("start_date", p.start.isoformat()),
        ("weeks", p.weeks),
        ("repeats", "yes" if p.repeats else "no"),
        ("rules", rota.rules),
        ("pay_year", rota.pay_year),
        ("night_block_min", rota.patterns.night_block_min),
        ("whole_weekends", "yes" if rota.patterns.whole_weekends else "no"),
        ("rest_before_nights", "yes" if rota.patterns.rest_before_nights else "no"),
        ("bank_holidays", rota.bank_holiday_region),
    ):
        ws.append([key, value])
    autosize(ws)


def write_rota_workbook(rota: Rota, target: Path, *, protect: list[Path] | None = None) -> None:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    rota_sheets(wb, rota)
    with atomic_path(target, protect=protect or []) as tmp:
        wb.save(tmp)
