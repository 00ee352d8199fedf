"""The independent checker: every rule of the rule set over a finished rota, and the pay.

Never imports ortools (tests/test_no_ortools.py proves it), so a guardian can check a rota on
any machine, and the solver's rotas are re-checked by code that shares nothing with the
model but the rule modules' plain checks and the pay calculator.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from rota_solve.constraints import PATTERNS, RULES, Breach, Context
from rota_solve.solver.bank_holidays import days_in_lieu, worked_on
from rota_solve.solver.pay import PayLine, doctor_pay
from rota_solve.solver.rota import Duty, Rota
from rota_solve.solver.ruleset import PayYear, RuleSet, load_pay_year, load_rule_set


@dataclass
class CheckResult:
    rota: Rota
    rule_set: RuleSet
    pay_year: PayYear
    breaches: list[Breach]
    pay: list[PayLine]
    patterns: list[Breach] = field(default_factory=list)  # trust policy: never breaches

    @property
    def compliant(self) -> bool:
        """No breach of any kind: a hard limit, or the rostering guidance (adhering to the
        guidance is a contractual requirement, FAQ May 2016)."""
        return not self.breaches

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": self.rule_set.id,
            "pay_year": self.pay_year.year,
            "compliant": self.compliant,
            "breaches": [b.as_dict() for b in self.breaches],
            "pay": [p.json() for p in self.pay],
            "warnings": list(self.rota.warnings),
            "patterns": [b.as_dict() for b in self.patterns],
        }


def check_rota(rota: Rota) -> CheckResult:
    rule_set = load_rule_set(rota.rules)
    year = load_pay_year(rota.pay_year)
    ctx = Context(rota, rule_set)
    breaches: list[Breach] = []
    for rule in RULES:
        breaches.extend(rule.check(ctx))
    order = {r.id: i for i, r in enumerate([*RULES, *PATTERNS])}
    breaches.sort(key=lambda b: (b.doctor, order[b.rule], b.start, b.value))
    patterns: list[Breach] = []
    for rule in PATTERNS:
        if rule.enabled(rota.patterns):
            patterns.extend(rule.check(ctx))
    patterns.sort(key=lambda b: (b.doctor, order[b.rule], b.start, b.value))
    pay = [
        _lieu(rota, doctor_pay(tl.doctor, tl.duties, rota.period, rule_set.pay, year), tl.duties)
        for tl in ctx.timelines.values()
    ]
    return CheckResult(rota, rule_set, year, breaches, pay, patterns)


def _lieu(rota: Rota, line: PayLine, duties: list[Duty]) -> PayLine:
    """The days off in lieu for the period's bank holidays: every one the doctor is on the
    rota for (at work, on call or resting; a rota workbook records no leave)."""
    if not rota.bank_holidays:
        return line
    doc = rota.doctors.get(line.doctor)
    ltft = doc.ltft if doc is not None else 1.0
    worked = sum(1 for day in rota.bank_holidays if worked_on(duties, day))
    return replace(
        line,
        days_in_lieu=days_in_lieu(len(rota.bank_holidays), ltft),
        bank_holidays_worked=worked,
    )
