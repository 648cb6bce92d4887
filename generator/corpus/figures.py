"""The figures of one synthetic disclosure, made to agree the way a correct disclosure agrees.

Amounts are integers in hundredths of 万元 (100 元), the precision the corpus publishes, so
every sum is exact: basic = personnel + public, total = basic + projects, each parent code
= the sum of its children, the 三公 lines = their economic codes (30217, 30231).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from generator.corpus.regions import Department, Region

FUNCTION_CLASSES = {
    "201": "一般公共服务支出", "204": "公共安全支出", "206": "科学技术支出", "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出", "210": "卫生健康支出", "213": "农林水支出", "221": "住房保障支出",
    "224": "灾害防治及应急管理支出",
}
# Personnel lines paid through social-security, health and housing codes rather than the
# department's 行政运行: economic code → (functional 项, 项 name, 款, 款 name).
SOCIAL_FUNCTIONS = {
    "30108": ("2080505", "机关事业单位基本养老保险缴费支出", "20805", "行政事业单位养老支出"),
    "30109": ("2080506", "机关事业单位职业年金缴费支出", "20805", "行政事业单位养老支出"),
    "30302": ("2080501", "行政单位离退休", "20805", "行政事业单位养老支出"),
    "30110": ("2101101", "行政单位医疗", "21011", "行政事业单位医疗"),
    "30111": ("2101103", "公务员医疗补助", "21011", "行政事业单位医疗"),
    "30113": ("2210201", "住房公积金", "22102", "住房改革支出"),
}
# (code, name, hundredths of 万元 per staff member a year, probability the line appears)
PERSONNEL_LINES = (
    ("30101", "基本工资", 240, 1.0), ("30102", "津贴补贴", 100, 1.0), ("30103", "奖金", 60, 0.9),
    ("30107", "绩效工资", 90, 0.9), ("30108", "机关事业单位基本养老保险缴费", 70, 1.0),
    ("30109", "职业年金缴费", 35, 0.6), ("30110", "职工基本医疗保险缴费", 35, 1.0),
    ("30111", "公务员医疗补助缴费", 15, 0.5), ("30112", "其他社会保障缴费", 3, 0.8),
    ("30113", "住房公积金", 60, 1.0), ("30199", "其他工资福利支出", 10, 0.4),
)
FAMILY_LINES = (("30302", "退休费", 40, 0.25),)
PUBLIC_LINES = (
    ("30201", "办公费", 15, 1.0), ("30202", "印刷费", 3, 0.6), ("30205", "水费", 2, 0.4), ("30206", "电费", 4, 0.5),
    ("30207", "邮电费", 8, 0.9), ("30211", "差旅费", 5, 0.9), ("30213", "维修（护）费", 4, 0.5),
    ("30215", "会议费", 2, 0.4), ("30216", "培训费", 3, 0.5), ("30228", "工会经费", 4, 0.7),
    ("30229", "福利费", 3, 0.6), ("30239", "其他交通费用", 12, 0.8), ("30299", "其他商品和服务支出", 5, 0.6),
)
RECEPTION = ("30217", "公务接待费")
CAR_RUNNING = ("30231", "公务用车运行维护费")
ECONOMIC_CLASSES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助"}
PROCUREMENT_CATALOGUE = (
    # (item, catalogue code, unit, price range in hundredths of 万元, is a fixed asset)
    ("台式计算机", "A02010104", "台", (40, 65), True), ("便携式计算机", "A02010105", "台", (50, 80), True),
    ("终端机", "A02010402", "台", (30, 60), True), ("调湿调温机", "A02061809", "台", (20, 40), True),
    ("其他网络设备", "A02010299", "套", (200, 900), True), ("纸及纸板", "A07100200", "箱", (1, 3), False),
    ("其他信息技术服务", "C0299", "项", (300, 1500), False), ("计算机设备和软件租赁服务", "C0401", "个", (200, 800), False),
)
# Projects any department may run, besides its own.
COMMON_PROJECTS = ("信息化建设及运维经费", "业务培训经费", "档案数字化经费", "办公设备购置经费")
INDICATOR_ROWS = (  # (一级, 二级) in the order of the 2024 layout; 产出 and 效益 cells are merged down
    ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标"),
)


@dataclass
class Line:
    code: str
    name: str
    amount: int


@dataclass
class FunctionItem:
    code: str  # 7-digit 项
    name: str
    group: str  # 5-digit 款
    group_name: str
    basic: int = 0
    project: int = 0

    @property
    def total(self) -> int:
        return self.basic + self.project


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    description: str
    target: str
    basis: str


@dataclass
class ProjectPlan:
    name: str
    code: str
    amount: int
    function_code: str
    purpose: str
    indicators: list[Indicator]
    plan: tuple[str, str, str, str]  # share spent by the end of March, June, October, December


@dataclass
class ProcurementLine:
    project: str
    project_amount: int
    item: str
    catalogue_code: str
    unit: str
    quantity: int
    unit_price: int
    is_asset: bool

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass
class Organization:
    name: str
    nature: str
    rank: str


@dataclass
class Assets:
    buildings_m2: int
    buildings_value: int
    office_m2: int
    office_value: int
    vehicles: int
    vehicles_value: int
    equipment: int  # items over 200,000 元
    equipment_value: int
    other: int
    other_value: int

    @property
    def total(self) -> int:
        return self.buildings_value + self.vehicles_value + self.equipment_value + self.other_value


@dataclass
class Budget:
    personnel: list[Line]
    public: list[Line]
    functions: list[FunctionItem]  # sorted by code
    projects: list[ProjectPlan]
    organizations: list[Organization]
    procurement: list[ProcurementLine]
    assets: Assets
    reception: int
    car_running: int
    previous_basic: int
    previous_project: int
    previous_three_public: int

    @property
    def personnel_total(self) -> int:
        return sum(line.amount for line in self.personnel)

    @property
    def public_total(self) -> int:
        return sum(line.amount for line in self.public)

    @property
    def basic(self) -> int:
        return self.personnel_total + self.public_total

    @property
    def project_total(self) -> int:
        return sum(project.amount for project in self.projects)

    @property
    def total(self) -> int:
        return self.basic + self.project_total

    @property
    def three_public(self) -> int:
        return self.reception + self.car_running

    @property
    def procurement_total(self) -> int:
        return sum(line.amount for line in self.procurement)

    @property
    def asset_purchases(self) -> int:
        return sum(line.amount for line in self.procurement if line.is_asset)


def _draw(rng: random.Random, lines, staff: int) -> list[Line]:
    return [Line(code, name, max(1, round(staff * rate * rng.uniform(0.85, 1.15))))
            for code, name, rate, probability in lines if rng.random() < probability]


def _project_indicators(rng: random.Random, name: str, amount_text: str, region: Region) -> list[Indicator]:
    topic = name.removesuffix("经费").removesuffix("资金")
    texts = (
        (f"{topic}完成数量", f"全年完成{topic}相关工作任务数量", f"≥{rng.randint(2, 20)}次", "工作计划"),
        (f"{topic}完成质量", f"{topic}工作任务达标率", f"≥{rng.choice((90, 95, 98, 100))}%", "工作计划"),
        (f"{topic}完成时限", f"{topic}工作按时完成", rng.choice(("1年", "12月底前", "及时")), "工作计划"),
        (f"{topic}成本", f"{topic}资金", f"≤{amount_text}万元", "预算批复"),
        (f"{topic}社会效益", f"促进{region.level}域{topic}工作持续向好", f"≥{rng.choice((90, 95, 98))}%", "工作计划"),
        (f"{topic}长效机制", f"保障{topic}工作长期稳定开展", f"≥{rng.choice((90, 95))}%", "工作计划"),
        ("服务对象满意度", "服务对象对工作的满意度", f"≥{rng.choice((90, 95))}%", "调查问卷"),
    )
    return [Indicator(level1, level2, level3, description, target, basis)
            for (level1, level2), (level3, description, target, basis) in zip(INDICATOR_ROWS, texts)]


def plan_budget(rng: random.Random, department: Department, region: Region, year: int, scope: str,
                unit_name: str) -> Budget:
    city_level = not region.county
    staff = rng.randint(12, 60) if city_level else rng.randint(3, 30)
    personnel = _draw(rng, PERSONNEL_LINES, staff) + _draw(rng, FAMILY_LINES, staff)
    public = _draw(rng, PUBLIC_LINES, staff)
    cars = rng.choice((0, 0, 1, 1, 2)) if city_level else rng.choice((0, 0, 0, 1))
    car_running = sum(rng.randint(150, 450) for _ in range(cars))
    reception = rng.choice((0, 0, rng.randint(10, 200)))
    if reception:
        public.append(Line(*RECEPTION, reception))
    if car_running:
        public.append(Line(*CAR_RUNNING, car_running))
    public.sort(key=lambda line: line.code)

    items = {code: FunctionItem(code, name, department.function_group, department.group_name)
             for code, name in department.items}
    admin_code = department.items[0][0]
    for line in personnel + public:
        if line.code in SOCIAL_FUNCTIONS:
            code, name, group, group_name = SOCIAL_FUNCTIONS[line.code]
            items.setdefault(code, FunctionItem(code, name, group, group_name)).basic += line.amount
        else:
            items[admin_code].basic += line.amount

    names = rng.sample(department.projects + COMMON_PROJECTS, rng.choice((1, 2, 3, 3, 4, 4, 5, 6)))
    project_items = [code for code, _ in department.items[1:]] or [admin_code]
    projects = []
    for name in names:
        amount = rng.choice((rng.randint(5, 50) * 10, rng.randint(50, 3000), rng.randint(100, 900) * 10))
        if city_level:
            amount *= rng.randint(2, 5)
        function_code = rng.choice(project_items) if rng.random() < 0.85 else admin_code
        items[function_code].project += amount
        amount_text = format_compact(amount)
        code = (f"{region.admin_code}{year % 100:02d}P{rng.randint(1, 99999):07d}"
                f"{rng.randint(1, 9999):04d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}")
        purpose = f"用于{name.removesuffix('经费')}，保障{region.name}{department.group_name}工作顺利开展"
        plan = rng.choice((("25%", "50%", "75%", "100%"), ("20%", "50%", "80%", "100%"), ("30%", "60%", "90%", "100%")))
        projects.append(ProjectPlan(name, code, amount, function_code, purpose,
                                    _project_indicators(rng, name, amount_text, region), plan))

    organizations = [Organization(f"{unit_name}本级" if not unit_name.endswith("本级") else unit_name, "行政",
                                  "正处级" if city_level else "正科级")]
    if scope == "部门" and rng.random() < 0.5:
        organizations.append(Organization(f"{region.name}{department.subordinate}", "事业",
                                          "正科级" if city_level else "副科级"))

    procurement = []
    for project in projects:
        if rng.random() < 0.35:
            item, catalogue, unit, (low, high), is_asset = rng.choice(PROCUREMENT_CATALOGUE)
            price = rng.randint(low, high)
            quantity = max(1, min(rng.randint(1, 10), project.amount // (2 * price)))
            if quantity * price <= project.amount:
                procurement.append(ProcurementLine(project.name, project.amount, item, catalogue, unit, quantity, price,
                                                   is_asset))

    buildings = rng.choice((0, 0, rng.randint(200, 3000)))
    office = buildings and rng.randint(buildings // 3, buildings)
    buildings_value = buildings * rng.randint(15, 40) // 10
    other = rng.randint(5, 40 + staff * 8)
    assets = Assets(buildings, buildings_value, office, office * buildings_value // buildings if buildings else 0,
                    cars, cars * rng.randint(1200, 2500), 0, 0, other, other * rng.randint(30, 80))

    return Budget(
        personnel=personnel, public=public, functions=sorted(items.values(), key=lambda item: item.code),
        projects=projects, organizations=organizations, procurement=procurement, assets=assets,
        reception=reception, car_running=car_running,
        previous_basic=max(1, round((sum(line.amount for line in personnel + public)) * rng.uniform(0.85, 1.12))),
        previous_project=max(0, round(sum(p.amount for p in projects) * rng.uniform(0.6, 1.3))),
        previous_three_public=max(0, car_running + reception + rng.randint(-50, 80)),
    )


def format_amount(value: int, money_unit: str = "万元") -> str:
    """Two decimals in 万元 (116.76), or whole yuan with two decimals in 元 (1167600.00)."""
    if money_unit == "元":
        return f"{value * 100}.00"
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def format_compact(value: int) -> str:
    """As narratives often write a project amount: 20, 4.8, 0.84 (万元)."""
    text = format_amount(value)
    return text.rstrip("0").rstrip(".")
