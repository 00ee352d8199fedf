"""Writes the bundled example workbooks (run from the repository root):

    python examples/make_examples.py

Spec workbooks, for `rota-solve build`:

* `fy1-medicine-spec.xlsx`: a foundation-year medical rota, 10 FY1/FY2 doctors over 8 weeks
  (days, long days, nights), one doctor LTFT 0.8, annual and study leave.
* `registrar-oncall-spec.xlsx`: 8 registrars over 8 weeks: weekday days, weekday evening
  and night non-resident on-call, 24 h weekend on-call; one LTFT 0.6.
* `large-mixed-spec.xlsx`: 24 doctors of mixed grades over 13 weeks in two tiers (FY1-CT2
  on days, long days and nights; ST3-ST7 registrars on their own days, long days and nights).
* `picu-two-tier-spec.xlsx`: a paediatric intensive care rota, 18 doctors in two tiers,
  seven LTFT, three with a fixed day off, 26 weeks one-off, 1-3 day shifts on weekdays.
* `ed-gaps-spec.xlsx`: an understaffed emergency department (6 SHOs, 4 weeks) with gaps
  allowed at £55 an hour: the rota and the duties left for a locum.

Every spec keeps the patterns a ward expects (nights in blocks of 2 or more, whole weekends,
no long day before nights).

Rota workbooks, for `rota-solve check`:

* `fy1-medicine-rota.xlsx`: a 10-week repeating line rota for 10 foundation doctors
  (days 08:00-16:30, long days 08:00-20:30, nights 20:00-08:30), one night doctor every night
  and one long-day doctor every weekend; compliant with the 2019 rules.
* `breaching-rota.xlsx`: a 2-week one-off rota for two doctors with the breaches a guardian
  meets most: short rest, a night designed to dodge the night enhancement, five long days in
  a row, and too many weekends.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from rota_solve.solver.rota import Doctor, Duty, Period, Rota
from rota_solve.solver.rota_writer import write_rota_workbook

HERE = Path(__file__).resolve().parent
SHIFTS = {"D": ("08:00", 510), "LD": ("08:00", 750), "N": ("20:00", 750)}
# one week per line, Monday to Sunday ("." = off)
LINES = [
    "N N N N . . .",
    "D D D D D . .",
    "LD LD . . . LD LD",
    "D D D D D . .",
    ". . . . N N N",
    ". . D D D . .",
    "D D D D D . .",
    "LD LD LD LD . . .",
    ". . D D D . .",
    "D D D D D . .",
]


def duty(doctor: str, day: date, code: str) -> Duty:
    start, minutes = SHIFTS[code]
    hh, mm = (int(x) for x in start.split(":"))
    s = datetime(day.year, day.month, day.day, hh, mm)
    names = {"D": "Day", "LD": "Long day", "N": "Night"}
    return Duty(doctor, s, s + timedelta(minutes=minutes), code + " " + names[code])


def fy1_rota() -> Rota:
    start = date(2026, 8, 3)  # a Monday
    weeks = len(LINES)
    doctors = {}
    duties = []
    for n in range(weeks):
        name = f"Dr {chr(ord('A') + n)}"
        doctors[name] = Doctor(name, grade="FY1" if n < 8 else "FY2")
        for w in range(weeks):
            pattern = LINES[(w + n) % weeks].split()
            for dow, code in enumerate(pattern):
                if code != ".":
                    duties.append(duty(name, start + timedelta(days=7 * w + dow), code))
    return Rota(
        Period(start, weeks, repeats=True),
        doctors,
        duties,
        "2019",
        "2025/26",
        name="FY1 general medicine (example)",
    )


def breaching_rota() -> Rota:
    start = date(2026, 8, 3)
    d = [
        # Dr P: five long days Mon-Fri (2019 allows four), then a 19:30 night on Saturday
        *(duty("Dr P", start + timedelta(days=i), "LD") for i in range(5)),
        Duty("Dr P", datetime(2026, 8, 8, 19, 30), datetime(2026, 8, 9, 8, 0), "N19 Night"),
        # Dr Q: a night, then a day shift 9.5 h after it ends; and both weekends
        duty("Dr Q", start + timedelta(days=5), "N"),
        Duty("Dr Q", datetime(2026, 8, 9, 18, 0), datetime(2026, 8, 9, 23, 0), "E Evening"),
        duty("Dr Q", start + timedelta(days=12), "LD"),
    ]
    doctors = {"Dr P": Doctor("Dr P", grade="FY2"), "Dr Q": Doctor("Dr Q", grade="ST3", ltft=0.8)}
    return Rota(Period(start, 2, repeats=False), doctors, d, "2019", "2025/26", name="Breaching")


def _sheet(wb: Workbook, name: str, rows: list[list[object]]) -> None:
    ws = wb.create_sheet(name)
    for r in rows:
        ws.append(r)
    for cell in ws[1]:
        cell.font = Font(bold=True)


def write_spec(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for name, rows in sheets.items():
        _sheet(wb, name, rows)
    wb.save(path)


SHIFT_HEAD = ["code", "name", "start", "end", "on_call", "expected_work_hours"]
COVER_HEAD = ["shift", "days", "doctors", "grades"]
DOCTOR_HEAD = ["doctor", "grade", "ltft", "opted_out", "basic_salary", "nights", "on_call"]


def fy1_spec() -> dict[str, list[list[object]]]:
    doctors = [
        [f"Dr {n}", "FY1", 1, "no", None, "yes", "no"]
        for n in ("Adams", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green")
    ]
    doctors += [
        ["Dr Hughes", "FY2", 1, "no", None, "yes", "no"],
        ["Dr Iqbal", "FY2", 1, "no", None, "yes", "no"],
        ["Dr Jones", "FY1", 0.8, "no", None, "no", "no"],
    ]
    return {
        "Settings": [
            ["setting", "value"],
            ["rota_name", "FY1 general medicine"],
            ["start_date", "2026-08-05"],
            ["weeks", 8],
            ["repeats", "yes"],
            ["rules", "2019"],
            ["pay_year", "2025/26"],
            ["time_limit", 10],
            ["seed", 0],
            ["workers", 2],
            ["night_block_min", 2],
            ["whole_weekends", "yes"],
            ["rest_before_nights", "yes"],
        ],
        "Shifts": [
            SHIFT_HEAD,
            ["D", "Day", "08:00", "16:30", "no", None],
            ["LD", "Long day", "08:00", "20:30", "no", None],
            ["N", "Night", "20:00", "08:30", "no", None],
        ],
        "Cover": [
            COVER_HEAD,
            ["D", "Weekdays", 4, None],
            ["LD", "All", 1, None],
            ["N", "All", 1, None],
            ["D", "2026-08-31", 2, None],
        ],
        "Doctors": [DOCTOR_HEAD, *doctors],
        "Leave": [
            ["doctor", "from", "to", "type"],
            ["Dr Adams", "2026-08-17", "2026-08-21", "annual"],
            ["Dr Evans", "2026-09-07", "2026-09-11", "annual"],
            ["Dr Jones", "2026-08-26", "2026-08-26", "study"],
        ],
        "Requests": [
            ["doctor", "date", "shift", "weight"],
            ["Dr Baker", "2026-08-22", "off", 2],
            ["Dr Clarke", "2026-09-12", "off", 1],
        ],
    }


def registrar_spec() -> dict[str, list[list[object]]]:
    grades = ["ST3", "ST4", "ST4", "ST5", "ST5", "ST6", "ST7", "ST3"]
    doctors = [
        [f"Dr R{i + 1}", g, 0.6 if i == 7 else 1, "no", None, "yes", "yes"]
        for i, g in enumerate(grades)
    ]
    return {
        "Settings": [
            ["setting", "value"],
            ["rota_name", "Medical registrars (on-call)"],
            ["start_date", "2026-08-03"],
            ["weeks", 8],
            ["repeats", "yes"],
            ["rules", "2019"],
            ["time_limit", 20],
            ["whole_weekends", "yes"],
        ],
        "Shifts": [
            SHIFT_HEAD,
            ["D", "Day", "08:30", "17:00", "no", None],
            ["OC", "Evening and night on call", "17:00", "08:30", "yes", 4],
            ["WOC", "Weekend 24 h on call", "09:00", "09:00", "yes", 8],
        ],
        "Cover": [
            COVER_HEAD,
            ["D", "Weekdays", 5, None],
            ["OC", "Weekdays", 1, None],
            ["WOC", "Weekends", 1, None],
        ],
        "Doctors": [DOCTOR_HEAD, *doctors],
        "Leave": [
            ["doctor", "from", "to", "type"],
            ["Dr R2", "2026-08-24", "2026-08-28", "annual"],
        ],
    }


def large_spec() -> dict[str, list[list[object]]]:
    sho = ["FY1"] * 8 + ["FY2"] * 4 + ["CT1", "CT1", "CT2", "CT2"]
    reg = ["ST3", "ST3", "ST4", "ST4", "ST5", "ST6", "ST6", "ST7"]
    doctors = [
        [f"SHO {i + 1:02d}", g, 0.8 if i in (3, 12) else 1, "no", None, "yes", "no"]
        for i, g in enumerate(sho)
    ]
    doctors += [[f"Reg {i + 1}", g, 1, "no", None, "yes", "no"] for i, g in enumerate(reg)]
    tier1 = "FY1, FY2, CT1, CT2"
    tier2 = "ST3, ST4, ST5, ST6, ST7"
    return {
        "Settings": [
            ["setting", "value"],
            ["rota_name", "Acute medicine, two tiers"],
            ["start_date", "2026-08-03"],
            ["weeks", 13],
            ["repeats", "yes"],
            ["rules", "2019"],
            ["time_limit", 60],
            ["night_block_min", 2],
            ["whole_weekends", "yes"],
            ["rest_before_nights", "yes"],
        ],
        "Shifts": [
            SHIFT_HEAD,
            ["D", "Day", "08:00", "16:30", "no", None],
            ["LD", "Long day", "08:00", "20:30", "no", None],
            ["N", "Night", "20:00", "08:30", "no", None],
            ["RD", "Registrar day", "08:30", "17:00", "no", None],
            ["RLD", "Registrar long day", "08:30", "21:00", "no", None],
            ["RN", "Registrar night", "20:30", "09:00", "no", None],
        ],
        "Cover": [
            COVER_HEAD,
            ["D", "Weekdays", 7, tier1],
            ["LD", "All", 2, tier1],
            ["N", "All", 2, "FY2, CT1, CT2"],
            ["RD", "Weekdays", 3, tier2],
            ["RLD", "All", 1, tier2],
            ["RN", "All", 1, tier2],
        ],
        "Doctors": [DOCTOR_HEAD, *doctors],
        "Leave": [
            ["doctor", "from", "to", "type"],
            ["SHO 05", "2026-09-14", "2026-09-18", "annual"],
            ["Reg 3", "2026-10-05", "2026-10-09", "annual"],
        ],
    }


PICU_DOCTOR_HEAD = [*DOCTOR_HEAD, "days_off"]


def picu_spec() -> dict[str, list[list[object]]]:
    """A two-tier paediatric intensive care rota like the one a real department published:
    18 doctors (9 registrars, 9 SHOs), seven LTFT at 0.6 or 0.8, three with a fixed weekday
    off, 26 weeks one-off from the August changeover; one registrar and one SHO on each long
    day and night, 1-3 day shifts on weekdays."""
    regs = [
        ("Reg Ahmed", "ST7", 1, None),
        ("Reg Brown", "ST6", 0.8, "Fri"),
        ("Reg Chen", "ST5", 1, None),
        ("Reg Dixon", "ST5", 0.6, None),
        ("Reg Ellis", "ST4", 0.8, "Wed"),
        ("Reg Farah", "ST4", 1, None),
        ("Reg Grant", "ST3", 0.8, None),
        ("Reg Hall", "ST3", 1, None),
        ("Reg Iyer", "ST6", 1, None),
    ]
    shos = [
        ("SHO Jones", "ST2", 1, None),
        ("SHO Khan", "ST2", 0.8, "Mon"),
        ("SHO Lewis", "ST1", 1, None),
        ("SHO Moore", "ST1", 0.6, None),
        ("SHO Nash", "CT2", 1, None),
        ("SHO Owen", "CT1", 0.8, None),
        ("SHO Patel", "FY2", 1, None),
        ("SHO Quinn", "FY2", 1, None),
        ("SHO Reid", "CT1", 1, None),
    ]
    doctors = [[n, g, f, "no", None, "yes", "no", off] for n, g, f, off in regs + shos]
    reg = "ST3, ST4, ST5, ST6, ST7, ST8"
    sho = "FY2, CT1, CT2, CT3, ST1, ST2"
    return {
        "Settings": [
            ["setting", "value"],
            ["rota_name", "PICU, two tiers"],
            ["start_date", "2026-08-05"],
            ["weeks", 26],
            ["repeats", "no"],
            ["rules", "2019"],
            ["time_limit", 60],
            # hours fair to 4 h a week per WTE (the default): the 26 weeks are grown and
            # improved 8 weeks at a time (solver/construct.py; README, benchmarks)
            ["night_block_min", 2],
            ["whole_weekends", "yes"],
            ["rest_before_nights", "yes"],
        ],
        "Shifts": [
            SHIFT_HEAD,
            ["D", "Day", "08:00", "17:00", "no", None],
            ["LD", "Long day", "08:00", "20:30", "no", None],
            ["N", "Night", "20:00", "08:30", "no", None],
        ],
        "Cover": [
            COVER_HEAD,
            ["LD", "All", 1, reg],
            ["LD", "All", 1, sho],
            ["N", "All", 1, reg],
            ["N", "All", 1, sho],
            ["D", "Weekdays", "1-3", None],
            ["D", "Bank holidays", 0, None],
        ],
        "Doctors": [PICU_DOCTOR_HEAD, *doctors],
        "Leave": [
            ["doctor", "from", "to", "type"],
            ["Reg Ahmed", "2026-10-19", "2026-10-23", "annual"],
            ["Reg Chen", "2026-12-21", "2026-12-25", "annual"],
            ["SHO Jones", "2026-11-09", "2026-11-13", "annual"],
            ["SHO Patel", "2027-01-11", "2027-01-15", "study"],
        ],
    }


def ed_gaps_spec() -> dict[str, list[list[object]]]:
    """An understaffed emergency department: six SHOs cannot staff a long day and a night
    every day and two day shifts on weekdays; gaps are allowed at a locum rate, so build
    returns the least-cost compliant rota and the duties left for a locum."""
    doctors = [
        [f"Dr {n}", g, f, "no", None, "yes", "no"]
        for n, g, f in (
            ("Ali", "FY2", 1),
            ("Bell", "FY2", 1),
            ("Cole", "CT1", 1),
            ("Dunn", "CT2", 0.8),
            ("Eze", "ST1", 1),
            ("Ford", "FY2", 1),
        )
    ]
    return {
        "Settings": [
            ["setting", "value"],
            ["rota_name", "Emergency department SHOs (gaps for locums)"],
            ["start_date", "2026-08-05"],
            ["weeks", 4],
            ["repeats", "yes"],
            ["time_limit", 20],
            ["gaps", "allowed"],
            ["gap_price", 55],
        ],
        "Shifts": [
            SHIFT_HEAD,
            ["D", "Day", "08:00", "17:00", "no", None],
            ["LD", "Long day", "08:00", "20:30", "no", None],
            ["N", "Night", "20:00", "08:30", "no", None],
        ],
        "Cover": [
            COVER_HEAD,
            ["D", "Weekdays", 2, None],
            ["LD", "All", 1, None],
            ["N", "All", 1, None],
        ],
        "Doctors": [DOCTOR_HEAD, *doctors],
    }


def fy1_scenarios() -> dict[str, list[list[object]]]:
    """The questions a trust manager asks of the FY1 rota (`rota-solve bench
    examples/fy1-medicine-spec.xlsx --scenarios examples/fy1-medicine-scenarios.xlsx`)."""
    return {
        "Scenarios": [
            ["scenario", "change", "target", "days", "value", "ltft"],
            ["nights at 21:00", "shift start", "N", None, "21:00", None],
            ["nights at 21:00", "shift end", "N", None, "09:30", None],
            ["2016 rules", "setting", "rules", None, "2016", None],
            ["two more FY1s", "add doctors", "FY1", None, 2, None],
            ["Dr Adams at 80 %", "ltft", "Dr Adams", None, 0.8, None],
            ["fewest FY1s", "fewest doctors", "FY1", None, None, None],
            ["nights at 19:30", "shift start", "N", None, "19:30", None],
            ["nights at 19:30", "shift end", "N", None, "08:00", None],
        ]
    }


def sho_line_spec() -> dict[str, list[list[object]]]:
    """A 1 in 8 line rota: eight SHOs work one template of eight weekly lines in turn."""
    names = ("Ahmed", "Brown", "Chen", "Doyle", "Edwards", "Foster", "Gill", "Hall")
    grades = ("CT1", "CT1", "CT2", "CT2", "FY2", "FY2", "ST1", "ST2")
    return {
        "Settings": [
            ["setting", "value"],
            ["rota_name", "SHO surgery 1 in 8"],
            ["start_date", "2026-08-05"],
            ["weeks", 8],
            ["rota_type", "line"],
            ["rules", "2019"],
            ["pay_year", "2025/26"],
            ["time_limit", 20],
            ["night_block_min", 3],
        ],
        "Shifts": [
            SHIFT_HEAD,
            ["D", "Day", "08:00", "16:30", "no", None],
            ["LD", "Long day", "08:00", "20:30", "no", None],
            ["N", "Night", "20:00", "08:30", "no", None],
        ],
        "Cover": [
            COVER_HEAD,
            ["D", "Weekdays", 3, None],
            ["LD", "All", 1, None],
            ["N", "All", 1, None],
        ],
        "Doctors": [
            DOCTOR_HEAD,
            *(
                [f"Dr {n}", g, 1, "no", None, "yes", "yes"]
                for n, g in zip(names, grades, strict=True)
            ),
        ],
    }


def main() -> None:
    write_spec(HERE / "fy1-medicine-spec.xlsx", fy1_spec())
    write_spec(HERE / "registrar-oncall-spec.xlsx", registrar_spec())
    write_spec(HERE / "large-mixed-spec.xlsx", large_spec())
    write_spec(HERE / "picu-two-tier-spec.xlsx", picu_spec())
    write_spec(HERE / "ed-gaps-spec.xlsx", ed_gaps_spec())
    write_spec(HERE / "sho-line-spec.xlsx", sho_line_spec())
    write_spec(HERE / "fy1-medicine-scenarios.xlsx", fy1_scenarios())
    write_rota_workbook(fy1_rota(), HERE / "fy1-medicine-rota.xlsx")
    write_rota_workbook(breaching_rota(), HERE / "breaching-rota.xlsx")
    print("wrote the examples in", HERE, file=sys.stderr)


if __name__ == "__main__":
    main()
