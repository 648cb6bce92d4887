"""Extract stage: a read document and what the manifest says about it → one Disclosure."""

from __future__ import annotations

from generator.document import Document
from generator.extract.layout import stated_identity
from generator.extract.narrative import extract_narrative
from generator.extract.tables import extract_tables
from generator.records import Disclosure, Finding, SourceFile, TableStatus, Unit
from generator.slugs import unit_id
from generator.sources import SourceDocument


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
    tables, table_findings = extract_tables(document)
    for table in tables.values():
        if table.status is not TableStatus.MISSING and not table.source_file:
            table.source_file = source.file
    narrative, narrative_findings = extract_narrative(document, stated.money_unit or "万元")
    return Disclosure(
        disclosure_id=f"{unit.unit_id}-{year or 'unknown'}",
        unit=unit,
        year=year or 0,
        scope=scope,
        published_unit=stated.money_unit or "万元",
        source_file=source.file,
        source_sha256=source.sha256,
        source_url=source.source_url,
        tables=tables,
        narrative=narrative,
        findings=findings + table_findings + narrative_findings,
        paragraphs=[paragraph.text for _, paragraph in document.paragraphs()],
        source_files=[SourceFile(source.file, source.sha256)]
        + [SourceFile(companion.file, companion.sha256) for companion in source.companions],
    )
