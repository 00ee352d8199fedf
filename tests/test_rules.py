"""Every rule, hand-made: compliant exactly at the limit, breaching one minute past it, under
both rule sets where they differ (the 2016-vs-2019 cases of contract-rules.md), on the first
and the last day of the rota, and across the end of a repeating cycle (reported once).

Day 0 is Monday 3 August 2026. Durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from rota_solve.constraints import RULE_IDS
from tests.helpers import D, breaches, make_rota, oc


def long_days(days: range, minutes: int = 601, start: str = "08:00") -> list[D]:
    return [D(d, start, minutes) for d in days]


@dataclass(frozen=True)
class Case:
    rule: str
    rules: str
    passing: list[D]
    failing: list[D]
    value: float  # the measured value of the failing case
    weekly: bool = False  # depends on weekdays: move only by whole weeks
    why: str = ""
    first_index: int = 0  # which failing duty is "the first duty involved"

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.rules}-{self.why}" if self.why else f"{self.rule}-{self.rules}"


CASES = [
    # 13 h shift is fine, 13 h 01 min is not.
    Case("max_shift_length", "2019", [D(0, "08:00", 780)], [D(0, "08:00", 781)], 781 / 60),
    Case("max_shift_length", "2016", [D(0, "21:00", 780)], [D(0, "21:00", 781)], 781 / 60),
    # on-call: 24 h fine, 24 h 01 min not.
    Case("max_oncall_length", "2019", [oc(0)], [oc(0, minutes=1441)], 1441 / 60),
    # 08:00-19:00 then 06:00 next day: exactly 11 h rest; 05:59 gives 10 h 59 min.
    Case(
        "min_rest",
        "2019",
        [D(0, "08:00", 660), D(1, "06:00", 480)],
        [D(0, "08:00", 660), D(1, "05:59", 480)],
        659 / 60,
    ),
    Case(
        "min_rest",
        "2016",
        [D(0, "20:00", 720), D(1, "19:00", 720)],
        [D(0, "20:00", 720), D(1, "18:59", 720)],
        659 / 60,
    ),
    # Six 12 h shifts Mon-Sat from 08:00 = 72 h in the 168 h from Mon 08:00. A 1 h duty
    # starting the next Monday at 08:00 is outside that window (72 h: fine); starting at 07:59
    # puts one minute inside it: 72 h 01 min.
    Case(
        "max_hours_in_168h",
        "2019",
        [*long_days(range(6), 720), D(7, "08:00", 60)],
        [*long_days(range(6), 720), D(7, "07:59", 60)],
        72 + 1 / 60,
    ),
    Case(
        "max_hours_in_168h",
        "2016",
        [*long_days(range(6), 720), D(7, "08:00", 60)],
        [*long_days(range(6), 720), D(7, "07:59", 60)],
        72 + 1 / 60,
    ),
    # 2019: 4 long shifts (over 10 h) in a row; a 5th day of exactly 10 h is not long.
    Case(
        "max_consecutive_long",
        "2019",
        [*long_days(range(4)), D(4, "08:00", 600)],
        long_days(range(5)),
        5,
    ),
    # 2016: 5 allowed, 6 not.
    Case("max_consecutive_long", "2016", long_days(range(5)), long_days(range(6)), 6),
    # 2019: 4 long 08:00-20:00 Mon-Thu end Thu 20:00; 48 h later is Sat 20:00.
    Case(
        "rest_after_long",
        "2019",
        [*long_days(range(4), 720), D(5, "20:00", 480)],
        [*long_days(range(4), 720), D(5, "19:59", 480)],
        2879 / 60,
    ),
    # 2016: the 48 h is due after the 5th long shift (Fri 20:00 -> Sun 20:00).
    Case(
        "rest_after_long",
        "2016",
        [*long_days(range(5), 720), D(6, "20:00", 480)],
        [*long_days(range(5), 720), D(6, "19:59", 480)],
        2879 / 60,
    ),
    # 4 nights fine, 5 not (both sets).
    Case(
        "max_consecutive_nights",
        "2019",
        long_days(range(4), 720, "20:00"),
        long_days(range(5), 720, "20:00"),
        5,
    ),
    # A night is >= 3 h in 23:00-06:00: 20:00-01:59 has 2 h 59 min (not a night),
    # 20:00-02:00 has 3 h (a night).
    Case(
        "max_consecutive_nights",
        "2016",
        long_days(range(5), 359, "20:00"),
        long_days(range(5), 360, "20:00"),
        5,
        why="night-definition",
    ),
    # 2019: 46 h after any run of nights, even one: night ends Tue 08:00 -> Thu 06:00.
    Case(
        "rest_after_nights",
        "2019",
        [D(0, "20:00", 720), D(3, "06:00", 480)],
        [D(0, "20:00", 720), D(3, "05:59", 480)],
        2759 / 60,
    ),
    # 2016: only after 3 or 4 nights: 3 nights end Thu 08:00 -> Sat 06:00.
    Case(
        "rest_after_nights",
        "2016",
        [*long_days(range(3), 720, "20:00"), D(5, "06:00", 480)],
        [*long_days(range(3), 720, "20:00"), D(5, "05:59", 480)],
        2759 / 60,
    ),
    # 2019: at most 7 shifts on consecutive days; 2016: 8.
    Case(
        "max_consecutive_shifts",
        "2019",
        long_days(range(7), 480, "09:00"),
        long_days(range(8), 480, "09:00"),
        8,
    ),
    Case(
        "max_consecutive_shifts",
        "2016",
        long_days(range(8), 480, "09:00"),
        long_days(range(9), 480, "09:00"),
        9,
    ),
    # 2019: after 7 days (08:00-16:00) ending Sun 16:00, next duty Tue 16:00 at the earliest.
    Case(
        "rest_after_consecutive_shifts",
        "2019",
        [*long_days(range(7), 480), D(8, "16:00", 480)],
        [*long_days(range(7), 480), D(8, "15:59", 480)],
        2879 / 60,
    ),
    Case(
        "rest_after_consecutive_shifts",
        "2016",
        [*long_days(range(8), 480), D(9, "16:00", 480)],
        [*long_days(range(8), 480), D(9, "15:59", 480)],
        2879 / 60,
    ),
    # Long evening: a long shift finishing after 23:00. 13:00-23:59 (10 h 59 min) is one;
    # 4 in a row fine, 5 not.
    Case(
        "max_consecutive_long_evening",
        "2019",
        long_days(range(4), 659, "13:00"),
        long_days(range(5), 659, "13:00"),
        5,
    ),
    # 12:00-23:00 finishes at 23:00, not after it: five of them are no long evenings.
    Case(
        "max_consecutive_long_evening",
        "2016",
        long_days(range(5), 660, "12:00"),
        long_days(range(5), 660, "12:01"),
        5,
        why="finish-after-23",
    ),
    # 4 long evenings ending Thu 23:59; 48 h later is Sat 23:59.
    Case(
        "rest_after_long_evening",
        "2016",
        [*long_days(range(4), 659, "13:00"), D(5, "23:59", 480)],
        [*long_days(range(4), 659, "13:00"), D(5, "23:58", 480)],
        2879 / 60,
    ),
    Case(
        "rest_after_long_evening",
        "2019",
        [*long_days(range(4), 659, "13:00"), D(5, "23:59", 480)],
        [*long_days(range(4), 659, "13:00"), D(5, "23:58", 480)],
        2879 / 60,
    ),
    # On call Sat + Sun is allowed; Fri + Sat is not.
    Case("oncall_consecutive", "2019", [oc(5), oc(6)], [oc(4), oc(5)], 2, weekly=True),
    Case("oncall_consecutive", "2016", [oc(5), oc(6)], [oc(6), oc(7)], 2, weekly=True),
    # Mon, Wed, Fri and the next Mon: never more than 3 in 7 days; Sun instead makes 4.
    Case(
        "oncall_per_7_days",
        "2019",
        [oc(0), oc(2), oc(4), oc(7)],
        [oc(0), oc(2), oc(4), oc(6)],
        4,
    ),
    # The day after an on-call period is rostered for at most 10 h.
    Case(
        "day_after_oncall",
        "2019",
        [oc(0), D(1, "09:00", 600)],
        [oc(0), D(1, "09:00", 601)],
        601 / 60,
    ),
    # After a Sat + Sun pair the limit applies to Monday, not to Sunday.
    Case(
        "day_after_oncall",
        "2016",
        [oc(5), oc(6), D(6, "09:00", 720), D(7, "09:00", 600)],
        [oc(5), oc(6), D(7, "09:00", 601)],
        601 / 60,
        weekly=True,
        why="sat-sun-pair",
        first_index=1,
    ),
    # 19:30-08:00 is the textbook night designed to dodge the enhancement; 20:00-08:30 is not.
    Case(
        "night_shift_avoidance",
        "2019",
        [D(0, "20:00", 750)],
        [D(0, "19:30", 750)],
        19.5,
    ),
]


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def test_every_rule_has_a_case() -> None:
    covered = {c.rule for c in CASES} | {"weekend_frequency", "max_avg_weekly_hours"}
    assert covered == set(RULE_IDS)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_at_the_limit_is_compliant(case: Case) -> None:
    assert breaches(make_rota(case.passing, rules=case.rules), case.rule) == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_one_minute_past_the_limit_breaches(case: Case) -> None:
    found = breaches(make_rota(case.failing, rules=case.rules), case.rule)
    assert len(found) == 1
    b = found[0]
    assert b.value == pytest.approx(case.value)
    assert b.doctor == "Dr A"
    # reported at the start of the first duty involved (for a rest, the earlier shift; for a
    # run, its first day; for a 168 h window, its first duty; after an on-call pair, Sunday's)
    first = case.failing[case.first_index].duty("Dr A", make_rota([]).period.start)
    assert b.start == first.start


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_on_the_first_and_last_day(case: Case) -> None:
    last = max(d.day for d in case.failing)
    days = 4 * 7
    to_end = days - 1 - last
    if case.weekly:
        to_end -= to_end % 7
    for offset in (0, to_end):
        rota = make_rota(case.failing, rules=case.rules, offset=offset)
        assert len(breaches(rota, case.rule)) == 1, f"offset {offset}"
        rota = make_rota(case.passing, rules=case.rules, offset=offset)
        assert breaches(rota, case.rule) == [], f"offset {offset}"


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_across_the_end_of_a_repeating_cycle(case: Case) -> None:
    """The case is laid across the end of a 4-week cycle into its start: still found, and
    reported exactly once; the passing case stays compliant."""
    days = 4 * 7
    span = max(d.day for d in case.failing) + 1
    offset = days - max(1, span // 2)
    if case.weekly:
        offset = days - 7
    failing = make_rota(case.failing, rules=case.rules, repeats=True, offset=offset)
    found = breaches(failing, case.rule)
    assert len(found) == 1
    assert found[0].value == pytest.approx(case.value)
    passing = make_rota(case.passing, rules=case.rules, repeats=True, offset=offset)
    assert breaches(passing, case.rule) == []


# -- 2016 vs 2019: the cases contract-rules.md says a checker must tell apart -------------


def test_four_13h_days_then_saturday_0800() -> None:
    # Mon-Thu 07:00-20:00 (13 h), then Sat 08:00: 36 h rest after 4 long shifts.
    duties = [*long_days(range(4), 780, "07:00"), D(5, "08:00", 480)]
    assert breaches(make_rota(duties, rules="2016"), "rest_after_long") == []
    found = breaches(make_rota(duties, rules="2019"), "rest_after_long")
    assert [b.value for b in found] == [36.0]


def test_one_night_then_a_day_11h_later() -> None:
    # 20:00-08:00, then an evening 19:00-23:00 (no night hours) 11 h after it ends
    duties = [D(0, "20:00", 720), D(1, "19:00", 240)]
    assert breaches(make_rota(duties, rules="2016"), "rest_after_nights") == []
    assert breaches(make_rota(duties, rules="2016"), "min_rest") == []
    assert [b.value for b in breaches(make_rota(duties, rules="2019"), "rest_after_nights")] == [
        11.0
    ]


def test_eight_consecutive_shifts() -> None:
    duties = long_days(range(8), 480, "09:00")
    assert breaches(make_rota(duties, rules="2016"), "max_consecutive_shifts") == []
    assert len(breaches(make_rota(duties, rules="2019"), "max_consecutive_shifts")) == 1


def test_late_shift_to_0300_is_a_night_in_2019() -> None:
    # 17:00-03:00 has 4 h in 23:00-06:00: a night shift, so 46 h rest after it in 2019.
    duties = [D(0, "17:00", 600), D(3, "00:59", 480)]
    found = breaches(make_rota(duties, rules="2019"), "rest_after_nights")
    assert [round(b.value, 2) for b in found] == [45.98]
    assert breaches(make_rota(duties, rules="2016"), "rest_after_nights") == []


def test_middle_night_removed_leaves_two_single_nights_each_owed_46h() -> None:
    three = long_days(range(3), 720, "20:00")
    gap = [three[0], three[2]]
    assert breaches(make_rota(three, rules="2019"), "rest_after_nights") == []
    found = breaches(make_rota(gap, rules="2019"), "rest_after_nights")
    assert [b.value for b in found] == [36.0]


# -- rules with their own shape ----------------------------------------------------------


def test_overlapping_shifts_are_negative_rest() -> None:
    duties = [D(0, "08:00", 600), D(0, "16:00", 480)]
    found = breaches(make_rota(duties), "min_rest")
    assert [b.value for b in found] == [-2.0]
    assert found[0].start == datetime(2026, 8, 3, 8, 0)


def test_rest_is_measured_from_the_latest_end() -> None:
    # a short shift inside a long one: the rest after both runs from the long one's end
    duties = [D(0, "08:00", 720), D(0, "09:00", 60), D(1, "06:00", 480)]
    values = sorted(b.value for b in breaches(make_rota(duties), "min_rest"))
    assert values == [-11.0, 10.0]


def test_168h_window_slides_over_clock_time_not_calendar_weeks() -> None:
    # Thu-Sun and Mon-Tue of the next week, 12 h each: no calendar week has more than 48 h,
    # but Thu 08:00 + 168 h holds 72 h; one more minute on Wed 07:59 breaks it.
    duties = [D(d, "08:00", 720) for d in (3, 4, 5, 6, 7, 8)] + [D(10, "07:59", 60)]
    found = breaches(make_rota(duties), "max_hours_in_168h")
    assert [round(b.value, 4) for b in found] == [72.0167]
    assert found[0].start == datetime(2026, 8, 6, 8, 0)


def test_168h_counts_on_call_expected_work_spread_over_the_period() -> None:
    # Five 12 h shifts (60 h) and a 24 h on-call with 24 h of expected work right after:
    # the window from the first shift holds 60 + 24 = 84 h.
    duties = [*long_days(range(5), 720), oc(5, "08:00", 1440, 24.0)]
    found = breaches(make_rota(duties), "max_hours_in_168h")
    assert [b.value for b in found] == [84.0]
    # expected work of 12 h over the 24 h: the window holds 60 + 12 = 72 h, fine
    duties = [*long_days(range(5), 720), oc(5, "08:00", 1440, 12.0)]
    assert breaches(make_rota(duties), "max_hours_in_168h") == []


def test_168h_separate_episodes_are_separate_breaches() -> None:
    block = long_days(range(7), 660)  # 77 h in a week
    duties = block + [D(d + 14, "08:00", 660) for d in range(7)]
    assert len(breaches(make_rota(duties), "max_hours_in_168h")) == 2


def test_average_weekly_hours() -> None:
    # 4 weeks: 16 x 12 h = 192 h = 48 h a week exactly; a minute more breaches.
    days = [d for d in range(28) if d % 7 in (0, 2, 4, 6)]
    ok = [D(d, "08:00", 720) for d in days]
    over = [*ok[:-1], D(days[-1], "08:00", 721)]
    assert breaches(make_rota(ok), "max_avg_weekly_hours") == []
    found = breaches(make_rota(over), "max_avg_weekly_hours")
    assert [round(b.value, 4) for b in found] == [round(192.0167 / 4, 4)]
    assert found[0].limit == 48


def test_average_weekly_hours_opted_out_and_on_call_work() -> None:
    from rota_solve.solver.rota import Doctor

    # 52 h a week for 1 week (4 x 13 h): breach at 48, fine when opted out (56).
    duties = long_days(range(0, 8, 2), 780)
    assert len(breaches(make_rota(duties, weeks=1), "max_avg_weekly_hours")) == 1
    opted = {"Dr A": Doctor("Dr A", opted_out=True)}
    rota = make_rota(duties, weeks=1, doctors=opted)
    assert breaches(rota, "max_avg_weekly_hours") == []
    # on-call counts its expected work, not its length: 40 h of shifts + 8 h expected = 48
    duties = [*long_days(range(5), 480), oc(5, "09:00", 1440, 8.0)]
    assert breaches(make_rota(duties, weeks=1), "max_avg_weekly_hours") == []
    duties = [*long_days(range(5), 480), oc(5, "09:00", 1440, 8.5)]
    assert len(breaches(make_rota(duties, weeks=1), "max_avg_weekly_hours")) == 1


def test_weekend_frequency_1_in_2_exactly_is_allowed() -> None:
    two = [D(5, "08:00", 480), D(19, "08:00", 480)]
    three = [*two, D(12, "08:00", 480)]
    assert breaches(make_rota(two), "weekend_frequency") == []
    found = breaches(make_rota(three), "weekend_frequency")
    assert [(b.value, b.limit) for b in found] == [(0.75, 0.5)]


def test_weekend_hours_definition_friday_night_counts() -> None:
    # The weekend runs from 00:01 Saturday to 23:59 Sunday. Fri 16:00-00:01 works no minute
    # inside it; to 00:02 works one.
    base = [D(5, "08:00", 480), D(12, "08:00", 480)]
    assert breaches(make_rota([*base, D(18, "16:00", 481)]), "weekend_frequency") == []
    assert len(breaches(make_rota([*base, D(18, "16:00", 482)]), "weekend_frequency")) == 1
    # a Friday night ending Saturday 08:00 counts
    assert len(breaches(make_rota([*base, D(18, "20:00", 720)]), "weekend_frequency")) == 1
    # a Sunday 23:58 start works a minute of the weekend; 23:59 does not
    assert len(breaches(make_rota([*base, D(20, "23:58", 60)]), "weekend_frequency")) == 1
    assert breaches(make_rota([*base, D(20, "23:59", 60)]), "weekend_frequency") == []


def test_weekend_frequency_on_call_counts_and_wraps() -> None:
    duties = [oc(5), oc(12), oc(19)]
    assert len(breaches(make_rota(duties), "weekend_frequency")) == 1
    # a Sunday night on the cycle's last day wraps into Monday: one weekend, counted once
    cyc = [D(6, "20:00", 720), D(27, "20:00", 720)]
    assert breaches(make_rota(cyc, repeats=True), "weekend_frequency") == []


@pytest.mark.parametrize(
    ("start", "minutes", "flagged"),
    [
        ("19:30", 750, True),  # 19:30-08:00: the textbook case
        ("18:00", 750, True),  # 18:00-06:30
        ("00:30", 510, True),  # 00:30-09:00
        ("02:00", 480, True),  # 2 h after midnight, the edge of the margin
        ("17:59", 751, False),  # 2 h 01 min before 20:00
        ("02:01", 480, False),  # 2 h 01 min after midnight
        ("20:00", 750, False),  # 20:00-08:30 earns the whole-shift enhancement
        ("00:00", 480, False),  # 00:00-08:00 likewise
        ("17:00", 600, False),  # 17:00-03:00 late shift: starts 3 h before 20:00
        ("09:00", 1440, False),  # a 24 h 09:00 duty (it breaches other rules)
        ("19:30", 479, False),  # under 8 h
        ("19:00", 480, True),  # 19:00-03:00: 8 h, 4 h of them 23:00-03:00
    ],
)
def test_night_shift_avoidance_detector(start: str, minutes: int, flagged: bool) -> None:
    found = breaches(make_rota([D(0, start, minutes)]), "night_shift_avoidance")
    assert (len(found) == 1) is flagged
    if flagged:
        assert found[0].severity == "guidance"


def test_night_avoidance_needs_a_night_shift() -> None:
    # 18:00-02:00 (8 h) has exactly 3 h in 23:00-06:00 (a night): flagged; 18:00-01:59 has
    # 2 h 59 min: not a night, so not flagged.
    assert len(breaches(make_rota([D(0, "18:00", 480)]), "night_shift_avoidance")) == 1
    assert breaches(make_rota([D(0, "17:59", 480)]), "night_shift_avoidance") == []


def test_oncall_consecutive_variants() -> None:
    assert breaches(make_rota([oc(5), oc(6)]), "oncall_consecutive") == []
    found = breaches(make_rota([oc(5), oc(6), oc(7)]), "oncall_consecutive")
    assert [b.value for b in found] == [3]
    found = breaches(make_rota([oc(6), oc(7)]), "oncall_consecutive")  # Sun + Mon
    assert len(found) == 1
    # Sun on the cycle's last day + Mon on its first: consecutive across the wrap
    wrap = [oc(27), oc(0)]
    assert len(breaches(make_rota(wrap, repeats=True), "oncall_consecutive")) == 1
    assert breaches(make_rota(wrap, repeats=False), "oncall_consecutive") == []


def test_a_run_on_every_day_of_a_cycle_is_reported_once() -> None:
    duties = long_days(range(14), 480, "09:00")
    found = breaches(make_rota(duties, weeks=2, repeats=True), "max_consecutive_shifts")
    assert len(found) == 1
    assert "every day" in found[0].message


def test_many_doctors_every_breach_reported() -> None:
    """The checker never stops at the first breach: every doctor and every breach."""
    bad = [D(0, "08:00", 781), D(7, "08:00", 800), D(14, "08:00", 781)]
    rota = make_rota({"Dr A": bad, "Dr B": bad, "Dr C": [D(0, "08:00", 480)]})
    found = breaches(rota, "max_shift_length")
    assert sorted((b.doctor, b.start.day) for b in found) == [
        ("Dr A", 3),
        ("Dr A", 10),
        ("Dr A", 17),
        ("Dr B", 3),
        ("Dr B", 10),
        ("Dr B", 17),
    ]
