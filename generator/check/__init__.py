"""Check stage: every disclosure's figures against each other, as published rows of the
``checks`` resource. A failing disclosure is still published in full: outcomes are data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Protocol, TypeVar

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
from generator.check.tally import CheckTally
from generator.contract.records import CheckOutcome, Disclosure, Narrative, TableKind, Unit


class _Dated(Protocol):
    """What previous_years reads of a disclosure (a Disclosure or its header)."""

    @property
    def unit(self) -> Unit: ...
    @property
    def year(self) -> int: ...
    @property
    def disclosure_id(self) -> str: ...


D = TypeVar("D", bound=_Dated)


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


def check_across_years(disclosure: Disclosure, previous: Disclosure | None) -> list[CheckOutcome]:
    """The rules across years, in catalogue order; ``previous`` None when no earlier year is published."""
    return [outcome for item in rules() if item.across_years for outcome in evaluate_rule(item, disclosure, previous)]


# What each name a rule ``reads`` (other than a table kind's value) is in a Narrative.
NARRATIVE_READS = {"narrative_facts": "facts", "narrative_sections": "sections", "projects": "projects",
                   "performance_indicators": "indicators", "procurement_items": "procurement",
                   "fixed_assets": "fixed_assets"}


def years_view(disclosure: Disclosure) -> Disclosure:
    """The disclosure with only what the rules across years read (their ``reads``): the rules give
    the same outcomes on it, and a pair of years is checked from two of these, not from two
    disclosures' records (a few KB each instead of a hundred)."""
    reads = {name for item in rules() if item.across_years for name in item.reads}
    kinds = {kind for kind in TableKind if kind.value in reads}
    unknown = reads - {kind.value for kind in kinds} - set(NARRATIVE_READS) - {"paragraphs"}
    if unknown:
        raise ValueError(f"a rule across years reads {sorted(unknown)}, which years_view does not keep")
    narrative = Narrative(**{field: getattr(disclosure.narrative, field)
                             for name, field in NARRATIVE_READS.items() if name in reads})
    return replace(disclosure, tables={kind: table for kind, table in disclosure.tables.items() if kind in kinds},
                   narrative=narrative, findings=[], paragraphs=disclosure.paragraphs if "paragraphs" in reads else [])


def merge_outcomes(alone: list[CheckOutcome], across: list[CheckOutcome]) -> list[CheckOutcome]:
    """check_alone's and check_across_years' outcomes of one disclosure in catalogue order, as
    check_disclosure gives them."""
    by_rule: dict[str, list[CheckOutcome]] = {}
    for outcome in (*alone, *across):
        by_rule.setdefault(outcome.rule, []).append(outcome)
    return [outcome for item in rules() for outcome in by_rule.get(item.rule_id, ())]


def previous_years(disclosures: Sequence[D]) -> dict[str, D]:
    """disclosure_id → the same unit's disclosure of the latest earlier year (of Disclosures, or of
    anything with their unit, year and disclosure_id)."""
    by_unit: dict[str, list[D]] = {}
    for disclosure in disclosures:
        by_unit.setdefault(disclosure.unit.unit_id, []).append(disclosure)
    previous: dict[str, D] = {}
    for items in by_unit.values():
        items.sort(key=lambda d: d.year)
        for before, after in pairwise(items):
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
        else:
            outcomes += merge_outcomes(done, check_across_years(disclosure, before))
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


def summary_lines(tallies: Mapping[str, CheckTally]) -> list[str]:
    """One line per disclosure (rules passed / failed), by disclosure id, then every failure."""
    lines = []
    for disclosure_id, tally in tallies.items():
        failed = sum(1 for statuses in tally.counts.values() if statuses.get(FAIL))
        passed = sum(1 for statuses in tally.counts.values() if not statuses.get(FAIL) and statuses.get(PASS))
        lines.append(f"checks: {disclosure_id}: {passed} rules passed, {failed} failed, "
                     f"{len(tally.counts) - passed - failed} not applicable")
    for tally in tallies.values():
        for outcome in tally.failed:
            where = f" [{outcome.table}" + (f" · {outcome.location}" if outcome.location else "") + "]"
            lines.append(f"  FAIL {outcome.disclosure_id} {outcome.rule}{where}: {outcome.message}")
    return lines


def tallies_by_disclosure(outcomes: list[CheckOutcome]) -> dict[str, CheckTally]:
    tallies: dict[str, CheckTally] = {}
    for outcome in outcomes:
        tallies.setdefault(outcome.disclosure_id, CheckTally()).add([outcome])
    return tallies
