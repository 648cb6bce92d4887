"""A spreadsheet number as the text its cell displays, exactly.

Workbooks store numbers as binary floats: 314.85 is stored as 314.8499999999999943…, and
=0.1+0.2 as 0.30000000000000004. Excel shows the stored value rounded to 15 significant
digits and then to its number format's decimals, so the text given to the document
model is made the same way, in Decimal, and extraction parses it as published:

* ``0.00`` → two decimals (rounded half away from zero, as Excel rounds), ``#,##0`` → none,
  with the thousands separator when the format has one, ``0.00%`` → ×100 with a % sign;
* ``General`` (or a format with no digit placeholder, e.g. text ``@``) → the shortest
  decimal that reads back as the float (``repr``), at most 15 significant digits, never
  in exponent notation;
* a format section with no digit placeholder, or a zero in a section with no ``0``
  placeholder (accounting formats), displays its literal text (``-``), or 0 when it has none.

Literal decorations around the digits (currency signs, colours, padding) are not kept,
and a negative number is written with a minus sign whatever its format does with
parentheses or colour: they present the figure, they are not part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

EXCEL_DIGITS = 15
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_PLACEHOLDER = re.compile(r"[0#?]")
_DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)
# Quoted text, an escaped character, or plain characters that are not digit placeholders;
# brackets (colours, conditions), padding (_x) and fill (*x) show nothing.
_LITERAL = re.compile(r'"([^"]*)"|\\(.)|\[[^\]]*\]|_.|\*.|([^"\\\[_*0#?,.%]+)')
_NUMERIC_RUN = re.compile(r"[0#?,.]*[0#?][0#?,.]*")


@dataclass(frozen=True)
class NumberFormat:
    """What a format section does to the digits."""

    decimals: int | None  # None: General, shortest form
    grouping: bool = False
    percent: bool = False
    thousands_scale: int = 0  # trailing commas: each divides by 1000
    literal: str | None = None  # a section without digits displays only this
    # With no 0 placeholder a zero shows no digit: the section's literal ("-"), or 0 when it has none.
    zero_literal: str | None = None


GENERAL = NumberFormat(None)


def _sections(code: str) -> list[str]:
    """The format's sections split on ; outside quotes and escapes."""
    sections: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in code:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            sections.append("".join(current))
            current = []
            continue
        current.append(char)
    sections.append("".join(current))
    return sections


def _literal_text(section: str) -> str:
    """The text a section shows besides digits: its quoted, escaped and plain characters."""
    parts = []
    for match in _LITERAL.finditer(section):
        parts.append(match.group(1) or match.group(2) or match.group(3) or "")
    return "".join(parts).strip()


@lru_cache(maxsize=512)
def parse_section(section: str) -> NumberFormat:
    bare = _QUOTED.sub("", section)
    keyword = bare.strip().lower()
    if keyword in ("general", "@") or not (keyword or _literal_text(section)):
        return GENERAL
    run = _NUMERIC_RUN.search(bare)
    if run is None:
        return NumberFormat(None, literal=_literal_text(section))
    if "E" in bare.upper() or "/" in bare:  # scientific and fractions: shown as General
        return GENERAL
    digits = run.group(0).rstrip(",")
    integer, _, fraction = digits.partition(".")
    return NumberFormat(decimals=len(_PLACEHOLDER.findall(fraction)), grouping="," in integer,
                        percent="%" in bare, thousands_scale=len(run.group(0)) - len(digits),
                        zero_literal=None if "0" in digits else _literal_text(section))


@lru_cache(maxsize=512)
def is_date_format(code: str) -> bool:
    """Whether a format shows a date or time (its codes outside quotes, escapes and brackets)."""
    bare = _QUOTED.sub("", code)
    return bool(_DATE_CODES.search(bare)) and bare.strip().lower() != "general"


def _section_for(code: str, value: Decimal) -> NumberFormat:
    """The section that formats value: Excel's second section for negatives, third for zero."""
    sections = _sections(code or "General")
    if value < 0 and len(sections) >= 2 and sections[1].strip():
        return parse_section(sections[1])
    if value == 0 and len(sections) >= 3 and sections[2].strip():
        return parse_section(sections[2])
    return parse_section(sections[0])


def excel_decimal(value: float) -> Decimal:
    """The float as Excel holds it on screen: its shortest decimal, at most 15 significant digits."""
    if isinstance(value, int):
        return Decimal(value)
    exact = Decimal(repr(float(value)))
    if exact.is_zero():
        return Decimal(0)
    smallest = exact.adjusted() - EXCEL_DIGITS + 1
    if exact.as_tuple().exponent >= smallest:  # type: ignore[operator]  # finite: repr of a finite float
        return exact
    return exact.quantize(Decimal(1).scaleb(smallest), rounding=ROUND_HALF_UP)


def display_number(value: float, code: str) -> str:
    """The text a cell holding ``value`` with number format ``code`` displays (see the module)."""
    number = excel_decimal(value)
    form = _section_for(code, number)
    if form.literal is not None:
        return form.literal
    if form.zero_literal is not None and number.is_zero():
        return form.zero_literal or "0"
    if form.percent:
        number *= 100
    if form.thousands_scale:
        number = number.scaleb(-3 * form.thousands_scale)
    if form.decimals is None:
        text = f"{abs(number).normalize():f}"
    else:
        number = number.quantize(Decimal(1).scaleb(-form.decimals), rounding=ROUND_HALF_UP)
        text = f"{abs(number):,f}" if form.grouping else f"{abs(number):f}"
    sign = "-" if number < 0 and not number.is_zero() else ""
    return sign + text + ("%" if form.percent else "")


def display_temporal(value: datetime | date | time | timedelta) -> str:
    """A date or time cell as ISO text: a date alone when the time is midnight."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)
