"""The Ministry of Finance reference format: eight tables (国有资本经营预算支出表 where a
province adds it), titled 收支总表 … 一般公共预算“三公”经费支出表."""

from __future__ import annotations

from generator.contract.records import TableKind as K
from generator.corpus.flexible import FlexibleWriter, Wording

WORDING = Wording(
    titles={K.SUMMARY: "收支总表", K.INCOME: "收入总表", K.EXPENDITURE: "支出总表", K.FISCAL_SUMMARY: "财政拨款收支总表",
            K.GENERAL_BUDGET: "一般公共预算支出表", K.BASIC_BY_ECONOMIC: "一般公共预算基本支出表",
            K.THREE_PUBLIC: "一般公共预算“三公”经费支出表", K.GOVERNMENT_FUND: "政府性基金预算支出表",
            K.STATE_CAPITAL: "国有资本经营预算支出表"},
    function_group="功能分类科目",
    economic_group="经济分类科目",
    income=(("合计", "total"), ("一般公共预算拨款收入", "general_budget_appropriation"),
            ("政府性基金预算拨款收入", "government_fund_appropriation"),
            ("国有资本经营预算拨款收入", "state_capital_appropriation"), ("财政专户管理资金收入", "fiscal_special_account"),
            ("单位资金", "unit_funds"), ("上年结转结余", "carryover")),
    expenditure=(("合计", "total"), ("基本支出", "basic"), ("项目支出", "project"), ("经营支出", "operating"),
                 ("上缴上级支出", "remittance_to_superior"), ("对附属单位补助支出", "subsidy_to_subordinate")),
    fiscal_funds=("一般公共预算", "政府性基金预算", "国有资本经营预算"),
    three_public_fund="一般公共预算财政拨款",
    operating_column=False,
    unit_column=False,
)


class MofWriter(FlexibleWriter):
    wording = WORDING
