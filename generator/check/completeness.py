"""Rules on what a disclosure publishes: the nine tables and the explanation sections."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.engine import COMPLETENESS, FAIL, NOT_APPLICABLE, PASS, Result, rule
from generator.check.view import TABLE_KINDS
from generator.contract.records import Disclosure, TableKind, TableStatus
from generator.contract.table_specs import SPEC_BY_KIND
from generator.extract.families import DEFAULT_FAMILY, FAMILY_BY_NAME

_EMPTY_STATEMENT = re.compile(r"空表|无.{0,30}(?:预算|经费|支出|收入)")

# Section → pattern of its heading; headings are short paragraphs or the narrative's sections.
SECTIONS = (
    ("职责", re.compile(r"职责")),
    ("机构设置", re.compile(r"机构设置")),
    ("收入说明", re.compile(r"收入说明")),
    ("支出说明", re.compile(r"支出说明")),
    ("比上年增减情况", re.compile(r"比上年增减|增减情况")),
    ("机关运行经费", re.compile(r"机关运行经费")),
    ("“三公”经费", re.compile(r"三公")),
    ("绩效", re.compile(r"绩效")),
    ("政府采购", re.compile(r"政府采购")),
    ("国有资产", re.compile(r"国有资产|固定资产")),
    ("名词解释", re.compile(r"名词解释")),
    ("其他需要说明的事项", re.compile(r"其他需要说明")),
)
_HEADING_LENGTH = 40


@rule(
    "completeness.tables", COMPLETENESS,
    ("九张预算表齐全", "The nine budget tables are published"),
    ("九张标准预算表逐一：已公开为通过；公开为空表且附“无…空表列示”说明为通过，空表无说明为不通过；未公开为不通过"
     "（对应 GovBudgetChecker BUD-001 九张表完整性、BUD-005 空表说明）。按公开所用的模板判断：财政部参考格式只有八张表，"
     "不含国有资本经营预算支出表；文中有未能识别的预算表时，未找到的表不判定为未公开。",
     "Each of the nine standard tables: published passes; published empty passes when its note says so (注：无…，"
     "空表列示) and fails without such a statement; missing fails (counterpart of GovBudgetChecker BUD-001, the nine "
     "tables, and BUD-005, the empty-table statement). Judged by the template family the disclosure follows: the "
     "Ministry of Finance format has eight tables, without the state-capital table; while the document holds a "
     "budget table that could not be recognised, a table not found is not judged unpublished."),
    tuple(kind.value for kind in TableKind),
    ("BUD-001", "BUD-005"),
)
def tables_published(disclosure: Disclosure) -> Iterator[Result]:
    family = FAMILY_BY_NAME.get(disclosure.template_family, DEFAULT_FAMILY)
    # Hebei's template, the corpus's own, goes without saying; another family is named.
    named = "" if family is DEFAULT_FAMILY else f" ({family.title})"
    for kind in TABLE_KINDS:
        table = disclosure.tables.get(kind)
        where = f"table {kind.number} {SPEC_BY_KIND[kind].title}"
        if table is not None and table.status is TableStatus.UNRECOGNISED:
            yield Result(kind.value, where, "present", "not recognised", NOT_APPLICABLE,
                         f"not judged: not found among the tables recognised, and {table.note}")
            continue
        if (table is None or table.status is TableStatus.MISSING) and kind not in family.required:
            yield Result(kind.value, where, None, "missing", NOT_APPLICABLE,
                         f"not part of the {family.title} this disclosure follows")
            continue
        if table is None or table.status is TableStatus.MISSING:
            yield Result(kind.value, where, "present", "missing", FAIL, f"not published in this document{named}")
            continue
        where = f"table {kind.number} {table.title}"
        empty = table.status is TableStatus.EMPTY or not any(
            amount is not None for row in table.rows for amount in row.amounts.values())
        if not empty:
            yield Result(kind.value, where, "present", "present", PASS, f"published with {len(table.rows)} rows{named}")
        elif _EMPTY_STATEMENT.search(table.note):
            yield Result(kind.value, where, "empty", "empty", PASS,
                         f"published empty, and says so{named}: {table.note}")
        else:
            yield Result(kind.value, where, "empty with a statement", "empty", FAIL,
                         "published with no amounts and no statement that the table is empty")


@rule(
    "completeness.sections", COMPLETENESS,
    ("情况说明各部分齐全", "The explanation sections are published"),
    ("情况说明应含：职责、机构设置、收入说明、支出说明、比上年增减情况、机关运行经费、“三公”经费、绩效、政府采购、"
     "国有资产、名词解释、其他需要说明的事项，按标题识别，不论编号（对应 GovBudgetChecker BUD-002）。",
     "The explanation part should have: duties, organisation, income, expenditure, change against last year, "
     "operating expenses, 三公, performance, procurement, state assets, glossary and other matters, recognised by "
     "their headings whatever their numbering (counterpart of GovBudgetChecker BUD-002)."),
    ("narrative_sections",),
    ("BUD-002",),
)
def sections_published(disclosure: Disclosure) -> Iterator[Result]:
    headings = list(disclosure.narrative.sections)
    headings += [text.strip() for text in disclosure.paragraphs if 0 < len(text.strip()) <= _HEADING_LENGTH]
    if not headings:
        return
    for name, pattern in SECTIONS:
        found = next((heading for heading in headings if pattern.search(heading)), None)
        if found is None:
            yield Result("narrative_sections", name, "present", "missing", FAIL, f"no {name} heading found")
        else:
            yield Result("narrative_sections", name, "present", "present", PASS, f"found: {found}")
