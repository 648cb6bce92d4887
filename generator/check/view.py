"""Reading the table records the way the rules need them: code hierarchy, total rows, the
segments of two-sided tables, the 三公 items by name, and readable locations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from generator.contract.records import BudgetTable, Disclosure, TableKind, TableRow
from generator.contract.table_specs import SPEC_BY_KIND

FUNCTION_LEVELS = (3, 5, 7)
ECONOMIC_LEVELS = (3, 5)

# The nine in order, iterated by many rules: an Enum's own iteration builds a generator each time.
TABLE_KINDS = tuple(TableKind)
_CURRENT_TOTAL = re.compile(r"本年(?:收入|支出)合计")
_GRAND_TOTAL = re.compile(r"(?:收入|支出)总计")
_CARRY = re.compile(r"结转|结余")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.．]")


def plain(text: str) -> str:
    return "".join(text.split())


def value(row: TableRow, column: str) -> Decimal | None:
    return row.amounts.get(column)


def main_column(table: BudgetTable) -> str:
    """The amount a line of the table is read by: total, or the one amount of table 1."""
    return "total" if "total" in table.columns or not table.columns else table.columns[0]


def has_amounts(row: TableRow) -> bool:
    return any(amount is not None for amount in row.amounts.values())


def location(row: TableRow, column: str | None = None) -> str:
    where = f"code {row.code} {plain(row.name)}" if row.code else f"line {row.line} {plain(row.name)}"
    if row.side:
        where += f" ({row.side})"
    return where + (f", column {column}" if column else "")


def present_tables(disclosure: Disclosure) -> list[BudgetTable]:
    """Tables with rows, in the order of the nine."""
    return [table for kind in TABLE_KINDS if (table := disclosure.table(kind)) is not None and table.rows]


def coded_tables(disclosure: Disclosure) -> list[tuple[BudgetTable, tuple[int, ...]]]:
    found: list[tuple[BudgetTable, tuple[int, ...]]] = []
    for table in present_tables(disclosure):
        codes = SPEC_BY_KIND[table.kind].codes
        if codes == "function":
            found.append((table, FUNCTION_LEVELS))
        elif codes == "economic":
            found.append((table, ECONOMIC_LEVELS))
    return found


def parent_code(code: str | None, levels: tuple[int, ...]) -> str | None:
    if code is None or len(code) not in levels or levels.index(len(code)) == 0:
        return None
    return code[: levels[levels.index(len(code)) - 1]]


def grand_total_row(table: BudgetTable) -> TableRow | None:
    """The 合计 (or "三公"经费小计) row of a one-sided table."""
    for row in table.rows:
        if row.is_total and not row.code:
            return row
    return None


def row_by_code(table: BudgetTable, code: str) -> TableRow | None:
    return next((row for row in table.rows if row.code == code), None)


def top_level_rows(table: BudgetTable, levels: tuple[int, ...]) -> list[TableRow]:
    return [row for row in table.rows if row.code and len(row.code) == levels[0] and not row.is_total]


# --- two-sided tables (1 and 4) -------------------------------------------------------------


@dataclass
class Side:
    """One side of a two-sided table: the current-year lines, 本年…合计, the carry-over lines
    (年初/上年结转 and the fund lines under it), and …总计."""

    name: str
    lines: list[TableRow]
    current_total: TableRow | None
    carry: list[TableRow]
    carry_parts: list[TableRow]
    grand_total: TableRow | None


def side(table: BudgetTable, name: str) -> Side:
    rows = [row for row in table.rows if row.side == name]
    result = Side(name, [], None, [], [], None)
    stage = "lines"
    for row in rows:
        text = plain(row.name)
        if _CURRENT_TOTAL.search(text):
            result.current_total, stage = row, "carry"
        elif _GRAND_TOTAL.search(text):
            result.grand_total, stage = row, "done"
        elif not text and not has_amounts(row):
            continue
        elif stage == "lines":
            result.lines.append(row)
        elif stage == "carry" and _CARRY.search(text):
            result.carry.append(row)
        elif stage == "carry":
            result.carry_parts.append(row)
    return result


def two_sided_total(disclosure: Disclosure, kind: TableKind, side_name: str, current: bool = False
                    ) -> tuple[BudgetTable, TableRow] | None:
    """Table 1's or 4's 收入总计 / 支出总计 (or 本年…合计 when ``current``)."""
    table = disclosure.table(kind)
    if table is None or not table.rows:
        return None
    found = side(table, side_name)
    row = found.current_total if current else found.grand_total
    return (table, row) if row is not None else None


# --- the 三公 table, by item name ------------------------------------------------------------

THREE_PUBLIC_ITEMS = {
    # item → name pattern; "cars" is the group of purchase and running.
    "travel": re.compile(r"出国"),
    "cars": re.compile(r"购置及运"),
    "car_purchase": re.compile(r"公务用车购置费"),
    "car_running": re.compile(r"运行维护费|运行费|运维费"),
    "reception": re.compile(r"接待"),
}
THREE_PUBLIC_TOP = ("travel", "cars", "reception")


def three_public_item(row: TableRow) -> str | None:
    text = plain(row.name)
    if row.is_total:
        return "total"
    for item in ("cars", "car_purchase", "car_running", "travel", "reception"):
        if THREE_PUBLIC_ITEMS[item].search(text):
            return item
    return None


def three_public_groups(table: BudgetTable) -> list[tuple[TableRow, list[TableRow]]]:
    """Each top-level item (一、因公出国（境）费 …) with the 其中 rows published under it."""
    rows = [row for row in table.rows if not row.is_total and (plain(row.name) or has_amounts(row))]
    numbered = any(_NUMBERED.match(plain(row.name)) for row in rows)
    groups: list[tuple[TableRow, list[TableRow]]] = []
    for row in rows:
        text, item = plain(row.name), three_public_item(row)
        if numbered:
            top = bool(_NUMBERED.match(text))
        else:
            # Without 一、二、三 the items are known by name; a 其中 row, or a second row of the
            # same item (其他因公出国（境）费), belongs to the item above it.
            top = (item in THREE_PUBLIC_TOP and not text.startswith("其中")
                   and not (groups and three_public_item(groups[-1][0]) == item))
        if top:
            groups.append((row, []))
        elif groups:
            groups[-1][1].append(row)
    return groups
