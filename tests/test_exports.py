"""`rota-solve export`: calendars parsed back with the icalendar package match every duty's
start and end in UTC across the October clock change, UIDs are stable, on-call is marked, a
cycle repeats to --until; work schedules carry check's pay to the penny."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from rota_solve.solver.cli import app
from rota_solve.solver.exports import LONDON, duties_until
from rota_solve.solver.rota_io import read_rota
from rota_solve.solver.rota_writer import write_rota_workbook
from tests.helpers import D, make_rota, oc

RUNNER = CliRunner()
SAT = date(2026, 10, 24)  # the night of Sat 24 Oct 2026 the clocks go back (02:00 BST)


@pytest.fixture
def rota_file(tmp_path: Path) -> Path:
    # two weeks from Mon 19 Oct 2026, repeating: Dr A nights Fri-Sun across the change,
    # a day shift; Dr B a 24 h on-call period and a day shift
    rota = make_rota(
        {
            "Dr A": [
                D(4, "20:00", 750),
                D(5, "20:00", 750),
                D(6, "20:00", 750),
                D(9, "08:00", 510),
            ],
            "Dr B": [oc(2, "09:00", 1440, 3.0), D(8, "08:00", 510)],
        },
        weeks=2,
        repeats=True,
        start=date(2026, 10, 19),
    )
    path = tmp_path / "rota.xlsx"
    write_rota_workbook(rota, path)
    return path


def _events(path: Path) -> list[tuple[str, datetime, datetime, str, list[str]]]:
    cal = Calendar.from_ical(path.read_bytes())
    out = []
    for ev in cal.walk("VEVENT"):
        cats = ev.get("categories")
        words = [str(c) for c in cats.cats] if cats is not None else []
        out.append(
            (
                str(ev["summary"]),
                ev.decoded("dtstart").astimezone(UTC),
                ev.decoded("dtend").astimezone(UTC),
                str(ev["uid"]),
                words,
            )
        )
    return out


def test_calendars_match_every_duty_in_utc_across_the_clock_change(
    rota_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ics"
    result = RUNNER.invoke(app, ["export", str(rota_file), "--ical", str(out)])
    assert result.exit_code == 0, result.output
    rota = read_rota(rota_file)
    for doctor in ("Dr A", "Dr B"):
        events = _events(out / f"{doctor}.ics")
        expected = sorted(
            (
                d.start.replace(tzinfo=LONDON).astimezone(UTC),
                d.end.replace(tzinfo=LONDON).astimezone(UTC),
            )
            for d in rota.duties
            if d.doctor == doctor
        )
        assert sorted((s, e) for _, s, e, _, _ in events) == expected
    nights = {s: e for _, s, e, _, _ in _events(out / "Dr A.ics")}
    # Sat 24 Oct 20:00 BST is 19:00 UTC; Sun 25 Oct 08:30 GMT is 08:30 UTC: 13.5 h elapsed
    start = datetime(2026, 10, 24, 19, 0, tzinfo=UTC)
    assert nights[start] == datetime(2026, 10, 25, 8, 30, tzinfo=UTC)
    # Fri 23 Oct 20:00 BST to Sat 08:30 BST: 19:00 to 07:30 UTC
    assert nights[datetime(2026, 10, 23, 19, 0, tzinfo=UTC)] == datetime(
        2026, 10, 24, 7, 30, tzinfo=UTC
    )
    on_call = [e for e in _events(out / "Dr B.ics") if "ON-CALL" in e[4]]
    assert len(on_call) == 1 and on_call[0][0].startswith("On call")


def test_uids_are_stable_and_a_cycle_repeats_to_until(rota_file: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        args = ["export", str(rota_file), "--ical", str(folder), "--until", "2026-12-31"]
        result = RUNNER.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert (a / "Dr A.ics").read_bytes() == (b / "Dr A.ics").read_bytes()
    events = _events(a / "Dr A.ics")
    rota = read_rota(rota_file)
    assert len(events) == len(
        [d for d in duties_until(rota, date(2026, 12, 31)) if d.doctor == "Dr A"]
    )
    assert len({uid for *_, uid, _ in events}) == len(events)  # one UID a duty
    assert max(s for _, s, *_ in events).date() <= date(2026, 12, 31)
    assert len(events) > 4 * 4  # the fortnight repeated to the end of December


def test_work_schedules_carry_checks_pay_to_the_penny(rota_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "ws"
    result = RUNNER.invoke(app, ["export", str(rota_file), "--work-schedules", str(out)])
    assert result.exit_code == 0, result.output
    checked = json.loads(RUNNER.invoke(app, ["check", str(rota_file), "--json"]).stdout)
    for line in checked["pay"]:
        wb = load_workbook(out / f"{line['doctor']}-work-schedule.xlsx")
        items = {r[0]: r[1] for r in wb["Work schedule"].iter_rows(min_row=2, values_only=True)}
        assert items["total (GBP a year)"] == line["total"]
        for element in ("basic", "night_enhancement", "weekend_allowance", "on_call_allowance"):
            assert items[f"{element} (GBP a year)"] == line[element]
        assert items["average weekly hours"] == pytest.approx(
            line["average_weekly_hours"], abs=0.01
        )
        duties = list(wb["Duties"].iter_rows(min_row=2, values_only=True))
        assert len(duties) == (4 if line["doctor"] == "Dr A" else 2)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "nothing to export"),
        (["--ical", "{tmp}/x", "--until", "31/12/2026x"], "--until"),
    ],
)
def test_export_refuses_bad_options(
    rota_file: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    result = RUNNER.invoke(
        app, ["export", str(rota_file), *[a.replace("{tmp}", str(tmp_path)) for a in args]]
    )
    assert result.exit_code == 2 and words in result.output


def test_until_is_for_repeating_rotas(tmp_path: Path) -> None:
    rota = make_rota({"Dr A": [D(0, "08:00", 510)]}, weeks=1, repeats=False)
    path = tmp_path / "one-off.xlsx"
    write_rota_workbook(rota, path)
    args = ["export", str(path), "--ical", str(tmp_path / "ics"), "--until", "2026-12-31"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 2 and "one-off" in result.output
