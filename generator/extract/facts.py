"""Amounts stated in the sentences of the explanation part (narrative_facts).

Each amount takes its money unit from the text right after the number (003 writes 元 and
some sentences mix 元 and 万元; 000 writes 6万 for 6万元); its meaning from the words before it (its label), read
against the section and sub-section it stands in. A figure that looks like an amount but
has no unit, or an amount whose label means nothing known, becomes a finding.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from generator.contract.records import Finding, NarrativeFact, Project
from generator.extract.money import AmountError, parse_amount
from generator.extract.sections import Line, Section

# Every fact name used, with an English and a Chinese description (published in the schema docs).
FACTS: dict[str, tuple[str, str]] = {
    "income_total": ("Total budget income", "预算收入合计"),
    "income_general_budget": ("Income from the general public budget", "一般公共预算收入"),
    "income_government_fund": ("Income from the government fund budget", "政府性基金预算收入"),
    "income_state_capital": ("Income from the state capital operation budget", "国有资本经营预算收入"),
    "income_special_account": ("Income allocated from the fiscal special account", "财政专户核拨收入"),
    "income_unit_funds": ("Unit's own funds", "单位资金收入"),
    "income_business": ("Business income of public institutions", "事业收入"),
    "income_other": ("Income from other sources", "其他来源收入"),
    "income_carryover": ("Carry-over and balance from last year", "上年结转结余"),
    "expenditure_total": ("Total budget expenditure", "支出预算合计"),
    "basic": ("Basic expenditure", "基本支出"),
    "personnel": ("Personnel expenses (part of basic expenditure)", "人员经费"),
    "public": ("Public (office) expenses (part of basic expenditure)", "日常公用经费"),
    "project": ("Project expenditure", "项目支出"),
    "project_item": ("One project listed under project expenditure; qualifier: the project", "项目支出所列项目"),
    "project_spending_item": ("Project expenditure on one economic item (办公费, 印刷费 …) where the explanation "
                              "breaks it down by item instead of by project; qualifier: the item",
                              "项目支出按经济科目的构成"),
    "other_expenditure": ("Other expenditure", "其他支出"),
    "unit_funds_balance_next_year": ("Unit funds balance expected to be used next year", "预计下年使用的单位资金结余"),
    "commissioned_services": ("Commissioned services expenses", "委托业务费"),
    "budget_total": ("Total budget income and expenditure compared with last year", "预算收支安排"),
    "change_vs_last_year": ("Change of the total budget against last year (signed); qualifier: the year compared",
                            "比上年增减（增加为正，减少为负）"),
    "change_basic": ("Change of basic expenditure against last year (signed)", "基本支出比上年增减"),
    "change_project": ("Change of project expenditure against last year (signed)", "项目支出比上年增减"),
    "change_project_item": ("Change of one project against last year (signed); qualifier: the project",
                            "项目比上年增减"),
    "change_unit_funds_balance": ("Change of the unit funds balance for next year (signed)",
                                  "预计下年使用的单位资金结余增减"),
    "operating_expenses": ("Operating expenses of the office", "机关运行经费"),
    "three_public": ("\"Three public\" expenses from fiscal appropriations", "财政拨款“三公”经费"),
    "three_public_overseas": ("Official overseas travel", "因公出国（境）费"),
    "three_public_vehicles": ("Official vehicles, purchase and running", "公务用车购置及运维费"),
    "three_public_vehicle_purchase": ("Official vehicle purchase", "公务用车购置费"),
    "three_public_vehicle_running": ("Official vehicle running costs", "公务用车运行维护费"),
    "three_public_reception": ("Official reception", "公务接待费"),
    "three_public_change": ("Change of \"three public\" expenses against last year (signed)", "“三公”经费比上年增减"),
    "three_public_overseas_change": ("Change of official overseas travel (signed)", "因公出国（境）费增减"),
    "three_public_vehicles_change": ("Change of official vehicle purchase and running (signed)",
                                     "公务用车购置及运维费增减"),
    "three_public_vehicle_purchase_change": ("Change of official vehicle purchase (signed)", "公务用车购置费增减"),
    "three_public_vehicle_running_change": ("Change of official vehicle running costs (signed)",
                                            "公务用车运行维护费增减"),
    "three_public_reception_change": ("Change of official reception (signed)", "公务接待费增减"),
    "procurement_total": ("Government procurement budget", "政府采购预算"),
    "procurement_goods": ("Government procurement of goods", "政府采购货物类"),
    "procurement_works": ("Government procurement of works", "政府采购工程类"),
    "procurement_services": ("Government procurement of services", "政府采购服务类"),
    "fixed_assets_total": ("Fixed assets at the end of last year; qualifier: the date as written",
                           "上年末固定资产金额"),
    "vehicles": ("Value of vehicles", "车辆价值"),
    "planned_asset_purchases": ("Fixed assets planned to be bought this year", "本年度拟购置固定资产总额"),
}

Rule = tuple[re.Pattern[str], str]


def _rules(*pairs: tuple[str, str]) -> list[Rule]:
    return [(re.compile(pattern), fact) for pattern, fact in pairs]


_INCOME = _rules(("一般公共预算", "income_general_budget"), ("政府性基金|基金预算", "income_government_fund"),
                 ("国有资本经营", "income_state_capital"), ("财政专户", "income_special_account"),
                 ("单位资金", "income_unit_funds"), ("事业收入", "income_business"),
                 ("上年结转", "income_carryover"), ("其他", "income_other"), ("收入", "income_total"))
# Labels that end a list of projects (主要为 …) and keep their own meaning.
_LIST_END = _rules(("其他支出", "other_expenditure"), ("结余", "unit_funds_balance_next_year"),
                   ("委托业务费", "commissioned_services"))
_EXPENDITURE = _rules(("人员经费", "personnel"), ("公用经费", "public"), ("基本支出", "basic"),
                      ("项目支出", "project")) + _LIST_END + _rules(("支出", "expenditure_total"))
_CHANGE = _rules(("基本支出", "change_basic"), ("项目支出", "change_project"),
                 ("结余", "change_unit_funds_balance"))
_THREE_PUBLIC = _rules(("因公出国", "three_public_overseas"), ("购置及运行?维", "three_public_vehicles"),
                       ("购置费", "three_public_vehicle_purchase"), ("运行维护费|运维费", "three_public_vehicle_running"),
                       ("公务接待", "three_public_reception"), ("三公", "three_public"))
_PROCUREMENT = _rules(("货物", "procurement_goods"), ("工程", "procurement_works"), ("服务", "procurement_services"),
                      ("政府采购", "procurement_total"))
_ASSETS = _rules(("购置", "planned_asset_purchases"), ("车辆", "vehicles"), ("固定资产", "fixed_assets_total"))
_OPERATING = _rules(("机关运行经费", "operating_expenses"))

_DIGITS = "0-9０-９"
_AMOUNT = re.compile(rf"(?<![A-Za-z{_DIGITS}.．])(?P<number>[{_DIGITS}]{{1,3}}(?:,[{_DIGITS}]{{3}})+(?:[.．][{_DIGITS}]+)?"
                     rf"|[{_DIGITS}]+(?:[.．][{_DIGITS}]+)?)\s*(?P<unit>亿元|万元|元|万(?![人次个件条份台篇]))?")
# What may follow a number that is not an amount: dates, numbering, counts, percentages.
_NOT_MONEY = re.compile(r"\s*[年月日号、.．%％个人次项家台辆场篇天份类套条期批届点余多]")
_BOUNDARY = re.compile(r"[，,；;。：:（(）)、]")
_SIGN = re.compile(r"增加|减少|增长|下降")
# Words before a figure that say it is money: without a unit after it, the figure is a finding.
_MONEY_WORDS = re.compile(r"增加|减少|增长|下降|安排|预算|经费|费|收入|支出|金额|总额")
_COMPARED = re.compile(r"较(\d{4})年|与(\d{4})年相比|比(\d{4})年|(上年)")
_LIST_START = re.compile(r"主要为|主要是|主要包括|主要用于")
# Economic classification items (部门支出经济分类, 302 商品和服务支出 …): listed under 项目支出 they
# break its spending down by what is bought, they are not projects.
_ECONOMIC_ITEM = re.compile(r"^(?:办公|印刷|咨询|手续|水|电|邮电|取暖|物业管理|差旅|因公出国（境）"
                            r"|维修（护）|维修维护|维修|租赁|会议|培训|公务接待|专用材料|被装购置|专用燃料"
                            r"|劳务|委托业务|公务用车运行维护|其他交通|税金及附加)费用?$"
                            r"|^(?:工会经费|福利费|其他商品和服务支出|办公设备购置|专用设备购置)$")
_LABEL_NOISE = re.compile(r"^(?:其中|主要为|主要是|主要包括|包括|和|及|为)+|^\d+[、.．]|(?:每年|为|增加|减少)$")
_SUBSECTIONS = {"收入说明": "income", "支出说明": "expenditure", "增减情况": "change"}
_AS_OF = re.compile(r"(\d{4}年末|上年末|年末)")


@dataclass
class _Amount:
    amount: Decimal
    unit: str
    label: str  # the words since the previous clause boundary
    prefix: str  # the line up to the number: the year compared may be named a sentence earlier
    sentence: str
    in_parenthesis: bool
    tail: str  # the text up to the next amount
    note: str = ""


@dataclass
class FactResult:
    facts: list[NarrativeFact] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def extract_facts(sections: list[Section]) -> FactResult:
    result = FactResult()
    for section in sections:
        if section.kind == "overview":
            _overview(section, result)
        elif section.kind in _SIMPLE:
            for line in _lines(section):
                _simple(line, section.heading, _SIMPLE[section.kind], result)
        elif section.kind == "three_public":
            for line in _lines(section):
                _three_public(line, section.heading, result)
    return result


def _lines(section: Section) -> list[Line]:
    return [item for item in section.items if isinstance(item, Line)]


def _overview(section: Section, result: FactResult) -> None:
    subsection, heading = "", section.heading
    for line in _lines(section):
        named = next((kind for word, kind in _SUBSECTIONS.items() if word in line.text), None)
        if named is not None and len(line.text) <= 20:
            subsection, heading = named, line.text
            continue
        kind = subsection or _guess_subsection(line.text)
        if kind == "income":
            _simple(line, heading, _INCOME, result)
        elif kind == "expenditure":
            _expenditure(line, heading, result)
        elif kind == "change":
            _change(line, heading, result)
        elif _amounts(line, heading, result):
            result.findings.append(Finding("extract", line.location, f"amounts outside 收入说明, 支出说明 and "
                                                                     f"比上年增减情况 are not read: {line.text}"))


def _guess_subsection(text: str) -> str:
    if _COMPARED.search(text) and _SIGN.search(text):
        return "change"
    if "支出预算" in text:
        return "expenditure"
    if "预算收入" in text:
        return "income"
    return ""


def _simple(line: Line, heading: str, rules: list[Rule], result: FactResult) -> None:
    for amount in _amounts(line, heading, result):
        fact = _match(rules, amount.label)
        if fact is None:
            _unknown(line, amount, result)
            continue
        qualifier = ""
        if fact == "fixed_assets_total":
            as_of = _AS_OF.findall(amount.prefix)
            qualifier = as_of[-1] if as_of else ""
        _add(result, fact, amount, amount.amount, heading, qualifier)


def _expenditure(line: Line, heading: str, result: FactResult) -> None:
    listing = False
    for amount in _amounts(line, heading, result):
        fact = _match(_LIST_END if listing else _EXPENDITURE, amount.label)
        if fact is None and listing:
            name = _item_name(amount.label)
            if _ECONOMIC_ITEM.match(name):
                _add(result, "project_spending_item", amount, amount.amount, heading, name)
                continue
            _add(result, "project_item", amount, amount.amount, heading, name)
            result.projects.append(Project(project_name=name, amount=amount.amount))
            continue
        if fact is None:
            _unknown(line, amount, result)
            continue
        _add(result, fact, amount, amount.amount, heading)
        listing = fact == "project" and bool(_LIST_START.search(amount.tail))


def _change(line: Line, heading: str, result: FactResult) -> None:
    listing = False
    for amount in _amounts(line, heading, result):
        sign = _SIGN.search(amount.label)
        if sign is None:
            if _match(_CHANGE, amount.label) is None and re.search(r"收支|预算", amount.label):
                _add(result, "budget_total", amount, amount.amount, heading)
            else:
                _unknown(line, amount, result)
            continue
        signed = -amount.amount if sign.group() in ("减少", "下降") else amount.amount
        fact = _match(_CHANGE, amount.label)
        if fact is None and listing:
            _add(result, "change_project_item", amount, signed, heading, _item_name(amount.label))
            continue
        _add(result, fact or "change_vs_last_year", amount, signed, heading, _compared(amount.prefix))
        listing = fact == "change_project" and bool(_LIST_START.search(amount.tail))


def _three_public(line: Line, heading: str, result: FactResult) -> None:
    """Levels first, then the change against last year: from 与…相比 on, an amount whose label
    says 增加/减少 is a change of its item (or of the item just named, in 公务接待费0.43万元增加
    0.43万元), and a breakdown in parentheses is of the same kind as the amount it breaks down."""
    changing = False
    previous_item: str | None = None
    parent_is_change = parent_negative = False
    for amount in _amounts(line, heading, result):
        item = _match(_THREE_PUBLIC, amount.label)
        sign = _SIGN.search(amount.label)
        compared = _COMPARED.search(amount.label)
        if compared and sign:
            changing = True
            item = item or "three_public"
        is_change = changing and (sign is not None or (amount.in_parenthesis and parent_is_change))
        if is_change and item is None:
            item = previous_item
        if item is None:
            _unknown(line, amount, result)
            continue
        if is_change:
            signed = -amount.amount if sign and sign.group() in ("减少", "下降") else amount.amount
            if sign is None and parent_is_change and parent_negative:
                signed = -amount.amount
            _add(result, f"{item}_change", amount, signed, heading, _compared(amount.prefix))
        else:
            _add(result, item, amount, amount.amount, heading)
        if not amount.in_parenthesis:
            parent_is_change = is_change
            parent_negative = bool(sign and sign.group() in ("减少", "下降"))
        previous_item = item


def _amounts(line: Line, heading: str, result: FactResult) -> list[_Amount]:
    """Every amount of the line with its unit, label and sentence. A bare figure where an amount
    is expected takes the unit of the paragraph's other amounts, and says so (a note, and a
    finding); with no other amount to take it from, it is only a finding."""
    text = line.text
    amounts: list[_Amount] = []
    matches = list(_AMOUNT.finditer(text))
    units = Counter("万元" if m.group("unit") == "万" else m.group("unit") for m in matches if m.group("unit"))
    paragraph_unit = units.most_common(1)[0][0] if units else None
    for index, match in enumerate(matches):
        unit, note = match.group("unit"), ""
        if unit is None:
            if _NOT_MONEY.match(text, match.end()) or not _MONEY_WORDS.search(_label(text, match.start())):
                continue
            taken = f"taken as {paragraph_unit}, the unit of the paragraph's other figures" if paragraph_unit \
                else "not read"
            result.findings.append(Finding("extract", line.location, f"{heading}: the figure "
                                           f"{match.group('number')} has no money unit ({taken}): "
                                           f"{_sentence(text, match.start())}"))
            if paragraph_unit is None:
                continue
            unit, note = paragraph_unit, f"no unit written; {paragraph_unit} as the other figures of its paragraph"
        unit = "万元" if unit == "万" else unit
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        try:
            value = parse_amount(match.group("number"), unit)
        except AmountError as error:
            result.findings.append(Finding("extract", line.location, f"{heading}: {error}; not read as an amount"))
            continue
        assert value is not None  # the pattern matched digits
        amounts.append(_Amount(
            amount=value,
            unit=unit,
            label=_label(text, match.start()),
            prefix=text[:match.start()],
            sentence=_sentence(text, match.start()),
            in_parenthesis=_depth(text, match.start()) > 0,
            tail=text[match.end():end],
            note=note,
        ))
    return amounts


def _label(text: str, position: int) -> str:
    """The words since the previous clause boundary or amount; a parenthesis without figures is
    part of the words (因公出国（境）费)."""
    previous_amount = [m.end() for m in _AMOUNT.finditer(text, 0, position) if m.group("unit")]
    floor = max(previous_amount[-1:] + [0])
    end = position
    while True:
        boundaries = [m for m in _BOUNDARY.finditer(text, floor, end)]
        if not boundaries:
            return text[floor:position].strip()
        last = boundaries[-1]
        opening = max(text.rfind("（", floor, last.start()), text.rfind("(", floor, last.start()))
        if last.group() in "）)" and opening >= 0 and not _AMOUNT.search(text, opening, last.start()):
            end = opening
            continue
        return text[last.end():position].strip()


def _sentence(text: str, position: int) -> str:
    start = text.rfind("。", 0, position) + 1
    end = text.find("。", position)
    return text[start:end + 1 if end >= 0 else len(text)].strip()


def _depth(text: str, position: int) -> int:
    before = text[:position]
    return before.count("（") + before.count("(") - before.count("）") - before.count(")")


def _match(rules: list[Rule], label: str) -> str | None:
    return next((fact for pattern, fact in rules if pattern.search(label)), None)


def _item_name(label: str) -> str:
    previous = None
    name = label.strip()
    while name != previous:
        previous, name = name, _LABEL_NOISE.sub("", name).strip()
    return name


def _compared(prefix: str) -> str:
    found = _COMPARED.findall(prefix)
    return next((group for group in found[-1] if group), "") if found else ""


def _add(result: FactResult, fact: str, amount: _Amount, value: Decimal, heading: str, qualifier: str = "") -> None:
    result.facts.append(NarrativeFact(fact=fact, amount=value, sentence=amount.sentence, money_unit=amount.unit,
                                      section=heading, qualifier=qualifier, note=amount.note))


def _unknown(line: Line, amount: _Amount, result: FactResult) -> None:
    result.findings.append(Finding("extract", line.location, f"an amount whose meaning is not known "
                                   f"({amount.label or 'no label'}: {amount.amount} yuan): {amount.sentence}"))


_SIMPLE = {"operating": _OPERATING, "procurement": _PROCUREMENT, "assets": _ASSETS}
