"""Classification codes: functional (功能分类科目, 3/5/7 digits = 类/款/项) and economic
(部门支出经济分类科目, 3/5 digits = 类/款). A code's parent is its prefix, so level and
parent are derived from the code itself, never stored as published."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from generator.contract.records import BudgetTable, TableStatus
from generator.contract.table_specs import SPECS

FUNCTION = "function"
ECONOMIC = "economic"
CODE_LENGTHS = {FUNCTION: (3, 5, 7), ECONOMIC: (3, 5)}
LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}
_DIGITS = re.compile(r"^\d+$")


def is_valid_code(code: str, classification: str) -> bool:
    return bool(_DIGITS.match(code)) and len(code) in CODE_LENGTHS[classification]


def code_level(code: str) -> int:
    """1 for 类 (3 digits), 2 for 款 (5), 3 for 项 (7)."""
    if not _DIGITS.match(code) or len(code) not in (3, 5, 7):
        raise ValueError(f"not a classification code: {code!r}")
    return (len(code) - 1) // 2


def parent_code(code: str) -> str | None:
    """The code one level up (2013701 → 20137 → 201 → None)."""
    return code[:-2] if code_level(code) > 1 else None


@dataclass(frozen=True, order=True)
class CodeEntry:
    classification: str  # "function" or "economic"
    code: str
    name: str
    level: int
    parent_code: str | None


def collect_codes(tables: Mapping[object, BudgetTable]) -> list[CodeEntry]:
    """Every valid (code, name) a disclosure's coded tables publish, once each, sorted.

    The same code can come back with another name (another year's catalogue); both are kept
    so the consumer decides."""
    entries: set[CodeEntry] = set()
    for spec in SPECS:
        table = tables.get(spec.kind)
        if spec.codes is None or table is None or table.status is not TableStatus.PRESENT:
            continue
        for row in table.rows:
            if row.code and is_valid_code(row.code, spec.codes):
                entries.add(CodeEntry(spec.codes, row.code, row.name, code_level(row.code), parent_code(row.code)))
    return sorted(entries)


_PART_LENGTHS = (3, 2, 2)  # digits of the 类, 款 and 项 parts
_PART_NAMES = ("类", "款", "项")


class SplitCode:
    """Rebuilds full codes from 类/款/项 columns, row after row: each part in full (201 | 37 |
    01), only the new part on a child row (| | 01 under 201 and 37 above), or the 类 repeated
    on every row. A part column may also hold the full code (20137 in the 款 column)."""

    def __init__(self) -> None:
        self.carry: list[str | None] = [None] * len(_PART_LENGTHS)  # the last full code at each level

    def code(self, parts: list[tuple[int, str]]) -> tuple[str, str]:
        """(full code, "") for one row's (level, text) parts; ("", why) when they cannot make one;
        ("", "") for a row without code (合计)."""
        given = {level: text for level, text in parts if text}
        if not given:
            return "", ""
        if bad := [text for text in given.values() if not _DIGITS.match(text)]:
            return "", f"code part {bad[0]!r} is not a number"
        code = ""
        for level in range(max(given) + 1):
            text = given.get(level)
            if text is None:
                above = self.carry[level]
                if above is None or not above.startswith(code):
                    return "", (f"the {_PART_NAMES[level]} part is blank and no row above gives it"
                                + (f" under {code}" if code else ""))
                code = above
                continue
            if len(text) == 3 + 2 * level and text.startswith(code):
                code = text
            elif len(text) == _PART_LENGTHS[level]:
                code += text
            else:
                return "", f"code part {text!r} in the {_PART_NAMES[level]} column has {len(text)} digits"
            if self.carry[level] != code:
                self.carry[level:] = [code] + [None] * (len(self.carry) - level - 1)
        return code, ""
