"""Horizontal bar charts as standalone SVG, written by hand so the bytes depend on the data only.

Labels stay SVG text in a common CJK font stack: the reader's machine draws them, so the
build machine needs no Chinese font, and nothing is fetched (no web fonts, no scripts).
Geometry is computed with Decimal and written with fixed precision: same data, same bytes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from xml.sax import saxutils

from generator.render.figures import Bar
from generator.render.markup import amount, without_controls

FONT_FAMILY = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', "
               "'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Heiti SC', SimHei, sans-serif")
COLOURS = ("#3f6ea8", "#d9822b", "#4f9a64", "#8e5ea2")
WIDTH = 760
FONT_SIZE = 13
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TITLE_HEIGHT = 34
LEGEND_HEIGHT = 22
VALUE_SPACE = 110  # room right of the longest bar for its figure
MAX_LABEL_CHARS = 22
_PLACES = Decimal("0.1")


def escape(text: str) -> str:
    """Text for SVG: escaped, and without control characters, which XML does not allow."""
    return saxutils.escape(without_controls(text))


def _px(value: Decimal | int) -> str:
    return str(Decimal(value).quantize(_PLACES, rounding=ROUND_HALF_EVEN))


def _text_width(text: str) -> Decimal:
    """An estimate: CJK glyphs are about one em wide, Latin letters and digits about half."""
    return sum(((Decimal(FONT_SIZE) if ord(char) > 0x2e7f else Decimal(FONT_SIZE) * Decimal("0.6")) for char in text),
               Decimal(0))


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"


def bar_chart(title: str, bars: list[Bar], money_unit: str = "万元", legend: tuple[str, ...] = ()) -> str:
    """One bar per item, in the order given, each with its figure written next to it."""
    unit = escape(money_unit)
    labels = [_shorten(bar.label) for bar in bars]
    label_width = min(max((_text_width(label) for label in labels), default=Decimal(0)) + 12, Decimal(WIDTH) / 2)
    top = TITLE_HEIGHT + (LEGEND_HEIGHT if legend else 0)
    height = top + ROW_HEIGHT * len(bars) + 8
    plot_width = Decimal(WIDTH) - label_width - VALUE_SPACE
    largest = max((bar.yuan for bar in bars if bar.yuan > 0), default=Decimal(0))
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="0" y="20" font-size="15" font-weight="bold" fill="#222222">{escape(title)}（{unit}）</text>',
    ]
    for index, name in enumerate(legend):
        x = index * 150
        lines.append(f'<rect x="{x}" y="{TITLE_HEIGHT - 2}" width="12" height="12" fill="{COLOURS[index % len(COLOURS)]}"/>')
        lines.append(f'<text x="{x + 18}" y="{TITLE_HEIGHT + 9}" fill="#222222">{escape(name)}</text>')
    for index, (bar, label) in enumerate(zip(bars, labels)):
        y = top + ROW_HEIGHT * index
        length = plot_width * bar.yuan / largest if largest and bar.yuan > 0 else Decimal(0)
        text_y = _px(y + ROW_HEIGHT / Decimal(2) + FONT_SIZE / Decimal(3))
        lines.append(f"<g><title>{escape(bar.label)}：{amount(bar.yuan, money_unit)} {unit}</title>")
        lines.append(f'<text x="{_px(label_width - 8)}" y="{text_y}" text-anchor="end" fill="#222222">'
                     f"{escape(label)}</text>")
        lines.append(f'<rect x="{_px(label_width)}" y="{_px(y + (ROW_HEIGHT - BAR_HEIGHT) / Decimal(2))}" '
                     f'width="{_px(length)}" height="{BAR_HEIGHT}" fill="{COLOURS[bar.series % len(COLOURS)]}"/>')
        lines.append(f'<text x="{_px(label_width + length + 6)}" y="{text_y}" fill="#222222">'
                     f"{amount(bar.yuan, money_unit)}</text></g>")
    lines.append("</svg>")
    return "\n".join(lines) + "\n"
