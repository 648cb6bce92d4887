"""The check rules on the five seeds: the golden outcomes, the real breaks in the documents,
and mutations of 000, 001 and 002 that each rule must catch where they are made — and only
the rules that should."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal

import pytest
from checks_golden import GOLDEN, current, seed_disclosure
from conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES, seed_document

from generator.check import check_disclosure, rules
from generator.check.engine import ACROSS_TABLES, WITHIN_TABLE
from generator.contract.records import CheckOutcome, Disclosure, TableKind
from generator.extract import extract_disclosure
from generator.pipeline.sources import discover_sources
from generator.read import read_document

TABLE_SEEDS = ("000", "001", "002")
RULE_CATEGORY = {item.rule_id: item.category for item in rules()}
# Narrative rules that compare a stated figure with the tables.
NARRATIVE_AGAINST_TABLES = ("narrative.income_expenditure", "narrative.basic_project", "narrative.personnel_public",
                            "narrative.operating_expenses", "narrative.three_public", "narrative.projects")


def outcomes(seed: str) -> list[CheckOutcome]:
    return check_disclosure(seed_disclosure(seed))


def failed(found: list[CheckOutcome], rule_id: str | None = None) -> list[CheckOutcome]:
    return [o for o in found if o.status == "fail" and (rule_id is None or o.rule == rule_id)]


def test_every_outcome_on_the_five_seeds_matches_the_reviewed_golden_file():
    assert current() == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_rule_has_an_outcome_on_every_seed(seed):
    assert {o.rule for o in outcomes(seed)} == set(RULE_CATEGORY)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_the_text_export_gives_the_same_outcomes_as_the_docx(seed):
    source = next(s for s in discover_sources(SOURCE_DOCS) if s.file == f"{SEEDS[seed]}.docx")
    from_text = check_disclosure(extract_disclosure(seed_document(seed, "txt"), source))
    assert [(o.rule, o.table, o.location, o.status, o.expected, o.actual) for o in from_text] == [
        (o.rule, o.table, o.location, o.status, o.expected, o.actual) for o in outcomes(seed)]


@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_the_tables_of_000_001_002_add_up(seed):
    found = outcomes(seed)
    arithmetic = [o for o in found if RULE_CATEGORY[o.rule] in (WITHIN_TABLE, ACROSS_TABLES)]
    assert failed(arithmetic) == []
    assert sum(o.status == "pass" for o in arithmetic) > 50
    stated = [o for o in found if o.rule in NARRATIVE_AGAINST_TABLES]
    assert failed(stated) == [] and sum(o.status == "pass" for o in stated) >= 15


def test_003_year_end_fixed_assets_stated_as_0_and_as_15_33_wan():
    contradiction = failed(outcomes("003"), "narrative.consistent")
    assert [(o.expected, o.actual) for o in contradiction] == [(Decimal("0"), Decimal("153300.00"))]
    assert "15.33万元" in contradiction[0].location and "0万元" in contradiction[0].message
    against_table = failed(outcomes("003"), "narrative.fixed_assets")
    assert [(o.expected, o.actual) for o in against_table] == [(Decimal("0.00"), Decimal("153300.00"))]


def test_000_template_goal_left_in_most_project_tables():
    template = failed(outcomes("000"), "hygiene.template_text")
    goals = [o for o in template if o.table == "projects" and o.actual == "1.目标内容1"]
    assert len(goals) >= 8
    assert "project 互联网传播精品生产扶持, goal" in [o.location for o in goals]
    # The 2022 grid left as the template: 三级指标 数量指标 under 二级指标 数量指标.
    unfilled = [o for o in template if o.table == "performance_indicators"]
    assert "project 互联网传播精品生产扶持, 数量指标" in [o.location for o in unfilled]
    assert {o.status for o in outcomes("001") if o.rule == "hygiene.template_text"} == {"pass"}


def test_real_breaks_found_in_the_other_seeds():
    # 004: the change of 1117.22万元 against 2019 is not basic +298.92 plus project +1470.98.
    sums = failed(outcomes("004"), "narrative.sums")
    assert [(o.expected, o.actual) for o in sums] == [(Decimal("17699000.00"), Decimal("11172200.00"))]
    assert {o.actual for o in failed(outcomes("004"), "hygiene.template_text")} == {"有则写", "无则填"}
    # 003 mixes 元 and 万元 in its income and expenditure sentences.
    assert len(failed(outcomes("003"), "hygiene.mixed_units")) == 2
    # 001: 1.385万元, and 主要为主要为.
    assert [o.actual for o in failed(outcomes("001"), "hygiene.decimals")] == ["1.385万元"]
    assert [o.actual for o in failed(outcomes("001"), "hygiene.punctuation")] == ["主要为主要为"]
    # 000: the 三公 change of 0.04 without a reason, and table 9 titled 单位预算 in a 部门预算.
    assert [o.location for o in failed(outcomes("000"), "hygiene.change_reason")] == [
        "paragraph 38: 与2021年相比减少0.04，我部门没有公务接待费。"]
    assert [o.table for o in failed(outcomes("000"), "hygiene.scope_wording")] == ["three_public_expenditure"]


@pytest.mark.parametrize("seed", ["003", "004"])
def test_the_nine_tables_are_missing_from_the_explanation_only_seeds(seed):
    missing = failed(outcomes(seed), "completeness.tables")
    assert [o.table for o in missing] == [kind.value for kind in TableKind]


# --- mutations ------------------------------------------------------------------------------


def first_row(disclosure: Disclosure, kind: TableKind, match: Callable):
    return next(row for row in disclosure.tables[kind].rows if match(row))


def leaf_code(disclosure: Disclosure) -> None:
    first_row(disclosure, TableKind.EXPENDITURE, lambda r: r.code == "2013701").amounts["total"] += Decimal(100)


def parent_code(disclosure: Disclosure) -> None:
    first_row(disclosure, TableKind.GENERAL_BUDGET, lambda r: r.code == "20137").amounts["total"] += Decimal(10000)


def economic_total(disclosure: Disclosure) -> None:
    first_row(disclosure, TableKind.BASIC_BY_ECONOMIC, lambda r: r.is_total).amounts["personnel"] += Decimal(10000)


def grand_total(disclosure: Disclosure) -> None:
    first_row(disclosure, TableKind.SUMMARY, lambda r: r.name == "收入总计").amounts["amount"] += Decimal(10000)


def narrative_figure(disclosure: Disclosure) -> None:
    next(fact for fact in disclosure.narrative.facts if fact.fact == "project").amount += Decimal(100000)


# mutation → {rule: (table, text in the location)}: the rules that must fail, and where.
MUTATIONS = {
    leaf_code: {
        "table.parent_equals_children": ("expenditure_by_function", "code 20137 网信事务, column total"),
        "table.row_equals_parts": ("expenditure_by_function", "code 2013701 行政运行, column total"),
        "tables.totals_agree": ("general_budget_expenditure", "code 2013701 行政运行, column total"),
    },
    parent_code: {
        "table.parent_equals_children": ("general_budget_expenditure", "code 20137 网信事务, column total"),
        "table.row_equals_parts": ("general_budget_expenditure", "code 20137 网信事务, column total"),
        "tables.totals_agree": ("general_budget_expenditure", "code 20137 网信事务, column total"),
    },
    economic_total: {
        "table.total_equals_top_level": ("basic_expenditure_by_economic", "合计, column personnel"),
        "table.row_equals_parts": ("basic_expenditure_by_economic", "合计, column total"),
        "narrative.personnel_public": ("narrative_facts", "personnel: "),
    },
    grand_total: {
        "table.total_equals_top_level": ("income_expenditure_summary", "收入总计 (income), column amount"),
        "tables.income_equals_expenditure": ("income_expenditure_summary", "支出总计 (expenditure), column amount"),
        "tables.totals_agree": ("income_by_function", "合计, column total"),
        "narrative.income_expenditure": ("narrative_facts", "income_total: "),
    },
    narrative_figure: {
        "narrative.basic_project": ("narrative_facts", "project: "),
        "narrative.projects": ("narrative_facts", "project: "),
        "narrative.sums": ("narrative_facts", "expenditure_total: "),
    },
}


@pytest.mark.parametrize("mutate", list(MUTATIONS), ids=lambda mutate: mutate.__name__)
@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_a_changed_amount_fails_the_matching_rules_there_and_only_them(seed, mutate):
    original = seed_disclosure(seed)
    changed = copy.deepcopy(original)
    mutate(changed)
    assert_new_failures(original, changed, MUTATIONS[mutate])


def assert_new_failures(original: Disclosure, changed: Disclosure, expected: dict[str, tuple[str, str]]) -> None:
    """The failures ``changed`` adds to ``original`` are exactly the expected rules, each at its place."""
    before = {(o.rule, o.table, o.location) for o in failed(check_disclosure(original))}
    new = [o for o in failed(check_disclosure(changed)) if (o.rule, o.table, o.location) not in before]
    assert {o.rule for o in new} == set(expected)
    for rule_id, (table, where) in expected.items():
        assert any(o.rule == rule_id and o.table == table and where in o.location for o in new), rule_id


# Edits of 000's text export, read and extracted again: (anchor, before, after) → rules.
TEXT_EDITS = {
    "table_5_leaf": (("部门预算一般公共预算财政拨款支出表", "\t2013701\n\t行政运行\n\t68.56", "\t2013701\n\t行政运行\n\t68.66"), {
        "table.parent_equals_children": ("general_budget_expenditure", "code 20137 网信事务, column total"),
        "table.row_equals_parts": ("general_budget_expenditure", "code 2013701 行政运行, column total"),
        "tables.totals_agree": ("general_budget_expenditure", "code 2013701 行政运行, column total"),
    }),
    "stated_income": (("1、收入说明", "2022年预算收入314.85万元", "2022年预算收入314.95万元"), {
        "narrative.income_expenditure": ("narrative_facts", "income_total: 2022年预算收入314.95万元"),
        "narrative.sums": ("narrative_facts", "income_total: 2022年预算收入314.95万元"),
    }),
}


@pytest.mark.parametrize("edit", list(TEXT_EDITS))
def test_an_amount_changed_in_the_text_export_fails_the_matching_rules(edit, tmp_path):
    (anchor, before, after), expected = TEXT_EDITS[edit]
    published = TEXT_FIXTURES / f"{SEEDS['000']}.txt"
    text = published.read_text(encoding="utf-8")
    start = text.index(before, text.index(anchor))
    changed = tmp_path / published.name
    changed.write_text(text[:start] + after + text[start + len(before):], encoding="utf-8")
    source = next(s for s in discover_sources(SOURCE_DOCS) if s.file == f"{SEEDS['000']}.docx")
    assert_new_failures(extract_disclosure(read_document(published), source),
                        extract_disclosure(read_document(changed), source), expected)
