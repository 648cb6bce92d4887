"""The nine standard tables: recognised (recognise.py) in any template family's wording, read
by their header labels, into exact typed records.

The layout row above a table (a one-row table in the .docx, the table's first row in the text
export, or an 编制部门 line) gives its money unit. Columns are mapped by their header labels
(table_specs.py), whatever their order; codes come in one column or split into 类/款/项 columns;
the 三公 table may have its items as columns (three_public.py). A column no spec knows is kept
in TableRow.extra and reported. A table may continue in a following Word table and repeat its
header after a page break.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from generator.contract.document import Document
from generator.contract.records import BudgetTable, Finding, TableKind, TableRow, TableStatus
from generator.contract.table_specs import SPECS, TableSpec
from generator.extract.codes import CODE_LENGTHS, SplitCode, is_valid_code
from generator.extract.families import Family
from generator.extract.header import (
    CODE_PARTS,
    Header,
    code_part_level,
    compact,
    header_rows,
    is_code_label,
    is_column_number_row,
    is_name_label,
    is_sequence_label,
    read_header,
    row_key,
)
from generator.extract.money import AmountError, parse_amount
from generator.extract.recognise import Found, Recognition, recognise
from generator.extract.three_public import STATED_COLUMNS, is_transposed, read_transposed

_QUOTES = re.compile("[\"'“”‘’「」『』＂＇]")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\D.*)$")
_TOTAL = re.compile(r"(?:合计|总计|小计)$")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_EMPTY_NOTE = re.compile(r"空表")


@dataclass
class _Side:
    side: str | None
    code_col: int | None = None
    name_col: int | None = None
    code_parts: list[tuple[int, int]] = field(default_factory=list)  # (grid column, level) of 类/款/项 columns
    split: SplitCode = field(default_factory=SplitCode)
    amounts: list[tuple[int, str]] = field(default_factory=list)  # (grid column, amount field)

    @property
    def has_codes(self) -> bool:
        return self.code_col is not None or bool(self.code_parts)


def _map_columns(spec: TableSpec, header: Header) -> tuple[list[_Side], list[tuple[int, str]], set[int]]:
    """The sides of the table (one unless two-sided), its unknown columns and its 序号 columns."""
    label_field = {label: column.field for column in spec.columns for label in column.labels}
    sides = [_Side(None)]
    extras: list[tuple[int, str]] = []
    sequence: set[int] = set()
    for col in range(len(header.labels)):
        leaf = header.leaf(col)
        if is_sequence_label(leaf) or (col == 0 and not leaf):
            sequence.add(col)
            continue
        side = sides[-1]
        level = code_part_level(leaf)
        descriptor = is_code_label(leaf) or is_name_label(leaf) or level is not None
        if descriptor and spec.two_sided and side.amounts:
            side = _Side(None)
            sides.append(side)
        if is_code_label(leaf) and side.code_col is None and not side.code_parts:
            side.code_col = col
        elif level is not None and side.code_col is None and level not in (lv for _, lv in side.code_parts):
            side.code_parts.append((col, level))
        elif is_name_label(leaf) and side.name_col is None:
            side.name_col = col
        elif not descriptor and (name := label_field.get(leaf)) and name not in (f for _, f in side.amounts):
            side.amounts.append((col, name))
        else:
            extras.append((col, "/".join(header.labels[col]) or f"column {col + 1}"))
    if spec.two_sided:
        for number, side in enumerate(sides):
            labels = "".join(header.labels[side.name_col]) if side.name_col is not None else ""
            side.side = ("income" if "收入" in labels else "expenditure" if "支出" in labels
                         else ("income", "expenditure")[min(number, 1)])
    return sides, extras, sequence


def column_mapping(header: Header, sides: list[_Side], extras: list[tuple[int, str]], sequence: set[int]
                   ) -> list[str]:
    """Each grid column and what it was read as, for `budget-site inspect`."""
    meaning: dict[int, str] = {col: "序号 (not read)" for col in sequence}
    for side in sides:
        where = f" ({side.side})" if side.side else ""
        if side.code_col is not None:
            meaning[side.code_col] = "code" + where
        meaning.update({col: f"code part {CODE_PARTS[level]}{where}" for col, level in side.code_parts})
        if side.name_col is not None:
            meaning[side.name_col] = "name" + where
        meaning.update({col: name + where for col, name in side.amounts})
    for col in sorted(header.spanned):
        start = col
        while start in header.spanned:
            start -= 1
        meaning.setdefault(col, f"part of column {start + 1} (one published column)")
    meaning.update({col: "unknown: kept as published" for col, _ in extras})
    return [f"column {col + 1} {'/'.join(header.labels[col]) or '(blank)'!r} → {meaning.get(col, 'not read')}"
            for col in range(len(header.labels))]


def _clean(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _Read:
    table: BudgetTable
    findings: list[Finding]
    mapping: list[str]


def _body(found: Found, body_start: int, sequence: set[int], signatures: set[str], notes: list[str],
          findings: list[Finding]) -> list[tuple[int, int, list[str]]]:
    """(block, grid row, texts) of every body row of every part, without notes, 栏次 and
    repeated header rows."""
    first = found.parts[0]
    rows: list[tuple[int, int, list[str]]] = []
    for part in found.parts:
        if part.table.n_cols != first.table.n_cols:
            findings.append(Finding("extract", found.place(part.block), f"continuation has {part.table.n_cols} "
                                    f"columns, table {found.spec.number} has {first.table.n_cols}: its rows are "
                                    "not read", "error"))
            continue
        grid = part.table.grid()
        for r in range(body_start if part is first else part.start, len(grid)):
            texts = grid[r]
            published = set(map(str.strip, texts))
            published.discard("")
            if len(published) == 1 and compact(next(iter(published))).startswith("注"):
                notes.append(next(iter(published)))
                continue
            if (not published or not any(t.strip() for c, t in enumerate(texts) if c not in sequence)
                    or is_column_number_row(texts) or row_key(texts) in signatures):
                continue
            rows.append((part.block, r, texts))
    return rows


def _read_table(found: Found, money_unit: str) -> _Read:
    spec = found.spec
    where = found.location()
    findings: list[Finding] = []
    first = found.parts[0]
    rows_of_header, body_start = header_rows(first.table.grid(), first.start)
    header = read_header(first.table, rows_of_header)
    findings += [Finding("extract", where, warning) for warning in header.warnings]
    notes = list(found.notes)
    if spec.kind is TableKind.THREE_PUBLIC and is_transposed(header):
        body = _body(found, body_start, {0}, header.signatures(first.table), notes, findings)
        read, extra_columns, more = read_transposed(header, [(r, texts) for _, r, texts in body], money_unit,
                                                    lambda r: found.place(first.block, r))
        table = BudgetTable(kind=spec.kind, title=found.title,
                            status=TableStatus.PRESENT if read else TableStatus.EMPTY, columns=["total"], rows=read,
                            extra_columns=extra_columns, money_unit=money_unit, location=where, note=" ".join(notes),
                            source_file=first.table.source)
        mapping = [f"items as columns: {' / '.join('/'.join(labels) for labels in header.labels if labels)}"]
        mapping += [f"{label!r} → {STATED_COLUMNS[label]} (a figure the table states)" for label in extra_columns
                    if label in STATED_COLUMNS]
        return _Read(table, findings + more, mapping)
    sides, extras, sequence = _map_columns(spec, header)
    body = _body(found, body_start, sequence, header.signatures(first.table), notes, findings)
    # A split column is unknown only when the body writes in it apart from the column before.
    extras = [(col, label) for col, label in extras
              if col not in header.spanned or any(texts[col].strip() for _, _, texts in body)]
    for col, label in extras:
        findings.append(Finding("extract", where, f"column {col + 1} {label!r} is not a known column of "
                                f"table {spec.number}; its values are kept as published (TableRow.extra)"))
    for side in sides:
        if side.name_col is None and not side.has_codes:
            findings.append(Finding("extract", where, f"no item column (项目/科目名称) found on side "
                                    f"{side.side or 'of the table'}", "error"))
    lines: list[tuple[int, int, TableRow]] = []  # (side index, order, row)
    counts = Counter[int]()
    for block, r, texts in body:
        location = found.place(block, r)
        extra = {label: texts[col].strip() for col, label in extras if texts[col].strip()}
        for number, side in enumerate(sides):
            row = _read_line(spec, side, texts, money_unit, location, findings)
            if row is None:
                continue
            counts[number] += 1
            row.line, row.source_row, row.extra = counts[number], r, extra
            extra = {}
            lines.append((number, len(lines), row))
        if extra:
            findings.append(Finding("extract", location, f"values in unknown columns on a line without an "
                                    f"item are not kept: {extra}"))
    rows = [row for _, _, row in sorted(lines)]
    columns = list(dict.fromkeys(name for side in sides for _, name in side.amounts))
    table = BudgetTable(kind=spec.kind, title=found.title, status=TableStatus.PRESENT if rows else TableStatus.EMPTY,
                        columns=columns, rows=rows, extra_columns=[label for _, label in extras],
                        money_unit=money_unit, location=where, note=" ".join(notes),
                        source_file=found.parts[0].table.source)
    if not rows and notes and not any(_EMPTY_NOTE.search(note) for note in notes):
        findings.append(Finding("extract", where, f"table {spec.number} has no rows and its note does not say why"))
    return _Read(table, findings, column_mapping(header, sides, extras, sequence))


def _read_code(side: _Side, texts: list[str], location: str, findings: list[Finding]) -> str:
    if side.code_parts:
        code, error = side.split.code([(level, compact(texts[col])) for col, level in side.code_parts])
        if error:
            findings.append(Finding("extract", location, f"the 类/款/项 columns do not make a code: {error}; "
                                    "the row is kept without a code", "error"))
        return code
    return compact(texts[side.code_col]) if side.code_col is not None else ""


def _read_line(spec: TableSpec, side: _Side, texts: list[str], money_unit: str, location: str,
               findings: list[Finding]) -> TableRow | None:
    name = _clean(texts[side.name_col]) if side.name_col is not None else ""
    code = _read_code(side, texts, location, findings)
    if (not code and (match := _CODE_AND_NAME.match(name))) or (
            code and not name and (match := _CODE_AND_NAME.match(code))):
        code, name = match.group(1), _clean(match.group(2))
    published = [(name_, texts[col]) for col, name_ in side.amounts]
    if not name and not code and not any(text.strip() for _, text in published):
        return None
    amounts: dict[str, Decimal | None] = {}
    for amount_field, text in published:
        try:
            amounts[amount_field] = parse_amount(text, money_unit)
        except AmountError as error:
            amounts[amount_field] = None
            findings.append(Finding("extract", location, f"{amount_field}: {error}; recorded as blank", "error"))
    if not name and not code:
        findings.append(Finding("extract", location, "amounts without an item name"))
    is_total = bool(_TOTAL.search(_QUOTES.sub("", compact(name))))
    if spec.codes and side.has_codes and not code and name and not is_total:
        findings.append(Finding("extract", location, f"{name!r} has no code in the code column"))
    if code and spec.codes and not is_valid_code(code, spec.codes):
        findings.append(Finding("extract", location, f"code {code!r} is not a {spec.codes} classification code "
                                f"({'/'.join(map(str, CODE_LENGTHS[spec.codes]))} digits)"))
    return TableRow(line=0, name=name, amounts=amounts, code=code or None, side=side.side, is_total=is_total)


def _class_codes(tables: dict[TableKind, BudgetTable]) -> None:
    """Tables 1 and 4 list expenditure by function class (一、一般公共服务支出) without codes:
    give each the 类 code its name has in this disclosure's coded tables."""
    by_name: dict[str, str] = {}
    for spec in SPECS:
        if spec.codes == "function":
            for row in tables[spec.kind].rows:
                if row.code and len(row.code) == 3:
                    by_name.setdefault(compact(row.name), row.code)
    for kind in (TableKind.SUMMARY, TableKind.FISCAL_SUMMARY):
        for row in tables[kind].rows:
            if row.side == "expenditure" and not row.is_total and row.code is None:
                row.code = by_name.get(_ORDINAL.sub("", compact(row.name)))


@dataclass
class TableSet:
    """What the tables of one document gave: the nine tables (missing, unrecognised or read),
    the template family they follow, and how each table block was recognised and read."""

    tables: dict[TableKind, BudgetTable]
    findings: list[Finding]
    family: Family
    family_known: bool  # False when no table was recognised by its title: the family is a default
    report: list[Recognition]
    mappings: dict[TableKind, list[str]]  # per table read: each column and what it was read as


def extract_tables(document: Document) -> tuple[dict[TableKind, BudgetTable], list[Finding]]:
    result = read_tables(document)
    return result.tables, result.findings


def read_tables(document: Document) -> TableSet:
    recognised = recognise(document)
    found, findings = recognised.found, list(recognised.findings)
    layouts = [f.layout for f in found if f.layout is not None]
    units = Counter(layout.money_unit for layout in layouts if layout.money_unit)
    default_unit = units.most_common(1)[0][0] if units else "万元"
    identities = Counter((layout.unit_code, layout.unit_name, layout.year) for layout in layouts)
    usual = identities.most_common(1)[0][0] if identities else None
    tables: dict[TableKind, BudgetTable] = {}
    mappings: dict[TableKind, list[str]] = {}
    for item in found:
        if item.layout is None or not item.layout.money_unit:
            findings.append(Finding("extract", item.location(), f"no money unit above the table; "
                                    f"{default_unit} assumed as in the other tables"))
        elif (item.layout.unit_code, item.layout.unit_name, item.layout.year) != usual:
            findings.append(Finding("extract", item.location(), f"the layout row names {item.layout.unit_code}"
                                    f"{item.layout.unit_name}, year {item.layout.year}, unlike the other tables"))
        unit = item.layout.money_unit if item.layout and item.layout.money_unit else default_unit
        read = _read_table(item, unit)
        tables[item.spec.kind], mappings[item.spec.kind] = read.table, read.mapping
        findings += read.findings
    family = recognised.family
    missing = [spec for spec in SPECS if spec.kind not in tables]
    unplaced = "; ".join(f"block {r.block}" + (f" {r.title!r}" if r.title else "") for r in recognised.unplaced)
    for spec in missing:
        if unplaced:
            tables[spec.kind] = BudgetTable(kind=spec.kind, title=spec.title, status=TableStatus.UNRECOGNISED,
                                            columns=[], note=f"the document holds tables not recognised: {unplaced}")
        else:
            tables[spec.kind] = BudgetTable(kind=spec.kind, title=spec.title, status=TableStatus.MISSING, columns=[])
    if len(missing) == len(SPECS) and not unplaced:
        findings.append(Finding("extract", "tables", "no standard budget table found: all nine are recorded as missing"))
    elif missing:
        findings += [Finding("extract", "tables", f"table {spec.number} ({spec.title}) not found"
                             + (f"; it may be one of the tables not recognised ({unplaced})" if unplaced else ""))
                     for spec in missing if spec.kind in family.required]
    _class_codes(tables)
    return TableSet({spec.kind: tables[spec.kind] for spec in SPECS}, findings, family, recognised.family_known,
                    recognised.report, mappings)
