"""One synthetic disclosure as a Word document, laid out like the 2024 and 2026 corpus
documents: the nine budget tables, each under its title and a layout row (unit | 预算年度 |
单位), then the explanation part with its sections, 机构设置 table, one performance table per
project, the procurement table and the fixed-asset table."""

from __future__ import annotations

from dataclasses import dataclass

from generator.corpus.docx import Cell, DocumentXml, head
from generator.corpus.figures import (
    ECONOMIC_CLASSES,
    FUNCTION_CLASSES,
    Budget,
    FunctionItem,
    format_amount,
    format_compact,
)
from generator.corpus.regions import Department, Region

# The expenditure lines of tables 1 and 4: functional classes in the template's order.
SUMMARY_CLASSES = (
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"), ("205", "教育支出"),
    ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"), ("208", "社会保障和就业支出"), ("209", "社会保险基金支出"),
    ("210", "卫生健康支出"), ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"), ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"), ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"), ("227", "预备费"), ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"),
    ("232", "债务付息支出"), ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"), ("", "人行科目"),
)
SUMMARY_INCOME = (
    "一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入", "财政专户管理资金收入", "单位资金",
)
_DIGITS = "零一二三四五六七八九"
GLOSSARY = (
    "1、财政拨款收入：指本级财政当年拨付的资金，包括一般公共预算拨款、政府性基金预算拨款、国有资本经营预算拨款。",
    "2、上年结转：指以前年度安排、结转到本年仍按原规定用途继续使用的资金。",
    "3、“三公”经费：纳入财政预算管理的“三公”经费，是指预算部门（单位）用财政拨款安排的因公出国（境）费、"
    "公务用车购置及运维费和公务接待费。",
    "4、机关运行经费：是指各部门（单位）的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、"
    "专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。",
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (section and line numbers up to 99)."""
    tens, ones = divmod(n, 10)
    prefix = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return prefix + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class DisclosureSpec:
    region: Region
    department: Department
    year: int
    scope: str  # 部门 / 单位
    money_unit: str  # 万元 / 元

    @property
    def unit_code(self) -> str:
        return self.department.code + ("001" if self.scope == "单位" else "")

    @property
    def unit_name(self) -> str:
        name = self.department.unit_name(self.region)
        return name + "本级" if self.scope == "单位" else name

    @property
    def title(self) -> str:
        return f"{self.unit_name}{self.year}年{self.scope}预算信息公开情况说明"


class _Writer:
    def __init__(self, spec: DisclosureSpec, budget: Budget) -> None:
        self.spec = spec
        self.budget = budget
        self.doc = DocumentXml()
        self.unit_label = spec.unit_code + spec.unit_name
        self.new_layout = spec.year >= 2025  # the 2026 template: 三公 sub-rows, more sections

    def money(self, value: int) -> str:
        return format_amount(value, self.spec.money_unit)

    def cell_money(self, value: int | None) -> Cell:
        """Blank for zero, as the templates print empty amounts."""
        return Cell(self.money(value) if value else "")

    def stated(self, value: int) -> str:
        return self.money(value) + self.spec.money_unit

    # Part one: the budget tables.

    def budget_table(self, title: str, rows: list[list[Cell]], widths: list[float], note: str = "") -> None:
        self.doc.heading(f"{self.spec.scope}预算{title}", 3)
        self.doc.table([[Cell(self.unit_label), Cell(f"预算年度：{self.spec.year}"),
                         Cell(f"单位：{self.spec.money_unit}")]], [6, 2, 1.5], layout=True)
        self.doc.table(rows, widths)
        if note:
            self.doc.paragraph(note)

    def function_rows(self, amounts) -> list[tuple[str, str, list[int]]]:
        """合计, then each 类, 款 and 项 with its amounts; parents are sums of their children."""
        # An item the budget does not fund is not listed, as in the templates.
        items: list[FunctionItem] = [item for item in self.budget.functions if item.total]
        rows = [("", "合计", _sum(amounts(item) for item in items))]
        for class_code in sorted({item.code[:3] for item in items}):
            in_class = [item for item in items if item.code.startswith(class_code)]
            rows.append((class_code, FUNCTION_CLASSES[class_code], _sum(amounts(item) for item in in_class)))
            for group in sorted({item.group for item in in_class}):
                in_group = [item for item in in_class if item.group == group]
                rows.append((group, in_group[0].group_name, _sum(amounts(item) for item in in_group)))
                rows.extend((item.code, item.name, amounts(item)) for item in in_group)
        return rows

    def numbered(self, rows: list[tuple[str, str, list[int]]], blanks: int = 0) -> list[list[Cell]]:
        return [[Cell(str(n)), Cell(code), Cell(name), *(self.cell_money(v) for v in values),
                 *(Cell() for _ in range(blanks))]
                for n, (code, name, values) in enumerate(rows, start=1)]

    def class_amounts(self) -> dict[str, int]:
        return {code: sum(item.total for item in self.budget.functions if item.code.startswith(code))
                for code, _ in SUMMARY_CLASSES if code}

    def summary_table(self) -> None:
        total = self.budget.total
        by_class = self.class_amounts()
        rows = [[head("序号", vmerge="restart"), head("收入", 2), head("支出", 2)],
                [head(vmerge="continue"), head("项 目"), head("预算数"), head("项 目"), head("预算数")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 5))]]
        for n, (code, name) in enumerate(SUMMARY_CLASSES, start=1):
            income = (Cell(f"{chinese_number(n)}、{SUMMARY_INCOME[n - 1]}"), self.cell_money(total if n == 1 else 0)) \
                if n <= len(SUMMARY_INCOME) else (Cell(), Cell())
            rows.append([Cell(str(n)), *income, Cell(f"{chinese_number(n)}、{name}"),
                         self.cell_money(by_class.get(code, 0))])
        n = len(SUMMARY_CLASSES)
        for offset, (left, right, value) in enumerate((("本年收入合计", "本年支出合计", total),
                                                       ("上年结转结余", "年终结转结余", 0),
                                                       ("收入总计", "支出总计", total)), start=1):
            rows.append([Cell(str(n + offset)), Cell(left), self.cell_money(value), Cell(right),
                         self.cell_money(value)])
        self.budget_table("收支总表", rows, [1, 5, 1.5, 5, 1.5])

    def income_table(self) -> None:
        rows = [[head("序号", vmerge="restart"), head("功能分类科目", 2), head("合计", vmerge="restart"),
                 head("本年收入", 8), head("上年结转", vmerge="restart")],
                [head(vmerge="continue"), head("科目编码"), head("科目名称"), head(vmerge="continue"), head("小计"),
                 head("财政拨款收入"), head("财政专户收入"), head("事业收入"), head("经营收入"), head("上级补助收入"),
                 head("附属单位上缴收入"), head("其他收入"), head(vmerge="continue")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 13))]]
        body = self.function_rows(lambda item: [item.total, item.total, item.total])
        rows.extend(self.numbered(body, blanks=7))
        self.budget_table("收入总表", rows, [1, 1.5, 3, *[1.2] * 10])

    def expenditure_table(self) -> None:
        labels = ("合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出")
        rows = [[head("序号", vmerge="restart"), head("功能分类科目", 2), *(head(label, vmerge="restart") for label in labels)],
                [head(vmerge="continue"), head("科目编码"), head("科目名称"), *(head(vmerge="continue") for _ in labels)],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 9))]]
        body = self.function_rows(lambda item: [item.total, item.basic, item.project])
        rows.extend(self.numbered(body, blanks=3))
        self.budget_table("支出总表", rows, [1, 1.5, 3.5, 1.5, 1.5, 1.5, 1.2, 1.2, 1.2])

    def fiscal_summary_table(self) -> None:
        total = self.budget.total
        by_class = self.class_amounts()
        rows = [[head("序号", vmerge="restart"), head("收入", 2), head("支出", 5)],
                [head(vmerge="continue"), head("项 目"), head("金额"), head("项 目"), head("合计"),
                 head("一般公共预算财政拨款"), head("政府性基金预算财政拨款"), head("国有资本经营预算财政拨款")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 8))]]
        funds = ("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款")
        for n, (code, name) in enumerate(SUMMARY_CLASSES, start=1):
            income = (Cell(f"{chinese_number(n)}、{funds[n - 1]}"), self.cell_money(total if n == 1 else 0)) \
                if n <= len(funds) else (Cell(), Cell())
            amount = by_class.get(code, 0)
            rows.append([Cell(str(n)), *income, Cell(f"{chinese_number(n)}、{name}"), self.cell_money(amount),
                         self.cell_money(amount), Cell(), Cell()])
        closing = [("本年收入合计", total, "本年支出合计", total), ("年初财政拨款结转和结余", 0, "年末财政拨款结转和结余", 0),
                   *((f"{chinese_number(i)}、{fund}", 0, "", 0) for i, fund in enumerate(funds, start=1)),
                   ("收入总计", total, "支出总计", total)]
        n = len(SUMMARY_CLASSES)
        for offset, (left, left_value, right, right_value) in enumerate(closing, start=1):
            rows.append([Cell(str(n + offset)), Cell(left), self.cell_money(left_value), Cell(right),
                         self.cell_money(right_value), self.cell_money(right_value), Cell(), Cell()])
        self.budget_table("财政拨款收支总表", rows, [1, 4, 1.5, 4, 1.5, 1.5, 1.5, 1.5])

    def by_function_header(self) -> list[list[Cell]]:
        return [[head("序号", vmerge="restart"), head("功能分类科目", 2), head("合计", vmerge="restart"),
                 head("基本支出", vmerge="restart"), head("项目支出", vmerge="restart")],
                [head(vmerge="continue"), head("科目编码"), head("科目名称"), head(vmerge="continue"),
                 head(vmerge="continue"), head(vmerge="continue")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 6))]]

    def general_budget_table(self) -> None:
        rows = self.by_function_header()
        rows.extend(self.numbered(self.function_rows(lambda item: [item.total, item.basic, item.project])))
        self.budget_table("一般公共预算财政拨款支出表", rows, [1, 1.5, 4, 1.5, 1.5, 1.5])

    def basic_by_economic_table(self) -> None:
        budget = self.budget
        rows = [[head("序号", vmerge="restart"), head("支出部门经济分类科目", 2), head("一般公共预算基本支出", 3)],
                [head(vmerge="continue"), head("科目编码"), head("科目名称"), head("合计"), head("人员经费"),
                 head("公用经费")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 6))]]
        body = [("", "合计", [budget.basic, budget.personnel_total, budget.public_total])]
        for class_code, class_name in ECONOMIC_CLASSES.items():
            personnel = [line for line in budget.personnel if line.code.startswith(class_code)]
            public = [line for line in budget.public if line.code.startswith(class_code)]
            if not personnel and not public:
                continue
            body.append((class_code, class_name, [sum(line.amount for line in personnel + public),
                                                  sum(line.amount for line in personnel), sum(line.amount for line in public)]))
            body.extend((line.code, line.name, [line.amount, line.amount, 0]) for line in personnel)
            body.extend((line.code, line.name, [line.amount, 0, line.amount]) for line in public)
        rows.extend(self.numbered(body))
        self.budget_table("一般公共预算财政拨款基本支出表", rows, [1, 1.5, 4, 1.5, 1.5, 1.5])

    def empty_fund_table(self, title: str, fund: str) -> None:
        rows = self.by_function_header() + [[Cell() for _ in range(6)]]
        self.budget_table(title, rows, [1, 1.5, 4, 1.5, 1.5, 1.5], note=f"注：无{fund}预算财政拨款预算，空表列示。")

    def three_public_table(self) -> None:
        budget = self.budget
        rows = [[head("序号", vmerge="restart"), head("项 目", vmerge="restart"), head("资 金 性 质", 4)],
                [head(vmerge="continue"), head(vmerge="continue"), head("合计"), head("一般公共预算财政拨款"),
                 head("政府性基金预算拨款"), head("国有资本经营预算财政拨款")],
                [Cell("栏次"), *(Cell(str(n)) for n in range(1, 6))]]
        title = "财政拨款“三公”经费支出表"
        if not budget.three_public:
            rows.append([Cell() for _ in range(6)])
            self.budget_table(title, rows, [1, 5, 1.5, 1.5, 1.5, 1.5], note="注：无财政拨款“三公”经费支出表预算，空表列示。")
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
        for n, (name, value) in enumerate(lines, start=1):
            # The older template prints 0 where the newer one leaves the cell blank.
            shown = self.cell_money(value) if self.new_layout else Cell(self.money(value))
            rows.append([Cell(str(n)), Cell(name), shown, shown, Cell(), Cell()])
        self.budget_table(title, rows, [1, 5, 1.5, 1.5, 1.5, 1.5])

    # Part two: the explanation.

    def explanation(self) -> None:
        spec, budget, doc = self.spec, self.budget, self.doc
        scope, year, name = spec.scope, spec.year, spec.unit_name
        doc.heading(spec.title, 3)
        doc.paragraph(f"按照《中华人民共和国预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，"
                      f"现将{name}{year}年{scope}预算公开如下：")
        sections = iter(range(1, 20))

        def section(title: str) -> None:
            doc.heading(f"{chinese_number(next(sections))}、{title}", 2)

        section(f"{scope}职责及机构设置情况")
        doc.paragraph(f"{scope}职责：")
        duties = (f"负责{spec.region.name}{spec.department.group_name}工作，贯彻落实上级决策部署。",
                  f"组织拟订{spec.region.level}域{spec.department.group_name}相关规划和制度并监督实施。",
                  f"承担{spec.region.level}域{spec.department.group_name}的统筹协调、指导和监督检查工作。",
                  "完成上级交办的其他任务。")
        for n, duty in enumerate(duties, start=1):
            doc.paragraph(f"（{chinese_number(n)}）{duty}")
        doc.paragraph("机构设置：")
        doc.paragraph(f"{scope}机构设置情况")
        doc.table([[head("单位名称"), head("单位性质"), head("单位规格"), head("经费保障形式")],
                   *([Cell(o.name), Cell(o.nature), Cell(o.rank), Cell("财政拨款")] for o in budget.organizations)],
                  [5, 1.5, 1.5, 2])

        section(f"{scope}预算安排的总体情况")
        doc.paragraph(f"按照预算管理有关规定，目前{scope}预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。")
        zero = self.stated(0)
        doc.paragraph("1、收入说明")
        doc.paragraph(f"反映本{scope}当年全部收入。{year}年预算收入{self.stated(budget.total)}，其中：一般公共预算收入"
                      f"{self.stated(budget.total)}，基金预算收入{zero}，国有资本经营预算收入{zero}，财政专户核拨收入{zero}，"
                      f"单位资金收入{zero}，上年结转结余{zero}。")
        doc.paragraph("2、支出说明")
        listed = "、".join(f"{p.name}{self.compact(p.amount)}" for p in budget.projects)
        doc.paragraph(f"收支预算总表支出栏、基本支出表、项目支出表按经济分类和支出功能分类科目编制，反映{name}年度{scope}预算中"
                      f"支出预算的总体情况。{year}年支出预算{self.stated(budget.total)}，其中基本支出{self.stated(budget.basic)}，"
                      f"包括人员经费{self.stated(budget.personnel_total)}和日常公用经费{self.stated(budget.public_total)}；"
                      f"项目支出{self.stated(budget.project_total)}，主要为{listed}。")
        doc.paragraph("3、比上年增减情况")
        previous_total = budget.previous_basic + budget.previous_project
        doc.paragraph(f"{year}年预算收支安排{self.stated(budget.total)}，较{year - 1}年预算"
                      f"{self.change(budget.total - previous_total)}，其中：基本支出"
                      f"{self.change(budget.basic - budget.previous_basic)}，主要为人员及公用经费调整。项目支出"
                      f"{self.change(budget.project_total - budget.previous_project)}，主要为项目安排调整。")

        section("机关运行经费安排情况")
        doc.paragraph(f"{year}年，我{scope}机关运行经费共计安排{self.stated(budget.public_total)}，主要用于日常维修、"
                      "办公用房水电费、办公用房取暖费、办公用房物业管理费等日常运行支出。")

        section("财政拨款“三公”经费预算情况及增减变化原因")
        difference = budget.three_public - budget.previous_three_public
        compared = (f"与{year - 1}年相比{self.change(difference)}，增减变化的主要原因是"
                    + ("公务活动增加。" if difference > 0 else "压减非必要支出，提高资金使用效益。")) if difference \
            else "与上年相比没有增减变化。"
        doc.paragraph(f"{year}年，我{scope}财政拨款“三公”经费预算安排{self.stated(budget.three_public)}，其中因公出国（境）费"
                      f"{zero}；公务用车购置及运维费{self.stated(budget.car_running)}（其中：公务用车购置费为{zero}，"
                      f"公务用车运维费{self.stated(budget.car_running)})；公务接待费{self.stated(budget.reception)}。"
                      + compared)

        if self.new_layout:
            section(f"{scope}整体绩效目标")
            doc.paragraph("（一）总体绩效目标")
            doc.paragraph(f"围绕{spec.region.name}{spec.department.group_name}中心工作，完成年度各项任务，提高财政资金使用效益。")
            section(f"{scope}主管专项资金预算安排情况及绩效目标")
            doc.paragraph(f"{year}年，我{scope}无专项资金预算。")
        section(f"{scope}项目预算安排情况及绩效目标")
        for n, project in enumerate(budget.projects, start=1):
            doc.heading(f"{n}、{project.name}绩效目标表", 3)
            doc.table([[Cell("单位：万元")]], layout=True)
            self.performance_table(project)

        section("政府采购预算情况")
        self.procurement()
        section("国有资产信息")
        self.assets()
        section("名词解释")
        for line in GLOSSARY:
            doc.paragraph(line)
        section("其他需要说明的事项")
        doc.paragraph(f"我{scope}无其他需要说明的事项。")

    def compact(self, value: int) -> str:
        return (format_compact(value) + "万元") if self.spec.money_unit == "万元" else self.stated(value)

    def change(self, difference: int) -> str:
        return ("增加" if difference >= 0 else "减少") + self.stated(abs(difference))

    def performance_table(self, project) -> None:
        amount = format_amount(project.amount)
        rows = [[Cell("项目编码"), Cell(project.code), Cell("项目名称"), Cell(project.name, 4)],
                [Cell("预算规模及资金用途", vmerge="restart"), Cell("预算数"), Cell(amount), Cell("其中：财政资金"),
                 Cell(amount), Cell("其他资金"), Cell()],
                [Cell(vmerge="continue"), Cell(project.purpose, 6)],
                [Cell("资金支出计划（%）", vmerge="restart"), Cell("3月底"), Cell("6月底"), Cell("10月底"), Cell("12月底", 3)],
                [Cell(vmerge="continue"), *(Cell(share) for share in project.plan[:3]), Cell(project.plan[3], 3)],
                [Cell("绩效目标"), Cell(f"1.{project.purpose}", 6)],
                [head("一级指标"), head("二级指标"), head("三级指标"), head("绩效指标描述"), head("指标值"),
                 head("指标值确定依据", 2)]]
        previous = ""
        for indicator in project.indicators:
            first = Cell(indicator.level1, vmerge="restart") if indicator.level1 != previous \
                else Cell(vmerge="continue")
            previous = indicator.level1
            rows.append([first, Cell(indicator.level2), Cell(indicator.level3), Cell(indicator.description),
                         Cell(indicator.target), Cell(indicator.basis, 2)])
        self.doc.table(rows, [1.5, 1.5, 2, 3, 1.2, 1, 1])

    def procurement(self) -> None:
        spec, budget, doc = self.spec, self.budget, self.doc
        doc.paragraph(f"{spec.year}年，我{spec.scope}安排政府采购预算{self.stated(budget.procurement_total)}。具体内容见下表。")
        doc.paragraph(f"{spec.scope}政府采购预算")
        doc.table([[Cell(self.unit_label), Cell(f"单位：{spec.money_unit}")]], [8, 2], layout=True)
        sources = ["一般公共预算拨款", "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨", "单位资金"]
        sources += ["财政拨款结转", "非财政拨款结余"] if self.new_layout else ["上年结转结余"]
        width = 7 + len(sources) + 2  # the source, budget, item … price columns, 合计, sources, SME share
        rows = [[head("政府采购项目来源", 2), head("采购物品名称", vmerge="restart"), head("政府采购目录序号", vmerge="restart"),
                 head("计量单位", vmerge="restart"), head("数量", vmerge="restart"), head("单价", vmerge="restart"),
                 head("政府采购金额（当年部门预算安排资金）", len(sources) + 1),
                 head(f"{spec.year}年预留中小微企业份额", vmerge="restart")],
                [head("项目名称"), head("预算资金"), *(head(vmerge="continue") for _ in range(5)), head("合计"),
                 *(head(source) for source in sources), head(vmerge="continue")]]
        if not budget.procurement:
            rows.append([Cell() for _ in range(width)])
        else:
            total = budget.procurement_total
            blanks = [Cell() for _ in sources[1:]]
            for label in ("合 计", f"{spec.unit_name}小计"):
                rows.append([Cell(label), *(Cell() for _ in range(6)), self.cell_money(total), self.cell_money(total),
                             *blanks, Cell()])
            for line in budget.procurement:
                rows.append([Cell(line.project), self.cell_money(line.project_amount), Cell(line.item),
                             Cell(line.catalogue_code), Cell(line.unit), Cell(str(line.quantity)),
                             self.cell_money(line.unit_price), self.cell_money(line.amount),
                             self.cell_money(line.amount), *blanks, Cell()])
        doc.table(rows, [3, 1.2, 2, 1.5, 0.8, 0.8, 1, *[1] * (len(sources) + 1), 1])
        doc.paragraph("注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。涉密采购事项按照相关规定执行。")
        if not budget.procurement:
            doc.paragraph("注：无政府采购预算，空表列示。")

    def assets(self) -> None:
        spec, assets, doc = self.spec, self.budget.assets, self.doc
        holder = spec.unit_name + ("（含所属单位）" if spec.scope == "部门" else "")
        doc.paragraph(f"{holder}上年末固定资产金额为{format_amount(assets.total)}万元（详见下表）。本年度拟购置固定资产总额为"
                      f"{self.stated(self.budget.asset_purchases)}，已按要求列入政府采购预算，详见政府采购预算表。")
        doc.heading(f"{spec.scope}固定资产占用情况表", 3)
        doc.table([[Cell(self.unit_label), Cell(f"截止时间：{spec.year - 1}-12-31")]], [8, 2], layout=True)

        def line(label: str, quantity: int, value: int) -> list[Cell]:
            return [Cell(label), Cell(str(quantity) if quantity else ""), Cell(format_amount(value) if value else "")]

        doc.table([[head("项 目"), head("数量"), head("价值（金额单位：万元）")],
                   line("资产总额", 0, assets.total),
                   line("1、房屋（平方米）", assets.buildings_m2, assets.buildings_value),
                   line("其中：办公用房（平方米）", assets.office_m2, assets.office_value),
                   line("2、车辆（台、辆）", assets.vehicles, assets.vehicles_value),
                   line("3、单价在20万元以上的设备", assets.equipment, assets.equipment_value),
                   line("4、其他固定资产", assets.other, assets.other_value)], [5, 2, 3])


def _sum(rows) -> list[int]:
    return [sum(column) for column in zip(*rows)]


def compose(spec: DisclosureSpec, budget: Budget) -> DocumentXml:
    writer = _Writer(spec, budget)
    writer.summary_table()
    writer.income_table()
    writer.expenditure_table()
    writer.fiscal_summary_table()
    writer.general_budget_table()
    writer.basic_by_economic_table()
    writer.empty_fund_table("政府性基金预算财政拨款支出表", "政府性基金")
    writer.empty_fund_table("国有资本经营预算财政拨款支出表", "国有资本经营")
    writer.three_public_table()
    writer.explanation()
    return writer.doc
