"""Escaping and number formatting for the Markdown pages.

Every string from a document is untrusted: it may hold HTML, Markdown link syntax or
template syntax. ``md`` turns any text into inert Markdown+HTML: the characters that
HTML or Markdown (with the extensions the site enables) give a meaning are written as
character references, which Python-Markdown passes through as literal text. Values are
only ever passed to templates as data, so document text is never evaluated as a template.
"""

from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

# HTML specials, Markdown inline and block markers, table pipes, attribute lists ({: }),
# and the markers of optional pymdown extensions, so that enabling one later stays safe.
_SPECIAL = set("&<>\"'\\`*_{}[]()#+-.!|~^=$:%")
_INERT = str.maketrans({char: f"&#{ord(char)};" for char in _SPECIAL})
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")
_WHITESPACE = re.compile(r"\s+")
# C0 and C1 controls, zero-width and direction marks and overrides: none is text a page shows.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e"
                      r"\u2066-\u2069\ufeff]")


def md(value: object) -> Markup:
    """Inert Markdown for one line of text: whitespace (newlines, tabs) folded to one space."""
    if isinstance(value, Markup):
        return value
    text = _WHITESPACE.sub(" ", without_controls("" if value is None else str(value))).strip()
    return Markup(text.translate(_INERT))


def without_controls(text: str) -> str:
    """Document text without the characters no page shows (``_CONTROL``), for HTML and SVG alike."""
    return _CONTROL.sub("", text)


def escape_unless_markup(value: object) -> object:
    """Jinja ``finalize``: whatever a template prints is escaped unless it was made safe here."""
    return value if isinstance(value, Markup) else md(value)


def in_units(yuan: Decimal, money_unit: str) -> Decimal:
    """Yuan to the published unit, exactly (Decimal shifts, no rounding)."""
    return yuan.scaleb(-4) if money_unit == "万元" else yuan


def number(value: Decimal | None, places: int = 2) -> Markup:
    """1233.8 → 1,233.80; never rounds away a digit (more places are kept when present); blank stays blank."""
    if value is None:
        return Markup("")
    exponent = value.normalize().as_tuple().exponent
    shown = max(places, -exponent if isinstance(exponent, int) else places)
    return Markup(format(value, f",.{shown}f"))


PAGE_UNIT = "万元"  # what every figure outside the as-published tables is shown in, so that units compare
_CENTS_OF_WAN = Decimal("0.01")


def amount(yuan: Decimal | None, money_unit: str = PAGE_UNIT, exact: bool = False) -> Markup:
    """A yuan amount in ``money_unit`` (万元 or 元) with thousands separators: in 万元 to two decimals
    (477884.00元 → 47.79), or ``exact`` as published (an as-published table, a check's figures)."""
    if yuan is None:
        return Markup("")
    value = in_units(yuan, money_unit)
    if money_unit == PAGE_UNIT and not exact:
        value = value.quantize(_CENTS_OF_WAN, rounding=ROUND_HALF_UP)
    return number(value)


def amount_with_unit(yuan: Decimal | None, money_unit: str = PAGE_UNIT, exact: bool = False) -> Markup:
    return Markup("—") if yuan is None else Markup(f"{amount(yuan, money_unit, exact)} {md(money_unit)}")


def href(path: str, root: str = "") -> Markup:
    """A link to a file of the docs folder from a page ``root`` levels down; paths are ours, ASCII only."""
    if not _SAFE_PATH.match(path) or ".." in path.split("/"):
        raise ValueError(f"not a safe docs path: {path!r}")
    return Markup(root + path)


def external_link(url: str) -> Markup:
    """An http(s) link from the manifest; anything else is shown as text."""
    if not re.match(r"^https?://[^\s<>\"']+$", url):
        return md(url)
    return Markup(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
