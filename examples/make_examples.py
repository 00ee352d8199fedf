"""Writes the bundled example rota workbooks (run from the repository root):

    python examples/make_examples.py

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


def main() -> None:
    write_rota_workbook(fy1_rota(), HERE / "fy1-medicine-rota.xlsx")
    write_rota_workbook(breaching_rota(), HERE / "breaching-rota.xlsx")
    print("wrote", HERE / "fy1-medicine-rota.xlsx", HERE / "breaching-rota.xlsx", file=sys.stderr)


if __name__ == "__main__":
    main()
