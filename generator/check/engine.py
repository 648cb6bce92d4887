"""The rule engine: each rule is a named, documented unit that reads a disclosure and yields
results; the engine turns them into CheckOutcome rows in a deterministic order.

A rule that finds nothing to check still leaves one ``not_applicable`` row, so the
``checks`` resource shows every rule's outcome for every disclosure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar, cast

from generator.contract.records import CheckOutcome, Disclosure

PASS = "pass"
FAIL = "fail"
NOT_APPLICABLE = "not_applicable"
STATUSES = (PASS, FAIL, NOT_APPLICABLE)

# Rule categories, in the order the catalogue lists them.
WITHIN_TABLE = "within_table"
ACROSS_TABLES = "across_tables"
NARRATIVE = "narrative"
ACROSS_YEARS = "across_years"
COMPLETENESS = "completeness"
HYGIENE = "hygiene"
CATEGORIES = (WITHIN_TABLE, ACROSS_TABLES, NARRATIVE, ACROSS_YEARS, COMPLETENESS, HYGIENE)


@dataclass(frozen=True)
class Result:
    """What a rule found at one place; the engine adds the disclosure and the rule id."""

    table: str
    location: str
    expected: Decimal | str | None
    actual: Decimal | str | None
    status: str
    message: str


Evaluate = Callable[[Disclosure], Iterable[Result]]
# A rule across years also reads the unit's disclosure of the year before (None when absent).
EvaluateAcrossYears = Callable[[Disclosure, "Disclosure | None"], Iterable[Result]]
E = TypeVar("E", Evaluate, EvaluateAcrossYears)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    category: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    reads: tuple[str, ...]  # resources the rule reads: table kinds' values, narrative_facts, projects …
    covers: tuple[str, ...]  # GovBudgetChecker rules it is the counterpart of (also named in the descriptions)
    evaluate: Evaluate | EvaluateAcrossYears
    across_years: bool = False


RULES: list[Rule] = []


def rule(
    rule_id: str,
    category: str,
    title: tuple[str, str],
    description: tuple[str, str],
    reads: tuple[str, ...],
    covers: tuple[str, ...] = (),
    across_years: bool = False,
) -> Callable[[E], E]:
    """Register a rule; ``title`` and ``description`` are (Chinese, English). A rule
    ``across_years`` is called with the disclosure and the same unit's previous one."""

    def register(evaluate: E) -> E:
        if any(existing.rule_id == rule_id for existing in RULES):
            raise ValueError(f"rule {rule_id} registered twice")
        RULES.append(Rule(rule_id, category, title[0], title[1], description[0], description[1], reads, covers,
                          evaluate, across_years))
        return evaluate

    return register


def evaluate_rule(item: Rule, disclosure: Disclosure, previous: Disclosure | None = None) -> Iterator[CheckOutcome]:
    found = False
    results = (cast(EvaluateAcrossYears, item.evaluate)(disclosure, previous) if item.across_years
               else cast(Evaluate, item.evaluate)(disclosure))
    for result in results:
        found = True
        yield CheckOutcome(disclosure.disclosure_id, item.rule_id, result.table, result.location, result.expected,
                           result.actual, result.status, result.message)
    if not found:
        yield CheckOutcome(disclosure.disclosure_id, item.rule_id, "", "", None, None, NOT_APPLICABLE,
                           "nothing this rule reads is published in this disclosure")


# --- amounts -------------------------------------------------------------------------------

CENT = Decimal("0.01")


def yuan(value: Decimal | None) -> str:
    return "blank" if value is None else f"{value.quantize(CENT)}"


def rounded(value: Decimal, quantum: Decimal) -> Decimal:
    """``value`` rounded half-up to a multiple of ``quantum`` (both yuan)."""
    return (value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum


def compare(
    table: str,
    location: str,
    expected: Decimal | None,
    actual: Decimal | None,
    what: str,
    quantum: Decimal = CENT,
) -> Result:
    """Exact comparison in yuan; ``quantum`` > 1 fen when ``actual`` was published with fewer
    decimals (20万元 is stated to the 万元: any expected figure that rounds to it agrees).
    A blank is compared as 0 — the blank itself stays in the records."""
    expected_value = expected if expected is not None else Decimal(0)
    actual_value = actual if actual is not None else Decimal(0)
    agrees = rounded(expected_value, quantum) == actual_value if quantum > CENT else expected_value == actual_value
    tolerance = f" (stated to {yuan(quantum)} yuan, compared after rounding)" if quantum > CENT else ""
    if agrees:
        return Result(table, location, expected, actual, PASS, f"{what}: {yuan(actual)} agrees{tolerance}")
    return Result(table, location, expected, actual, FAIL,
                  f"{what}: expected {yuan(expected)}, found {yuan(actual)}, "
                  f"difference {yuan(actual_value - expected_value)}{tolerance}")


def total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((value for value in values if value is not None), Decimal(0))
