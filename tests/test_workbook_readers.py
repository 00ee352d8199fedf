"""The two workbook readers (solver/workbook.py) give the same cells.

python-calamine reads a workbook with no formula and no error value (fast); openpyxl's parser
reads every other one (it marks a formula with no saved value and an error value, which
calamine cannot tell from a blank or a text). A cell calamine gave differently from openpyxl
would be a silently different rota, so: every bundled example, every corpus workbook, a
workbook of every kind of cell a coordinator types, and random sheets read the same both
ways; and a workbook with a formula or an error value never goes to calamine."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rota_solve.solver.workbook import _plain, calamine_rows, openpyxl_rows, read_workbook
from tests.conftest import ROOT, corpus_dir

Rows = list[tuple[str, list[tuple[int, list[Any]]]]]


def _tidy(sheets: Rows) -> Rows:
    """Rows as both readers agree to give them: blank rows left out, trailing blanks cut."""
    out: Rows = []
    for title, rows in sheets:
        kept = []
        for number, values in rows:
            vals = list(values)
            while vals and vals[-1] is None:
                vals.pop()
            if vals:
                kept.append((number, vals))
        out.append((title, kept))
    return out


def _same(path: Path) -> None:
    fast = calamine_rows(path)
    assert fast is not None, f"calamine could not read {path.name}"
    slow = _tidy(openpyxl_rows(path))
    assert [t for t, _ in fast] == [t for t, _ in slow]
    for (title, a), (_, b) in zip(fast, slow, strict=True):
        assert len(a) == len(b), f"{path.name} {title}: {len(a)} rows vs {len(b)}"
        for (na, va), (nb, vb) in zip(a, b, strict=True):
            assert na == nb, f"{path.name} {title}: row {na} vs {nb}"
            assert va == vb, f"{path.name} {title} row {na}: {va} vs {vb}"
            assert [type(x) for x in va] == [type(x) for x in vb], f"{title} row {na}"


def _workbooks() -> list[Path]:
    found = sorted((ROOT / "examples").glob("*.xlsx"))
    corpus = corpus_dir()
    if corpus is not None:
        found += sorted((corpus / "xlsx").glob("*.xlsx"))
    return found


@pytest.mark.parametrize("path", _workbooks(), ids=lambda p: p.name)
def test_every_bundled_and_corpus_workbook_reads_the_same_both_ways(path: Path) -> None:
    if not _plain(path):
        pytest.skip(f"{path.name} holds a formula or an error value: openpyxl reads it")
    _same(path)


def test_the_examples_are_read_by_calamine() -> None:
    """The fast reader is the one used on what `build` and the examples write."""
    assert all(_plain(p) for p in sorted((ROOT / "examples").glob("*.xlsx")))


CELLS: list[tuple[Any, str]] = [
    (46000.8333, "yyyy-mm-dd"),  # a date and time shown as a date: the time is kept
    (46000.8333, "dd/mm/yyyy hh:mm"),
    (datetime(2026, 8, 3), "yyyy-mm-dd"),
    (date(2026, 8, 3), "d-mmm"),
    (46000, "[$-F800]dddd, mmmm dd, yyyy"),
    (46000, "mmm-yy"),
    (46000, "General"),
    (0.5, "hh:mm"),
    (time(20, 0), "h:mm"),
    (0.999999, "hh:mm"),
    (1.5, "[h]:mm"),
    (0.8, "0%"),
    (52, "General"),
    (52.5, "General"),
    (-3, "General"),
    (1e-9, "General"),
    (True, "General"),
    (False, "General"),
    ("Dr Ives", "General"),
    ("  padded  ", "General"),
    ("N/A", "General"),
    ("0.8", "@"),
    ("2026-08-03", "@"),
    ("=not a formula", "@"),
    ("Smith & Jones <ST3>", "General"),
    ("Ünïcødé — ok", "General"),
]


def test_every_kind_of_cell_reads_the_same_both_ways(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Cells"
    for i, (value, fmt) in enumerate(CELLS, start=2):
        c = ws.cell(i, 2, value)
        c.number_format = fmt
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"  # text that looks like a formula
    ws.cell(40, 7, "far corner")
    ws.cell(41, 1).number_format = "0.00"  # a styled cell with no value
    other = wb.create_sheet("Second & third")
    other.append(["doctor", "2026-08-03"])
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=14, max_row=16))
    wb.create_chartsheet("Chart").add_chart(chart)
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    assert _plain(path)
    _same(path)
    fast = calamine_rows(path)
    assert fast is not None
    assert [t for t, _ in fast] == ["Cells", "Second & third"]  # the chartsheet has no cells
    rows = dict(fast[0][1])
    assert rows[2][1] == datetime(2025, 12, 9, 19, 59, 57, 120000)
    assert rows[5][1] == datetime(2026, 8, 3) and rows[14][1] == 52 and rows[15][1] == 52.5


cell = st.one_of(
    st.none(),
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.timedeltas(timedelta(0), timedelta(days=3)).map(lambda d: timedelta(seconds=d.seconds)),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(cell, max_size=6), min_size=1, max_size=8))
def test_random_sheets_read_the_same_both_ways(grid: list[list[Any]]) -> None:
    import tempfile

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str) and value.startswith("="):
                value = " " + value  # openpyxl would write it as a formula
            ws.cell(r, c, value)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.xlsx"
        wb.save(path)
        _same(path)


def test_a_formula_or_an_error_value_goes_to_openpyxl(tmp_path: Path) -> None:
    """calamine would read a formula with no saved value as blank, and #N/A as text: such
    a workbook is read by openpyxl's parser, which names the cell (tests/test_hardening.py)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["setting", "value"])
    ws.append(["weeks", "=4*2"])
    formula = tmp_path / "formula.xlsx"
    wb.save(formula)
    assert not _plain(formula)
    ws["B2"] = "#N/A"
    ws["B2"].data_type = "e"
    error = tmp_path / "error.xlsx"
    wb.save(error)
    assert not _plain(error)
    tables = read_workbook(error)
    assert repr(next(iter(tables.values())).data[0][1][1]) == "#N/A"


def test_not_a_workbook_is_refused_as_before(tmp_path: Path) -> None:
    """Damage is openpyxl's to report, with the same message as before calamine came in."""
    from rota_solve.solver.errors import InputError

    for name, content in [("damaged.xlsx", b"PK\x03\x04 not really"), ("notes.xlsx", b"hi")]:
        path = tmp_path / name
        path.write_bytes(content)
        assert not _plain(path)
        with pytest.raises(InputError, match="not a readable workbook"):
            read_workbook(path)


def test_column_letters_are_openpyxls() -> None:
    from openpyxl.utils import get_column_letter

    from rota_solve.solver.workbook import column_letter

    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 18279))
