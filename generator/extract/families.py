"""Template families: the wordings in which publishers title the standard budget tables.

The same tables come back across the country under other titles: Hebei's template (部门预算
收支总表 …), the Ministry of Finance reference format (一般公共预算支出表 …, eight tables) and
the "部门…预算表" format of several provinces and cities (部门收入预算总表 …). A family is data:
a title pattern per table and the tables a complete disclosure in it publishes. A table whose
title no family knows is recognised from its header where the header says which table it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from generator.contract.records import TableKind

K = TableKind


@dataclass(frozen=True)
class Family:
    name: str  # English identifier, published in build_report.json
    title: str  # Chinese name, shown in findings and checks
    titles: dict[TableKind, str]  # regular expression matched against the title key (no spaces or quotes)
    required: tuple[TableKind, ...]  # the tables a complete disclosure in this family publishes


FAMILIES: tuple[Family, ...] = (
    Family("hebei", "河北省模板（九张表）", {
        K.SUMMARY: r"(?<!拨款)收支总表$",
        K.INCOME: r"收入总表$",
        K.EXPENDITURE: r"(?<!拨款)支出总表$",
        K.FISCAL_SUMMARY: r"财政拨款收支总表$",
        K.GENERAL_BUDGET: r"一般公共预算财政拨款支出表$",
        K.BASIC_BY_ECONOMIC: r"一般公共预算财政拨款基本支出表$",
        K.GOVERNMENT_FUND: r"政府性?基金预算财政拨款支出表$",
        K.STATE_CAPITAL: r"国有资本经营预算财政拨款支出表$",
        K.THREE_PUBLIC: r"财政拨款三公经费支出表$",
    }, tuple(TableKind)),
    Family("mof", "财政部参考格式（八张表）", {
        K.SUMMARY: r"(?<!拨款)收支总表$",
        K.INCOME: r"收入总表$",
        K.EXPENDITURE: r"(?<!拨款)支出总表$",
        K.FISCAL_SUMMARY: r"财政拨款收支总表$",
        K.GENERAL_BUDGET: r"一般公共预算支出表$",
        K.BASIC_BY_ECONOMIC: r"一般公共预算基本支出表$",
        K.GOVERNMENT_FUND: r"政府性基金预算支出表$",
        K.STATE_CAPITAL: r"国有资本经营预算支出表$",
        K.THREE_PUBLIC: r"一般公共预算三公经费支出表$",
    }, tuple(kind for kind in TableKind if kind is not K.STATE_CAPITAL)),
    Family("provincial", "“部门…预算表”格式（九张表）", {
        K.SUMMARY: r"财务收支预算总表$",
        K.INCOME: r"收入预算总表$",
        K.EXPENDITURE: r"(?<!拨款)支出预算总表$",
        K.FISCAL_SUMMARY: r"财政拨款收支预算总表$",
        K.GENERAL_BUDGET: r"一般公共预算支出功能分类预算表$",
        K.BASIC_BY_ECONOMIC: r"一般公共预算基本支出(?:部门预算)?经济分类预算表$",
        K.GOVERNMENT_FUND: r"政府性基金预算支出(?:功能分类)?预算表$",
        K.STATE_CAPITAL: r"国有资本经营预算支出(?:功能分类)?预算表$",
        K.THREE_PUBLIC: r"三公经费(?:和机关运行经费)?预算表$",
    }, tuple(TableKind)),
)
FAMILY_BY_NAME = {family.name: family for family in FAMILIES}
DEFAULT_FAMILY = FAMILIES[0]
_COMPILED = [(family, kind, re.compile(pattern)) for family in FAMILIES for kind, pattern in family.titles.items()]

# Tables a disclosure may publish besides the standard ones: known, so never taken for one by
# their header (a 项目支出表 has the columns of table 5).
KNOWN_OTHER_TABLE = re.compile(r"项目支出|绩效|采购|机构设置|资产|人员|编制")
# A title that names a budget table, though no family knows it.
BUDGET_TITLE = re.compile(r"(?:预算|经费|收支|收入|支出).{0,30}表$")


@dataclass(frozen=True)
class TitleMatch:
    kind: TableKind
    families: tuple[str, ...]  # the families whose wording the title is


def match_title_key(key: str) -> TitleMatch | None:
    """The table a title names, in every family whose wording it is (several share 收支总表)."""
    kinds: dict[TableKind, list[str]] = {}
    for family, kind, pattern in _COMPILED:
        if pattern.search(key):
            kinds.setdefault(kind, []).append(family.name)
    if not kinds:
        return None
    kind = next(iter(kinds))
    return TitleMatch(kind, tuple(kinds[kind]))


def family_of(matches: Iterable[TitleMatch]) -> Family:
    """The family whose wording most of a disclosure's titles are; Hebei's when none tells."""
    votes = Counter(name for match in matches for name in match.families)
    if not votes:
        return DEFAULT_FAMILY
    best = max(votes.values())
    return next(family for family in FAMILIES if votes[family.name] == best)


def _has(labels: set[str], *words: str) -> bool:
    return all(any(word in label for label in labels) for word in words)


def header_kind(labels: set[str]) -> TableKind | None:
    """The table a header says it is, whatever its title: e.g. 功能分类科目 + 基本支出 + 项目支出
    is the general-budget expenditure table. None when the header does not tell."""
    if _has(labels, "出国", "接待") and _has(labels, "公务用车"):
        return K.THREE_PUBLIC
    if _has(labels, "经济分类", "人员经费", "公用经费"):
        return K.BASIC_BY_ECONOMIC
    if {"收入", "支出"} <= labels:
        return K.FISCAL_SUMMARY if _has(labels, "政府性基金") else K.SUMMARY
    if not (_has(labels, "功能分类") or _has(labels, "科目编码")):
        return None
    if any(_has(labels, word) for word in ("财政拨款收入", "拨款收入", "事业收入", "上年结转", "财政专户", "单位资金")):
        return K.INCOME
    if not _has(labels, "基本支出", "项目支出"):
        return None
    if any(_has(labels, word) for word in ("经营支出", "上缴上级", "上解上级", "对附属单位")):
        return K.EXPENDITURE
    if _has(labels, "政府性基金"):
        return K.GOVERNMENT_FUND
    if _has(labels, "国有资本"):
        return K.STATE_CAPITAL
    return K.GENERAL_BUDGET
