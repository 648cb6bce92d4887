"""Projects and their performance indicators from the 绩效目标表 of every layout in the corpus.

One project opens at a title ending in 绩效目标表 (or at a 项目编码 row). Its rows may hold a
layout row (单位：万元), 项目编码/项目名称, 预算数 with 其中：财政资金, the purpose, the quarterly
资金支出计划, 绩效目标, then the indicator grid 一级指标 … 指标值确定依据. A paragraph between the
header rows and the grid belongs to the goal (a long goal cell pushed out of its table).
Grid rows broken by the publisher across several rows are joined until six cells are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.contract.records import Finding, PerformanceIndicator, Project
from generator.extract.money import AmountError, parse_amount, parse_number
from generator.extract.sections import PERFORMANCE_KINDS, Line, Row, Section, compact, stated_money_unit

_TITLE = re.compile(r"^(?:\d+[、.．]\s*)?(?P<name>.+?)绩效目标表$")
_GRID_HEADER = ("一级指标", "二级指标", "三级指标")
_GRID_WIDTH = 6
_COMPARATORS = {"≥": "≥", "≧": "≥", "≤": "≤", "≦": "≤", ">": ">", "＞": ">", "<": "<", "＜": "<", "=": "=", "＝": "="}
_TARGET = re.compile(r"^(?P<comparator>[≥≧≤≦>＞<＜=＝])?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,8})$")


@dataclass
class _Open:
    project: Project
    money_unit: str
    location: str
    grid: bool = False  # the indicator grid has begun
    after_budget: bool = False  # the next row is the purpose
    plan_labels: tuple[str, ...] = ()
    pending: list[str] = field(default_factory=list)
    pending_location: str = ""
    level1: str = ""


@dataclass
class PerformanceResult:
    projects: list[Project] = field(default_factory=list)
    indicators: list[PerformanceIndicator] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def extract_performance(sections: list[Section], money_unit: str) -> PerformanceResult:
    reader = _Reader(money_unit)
    for section in sections:
        if section.kind not in PERFORMANCE_KINDS:
            continue
        for item in section.items:
            if isinstance(item, Line):
                reader.line(item)
            else:
                reader.row(item)
        reader.close()
    return reader.result


class _Reader:
    def __init__(self, money_unit: str) -> None:
        self.unit = money_unit  # the last layout row's unit, for a project whose table comes after it
        self.current: _Open | None = None
        self.result = PerformanceResult()

    def line(self, line: Line) -> None:
        title = _TITLE.match(line.text)
        if title:
            self.close()
            self.current = _Open(Project(project_name=title.group("name").strip()), self.unit, line.location)
        elif self.current is not None and not self.current.grid and self.current.project.goal:
            self.current.project.goal += "\n" + line.text
        else:
            self.close()

    def row(self, row: Row) -> None:
        cells = [compact(text) for text in row.cells]
        first = cells[0] if cells else ""
        stated = stated_money_unit(row)
        if stated is not None:
            self.unit = stated
            if self.current is not None:
                self.current.money_unit = stated
            return
        if first == "项目编码":
            if self.current is None or self.current.project.project_code or self.current.grid:
                self.close()
                self.current = _Open(Project(project_name=""), self.unit, row.location)
            self._code(row, cells)
            return
        current = self.current
        if current is None:
            if not row.blank:
                self.result.findings.append(Finding("extract", row.location, "a performance table row outside any "
                                                    f"绩效目标表: {' | '.join(row.cells)}"))
            return
        if "预算数" in cells:
            self._budget(row, cells)
        elif first.startswith("资金支出计划"):
            current.plan_labels = row.cells[1:]
        elif current.plan_labels and not current.grid and not current.project.spending_plan:
            current.project.spending_plan = dict(zip(current.plan_labels, row.cells[1:]))
        elif first == "绩效目标":
            current.project.goal = "\n".join(text for text in row.cells[1:] if text)
        elif tuple(cells[:3]) == _GRID_HEADER:
            current.grid = True
        elif current.after_budget:
            current.project.purpose = "\n".join(text for text in row.cells if text and text != "预算规模及资金用途")
        elif current.grid:
            self._indicator(row)
        elif not row.blank:
            self.result.findings.append(Finding("extract", row.location, f"{current.project.project_name}: a row "
                                                f"that is not part of a 绩效目标表: {' | '.join(row.cells)}"))
        current.after_budget = "预算数" in cells

    def close(self) -> None:
        current = self.current
        if current is None:
            return
        self._flush_incomplete(current)
        if not current.project.project_name:
            self.result.findings.append(Finding("extract", current.location, "a 绩效目标表 without a project name"))
        self.result.projects.append(current.project)
        self.current = None

    def _code(self, row: Row, cells: list[str]) -> None:
        assert self.current is not None
        project = self.current.project
        project.project_code = row.cell(1)
        if "项目名称" in cells:
            name = row.cell(cells.index("项目名称") + 1)
            project.project_name = name or project.project_name

    def _budget(self, row: Row, cells: list[str]) -> None:
        assert self.current is not None
        project, unit = self.current.project, self.current.money_unit
        for label, target in (("预算数", "amount"), ("其中：财政资金", "fiscal_amount")):
            if label not in cells:
                continue
            text = row.cell(cells.index(label) + 1)
            try:
                setattr(project, target, parse_amount(text, unit))
            except AmountError:
                self.result.findings.append(Finding("extract", row.location, f"{project.project_name}: {label} "
                                                    f"is not an amount: {text!r}"))

    def _indicator(self, row: Row) -> None:
        current = self.current
        assert current is not None
        if row.blank:
            return
        cells = list(row.cells)
        if len(cells) >= _GRID_WIDTH:
            self._flush_incomplete(current)
        if not current.pending:
            current.pending_location = row.location
        current.pending += cells
        if len(current.pending) < _GRID_WIDTH:
            return
        extra = [text for text in current.pending[_GRID_WIDTH:] if text]
        if extra:
            self.result.findings.append(Finding("extract", row.location, f"{current.project.project_name}: cells "
                                                f"beyond the indicator grid: {' | '.join(extra)}"))
        self._emit(current, current.pending[:_GRID_WIDTH])
        current.pending = []

    def _flush_incomplete(self, current: _Open) -> None:
        """An indicator row left short of six cells is kept, padded with blanks, and reported."""
        if not current.pending:
            return
        self.result.findings.append(Finding("extract", current.pending_location, f"{current.project.project_name}:"
                                            f" an indicator row with {len(current.pending)} of {_GRID_WIDTH} cells"))
        self._emit(current, current.pending + [""] * (_GRID_WIDTH - len(current.pending)))
        current.pending = []

    def _emit(self, current: _Open, cells: list[str]) -> None:
        level1, level2, level3, description, target, basis = cells
        # The first column is merged down over the rows of one level (empty below in the export).
        current.level1 = level1 or current.level1
        comparator, number, unit = parse_target(target)
        self.result.indicators.append(PerformanceIndicator(
            project_name=current.project.project_name, level1=current.level1, level2=level2, level3=level3,
            description=description, target=target, basis=basis, comparator=comparator, number=number, unit=unit))


def parse_target(target: str) -> tuple[str, Decimal | None, str]:
    """(comparator, number, unit) of a published target: ≥95% → (≥, 95, %), 7台 → (=, 7, 台);
    ("", None, "") when the target is not a figure (及时, 显著)."""
    match = _TARGET.match(target.strip())
    if match is None:
        return "", None, ""
    comparator = _COMPARATORS.get(match.group("comparator") or "=", "=")
    try:
        number = parse_number(match.group("number"))
    except AmountError:  # more digits than a figure has: the target stays text only
        return "", None, ""
    return comparator, number, match.group("unit").replace("％", "%")
