"""Typed records that the stages exchange: extract produces them, check reads them and adds
outcomes, package and render publish them. Amounts are Decimal yuan; None means blank.

Field names follow the public data contract (ARCHITECTURE.md, "The domain facts the code relies on").
"""

from __future__ import annotations

import copyreg
import dataclasses
import operator
import pickle
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class TableKind(str, Enum):
    """The nine standard tables; the value is the name of the resource that publishes them."""

    SUMMARY = "income_expenditure_summary"  # 1 收支总表
    INCOME = "income_by_function"  # 2 收入总表
    EXPENDITURE = "expenditure_by_function"  # 3 支出总表
    FISCAL_SUMMARY = "fiscal_appropriation_summary"  # 4 财政拨款收支总表
    GENERAL_BUDGET = "general_budget_expenditure"  # 5 一般公共预算财政拨款支出表
    BASIC_BY_ECONOMIC = "basic_expenditure_by_economic"  # 6 一般公共预算财政拨款基本支出表
    GOVERNMENT_FUND = "government_fund_expenditure"  # 7 政府性基金预算财政拨款支出表
    STATE_CAPITAL = "state_capital_expenditure"  # 8 国有资本经营预算财政拨款支出表
    THREE_PUBLIC = "three_public_expenditure"  # 9 财政拨款"三公"经费支出表

    @property
    def number(self) -> int:
        return _TABLE_NUMBERS[self]


# The kinds in table order, numbered from 1: looked up often, and an Enum's own iteration is slow.
_TABLE_NUMBERS = {kind: number for number, kind in enumerate(TableKind, start=1)}


class TableStatus(str, Enum):
    PRESENT = "present"
    EMPTY = "empty"  # published with no rows, e.g. 注：无…空表列示
    MISSING = "missing"
    UNRECOGNISED = "unrecognised"  # not found, while the document holds a budget table that could not be placed


@dataclass(frozen=True, slots=True)
class Unit:
    unit_id: str  # stable ASCII slug, safe in paths and URLs
    unit_code: str  # 224, 224001: meaningful only within its region
    unit_name: str
    province: str
    city: str
    county: str  # "" for a city-level unit


@dataclass(slots=True)
class TableRow:
    """One data line of a standard table, in the order published.

    Two-sided tables (1 and 4) give one row per line per side. ``code`` is a functional
    (tables 2, 3, 5, 7, 8) or economic (table 6) classification code, or None.
    ``amounts`` maps the table's amount fields (TableSpec.columns) to yuan.
    """

    line: int  # 1-based order within the table (and side)
    name: str
    amounts: dict[str, Decimal | None]
    code: str | None = None
    side: str | None = None  # "income" / "expenditure" for tables 1 and 4
    is_total: bool = False  # 合计, 本年收入合计, 收入总计, "三公"经费小计 …
    source_row: int = 0  # grid row in the document's table, for findings
    extra: dict[str, str] = field(default_factory=dict)  # cells of BudgetTable.extra_columns, as published


@dataclass(slots=True)
class BudgetTable:
    kind: TableKind
    title: str  # as published, e.g. 部门预算收支总表
    status: TableStatus
    columns: list[str]  # amount field names in published order
    rows: list[TableRow] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)  # unrecognised header labels, kept and reported
    money_unit: str = "万元"  # 万元 or 元, as published above the table
    location: str = ""  # where it stands in the document, e.g. "table 3 (block 12)"
    source_file: str = ""  # the file it was read from ("" when missing)
    note: str = ""  # e.g. the empty-table statement


@dataclass(slots=True)
class NarrativeFact:
    """An amount stated in the explanation part (情况说明)."""

    fact: str  # income_total, basic, personnel, public, project, operating_expenses, three_public, …
    amount: Decimal
    sentence: str
    money_unit: str  # the unit the sentence writes: 万元 or 元
    section: str = ""  # heading of the section it came from
    qualifier: str = ""  # e.g. the item for a part (公务接待费) or the year compared with
    note: str = ""  # e.g. the unit taken from the paragraph when the figure is written without one


@dataclass(slots=True)
class Organization:
    name: str
    nature: str = ""  # 行政 / 事业 …
    rank: str = ""  # 正科级 …
    funding_form: str = ""  # 财政拨款 …


@dataclass(slots=True)
class Project:
    """One project of a disclosure: its mention in 支出说明 and its performance table (绩效目标表)
    joined when they name the same project (generator.extract.projects); either may be missing."""

    project_name: str  # the performance table's name, else the name 支出说明 gives
    project_code: str = ""
    amount: Decimal | None = None  # the table's 预算数, else the amount 支出说明 states
    fiscal_amount: Decimal | None = None  # 其中：财政资金
    purpose: str = ""
    goal: str = ""  # 绩效目标 text
    spending_plan: dict[str, str] = field(default_factory=dict)  # 3月底 → 25%, as published
    name_in_text: str = ""  # as 支出说明 names it; "" when it is not listed there
    name_in_table: str = ""  # as its 绩效目标表 names it; "" when it has none
    amount_in_text: Decimal | None = None
    amount_in_table: Decimal | None = None
    matched_by: str = "table_only"  # how mention and table were joined (PROJECT_MATCHES)


@dataclass(slots=True)
class PerformanceIndicator:
    project_name: str
    level1: str
    level2: str
    level3: str
    description: str = ""
    target: str = ""  # as published: ≥95%, ≤48小时, 及时, 7台
    basis: str = ""  # 指标值确定依据
    comparator: str = ""  # ≥ ≤ = > <, or "" when the target is not a figure
    number: Decimal | None = None
    unit: str = ""


# Values of Project.matched_by: what joined a 支出说明 mention and a performance table, or
# which of the two the project was published in alone.
PROJECT_MATCHES = ("name_and_amount", "name", "amount", "only_pair_left", "text_only", "table_only")


class RowType(str, Enum):
    ITEM = "item"
    SUBTOTAL = "subtotal"  # 小计: one unit's or one project's lines
    TOTAL = "total"  # 合计 / 总计: every line


@dataclass(slots=True)
class ProcurementItem:
    """One row of the procurement table. ``amounts`` maps the published amount columns
    (generator.extract.procurement.PROCUREMENT_COLUMNS: 政府采购金额, its split by fund source,
    the small-firm share) to yuan; a column the year's template does not publish is absent."""

    project_name: str
    item: str
    catalogue_code: str = ""
    unit: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None  # 政府采购金额: 总计 (2020 layout) or 合计
    project_budget: Decimal | None = None  # 预算资金 of the project the purchase belongs to
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    row_type: RowType = RowType.ITEM

    @property
    def is_total(self) -> bool:
        return self.row_type is not RowType.ITEM


@dataclass(slots=True)
class FixedAsset:
    item: str
    quantity: Decimal | None = None
    value: Decimal | None = None
    as_of: str = ""  # 截止时间, ISO date when readable
    # A quantity cell the number cannot hold: —— (not applicable, e.g. for 资产总额) as published.
    quantity_note: str = ""


@dataclass(slots=True)
class Finding:
    """Something a stage could not read or had to guess, with where it happened."""

    stage: str  # read / extract / check
    location: str
    message: str
    severity: str = "warning"  # warning / error


@dataclass(slots=True)
class Narrative:
    facts: list[NarrativeFact] = field(default_factory=list)
    duties: str = ""
    organizations: list[Organization] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    indicators: list[PerformanceIndicator] = field(default_factory=list)
    procurement: list[ProcurementItem] = field(default_factory=list)
    fixed_assets: list[FixedAsset] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # headings found, in order


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file a disclosure was read from."""

    file: str  # file name inside source_docs/
    sha256: str


@dataclass(slots=True)
class Disclosure:
    disclosure_id: str  # f"{unit_id}-{year}"
    unit: Unit
    year: int
    scope: str  # 部门 / 单位
    published_unit: str  # 万元 / 元: the money unit the tables (or text) use
    source_file: str  # file name inside source_docs/
    source_sha256: str
    source_url: str = ""
    tables: dict[TableKind, BudgetTable] = field(default_factory=dict)
    narrative: Narrative = field(default_factory=Narrative)
    findings: list[Finding] = field(default_factory=list)
    # Every paragraph outside tables, in document order: the wording checks (template text,
    # years, units, reasons for changes) read the text as published.
    paragraphs: list[str] = field(default_factory=list)
    # Every file it was read from, source_file first: more than one when the manifest groups
    # files into one disclosure (a workbook of tables and a Word file of explanation).
    source_files: list[SourceFile] = field(default_factory=list)
    template_family: str = ""  # whose wording its tables' titles are (extract/families.py); "" when none tells

    def table(self, kind: TableKind) -> BudgetTable | None:
        table = self.tables.get(kind)
        return table if table is not None and table.status in (TableStatus.PRESENT, TableStatus.EMPTY) else None


@dataclass(slots=True)
class CheckOutcome:
    """One row of the ``checks`` resource."""

    disclosure_id: str
    rule: str
    table: str
    location: str
    expected: Decimal | str | None
    actual: Decimal | str | None
    status: str  # pass / fail / not_applicable
    message: str


def _fields_reducer(cls: type) -> Callable[[object], tuple]:
    names = [f.name for f in dataclasses.fields(cls)]
    getter = operator.attrgetter(*names)
    return (lambda obj: (cls, (getter(obj),))) if len(names) == 1 else (lambda obj: (cls, getter(obj)))


# How a record is pickled (the store, generator.runtime.store, and records' hashes): its class and
# its fields, the class called with them when loaded. By default pickle keeps each object's slots
# in a dict of their names: a disclosure's records and outcomes were 110 KB, pickled in 2.4 ms and
# loaded in 2.3; so 90 KB, 1.8 ms and 1.4 ms. Slotted classes have no other state. Safe to load only
# with the code that saved it, which the store's keys hold (code_fingerprint).
_RECORD_REDUCERS: dict[type, Callable[[object], tuple]] = {
    cls: _fields_reducer(cls) for cls in list(globals().values())
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and "__slots__" in vars(cls)}
# A pickler's dispatch table replaces copyreg's: the records' reducers come first, copyreg's after.
_DISPATCH: ChainMap[type, Callable[[Any], Any]] = ChainMap(_RECORD_REDUCERS, copyreg.dispatch_table)


def records_pickler(file: SupportsWrite[bytes]) -> pickle.Pickler:
    """A pickler writing into ``file`` that pickles records by their fields."""
    pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    return pickler
