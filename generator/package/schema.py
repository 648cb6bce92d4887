"""The Table Schema of every published resource, as data: the CSV writer, the XLSX writer,
the generated README and the pandas dtype mapping all read these, so they cannot drift.

Standard tables take their amount fields from generator/contract/table_specs.py: a new column in a
year's template is one change there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.contract.records import PROJECT_MATCHES, RowType, TableKind, TableStatus
from generator.contract.table_specs import SPECS, TableSpec
from generator.extract.procurement import PROCUREMENT_COLUMNS

TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
FUNCTION_CODE_PATTERN = r"[0-9]{3}([0-9]{2}){0,2}"
ECONOMIC_CODE_PATTERN = r"[0-9]{3}([0-9]{2})?"
FACT_PATTERN = r"[a-z][a-z0-9_]*"
# 功能分类 类/款/项 and 经济分类 类/款, by code length.
CODE_LEVELS = {3: (1, "类"), 5: (2, "款"), 7: (3, "项")}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, number, integer, boolean, date, object
    title: str  # Chinese
    description: str
    required: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    money: bool = False  # yuan: written with two decimal places

    def descriptor(self) -> dict:
        descriptor: dict = {"name": self.name, "type": self.type, "title": self.title,
                            "description": self.description}
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.pattern is not None:
            constraints["pattern"] = self.pattern
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # "" refers to the resource itself
    reference: tuple[str, ...]

    def descriptor(self) -> dict:
        return {"fields": list(self.fields), "reference": {"resource": self.resource, "fields": list(self.reference)}}


# Compared and hashed by identity: each resource is one module-level object, and the package
# stage keys its caches on them thousands of times (a field-by-field hash would dominate).
@dataclass(frozen=True, eq=False)
class ResourceSchema:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def descriptor(self) -> dict:
        return {
            "$schema": TABLE_SCHEMA_PROFILE,
            "fields": [f.descriptor() for f in self.fields],
            "missingValues": [""],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [key.descriptor() for key in self.foreign_keys],
        }


def _text(name: str, title: str, description: str, **options) -> Field:
    return Field(name, "string", title, description, **options)


def _money(name: str, title: str, description: str, **options) -> Field:
    return Field(name, "number", title, description + " In yuan (元), two decimal places; blank when the "
                 "document leaves it blank, which is not the same as 0.", money=True, **options)


DISCLOSURE_ID = _text("disclosure_id", "公开文件编号",
                      "The disclosure: unit_id and budget year; see the disclosures resource.",
                      required=True, pattern=ID_PATTERN)
UNIT_ID = _text("unit_id", "单位编号", "Stable ASCII identifier of the unit: region, unit code and a hash of the "
                "full identity (region, code, name), since the same code in another county is another unit.",
                required=True, pattern=ID_PATTERN)
LINE = Field("line", "integer", "行序", "1-based order of the row within its disclosure (and table and side), "
             "as published.", required=True, minimum=1)
IS_TOTAL = Field("is_total", "boolean", "是否合计行", "true for a total or subtotal line (合计, 小计, 收入总计 …).",
                 required=True)
SIDE = _text("side", "收支方向", "income (收入) or expenditure (支出): the half of the two-sided table the line "
             "stands in.", required=True, enum=("income", "expenditure"))
MONEY_UNIT = _text("money_unit", "发布金额单位", "The unit the document publishes amounts in (万元 or 元); the "
                   "CSV always gives yuan.", enum=("万元", "元"))
ON_DISCLOSURE = ForeignKey(("disclosure_id",), "disclosures", ("disclosure_id",))

_CODE_FIELDS = {
    "function": (
        _text("function_code", "功能分类科目编码", "Functional classification code (功能分类科目): 3 digits 类, "
              "5 款, 7 项; blank on total lines. See function_codes.", pattern=FUNCTION_CODE_PATTERN),
        _text("function_name", "功能分类科目名称", "The line's name as published (科目名称, or 合计)."),
    ),
    "economic": (
        _text("economic_code", "经济分类科目编码", "Economic classification code (部门支出经济分类科目): 3 digits "
              "类, 5 款; blank on total lines. See economic_codes.", pattern=ECONOMIC_CODE_PATTERN),
        _text("economic_name", "经济分类科目名称", "The line's name as published (科目名称, or 合计)."),
    ),
}
_ITEM = _text("item", "项目", "The line's label as published.")


def _listed(name: str, title: str, description: str, fields: tuple[Field, ...],
            *foreign_keys: ForeignKey) -> ResourceSchema:
    """A list published per disclosure, in document order: keyed on (disclosure_id, line)."""
    return ResourceSchema(name, title, description, (DISCLOSURE_ID, LINE, *fields), ("disclosure_id", "line"),
                          (ON_DISCLOSURE, *foreign_keys))


def table_resource(spec: TableSpec) -> ResourceSchema:
    """A standard table: one row per published line, amounts per TableSpec.columns."""
    fields: list[Field] = [DISCLOSURE_ID]
    key = ["disclosure_id"]
    if spec.two_sided:
        fields.append(SIDE)
        key.append("side")
    fields.append(LINE)
    key.append("line")
    foreign_keys = [ON_DISCLOSURE]
    if spec.codes:
        fields.extend(_CODE_FIELDS[spec.codes])
        foreign_keys.append(ForeignKey((f"{spec.codes}_code",), f"{spec.codes}_codes", ("code",)))
    else:
        fields.append(_ITEM)
    fields.append(IS_TOTAL)
    fields.extend(_money(column.field, column.title, f"Column {column.title} of table {spec.number}.")
                  for column in spec.columns)
    return ResourceSchema(
        name=spec.kind.value,
        title=f"表{spec.number} {spec.title}",
        description=f"Table {spec.number} of the standard budget tables (部门预算/单位预算{spec.title}): one row "
                    f"per published line, in published order. A table that is missing or published empty has no "
                    f"rows here; table_status says which.",
        fields=tuple(fields),
        primary_key=tuple(key),
        foreign_keys=tuple(foreign_keys),
    )


def _code_list(kind: str, title: str, pattern: str, levels: str) -> ResourceSchema:
    return ResourceSchema(
        name=f"{kind}_codes",
        title=title,
        description=f"Every {kind} classification code that the tables use, with its ancestors. Parent of a code is "
                    f"its prefix two digits shorter ({levels}). The name is the one most often published; an "
                    f"ancestor that no table names has a blank name.",
        fields=(
            _text("code", "编码", "The classification code.", required=True, pattern=pattern),
            _text("name", "名称", "Name as published in the tables."),
            Field("level", "integer", "级次", f"Level: {levels}.", required=True, minimum=1),
            _text("level_name", "级次名称", "类, 款 or 项.", required=True, enum=("类", "款", "项")),
            _text("parent_code", "上级编码", "Code of the parent level; blank for a 类.", pattern=pattern),
        ),
        primary_key=("code",),
        foreign_keys=(ForeignKey(("parent_code",), "", ("code",)),),
    )


UNITS = ResourceSchema(
    "units", "预算单位", "One row per budget unit (department or unit) across years.",
    (
        UNIT_ID,
        _text("unit_code", "单位编码", "Code in the local budget system (224, 224001): meaningful only within its "
              "region."),
        _text("unit_name", "单位名称", "Name as the layout rows above the tables give it."),
        _text("province", "省", "Province, from the source manifest."),
        _text("city", "市", "City (prefecture), from the source manifest."),
        _text("county", "县（区）", "County or district; blank for a city-level unit."),
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
        _text("scope", "预算范围", "部门 (department, including its subordinate units) or 单位 (one unit).",
              enum=("部门", "单位")),
        _text("published_unit", "发布金额单位", "The money unit the document uses (万元 or 元); every amount in "
              "this package is converted to yuan.", enum=("万元", "元")),
        _text("source_file", "源文件", "File name of the source document; the first (its tables' workbook) when "
              "the manifest groups several files into one disclosure.", required=True),
        _text("source_sha256", "源文件SHA-256", "SHA-256 of the source document's bytes.", required=True,
              pattern="[0-9a-f]{64}"),
        _text("source_url", "来源网址", "Where the document was published, when known."),
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
        _text("table", "表格", "Resource that publishes the table's rows.", required=True,
              enum=tuple(kind.value for kind in TableKind)),
        _text("title", "表名", "Title as published; blank when missing."),
        _text("status", "状态", "present, empty or missing; unrecognised when not found while the document holds "
              "a budget table that could not be placed.", required=True,
              enum=tuple(status.value for status in TableStatus)),
        Field("row_count", "integer", "行数", "Number of rows published in the table's resource.", required=True,
              minimum=0),
        MONEY_UNIT,
        _text("location", "位置", "Where the table stands in the document."),
        _text("columns", "已发布列", "Amount fields the published table has, in published order, separated by "
              "spaces; a field of the table's resource that is not listed was not published (its cells are blank)."),
        _text("extra_columns", "未识别列", "Header labels not recognised as a known column, separated by ；. Their "
              "figures are not in the table's resource."),
        _text("note", "说明", "Statement published with the table, e.g. why it is empty."),
        _text("source_file", "源文件", "File the table was read from (one of the disclosure's files when the "
              "manifest groups several, e.g. a workbook of tables and a Word file of explanation); blank when "
              "missing."),
    ),
    ("disclosure_id", "table"),
    (ON_DISCLOSURE,),
)

ORGANIZATIONS = _listed(
    "organizations", "机构设置", "One row per line of the 机构设置 table in the explanation part.",
    (
        _text("name", "单位名称", "Name of the sub-unit."),
        _text("nature", "单位性质", "行政, 事业 …"),
        _text("rank", "级别", "Administrative rank, e.g. 正科级."),
        _text("funding_form", "经费形式", "How it is funded, e.g. 财政拨款."),
    ),
)

NARRATIVE_FACTS = _listed(
    "narrative_facts", "说明中的金额", "One row per amount stated in the explanation part (情况说明), so it can be "
    "compared with the tables.",
    (
        _text("fact", "事项", "What the amount is (income_total, basic, personnel, public, project, "
              "operating_expenses, three_public, change_vs_last_year, …); each is defined in fact_definitions.",
              required=True, pattern=FACT_PATTERN),
        _text("qualifier", "限定", "Which part, e.g. the item of a part (公务接待费) or the year compared with."),
        _money("amount", "金额", "The stated amount.", required=True),
        MONEY_UNIT,
        _text("section", "章节", "Heading of the section it was stated in."),
        _text("sentence", "原文", "The sentence as published."),
        _text("note", "备注", "How the figure was read when the sentence does not say it all, e.g. a figure "
              "written without a unit that takes the unit of its paragraph's other figures."),
    ),
    ForeignKey(("fact",), "fact_definitions", ("fact",)),
)

FACT_DEFINITIONS = ResourceSchema(
    "fact_definitions", "金额事项定义", "What each fact name of narrative_facts means.",
    (
        _text("fact", "事项", "Fact name used in narrative_facts.", required=True, pattern=FACT_PATTERN),
        _text("title", "中文名称", "The fact in the words of the disclosures.", required=True),
        _text("description", "说明", "The fact in English, with what its qualifier holds.", required=True),
    ),
    ("fact",),
)

PROJECTS = _listed(
    "projects", "项目", "One row per project of a disclosure: its mention in 支出说明 (name and amount) and its "
    "performance table (绩效目标表) joined when they name the same project, so amounts add up once per project. "
    "A project published in only one of the two is still a row (matched_by says which).",
    (
        _text("project_id", "项目编号", "Stable identifier of the project: disclosure_id and a hash of the project "
              "code, else of the name (without 经费/费用/资金 endings).", required=True, pattern=ID_PATTERN),
        _text("project_name", "项目名称", "The performance table's name, else the name 支出说明 gives.",
              required=True),
        _text("name_in_text", "说明中的项目名称", "Name as 支出说明 lists it; blank when it is not listed there."),
        _text("name_in_table", "绩效目标表中的项目名称", "Name as its performance table gives it; blank when it has "
              "none."),
        _text("project_code", "项目编码", "Project code as published, when given."),
        _money("amount", "预算数", "Budget of the project: the performance table's 预算数, else the amount 支出说明 "
               "states. Summed over the projects of a disclosure it gives its project expenditure."),
        _money("amount_in_text", "说明中的金额", "Amount 支出说明 states for the project."),
        _money("amount_in_table", "绩效目标表预算数", "预算数 of its performance table."),
        _money("fiscal_amount", "其中：财政资金", "Part of the budget from fiscal funds."),
        _text("purpose", "资金用途", "What the money is for."),
        _text("goal", "绩效目标", "Performance goal text."),
        Field("spending_plan", "object", "资金支出计划", "Planned spending by date as published, a JSON object "
              "such as {\"3月底\": \"25%\"}; blank when not given."),
        _text("matched_by", "对应方式", "How the mention and the table were joined: name_and_amount (alike names, "
              "equal amounts), name (alike names), amount (a unique equal amount), only_pair_left (the one mention "
              "and the one table no other rule joined); text_only or table_only for a project published in only "
              "one of them.", required=True, enum=PROJECT_MATCHES),
    ),
)

PERFORMANCE_INDICATORS = _listed(
    "performance_indicators", "绩效指标", "One row per indicator row of a project's performance table.",
    (
        _text("project_id", "项目编号", "The project in the projects resource (its performance table).",
              pattern=ID_PATTERN),
        _text("project_name", "项目名称", "The project the indicator belongs to."),
        _text("level1", "一级指标", "产出, 效益, 效果, 满意度 …"),
        _text("level2", "二级指标", "Second-level indicator."),
        _text("level3", "三级指标", "Third-level indicator."),
        _text("description", "绩效指标描述", "Description of the indicator."),
        _text("target", "指标值", "Target as published: ≥95%, ≤48小时, 及时, 7台 …"),
        _text("basis", "指标值确定依据", "Why the target was chosen."),
        _text("comparator", "比较符", "≥ ≤ = > < when the target is a figure, else blank.",
              enum=("≥", "≤", "=", ">", "<")),
        Field("number", "number", "指标数值", "The target's figure, when it is one."),
        _text("unit", "计量单位", "The target's unit (%, 小时, 台 …)."),
    ),
)

PROCUREMENT_ITEMS = _listed(
    "procurement_items", "政府采购预算", "One row per line of the government procurement (政府采购预算) table, with "
    "every column it publishes: the project's budget, the item, the procurement amount and its split by fund "
    "source, and (from 2022) the share reserved for small and micro firms. A column the year's template does not "
    "have is blank. 合计 and 小计 lines are rows too, typed by row_type: sum the item rows only.",
    (
        _text("project_name", "项目名称", "Project the purchase belongs to; blank on total lines."),
        _money("project_budget", "预算资金", "Budget of the project the purchase belongs to (not the purchase)."),
        _text("item", "采购品目", "What is bought (采购物品名称); on a total line, its label (合计, …小计)."),
        _text("catalogue_code", "采购目录编码", "Government procurement catalogue code (A02010402, C0401).",
              pattern="[A-Z][0-9A-Z]*"),
        _text("unit", "计量单位", "Unit of quantity."),
        Field("quantity", "number", "数量", "Quantity."),
        _money("unit_price", "单价", "Price per unit."),
        _money("amount", "政府采购金额", "Procurement amount: 总计 in the 2020 template, 合计 of "
               "政府采购金额（当年部门预算安排资金） from 2022."),
        *(_money(column.field, column.title, f"Column {column.title} of the procurement table.")
          for column in PROCUREMENT_COLUMNS),
        _text("row_type", "行类型", "item (a purchase), subtotal (小计) or total (合计, 总计).", required=True,
              enum=tuple(row_type.value for row_type in RowType)),
    ),
)

FIXED_ASSETS = _listed(
    "fixed_assets", "固定资产占用情况", "One row per line of the 固定资产占用情况表 (or its statement).",
    (
        _text("item", "项目", "Asset line: total, buildings, vehicles, equipment over 200k, other."),
        Field("quantity", "number", "数量", "Quantity (m² for buildings, count for vehicles and equipment); blank "
              "when the cell is blank or holds —— (see quantity_note)."),
        _money("value", "价值", "Value."),
        Field("as_of", "date", "截止时间", "Date the figures are stated for, when readable."),
        _text("quantity_note", "数量说明", "The quantity cell as published when it holds no number: —— means not "
              "applicable (资产总额 has no count), which is neither a blank nor 0."),
    ),
)

CHECKS = _listed(
    "checks", "一致性检查", "One row per data-quality rule applied to a disclosure: figures that must agree "
    "within a table, across tables, and between the explanation and the tables.",
    (
        _text("rule", "规则", "Identifier of the rule; see check_rules.", required=True),
        _text("table", "表格", "Table or part the rule looks at."),
        _text("location", "位置", "Row, code or sentence the outcome is about."),
        _text("expected", "应为", "Expected value (yuan as a plain decimal, or text)."),
        _text("actual", "实际", "Published value (yuan as a plain decimal, or text)."),
        _text("status", "结果", "pass, fail or not_applicable (nothing to check: the rule still leaves a row).",
              required=True, enum=("pass", "fail", "not_applicable")),
        _text("message", "说明", "Explanation, in English."),
        _text("message_zh", "中文说明", "A failed check in Chinese: the rule's title and, for two figures, both in "
              "yuan and their difference; blank for a pass or a rule that did not apply."),
    ),
    ForeignKey(("rule",), "check_rules", ("rule",)),
)

CHECK_RULES = ResourceSchema(
    "check_rules", "检查规则", "The catalogue of data-quality rules that checks applies.",
    (
        _text("rule", "规则", "Identifier of the rule.", required=True),
        _text("category", "类别", "within_table, across_tables, narrative, completeness or hygiene.", required=True),
        _text("title_zh", "规则名称", "Title in Chinese."),
        _text("title_en", "英文名称", "Title in English."),
        _text("description_zh", "规则说明", "What the rule compares, in Chinese."),
        _text("description_en", "英文说明", "What the rule compares, in English."),
        _text("reads", "读取资源", "Resources the rule reads, separated by spaces."),
        _text("covers", "对应规则", "GovBudgetChecker rules it is the counterpart of, separated by spaces."),
    ),
    ("rule",),
)

FINDINGS = _listed(
    "findings", "处理问题", "One row per thing a stage could not read or had to guess, so nothing is dropped "
    "silently.",
    (
        _text("stage", "阶段", "read, extract or check.", required=True),
        _text("severity", "严重程度", "warning or error.", required=True, enum=("warning", "error")),
        _text("location", "位置", "Where in the document."),
        _text("message", "说明", "What happened."),
    ),
)

FUNCTION_CODES = _code_list("function", "功能分类科目", FUNCTION_CODE_PATTERN, "1 类 (3 digits), 2 款 (5), 3 项 (7)")
ECONOMIC_CODES = _code_list("economic", "经济分类科目", ECONOMIC_CODE_PATTERN, "1 类 (3 digits), 2 款 (5)")

# Published order: who and what first, then the nine tables, the explanation, checks, code lists.
RESOURCES: tuple[ResourceSchema, ...] = (
    UNITS, DISCLOSURES, TABLE_STATUS, *(table_resource(spec) for spec in SPECS),
    ORGANIZATIONS, NARRATIVE_FACTS, PROJECTS, PERFORMANCE_INDICATORS, PROCUREMENT_ITEMS, FIXED_ASSETS,
    CHECKS, CHECK_RULES, FINDINGS, FUNCTION_CODES, ECONOMIC_CODES, FACT_DEFINITIONS,
)

PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean",
                 "date": "string", "object": "string"}

