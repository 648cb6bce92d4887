"""Records → rows of every resource, in a stable order: disclosure, table order, row.

Values stay typed here (Decimal, int, bool, str, None); the CSV and XLSX writers format them.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from generator.check import rule_catalogue
from generator.extract.facts import FACTS
from generator.package.schema import CODE_LEVELS, RESOURCES
from generator.records import CheckOutcome, Disclosure, TableKind, TableStatus
from generator.table_specs import SPEC_BY_KIND

Row = dict[str, object]
# Resources whose rows each belong to one disclosure (a download takes its disclosures' rows).
PER_DISCLOSURE = tuple(resource.name for resource in RESOURCES if resource.fields[0].name == "disclosure_id")


class PackageDataError(ValueError):
    """The records cannot become a valid package (e.g. two documents claim one disclosure_id)."""


@dataclass
class PackageRows:
    disclosures: list[Disclosure]
    outcomes: list[CheckOutcome]
    rows: dict[str, list[Row]]  # resource name → rows, in RESOURCES order


def disclosure_order(disclosure: Disclosure) -> tuple:
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
            "row_count": len(table.rows) if table and table.status is not TableStatus.MISSING else 0,
            "money_unit": table.money_unit if table and table.status is not TableStatus.MISSING else None,
            "location": table.location if table else "",
            "columns": " ".join(table.columns) if table else "",
            "extra_columns": "；".join(table.extra_columns) if table else "",
            "note": table.note if table else "",
        })
    return rows


def _narrative_rows(disclosure: Disclosure) -> dict[str, list[Row]]:
    narrative, disclosure_id = disclosure.narrative, disclosure.disclosure_id
    return {
        "organizations": _numbered(disclosure_id, (
            {"name": o.name, "nature": o.nature, "rank": o.rank, "funding_form": o.funding_form}
            for o in narrative.organizations)),
        "narrative_facts": _numbered(disclosure_id, (
            {"fact": f.fact, "qualifier": f.qualifier, "amount": f.amount, "money_unit": f.money_unit,
             "section": f.section, "sentence": f.sentence} for f in narrative.facts)),
        "projects": _numbered(disclosure_id, (
            {"project_name": p.project_name, "project_code": p.project_code, "amount": p.amount,
             "fiscal_amount": p.fiscal_amount, "purpose": p.purpose, "goal": p.goal,
             "spending_plan": json.dumps(p.spending_plan, ensure_ascii=False) if p.spending_plan else None,
             "source": p.source} for p in narrative.projects)),
        "performance_indicators": _numbered(disclosure_id, (
            {"project_name": i.project_name, "level1": i.level1, "level2": i.level2, "level3": i.level3,
             "description": i.description, "target": i.target, "basis": i.basis, "comparator": i.comparator,
             "number": i.number, "unit": i.unit} for i in narrative.indicators)),
        "procurement_items": _numbered(disclosure_id, (
            {"project_name": p.project_name, "item": p.item, "catalogue_code": p.catalogue_code, "unit": p.unit,
             "quantity": p.quantity, "unit_price": p.unit_price, "amount": p.amount, "is_total": p.is_total}
            for p in narrative.procurement)),
        "fixed_assets": _numbered(disclosure_id, (
            {"item": a.item, "quantity": a.quantity, "value": a.value, "as_of": a.as_of}
            for a in narrative.fixed_assets)),
    }


def _code_list(kind: str, table_rows: dict[str, list[Row]]) -> list[Row]:
    """Codes the tables use, each with its ancestors (parent = prefix two digits shorter)."""
    names: dict[str, Counter] = {}
    for spec in SPEC_BY_KIND.values():
        if spec.codes != kind:
            continue
        for row in table_rows[spec.kind.value]:
            code = row[f"{kind}_code"]
            if code:
                names.setdefault(code, Counter())[str(row[f"{kind}_name"] or "").strip()] += 1
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


def _check_unique_ids(disclosures: list[Disclosure]) -> None:
    seen: dict[str, str] = {}
    for disclosure in disclosures:
        other = seen.setdefault(disclosure.disclosure_id, disclosure.source_file)
        if other != disclosure.source_file:
            raise PackageDataError(f"{other} and {disclosure.source_file} are both disclosure "
                                   f"{disclosure.disclosure_id} (same unit and year): keep one of them in the "
                                   f"source folder, or correct the manifest")


def package_rows(disclosures: Iterable[Disclosure], outcomes: Iterable[CheckOutcome]) -> PackageRows:
    ordered = sorted(disclosures, key=disclosure_order)
    _check_unique_ids(ordered)
    ids = {d.disclosure_id for d in ordered}
    outcomes_by_disclosure: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        if outcome.disclosure_id not in ids:
            raise PackageDataError(f"check outcome {outcome.rule} names disclosure {outcome.disclosure_id!r}, "
                                   f"which is not among the disclosures packaged")
        outcomes_by_disclosure.setdefault(outcome.disclosure_id, []).append(outcome)
    rows: dict[str, list[Row]] = {resource.name: [] for resource in RESOURCES}
    units: dict[str, Row] = {}
    for disclosure in ordered:
        unit = disclosure.unit
        units.setdefault(unit.unit_id, {
            "unit_id": unit.unit_id, "unit_code": unit.unit_code, "unit_name": unit.unit_name,
            "province": unit.province, "city": unit.city, "county": unit.county})
        rows["disclosures"].append({
            "disclosure_id": disclosure.disclosure_id, "unit_id": unit.unit_id, "year": disclosure.year or None,
            "scope": disclosure.scope, "published_unit": disclosure.published_unit,
            "source_file": disclosure.source_file, "source_sha256": disclosure.source_sha256,
            "source_url": disclosure.source_url})
        rows["table_status"].extend(_table_status(disclosure))
        for kind in TableKind:
            rows[kind.value].extend(_table_rows(disclosure, kind))
        for name, narrative_rows in _narrative_rows(disclosure).items():
            rows[name].extend(narrative_rows)
        rows["checks"].extend(_numbered(disclosure.disclosure_id, (
            {"rule": o.rule, "table": o.table, "location": o.location, "expected": o.expected,
             "actual": o.actual, "status": o.status, "message": o.message}
            for o in outcomes_by_disclosure.get(disclosure.disclosure_id, []))))
        rows["findings"].extend(_numbered(disclosure.disclosure_id, (
            {"stage": f.stage, "severity": f.severity, "location": f.location, "message": f.message}
            for f in disclosure.findings)))
    rows["units"] = list(units.values())
    _add_shared_rows(rows)
    return PackageRows(ordered, [o for d in ordered for o in outcomes_by_disclosure.get(d.disclosure_id, [])], rows)


def _add_shared_rows(rows: dict[str, list[Row]]) -> None:
    """The resources not kept per disclosure: code lists of the codes used, rule and fact catalogues."""
    rows["function_codes"] = _code_list("function", rows)
    rows["economic_codes"] = _code_list("economic", rows)
    rows["check_rules"], rows["fact_definitions"] = _catalogue_rows()


@functools.cache
def _catalogue_rows() -> tuple[list[Row], list[Row]]:
    """The rule and fact catalogues: the same rows in the package and in every download (not to be changed)."""
    return ([asdict(entry) for entry in rule_catalogue()],
            [{"fact": fact, "title": title, "description": description}
             for fact, (description, title) in FACTS.items()])


def rows_by_disclosure(rows: PackageRows) -> dict[str, dict[str, list[Row]]]:
    """Resource name → disclosure_id → its rows, for every resource kept per disclosure; and units by unit_id."""
    index: dict[str, dict[str, list[Row]]] = {"units": {row["unit_id"]: [row] for row in rows.rows["units"]}}
    for name in PER_DISCLOSURE:
        by_id = index[name] = {}
        for row in rows.rows[name]:
            by_id.setdefault(row["disclosure_id"], []).append(row)
    return index


def filtered_rows(index: dict[str, dict[str, list[Row]]],
                  outcomes: dict[str, list[CheckOutcome]], members: list[Disclosure]) -> PackageRows:
    """The rows package_rows(members, their outcomes) would give, sliced from the whole package's
    (index from rows_by_disclosure, outcomes by disclosure_id) instead of made again."""
    ordered = sorted(members, key=disclosure_order)
    ids = [d.disclosure_id for d in ordered]
    subset = {name: [row for disclosure_id in ids for row in index[name].get(disclosure_id, [])]
              for name in PER_DISCLOSURE}
    subset["units"] = [index["units"][unit_id][0] for unit_id in dict.fromkeys(d.unit.unit_id for d in ordered)]
    _add_shared_rows(subset)
    return PackageRows(ordered, [o for disclosure_id in ids for o in outcomes.get(disclosure_id, [])],
                       {resource.name: subset[resource.name] for resource in RESOURCES})
