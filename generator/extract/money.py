"""Exact money: published figures to Decimal yuan.

Disclosures publish in 万元 with two decimals or in 元; figures may carry thousands
separators, full-width digits, and dashes or 0.00 for zero. A blank cell is None, never 0.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

YUAN_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
# Full-width digits, separators and signs folded to ASCII.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_DASHES = re.compile(r"^[-—–―─－]+$")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


class AmountError(ValueError):
    """A cell that should hold an amount holds something else."""


def normalise_number_text(text: str) -> str:
    return "".join(text.translate(_FULL_WIDTH).split())


def parse_number(text: str | None) -> Decimal | None:
    """The number as published (no unit conversion); None for a blank cell."""
    if text is None:
        return None
    cleaned = normalise_number_text(text)
    if cleaned == "":
        return None
    if _DASHES.match(cleaned):
        return Decimal("0")
    if not _NUMBER.match(cleaned):
        raise AmountError(f"not an amount: {text!r}")
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid numbers
        raise AmountError(f"not an amount: {text!r}") from error


def to_yuan(value: Decimal | None, money_unit: str) -> Decimal | None:
    """Convert a published figure to yuan exactly, with two decimals."""
    if value is None:
        return None
    try:
        factor = YUAN_PER_UNIT[money_unit]
    except KeyError as error:
        raise AmountError(f"unknown money unit: {money_unit!r}") from error
    return (value * factor).quantize(Decimal("0.01"))


def parse_amount(text: str | None, money_unit: str) -> Decimal | None:
    """A published cell or figure to Decimal yuan; None for blank."""
    return to_yuan(parse_number(text), money_unit)
