"""The 三公 table with its items as columns: one data row under 合计 | 因公出国（境）费 |
公务用车购置及运行费 (小计 | 购置费 | 运行费) | 公务接待费 [| 机关运行经费], read into the same
rows as the table with its items as rows, so that every check reads both alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from generator.contract.records import BudgetTable, Finding, NarrativeFact, TableRow
from generator.extract.header import Header, is_code_label, is_name_label, is_sequence_label
from generator.extract.money import AmountError, parse_amount

# Each item's row, named as the template with items as rows names it (check/view.py reads the
# names), so that both orientations give the same records.
ROWS = {"total": "合计", "travel": "一、因公出国（境）费", "cars": "二、公务用车购置及运维费",
        "car_purchase": "其中：公务用车购置费", "car_running": "公务用车运行维护费", "reception": "三、公务接待费"}
THREE_PUBLIC_ROWS = tuple(ROWS.values())
# Columns beside the items read as a figure the table states (see operating_expenses).
STATED_COLUMNS = {"机关运行经费": "operating_expenses"}


def is_transposed(header: Header) -> bool:
    labels = "".join(label for column in header.labels for label in column)
    return "出国" in labels and "接待" in labels


@dataclass
class _Columns:
    items: dict[str, int] = field(default_factory=dict)  # item → grid column
    descriptors: list[int] = field(default_factory=list)  # 单位名称 / 项目 columns
    extras: list[tuple[int, str]] = field(default_factory=list)  # 机关运行经费, unknown columns


def _item(labels: list[str]) -> str | None:
    """The item one column's labels name, or None."""
    leaf, text = labels[-1], "".join(labels)
    if "出国" in text:
        return "travel"
    if "公务用车" in text:
        if leaf in ("小计", "合计") or len(labels) == 1:
            return "cars"
        if "购置" in leaf:
            return "car_purchase"
        if "运行" in leaf or "运维" in leaf:
            return "car_running"
        return None
    if "接待" in text:
        return "reception"
    if leaf in ("合计", "总计"):
        return "total"
    return None


def _columns(header: Header) -> _Columns:
    columns = _Columns()
    for col, labels in enumerate(header.labels):
        leaf = labels[-1] if labels else ""
        if is_sequence_label(leaf) or (col == 0 and not leaf):
            continue
        if is_name_label(leaf) or is_code_label(leaf):
            columns.descriptors.append(col)
            continue
        item = _item(labels)
        if item is not None and item not in columns.items:
            columns.items[item] = col
        else:
            columns.extras.append((col, "/".join(labels) or f"column {col + 1}"))
    return columns


def read_transposed(header: Header, body: list[tuple[int, list[str]]], money_unit: str,
                    place: Callable[[int], str]) -> tuple[list[TableRow], list[str], list[Finding]]:
    """The item rows, the extra columns kept (机关运行经费) and findings, from the body rows
    (grid row, texts) of a transposed 三公 table."""
    columns = _columns(header)
    findings: list[Finding] = []
    data = [(r, texts) for r, texts in body
            if any(texts[col].strip() for col in columns.items.values())]
    if not data:
        return [], [label for _, label in columns.extras], findings
    chosen = next(((r, texts) for r, texts in data
                   if any("合计" in texts[col] or "总计" in texts[col] for col in columns.descriptors)), data[0])
    if len(data) > 1:
        others = ", ".join(str(r) for r, _ in data if r != chosen[0])
        findings.append(Finding("extract", place(chosen[0]), f"the 三公 table has its items as columns and more "
                                f"than one data row: read from row {chosen[0]}; rows {others} are not read"))
    r, texts = chosen
    rows: list[TableRow] = []
    for item, name in ROWS.items():
        if item not in columns.items:
            continue
        col = columns.items[item]
        amount: Decimal | None
        try:
            amount = parse_amount(texts[col], money_unit)
        except AmountError as error:
            amount = None
            findings.append(Finding("extract", place(r), f"{name}: {error}; recorded as blank", "error"))
        rows.append(TableRow(line=len(rows) + 1, name=name, amounts={"total": amount}, is_total=item == "total",
                             source_row=r))
    extra = {label: texts[col].strip() for col, label in columns.extras if texts[col].strip()}
    if rows and extra:
        rows[0].extra = extra
    return rows, [label for _, label in columns.extras], findings


def operating_expenses(table: BudgetTable) -> tuple[NarrativeFact | None, list[Finding]]:
    """机关运行经费 published as a column of the 三公 table, as a figure the table states. It is
    not a 三公 item (a row would join the items' sums), and it is the same fact the explanation
    states, so the check of 机关运行经费 against 公用经费 reads both alike."""
    label = next((label for label in table.extra_columns if label in STATED_COLUMNS), None)
    text = table.rows[0].extra.get(label, "").strip() if label is not None and table.rows else ""
    if not text:
        return None, []
    try:
        amount = parse_amount(text, table.money_unit)
    except AmountError as error:
        return None, [Finding("extract", table.location, f"机关运行经费: {error}; not read", "error")]
    if amount is None:
        return None, []
    return NarrativeFact("operating_expenses", amount, f"{table.title} 机关运行经费 {text}{table.money_unit}",
                         table.money_unit, section=table.title,
                         note="read from the 机关运行经费 column of the 三公 table"), []
