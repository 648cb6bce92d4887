"""Rules on the explanation part (情况说明): each stated figure against the tables, the
figures against each other, and statements that contradict each other.

Fact names are those of generator.extract.facts.FACTS. A figure written with fewer decimals
(20万元, 2.4万元) agrees with any exact amount that rounds to it: its quantum comes from the
sentence as published.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from generator.check.engine import (
    CENT,
    FAIL,
    NARRATIVE,
    PASS,
    Result,
    compare,
    rule,
    total,
    yuan,
)
from generator.check.stated import (
    FACTS,
    compare_facts,
    fact_location,
    facts,
    first,
    slack,
    stated_quantum,
    total_cell,
    two_sided_cell,
    within,
)
from generator.check.view import location, main_column, plain, three_public_item, value
from generator.contract.records import Disclosure, NarrativeFact, ProcurementItem, RowType, TableKind, TableRow


def income_line(disclosure: Disclosure, pattern: str) -> tuple[Decimal | None, str] | None:
    table = disclosure.table(TableKind.SUMMARY)
    if table is None or not table.rows:
        return None
    for row in table.rows:
        if row.side == "income" and re.search(pattern, plain(row.name)):
            return value(row, main_column(table)), f"{table.kind.value} {location(row)}"
    return Decimal(0), f"{table.kind.value} (no line for it: 0)"


_INCOME_LINES = {
    "income_general_budget": "一般公共预算",
    "income_government_fund": "政府性基金",
    "income_state_capital": "国有资本经营",
    "income_special_account": "财政专户",
    "income_business": "^[一二三四五六七八九十]*、?事业收入",
    "income_carryover": "上年结转",
    "income_other": "其他收入",
}


@rule(
    "narrative.income_expenditure", NARRATIVE,
    ("收入、支出说明与收支总表一致", "Stated income and expenditure match table 1"),
    ("收入说明的预算收入及各来源（一般公共预算、政府性基金、国有资本经营、财政专户、事业收入、其他、上年结转）、"
     "支出说明的支出预算、比上年增减情况的预算收支安排，与收支总表（无收支总表时与收入总表、支出总表合计）一致"
     "（对应 GovBudgetChecker BUD-T001）。按元精确；文中以较少小数位（如 20万元）公布的数按其精度舍入后比较。",
     "The stated income and each stated source (general budget, government funds, state capital, special account, "
     "business income, other, carry-over), the stated expenditure, and the 预算收支安排 of the change section match "
     "table 1 (or the totals of tables 2 and 3 when table 1 is not published) (counterpart of GovBudgetChecker "
     "BUD-T001). Exact in yuan; a figure stated with fewer decimals (20万元) is compared after rounding to them."),
    (FACTS, TableKind.SUMMARY.value, TableKind.INCOME.value, TableKind.EXPENDITURE.value),
    ("BUD-T001",),
)
def income_expenditure(disclosure: Disclosure) -> Iterator[Result]:
    income = [two_sided_cell(disclosure, TableKind.SUMMARY, "income"),
              total_cell(disclosure.table(TableKind.INCOME), "total")]
    yield from compare_facts(disclosure, ("income_total", "budget_total"), income)
    yield from compare_facts(disclosure, ("expenditure_total",),
                             [two_sided_cell(disclosure, TableKind.SUMMARY, "expenditure"),
                              total_cell(disclosure.table(TableKind.EXPENDITURE), "total")])
    for name, pattern in _INCOME_LINES.items():
        yield from compare_facts(disclosure, (name,), [income_line(disclosure, pattern)])


@rule(
    "narrative.basic_project", NARRATIVE,
    ("基本支出、项目支出与支出总表一致", "Stated basic and project expenditure match table 3"),
    ("支出说明的基本支出、项目支出与支出总表合计行一致（无支出总表时与一般公共预算财政拨款支出表），按元精确，"
     "文中较少小数位按其精度舍入比较。",
     "The stated basic and project expenditure match the total row of table 3 (table 5 when table 3 is not "
     "published). Exact in yuan; fewer stated decimals compared after rounding."),
    (FACTS, TableKind.EXPENDITURE.value, TableKind.GENERAL_BUDGET.value),
)
def basic_project(disclosure: Disclosure) -> Iterator[Result]:
    for name in ("basic", "project"):
        yield from compare_facts(disclosure, (name,),
                                 [total_cell(disclosure.table(TableKind.EXPENDITURE), name),
                                  total_cell(disclosure.table(TableKind.GENERAL_BUDGET), name)])


@rule(
    "narrative.personnel_public", NARRATIVE,
    ("人员经费、公用经费与基本支出表一致", "Stated personnel and public expenses match table 6"),
    ("支出说明的人员经费、日常公用经费与一般公共预算财政拨款基本支出表合计行一致，按元精确，文中较少小数位按其精度"
     "舍入比较。",
     "The stated personnel and public (office) expenses match the total row of table 6. Exact in yuan; fewer stated "
     "decimals compared after rounding."),
    (FACTS, TableKind.BASIC_BY_ECONOMIC.value),
)
def personnel_public(disclosure: Disclosure) -> Iterator[Result]:
    for name in ("personnel", "public"):
        yield from compare_facts(disclosure, (name,),
                                 [total_cell(disclosure.table(TableKind.BASIC_BY_ECONOMIC), name)])


@rule(
    "narrative.operating_expenses", NARRATIVE,
    ("机关运行经费等于公用经费", "Operating expenses equal public expenses"),
    ("机关运行经费按名词解释即公用经费：与基本支出表公用经费合计一致；无基本支出表时与支出说明的日常公用经费一致"
     "（对应 GovBudgetChecker BUD-T003，其模板中机关运行经费列于“三公”表）。按元精确，文中较少小数位按其精度舍入比较。",
     "机关运行经费 is, by the glossary of every disclosure, the public (office) expenses: it matches table 6's public "
     "total, or the stated public expenses when table 6 is not published (counterpart of GovBudgetChecker "
     "BUD-T003, whose template lists it in the 三公 table). Exact in yuan; fewer stated decimals compared after "
     "rounding."),
    (FACTS, TableKind.BASIC_BY_ECONOMIC.value),
    ("BUD-T003",),
)
def operating_expenses(disclosure: Disclosure) -> Iterator[Result]:
    public = first(disclosure, "public")
    stated = (public.amount, f"the stated public expenses ({public.sentence})") if public else None
    yield from compare_facts(disclosure, ("operating_expenses",),
                             [total_cell(disclosure.table(TableKind.BASIC_BY_ECONOMIC), "public"), stated])


_THREE_PUBLIC_FACTS = {
    "three_public": "total",
    "three_public_overseas": "travel",
    "three_public_vehicles": "cars",
    "three_public_vehicle_purchase": "car_purchase",
    "three_public_vehicle_running": "car_running",
    "three_public_reception": "reception",
}


@rule(
    "narrative.three_public", NARRATIVE,
    ("“三公”经费说明与“三公”经费表一致", "Stated 三公 expenses match table 9"),
    ("“三公”经费说明的合计及因公出国（境）费、公务用车购置及运维费（购置费、运行维护费）、公务接待费与财政拨款“三公”"
     "经费支出表合计列一致，空表按 0 计（对应 GovBudgetChecker BUD-T002）。按元精确，文中较少小数位按其精度舍入比较。",
     "The stated 三公 total and its parts (overseas travel, official cars with purchase and running, reception) "
     "match the total column of table 9; a table published empty counts as 0 (counterpart of GovBudgetChecker "
     "BUD-T002). Exact in yuan; fewer stated decimals compared after rounding."),
    (FACTS, TableKind.THREE_PUBLIC.value),
    ("BUD-T002",),
)
def three_public(disclosure: Disclosure) -> Iterator[Result]:
    table = disclosure.table(TableKind.THREE_PUBLIC)
    rows: dict[str, TableRow] = {}
    for row in table.rows if table is not None else []:
        item = three_public_item(row)
        if item is not None:
            rows.setdefault(item, row)
    for name, item in _THREE_PUBLIC_FACTS.items():
        source: tuple[Decimal | None, str] | None
        if table is None:
            source = None
        elif not table.rows:
            source = (Decimal(0), f"{table.kind.value} (published empty)")
        elif item in rows:
            source = (value(rows[item], "total"), f"{table.kind.value} {location(rows[item], 'total')}")
        else:
            source = (Decimal(0), f"{table.kind.value} (no line for it: 0)")
        yield from compare_facts(disclosure, (name,), [source])


@rule(
    "narrative.procurement", NARRATIVE,
    ("政府采购说明与政府采购预算表一致", "Stated procurement matches the procurement table"),
    ("政府采购预算情况所述金额 = 政府采购预算表合计（无合计行时为各项之和；表为空或未列时为 0）；"
     "表的合计、小计行 = 各项之和，各资金来源列及预留中小微企业份额亦然"
     "（对应 GovBudgetChecker BUD-T004 的采购内部一致性）。按元精确，文中较少小数位按其精度舍入比较。",
     "The stated procurement budget equals the procurement table's total (the sum of its items when it has no total "
     "row; 0 when it is empty or absent), and the total and subtotal rows equal the sum of their items, in the "
     "amount and in each fund-source and small-firm-share column they publish (counterpart of "
     "GovBudgetChecker BUD-T004, procurement consistency). Exact in yuan; fewer stated decimals compared after "
     "rounding."),
    (FACTS, "procurement_items"),
    ("BUD-T004",),
)
def procurement(disclosure: Disclosure) -> Iterator[Result]:
    items = disclosure.narrative.procurement
    lines = [item for item in items if not item.is_total]
    line_sum = total(item.amount for item in lines)
    # A 小计 row totals the lines after it (one unit's items); 合计 totals every line.
    subtotals: list[tuple[ProcurementItem, list[ProcurementItem]]] = []
    grand = None
    for item in items:
        if item.row_type is RowType.SUBTOTAL:
            subtotals.append((item, []))
        elif item.row_type is RowType.TOTAL:
            grand = grand or item
        elif subtotals:
            subtotals[-1][1].append(item)
    if grand is not None:
        yield compare("procurement_items", f"total {plain(grand.item)}", line_sum, _grand_amount(grand),
                      f"total of {len(lines)} procurement lines")
    for subtotal, group in subtotals:
        yield compare("procurement_items", f"subtotal {plain(subtotal.item)}", total(i.amount for i in group),
                      subtotal.amount, f"subtotal of {len(group)} procurement lines")
    # Each fund-source column (and the small-firm share) a total row publishes adds up too.
    for row, group, kind in ([(grand, lines, "total")] if grand is not None else []) + \
            [(subtotal, group, "subtotal") for subtotal, group in subtotals]:
        for name, published in row.amounts.items():
            if published is not None:
                yield compare("procurement_items", f"{kind} {plain(row.item)}, column {name}",
                              total(i.amounts.get(name) for i in group), published,
                              f"{kind} of {len(group)} procurement lines, column {name}")
    published = _grand_amount(grand) if grand is not None else line_sum
    yield from compare_facts(disclosure, ("procurement_total",),
                             [(published, f"procurement_items ({len(lines)} lines)")])


def _grand_amount(grand: ProcurementItem) -> Decimal | None:
    """The 合计 row's procurement amount; the 2020 layout fills only its 当年部门预算安排资金 合计."""
    return grand.amount if grand.amount is not None else grand.amounts.get("current_year_total")


@rule(
    "narrative.projects", NARRATIVE,
    ("项目之和等于项目支出", "Projects sum to project expenditure"),
    ("支出说明所列各项目（或按经济科目列出的项目支出构成，如办公费、印刷费）金额之和 = 所述项目支出 = "
     "支出总表项目支出；每个项目只计一次（说明与绩效目标表中的同一项目合并后），其预算数之和 = 项目支出，"
     "部分项目未公布金额时不超过项目支出；同一项目在说明与绩效目标表中的金额一致（对应 GovBudgetChecker "
     "BUD-T005）。项目金额常以万元整数公布：按各数公布精度的半个单位之和为容差。",
     "The projects listed in 支出说明 (or the items of project spending, 办公费, 印刷费 …, where it is broken down by "
     "economic item) sum to the stated project expenditure and to table 3's project column; the projects, each "
     "counted once (its mention and its performance table joined), sum to project expenditure, or to no more than "
     "it when some publish no amount; a project's amount in 支出说明 equals its performance table's (counterpart of "
     "GovBudgetChecker BUD-T005). Project amounts are often stated in whole 万元: the tolerance is the sum of half "
     "a unit of each figure's last published digit."),
    (FACTS, "projects", TableKind.EXPENDITURE.value),
    ("BUD-T005",),
)
def projects(disclosure: Disclosure) -> Iterator[Result]:
    table_project = total_cell(disclosure.table(TableKind.EXPENDITURE), "project")
    for name, what in (("project_item", "projects listed in 支出说明"),
                       ("project_spending_item", "items of project spending listed in 支出说明")):
        listed = facts(disclosure, name)
        if not listed:
            continue
        listed_sum = total(fact.amount for fact in listed)
        tolerance = slack(listed)
        where = f"{len(listed)} {what}"
        for stated in facts(disclosure, "project"):
            yield within(FACTS, fact_location(stated), listed_sum, stated.amount,
                         tolerance + stated_quantum(stated) / 2, f"{where} against the stated project expenditure")
        if table_project is not None:
            yield within(FACTS, where, table_project[0], listed_sum, tolerance,
                         f"{where} against {table_project[1]}")
    mentions = {fact.qualifier: fact for fact in facts(disclosure, "project_item")}
    for project in disclosure.narrative.projects:
        if project.amount_in_text is not None and project.amount_in_table is not None:
            mention = mentions.get(project.name_in_text)
            yield within("projects", project.project_name, project.amount_in_table, project.amount_in_text,
                         slack([mention]) if mention else CENT,
                         f"{project.name_in_text} in 支出说明 against its 绩效目标表 ({project.matched_by})")
    stated_project = first(disclosure, "project")
    ceiling = table_project or ((stated_project.amount, "the stated project expenditure") if stated_project else None)
    yield from _project_sum(disclosure, ceiling, mentions)


def _project_sum(disclosure: Disclosure, ceiling: tuple[Decimal | None, str] | None,
                 mentions: dict[str, NarrativeFact]) -> Iterator[Result]:
    """The projects, once each, against project expenditure: equal when every project publishes an
    amount, else no more than it."""
    every = disclosure.narrative.projects
    priced = [project for project in every if project.amount is not None]
    if not priced or ceiling is None or ceiling[0] is None:
        return
    project_sum = total(project.amount for project in priced)
    where = f"{len(every)} projects"
    if len(priced) == len(every):
        from_text = [mentions[p.name_in_text] for p in every
                     if p.amount_in_table is None and p.name_in_text in mentions]
        yield within("projects", where, ceiling[0], project_sum, slack(from_text),
                     f"{where}, each counted once, against project expenditure ({ceiling[1]})")
        return
    status = PASS if project_sum <= ceiling[0] else FAIL
    verdict = "within" if status == PASS else "exceed"
    yield Result("projects", where, ceiling[0], project_sum, status,
                 f"{len(priced)} of {where} publish an amount: {yuan(project_sum)} {verdict} project expenditure "
                 f"{yuan(ceiling[0])} ({ceiling[1]})")


_ASSET_TOTAL = re.compile(r"资产总额|合计|总计")
_ASSET_PART = re.compile(r"^\d+[、.．]")


@rule(
    "narrative.fixed_assets", NARRATIVE,
    ("固定资产说明与固定资产占用情况表一致", "Stated fixed assets match the assets table"),
    ("国有资产信息所述上年末固定资产金额 = 固定资产占用情况表资产总额；资产总额 = 房屋、车辆、单价20万元以上设备、"
     "其他固定资产之和。按元精确，文中较少小数位按其精度舍入比较。",
     "The stated fixed assets at the end of last year equal the 资产总额 of the assets table; 资产总额 equals "
     "buildings + vehicles + equipment over 200,000 + other fixed assets. Exact in yuan; fewer stated decimals "
     "compared after rounding."),
    (FACTS, "fixed_assets"),
)
def fixed_assets(disclosure: Disclosure) -> Iterator[Result]:
    assets = disclosure.narrative.fixed_assets
    grand = next((asset for asset in assets if _ASSET_TOTAL.search(plain(asset.item))), None)
    parts = [asset for asset in assets if _ASSET_PART.match(plain(asset.item))]
    if grand is not None and parts:
        yield compare("fixed_assets", plain(grand.item), total(part.value for part in parts), grand.value,
                      f"资产总额 = sum of {len(parts)} asset classes")
    if grand is not None and grand.value is not None:
        source = (grand.value, f"fixed_assets {plain(grand.item)}")
    elif parts:
        # 资产总额 left blank (that is reported above): the statement is compared with the classes.
        source = (total(part.value for part in parts), f"the sum of {len(parts)} asset classes")
    else:
        source = None
    yield from compare_facts(disclosure, ("fixed_assets_total",), [source])


@rule(
    "narrative.consistent", NARRATIVE,
    ("说明中同一数字前后一致", "The narrative states each figure once"),
    ("同一事项（同一口径、同一时点）在说明中多次出现时金额必须相同，例如上年末固定资产金额不能既是 0万元又是 15.33万元。"
     "按元精确，较少小数位按其精度舍入比较。",
     "A figure stated more than once (same meaning, same qualifier such as the date) must have one amount: year-end "
     "fixed assets cannot be both 0万元 and 15.33万元. Exact in yuan; fewer stated decimals compared after "
     "rounding."),
    (FACTS,),
)
def consistent(disclosure: Disclosure) -> Iterator[Result]:
    groups: dict[tuple[str, str], list[NarrativeFact]] = defaultdict(list)
    for fact in disclosure.narrative.facts:
        groups[(fact.fact, fact.qualifier)].append(fact)
    if groups and all(len(stated) < 2 for stated in groups.values()):
        yield Result(FACTS, "", None, None, PASS, f"each of {len(groups)} figures is stated once")
    for (name, qualifier), stated in groups.items():
        if len(stated) < 2:
            continue
        reference = stated[0]
        for other in stated[1:]:
            result = compare(FACTS, fact_location(other), reference.amount, other.amount,
                             f"{name}{f' ({qualifier})' if qualifier else ''} stated again; first as "
                             f"{yuan(reference.amount)} in: {reference.sentence}",
                             max(stated_quantum(other), stated_quantum(reference)))
            yield result


# (whole, parts): identities between stated figures, each checked when the whole and a part are stated.
_NARRATIVE_SUMS = (
    ("basic", ("personnel", "public")),
    ("expenditure_total", ("basic", "project", "other_expenditure")),
    ("income_total", ("income_general_budget", "income_government_fund", "income_state_capital",
                      "income_special_account", "income_unit_funds", "income_business", "income_other",
                      "income_carryover")),
    ("income_total", ("expenditure_total",)),
    ("budget_total", ("income_total",)),
    ("three_public", ("three_public_overseas", "three_public_vehicles", "three_public_reception")),
    ("three_public_vehicles", ("three_public_vehicle_purchase", "three_public_vehicle_running")),
    ("change_vs_last_year", ("change_basic", "change_project", "change_unit_funds_balance")),
    ("three_public_change", ("three_public_overseas_change", "three_public_vehicles_change",
                             "three_public_reception_change")),
)


@rule(
    "narrative.sums", NARRATIVE,
    ("说明中的数字相互加总一致", "Stated figures add up"),
    ("说明内部：基本支出 = 人员经费 + 日常公用经费；支出预算 = 基本支出 + 项目支出（+ 其他支出）；收入 = 各来源之和；"
     "收入 = 支出；预算收支安排 = 收入；“三公”经费 = 出国 + 公务用车 + 接待，公务用车 = 购置 + 运维；比上年增减总额 = "
     "基本支出增减 + 项目支出增减；“三公”增减同理。无表格的公开（如只有情况说明）也能据此核对。容差为各数公布精度"
     "半个单位之和。",
     "Inside the narrative: basic = personnel + public; expenditure = basic + project (+ other); income = the sum of "
     "its sources; income = expenditure; 预算收支安排 = income; 三公 = overseas + cars + reception and cars = "
     "purchase + running; the change against last year = change of basic + change of project, and likewise for "
     "三公. This checks disclosures published without tables too. Tolerance: the sum of half a unit of each "
     "figure's last published digit."),
    (FACTS,),
)
def narrative_sums(disclosure: Disclosure) -> Iterator[Result]:
    for whole_name, part_names in _NARRATIVE_SUMS:
        whole = first(disclosure, whole_name)
        parts = [fact for name in part_names if (fact := first(disclosure, name)) is not None]
        if whole is None or not parts:
            continue
        slack = sum((stated_quantum(f) / 2 for f in [whole, *parts] if stated_quantum(f) > CENT), Decimal(0))
        yield within(FACTS, fact_location(whole), total(part.amount for part in parts), whole.amount, slack,
                     f"{whole_name} = {' + '.join(part.fact for part in parts)}")
