"""Exact money: published figures to Decimal yuan.

Disclosures publish in 万元 with two decimals or in 元; figures may carry thousands
separators, full-width digits, and dashes or 0.00 for zero. A blank cell is None, never 0.

A number of more digits than any budget could hold (``MAX_DIGITS``) is not a figure but an
AmountError, which the extractors record as a blank with a finding; every figure that is one
is converted exactly, in a precision no conversion can exceed.
"""

from __future__ import annotations

import functools
import re
from decimal import Context, Decimal, InvalidOperation

YUAN_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
# Full-width digits, separators and signs folded to ASCII.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_DASHES = re.compile(r"^[-—–―─－]+$")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# 10^18 yuan is a million times a national budget; 6 decimals more than any disclosure prints.
MAX_DIGITS = 24
# Exact for any such figure times 亿 and kept to the fen: at most 24 + 8 + 2 digits.
_EXACT = Context(prec=48, traps=[InvalidOperation])
# What a message shows of a cell: enough to find it, never a whole hostile cell.
SHOWN_CHARACTERS = 40


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
        raise AmountError(f"not an amount: {_shown(text)}")
    digits = sum(character.isdigit() for character in cleaned)
    if digits > MAX_DIGITS:
        raise AmountError(f"not a figure: {digits:,} digits ({_shown(text)}), over the {MAX_DIGITS} any budget has")
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid numbers
        raise AmountError(f"not an amount: {_shown(text)}") from error


def _shown(text: str) -> str:
    return repr(text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…")


def to_yuan(value: Decimal | None, money_unit: str) -> Decimal | None:
    """Convert a published figure to yuan exactly, with two decimals."""
    if value is None:
        return None
    try:
        factor = YUAN_PER_UNIT[money_unit]
    except KeyError as error:
        raise AmountError(f"unknown money unit: {money_unit!r}") from error
    try:
        return _EXACT.multiply(value, factor).quantize(Decimal("0.01"), context=_EXACT)
    except InvalidOperation as error:  # a Decimal made elsewhere, of more digits than any figure
        raise AmountError(f"not a figure: {value:.3e}") from error


# Remembered (a Decimal is immutable): tables repeat their figures, totals above their parts.
@functools.lru_cache(maxsize=1 << 16)
def parse_amount(text: str | None, money_unit: str) -> Decimal | None:
    """A published cell or figure to Decimal yuan; None for blank."""
    return to_yuan(parse_number(text), money_unit)
