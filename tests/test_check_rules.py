"""The check rules on small hand-built disclosures: one that adds up, then one change at a time."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from generator.check import (
    check_alone,
    check_disclosure,
    rule_catalogue,
    rules,
    run_checks,
    summary_lines,
    tallies_by_disclosure,
)
from generator.check.against_narrative import stated_quantum
from generator.contract.records import (
    BudgetTable,
    Disclosure,
    FixedAsset,
    Narrative,
    NarrativeFact,
    PerformanceIndicator,
    ProcurementItem,
    Project,
    RowType,
    TableKind,
    TableRow,
    TableStatus,
    Unit,
)


def wan(text: str) -> Decimal:
    """万元 as published → yuan."""
    return (Decimal(text) * 10000).quantize(Decimal("0.01"))


def row(line: int, name: str, code: str | None = None, side: str | None = None, is_total: bool = False,
        **amounts: str | None) -> TableRow:
    return TableRow(line, name, {k: (wan(v) if v is not None else None) for k, v in amounts.items()}, code, side,
                    is_total)


def table(kind: TableKind, columns: list[str], rows: list[TableRow], title: str = "") -> BudgetTable:
    return BudgetTable(kind, title or f"部门预算{kind.value}", TableStatus.PRESENT, columns, rows)


def by_function(kind: TableKind) -> BudgetTable:
    return table(kind, ["total", "basic", "project"], [
        row(1, "合计", is_total=True, total="300", basic="200", project="100"),
        row(2, "一般公共服务支出", "201", total="300", basic="200", project="100"),
        row(3, "网信事务", "20137", total="300", basic="200", project="100"),
        row(4, "行政运行", "2013701", total="200", basic="200", project=None),
        row(5, "一般行政管理事务", "2013702", total="100", basic=None, project="100"),
    ])


def fact(name: str, text: str, sentence: str = "", qualifier: str = "") -> NarrativeFact:
    return NarrativeFact(name, wan(text), sentence or f"{name}{text}万元。", "万元", qualifier=qualifier)


def sample() -> Disclosure:
    """A department budget of 300万元 (basic 200 = personnel 150 + public 50, project 100) in which
    every published figure agrees."""
    empty = {kind: BudgetTable(kind, f"部门预算{kind.value}", TableStatus.EMPTY, ["total", "basic", "project"],
                               note="注：无政府性基金预算财政拨款预算，空表列示。")
             for kind in (TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL)}
    tables = {
        TableKind.SUMMARY: table(TableKind.SUMMARY, ["amount"], [
            row(1, "一、一般公共预算拨款收入", side="income", amount="300"),
            row(2, "二、政府性基金预算拨款收入", side="income", amount=None),
            row(3, "本年收入合计", side="income", is_total=True, amount="300"),
            row(4, "上年结转结余", side="income", amount=None),
            row(5, "收入总计", side="income", is_total=True, amount="300"),
            row(1, "一、一般公共服务支出", "201", side="expenditure", amount="300"),
            row(2, "二、外交支出", side="expenditure", amount=None),
            row(3, "本年支出合计", side="expenditure", is_total=True, amount="300"),
            row(4, "年终结转结余", side="expenditure", amount=None),
            row(5, "支出总计", side="expenditure", is_total=True, amount="300"),
        ]),
        TableKind.INCOME: table(TableKind.INCOME, ["total", "current_year_subtotal", "fiscal_appropriation",
                                                   "carryover"], [
            row(1, "合计", is_total=True, total="300", current_year_subtotal="300", fiscal_appropriation="300"),
            row(2, "一般公共服务支出", "201", total="300", current_year_subtotal="300", fiscal_appropriation="300"),
            row(3, "网信事务", "20137", total="300", current_year_subtotal="300", fiscal_appropriation="300"),
            row(4, "行政运行", "2013701", total="200", current_year_subtotal="200", fiscal_appropriation="200"),
            row(5, "一般行政管理事务", "2013702", total="100", current_year_subtotal="100",
                fiscal_appropriation="100"),
        ]),
        TableKind.EXPENDITURE: by_function(TableKind.EXPENDITURE),
        TableKind.FISCAL_SUMMARY: table(TableKind.FISCAL_SUMMARY, ["total", "general_budget", "government_fund",
                                                                   "state_capital"], [
            row(1, "一、一般公共预算拨款", side="income", total="300"),
            row(2, "本年收入合计", side="income", is_total=True, total="300"),
            row(3, "年初财政拨款结转和结余", side="income", total=None),
            row(4, "一、一般公共预算拨款", side="income", total=None),
            row(5, "收入总计", side="income", is_total=True, total="300"),
            row(1, "一、一般公共服务支出", "201", side="expenditure", total="300", general_budget="300"),
            row(2, "本年支出合计", side="expenditure", is_total=True, total="300", general_budget="300"),
            row(3, "年末财政拨款结转和结余", side="expenditure"),
            row(4, "支出总计", side="expenditure", is_total=True, total="300", general_budget="300"),
        ]),
        TableKind.GENERAL_BUDGET: by_function(TableKind.GENERAL_BUDGET),
        TableKind.BASIC_BY_ECONOMIC: table(TableKind.BASIC_BY_ECONOMIC, ["total", "personnel", "public"], [
            row(1, "合计", is_total=True, total="200", personnel="150", public="50"),
            row(2, "工资福利支出", "301", total="150", personnel="150"),
            row(3, "基本工资", "30101", total="150", personnel="150"),
            row(4, "商品和服务支出", "302", total="50", public="50"),
            row(5, "办公费", "30201", total="47.6", public="47.6"),
            row(6, "公务用车运行维护费", "30231", total="2.4", public="2.4"),
        ]),
        **empty,
        TableKind.THREE_PUBLIC: table(TableKind.THREE_PUBLIC, ["total", "general_budget"], [
            row(1, "合计", is_total=True, total="2.4", general_budget="2.4"),
            row(2, "一、因公出国（境）费", total="0", general_budget="0"),
            row(3, "二、公务用车购置及运维费", total="2.4", general_budget="2.4"),
            row(4, "其中：公务用车购置费", total="0", general_budget="0"),
            row(5, "公务用车运行维护费", total="2.4", general_budget="2.4"),
            row(6, "三、公务接待费", total="0", general_budget="0"),
        ]),
    }
    spending = ("2026年支出预算300.00万元，其中基本支出200.00万元，包括人员经费150.00万元和日常公用经费50.00万元；"
                "项目支出100.00万元。")
    narrative = Narrative(
        facts=[
            fact("income_total", "300.00", "2026年预算收入300.00万元。"),
            fact("expenditure_total", "300.00", spending),
            fact("basic", "200.00", spending),
            fact("personnel", "150.00", spending),
            fact("public", "50.00", spending),
            fact("project", "100.00", spending),
            fact("project_item", "60", "主要为网络宣传60万元，网络安全40万元。", "网络宣传"),
            fact("project_item", "40", "主要为网络宣传60万元，网络安全40万元。", "网络安全"),
            fact("operating_expenses", "50.00"),
            fact("three_public", "2.4", "“三公”经费预算安排2.4万元。"),
            fact("three_public_vehicle_running", "2.4", "公务用车运维费2.4万元。"),
            fact("procurement_total", "0.99"),
            fact("fixed_assets_total", "57.70", qualifier="上年末"),
        ],
        projects=[Project("网络宣传", amount=wan("60"), goal="提升网络宣传影响力"),
                  Project("网络安全", amount=wan("40"), goal="保障网络安全")],
        indicators=[PerformanceIndicator("网络宣传", "产出指标", "数量指标", "宣传活动", target="≥3次")],
        procurement=[ProcurementItem("", "合计", amount=wan("0.99"), row_type=RowType.TOTAL),
                     ProcurementItem("公用经费", "终端机", amount=wan("0.50")),
                     ProcurementItem("公用经费", "打印机", amount=wan("0.49"))],
        fixed_assets=[FixedAsset("资产总额", value=wan("57.70")), FixedAsset("1、房屋（平方米）"),
                      FixedAsset("2、车辆（台、辆）", Decimal(1), wan("16.30")),
                      FixedAsset("3、单价在20万元以上的设备"),
                      FixedAsset("4、其他固定资产", Decimal(273), wan("41.40"))],
        sections=["一、部门职责及机构设置情况", "二、部门预算安排的总体情况", "三、机关运行经费安排情况",
                  "四、财政拨款“三公”经费预算情况及增减变化原因", "五、部门整体绩效目标", "八、政府采购预算情况",
                  "九、国有资产信息", "十、名词解释", "十一、其他需要说明的事项"],
    )
    paragraphs = [
        "中共晋州市委网络安全和信息化委员会办公室2026年部门预算信息公开情况说明",
        "机构设置：", "1、收入说明", "2、支出说明", "3、比上年增减情况",
        "中共晋州市委网络安全和信息化委员会办公室机关及所属事业单位的收支包含在部门预算中。",
        "2026年预算收支安排300.00万元，较2025年预算增加49.98万元，主要为人员工资调整。",
    ]
    unit = Unit("hebei-test-224", "224", "网信办", "河北省", "石家庄市", "晋州市")
    return Disclosure("hebei-test-224-2026", unit, 2026, "部门", "万元", "test.docx", "0" * 64, tables=tables,
                      narrative=narrative, paragraphs=paragraphs)


def failures(disclosure: Disclosure) -> list[tuple[str, str, str]]:
    return [(o.rule, o.table, o.location) for o in check_disclosure(disclosure) if o.status == "fail"]


def failing_rules(disclosure: Disclosure) -> set[str]:
    return {rule for rule, _, _ in failures(disclosure)}


def find(disclosure: Disclosure, kind: TableKind, code_or_name: str) -> TableRow:
    return next(r for r in disclosure.tables[kind].rows if r.code == code_or_name or r.name == code_or_name)


def test_a_disclosure_that_adds_up_passes_every_rule():
    outcomes = check_disclosure(sample())
    assert [o for o in outcomes if o.status == "fail"] == []
    assert {o.rule for o in outcomes} == {r.rule_id for r in rules()}
    assert {o.status for o in outcomes} <= {"pass", "not_applicable"}
    by_rule = {o.rule: o.status for o in outcomes}
    assert by_rule["table.parent_equals_children"] == "pass"
    assert by_rule["tables.three_public_matches_economic"] == "pass"


def test_catalogue_documents_every_rule_and_covers_the_govbudgetchecker_floor():
    catalogue = rule_catalogue()
    assert len({entry.rule for entry in catalogue}) == len(catalogue) >= 25
    covered = set()
    for entry in catalogue:
        assert entry.title_zh and entry.title_en and entry.description_zh and entry.description_en and entry.reads
        for bud in entry.covers.split():
            assert bud in entry.description_en and bud in entry.description_zh
            covered.add(bud)
    floor = {f"BUD-C{n:03d}" for n in range(1, 11)} | {f"BUD-T{n:03d}" for n in range(1, 7)}
    assert floor <= covered
    assert {"BUD-F001", "BUD-F003", "BUD-F004", "BUD-001", "BUD-002", "BUD-005", "BUD-006"} <= covered
    order = ["within_table", "across_tables", "narrative", "across_years", "completeness", "hygiene"]
    assert [entry.category for entry in catalogue] == sorted((entry.category for entry in catalogue), key=order.index)


def test_a_changed_leaf_code_fails_at_its_parent_its_row_and_table_5():
    disclosure = sample()
    find(disclosure, TableKind.EXPENDITURE, "2013701").amounts["total"] += Decimal(100)
    found = failures(disclosure)
    assert {rule for rule, _, _ in found} == {"table.parent_equals_children", "table.row_equals_parts",
                                              "tables.totals_agree"}
    assert ("table.parent_equals_children", "expenditure_by_function", "code 20137 网信事务, column total") in found
    assert ("table.row_equals_parts", "expenditure_by_function", "code 2013701 行政运行, column total") in found
    assert ("tables.totals_agree", "general_budget_expenditure", "code 2013701 行政运行, column total") in found


def test_a_code_without_its_parent_row_fails():
    disclosure = sample()
    rows = disclosure.tables[TableKind.INCOME].rows
    rows.remove(find(disclosure, TableKind.INCOME, "20137"))
    assert ("table.parent_equals_children", "income_by_function", "code 2013701 行政运行") in failures(disclosure)


# (table, row, column, new value in 万元) → failures that must appear, (rule, table, location).
CELL_CHANGES = {
    "table_1_grand_total": ((TableKind.SUMMARY, "支出总计", "amount", "301"), [
        ("tables.income_equals_expenditure", "income_expenditure_summary", "line 5 支出总计 (expenditure), column amount"),
        ("table.total_equals_top_level", "income_expenditure_summary", "line 5 支出总计 (expenditure), column amount"),
        ("narrative.income_expenditure", "narrative_facts", "expenditure_total: 2026年支出预算300.00万元，其中基本支出"
         "200.00万元，包括人员经费150.00万元和日常公用经费50.00万元；项目支出100.00万元。"),
    ]),
    "table_4_fund_column": ((TableKind.FISCAL_SUMMARY, "本年支出合计", "general_budget", "299"), [
        ("tables.fund_tables_match_fiscal_summary", "fiscal_appropriation_summary",
         "line 2 本年支出合计 (expenditure), column general_budget"),
        ("table.row_equals_parts", "fiscal_appropriation_summary", "line 2 本年支出合计 (expenditure), column total"),
    ]),
    "table_9_car_running": ((TableKind.THREE_PUBLIC, "公务用车运行维护费", "total", "2.5"), [
        ("table.parent_equals_children", "three_public_expenditure", "line 3 二、公务用车购置及运维费, column total"),
        ("tables.three_public_matches_economic", "three_public_expenditure", "line 5 公务用车运行维护费, column total"),
        ("narrative.three_public", "narrative_facts", "three_public_vehicle_running: 公务用车运维费2.4万元。"),
    ]),
}


@pytest.mark.parametrize("change", list(CELL_CHANGES))
def test_a_changed_cell_fails_the_rules_that_read_it_there(change):
    (kind, name, column, amount), expected = CELL_CHANGES[change]
    disclosure = sample()
    find(disclosure, kind, name).amounts[column] = wan(amount)
    found = failures(disclosure)
    assert [failure for failure in expected if failure not in found] == []


def test_a_fund_table_with_amounts_makes_tables_3_and_5_not_comparable():
    disclosure = sample()
    fund = disclosure.tables[TableKind.GOVERNMENT_FUND]
    fund.status, fund.rows = TableStatus.PRESENT, [row(1, "合计", is_total=True, total="5", basic=None, project="5")]
    outcomes = [o for o in check_disclosure(disclosure) if o.rule == "tables.totals_agree"]
    assert any(o.status == "not_applicable" and "general-budget" in o.message for o in outcomes)


def test_basic_expenditure_against_table_6():
    disclosure = sample()
    for line in disclosure.tables[TableKind.BASIC_BY_ECONOMIC].rows:
        if line.code in (None, "302", "30201"):
            line.amounts["total"] += wan("1")
            line.amounts["public"] += wan("1")
    assert failing_rules(disclosure) == {"tables.basic_matches_economic", "narrative.personnel_public",
                                         "narrative.operating_expenses"}


def test_a_blank_is_compared_as_zero_but_kept_blank():
    disclosure = sample()
    leaf = find(disclosure, TableKind.EXPENDITURE, "2013701")
    assert leaf.amounts["project"] is None
    assert not failures(disclosure)
    leaf.amounts["project"] = Decimal(0)
    assert not failures(disclosure)


def test_a_figure_stated_with_fewer_decimals_is_compared_after_rounding():
    stated = NarrativeFact("project", wan("20"), "项目支出20万元。", "万元")
    assert stated_quantum(stated) == Decimal(10000)
    assert stated_quantum(NarrativeFact("basic", wan("204.78"), "基本支出204.78万元。", "万元")) == Decimal("0.01")
    assert stated_quantum(NarrativeFact("public", Decimal(31000), "公用经费31000.00元。", "元")) == Decimal("0.01")
    disclosure = sample()
    disclosure.narrative.facts.append(fact("project", "100", "项目支出100万元。"))
    for line in disclosure.tables[TableKind.EXPENDITURE].rows:
        if line.code != "2013701":
            line.amounts["project"] = wan("100.40")
            line.amounts["total"] = wan("300.40")
    project = [o for o in check_disclosure(disclosure) if o.rule == "narrative.basic_project"
               and o.location.startswith("project: 项目支出100万元")]
    assert project[0].status == "pass" and "rounding" in project[0].message


def test_listed_projects_must_sum_to_project_expenditure():
    disclosure = sample()
    disclosure.narrative.facts = [f for f in disclosure.narrative.facts if f.qualifier != "网络安全"]
    assert "narrative.projects" in failing_rules(disclosure)


def test_projects_count_once_and_agree_between_text_and_table():
    disclosure = sample()
    assert "narrative.projects" not in failing_rules(disclosure)
    publicity = disclosure.narrative.projects[0]
    publicity.name_in_text, publicity.amount_in_text, publicity.amount_in_table = "网络宣传", wan("60"), wan("50")
    found = failures(disclosure)
    assert ("narrative.projects", "projects", "网络宣传") in found  # 60万元 in 支出说明, 50万元 in its table
    publicity.amount_in_table = publicity.amount = wan("50")
    assert ("narrative.projects", "projects", "2 projects") in failures(disclosure)  # 50 + 40 is not 100


def test_procurement_fund_columns_add_up_to_their_total():
    disclosure = sample()
    grand, terminal, printer = disclosure.narrative.procurement
    grand.amounts, terminal.amounts, printer.amounts = ({"general_budget": wan("0.99")}, {"general_budget": wan("0.50")},
                                                        {"general_budget": wan("0.40")})
    assert ("narrative.procurement", "procurement_items", "total 合计, column general_budget") in failures(disclosure)
    printer.amounts["general_budget"] = wan("0.49")
    assert "narrative.procurement" not in failing_rules(disclosure)


def test_the_same_figure_stated_twice_differently_is_a_contradiction():
    disclosure = sample()
    disclosure.narrative.facts.append(fact("fixed_assets_total", "0", "2019年末固定资产金额为0万元。", "上年末"))
    found = [o for o in check_disclosure(disclosure) if o.rule == "narrative.consistent" and o.status == "fail"]
    assert len(found) == 1 and found[0].expected == wan("57.70") and found[0].actual == Decimal(0)


def test_narrative_sums_and_procurement_and_assets():
    disclosure = sample()
    disclosure.narrative.facts.append(fact("change_vs_last_year", "1117.22", qualifier="2019"))
    disclosure.narrative.facts.append(fact("change_basic", "298.92"))
    disclosure.narrative.facts.append(fact("change_project", "1470.98"))
    disclosure.narrative.procurement[1].amount = wan("0.60")
    disclosure.narrative.fixed_assets[0].value = None
    found = failures(disclosure)
    assert ("narrative.sums", "narrative_facts", "change_vs_last_year (2019): change_vs_last_year1117.22万元。") in found
    assert ("narrative.procurement", "procurement_items", "total 合计") in found
    assert ("narrative.fixed_assets", "fixed_assets", "资产总额") in found
    # The stated fixed assets are then compared with the classes, which still add up to it.
    assert ("narrative.fixed_assets", "narrative_facts", "fixed_assets_total (上年末): fixed_assets_total57.70万元。"
            ) not in found


def test_completeness_of_tables_and_sections():
    disclosure = sample()
    del disclosure.tables[TableKind.SUMMARY]
    disclosure.tables[TableKind.STATE_CAPITAL].note = ""
    disclosure.narrative.sections = []
    found = failures(disclosure)
    assert ("completeness.tables", "income_expenditure_summary", "table 1 收支总表") in found
    assert ("completeness.tables", "state_capital_expenditure", "table 8 部门预算state_capital_expenditure") in found
    missing = {location for rule, _, location in found if rule == "completeness.sections"}
    assert missing == {"职责", "“三公”经费", "绩效", "政府采购", "国有资产", "名词解释", "其他需要说明的事项",
                       "机关运行经费"}


@pytest.mark.parametrize(("paragraph", "rule_id"), [
    ("其他来源收入0万元（有则写，无则填0万元）。", "hygiene.template_text"),
    ("与2025年相比减少0.04，我部门没有公务接待费。", "hygiene.change_reason"),
    ("2023年预算收入300.00万元。", "hygiene.years_fit"),
    ("预算收入477884.00元，其中基金预算收入0万元。", "hygiene.mixed_units"),
    ("上年末固定资产金额为1.385万元。", "hygiene.decimals"),
    ("基本支出减少240.33万元，主要为主要为减少人员经费支出。", "hygiene.punctuation"),
    ("网信办2026年单位预算信息公开情况说明", "hygiene.scope_wording"),
], ids=lambda value: value if value.startswith("hygiene") else None)
def test_hygiene_rules_find_what_they_describe(paragraph, rule_id):
    disclosure = sample()
    disclosure.paragraphs.append(paragraph)
    assert failing_rules(disclosure) == {rule_id}
    assert any(paragraph[:20] in location for rule, _, location in failures(disclosure) if rule == rule_id)


def test_hygiene_passes_what_is_fine():
    disclosure = sample()
    disclosure.paragraphs += [
        "项目支出增加0.00万元，主要为2026年预算安排项目与上年持平，未发生变化。",  # no change, no reason needed
        "与上年相比没有增减变化。",
        "截止时间：2019年12月31日，依据《2018年网络安全法实施细则》。",  # exempt years
        "单价在20万元以上设备。",
    ]
    assert not failures(disclosure)


def test_template_text_in_project_goals_and_blank_indicator_targets():
    disclosure = sample()
    disclosure.narrative.projects[0].goal = "1.目标内容1"
    disclosure.narrative.indicators.append(PerformanceIndicator("网络宣传", "产出指标", "质量指标", "质量达标率"))
    disclosure.narrative.indicators.append(PerformanceIndicator("网络宣传", "产出指标", "时效指标", "时效指标",
                                                                "时效指标", "繁荣网络文化"))
    found = failures(disclosure)
    assert ("hygiene.template_text", "projects", "project 网络宣传, goal") in found
    assert ("hygiene.template_text", "performance_indicators", "project 网络宣传, 时效指标") in found
    assert ("hygiene.indicator_targets", "performance_indicators", "project 网络宣传") in found


def test_tables_with_more_than_two_decimals_in_wan():
    disclosure = sample()
    find(disclosure, TableKind.BASIC_BY_ECONOMIC, "30201").amounts["public"] = wan("47.605")
    assert ("hygiene.decimals", "basic_expenditure_by_economic", "code 30201 办公费, column public"
            ) in failures(disclosure)


def test_table_title_saying_unit_in_a_department_budget():
    disclosure = sample()
    disclosure.tables[TableKind.THREE_PUBLIC].title = "单位预算财政拨款“三公”经费支出表"
    assert failures(disclosure) == [("hygiene.scope_wording", "three_public_expenditure",
                                     "table 9 单位预算财政拨款“三公”经费支出表")]


def test_a_disclosure_with_nothing_leaves_one_not_applicable_row_per_rule():
    empty = Disclosure("x-2026", sample().unit, 2026, "单位", "万元", "x.docx", "0" * 64)
    outcomes = check_disclosure(empty)
    assert {o.rule for o in outcomes} == {r.rule_id for r in rules()}
    assert {o.status for o in outcomes if o.rule != "completeness.tables"} == {"not_applicable"}


def test_order_is_deterministic_and_by_disclosure():
    first, second = sample(), copy.deepcopy(sample())
    second.disclosure_id = "a-first-2026"
    outcomes = run_checks([first, second])
    assert outcomes == run_checks([second, first])
    assert outcomes[0].disclosure_id == "a-first-2026"
    lines = summary_lines(tallies_by_disclosure(run_checks([first])))
    assert lines[0].startswith("checks: hebei-test-224-2026: ") and " 0 failed" in lines[0]


def test_checks_run_alone_in_the_workers_merge_into_the_same_outcomes():
    later, earlier = sample(), copy.deepcopy(sample())
    earlier.disclosure_id, earlier.year = "hebei-test-224-2025", 2025
    later.narrative.facts.append(fact("change_vs_last_year", "0", qualifier="2025"))
    alone = {d.disclosure_id: check_alone(d) for d in (later, earlier)}
    assert not any(o.rule == "years.change_vs_last_year" for found in alone.values() for o in found)
    merged = run_checks([later, earlier], alone)
    assert merged == run_checks([later, earlier])
    across = [o for o in merged if o.rule == "years.change_vs_last_year" and o.disclosure_id == later.disclosure_id]
    assert [o.status for o in across] == ["pass"]


def test_odd_records_give_outcomes_not_errors():
    disclosure = sample()
    odd = [TableRow(1, "", {}), TableRow(2, "  ", {"total": None}, code="2O1"),
           TableRow(3, "科目", {"total": Decimal("-5")}, code="123456789", is_total=True),
           TableRow(4, "收入总计", {"amount": Decimal(1)}, side="sideways")]
    for kind in TableKind:
        disclosure.tables[kind] = BudgetTable(kind, "", TableStatus.PRESENT, [], list(odd))
    disclosure.narrative.facts.append(NarrativeFact("three_public", Decimal(-1), "", "万元"))
    disclosure.paragraphs += ["", "。。", "2O26年"]
    outcomes = check_disclosure(disclosure)
    assert {o.rule for o in outcomes} == {r.rule_id for r in rules()}
    assert {o.status for o in outcomes} <= {"pass", "fail", "not_applicable"}
