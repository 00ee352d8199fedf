"""Rule sets and pay years as data files (TOML, one file per set or year).

`constraints/rulesets/<id>.toml` holds every parameter of a rule set with its source;
`solver/payyears/<yyyy-yy>.toml` the nodal points of a pay year. A later contract version or
pay circular is one new file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from rota_solve.solver.clock import hhmm
from rota_solve.solver.errors import InputError


@dataclass(frozen=True)
class Definitions:
    long_shift_over_minutes: int
    night_window: tuple[int, int]
    night_min_minutes: int
    long_evening_ends_after: int
    long_evening_starts_before: int | None
    weekend_hours_window: tuple[str, str]
    oncall_ends_rest: bool = True  # an on-call period inside the rest after a run ends it


@dataclass(frozen=True)
class PayRules:
    on_call_allowance_fraction: float
    ltft_allowance: float
    full_time_hours: float
    night_rate: float
    night_window: tuple[int, int]
    whole_shift_start: tuple[int, int]
    whole_shift_min_minutes: int
    whole_shift_until: int
    finish_window: tuple[int, int] | None
    weekend_bands: tuple[tuple[int, float], ...]
    source: str
    weeks_per_year: float = 52.143  # turning an hourly figure (a locum's rate) into a year

    def full_time_minutes(self, weeks: int) -> int:
        """The minutes of `weeks` full-time weeks (40 h): basic pay's measure, pro rata for
        LTFT, and the line past which hours are additional."""
        return round(self.full_time_hours * 60) * weeks


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: str
    source: str
    definitions: Definitions
    rules: dict[str, dict[str, Any]]
    pay: PayRules
    not_checked: dict[str, str]

    def params(self, rule_id: str) -> dict[str, Any]:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise KeyError(f"rule set {self.id} has no parameters for rule {rule_id}") from None


@dataclass(frozen=True)
class PayYear:
    year: str
    source: str
    nodal_points: dict[str, float]
    grades: dict[str, str]
    london_weighting: dict[str, float] = field(default_factory=dict)  # band -> GBP a year

    def salary(self, grade: str) -> float | None:
        point = self.grades.get(grade)
        return None if point is None else self.nodal_points[point]


def _window(pair: list[str]) -> tuple[int, int]:
    return hhmm(pair[0]), hhmm(pair[1])


def available_rule_sets() -> list[str]:
    files = resources.files("rota_solve.constraints").joinpath("rulesets")
    return sorted(p.name.removesuffix(".toml") for p in files.iterdir() if p.name.endswith(".toml"))


def available_pay_years() -> list[str]:
    files = resources.files("rota_solve.solver").joinpath("payyears")
    names = [p.name.removesuffix(".toml") for p in files.iterdir() if p.name.endswith(".toml")]
    return sorted(n.replace("-", "/") for n in names)


def latest_pay_year() -> str:
    return available_pay_years()[-1]


@cache
def load_rule_set(rule_set: str) -> RuleSet:
    if rule_set not in available_rule_sets():
        raise InputError(
            f"unknown rule set {rule_set!r}: use one of {', '.join(available_rule_sets())}"
        )
    path = resources.files("rota_solve.constraints").joinpath("rulesets", f"{rule_set}.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    d = data["definitions"]
    p = data["pay"]
    starts_before = d.get("long_evening_starts_before") or ""
    definitions = Definitions(
        long_shift_over_minutes=round(d["long_shift_over_hours"] * 60),
        night_window=_window(d["night_window"]),
        night_min_minutes=round(d["night_min_hours"] * 60),
        long_evening_ends_after=hhmm(d["long_evening_ends_after"]),
        long_evening_starts_before=hhmm(starts_before) if starts_before else None,
        weekend_hours_window=(d["weekend_hours_window"][0], d["weekend_hours_window"][1]),
        oncall_ends_rest=bool(d.get("oncall_ends_rest", True)),
    )
    pay = PayRules(
        on_call_allowance_fraction=float(p["on_call_allowance_fraction"]),
        ltft_allowance=float(p["ltft_allowance"]),
        full_time_hours=float(p["full_time_hours"]),
        weeks_per_year=float(p.get("weeks_per_year", 52.143)),
        night_rate=float(p["night_rate"]),
        night_window=_window(p["night_window"]),
        whole_shift_start=_window(p["whole_shift_start"]),
        whole_shift_min_minutes=round(p["whole_shift_min_hours"] * 60),
        whole_shift_until=hhmm(p["whole_shift_until"]),
        finish_window=_window(p["finish_window"]) if p["finish_window"] else None,
        weekend_bands=tuple((int(n), float(pct)) for n, pct in p["weekend_bands"]),
        source=p["source"],
    )
    return RuleSet(
        id=str(data["id"]),
        name=data["name"],
        source=data["source"],
        definitions=definitions,
        rules={k: dict(v) for k, v in data["rules"].items()},
        pay=pay,
        not_checked=dict(data.get("not_checked", {})),
    )


@cache
def load_pay_year(year: str) -> PayYear:
    if year not in available_pay_years():
        raise InputError(
            f"unknown pay year {year!r}: use one of {', '.join(available_pay_years())}"
        )
    name = year.replace("/", "-") + ".toml"
    path = resources.files("rota_solve.solver").joinpath("payyears", name)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return PayYear(
        year=data["year"],
        source=data["source"],
        nodal_points={k: float(v) for k, v in data["nodal_points"].items()},
        grades=dict(data["grades"]),
        london_weighting={
            k: float(v) for k, v in data.get("london_weighting", {}).items() if k != "source"
        },
    )
