"""The explanation part (情况说明) of the seed corpus, from the .docx and from the text export."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest
from conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES

from generator.contract.document import Cell, Document, Paragraph, Table
from generator.contract.records import Finding, Narrative, NarrativeFact, Project
from generator.extract.facts import FACTS
from generator.extract.narrative import extract_narrative
from generator.extract.performance import parse_target
from generator.extract.sections import heading_kind
from generator.read import read_document

# The unit the budget tables use: 万元 in 000-002; 003 and 004 have no tables and the pipeline
# then passes 万元, which 003's tables in 元 (单位：元) and sentences in 元 must override.
TABLE_UNIT = "万元"


@cache
def extracted(seed: str, form: str = "docx") -> tuple[Narrative, list[Finding]]:
    """Each seed document read and extracted once per session."""
    folder = SOURCE_DOCS if form == "docx" else TEXT_FIXTURES
    return extract_narrative(read_document(folder / f"{SEEDS[seed]}.{form}"), TABLE_UNIT)


def narrative(seed: str, form: str = "docx") -> Narrative:
    return extracted(seed, form)[0]


def facts(seed: str, name: str) -> list[NarrativeFact]:
    return [fact for fact in narrative(seed).facts if fact.fact == name]


def fact(seed: str, name: str) -> NarrativeFact:
    """The first statement of a fact (三公 parts may be restated in the sentence on the change)."""
    found = facts(seed, name)
    assert found, f"{seed}: no {name}"
    return found[0]


def table_projects(seed: str) -> list[Project]:
    return [project for project in narrative(seed).projects if project.name_in_table]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_docx_and_the_text_export_give_the_same_narrative(seed: str) -> None:
    assert narrative(seed, "docx") == narrative(seed, "txt")


@pytest.mark.parametrize("seed, count", [("000", 117), ("001", 42), ("002", 24), ("003", 9), ("004", 115)])
def test_indicator_counts_per_seed(seed: str, count: int) -> None:
    assert len(narrative(seed).indicators) == count


def test_004_city_layout_has_17_projects_with_their_indicators() -> None:
    projects = table_projects("004")
    assert len(projects) == 17
    assert projects[0].project_name == "电子政务外网IPv6升级改造资金"
    assert projects[-1].project_name == "应急项目施工维护经费"
    named = {indicator.project_name for indicator in narrative("004").indicators}
    assert named == {project.project_name for project in projects}


def test_004_procurement_total_from_the_sentence_and_the_table() -> None:
    assert fact("004", "procurement_total").amount == Decimal("12338000.00")
    items = narrative("004").procurement
    totals = [item for item in items if item.is_total]
    # The 2020 layout's 合计 row leaves 总计 blank and fills 当年部门预算安排资金 合计.
    assert [(total.amount, total.amounts["current_year_total"]) for total in totals] == [
        (None, Decimal("12338000.00"))]
    assert sum(item.amount for item in items if not item.is_total) == Decimal("12338000.00")
    assert len(items) - len(totals) == 13
    rented = next(item for item in items if item.catalogue_code == "C0401")
    assert (rented.quantity, rented.unit_price, rented.amount) == (Decimal(3), Decimal("210000.00"),
                                                                  Decimal("630000.00"))


def test_004_three_public_and_its_parts() -> None:
    assert fact("004", "three_public").amount == Decimal("76400.00")
    assert fact("004", "three_public_reception").amount == Decimal("4300.00")
    assert fact("004", "three_public_vehicles").amount == Decimal("72100.00")
    assert fact("004", "three_public_vehicle_running").amount == Decimal("72100.00")
    assert fact("004", "three_public_overseas").amount == Decimal("0")
    assert fact("004", "three_public_change").amount == Decimal("76400.00")
    assert fact("004", "three_public_reception_change").amount == Decimal("4300.00")


def test_004_change_against_2019_is_signed_and_names_the_year() -> None:
    change = fact("004", "change_vs_last_year")
    assert (change.amount, change.qualifier, change.money_unit) == (Decimal("11172200.00"), "2019", "万元")
    assert change.sentence.startswith("2020年预算收支安排2216.2万元，较2019年预算增加1117.22万元")
    assert change.section == "3、比上年增减情况"


def test_004_section_heading_typed_into_the_procurement_table_still_opens_fixed_assets() -> None:
    assert "七、国有资产信息" in narrative("004").sections
    assert fact("004", "fixed_assets_total").amount == Decimal("1358000.00")
    assert fact("004", "planned_asset_purchases").amount == Decimal("500000.00")
    vehicles = next(asset for asset in narrative("004").fixed_assets if asset.item == "2、车辆（台、辆）")
    assert (vehicles.quantity, vehicles.value, vehicles.as_of) == (Decimal(1), Decimal("172800.00"), "2019-12-31")


def test_003_amounts_in_yuan_are_read_as_yuan() -> None:
    income = fact("003", "income_total")
    assert (income.amount, income.money_unit) == (Decimal("477884.00"), "元")
    assert fact("003", "project").amount == Decimal("150000.00")
    assert fact("003", "operating_expenses").amount == Decimal("8800.00")
    # The same sentence then writes 万元: each amount takes the unit written after it.
    assert fact("003", "income_government_fund").money_unit == "万元"


def test_003_one_project_with_code_and_quarterly_plan() -> None:
    (project,) = table_projects("003")
    assert project.project_code == "288-0204-JXN-KZLZ"
    assert project.project_name == "网信办工作经费"
    assert (project.amount, project.fiscal_amount) == (Decimal("150000.00"), Decimal("150000.00"))
    assert project.spending_plan == {"3月底": "25.00", "6月底": "50.00", "10月底": "75.00", "12月底": "100.00"}
    assert project.purpose == "维护网络安全和推动信息化发展"
    # The goal's second line was published between the header table and the grid.
    assert project.goal == "1、网络舆情处置率\n2、网信队伍建设"


def test_003_both_year_end_fixed_asset_statements_are_kept() -> None:
    assert [f.amount for f in facts("003", "fixed_assets_total")] == [Decimal("0"), Decimal("153300.00")]
    assert all(f.qualifier == "2019年末" for f in facts("003", "fixed_assets_total"))


def test_003_organizations_skip_the_blank_row_and_duties_are_text() -> None:
    assert [o.name for o in narrative("003").organizations] == ["综合股", "业务股"]
    assert narrative("003").organizations[0].funding_form == "财政拨款"
    assert narrative("003").duties == "负责全县网络安全及信息化管理工作"


def test_001_six_projects_with_codes_and_amounts() -> None:
    projects = table_projects("001")
    assert len(projects) == 6
    assert all(project.project_code.startswith("13043324P") for project in projects)
    assert sum(project.amount for project in projects) == Decimal("434400.00")
    assert fact("001", "project").amount == Decimal("434400.00")
    listed = [project for project in narrative("001").projects if project.name_in_text]
    assert sum(project.amount_in_text for project in listed) == Decimal("434400.00")
    assert {p.name_in_text for p in listed} == {p.project_name for p in projects}


def test_001_indicator_row_broken_over_three_rows_is_joined() -> None:
    satisfaction = [i for i in narrative("001").indicators
                    if i.project_name == "网信系统视频会议室网络租赁经费" and i.level1 == "满意度指标"]
    assert len(satisfaction) == 1
    indicator = satisfaction[0]
    assert (indicator.level3, indicator.description, indicator.target, indicator.basis) == (
        "会议满意度", "职工满意度", "≥95%", "调查问卷")


def test_vertically_merged_level1_is_carried_down() -> None:
    levels = [i.level1 for i in narrative("001").indicators if i.project_name == "互联网企业监管和网络执法经费"]
    assert levels == ["产出指标"] * 4 + ["效益指标"] * 2 + ["满意度指标"]


def test_001_changes_are_negative_for_decreases() -> None:
    change = fact("001", "change_vs_last_year")
    assert (change.amount, change.qualifier) == (Decimal("-2497300.00"), "2023")
    assert fact("001", "change_project").amount == Decimal("-94000.00")
    items = {f.qualifier: f.amount for f in facts("001", "change_project_item")}
    assert items["互联网信息管理经费"] == Decimal("-50000.00")


def test_002_procurement_items_and_totals() -> None:
    items = narrative("002").procurement
    lines = [item for item in items if not item.is_total]
    assert [item.item for item in lines] == ["终端机", "调湿调温机", "纸及纸板"]
    assert sum(item.amount for item in lines) == Decimal("9900.00")
    assert lines[0].catalogue_code == "A02010402"
    assert lines[2].quantity == Decimal(12)
    assert [item.amount for item in items if item.is_total] == [Decimal("9900.00"), Decimal("9900.00")]


def test_002_fixed_assets() -> None:
    assets = {asset.item: asset for asset in narrative("002").fixed_assets}
    assert assets["资产总额"].value == Decimal("577000.00")
    assert assets["资产总额"].quantity is None  # blank, not 0
    other = assets["4、其他固定资产"]
    assert (other.quantity, other.value, other.as_of) == (Decimal(273), Decimal("414000.00"), "2025-12-31")
    assert fact("002", "fixed_assets_total").amount == Decimal("577000.00")


def test_002_goal_continued_outside_its_table_and_eleven_sections() -> None:
    project = table_projects("002")[0]
    assert project.goal.startswith("1.通过大数据分析")
    assert "\n2.通过采集属地网络资源及发布内容" in project.goal
    assert project.spending_plan == {"3月底": "50%", "6月底": "100%", "10月底": "", "12月底": ""}
    sections = narrative("002").sections
    assert len(sections) == 11 and sections[-1] == "十一、其他需要说明的事项"
    assert fact("002", "three_public_change").amount == Decimal("-900.00")
    assert fact("002", "commissioned_services").amount == Decimal("520000.00")


def test_000_projects_and_goals_as_published() -> None:
    projects = table_projects("000")
    assert len(projects) == 13
    assert projects[0].project_name == "互联网传播精品生产扶持"
    assert projects[2].goal == "1.保障工资发放\n2.保障工资发放\n3.保障工资发放"
    # Template text left in by the publisher is kept; the checks flag it.
    assert sum(project.goal == "1.目标内容1" for project in projects) == 8
    assert all(project.amount_in_table is None for project in projects)


def test_000_projects_listed_in_the_expenditure_sentence() -> None:
    listed = [project for project in narrative("000").projects if project.name_in_text]
    assert len(listed) == 13
    assert sum(project.amount_in_text for project in listed) == fact("000", "project").amount == Decimal("1100700.00")
    # "网络文明志愿者队伍建设费用6万": 万 alone is 万元.
    assert next(p for p in listed if p.name_in_text == "网络文明志愿者队伍建设费用").amount == Decimal("60000.00")


def test_000_organizations() -> None:
    organizations = narrative("000").organizations
    assert [(o.name, o.nature, o.rank) for o in organizations] == [
        ("网络安全和信息化委员会办公室", "行政", "正科级"), ("栾城区互联网舆情信息中心", "事业", "股级")]


def test_figures_that_do_not_read_become_findings() -> None:
    messages = [finding.message for finding in extracted("000")[1]]
    assert any("0.04 has no money unit" in message for message in messages)
    messages = [finding.message for finding in extracted("004")[1]]
    assert any("无则填" in message for message in messages)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_fact_name_is_documented(seed: str) -> None:
    assert {f.fact for f in narrative(seed).facts} <= set(FACTS)
    assert all(english and chinese for english, chinese in FACTS.values())


@pytest.mark.parametrize("target, parsed", [
    ("≥95%", ("≥", Decimal(95), "%")),
    ("≤48小时", ("≤", Decimal(48), "小时")),
    ("7台", ("=", Decimal(7), "台")),
    ("100％", ("=", Decimal(100), "%")),
    (">362日", (">", Decimal(362), "日")),
    ("≤0.84万元", ("≤", Decimal("0.84"), "万元")),
    ("及时", ("", None, "")),
    ("公信力增强效果显著,传播正能量水平提升显著", ("", None, "")),
])
def test_targets_keep_the_published_text_and_a_parsed_figure(target: str, parsed: tuple) -> None:
    assert parse_target(target) == parsed


@pytest.mark.parametrize("text, kind", [
    ("十一、其他需要说明的事项", "other"),
    ("一、单位职责及机构设置情况", "duties"),
    ("第三部分 预算项目绩效目标", "project_performance"),
    ("6、 部门主管专项资金预算安排情况及绩效目标", "special_funds"),
    ("九、国有资产信息", "assets"),
    ("一、负责处理市委网络安全和信息化委员会日常事务工作。", None),
    ("1、互联网企业监管和网络执法经费绩效目标表", None),
    ("7、“三公”经费：纳入财政预算管理的“三公”经费", None),
])
def test_section_headings_are_recognised_by_text(text: str, kind: str | None) -> None:
    assert heading_kind(text) == kind


def test_a_project_name_merged_over_its_procurement_items_is_carried_down() -> None:
    header = ["项目名称", "预算资金", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价", "合计"]
    cells = [Cell(0, col, text=text) for col, text in enumerate(header)]
    cells.append(Cell(1, 0, rowspan=2, text="公用经费"))
    for row, values in ((1, ["1.00", "终端机", "A02010402", "台", "2", "0.30", "0.60"]),
                        (2, ["1.00", "纸", "A07100200", "箱", "1", "0.10", "0.10"])):
        cells += [Cell(row, col, text=text) for col, text in enumerate(values, start=1)]
    document = Document(blocks=[Paragraph("六、政府采购预算情况"), Table(cells=cells, n_rows=3, n_cols=8)])
    items = extract_narrative(document, "万元")[0].procurement
    assert [(item.project_name, item.item, item.amount) for item in items] == [
        ("公用经费", "终端机", Decimal("6000.00")), ("公用经费", "纸", Decimal("1000.00"))]
