"""What a resource's Table Schema is made of: fields, keys, the patterns of ids and codes, the
fields many resources share, and the builders of the standard tables' and code lists' schemas
(schema.py lists the resources).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.contract.table_specs import TableSpec

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


def text_field(name: str, title: str, description: str, **options) -> Field:
    return Field(name, "string", title, description, **options)


def money_field(name: str, title: str, description: str, **options) -> Field:
    return Field(name, "number", title, description + " In yuan (元), two decimal places; blank when the "
                 "document leaves it blank, which is not the same as 0.", money=True, **options)


DISCLOSURE_ID = text_field("disclosure_id", "公开文件编号",
                      "The disclosure: unit_id and budget year; see the disclosures resource.",
                      required=True, pattern=ID_PATTERN)
UNIT_ID = text_field("unit_id", "单位编号", "Stable ASCII identifier of the unit: region, unit code and a hash of the "
                "full identity (region, code, name), since the same code in another county is another unit.",
                required=True, pattern=ID_PATTERN)
LINE = Field("line", "integer", "行序", "1-based order of the row within its disclosure (and table and side), "
             "as published.", required=True, minimum=1)
IS_TOTAL = Field("is_total", "boolean", "是否合计行", "true for a total or subtotal line (合计, 小计, 收入总计 …).",
                 required=True)
SIDE = text_field("side", "收支方向", "income (收入) or expenditure (支出): the half of the two-sided table the line "
             "stands in.", required=True, enum=("income", "expenditure"))
MONEY_UNIT = text_field("money_unit", "发布金额单位", "The unit the document publishes amounts in (万元 or 元); the "
                   "CSV always gives yuan.", enum=("万元", "元"))
ON_DISCLOSURE = ForeignKey(("disclosure_id",), "disclosures", ("disclosure_id",))

_CODE_FIELDS = {
    "function": (
        text_field("function_code", "功能分类科目编码", "Functional classification code (功能分类科目): 3 digits 类, "
              "5 款, 7 项; blank on total lines. See function_codes.", pattern=FUNCTION_CODE_PATTERN),
        text_field("function_name", "功能分类科目名称", "The line's name as published (科目名称, or 合计)."),
    ),
    "economic": (
        text_field("economic_code", "经济分类科目编码", "Economic classification code (部门支出经济分类科目): 3 digits "
              "类, 5 款; blank on total lines. See economic_codes.", pattern=ECONOMIC_CODE_PATTERN),
        text_field("economic_name", "经济分类科目名称", "The line's name as published (科目名称, or 合计)."),
    ),
}
_ITEM = text_field("item", "项目", "The line's label as published.")


def listed(name: str, title: str, description: str, fields: tuple[Field, ...],
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
    fields.extend(money_field(column.field, column.title, f"Column {column.title} of table {spec.number}.")
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


def code_list(kind: str, title: str, pattern: str, levels: str) -> ResourceSchema:
    return ResourceSchema(
        name=f"{kind}_codes",
        title=title,
        description=f"Every {kind} classification code that the tables use, with its ancestors. Parent of a code is "
                    f"its prefix two digits shorter ({levels}). The name is the one most often published; an "
                    f"ancestor that no table names has a blank name.",
        fields=(
            text_field("code", "编码", "The classification code.", required=True, pattern=pattern),
            text_field("name", "名称", "Name as published in the tables."),
            Field("level", "integer", "级次", f"Level: {levels}.", required=True, minimum=1),
            text_field("level_name", "级次名称", "类, 款 or 项.", required=True, enum=("类", "款", "项")),
            text_field("parent_code", "上级编码", "Code of the parent level; blank for a 类.", pattern=pattern),
        ),
        primary_key=("code",),
        foreign_keys=(ForeignKey(("parent_code",), "", ("code",)),),
    )

