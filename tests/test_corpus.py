"""`rota-solve check` on the 35 rotas of ../shared/corpus must agree with the independent
checker's verdicts (refcheck) rule by rule, under both rule sets, as a repeating cycle and as
a one-off period, and with the same number of breaches per rule."""

from __future__ import annotations

import json
import shlex
from collections import Counter
from typing import Any

import pytest
from typer.testing import CliRunner

from rota_solve.solver.cli import app
from tests.conftest import corpus_dir

RUNNER = CliRunner()


def _runs() -> list[tuple[str, str, str, dict[str, Any], str]]:
    found = corpus_dir()
    if found is None:
        return []
    cases = json.loads((found / "cases.json").read_text())["cases"]
    out = []
    for case in cases:
        for rules, modes in case["refcheck"].items():
            for mode, verdict in modes.items():
                out.append((case["id"], rules, mode, verdict, case["xlsx"]))
    return out


RUNS = _runs()


def test_the_corpus_is_all_here(corpus: Any) -> None:
    cases = json.loads((corpus / "cases.json").read_text())["cases"]
    assert len(cases) == 35
    assert len(RUNS) >= 35 * 2


@pytest.mark.parametrize(
    ("case", "rules", "mode", "verdict", "xlsx"), RUNS, ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in RUNS]
)
def test_agrees_with_refcheck(
    corpus: Any, case: str, rules: str, mode: str, verdict: dict[str, Any], xlsx: str
) -> None:
    args = ["check", str(corpus / xlsx), *shlex.split(verdict["check_options"]), "--json"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == verdict["exit"], result.output
    if verdict["exit"] == 2:
        # refcheck: "row 17: end ... is not after start ..."; we name the sheet and column too
        assert "row 17" in result.output and "column end" in result.output
        return
    out = json.loads(result.stdout)
    assert out["rules"] == rules
    got = Counter(b["rule"] for b in out["breaches"])
    for rule, expected in verdict["by_rule"].items():
        failed = expected["verdict"] != "pass"  # "fail", or "guidance" for the guidance rule
        assert bool(got.get(rule)) == failed, (
            f"{rule}: refcheck {expected}, we found {got.get(rule)}"
        )
        if failed:
            assert got[rule] == expected["count"], rule
    assert set(got) <= set(verdict["by_rule"])
    assert out["compliant"] == (verdict["exit"] == 0)


def test_boundary_cases(corpus: Any) -> None:
    """The corpus README's edge cases: an average of exactly 48.0 h (1:7 on-call, computed with
    on-call work_hours) passes; 158 long-day -> next-day pairs with exactly 11.0 h rest pass."""
    res = RUNNER.invoke(
        app,
        [
            "check",
            str(corpus / "xlsx/rudolf_specimen_on_call_7.xlsx"),
            "--start-date",
            "2025-08-04",
            "--weeks",
            "7",
            "--repeats",
            "--json",
        ],
    )
    assert res.exit_code == 0
    hours = [p["average_weekly_hours"] for p in json.loads(res.stdout)["pay"]]
    assert hours and all(h == 48.0 for h in hours)
    res = RUNNER.invoke(
        app,
        [
            "check",
            str(corpus / "xlsx/dewar_roster_2026.xlsx"),
            "--rules",
            "2016",
            "--start-date",
            "2026-02-04",
            "--weeks",
            "26",
            "--no-repeats",
            "--json",
        ],
    )
    assert res.exit_code == 0
