"""What `budget-site inspect` says about a document's tables: each standard table, what it was
recognised as, by which rule, in which template family, and what each of its columns was read
as; every other table block and why it was not taken."""

from __future__ import annotations

from generator.contract.document import Document
from generator.contract.records import TableStatus
from generator.extract.tables import read_tables
from generator.extract.three_public import STATED_COLUMNS


def describe_tables(document: Document) -> list[str]:
    result = read_tables(document)
    rules = {r.kind: r for r in result.report if r.kind is not None and r.rule in ("title", "header")}
    family = (f"{result.family.name} ({result.family.title})" if result.family_known
              else f"none recognised by title; the {result.family.name} family's tables expected")
    lines = [f"template family: {family}", "standard tables:"]
    for kind, table in result.tables.items():
        if table.status is TableStatus.MISSING:
            expected = "" if kind in result.family.required else f", not part of the {result.family.name} format"
            lines.append(f"  {kind.number} missing: no table has a title ending in {table.title}{expected}")
            continue
        if table.status is TableStatus.UNRECOGNISED:
            lines.append(f"  {kind.number} not recognised: {table.note}")
            continue
        recognition = rules[kind]
        families = f", title in the wording of {'/'.join(recognition.families)}" if recognition.families else ""
        unknown = [label for label in table.extra_columns if label not in STATED_COLUMNS]
        extra = f"; unknown columns {unknown}" if unknown else ""
        note = f"; note {table.note}" if table.note else ""
        lines.append(f"  {kind.number} {table.status.value} as {kind.value}: {table.location}; by its "
                     f"{recognition.rule}{families}; {len(table.rows)} rows in {table.money_unit}; "
                     f"columns {', '.join(table.columns)}{extra}{note}")
        lines += [f"      {mapping}" for mapping in result.mappings.get(kind, [])]
    lines.append("table blocks:")
    lines += [f"  [{item.block}] {item.reason}" for item in result.report]
    lines += [f"{finding.severity}: {finding.location}: {finding.message}" for finding in result.findings]
    return lines
