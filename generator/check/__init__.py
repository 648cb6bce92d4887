"""Check stage: every disclosure's figures against each other, as published rows of the
``checks`` resource. A failing disclosure is still published in full: outcomes are data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Importing the rule modules registers their rules.
from generator.check import (  # noqa: F401
    across_tables,
    across_years,
    against_narrative,
    completeness,
    hygiene,
    within_tables,
)
from generator.check.engine import CATEGORIES, FAIL, PASS, RULES, Rule, evaluate_rule
from generator.records import CheckOutcome, Disclosure


def rules() -> list[Rule]:
    """The rule catalogue, grouped by category in the order of CATEGORIES."""
    return sorted(RULES, key=lambda item: CATEGORIES.index(item.category))


def check_disclosure(disclosure: Disclosure, previous: Disclosure | None = None) -> list[CheckOutcome]:
    """Every rule on one disclosure; ``previous`` is the same unit's disclosure of an earlier year."""
    return [outcome for item in rules() for outcome in evaluate_rule(item, disclosure, previous)]


def check_alone(disclosure: Disclosure) -> list[CheckOutcome]:
    """The rules that read this disclosure alone, in catalogue order: the part of the checks that can
    run where the disclosure is extracted (in parallel, and cached with it)."""
    return [outcome for item in rules() if not item.across_years for outcome in evaluate_rule(item, disclosure)]


def previous_years(disclosures: list[Disclosure]) -> dict[str, Disclosure]:
    """disclosure_id → the same unit's disclosure of the latest earlier year."""
    by_unit: dict[str, list[Disclosure]] = {}
    for disclosure in disclosures:
        by_unit.setdefault(disclosure.unit.unit_id, []).append(disclosure)
    previous: dict[str, Disclosure] = {}
    for items in by_unit.values():
        items.sort(key=lambda d: d.year)
        for before, after in zip(items, items[1:]):
            if before.year < after.year:
                previous[after.disclosure_id] = before
    return previous


def run_checks(disclosures: list[Disclosure],
               checked_alone: Mapping[str, list[CheckOutcome]] | None = None) -> list[CheckOutcome]:
    """Outcomes of every rule on every disclosure, by disclosure id, then rule catalogue order.

    ``checked_alone`` holds, by disclosure id, what check_alone gave where the disclosure was
    extracted: only the rules across years are then run here."""
    previous = previous_years(disclosures)
    outcomes: list[CheckOutcome] = []
    for disclosure in sorted(disclosures, key=lambda d: d.disclosure_id):
        before = previous.get(disclosure.disclosure_id)
        done = checked_alone.get(disclosure.disclosure_id) if checked_alone is not None else None
        if done is None:
            outcomes += check_disclosure(disclosure, before)
            continue
        by_rule: dict[str, list[CheckOutcome]] = {}
        for outcome in done:
            by_rule.setdefault(outcome.rule, []).append(outcome)
        for item in rules():
            outcomes += evaluate_rule(item, disclosure, before) if item.across_years else by_rule[item.rule_id]
    return outcomes


@dataclass(frozen=True)
class CatalogueEntry:
    """One rule as the data package and the site publish it."""

    rule: str
    category: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    reads: str  # resources read, separated by spaces
    covers: str  # GovBudgetChecker rule ids, separated by spaces


def rule_catalogue() -> list[CatalogueEntry]:
    return [CatalogueEntry(item.rule_id, item.category, item.title_zh, item.title_en, item.description_zh,
                           item.description_en, " ".join(item.reads), " ".join(item.covers)) for item in rules()]


def summary_lines(outcomes: list[CheckOutcome]) -> list[str]:
    """One line per disclosure (rules passed / failed), then every failure."""
    by_disclosure: dict[str, dict[str, set[str]]] = {}
    for outcome in outcomes:
        statuses = by_disclosure.setdefault(outcome.disclosure_id, {})
        statuses.setdefault(outcome.rule, set()).add(outcome.status)
    lines = []
    for disclosure_id, statuses in by_disclosure.items():
        failed = sum(1 for found in statuses.values() if FAIL in found)
        passed = sum(1 for found in statuses.values() if FAIL not in found and PASS in found)
        lines.append(f"checks: {disclosure_id}: {passed} rules passed, {failed} failed, "
                     f"{len(statuses) - passed - failed} not applicable")
    for outcome in outcomes:
        if outcome.status == FAIL:
            where = f" [{outcome.table}" + (f" · {outcome.location}" if outcome.location else "") + "]"
            lines.append(f"  FAIL {outcome.disclosure_id} {outcome.rule}{where}: {outcome.message}")
    return lines
