"""The budget tables in another family's wording (mof.py, provincial.py), with the layout
variants publishers use: codes split into 类/款/项 (every part, only the new part, or the 类
repeated), headers of one to three rows, with or without 序号 and 栏次, the 三公 table with
its items as rows or as columns, 编制部门 lines, 元 with thousands separators, zeros printed
or left blank."""

from __future__ import annotations

from dataclasses import dataclass

from generator.contract.records import TableKind
from generator.corpus.disclosure import SUMMARY_CLASSES, SUMMARY_INCOME, DisclosureSpec, Writer, chinese_number
from generator.corpus.docx import Cell, head
from generator.corpus.figures import ECONOMIC_CLASSES, Budget
from generator.corpus.ledger import Columns, Expected
from generator.extract.three_public import THREE_PUBLIC_ROWS

K = TableKind
_PARTS = ("类", "款", "项")


@dataclass(frozen=True)
class Wording:
    """How a family titles its tables and labels their columns."""

    titles: dict[TableKind, str]  # after the 部门/单位 prefix, in the family's order
    function_group: str  # the label over a functional code and its name
    economic_group: str
    income: tuple[tuple[str, str], ...]  # (label, field) of the income table's amount columns
    expenditure: tuple[tuple[str, str], ...]
    fiscal_funds: tuple[str, str, str]  # the fund columns of the fiscal-appropriation summary
    three_public_fund: str  # the fund column of the 三公 table with its items as rows
    operating_column: bool  # the transposed 三公 table ends with 机关运行经费
    unit_column: bool  # the transposed 三公 table names the unit in its first column


def code_parts(code: str, form: str, levels: int) -> list[str]:
    """A code's cells in the 类/款/项 columns: every part, only its own part, or the 类 and its own."""
    parts = [code[:3], code[3:5], code[5:7]][:levels]
    own = (len(code) - 3) // 2 if code else -1
    if form == "split_new":
        return [part if level == own else "" for level, part in enumerate(parts)]
    if form == "split_class":
        return [part if level in (0, own) else "" for level, part in enumerate(parts)]
    return parts


class FlexibleWriter(Writer):
    wording: Wording

    def __init__(self, spec: DisclosureSpec, budget: Budget) -> None:
        super().__init__(spec, budget)
        if spec.template.layout != "row":  # the unit's code appears only in the layout row that has it
            self.unit_label = spec.unit_name

    def budget_tables(self) -> None:
        tables = {K.SUMMARY: self.summary_table, K.INCOME: self.income_table, K.EXPENDITURE: self.expenditure_table,
                  K.FISCAL_SUMMARY: self.fiscal_summary_table, K.GENERAL_BUDGET: self.general_budget_table,
                  K.BASIC_BY_ECONOMIC: self.basic_by_economic_table, K.THREE_PUBLIC: self.three_public_table,
                  K.GOVERNMENT_FUND: lambda: self.empty_fund_table(K.GOVERNMENT_FUND, "政府性基金"),
                  K.STATE_CAPITAL: lambda: self.empty_fund_table(K.STATE_CAPITAL, "国有资本经营")}
        self.doc.paragraph(self.spec.unit_name)  # the cover line
        for kind in self.wording.titles:
            if kind is not K.STATE_CAPITAL or self.spec.template.state_capital:
                tables[kind]()

    # Cells and layout.

    def amount(self, value: int) -> str:
        if not self.spec.template.thousands:
            return self.money(value)
        if self.spec.money_unit == "元":
            return f"{value * 100:,}" + (".00" if self.spec.year % 2 else "")
        return f"{value // 100:,}.{value % 100:02d}"

    def cell(self, value: int) -> Cell:
        """An amount cell; zero left blank unless the template prints it."""
        if value or self.spec.template.zeros:
            return Cell(self.amount(value), value=value)
        return Cell()

    def shown(self, value: int) -> Cell:
        return Cell(self.amount(value), value=value)

    def title(self, kind: TableKind) -> str:
        year = f"{self.spec.year}年" if self.spec.template.title_year else ""
        return f"{year}{self.spec.scope}{self.wording.titles[kind]}"

    def layout(self) -> None:
        spec, form = self.spec, self.spec.template.layout
        if form == "row":
            self.doc.table([[Cell(self.unit_label), Cell(f"预算年度：{spec.year}"), Cell(f"单位：{spec.money_unit}")]],
                           [6, 2, 1.5], layout=True)
        elif form == "preparer_table":
            self.doc.table([[Cell(f"编制{spec.scope}：{spec.unit_name}"), Cell(f"单位：{spec.money_unit}")]], [8, 2],
                           layout=True)
        elif form == "preparer_paragraph":
            self.doc.paragraph(f"编制{spec.scope}：{spec.unit_name}　　　　金额单位：{spec.money_unit}")
        else:
            self.doc.paragraph(f"单位：{spec.money_unit}")

    def write(self, kind: TableKind, header: list[list[Cell]], body: list[list[Cell]], sides: list[Columns],
              note: str = "") -> None:
        self.doc.heading(self.title(kind), 3)
        self.layout()
        self.doc.table(header + body)
        if note:
            self.doc.paragraph(note)
        self.record(kind, body, sides)

    def numbers_row(self, n_cols: int) -> list[list[Cell]]:
        """The 栏次 row, when the template has one."""
        if not self.spec.template.numbered:
            return []
        return [[Cell("栏次"), *(Cell(str(n)) for n in range(1, n_cols))]]

    # Tables by code.

    def coded_table(self, kind: TableKind, rows: list[tuple[str, str, list[int]]], amounts: tuple[tuple[str, str], ...],
                    economic: bool = False, note: str = "", amount_group: str = "") -> None:
        template = self.spec.template
        split = template.codes != "joined"
        levels = 2 if economic else 3
        code_labels = list(_PARTS[:levels]) if split else ["科目编码"]
        group = self.wording.economic_group if economic else self.wording.function_group
        lead = 1 if template.numbered else 0
        n_codes = len(code_labels)
        labels = [label for label, _ in amounts]
        header = self.coded_header(code_labels, group, labels, amount_group)
        n_cols = lead + n_codes + 1 + len(labels)
        header += self.numbers_row(n_cols)
        body = []
        for n, (code, name, values) in enumerate(rows, start=1):
            parts = code_parts(code, template.codes, levels) if split else [code]
            body.append([*([Cell(str(n))] if lead else []), *(Cell(part, code=code) for part in parts), Cell(name),
                         *(self.cell(value) for value in values)])
        if not rows:
            body.append([Cell() for _ in range(n_cols)])
        columns = Columns(None, lead + n_codes, tuple(range(lead, lead + n_codes)),
                          tuple((lead + n_codes + 1 + i, field) for i, (_, field) in enumerate(amounts)))
        self.write(kind, header, body, [columns], note)

    def coded_header(self, code_labels: list[str], group: str, labels: list[str], amount_group: str
                     ) -> list[list[Cell]]:
        """One row of labels; or a group row (科目 over code and name, perhaps 一般公共预算基本支出
        over the amounts) above them; or three rows, 科目编码 over the 类/款/项 columns."""
        lead = [head("序号", vmerge="restart")] if self.spec.template.numbered else []
        below = [head(vmerge="continue") for _ in lead]
        n_codes = len(code_labels)
        if not self.spec.template.group_header:
            return [[*(head("序号") for _ in lead), *(head(label) for label in code_labels), head("科目名称"),
                     *(head(label) for label in labels)]]
        top = [*lead, head(group, n_codes + 1)]
        top += [head(amount_group, len(labels))] if amount_group else [head(label, vmerge="restart") for label in labels]
        amounts_below = [head(label) for label in labels] if amount_group else [head(vmerge="continue") for _ in labels]
        if n_codes == 1:
            return [top, [*below, head(code_labels[0]), head("科目名称"), *amounts_below]]
        if amount_group:
            amounts_middle = [head(label, vmerge="restart") for label in labels]
            amounts_below = [head(vmerge="continue") for _ in labels]
        else:
            amounts_middle = amounts_below
        return [top, [*below, head("科目编码", n_codes), head("科目名称", vmerge="restart"), *amounts_middle],
                [*below, *(head(label) for label in code_labels), head(vmerge="continue"), *amounts_below]]

    def income_table(self) -> None:
        # Every line is funded by the general budget: the other sources are not used.
        funded = {"total", "fiscal_appropriation", "general_budget_appropriation"}
        self.coded_table(K.INCOME, self.function_rows(lambda item: [item.total if field in funded else 0
                                                                    for _, field in self.wording.income]),
                         self.wording.income)

    def expenditure_table(self) -> None:
        unused = [0] * (len(self.wording.expenditure) - 3)
        self.coded_table(K.EXPENDITURE, self.function_rows(lambda item: [item.total, item.basic, item.project, *unused]),
                         self.wording.expenditure)

    def general_budget_table(self) -> None:
        self.coded_table(K.GENERAL_BUDGET, self.function_rows(lambda item: [item.total, item.basic, item.project]),
                         (("合计", "total"), ("基本支出", "basic"), ("项目支出", "project")))

    def basic_by_economic_table(self) -> None:
        budget = self.budget
        rows = [("", "合计", [budget.basic, budget.personnel_total, budget.public_total])]
        for class_code, class_name in ECONOMIC_CLASSES.items():
            personnel = [line for line in budget.personnel if line.code.startswith(class_code)]
            public = [line for line in budget.public if line.code.startswith(class_code)]
            if personnel or public:
                rows.append((class_code, class_name, [sum(line.amount for line in personnel + public),
                                                      sum(line.amount for line in personnel),
                                                      sum(line.amount for line in public)]))
                rows.extend((line.code, line.name, [line.amount, line.amount, 0]) for line in personnel)
                rows.extend((line.code, line.name, [line.amount, 0, line.amount]) for line in public)
        self.coded_table(K.BASIC_BY_ECONOMIC, rows, (("合计", "total"), ("人员经费", "personnel"), ("公用经费", "public")),
                         economic=True, amount_group="一般公共预算基本支出" if self.spec.year % 2 else "")

    def empty_fund_table(self, kind: TableKind, fund: str) -> None:
        self.coded_table(kind, [], (("合计", "total"), ("基本支出", "basic"), ("项目支出", "project")),
                         note=f"注：本{self.spec.scope}无{fund}预算拨款安排的支出，此表为空表。")

    # Two-sided tables.

    def two_sided(self, kind: TableKind, right: tuple[tuple[str, str], ...],
                  lines: list[tuple[str, int | None, str, list[int]]]) -> None:
        """收入 (项目, 预算数) beside 支出 (项目 and the ``right`` amounts); a line is (income item,
        its amount or None for no line, expenditure item, its amounts)."""
        lead = 1 if self.spec.template.numbered else 0
        header = [[*([head("序号", vmerge="restart")] if lead else []), head("收 入", 2), head("支 出", 1 + len(right))],
                  [*([head(vmerge="continue")] if lead else []), head("项 目"), head("预算数"), head("项 目"),
                   *(head(label) for label, _ in right)]]
        n_cols = lead + 3 + len(right)
        header += self.numbers_row(n_cols)
        body = []
        for n, (left, left_value, name, values) in enumerate(lines, start=1):
            income = [Cell(left), self.cell(left_value)] if left_value is not None else [Cell(left), Cell()]
            body.append([*([Cell(str(n))] if lead else []), *income, Cell(name), *(self.cell(v) for v in values)])
        self.write(kind, header, body, [Columns("income", lead, (), ((lead + 1, "amount" if kind is K.SUMMARY
                                                                          else "total"),)),
                                        Columns("expenditure", lead + 2, (),
                                                tuple((lead + 3 + i, field) for i, (_, field) in enumerate(right)))])

    def class_lines(self, incomes: tuple[str, ...], width: int, general: bool) -> list[tuple[str, int | None, str,
                                                                                              list[int]]]:
        total, by_class = self.budget.total, self.class_amounts()
        lines: list[tuple[str, int | None, str, list[int]]] = []
        for n, (code, name) in enumerate(SUMMARY_CLASSES, start=1):
            amount = by_class.get(code, 0)
            left, value = (f"{chinese_number(n)}、{incomes[n - 1]}", total if n == 1 else 0) if n <= len(incomes) \
                else ("", None)
            lines.append((left, value, f"{chinese_number(n)}、{name}",
                          [amount, amount, 0, 0][:width] if general else [amount]))
        return lines

    def summary_table(self) -> None:
        total = self.budget.total
        lines = self.class_lines(SUMMARY_INCOME, 1, False)
        lines += [("本年收入合计", total, "本年支出合计", [total]), ("上年结转结余", 0, "年终结转结余", [0]),
                  ("收入总计", total, "支出总计", [total])]
        self.two_sided(K.SUMMARY, (("预算数", "amount"),), lines)

    def fiscal_summary_table(self) -> None:
        total = self.budget.total
        funds = self.wording.fiscal_funds
        right = (("合计", "total"), (funds[0], "general_budget"), (funds[1], "government_fund"),
                 (funds[2], "state_capital"))
        incomes = ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款")
        lines = self.class_lines(incomes, 4, True)
        lines += [("本年收入合计", total, "本年支出合计", [total, total, 0, 0]),
                  ("上年结转", 0, "年终结转结余", [0, 0, 0, 0]), ("收入总计", total, "支出总计", [total, total, 0, 0])]
        self.two_sided(K.FISCAL_SUMMARY, right, lines)

    # The 三公 table.

    def three_public_lines(self) -> list[tuple[str, int]]:
        budget = self.budget
        return [("合计", budget.three_public), ("一、因公出国（境）费", 0), ("二、公务用车购置及运行费", budget.car_running),
                ("其中：公务用车购置费", 0), ("公务用车运行费", budget.car_running), ("三、公务接待费", budget.reception)]

    def three_public_table(self) -> None:
        if self.spec.template.three_public == "columns":
            self.transposed_three_public()
            return
        lead = 1 if self.spec.template.numbered else 0
        header = [[*([head("序号")] if lead else []), head("项 目"), head("合计"), head(self.wording.three_public_fund)]]
        header += self.numbers_row(lead + 3)
        body = [[*([Cell(str(n))] if lead else []), Cell(name), self.shown(value), self.shown(value)]
                for n, (name, value) in enumerate(self.three_public_lines(), start=1)]
        self.write(K.THREE_PUBLIC, header, body, [Columns(None, lead, (), ((lead + 1, "total"),
                                                                           (lead + 2, "general_budget")))])

    def transposed_three_public(self) -> None:
        """One data row, the items as columns; the ledger holds the rows extraction makes of it."""
        lead = ([head("序号", vmerge="restart")] if self.spec.template.numbered else []) + (
            [head("单位名称", vmerge="restart")] if self.wording.unit_column else [])
        operating = [head("机关运行经费", vmerge="restart")] if self.wording.operating_column else []
        header = [[*lead, head("合计", vmerge="restart"), head("因公出国（境）费", vmerge="restart"),
                   head("公务用车购置及运行费", 3), head("公务接待费", vmerge="restart"), *operating],
                  [*(head(vmerge="continue") for _ in lead), head(vmerge="continue"), head(vmerge="continue"),
                   head("小计"), head("购置费"), head("运行费"), head(vmerge="continue"),
                   *(head(vmerge="continue") for _ in operating)]]
        n_cols = len(lead) + 6 + len(operating)
        header += self.numbers_row(n_cols)
        lines = self.three_public_lines()
        values = [value for _, value in lines]
        row = [*([Cell("1")] if self.spec.template.numbered else []),
               *([Cell(self.spec.unit_name)] if self.wording.unit_column else []),
               *(self.shown(value) for value in values),
               *([self.shown(self.budget.public_total)] if operating else [])]
        self.write(K.THREE_PUBLIC, header, [row], [])
        self.ledger[K.THREE_PUBLIC] = [Expected(None, None, name, (("total", value),))
                                       for name, value in zip(THREE_PUBLIC_ROWS, values)]
