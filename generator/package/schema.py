"""The Table Schema of every published resource, as data: the CSV writer, the XLSX writer,
the generated README and the pandas dtype mapping all read these, so they cannot drift.

Standard tables take their amount fields from generator/contract/table_specs.py: a new column in a
year's template is one change there.
"""

from __future__ import annotations

from generator.contract.records import PROJECT_MATCHES, RowType, TableKind, TableStatus
from generator.contract.table_specs import SPECS
from generator.extract.procurement import PROCUREMENT_COLUMNS
from generator.package.fields import (
    DISCLOSURE_ID,
    ECONOMIC_CODE_PATTERN,
    FACT_PATTERN,
    FUNCTION_CODE_PATTERN,
    ID_PATTERN,
    MONEY_UNIT,
    ON_DISCLOSURE,
    UNIT_ID,
    Field,
    ForeignKey,
    ResourceSchema,
    code_list,
    listed,
    money_field,
    table_resource,
    text_field,
)

UNITS = ResourceSchema(
    "units", "预算单位", "One row per budget unit (department or unit) across years.",
    (
        UNIT_ID,
        text_field("unit_code", "单位编码", "Code in the local budget system (224, 224001): meaningful only within its "
              "region."),
        text_field("unit_name", "单位名称", "Name as the layout rows above the tables give it."),
        text_field("province", "省", "Province, from the source manifest."),
        text_field("city", "市", "City (prefecture), from the source manifest."),
        text_field("county", "县（区）", "County or district; blank for a city-level unit."),
    ),
    ("unit_id",),
)

DISCLOSURES = ResourceSchema(
    "disclosures", "预算公开文件", "One row per published disclosure (one unit, one budget year).",
    (
        DISCLOSURE_ID,
        UNIT_ID,
        Field("year", "integer", "预算年度", "Budget year; blank when neither the document nor the manifest "
              "says.", minimum=1949),
        text_field("scope", "预算范围", "部门 (department, including its subordinate units) or 单位 (one unit).",
              enum=("部门", "单位")),
        text_field("published_unit", "发布金额单位", "The money unit the document uses (万元 or 元); every amount in "
              "this package is converted to yuan.", enum=("万元", "元")),
        text_field("source_file", "源文件", "File name of the source document; the first (its tables' workbook) when "
              "the manifest groups several files into one disclosure.", required=True),
        text_field("source_sha256", "源文件SHA-256", "SHA-256 of the source document's bytes.", required=True,
              pattern="[0-9a-f]{64}"),
        text_field("source_url", "来源网址", "Where the document was published, when known."),
    ),
    ("disclosure_id",),
    (ForeignKey(("unit_id",), "units", ("unit_id",)),),
)

TABLE_STATUS = ResourceSchema(
    "table_status", "表格情况", "One row per disclosure and standard table: whether it is present, published "
    "empty (注：无…空表列示) or missing.",
    (
        DISCLOSURE_ID,
        Field("table_number", "integer", "表号", "Number of the standard table (1-9).", required=True, minimum=1),
        text_field("table", "表格", "Resource that publishes the table's rows.", required=True,
              enum=tuple(kind.value for kind in TableKind)),
        text_field("title", "表名", "Title as published; blank when missing."),
        text_field("status", "状态", "present, empty or missing; unrecognised when not found while the document holds "
              "a budget table that could not be placed.", required=True,
              enum=tuple(status.value for status in TableStatus)),
        Field("row_count", "integer", "行数", "Number of rows published in the table's resource.", required=True,
              minimum=0),
        MONEY_UNIT,
        text_field("location", "位置", "Where the table stands in the document."),
        text_field("columns", "已发布列", "Amount fields the published table has, in published order, separated by "
              "spaces; a field of the table's resource that is not listed was not published (its cells are blank)."),
        text_field("extra_columns", "未识别列", "Header labels not recognised as a known column, separated by ；. Their "
              "figures are not in the table's resource."),
        text_field("note", "说明", "Statement published with the table, e.g. why it is empty."),
        text_field("source_file", "源文件", "File the table was read from (one of the disclosure's files when the "
              "manifest groups several, e.g. a workbook of tables and a Word file of explanation); blank when "
              "missing."),
    ),
    ("disclosure_id", "table"),
    (ON_DISCLOSURE,),
)

ORGANIZATIONS = listed(
    "organizations", "机构设置", "One row per line of the 机构设置 table in the explanation part.",
    (
        text_field("name", "单位名称", "Name of the sub-unit."),
        text_field("nature", "单位性质", "行政, 事业 …"),
        text_field("rank", "级别", "Administrative rank, e.g. 正科级."),
        text_field("funding_form", "经费形式", "How it is funded, e.g. 财政拨款."),
    ),
)

NARRATIVE_FACTS = listed(
    "narrative_facts", "说明中的金额", "One row per amount stated in the explanation part (情况说明), so it can be "
    "compared with the tables.",
    (
        text_field("fact", "事项", "What the amount is (income_total, basic, personnel, public, project, "
              "operating_expenses, three_public, change_vs_last_year, …); each is defined in fact_definitions.",
              required=True, pattern=FACT_PATTERN),
        text_field("qualifier", "限定", "Which part, e.g. the item of a part (公务接待费) or the year compared with."),
        money_field("amount", "金额", "The stated amount.", required=True),
        MONEY_UNIT,
        text_field("section", "章节", "Heading of the section it was stated in."),
        text_field("sentence", "原文", "The sentence as published."),
        text_field("note", "备注", "How the figure was read when the sentence does not say it all, e.g. a figure "
              "written without a unit that takes the unit of its paragraph's other figures."),
    ),
    ForeignKey(("fact",), "fact_definitions", ("fact",)),
)

FACT_DEFINITIONS = ResourceSchema(
    "fact_definitions", "金额事项定义", "What each fact name of narrative_facts means.",
    (
        text_field("fact", "事项", "Fact name used in narrative_facts.", required=True, pattern=FACT_PATTERN),
        text_field("title", "中文名称", "The fact in the words of the disclosures.", required=True),
        text_field("description", "说明", "The fact in English, with what its qualifier holds.", required=True),
    ),
    ("fact",),
)

PROJECTS = listed(
    "projects", "项目", "One row per project of a disclosure: its mention in 支出说明 (name and amount) and its "
    "performance table (绩效目标表) joined when they name the same project, so amounts add up once per project. "
    "A project published in only one of the two is still a row (matched_by says which).",
    (
        text_field("project_id", "项目编号", "Stable identifier of the project: disclosure_id and a hash of the project "
              "code, else of the name (without 经费/费用/资金 endings).", required=True, pattern=ID_PATTERN),
        text_field("project_name", "项目名称", "The performance table's name, else the name 支出说明 gives.",
              required=True),
        text_field("name_in_text", "说明中的项目名称", "Name as 支出说明 lists it; blank when it is not listed there."),
        text_field("name_in_table", "绩效目标表中的项目名称", "Name as its performance table gives it; blank when it has "
              "none."),
        text_field("project_code", "项目编码", "Project code as published, when given."),
        money_field("amount", "预算数", "Budget of the project: the performance table's 预算数, else the amount 支出说明 "
               "states. Summed over the projects of a disclosure it gives its project expenditure."),
        money_field("amount_in_text", "说明中的金额", "Amount 支出说明 states for the project."),
        money_field("amount_in_table", "绩效目标表预算数", "预算数 of its performance table."),
        money_field("fiscal_amount", "其中：财政资金", "Part of the budget from fiscal funds."),
        text_field("purpose", "资金用途", "What the money is for."),
        text_field("goal", "绩效目标", "Performance goal text."),
        Field("spending_plan", "object", "资金支出计划", "Planned spending by date as published, a JSON object "
              "such as {\"3月底\": \"25%\"}; blank when not given."),
        text_field("matched_by", "对应方式", "How the mention and the table were joined: name_and_amount (alike names, "
              "equal amounts), name (alike names), amount (a unique equal amount), only_pair_left (the one mention "
              "and the one table no other rule joined); text_only or table_only for a project published in only "
              "one of them.", required=True, enum=PROJECT_MATCHES),
    ),
)

PERFORMANCE_INDICATORS = listed(
    "performance_indicators", "绩效指标", "One row per indicator row of a project's performance table.",
    (
        text_field("project_id", "项目编号", "The project in the projects resource (its performance table).",
              pattern=ID_PATTERN),
        text_field("project_name", "项目名称", "The project the indicator belongs to."),
        text_field("level1", "一级指标", "产出, 效益, 效果, 满意度 …"),
        text_field("level2", "二级指标", "Second-level indicator."),
        text_field("level3", "三级指标", "Third-level indicator."),
        text_field("description", "绩效指标描述", "Description of the indicator."),
        text_field("target", "指标值", "Target as published: ≥95%, ≤48小时, 及时, 7台 …"),
        text_field("basis", "指标值确定依据", "Why the target was chosen."),
        text_field("comparator", "比较符", "≥ ≤ = > < when the target is a figure, else blank.",
              enum=("≥", "≤", "=", ">", "<")),
        Field("number", "number", "指标数值", "The target's figure, when it is one."),
        text_field("unit", "计量单位", "The target's unit (%, 小时, 台 …)."),
    ),
)

PROCUREMENT_ITEMS = listed(
    "procurement_items", "政府采购预算", "One row per line of the government procurement (政府采购预算) table, with "
    "every column it publishes: the project's budget, the item, the procurement amount and its split by fund "
    "source, and (from 2022) the share reserved for small and micro firms. A column the year's template does not "
    "have is blank. 合计 and 小计 lines are rows too, typed by row_type: sum the item rows only.",
    (
        text_field("project_name", "项目名称", "Project the purchase belongs to; blank on total lines."),
        money_field("project_budget", "预算资金", "Budget of the project the purchase belongs to (not the purchase)."),
        text_field("item", "采购品目", "What is bought (采购物品名称); on a total line, its label (合计, …小计)."),
        text_field("catalogue_code", "采购目录编码", "Government procurement catalogue code (A02010402, C0401).",
              pattern="[A-Z][0-9A-Z]*"),
        text_field("unit", "计量单位", "Unit of quantity."),
        Field("quantity", "number", "数量", "Quantity."),
        money_field("unit_price", "单价", "Price per unit."),
        money_field("amount", "政府采购金额", "Procurement amount: 总计 in the 2020 template, 合计 of "
               "政府采购金额（当年部门预算安排资金） from 2022."),
        *(money_field(column.field, column.title, f"Column {column.title} of the procurement table.")
          for column in PROCUREMENT_COLUMNS),
        text_field("row_type", "行类型", "item (a purchase), subtotal (小计) or total (合计, 总计).", required=True,
              enum=tuple(row_type.value for row_type in RowType)),
    ),
)

FIXED_ASSETS = listed(
    "fixed_assets", "固定资产占用情况", "One row per line of the 固定资产占用情况表 (or its statement).",
    (
        text_field("item", "项目", "Asset line: total, buildings, vehicles, equipment over 200k, other."),
        Field("quantity", "number", "数量", "Quantity (m² for buildings, count for vehicles and equipment); blank "
              "when the cell is blank or holds —— (see quantity_note)."),
        money_field("value", "价值", "Value."),
        Field("as_of", "date", "截止时间", "Date the figures are stated for, when readable."),
        text_field("quantity_note", "数量说明", "The quantity cell as published when it holds no number: —— means not "
              "applicable (资产总额 has no count), which is neither a blank nor 0."),
    ),
)

CHECKS = listed(
    "checks", "一致性检查", "One row per data-quality rule applied to a disclosure: figures that must agree "
    "within a table, across tables, and between the explanation and the tables.",
    (
        text_field("rule", "规则", "Identifier of the rule; see check_rules.", required=True),
        text_field("table", "表格", "Table or part the rule looks at."),
        text_field("location", "位置", "Row, code or sentence the outcome is about."),
        text_field("expected", "应为", "Expected value (yuan as a plain decimal, or text)."),
        text_field("actual", "实际", "Published value (yuan as a plain decimal, or text)."),
        text_field("status", "结果", "pass, fail or not_applicable (nothing to check: the rule still leaves a row).",
              required=True, enum=("pass", "fail", "not_applicable")),
        text_field("message", "说明", "Explanation, in English."),
        text_field("message_zh", "中文说明", "A failed check in Chinese: the rule's title and, for two figures, both in "
              "yuan and their difference; blank for a pass or a rule that did not apply."),
    ),
    ForeignKey(("rule",), "check_rules", ("rule",)),
)

CHECK_RULES = ResourceSchema(
    "check_rules", "检查规则", "The catalogue of data-quality rules that checks applies.",
    (
        text_field("rule", "规则", "Identifier of the rule.", required=True),
        text_field("category", "类别", "within_table, across_tables, narrative, completeness or hygiene.", required=True),
        text_field("title_zh", "规则名称", "Title in Chinese."),
        text_field("title_en", "英文名称", "Title in English."),
        text_field("description_zh", "规则说明", "What the rule compares, in Chinese."),
        text_field("description_en", "英文说明", "What the rule compares, in English."),
        text_field("reads", "读取资源", "Resources the rule reads, separated by spaces."),
        text_field("covers", "对应规则", "GovBudgetChecker rules it is the counterpart of, separated by spaces."),
    ),
    ("rule",),
)

FINDINGS = listed(
    "findings", "处理问题", "One row per thing a stage could not read or had to guess, so nothing is dropped "
    "silently.",
    (
        text_field("stage", "阶段", "read, extract or check.", required=True),
        text_field("severity", "严重程度", "warning or error.", required=True, enum=("warning", "error")),
        text_field("location", "位置", "Where in the document."),
        text_field("message", "说明", "What happened."),
    ),
)

FUNCTION_CODES = code_list("function", "功能分类科目", FUNCTION_CODE_PATTERN, "1 类 (3 digits), 2 款 (5), 3 项 (7)")
ECONOMIC_CODES = code_list("economic", "经济分类科目", ECONOMIC_CODE_PATTERN, "1 类 (3 digits), 2 款 (5)")

# Published order: who and what first, then the nine tables, the explanation, checks, code lists.
RESOURCES: tuple[ResourceSchema, ...] = (
    UNITS, DISCLOSURES, TABLE_STATUS, *(table_resource(spec) for spec in SPECS),
    ORGANIZATIONS, NARRATIVE_FACTS, PROJECTS, PERFORMANCE_INDICATORS, PROCUREMENT_ITEMS, FIXED_ASSETS,
    CHECKS, CHECK_RULES, FINDINGS, FUNCTION_CODES, ECONOMIC_CODES, FACT_DEFINITIONS,
)

PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean",
                 "date": "string", "object": "string"}

