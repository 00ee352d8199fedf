"""`rota-solve export`: what is handed to each doctor, from any rota `check` reads (README:
Export). Reads the rota and the pay calculator, never the model (no ortools).

* iCalendar: one `.ics` per doctor, one event per duty in Europe/London time (the rota's
  clock times are wall-clock times, so a night 20:00-08:30 across the October clock change
  is 20:00 BST to 08:30 GMT), on-call periods marked, a UID that stays the same when the
  same duty is exported again (a calendar updates rather than duplicates).
* Work schedules: one workbook per doctor with the figures `check` gives.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from rota_solve.solver.checker import CheckResult
from rota_solve.solver.errors import InputError
from rota_solve.solver.outputs import atomic_path
from rota_solve.solver.pay import PAY_ELEMENTS
from rota_solve.solver.rota import Duty, Rota
from rota_solve.solver.sheets import append_header, autosize, clean

LONDON = ZoneInfo("Europe/London")


def file_stem(doctor: str) -> str:
    """A doctor's name as a file name (letters, digits, spaces, - and _ kept)."""
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in doctor).strip()
    return safe or "doctor"


def duties_until(rota: Rota, until: date | None) -> list[Duty]:
    """The rota's duties; a repeating cycle repeated up to `until` (inclusive)."""
    if until is None:
        return list(rota.duties)
    if not rota.period.repeats:
        raise InputError(
            "--until repeats a repeating rota's cycle; this rota is one-off (Settings repeats"
            " = no): leave --until out"
        )
    if until < rota.period.start:
        raise InputError(f"--until {until}: before the rota starts ({rota.period.start})")
    out: list[Duty] = []
    step = timedelta(days=rota.period.days)
    k = 0
    while rota.period.start + k * step <= until:
        for d in rota.duties:
            start = d.start + k * step
            if start.date() <= until:
                out.append(
                    Duty(d.doctor, start, d.end + k * step, d.shift, d.on_call, d.work_hours)
                )
        k += 1
    return out


def _uid(rota: Rota, duty: Duty) -> str:
    key = f"{rota.name}|{duty.doctor}|{duty.start:%Y-%m-%dT%H:%M}|{duty.shift}|{duty.on_call}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest() + "@rota-solve"


def write_ical(rota: Rota, outdir: Path, *, until: date | None = None) -> list[Path]:
    """One .ics per doctor (every doctor on the rota, even one with no duty)."""
    from icalendar import Calendar, Event

    duties = duties_until(rota, until)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    stamp = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))  # fixed: the same export, same file
    for doctor in sorted(rota.doctors):
        cal = Calendar()
        cal.add("prodid", "-//rota-solve//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"{rota.name}: {doctor}")
        cal.add("x-wr-timezone", "Europe/London")
        for duty in sorted((d for d in duties if d.doctor == doctor), key=lambda d: d.start):
            ev = Event()
            label = duty.shift or "duty"
            ev.add("summary", f"On call: {label}" if duty.on_call else label)
            ev.add("uid", _uid(rota, duty))
            ev.add("dtstamp", stamp)
            ev.add("dtstart", duty.start.replace(tzinfo=LONDON))
            ev.add("dtend", duty.end.replace(tzinfo=LONDON))
            if duty.on_call:
                ev.add("categories", ["ON-CALL"])
                ev.add("transp", "TRANSPARENT")
                if duty.work_hours is not None:
                    ev.add("description", f"on call; expected work {duty.work_hours:g} h")
            else:
                ev.add("categories", ["SHIFT"])
            cal.add_component(ev)
        cal.add_missing_timezones()
        target = outdir / f"{file_stem(doctor)}.ics"
        tmp = target.with_suffix(".ics.tmp")
        tmp.write_bytes(cal.to_ical())
        tmp.replace(target)
        written.append(target)
    return written


def write_work_schedules(check: CheckResult, outdir: Path, *, source: Path) -> list[Path]:
    """One workbook per doctor: the work schedule (duties, hours at each rate, weekend and
    on-call frequency, each pay element and the total, as `check` computes them)."""
    rota = check.rota
    outdir.mkdir(parents=True, exist_ok=True)
    weeks = rota.period.weeks
    written = []
    for line in check.pay:
        doctor = line.doctor
        doc = rota.doctors.get(doctor)
        duties = sorted((d for d in rota.duties if d.doctor == doctor), key=lambda d: d.start)
        calls = sum(1 for d in duties if d.on_call)
        pay = line.as_dict()
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Work schedule"
        append_header(ws, ["item", "value"])
        rows: list[tuple[str, object]] = [
            ("doctor", doctor),
            ("grade", line.grade),
            ("LTFT fraction", doc.ltft if doc is not None else 1.0),
            ("rota", rota.name),
            (
                "rota period",
                f"{rota.period.start:%a %d %b %Y} to"
                f" {rota.period.end - timedelta(days=1):%a %d %b %Y}"
                f" ({weeks} weeks, {'repeating' if rota.period.repeats else 'one-off'})",
            ),
            ("rules", rota.rules),
            ("pay year", rota.pay_year),
            ("average weekly hours", round(line.average_weekly_hours, 2)),
            (
                "hours a week at the basic rate",
                round(line.average_weekly_hours - line.enhanced_hours, 2),
            ),
            ("hours a week at the night rate", round(line.enhanced_hours, 2)),
            ("weekends worked", f"{line.weekends_worked} of {line.weekends}"),
            ("weekend frequency", line.weekend_frequency),
            ("weekend allowance band (% of basic)", line.weekend_percent),
            (
                "on-call periods",
                f"{calls} ({calls / weeks:.2f} a week)" if calls else "none",
            ),
            *[(f"{e} (GBP a year)", pay[e]) for e in PAY_ELEMENTS],
            ("total (GBP a year)", line.total),
            ("salary basis", line.salary_basis),
            (
                "bank holidays in the period",
                ", ".join(f"{d:%a %d %b %Y}" for d in sorted(rota.bank_holidays)) or "none",
            ),
            ("bank holidays at work or on call", line.bank_holidays_worked),
            ("days off in lieu for bank holidays", line.days_in_lieu),
            ("source", str(source)),
        ]
        for k, v in rows:
            ws.append([k, clean(v)])
        autosize(ws)
        dws = wb.create_sheet("Duties")
        append_header(
            dws, ["date", "day", "shift", "start", "end", "hours", "on call"], freeze=True
        )
        for d in duties:
            dws.append(
                [
                    d.start.date(),
                    f"{d.start:%a}",
                    d.shift,
                    d.start,
                    d.end,
                    round(d.hours, 2),
                    "yes" if d.on_call else "no",
                ]
            )
            row = dws[dws.max_row]
            row[0].number_format = "yyyy-mm-dd"
            row[3].number_format = "dd/mm/yyyy hh:mm"
            row[4].number_format = "dd/mm/yyyy hh:mm"
        autosize(dws)
        target = outdir / f"{file_stem(doctor)}-work-schedule.xlsx"
        with atomic_path(target, protect=[source]) as tmp:
            wb.save(tmp)
        written.append(target)
    return written
