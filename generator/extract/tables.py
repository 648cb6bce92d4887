"""The nine standard budget tables: recognised by their titles, read by their header labels,
into exact typed records.

A table is recognised by its title (the paragraph before it, or its own first row), never by
its position. The layout row above it (a one-row table in the .docx, the table's first row in
the text export) gives its money unit. Columns are mapped by their header labels
(table_specs.py); a column no spec knows is kept in TableRow.extra and reported. A table may
continue in a following Word table and repeat its header after a page break.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from generator.document import Document, Paragraph, Table
from generator.extract.codes import CODE_LENGTHS, is_valid_code
from generator.extract.header import (
    Header,
    compact,
    is_code_label,
    is_column_number_row,
    is_data_like,
    is_name_label,
    is_sequence_label,
    read_header,
    row_key,
)
from generator.extract.layout import LayoutRow, layout_row
from generator.extract.money import AmountError, parse_amount
from generator.records import BudgetTable, Finding, TableKind, TableRow, TableStatus
from generator.table_specs import SPECS, TableSpec

_QUOTES = re.compile("[\"'“”‘’「」『』＂＇]")
_NUMERAL = "0-9一二三四五六七八九十"
_TITLE_PREFIX = re.compile(rf"^(?:附?表[{_NUMERAL}]+[、.．:]?|[{_NUMERAL}]+[、.．])")
_TITLE_SUFFIX = re.compile(rf"\((?:续表?|附?表?[{_NUMERAL}]+)\)$")
_MAX_TITLE = 60
# Page numbers and export artefacts between a table and its continuation.
_NOISE = re.compile(r"^(?:-?\d{1,4}-?|第\d+页(?:共\d+页)?|pagenumber)$", re.IGNORECASE)
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\D.*)$")
_TOTAL = re.compile(r"(?:合计|总计|小计)$")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_EMPTY_NOTE = re.compile(r"空表")


def title_key(text: str) -> str:
    """A title as compared: no whitespace or quote marks, no 表N numbering."""
    key = _QUOTES.sub("", compact(text))
    return _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", key))


def match_title(text: str) -> TableSpec | None:
    key = title_key(text)
    if not key or len(key) > _MAX_TITLE:
        return None
    return next((spec for spec in SPECS if re.search(spec.title_pattern, key)), None)


@dataclass
class Recognition:
    """What the recogniser made of one table block, for `budget-site inspect`."""

    block: int
    kind: TableKind | None
    title: str
    reason: str


@dataclass
class _Part:
    block: int
    table: Table
    start: int  # first grid row after its own layout and title rows


@dataclass
class _Found:
    spec: TableSpec
    title: str
    layout: LayoutRow | None
    parts: list[_Part]
    notes: list[str] = field(default_factory=list)

    def location(self) -> str:
        blocks = f"block {self.parts[0].block}" + (f"–{self.parts[-1].block}" if len(self.parts) > 1 else "")
        return f"表{self.spec.number} {self.title}, {blocks}"

    def place(self, block: int, row: int | None = None) -> str:
        return f"表{self.spec.number} {self.title}, block {block}" + ("" if row is None else f", row {row}")


@dataclass
class _Side:
    side: str | None
    code_col: int | None = None
    name_col: int | None = None
    amounts: list[tuple[int, str]] = field(default_factory=list)  # (grid column, amount field)


def _leading_rows(table: Table) -> tuple[int, LayoutRow | None, str]:
    """Rows a table may begin with before its header: the layout row (text export) and a
    title row. Returns the first header row, the layout and the title found."""
    grid = table.grid()
    start, layout, title = 0, None, ""
    while start < min(len(grid), 3):
        texts = [t for t in grid[start] if t.strip()]
        row = layout_row(grid[start])
        if row is not None and layout is None:
            layout = row
        elif len(set(texts)) == 1 and match_title(texts[0]) and not title:
            title = texts[0].strip()
        else:
            break
        start += 1
    return start, layout, title


def _continues(found: _Found, table: Table) -> bool:
    """An untitled table right after a standard one continues it if it has the same columns and
    begins with data, the 栏次 row or a repeat of the first table's header."""
    first = found.parts[0].table
    if table.n_cols != first.n_cols or table.n_rows == 0:
        return False
    opening = table.grid()[0]
    return (is_column_number_row(opening) or is_data_like(opening)
            or row_key(opening) in {row_key(row) for row in first.grid()[:4]})


def _recognise(document: Document) -> tuple[list[_Found], list[Recognition], list[Finding]]:
    found: dict[TableKind, _Found] = {}
    report: list[Recognition] = []
    findings: list[Finding] = []
    title: str | None = None  # the last title-like paragraph, recognised or not
    layout: LayoutRow | None = None
    current: _Found | None = None  # the table an untitled table right after it may continue
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            text = block.text.strip()
            key = compact(text)
            if not key or _NOISE.match(key):
                continue
            if match_title(text):
                title, layout = text, None
            elif (row := layout_row([text])) is not None and len(key) <= 40:
                layout = row
            elif key.startswith("注") and current is not None:
                current.notes.append(text)
            else:
                title, layout, current = text, None, None
            continue
        assert isinstance(block, Table)
        if block.n_rows == 1 and (row := layout_row(block.grid()[0])) is not None:
            layout = row
            continue
        start, own_layout, own_title = _leading_rows(block)
        title_text = own_title or title or ""
        spec = match_title(title_text) if title_text else None
        part = _Part(index, block, start)
        if spec is not None and spec.kind not in found:
            current = found[spec.kind] = _Found(spec, title_text, own_layout or layout, [part])
            how = "its own first row" if own_title else "the title before it"
            report.append(Recognition(index, spec.kind, title_text, f"table {spec.number}, recognised by {how}"))
        elif spec is not None and found[spec.kind] is current:
            current.parts.append(part)
            report.append(Recognition(index, spec.kind, title_text, f"continues table {spec.number} (title repeated)"))
        elif spec is not None:
            first = found[spec.kind]
            findings.append(Finding("extract", f"block {index}", f"a second table titled {title_text!r}; "
                                    f"table {spec.number} is read from {first.location()} only", "error"))
            report.append(Recognition(index, None, title_text, f"a second table {spec.number}: not read"))
            current = None
        elif current is not None and title is None and not own_layout and _continues(current, block):
            current.parts.append(part)
            report.append(Recognition(index, current.spec.kind, current.title,
                                      f"continues table {current.spec.number} (no title of its own, same columns)"))
        else:
            shown = title_text if len(title_text) <= 40 else title_text[:40] + "…"
            reason = (f"its title {shown!r} is not one of the nine standard tables" if title_text
                      else "no title before it or in its first row")
            report.append(Recognition(index, None, title_text, reason))
            if any(row is not None and row.year for row in (own_layout, layout)):
                findings.append(Finding("extract", f"block {index}", "a table under a layout row (unit, year, "
                                        f"money unit) is not a standard table: {reason}; its rows are not read"))
            current = None
        title, layout = None, None
    return sorted(found.values(), key=lambda f: f.spec.number), report, findings


def _header_rows(grid: list[list[str]], start: int) -> tuple[list[int], int]:
    """The header rows from ``start`` on, and the first body row (after 栏次)."""
    rows: list[int] = []
    r = start
    while r < len(grid):
        texts = grid[r]
        if is_column_number_row(texts):
            return rows, r + 1
        if not any(t.strip() for t in texts) or is_data_like(texts):
            break
        rows.append(r)
        r += 1
    return rows, r


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
        descriptor = is_code_label(leaf) or is_name_label(leaf)
        if descriptor and spec.two_sided and side.amounts:
            side = _Side(None)
            sides.append(side)
        if is_code_label(leaf) and side.code_col is None:
            side.code_col = col
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


def _clean(text: str) -> str:
    return " ".join(text.split())


def _read_table(found: _Found, money_unit: str) -> tuple[BudgetTable, list[Finding]]:
    spec = found.spec
    where = found.location()
    findings: list[Finding] = []
    first = found.parts[0]
    header_rows, body_start = _header_rows(first.table.grid(), first.start)
    header = read_header(first.table, header_rows)
    findings += [Finding("extract", where, warning) for warning in header.warnings]
    sides, extras, sequence = _map_columns(spec, header)
    for col, label in extras:
        findings.append(Finding("extract", where, f"column {col + 1} {label!r} is not a known column of "
                                f"table {spec.number}; its values are kept as published (TableRow.extra)"))
    for side in sides:
        if side.name_col is None and side.code_col is None:
            findings.append(Finding("extract", where, f"no item column (项目/科目名称) found on side "
                                    f"{side.side or 'of the table'}", "error"))
    signatures = header.signatures(first.table)
    notes = list(found.notes)
    lines: list[tuple[int, int, TableRow]] = []  # (side index, order, row)
    counts = Counter[int]()
    for part in found.parts:
        if part.table.n_cols != first.table.n_cols:
            findings.append(Finding("extract", found.place(part.block), f"continuation has {part.table.n_cols} "
                                    f"columns, table {spec.number} has {first.table.n_cols}: its rows are not read",
                                    "error"))
            continue
        grid = part.table.grid()
        for r in range(body_start if part is first else part.start, len(grid)):
            texts = grid[r]
            published = {t.strip() for t in texts if t.strip()}
            if len(published) == 1 and compact(next(iter(published))).startswith("注"):
                notes.append(next(iter(published)))
                continue
            if (not any(t.strip() for c, t in enumerate(texts) if c not in sequence)
                    or is_column_number_row(texts) or row_key(texts) in signatures):
                continue
            location = found.place(part.block, r)
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
    return table, findings


def _read_line(spec: TableSpec, side: _Side, texts: list[str], money_unit: str, location: str,
               findings: list[Finding]) -> TableRow | None:
    name = _clean(texts[side.name_col]) if side.name_col is not None else ""
    code = compact(texts[side.code_col]) if side.code_col is not None else ""
    if (not code and (match := _CODE_AND_NAME.match(name))) or (code and not name and (match := _CODE_AND_NAME.match(code))):
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
    if code and spec.codes and not is_valid_code(code, spec.codes):
        findings.append(Finding("extract", location, f"code {code!r} is not a {spec.codes} classification code "
                                f"({'/'.join(map(str, CODE_LENGTHS[spec.codes]))} digits)"))
    return TableRow(line=0, name=name, amounts=amounts, code=code or None, side=side.side,
                    is_total=bool(_TOTAL.search(_QUOTES.sub("", compact(name)))))


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


def extract_tables(document: Document) -> tuple[dict[TableKind, BudgetTable], list[Finding]]:
    tables, findings, _ = _extract(document)
    return tables, findings


def _extract(document: Document) -> tuple[dict[TableKind, BudgetTable], list[Finding], list[Recognition]]:
    found, report, findings = _recognise(document)
    layouts = [f.layout for f in found if f.layout is not None]
    units = Counter(layout.money_unit for layout in layouts if layout.money_unit)
    default_unit = units.most_common(1)[0][0] if units else "万元"
    identities = Counter((layout.unit_code, layout.unit_name, layout.year) for layout in layouts)
    usual = identities.most_common(1)[0][0] if identities else None
    tables: dict[TableKind, BudgetTable] = {}
    for item in found:
        if item.layout is None or not item.layout.money_unit:
            findings.append(Finding("extract", item.location(), f"no money unit above the table; "
                                    f"{default_unit} assumed as in the other tables"))
        elif (item.layout.unit_code, item.layout.unit_name, item.layout.year) != usual:
            findings.append(Finding("extract", item.location(), f"the layout row names {item.layout.unit_code}"
                                    f"{item.layout.unit_name}, year {item.layout.year}, unlike the other tables"))
        unit = item.layout.money_unit if item.layout and item.layout.money_unit else default_unit
        tables[item.spec.kind], table_findings = _read_table(item, unit)
        findings += table_findings
    missing = [spec for spec in SPECS if spec.kind not in tables]
    for spec in missing:
        tables[spec.kind] = BudgetTable(kind=spec.kind, title=spec.title, status=TableStatus.MISSING, columns=[])
    if len(missing) == len(SPECS):
        findings.append(Finding("extract", "tables", "no standard budget table found: all nine are recorded as missing"))
    elif missing:
        findings += [Finding("extract", "tables", f"table {spec.number} ({spec.title}) not found") for spec in missing]
    _class_codes(tables)
    return {spec.kind: tables[spec.kind] for spec in SPECS}, findings, report


def describe_tables(document: Document) -> list[str]:
    """For `budget-site inspect`: each standard table found or not, each other table and why
    it was not taken, and the extraction findings."""
    tables, findings, report = _extract(document)
    lines = ["standard tables:"]
    for kind, table in tables.items():
        if table.status is TableStatus.MISSING:
            lines.append(f"  {kind.number} missing: no table has a title ending in {table.title}")
            continue
        extra = f"; unknown columns {table.extra_columns}" if table.extra_columns else ""
        note = f"; note {table.note}" if table.note else ""
        lines.append(f"  {kind.number} {table.status.value}: {table.location}; {len(table.rows)} rows in "
                     f"{table.money_unit}; columns {', '.join(table.columns)}{extra}{note}")
    lines.append("table blocks:")
    lines += [f"  [{item.block}] {item.reason}" for item in report]
    lines += [f"{finding.severity}: {finding.location}: {finding.message}" for finding in findings]
    return lines
