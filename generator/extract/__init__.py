"""Extract stage: a read document and what the manifest says about it → one Disclosure."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from generator.contract.document import Document
from generator.contract.records import Disclosure, Finding, SourceFile, TableKind, TableStatus, Unit
from generator.contract.slugs import unit_id
from generator.extract.layout import stated_identity
from generator.extract.narrative import extract_narrative
from generator.extract.tables import read_tables
from generator.extract.three_public import operating_expenses

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.sources import SourceDocument


def extract_disclosure(document: Document, source: SourceDocument) -> Disclosure:
    """The manifest wins for the region; the document for the unit and every figure."""
    stated = stated_identity(document)
    findings = [Finding("read", document.source, warning) for warning in document.warnings]
    year = stated.year or source.year
    if source.year and stated.year and source.year != stated.year:
        findings.append(Finding("extract", "identity", f"the manifest says year {source.year}, "
                                                       f"the document {stated.year}; the document's year is used"))
    if year is None:
        findings.append(Finding("extract", "identity", "no budget year in the document or the manifest", "error"))
    scope = source.scope or stated.scope
    unit = Unit(
        unit_id=unit_id(source.province, source.city, source.county, stated.unit_code, stated.unit_name),
        unit_code=stated.unit_code,
        unit_name=stated.unit_name,
        province=source.province,
        city=source.city,
        county=source.county,
    )
    table_set = read_tables(document)
    for table in table_set.tables.values():
        if table.status in (TableStatus.PRESENT, TableStatus.EMPTY) and not table.source_file:
            table.source_file = source.file
    # The budget tables' own money unit wins over the other layout rows (performance tables
    # are in 万元 whatever the budget tables use; an 编制部门 line is not a layout table).
    table_units = Counter(table.money_unit for table in table_set.tables.values()
                          if table.status in (TableStatus.PRESENT, TableStatus.EMPTY))
    money_unit = table_units.most_common(1)[0][0] if table_units else stated.money_unit or "万元"
    narrative, narrative_findings = extract_narrative(document, money_unit)
    stated_by_table, table_findings = operating_expenses(table_set.tables[TableKind.THREE_PUBLIC])
    if stated_by_table is not None:
        narrative.facts.append(stated_by_table)
    return Disclosure(
        disclosure_id=f"{unit.unit_id}-{year or 'unknown'}",
        unit=unit,
        year=year or 0,
        scope=scope,
        published_unit=money_unit,
        source_file=source.file,
        source_sha256=source.sha256,
        source_url=source.source_url,
        tables=table_set.tables,
        narrative=narrative,
        findings=findings + table_set.findings + table_findings + narrative_findings,
        paragraphs=[paragraph.text for _, paragraph in document.paragraphs()],
        template_family=table_set.family.name if table_set.family_known else "",
        source_files=[SourceFile(source.file, source.sha256)]
        + [SourceFile(companion.file, companion.sha256) for companion in source.companions],
    )
