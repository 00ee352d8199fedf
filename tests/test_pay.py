"""The pay calculator against the worked numbers of contract-rules.md, and the night
enhancement and weekend bands on their edges."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rota_solve.solver.checker import check_rota
from rota_solve.solver.clock import hhmm
from rota_solve.solver.pay import annual_pay, enhanced_minutes, frequency_text, weekend_band
from rota_solve.solver.rota import Doctor
from rota_solve.solver.ruleset import load_pay_year, load_rule_set
from tests.helpers import D, make_rota, oc

PAY16 = load_rule_set("2016").pay
PAY19 = load_rule_set("2019").pay
FY1_2016 = 26_350.0


def fy1(
    *,
    average_weekly_hours: float = 40.0,
    enhanced_weekly_hours: float = 0.0,
    weekends_worked: int = 0,
    weekends: int = 3,
    on_call: bool = False,
    rules_2019: bool = False,
) -> dict[str, float]:
    """FY1 2016/17 pay for one week with these averages, in pounds."""
    pence = annual_pay(
        salary=FY1_2016,
        ltft=1.0,
        worked_minutes=round(average_weekly_hours * 60),
        enhanced_minutes=Fraction(round(enhanced_weekly_hours * 60)),
        weeks=1,
        weekends_worked=weekends_worked,
        weekends=weekends,
        on_call=on_call,
        pay=PAY19 if rules_2019 else PAY16,
    )
    return {k: v / 100 for k, v in pence.items()}


def test_nodal_points_by_year() -> None:
    assert load_pay_year("2016/17").salary("FY1") == 26_350
    assert load_pay_year("2016/17").salary("ST8") == 45_750  # no NP5 before Oct 2020
    assert load_pay_year("2023/24").salary("ST6") == 63_152
    assert load_pay_year("2024/25").salary("CT1") == 49_909
    y = load_pay_year("2025/26")
    assert [y.salary(g) for g in ("FY1", "FY2", "ST2", "CT3", "ST6")] == [
        38_831,
        44_439,
        52_656,
        65_048,
        73_992,
    ]


def test_additional_hours_48h_week() -> None:
    # 26,350 x 8 / 40 = 5,270.00
    assert fy1(average_weekly_hours=48.0)["additional_hours"] == pytest.approx(5270.00)


def test_night_enhancement_8_hours_a_week() -> None:
    # 26,350 x 0.37 x 8 / 40 = 1,949.90
    assert fy1(enhanced_weekly_hours=8.0)["night_enhancement"] == pytest.approx(1949.90)


def test_on_call_availability_8_percent() -> None:
    assert fy1(on_call=True)["on_call_allowance"] == pytest.approx(2108.00)


def test_weekend_allowance_1_in_3() -> None:
    # 2016: 1 in 3 is in the "<1 in 2 to 1 in 4" band, 7.5 % = 1,976.25
    assert fy1(weekends_worked=1, weekends=3)["weekend_allowance"] == pytest.approx(1976.25)
    # 2019: 1 in 3 earns 10 % = 2,635.00
    got = fy1(weekends_worked=1, weekends=3, rules_2019=True)["weekend_allowance"]
    assert got == pytest.approx(2635.00)


@pytest.mark.parametrize(
    ("worked", "weekends", "p2016", "p2019"),
    [
        (1, 2, 10.0, 15.0),
        (2, 3, 10.0, 15.0),  # more often than 1 in 2 still the top band
        (2, 5, 7.5, 10.0),  # 1 in 2.5
        (1, 4, 7.5, 7.5),
        (1, 5, 6.0, 6.0),
        (1, 6, 4.0, 5.0),
        (1, 7, 4.0, 4.0),
        (1, 8, 3.0, 3.0),
        (1, 9, 0.0, 0.0),
        (0, 4, 0.0, 0.0),
    ],
)
def test_weekend_bands(worked: int, weekends: int, p2016: float, p2019: float) -> None:
    assert weekend_band(worked, weekends, PAY16) == p2016
    assert weekend_band(worked, weekends, PAY19) == p2019


def test_frequency_text() -> None:
    assert frequency_text(1, 3) == "1 in 3"
    assert frequency_text(2, 5) == "1 in 2.5"
    assert frequency_text(0, 4) == "none"


def _enh(start: str, minutes: int, pay: object = PAY16) -> float:
    s = hhmm(start)
    return float(enhanced_minutes(s, s + minutes, False, minutes, pay)) / 60  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "minutes", "h2016", "h2019"),
    [
        ("19:30", 750, 10.0, 10.0),  # 19:30-08:00: only 21:00-07:00 enhanced
        ("20:00", 750, 12.5, 12.5),  # 20:00-08:30: whole shift (up to 10:00)
        ("20:00", 840, 14.0, 14.0),  # 20:00-10:00
        ("22:00", 780, 12.0, 12.0),  # 22:00-11:00: enhanced up to 10:00 only
        ("00:00", 480, 8.0, 8.0),  # 00:00-08:00 starts in the window (00:00 inclusive)
        # 20:00-03:59 is under 8 h: 2016 enhances 21:00-03:59; 2019 the whole shift, as it
        # finishes after 00:00 and by 04:00
        ("20:00", 479, 419 / 60, 479 / 60),
        ("17:00", 600, 6.0, 10.0),  # 17:00-03:00: 2019 enhances the whole shift
        ("17:00", 661, 7 + 1 / 60, 7 + 1 / 60),  # to 04:01: past 04:00, 21:00-04:01 only
        ("16:00", 480, 3.0, 3.0),  # 16:00-00:00 ends at 00:00, not after it: 21:00-00:00
        ("08:00", 720, 0.0, 0.0),  # a long day
        ("09:00", 480, 0.0, 0.0),
    ],
)
def test_night_enhancement_hours(start: str, minutes: int, h2016: float, h2019: float) -> None:
    assert _enh(start, minutes, PAY16) == pytest.approx(h2016)
    assert _enh(start, minutes, PAY19) == pytest.approx(h2019)


def test_on_call_expected_work_enhanced_where_it_falls() -> None:
    # 24 h from 09:00 with 12 h expected work: half of the 10 h in 21:00-07:00 -> 5 h
    s = hhmm("09:00")
    assert enhanced_minutes(s, s + 1440, True, 720, PAY19) == 300


def test_pay_from_a_rota_fy1_2016() -> None:
    # One week, four 12 h days (48 h), 2016/17 pay: 26,350 + 5,270 = 31,620
    rota = make_rota(
        [D(d, "08:00", 720) for d in (0, 1, 2, 3)],
        weeks=1,
        rules="2016",
        pay_year="2016/17",
        doctors={"Dr A": Doctor("Dr A", grade="FY1")},
    )
    (line,) = check_rota(rota).pay
    assert line.basic == 26_350.00
    assert line.additional_hours == 5_270.00
    assert line.night_enhancement == 0.0
    assert line.total == 31_620.00
    assert line.average_weekly_hours == 48.0
    assert line.weekend_frequency == "none"


def test_pay_from_a_rota_nights_weekends_on_call_2019() -> None:
    # 3 weeks; a Sat-Sun pair of 20:00-08:00 nights in week 1 (24 enhanced hours, 1 weekend of
    # 3), an on-call Wednesday 17:00-09:00 with 4 h expected work, FY2 2025/26 (44,439).
    rota = make_rota(
        [D(5, "20:00", 720), D(6, "20:00", 720), oc(9, "17:00", 960, 4.0)],
        weeks=3,
        doctors={"Dr A": Doctor("Dr A", grade="FY2")},
    )
    (line,) = check_rota(rota).pay
    salary = 44_439.0
    avg = (24 + 4) / 3
    # on-call: 4 h spread over 16 h, of which 10 h fall 21:00-07:00 -> 2.5 h enhanced
    enhanced = (24 + 2.5) / 3
    assert line.basic == salary
    assert line.additional_hours == 0.0
    assert line.night_enhancement == pytest.approx(round(salary / 40 * 0.37 * enhanced, 2))
    assert line.weekend_allowance == pytest.approx(round(salary * 0.10, 2))  # 1 in 3, 2019
    assert line.on_call_allowance == pytest.approx(round(salary * 0.08, 2))
    assert line.average_weekly_hours == pytest.approx(round(avg, 2))
    assert line.weekend_frequency == "1 in 3"


def test_ltft_basic_pro_rata_and_allowance() -> None:
    # LTFT 0.8 working 32 h a week: basic 52,656 x 32 / 40; the 2019 LTFT allowance 1,000.
    days = [d for d in range(7) if d < 4]
    rota = make_rota(
        [D(d, "09:00", 480) for d in days],
        weeks=1,
        doctors={"Dr A": Doctor("Dr A", grade="ST1", ltft=0.8)},
    )
    (line,) = check_rota(rota).pay
    assert line.basic == pytest.approx(52_656 * 32 / 40)
    assert line.ltft_allowance == 1000.0
    rota.rules = "2016"
    (line,) = check_rota(rota).pay
    assert line.ltft_allowance == 0.0


def test_basic_salary_overrides_and_unknown_titles_have_no_pay() -> None:
    duties = {"A": [D(0, "09:00", 480)], "B": [D(0, "09:00", 480)], "C": [D(0, "09:00", 480)]}
    doctors = {
        "A": Doctor("A", grade="FY1", basic_salary=40_000.0),
        "B": Doctor("B", grade="Registrar"),
        "C": Doctor("C"),
    }
    pay = {p.doctor: p for p in check_rota(make_rota(duties, doctors=doctors)).pay}
    assert pay["A"].basic == 40_000.0
    assert pay["A"].salary_basis == "basic_salary"
    assert pay["B"].total is None and "no nodal point" in pay["B"].salary_basis
    assert pay["C"].total is None and pay["C"].average_weekly_hours == 2.0
