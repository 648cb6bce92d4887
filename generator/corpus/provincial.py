"""The "部门…预算表" format several provinces and cities use: 部门财务收支预算总表 …
部门“三公”经费和机关运行经费预算表, whose transposed 三公 table names the unit and ends with
机关运行经费."""

from __future__ import annotations

from generator.contract.records import TableKind as K
from generator.corpus.flexible import FlexibleWriter, Wording

WORDING = Wording(
    titles={K.SUMMARY: "财务收支预算总表", K.INCOME: "收入预算总表", K.EXPENDITURE: "支出预算总表",
            K.FISCAL_SUMMARY: "财政拨款收支预算总表", K.GENERAL_BUDGET: "一般公共预算支出功能分类预算表",
            K.BASIC_BY_ECONOMIC: "一般公共预算基本支出部门预算经济分类预算表", K.GOVERNMENT_FUND: "政府性基金预算支出预算表",
            K.STATE_CAPITAL: "国有资本经营预算支出预算表", K.THREE_PUBLIC: "“三公”经费和机关运行经费预算表"},
    function_group="支出功能分类科目",
    economic_group="部门预算支出经济分类科目",
    income=(("合计", "total"), ("财政拨款", "fiscal_appropriation"), ("一般公共预算拨款", "general_budget_appropriation"),
            ("政府性基金预算拨款", "government_fund_appropriation"), ("国有资本经营预算拨款", "state_capital_appropriation"),
            ("财政专户管理资金", "fiscal_special_account"), ("单位资金", "unit_funds"), ("上年结转", "carryover")),
    expenditure=(("合计", "total"), ("基本支出", "basic"), ("项目支出", "project"), ("上缴上级支出", "remittance_to_superior"),
                 ("经营支出", "operating"), ("对附属单位补助支出", "subsidy_to_subordinate")),
    fiscal_funds=("一般公共预算", "政府性基金", "国有资本经营"),
    three_public_fund="一般公共预算",
    operating_column=True,
    unit_column=True,
)


class ProvincialWriter(FlexibleWriter):
    wording = WORDING
