"""The budget tables in Hebei's template, as the 2024 and 2026 corpus documents lay them out:
each under its title (部门预算收支总表 …) and a layout row (unit | 预算年度 | 单位), with a
序号 column, a 栏次 row, codes in one column and the 三公 items as rows."""

from __future__ import annotations

from generator.contract.records import TableKind
from generator.corpus.disclosure import SUMMARY_CLASSES, SUMMARY_INCOME, Writer, chinese_number
from generator.corpus.docx import Cell, head
from generator.corpus.figures import ECONOMIC_CLASSES
from generator.corpus.ledger import Columns

K = TableKind
_BY_FUNCTION = Columns(None, 2, (1,), ((3, "total"), (4, "basic"), (5, "project")))


class HebeiWriter(Writer):
    def budget_tables(self) -> None:
        self.summary_table()
        self.income_table()
        self.expenditure_table()
        self.fiscal_summary_table()
        self.general_budget_table()
        self.basic_by_economic_table()
        self.empty_fund_table(K.GOVERNMENT_FUND, "政府性基金预算财政拨款支出表", "政府性基金")
        self.empty_fund_table(K.STATE_CAPITAL, "国有资本经营预算财政拨款支出表", "国有资本经营")
        self.three_public_table()

    def budget_table(self, kind: TableKind, title: str, header: list[list[Cell]], body: list[list[Cell]],
                     widths: list[float], sides: list[Columns], note: str = "") -> None:
        self.doc.heading(f"{self.spec.scope}预算{title}", 3)
        self.doc.table([[Cell(self.unit_label), Cell(f"预算年度：{self.spec.year}"),
                         Cell(f"单位：{self.spec.money_unit}")]], [6, 2, 1.5], layout=True)
        self.doc.table(header + body, widths)
        if note:
            self.doc.paragraph(note)
        self.record(kind, body, sides)

    def numbered(self, rows: list[tuple[str, str, list[int]]], blanks: int = 0) -> list[list[Cell]]:
        return [[Cell(str(n)), Cell(code, code=code), Cell(name), *(self.cell_money(v) for v in values),
                 *(Cell() for _ in range(blanks))]
                for n, (code, name, values) in enumerate(rows, start=1)]

    def summary_table(self) -> None:
        total = self.budget.total
        by_class = self.class_amounts()
        header = [[head("序号", vmerge="restart"), head("收入", 2), head("支出", 2)],
                  [head(vmerge="continue"), head("项 目"), head("预算数"), head("项 目"), head("预算数")],
                  [Cell("栏次"), *(Cell(str(n)) for n in range(1, 5))]]
        body = []
        for n, (code, name) in enumerate(SUMMARY_CLASSES, start=1):
            income = (Cell(f"{chinese_number(n)}、{SUMMARY_INCOME[n - 1]}"), self.cell_money(total if n == 1 else 0)) \
                if n <= len(SUMMARY_INCOME) else (Cell(), Cell())
            body.append([Cell(str(n)), *income, Cell(f"{chinese_number(n)}、{name}"),
                         self.cell_money(by_class.get(code, 0))])
        n = len(SUMMARY_CLASSES)
        for offset, (left, right, value) in enumerate((("本年收入合计", "本年支出合计", total),
                                                       ("上年结转结余", "年终结转结余", 0),
                                                       ("收入总计", "支出总计", total)), start=1):
            body.append([Cell(str(n + offset)), Cell(left), self.cell_money(value), Cell(right),
                         self.cell_money(value)])
        self.budget_table(K.SUMMARY, "收支总表", header, body, [1, 5, 1.5, 5, 1.5],
                          [Columns("income", 1, (), ((2, "amount"),)), Columns("expenditure", 3, (), ((4, "amount"),))])

    def income_table(self) -> None:
        header = [[head("序号", vmerge="restart"), head("功能分类科目", 2), head("合计", vmerge="restart"),
                   head("本年收入", 8), head("上年结转", vmerge="restart")],
                  [head(vmerge="continue"), head("科目编码"), head("科目名称"), head(vmerge="continue"), head("小计"),
                   head("财政拨款收入"), head("财政专户收入"), head("事业收入"), head("经营收入"), head("上级补助收入"),
                   head("附属单位上缴收入"), head("其他收入"), head(vmerge="continue")],
                  [Cell("栏次"), *(Cell(str(n)) for n in range(1, 13))]]
        body = self.numbered(self.function_rows(lambda item: [item.total, item.total, item.total]), blanks=7)
        fields = ("total", "current_year_subtotal", "fiscal_appropriation", "fiscal_special_account",
                  "business_income", "operating_income", "superior_subsidy", "subordinate_remittance", "other_income",
                  "carryover")
        self.budget_table(K.INCOME, "收入总表", header, body, [1, 1.5, 3, *[1.2] * 10],
                          [Columns(None, 2, (1,), tuple(enumerate(fields, start=3)))])

    def expenditure_table(self) -> None:
        labels = ("合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出")
        header = [[head("序号", vmerge="restart"), head("功能分类科目", 2),
                   *(head(label, vmerge="restart") for label in labels)],
                  [head(vmerge="continue"), head("科目编码"), head("科目名称"), *(head(vmerge="continue") for _ in labels)],
                  [Cell("栏次"), *(Cell(str(n)) for n in range(1, 9))]]
        body = self.numbered(self.function_rows(lambda item: [item.total, item.basic, item.project]), blanks=3)
        fields = ("total", "basic", "project", "operating", "remittance_to_superior", "subsidy_to_subordinate")
        self.budget_table(K.EXPENDITURE, "支出总表", header, body, [1, 1.5, 3.5, 1.5, 1.5, 1.5, 1.2, 1.2, 1.2],
                          [Columns(None, 2, (1,), tuple(enumerate(fields, start=3)))])

    def fiscal_summary_table(self) -> None:
        total = self.budget.total
        by_class = self.class_amounts()
        header = [[head("序号", vmerge="restart"), head("收入", 2), head("支出", 5)],
                  [head(vmerge="continue"), head("项 目"), head("金额"), head("项 目"), head("合计"),
                   head("一般公共预算财政拨款"), head("政府性基金预算财政拨款"), head("国有资本经营预算财政拨款")],
                  [Cell("栏次"), *(Cell(str(n)) for n in range(1, 8))]]
        funds = ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款")
        body = []
        for n, (code, name) in enumerate(SUMMARY_CLASSES, start=1):
            income = (Cell(f"{chinese_number(n)}、{funds[n - 1]}"), self.cell_money(total if n == 1 else 0)) \
                if n <= len(funds) else (Cell(), Cell())
            amount = by_class.get(code, 0)
            body.append([Cell(str(n)), *income, Cell(f"{chinese_number(n)}、{name}"), self.cell_money(amount),
                         self.cell_money(amount), Cell(), Cell()])
        closing = [("本年收入合计", total, "本年支出合计", total), ("年初财政拨款结转和结余", 0, "年末财政拨款结转和结余", 0),
                   *((f"{chinese_number(i)}、{fund}", 0, "", 0) for i, fund in enumerate(funds, start=1)),
                   ("收入总计", total, "支出总计", total)]
        n = len(SUMMARY_CLASSES)
        for offset, (left, left_value, right, right_value) in enumerate(closing, start=1):
            body.append([Cell(str(n + offset)), Cell(left), self.cell_money(left_value), Cell(right),
                         self.cell_money(right_value), self.cell_money(right_value), Cell(), Cell()])
        self.budget_table(K.FISCAL_SUMMARY, "财政拨款收支总表", header, body, [1, 4, 1.5, 4, 1.5, 1.5, 1.5, 1.5],
                          [Columns("income", 1, (), ((2, "total"),)),
                           Columns("expenditure", 3, (), ((4, "total"), (5, "general_budget"), (6, "government_fund"),
                                                          (7, "state_capital")))])

    def by_function_header(self) -> list[list[Cell]]:
        return [[head("序号", vmerge="restart"), head("功能分类科目", 2), head("合计", vmerge="restart"),
                 head("基本支出", vmerge="restart"), head("项目支出", vmerge="restart")],
                [head(vmerge="continue"), head("科目编码"), head("科目名称"), head(vmerge="continue"),
                 head(vmerge="continue"), head(vmerge="continue")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 6))]]

    def general_budget_table(self) -> None:
        body = self.numbered(self.function_rows(lambda item: [item.total, item.basic, item.project]))
        self.budget_table(K.GENERAL_BUDGET, "一般公共预算财政拨款支出表", self.by_function_header(), body,
                          [1, 1.5, 4, 1.5, 1.5, 1.5], [_BY_FUNCTION])

    def basic_by_economic_table(self) -> None:
        budget = self.budget
        header = [[head("序号", vmerge="restart"), head("支出部门经济分类科目", 2), head("一般公共预算基本支出", 3)],
                  [head(vmerge="continue"), head("科目编码"), head("科目名称"), head("合计"), head("人员经费"),
                   head("公用经费")],
                  [Cell("栏次"), *(Cell(str(n)) for n in range(1, 6))]]
        rows = [("", "合计", [budget.basic, budget.personnel_total, budget.public_total])]
        for class_code, class_name in ECONOMIC_CLASSES.items():
            personnel = [line for line in budget.personnel if line.code.startswith(class_code)]
            public = [line for line in budget.public if line.code.startswith(class_code)]
            if not personnel and not public:
                continue
            rows.append((class_code, class_name, [sum(line.amount for line in personnel + public),
                                                  sum(line.amount for line in personnel),
                                                  sum(line.amount for line in public)]))
            rows.extend((line.code, line.name, [line.amount, line.amount, 0]) for line in personnel)
            rows.extend((line.code, line.name, [line.amount, 0, line.amount]) for line in public)
        self.budget_table(K.BASIC_BY_ECONOMIC, "一般公共预算财政拨款基本支出表", header, self.numbered(rows),
                          [1, 1.5, 4, 1.5, 1.5, 1.5], [Columns(None, 2, (1,), ((3, "total"), (4, "personnel"),
                                                                               (5, "public")))])

    def empty_fund_table(self, kind: TableKind, title: str, fund: str) -> None:
        self.budget_table(kind, title, self.by_function_header(), [[Cell() for _ in range(6)]],
                          [1, 1.5, 4, 1.5, 1.5, 1.5], [_BY_FUNCTION], note=f"注：无{fund}预算财政拨款预算，空表列示。")

    def three_public_table(self) -> None:
        budget = self.budget
        header = [[head("序号", vmerge="restart"), head("项 目", vmerge="restart"), head("资 金 性 质", 4)],
                  [head(vmerge="continue"), head(vmerge="continue"), head("合计"), head("一般公共预算财政拨款"),
                   head("政府性基金预算拨款"), head("国有资本经营预算财政拨款")],
                  [Cell("栏次"), *(Cell(str(n)) for n in range(1, 6))]]
        title = "财政拨款“三公”经费支出表"
        sides = [Columns(None, 1, (), ((2, "total"), (3, "general_budget"), (4, "government_fund"),
                                       (5, "state_capital")))]
        widths = [1, 5, 1.5, 1.5, 1.5, 1.5]
        if not budget.three_public:
            self.budget_table(K.THREE_PUBLIC, title, header, [[Cell() for _ in range(6)]], widths, sides,
                              note="注：无财政拨款“三公”经费支出表预算，空表列示。")
            return
        if self.new_layout:
            lines = [("“三公”经费小计", budget.three_public), ("一、因公出国（境）费", 0),
                     ("其中：教学科研人员因公出国（境）费", 0), ("其他因公出国（境）费", 0),
                     ("二、公务用车购置及运维费", budget.car_running), ("其中：公务用车购置费", 0),
                     ("公务用车运行维护费", budget.car_running), ("三、公务接待费", budget.reception)]
        else:
            lines = [("合计", budget.three_public), ("一、因公出国（境）费", 0),
                     ("二、公务用车购置及运维费", budget.car_running), ("其中：公务用车购置费", 0),
                     ("公务用车运行维护费", budget.car_running), ("三、公务接待费", budget.reception)]
        body = []
        for n, (name, value) in enumerate(lines, start=1):
            # The older template prints 0 where the newer one leaves the cell blank.
            shown = self.cell_money(value) if self.new_layout else self.shown_money(value)
            body.append([Cell(str(n)), Cell(name), shown, shown, Cell(), Cell()])
        self.budget_table(K.THREE_PUBLIC, title, header, body, widths, sides)
