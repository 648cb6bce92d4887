"""One synthetic disclosure as a Word document: the budget tables in its template's wording
(hebei.py, flexible.py), then the explanation part, laid out like the 2024 and 2026 corpus
documents, with its sections, 机构设置 table, one performance table per project, the
procurement table and the fixed-asset table. The writer keeps a ledger of every figure its
tables were written with (ledger.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.contract.records import TableKind
from generator.corpus.docx import Cell, DocumentXml, head
from generator.corpus.figures import FUNCTION_CLASSES, Budget, FunctionItem, format_amount, format_compact
from generator.corpus.ledger import Columns, Ledger, expected_rows
from generator.corpus.regions import Department, Region
from generator.corpus.variant import HEBEI, Template

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
    template: Template = HEBEI

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


class Writer:
    """The budget tables are written by a family's writer (hebei.py, flexible.py); the
    explanation part, the same in every family, here."""

    def __init__(self, spec: DisclosureSpec, budget: Budget) -> None:
        self.spec = spec
        self.budget = budget
        self.doc = DocumentXml()
        self.ledger: Ledger = {}
        self.unit_label = spec.unit_code + spec.unit_name
        self.new_layout = spec.year >= 2025  # the 2026 template: 三公 sub-rows, more sections

    def money(self, value: int) -> str:
        return format_amount(value, self.spec.money_unit)

    def cell_money(self, value: int | None) -> Cell:
        """Blank for zero, as the templates print empty amounts."""
        return Cell(self.money(value), value=value) if value else Cell()

    def shown_money(self, value: int) -> Cell:
        """Zero printed, as the older template and some provinces print it."""
        return Cell(self.money(value), value=value)

    def stated(self, value: int) -> str:
        return self.money(value) + self.spec.money_unit

    def record(self, kind: TableKind, body: list[list[Cell]], sides: list[Columns]) -> None:
        self.ledger[kind] = expected_rows(body, sides)

    def budget_tables(self) -> None:
        raise NotImplementedError

    def function_rows(self, amounts: Callable[[FunctionItem], list[int]]) -> list[tuple[str, str, list[int]]]:
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

    def class_amounts(self) -> dict[str, int]:
        return {code: sum(item.total for item in self.budget.functions if item.code.startswith(code))
                for code, _ in SUMMARY_CLASSES if code}

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
