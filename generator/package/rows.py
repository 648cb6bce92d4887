"""Records → rows of every resource, in a stable order: disclosure, table order, row.

Values stay typed here (Decimal, int, bool, str, None); the CSV and XLSX writers format them.
The rows of the resources kept per disclosure are made one disclosure at a time
(disclosure_rows): the whole package's are never held at once.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from generator.check import rule_catalogue
from generator.check.wording import message_zh
from generator.contract.records import CheckOutcome, Disclosure, TableKind, TableStatus
from generator.contract.table_specs import SPEC_BY_KIND
from generator.extract.facts import FACTS
from generator.extract.procurement import PROCUREMENT_COLUMNS
from generator.extract.projects import project_ids
from generator.package.fields import CODE_LEVELS
from generator.package.schema import RESOURCES

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header, InMemoryRecords, Records

Row = dict[str, object]
# Resources whose rows each belong to one disclosure (a download takes its disclosures' rows).
PER_DISCLOSURE = tuple(resource.name for resource in RESOURCES if resource.fields[0].name == "disclosure_id")


class PackageDataError(ValueError):
    """The records cannot become a valid package (e.g. two documents claim one disclosure_id)."""


# The code lists a disclosure's tables use: "function"/"economic" → (code, name) of each coded row.
CodeNames = dict[str, tuple[tuple[str, str], ...]]


@dataclass
class PackageRows:
    records: Records
    disclosures: list[Header]  # in package order
    # resource name → rows, for the resources not kept per disclosure (the code lists once every
    # disclosure's codes are known: shared_rows)
    shared: dict[str, list[Row]]


def disclosure_order(disclosure: Header) -> tuple:
    return disclosure.unit.unit_id, disclosure.year, disclosure.disclosure_id, disclosure.source_file


def _numbered(disclosure_id: str, items: Iterable[Row]) -> list[Row]:
    return [{"disclosure_id": disclosure_id, "line": line, **item} for line, item in enumerate(items, start=1)]


def _table_rows(disclosure: Disclosure, kind: TableKind) -> list[Row]:
    table = disclosure.table(kind)
    if table is None:
        return []
    spec = SPEC_BY_KIND[kind]
    rows = []
    for row in table.rows:
        values: Row = {"disclosure_id": disclosure.disclosure_id}
        if spec.two_sided:
            values["side"] = row.side
        values["line"] = row.line
        if spec.codes:
            values[f"{spec.codes}_code"] = row.code
            values[f"{spec.codes}_name"] = row.name
        else:
            values["item"] = row.name
        values["is_total"] = row.is_total
        values.update({column.field: row.amounts.get(column.field) for column in spec.columns})
        rows.append(values)
    return rows


def _table_status(disclosure: Disclosure) -> list[Row]:
    rows = []
    for kind in TableKind:
        table = disclosure.tables.get(kind)
        rows.append({
            "disclosure_id": disclosure.disclosure_id,
            "table_number": kind.number,
            "table": kind.value,
            "title": table.title if table else "",
            "status": (table.status if table else TableStatus.MISSING).value,
            "row_count": len(table.rows) if table else 0,
            "money_unit": table.money_unit if table and table.status in (TableStatus.PRESENT, TableStatus.EMPTY)
            else None,
            "location": table.location if table else "",
            "columns": " ".join(table.columns) if table else "",
            "extra_columns": "；".join(table.extra_columns) if table else "",
            "note": table.note if table else "",
            "source_file": table.source_file if table else "",
        })
    return rows


def _narrative_rows(disclosure: Disclosure) -> dict[str, list[Row]]:
    narrative, disclosure_id = disclosure.narrative, disclosure.disclosure_id
    ids = project_ids(narrative.projects, disclosure_id)
    # An indicator belongs to the project whose performance table it stands in, named as that table names it.
    by_table_name: dict[str, str] = {}
    for project, project_id in zip(narrative.projects, ids):
        if project.name_in_table:
            by_table_name.setdefault(project.name_in_table, project_id)
    return {
        "organizations": _numbered(disclosure_id, (
            {"name": o.name, "nature": o.nature, "rank": o.rank, "funding_form": o.funding_form}
            for o in narrative.organizations)),
        "narrative_facts": _numbered(disclosure_id, (
            {"fact": f.fact, "qualifier": f.qualifier, "amount": f.amount, "money_unit": f.money_unit,
             "section": f.section, "sentence": f.sentence, "note": f.note} for f in narrative.facts)),
        "projects": _numbered(disclosure_id, (
            {"project_id": project_id, "project_name": p.project_name, "name_in_text": p.name_in_text,
             "name_in_table": p.name_in_table, "project_code": p.project_code, "amount": p.amount,
             "amount_in_text": p.amount_in_text, "amount_in_table": p.amount_in_table,
             "fiscal_amount": p.fiscal_amount, "purpose": p.purpose, "goal": p.goal,
             "spending_plan": json.dumps(p.spending_plan, ensure_ascii=False) if p.spending_plan else None,
             "matched_by": p.matched_by}
            for p, project_id in zip(narrative.projects, ids))),
        "performance_indicators": _numbered(disclosure_id, (
            {"project_id": by_table_name.get(i.project_name), "project_name": i.project_name, "level1": i.level1,
             "level2": i.level2, "level3": i.level3,
             "description": i.description, "target": i.target, "basis": i.basis, "comparator": i.comparator,
             "number": i.number, "unit": i.unit} for i in narrative.indicators)),
        "procurement_items": _numbered(disclosure_id, (
            {"project_name": p.project_name, "project_budget": p.project_budget, "item": p.item,
             "catalogue_code": p.catalogue_code, "unit": p.unit, "quantity": p.quantity, "unit_price": p.unit_price,
             "amount": p.amount, **{column.field: p.amounts.get(column.field) for column in PROCUREMENT_COLUMNS},
             "row_type": p.row_type.value} for p in narrative.procurement)),
        "fixed_assets": _numbered(disclosure_id, (
            {"item": a.item, "quantity": a.quantity, "value": a.value, "as_of": a.as_of,
             "quantity_note": a.quantity_note} for a in narrative.fixed_assets)),
    }


def disclosure_codes(disclosure: Disclosure) -> CodeNames:
    """The codes its tables use, with the names they give them (each pair once)."""
    codes: CodeNames = {}
    for kind in ("function", "economic"):
        pairs: dict[tuple[str, str], None] = {}
        for spec in SPEC_BY_KIND.values():
            table = disclosure.table(spec.kind) if spec.codes == kind else None
            for row in table.rows if table is not None else ():
                if row.code:
                    pairs[sys.intern(row.code), sys.intern(str(row.name or "").strip())] = None
        codes[kind] = tuple(pairs)
    return codes


def _code_list(kind: str, codes: Iterable[CodeNames]) -> list[Row]:
    """Codes the tables use, each with its ancestors (parent = prefix two digits shorter), named by
    the name most disclosures give it."""
    names: dict[str, Counter] = {}
    for found in codes:
        for code, name in found[kind]:
            names.setdefault(code, Counter())[name] += 1
    for code in list(names):
        while len(code) > 3:
            code = code[:-2]
            names.setdefault(code, Counter())
    rows = []
    for code in sorted(names):
        counted = sorted(((-count, name) for name, count in names[code].items() if name))
        level, level_name = CODE_LEVELS.get(len(code), (None, None))
        rows.append({"code": code, "name": counted[0][1] if counted else "", "level": level,
                     "level_name": level_name, "parent_code": code[:-2] if len(code) > 3 else None})
    return rows


def _check_unique_ids(disclosures: list[Header]) -> None:
    seen: dict[str, str] = {}
    for disclosure in disclosures:
        other = seen.setdefault(disclosure.disclosure_id, disclosure.source_file)
        if other != disclosure.source_file:
            raise PackageDataError(f"{other} and {disclosure.source_file} are both disclosure "
                                   f"{disclosure.disclosure_id} (same unit and year): keep one of them in the "
                                   f"source folder, or correct the manifest")


def records_of(disclosures: Iterable[Disclosure], outcomes: Iterable[CheckOutcome]) -> InMemoryRecords:
    """Records in lists, refusing check outcomes of a disclosure not among them."""
    from generator.pipeline.stored import InMemoryRecords  # the pipeline imports this module

    records = InMemoryRecords(disclosures, outcomes)
    for outcome in records.stray_outcomes():
        raise PackageDataError(f"check outcome {outcome.rule} names disclosure {outcome.disclosure_id!r}, "
                               f"which is not among the disclosures packaged")
    return records


def package_rows(records: Records) -> PackageRows:
    ordered = sorted(records.headers, key=disclosure_order)
    _check_unique_ids(ordered)
    return PackageRows(records, ordered, {})


def disclosure_rows(disclosure: Disclosure, outcomes: list[CheckOutcome]) -> dict[str, list[Row]]:
    """One disclosure's rows of every resource kept per disclosure (in PER_DISCLOSURE order)."""
    rows: dict[str, list[Row]] = {name: [] for name in PER_DISCLOSURE}
    rows["disclosures"].append({
        "disclosure_id": disclosure.disclosure_id, "unit_id": disclosure.unit.unit_id, "year": disclosure.year or None,
        "scope": disclosure.scope, "published_unit": disclosure.published_unit,
        "source_file": disclosure.source_file, "source_sha256": disclosure.source_sha256,
        "source_url": disclosure.source_url})
    rows["table_status"] = _table_status(disclosure)
    for kind in TableKind:
        rows[kind.value] = _table_rows(disclosure, kind)
    rows.update(_narrative_rows(disclosure))
    rows["checks"] = _numbered(disclosure.disclosure_id, (
        {"rule": o.rule, "table": o.table, "location": o.location, "expected": o.expected,
         "actual": o.actual, "status": o.status, "message": o.message, "message_zh": message_zh(o)}
        for o in outcomes))
    rows["findings"] = _numbered(disclosure.disclosure_id, (
        {"stage": f.stage, "severity": f.severity, "location": f.location, "message": f.message}
        for f in disclosure.findings))
    return rows


def shared_rows(ordered: list[Header], codes: Iterable[CodeNames]) -> dict[str, list[Row]]:
    """The resources not kept per disclosure: units, code lists of the codes used (codes: of each
    disclosure), rule and fact catalogues."""
    units: dict[str, Row] = {}
    for disclosure in ordered:
        unit = disclosure.unit
        units.setdefault(unit.unit_id, {
            "unit_id": unit.unit_id, "unit_code": unit.unit_code, "unit_name": unit.unit_name,
            "province": unit.province, "city": unit.city, "county": unit.county})
    check_rules, fact_definitions = catalogue_rows()
    codes = list(codes)
    return {"units": list(units.values()), "function_codes": _code_list("function", codes),
            "economic_codes": _code_list("economic", codes), "check_rules": check_rules,
            "fact_definitions": fact_definitions}


@functools.cache
def catalogue_rows() -> tuple[list[Row], list[Row]]:
    """The rule and fact catalogues: the same rows in the package and in every download (not to be changed)."""
    return ([asdict(entry) for entry in rule_catalogue()],
            [{"fact": fact, "title": title, "description": description}
             for fact, (description, title) in FACTS.items()])
