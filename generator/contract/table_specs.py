"""What each of the nine standard tables holds: its Hebei title, its code classification and its
amount columns. Extraction maps published header labels to these fields; packaging turns
them into Table Schema fields. A new table type, or a new column in a year's template,
is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.contract.records import TableKind


@dataclass(frozen=True)
class AmountColumn:
    field: str  # English snake_case name in the published CSV
    title: str  # Chinese title as in the template
    labels: tuple[str, ...]  # header texts that mean this column (whitespace removed)


@dataclass(frozen=True)
class TableSpec:
    kind: TableKind
    title: str  # the Hebei template's title, after 部门预算/单位预算 (other wordings: extract/families.py)
    codes: str | None  # "function", "economic" or None
    two_sided: bool
    columns: tuple[AmountColumn, ...]

    @property
    def number(self) -> int:
        return self.kind.number


_TOTAL = AmountColumn("total", "合计", ("合计",))
_BASIC = AmountColumn("basic", "基本支出", ("基本支出",))
_PROJECT = AmountColumn("project", "项目支出", ("项目支出",))
_FUND_COLUMNS = (
    AmountColumn("general_budget", "一般公共预算财政拨款", ("一般公共预算财政拨款", "一般公共预算")),
    AmountColumn("government_fund", "政府性基金预算财政拨款",
                 ("政府性基金预算财政拨款", "政府性基金预算拨款", "政府性基金预算", "政府性基金")),
    AmountColumn("state_capital", "国有资本经营预算财政拨款",
                 ("国有资本经营预算财政拨款", "国有资本经营预算拨款", "国有资本经营预算", "国有资本经营")),
)
_BY_FUNCTION = (_TOTAL, _BASIC, _PROJECT)

SPECS: tuple[TableSpec, ...] = (
    TableSpec(TableKind.SUMMARY, "收支总表", None, True,
              (AmountColumn("amount", "预算数", ("预算数", "金额")),)),
    TableSpec(TableKind.INCOME, "收入总表", "function", False, (
        _TOTAL,
        AmountColumn("current_year_subtotal", "本年收入小计", ("小计",)),
        AmountColumn("fiscal_appropriation", "财政拨款收入", ("财政拨款收入", "财政拨款")),
        # The Ministry of Finance format and the 部门…预算表 family publish 财政拨款收入 by fund,
        # beside it or instead of it.
        AmountColumn("general_budget_appropriation", "一般公共预算拨款收入",
                     ("一般公共预算拨款收入", "一般公共预算拨款", "一般公共预算财政拨款", "一般公共预算")),
        AmountColumn("government_fund_appropriation", "政府性基金预算拨款收入",
                     ("政府性基金预算拨款收入", "政府性基金预算拨款", "政府性基金预算财政拨款", "政府性基金预算", "政府性基金")),
        AmountColumn("state_capital_appropriation", "国有资本经营预算拨款收入",
                     ("国有资本经营预算拨款收入", "国有资本经营预算拨款", "国有资本经营预算财政拨款", "国有资本经营预算",
                      "国有资本经营")),
        AmountColumn("fiscal_special_account", "财政专户收入",
                     ("财政专户收入", "财政专户管理资金收入", "财政专户管理资金", "财政专户")),
        AmountColumn("business_income", "事业收入", ("事业收入",)),
        AmountColumn("operating_income", "经营收入", ("经营收入", "事业单位经营收入")),
        AmountColumn("superior_subsidy", "上级补助收入", ("上级补助收入",)),
        AmountColumn("subordinate_remittance", "附属单位上缴收入", ("附属单位上缴收入",)),
        AmountColumn("other_income", "其他收入", ("其他收入",)),
        AmountColumn("unit_funds", "单位资金", ("单位资金", "单位资金收入")),
        AmountColumn("carryover", "上年结转", ("上年结转", "上年结转结余")),
    )),
    TableSpec(TableKind.EXPENDITURE, "支出总表", "function", False, (
        _TOTAL, _BASIC, _PROJECT,
        AmountColumn("operating", "经营支出", ("经营支出",)),
        AmountColumn("remittance_to_superior", "上缴上级支出", ("上缴上级支出", "上解上级支出")),
        AmountColumn("subsidy_to_subordinate", "对附属单位补助支出", ("对附属单位补助支出",)),
    )),
    TableSpec(TableKind.FISCAL_SUMMARY, "财政拨款收支总表", None, True,
              (AmountColumn("total", "合计", ("合计", "金额", "预算数")), *_FUND_COLUMNS)),
    TableSpec(TableKind.GENERAL_BUDGET, "一般公共预算财政拨款支出表", "function",
              False, _BY_FUNCTION),
    TableSpec(TableKind.BASIC_BY_ECONOMIC, "一般公共预算财政拨款基本支出表",
              "economic", False, (
                  _TOTAL,
                  AmountColumn("personnel", "人员经费", ("人员经费",)),
                  AmountColumn("public", "公用经费", ("公用经费",)),
              )),
    TableSpec(TableKind.GOVERNMENT_FUND, "政府性基金预算财政拨款支出表", "function",
              False, _BY_FUNCTION),
    TableSpec(TableKind.STATE_CAPITAL, "国有资本经营预算财政拨款支出表", "function",
              False, _BY_FUNCTION),
    TableSpec(TableKind.THREE_PUBLIC, "财政拨款“三公”经费支出表", None,
              False, (_TOTAL, *_FUND_COLUMNS)),
)

SPEC_BY_KIND: dict[TableKind, TableSpec] = {spec.kind: spec for spec in SPECS}
# The income table's 财政拨款收入 by fund: parts of fiscal_appropriation where both are published.
APPROPRIATION_BY_FUND = ("general_budget_appropriation", "government_fund_appropriation",
                         "state_capital_appropriation")
