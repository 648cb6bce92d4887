"""What the narrative rules share: the stated facts of a disclosure, the precision each is
stated to, and comparisons of stated figures with table cells within that precision."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from generator.check.engine import CENT, FAIL, NOT_APPLICABLE, PASS, Result, compare, yuan
from generator.check.view import grand_total_row, location, main_column, two_sided_total, value
from generator.contract.records import BudgetTable, Disclosure, NarrativeFact, TableKind
from generator.extract.money import YUAN_PER_UNIT, normalise_number_text

FACTS = "narrative_facts"
ROUNDED = Decimal(100)
_FIGURE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(亿元|万元|万|元)")


def stated_quantum(fact: NarrativeFact) -> Decimal:
    """Yuan value of the last digit the sentence publishes for this amount (0.01 yuan when the
    figure cannot be found in its sentence: then the comparison is exact)."""
    return figure_quantum(fact.sentence, abs(fact.amount))


# Remembered: the rules ask for the quantum of the same few facts again and again.
@functools.lru_cache(maxsize=4096)
def figure_quantum(sentence: str, amount: Decimal) -> Decimal:
    quanta = []
    for match in _FIGURE.finditer(normalise_number_text(sentence)):
        number = Decimal(match.group(1).replace(",", ""))
        factor = YUAN_PER_UNIT["万元" if match.group(2) == "万" else match.group(2)]
        if number * factor == amount:
            decimals = max(0, -int(number.as_tuple().exponent))
            quanta.append(max(factor / (Decimal(10) ** decimals), CENT))
    quantum = min(quanta) if quanta else CENT
    # Up to 0.01万元 is the precision the tables publish: only coarser figures are rounded ones.
    return quantum if quantum > ROUNDED else CENT


def fact_location(fact: NarrativeFact) -> str:
    qualifier = f" ({fact.qualifier})" if fact.qualifier else ""
    return f"{fact.fact}{qualifier}: {fact.sentence}"


def facts(disclosure: Disclosure, name: str) -> list[NarrativeFact]:
    return [fact for fact in disclosure.narrative.facts if fact.fact == name]


def first(disclosure: Disclosure, name: str) -> NarrativeFact | None:
    return next(iter(facts(disclosure, name)), None)


def against(fact: NarrativeFact, expected: Decimal | None, source: str) -> Result:
    return compare(FACTS, fact_location(fact), expected, fact.amount, f"stated against {source}",
                   stated_quantum(fact))


def total_cell(table: BudgetTable | None, column: str) -> tuple[Decimal | None, str] | None:
    if table is None:
        return None
    row = grand_total_row(table)
    if row is None:
        return (Decimal(0), f"{table.kind.value} (published empty)") if not table.rows else None
    return value(row, column), f"{table.kind.value} {location(row, column)}"


def two_sided_cell(disclosure: Disclosure, kind: TableKind, side_name: str) -> tuple[Decimal | None, str] | None:
    found = two_sided_total(disclosure, kind, side_name)
    if found is None:
        return None
    table, row = found
    column = main_column(table)
    return value(row, column), f"{kind.value} {location(row, column)}"


def compare_facts(disclosure: Disclosure, names: Iterable[str],
                  sources: list[tuple[Decimal | None, str] | None]) -> Iterator[Result]:
    """Each statement of the named facts against the first table figure that is published."""
    source = next((found for found in sources if found is not None), None)
    for name in names:
        stated = facts(disclosure, name)
        if source is None:
            if stated:
                yield Result(FACTS, name, None, None, NOT_APPLICABLE,
                             f"{len(stated)} statement(s) of {name} not checked: the table is not published")
            continue
        for fact in stated:
            yield against(fact, source[0], source[1])


def within(table: str, where: str, expected: Decimal | None, actual: Decimal | None, tolerance: Decimal,
           what: str) -> Result:
    """Agreement within ``tolerance`` yuan (sums of figures stated with fewer decimals)."""
    if tolerance <= CENT:
        return compare(table, where, expected, actual, what)
    difference = (actual or Decimal(0)) - (expected or Decimal(0))
    status = PASS if abs(difference) <= tolerance else FAIL
    return Result(table, where, expected, actual, status,
                  f"{what}: expected {yuan(expected)}, found {yuan(actual)}, difference {yuan(difference)} "
                  f"(tolerance {yuan(tolerance)} for figures stated with fewer decimals)")


def slack(stated: list[NarrativeFact]) -> Decimal:
    return sum((stated_quantum(fact) / 2 for fact in stated if stated_quantum(fact) > CENT), Decimal(0))
