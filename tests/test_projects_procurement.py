"""The data as users count it: one project per project, every procurement figure, blanks, 0s and
dashes kept apart, figures written without a unit given their paragraph's."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from checks_golden import seed_disclosure
from conftest import ROOT, SEEDS
from procurement_golden import GOLDEN, current

from generator.contract.records import Project, RowType
from generator.extract.money import AmountError, parse_number
from generator.extract.projects import join_projects, project_ids
from generator.extract.sections import split_sections, stated_money_unit

# seed → (projects, their amounts summed once per project, the document's 项目支出; None: not published)
PROJECTS = {
    "000": (13, Decimal("1100700.00")),  # 栾城 2022: amounts from 支出说明 (the tables state none)
    "001": (6, Decimal("434400.00")),  # 馆陶 2024
    "002": (4, Decimal("650000.00")),  # 晋州 2026
    "003": (1, Decimal("150000.00")),  # 隆尧 2020: one project, 支出说明 breaks it down by economic item
    "004": (17, None),  # 廊坊 2020: the city layout states no project amount
}


def projects(seed: str) -> list[Project]:
    return seed_disclosure(seed).narrative.projects


@pytest.mark.parametrize("seed", sorted(PROJECTS))
def test_one_row_per_project_summing_to_project_expenditure(seed: str) -> None:
    count, expected = PROJECTS[seed]
    found = projects(seed)
    assert len(found) == count
    amounts = [project.amount for project in found]
    if expected is None:
        assert amounts == [None] * count
        return
    assert sum(amounts) == expected  # type: ignore[arg-type]
    stated = next(fact.amount for fact in seed_disclosure(seed).narrative.facts if fact.fact == "project")
    assert stated == expected


def test_mentions_and_tables_are_joined_with_both_names_and_how() -> None:
    by_table = {project.name_in_table: project for project in projects("002")}
    publicity = by_table["网信办网络宣传经费"]
    assert (publicity.name_in_text, publicity.amount_in_text, publicity.amount_in_table, publicity.matched_by) == (
        "网络宣传经费", Decimal("50000.00"), Decimal("50000.00"), "name_and_amount")
    assert by_table["网信办舆情监测经费"].name_in_text == "舆情监测技术服务费"
    luancheng = {project.name_in_table: project for project in projects("000")}
    assert (luancheng["互联网专业培训"].name_in_text, luancheng["互联网专业培训"].matched_by) == ("网络专业培训", "name")
    assert (luancheng["劳务派遣人员经费"].name_in_text, luancheng["劳务派遣人员经费"].matched_by) == (
        "劳动聘用人员工资", "only_pair_left")
    assert {project.matched_by for project in projects("004")} == {"table_only"}
    # No finding: every mention found its table and every table its mention.
    assert not [f for f in seed_disclosure("000").findings if f.location == "projects"]


def test_a_breakdown_by_economic_item_is_not_projects() -> None:
    (project,) = projects("003")
    assert (project.project_name, project.amount, project.matched_by) == (
        "网信办工作经费", Decimal("150000.00"), "table_only")
    items = {fact.qualifier: fact.amount for fact in seed_disclosure("003").narrative.facts
             if fact.fact == "project_spending_item"}
    assert items == {"办公费": Decimal("60000.00"), "印刷费": Decimal("50000.00"), "邮电费": Decimal("5000.00"),
                     "差旅费": Decimal("5000.00"), "维修维护费": Decimal("30000.00")}
    assert not [fact for fact in seed_disclosure("003").narrative.facts if fact.fact == "project_item"]


def test_the_document_contradicting_itself_is_a_finding() -> None:
    mentions = [Project("网络宣传经费", amount=Decimal(50000)), Project("网站建设", amount=Decimal(30000))]
    tables = [Project("网信办网络宣传经费", amount=Decimal(60000)), Project("应急演练经费", amount=Decimal(20000))]
    joined, findings = join_projects(mentions, tables)
    assert [(p.name_in_text, p.name_in_table, p.matched_by) for p in joined] == [
        ("网络宣传经费", "网信办网络宣传经费", "name"), ("", "应急演练经费", "table_only"), ("网站建设", "", "text_only")]
    messages = " / ".join(finding.message for finding in findings)
    assert "支出说明 states 50000 yuan" in messages and "its 绩效目标表 60000 yuan" in messages
    assert "应急演练经费 names a project that 支出说明 does not list" in messages
    assert "网站建设 is listed in 支出说明 (30000 yuan) but no 绩效目标表 names it" in messages


def test_a_unique_amount_joins_names_that_are_not_alike() -> None:
    mentions = [Project("宣传", amount=Decimal(10)), Project("安全", amount=Decimal(20)),
                Project("平台", amount=Decimal(30))]
    tables = [Project("甲项目", amount=Decimal(20)), Project("乙项目", amount=Decimal(10)),
              Project("丙", amount=Decimal(40))]
    joined, _ = join_projects(mentions, tables)
    assert [(p.name_in_text, p.name_in_table, p.matched_by) for p in joined] == [
        ("安全", "甲项目", "amount"), ("宣传", "乙项目", "amount"), ("", "丙", "table_only"),
        ("平台", "", "text_only")]
    # The last two are joined when a side states no amount.
    tables[2].amount = None
    assert join_projects(mentions, tables)[0][2].matched_by == "only_pair_left"


def test_project_ids_are_stable_and_unique() -> None:
    found = projects("001")
    ids = project_ids(found, "handan-guantao-224001-50b4ce-2024")
    assert ids == project_ids(list(found), "handan-guantao-224001-50b4ce-2024")
    assert len(set(ids)) == 6 and all(i.startswith("handan-guantao-224001-50b4ce-2024-") for i in ids)
    twice = project_ids([Project("网络执法"), Project("网络执法经费")], "d-2020")
    assert twice[1] == twice[0] + "-2"


def test_every_procurement_figure_matches_the_reviewed_golden_file() -> None:
    assert current() == GOLDEN.read_bytes()
    assert (ROOT / "datapackage" / "procurement_items.csv").read_bytes() == GOLDEN.read_bytes()


def _published_numbers(seed: str) -> int:
    """Cells of the procurement table that hold a number, read straight from the document."""
    from conftest import seed_document

    count = 0
    for section in split_sections(seed_document(seed)):
        for row in section.rows if section.kind == "procurement" else ():
            if stated_money_unit(row) is not None:
                continue
            for text in row.cells:
                with contextlib.suppress(AmountError):
                    count += parse_number(text) is not None
    return count


@pytest.mark.parametrize("seed, figures", [("000", 0), ("001", 0), ("002", 24), ("003", 0), ("004", 80)])
def test_every_number_of_the_procurement_tables_is_in_a_field(seed: str, figures: int) -> None:
    items = seed_disclosure(seed).narrative.procurement
    in_fields = sum(value is not None for item in items for value in (
        item.project_budget, item.quantity, item.unit_price, item.amount, *item.amounts.values()))
    assert in_fields == _published_numbers(seed) == figures


def test_project_budget_fund_sources_and_small_firm_share() -> None:
    langfang = seed_disclosure("004").narrative.procurement
    planning = next(item for item in langfang if item.item == "信息化规划服务")
    assert (planning.project_name, planning.project_budget, planning.amount) == (
        "数字乡村试点示范项目经费", Decimal("1000000.00"), Decimal("500000.00"))
    assert planning.amounts == {"current_year_total": Decimal("500000.00"), "general_budget": Decimal("500000.00"),
                                "government_fund": None, "special_account": None, "other_income": None,
                                "other_channels": None}
    jinzhou = seed_disclosure("002").narrative.procurement
    assert [item.row_type for item in jinzhou] == [RowType.TOTAL, RowType.SUBTOTAL] + [RowType.ITEM] * 3
    assert [item.amounts["small_firm_share"] for item in jinzhou] == [
        Decimal("9900.00"), Decimal("9900.00"), Decimal("5000.00"), Decimal("3000.00"), Decimal("1900.00")]
    assert {item.project_budget for item in jinzhou if item.row_type is RowType.ITEM} == {Decimal("76000.00")}


def test_a_dash_in_the_asset_quantity_is_not_applicable_not_zero() -> None:
    dashes = {seed: [(asset.item, asset.quantity, asset.quantity_note, asset.value)
                     for asset in seed_disclosure(seed).narrative.fixed_assets if asset.quantity_note]
              for seed in SEEDS}
    assert dashes["003"] == [("资产总额", None, "——", Decimal("0.00")), ("3、单价在20万元以上设备", None, "——", Decimal("0.00")),
                             ("4、其他固定资产", None, "——", Decimal("0.00"))]
    assert dashes["004"] == [("资产总额", None, "——", Decimal("1358000.00"))]
    assert not dashes["000"] and not dashes["001"] and not dashes["002"]
    zero = next(asset for asset in seed_disclosure("003").narrative.fixed_assets if asset.item == "2、车辆（台、辆）")
    assert zero.quantity == Decimal(0) and zero.quantity_note == ""


def test_a_figure_without_a_unit_takes_its_paragraphs_and_says_so() -> None:
    (change,) = [fact for fact in seed_disclosure("000").narrative.facts if fact.fact == "three_public_change"]
    assert (change.amount, change.money_unit, change.qualifier) == (Decimal("-400.00"), "万元", "2021")
    assert change.note == "no unit written; 万元 as the other figures of its paragraph"
    assert "与2021年相比减少0.04" in change.sentence


@pytest.mark.parametrize("seed, indicators", [("000", 117), ("001", 42), ("002", 24), ("003", 9), ("004", 115)])
def test_every_indicator_names_its_project_by_id(seed: str, indicators: int) -> None:
    from generator.package.rows import disclosure_rows

    rows = disclosure_rows(seed_disclosure(seed), [])
    ids = {row["project_id"] for row in rows["projects"]}
    assert len(ids) == PROJECTS[seed][0]
    assert len(rows["performance_indicators"]) == indicators
    assert {row["project_id"] for row in rows["performance_indicators"]} == ids
