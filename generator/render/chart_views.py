"""The charts of a unit's page: what each draws, its alt text, its numbers as a table and as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from generator.contract.records import Disclosure
from generator.render import charts, figures, views
from generator.render.markup import PAGE_UNIT, amount, md


@dataclass
class Chart:
    path: str  # inside the docs folder
    title: str
    alt: str
    source: str
    grid: views.Grid
    bars: list[figures.Bar]
    money_unit: str
    legend: tuple[str, ...]

    def svg(self) -> str:
        return charts.bar_chart(self.title, self.bars, self.money_unit, self.legend)

    @property
    def anchor(self) -> Markup:
        """The chart's heading id: its file's name, ASCII from safe ids (markup.href), printed as is."""
        return Markup(Path(self.path).stem)

    @property
    def csv_path(self) -> str:
        return str(Path(self.path).with_suffix(".csv").as_posix())

    def csv(self) -> str:
        """The numbers the chart draws, exact: in yuan, and in its unit as shown."""
        return charts.chart_csv(self.bars, self.legend)



def chart(directory: str, file: str, title: str, source: str, bars: list[figures.Bar],
           money_unit: str, legend: tuple[str, ...] = ()) -> Chart:
    grid = views.Grid(["项目", f"金额（{money_unit}）"], [False, True],
                      [row for bar in bars for row in [[md(bar.label), amount(bar.yuan, money_unit)]]
                       + [[md(f"其中：{part.label}"), amount(part.yuan, money_unit)] for part in bar.parts]])
    largest = max(bars, key=lambda bar: bar.yuan)
    alt = (f"{title}条形图，共{len(bars)}项，最大为{largest.label}"
           f"{amount(largest.yuan, money_unit)}{money_unit}")
    return Chart(f"{directory}/{file}", title, alt, source, grid, bars, money_unit, legend)


_CHARTS = (
    ("expenditure-by-function", "支出按功能分类", figures.expenditure_by_function),
    ("expenditure-composition", "支出构成", figures.composition),
    ("basic-by-economic", "基本支出按经济分类", figures.basic_by_economic),
    ("income-by-source", "收入按来源", figures.income_by_source),
    ("projects", "项目支出按项目", figures.projects),
)


def year_charts(directory: str, disclosure: Disclosure) -> list[Chart]:
    made = []
    for name, title, series in _CHARTS:
        source, bars = series(disclosure)
        if bars:
            made.append(chart(directory, f"{name}-{disclosure.year}.svg", f"{disclosure.year}年{title}",
                               source, bars, PAGE_UNIT))
    return made
