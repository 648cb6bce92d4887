"""Horizontal bar charts as standalone SVG, written by hand so the bytes depend on the data only.

Drawn for a phone: 400 px wide with 13 px text, so that on a 390 px screen (about 358 px of
content) no text is under 11 px. Each bar has its label on a line of its own, its figure at
the right of that line and the bar below, so long Chinese labels need no side column. A bar
with parts is stacked (basic + project within the total), never a part beside its own total;
a legend names every colour.

Labels stay SVG text in a common CJK font stack: the reader's machine draws them, so the
build machine needs no Chinese font, and nothing is fetched (no web fonts, no scripts).
Geometry is computed with Decimal and written with fixed precision: same data, same bytes.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_EVEN, Decimal
from xml.sax import saxutils

from generator.render.figures import Bar
from generator.render.markup import amount, without_controls

FONT_FAMILY = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', "
               "'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Heiti SC', SimHei, sans-serif")
COLOURS = ("#3f6ea8", "#d9822b", "#4f9a64", "#8e5ea2")
REST_COLOUR = "#b0b0b0"  # the part of a stacked bar its parts do not name
WIDTH = 400
FONT_SIZE = 13
TITLE_SIZE = 15
LINE = 18  # a text line
BAR_HEIGHT = 14
ROW_HEIGHT = LINE + BAR_HEIGHT + 8
TITLE_HEIGHT = 28
LEGEND_ROW = 20
_PLACES = Decimal("0.1")


def escape(text: str) -> str:
    """Text for SVG: escaped, and without control characters, which XML does not allow."""
    return saxutils.escape(without_controls(text))


def _px(value: Decimal | int) -> str:
    return str(Decimal(value).quantize(_PLACES, rounding=ROUND_HALF_EVEN))


def _text_width(text: str, size: int = FONT_SIZE) -> Decimal:
    """An estimate: CJK glyphs are about one em wide, Latin letters and digits about half."""
    return sum(((Decimal(size) if ord(char) > 0x2e7f else Decimal(size) * Decimal("0.6")) for char in text),
               Decimal(0))


def _fit(label: str, room: Decimal) -> str:
    """The label, cut with … to ``room`` px (the full label is in the bar's tooltip and the numbers table)."""
    if _text_width(label) <= room:
        return label
    while label and _text_width(label + "…") > room:
        label = label[:-1]
    return label + "…"


def _legend(names: list[str], top: int) -> tuple[list[str], int]:
    """Legend entries, wrapped to the chart's width; the lines and the height they take."""
    lines, x, y = [], 0, top
    for index, name in enumerate(names):
        width = 18 + int(_text_width(name)) + 14
        if x and x + width > WIDTH:
            x, y = 0, y + LEGEND_ROW
        colour = REST_COLOUR if index >= len(COLOURS) else COLOURS[index]
        lines.append(f'<rect x="{x}" y="{y + 3}" width="12" height="12" fill="{colour}"/>')
        lines.append(f'<text x="{x + 17}" y="{y + 14}" fill="#222222">{escape(name)}</text>')
        x += width
    return lines, (y - top + LEGEND_ROW if names else 0)


def legend_names(bars: list[Bar], legend: tuple[str, ...]) -> list[str]:
    """The colours' names: given, else the parts' labels by series (and 其他 for an unnamed rest)."""
    if legend:
        return list(legend)
    names: dict[int, str] = {}
    for bar in bars:
        for part in bar.parts:
            names.setdefault(part.series, part.label)
    return [names[series] for series in sorted(names)]


def bar_chart(title: str, bars: list[Bar], money_unit: str = "万元", legend: tuple[str, ...] = ()) -> str:
    """One bar per item, in the order given, its figure at the right of its label."""
    unit = escape(money_unit)
    legend_lines, legend_height = _legend(legend_names(bars, legend), TITLE_HEIGHT)
    top = TITLE_HEIGHT + legend_height
    height = top + ROW_HEIGHT * len(bars) + 4
    largest = max((bar.yuan for bar in bars if bar.yuan > 0), default=Decimal(0))
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="0" y="19" font-size="{TITLE_SIZE}" font-weight="bold" fill="#222222">'
        f"{escape(_fit(f'{title}（{money_unit}）', Decimal(WIDTH) * FONT_SIZE / TITLE_SIZE))}</text>",
        *legend_lines,
    ]
    for index, bar in enumerate(bars):
        y = top + ROW_HEIGHT * index
        figure = str(amount(bar.yuan, money_unit))
        label = _fit(bar.label, Decimal(WIDTH) - _text_width(figure) - 10)
        lines.append(f"<g><title>{escape(bar.label)}：{figure} {unit}</title>")
        lines.append(f'<text x="0" y="{y + 14}" fill="#222222">{escape(label)}</text>')
        lines.append(f'<text x="{WIDTH}" y="{y + 14}" text-anchor="end" fill="#222222">{figure}</text>')
        x = Decimal(0)
        bar_y = y + LINE
        for colour, yuan in _segments(bar):
            length = Decimal(WIDTH) * yuan / largest if largest and yuan > 0 else Decimal(0)
            lines.append(f'<rect x="{_px(x)}" y="{bar_y}" width="{_px(length)}" height="{BAR_HEIGHT}" fill="{colour}"/>')
            x += length
        lines.append("</g>")
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _segments(bar: Bar) -> list[tuple[str, Decimal]]:
    """A bar's coloured parts, left to right, and the rest of its total in grey."""
    if not bar.parts:
        return [(COLOURS[bar.series % len(COLOURS)], bar.yuan)]
    segments = [(COLOURS[part.series % len(COLOURS)], part.yuan) for part in bar.parts if part.yuan > 0]
    rest = bar.yuan - sum((part.yuan for part in bar.parts), Decimal(0))
    return segments + ([(REST_COLOUR, rest)] if rest > 0 else [])


def chart_csv(bars: list[Bar], legend: tuple[str, ...] = ()) -> str:
    """The numbers a chart draws, in yuan as stored: one line per bar, and one per part of a stacked bar."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "part", "amount_yuan"])
    for bar in bars:
        writer.writerow([bar.label, legend[bar.series] if legend and not bar.parts else "", f"{bar.yuan:.2f}"])
        for part in bar.parts:
            writer.writerow([bar.label, part.label, f"{part.yuan:.2f}"])
    return out.getvalue()
