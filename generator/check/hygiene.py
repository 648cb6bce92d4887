"""Rules on how the document is written: template text left in place, changes stated without a
reason, years that do not fit, mixed money units, too many decimals, wording and punctuation."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator

from generator.check.engine import FAIL, HYGIENE, NOT_APPLICABLE, PASS, Result, rule
from generator.check.view import TABLE_KINDS, location, plain
from generator.contract.records import Disclosure, TableKind

PARAGRAPHS = "paragraphs"
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_SHOWN = 80


def sentences(disclosure: Disclosure) -> tuple[tuple[int, str], ...]:
    """(paragraph number, sentence) for every sentence of the text, in order."""
    return split_sentences(tuple(disclosure.paragraphs))


# Most hygiene rules read the sentences: the text is split once for all of them.
@functools.lru_cache(maxsize=16)
def split_sentences(paragraphs: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    found = []
    for number, paragraph in enumerate(paragraphs, start=1):
        for sentence in _SENTENCE_END.split(paragraph):
            sentence = sentence.strip()
            if sentence:
                found.append((number, sentence))
    return tuple(found)


def where(number: int, sentence: str) -> str:
    sentence = re.sub(r"\s+", " ", sentence)  # the .docx and its text export space words differently
    shown = sentence if len(sentence) <= _SHOWN else sentence[:_SHOWN] + "…"
    return f"paragraph {number}: {shown}"


_TEMPLATE = re.compile(r"目标内容\s*\d*|指标内容\s*\d*|有则写|无则填|请填写|待填写|待补充|此处填写|[XxＸｘ×]{2,}"
                       r"|\{(?:单位|部门)\}|（单位名称）|某某")


@rule(
    "hygiene.template_text", HYGIENE,
    ("模板文字未替换", "Template text left in place"),
    ("正文、项目绩效目标（目标、用途）和绩效指标中残留模板占位文字，如“1.目标内容1”“（有则写，无则填0万元）”“XX”"
     "“请填写”，以及三级指标照抄模板的二级指标类别名（数量指标/数量指标）（对应 GovBudgetChecker BUD-F001、BUD-007 "
     "模板占位符检查）。每处一条不通过。",
     "Template placeholders left in the text, in project goals and purposes, and in performance indicators, such as "
     "1.目标内容1, （有则写，无则填0万元）, XX, 请填写, and a 三级指标 that only repeats the template's category name "
     "(数量指标 under 数量指标) (counterpart of GovBudgetChecker BUD-F001 and BUD-007, placeholder checks). One "
     "failure per place."),
    (PARAGRAPHS, "projects", "performance_indicators"),
    ("BUD-F001", "BUD-007"),
)
def template_text(disclosure: Disclosure) -> Iterator[Result]:
    found = False
    for number, sentence in sentences(disclosure):
        for match in _TEMPLATE.finditer(sentence):
            found = True
            yield Result(PARAGRAPHS, where(number, sentence), None, match.group(), FAIL,
                         f"template text {match.group()!r} left in the text")
    for project in disclosure.narrative.projects:
        for field_name in ("goal", "purpose"):
            left = _TEMPLATE.search(getattr(project, field_name))
            if left:
                found = True
                yield Result("projects", f"project {project.project_name}, {field_name}", None,
                             getattr(project, field_name), FAIL,
                             f"template text {left.group()!r} as the project's {field_name}")
    for indicator in disclosure.narrative.indicators:
        if indicator.level3 == indicator.level2 and indicator.level3.endswith("指标"):
            found = True
            yield Result("performance_indicators", f"project {indicator.project_name}, {indicator.level2}", None,
                         indicator.level3, FAIL, "the 三级指标 repeats the template's category name "
                                                 f"{indicator.level2}: the indicator was not filled in")
        for field_name in ("level3", "description", "target"):
            left = _TEMPLATE.search(getattr(indicator, field_name))
            if left:
                found = True
                where_found = f"project {indicator.project_name}, {indicator.level2}/{indicator.level3}, {field_name}"
                yield Result("performance_indicators", where_found, None, getattr(indicator, field_name), FAIL,
                             f"template text {left.group()!r} in a performance indicator")
    if not found and (disclosure.paragraphs or disclosure.narrative.projects):
        yield Result(PARAGRAPHS, "", None, None, PASS,
                     f"no template text in {len(disclosure.paragraphs)} paragraphs, "
                     f"{len(disclosure.narrative.projects)} projects and {len(disclosure.narrative.indicators)} "
                     f"indicators")


@rule(
    "hygiene.indicator_targets", HYGIENE,
    ("绩效指标有指标值", "Performance indicators have target values"),
    ("每个项目绩效目标表中，每条绩效指标都应有指标值；空缺的指标值按项目列出。",
     "In each project's performance table every indicator should have a target value; indicators without one are "
     "counted per project."),
    ("performance_indicators",),
)
def indicator_targets(disclosure: Disclosure) -> Iterator[Result]:
    by_project: dict[str, list] = defaultdict(list)
    for indicator in disclosure.narrative.indicators:
        by_project[indicator.project_name].append(indicator)
    for project, indicators in by_project.items():
        blank = [i for i in indicators if not i.target.strip()]
        status = FAIL if blank else PASS
        yield Result("performance_indicators", f"project {project}", str(len(indicators)),
                     str(len(indicators) - len(blank)), status,
                     f"{len(blank)} of {len(indicators)} indicators have no target value" if blank
                     else f"all {len(indicators)} indicators have a target value")


_CHANGE = re.compile(r"(?:增加|减少|增长|下降|上升)\s*(\d[\d,.]*)")
_COMPARED = re.compile(r"较|比上年|与.{0,10}相比|同比")
_NO_CHANGE = re.compile(r"持平|没有增减|无增减|未发生变化|没有变化")
_REASON = re.compile(r"原因|由于|因为|因(?!公)|主要|用于|系")


@rule(
    "hygiene.change_reason", HYGIENE,
    ("增减变化说明原因", "A change against last year gives its reason"),
    ("说明中与上年相比增加或减少一定金额（非零）的句子，须在本句或下一句说明原因（原因、由于、因为、主要为……）；"
     "持平或无变化不需原因（对应 GovBudgetChecker BUD-T006 同比变动描述检查）。",
     "A sentence stating a non-zero increase or decrease against last year must give a reason in that sentence or "
     "the next (原因, 由于, 因为, 主要为 …); no change needs none (counterpart of GovBudgetChecker BUD-T006)."),
    (PARAGRAPHS,),
    ("BUD-T006",),
)
def change_reason(disclosure: Disclosure) -> Iterator[Result]:
    text = sentences(disclosure)
    for index, (number, sentence) in enumerate(text):
        changes = [m for m in _CHANGE.finditer(sentence) if re.sub(r"[0.,]", "", m.group(1))]
        if not changes or not _COMPARED.search(sentence) or _NO_CHANGE.search(sentence):
            continue
        following = text[index + 1][1] if index + 1 < len(text) else ""
        reason = _REASON.search(sentence[changes[0].start():]) or _REASON.search(following)
        yield Result(PARAGRAPHS, where(number, sentence), "a reason", reason.group() if reason else None,
                     PASS if reason else FAIL,
                     "the change is explained" if reason else f"{changes[0].group()} stated without a reason")


_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年")
_YEAR_EXEMPT = re.compile(r"《[^》]*$|(?:截至|截止|依据)[^，。；]{0,8}$")


@rule(
    "hygiene.years_fit", HYGIENE,
    ("文中年份与预算年度相符", "Years in the text fit the budget year"),
    ("正文提到的年份应为预算年度或上一年度（与上年比较、上年末资产）；书名号内、“截至/截止/依据”之后的年份除外"
     "（对应 GovBudgetChecker BUD-006 年份合规检查）。",
     "Years in the text should be the budget year or the year before (the comparison year, last year-end assets); "
     "years inside 《》 or after 截至/截止/依据 are exempt (counterpart of GovBudgetChecker BUD-006)."),
    (PARAGRAPHS,),
    ("BUD-006",),
)
def years_fit(disclosure: Disclosure) -> Iterator[Result]:
    if not disclosure.year or not disclosure.paragraphs:
        return
    allowed = {disclosure.year, disclosure.year - 1}
    seen, failed = 0, False
    for number, sentence in sentences(disclosure):
        for match in _YEAR.finditer(sentence):
            if _YEAR_EXEMPT.search(sentence[:match.start()]):
                continue
            seen += 1
            if int(match.group(1)) not in allowed:
                failed = True
                yield Result(PARAGRAPHS, where(number, sentence), f"{disclosure.year - 1}–{disclosure.year}",
                             match.group(1), FAIL, f"year {match.group(1)} in a {disclosure.year} budget")
    if not failed:
        yield Result(PARAGRAPHS, "", str(disclosure.year), None, PASS, f"all {seen} year mentions fit")


_YUAN = re.compile(r"\d\s*元")
_WAN = re.compile(r"\d\s*万元?")


@rule(
    "hygiene.mixed_units", HYGIENE,
    ("同一句中元与万元混用", "One sentence mixes 元 and 万元"),
    ("同一句内的金额既有以元又有以万元表示的，读者容易误读（对应 GovBudgetChecker BUD-F003 同句单位口径冲突）。",
     "A sentence giving its amounts partly in 元 and partly in 万元, which readers misread (counterpart of "
     "GovBudgetChecker BUD-F003)."),
    (PARAGRAPHS,),
    ("BUD-F003",),
)
def mixed_units(disclosure: Disclosure) -> Iterator[Result]:
    checked, failed = 0, False
    for number, sentence in sentences(disclosure):
        has_yuan, has_wan = _YUAN.search(sentence), _WAN.search(sentence)
        if has_yuan or has_wan:
            checked += 1
        if has_yuan and has_wan:
            failed = True
            yield Result(PARAGRAPHS, where(number, sentence), "one unit", "元 and 万元", FAIL,
                         f"amounts in 元 ({has_yuan.group()}) and in 万元 ({has_wan.group()}) in one sentence")
    if checked and not failed:
        yield Result(PARAGRAPHS, "", None, None, PASS, f"{checked} sentences with amounts read")


_TOO_PRECISE = re.compile(r"\d+\.\d{3,}\s*万元?")
_HUNDRED = 100  # yuan: 0.01万元, the last digit a 万元 table publishes


@rule(
    "hygiene.decimals", HYGIENE,
    ("万元金额不超过两位小数", "Amounts in 万元 have at most two decimals"),
    ("以万元公布的金额（表格与正文）最多两位小数，如 1.385万元 为三位（对应 GovBudgetChecker BUD-F004 金额精度）。",
     "Amounts published in 万元, in tables and text, have at most two decimals; 1.385万元 has three "
     "(counterpart of GovBudgetChecker BUD-F004)."),
    (PARAGRAPHS,) + tuple(kind.value for kind in TableKind),
    ("BUD-F004",),
)
def decimals(disclosure: Disclosure) -> Iterator[Result]:
    read, failed = 0, False
    for number, sentence in sentences(disclosure):
        for match in _TOO_PRECISE.finditer(sentence):
            failed = True
            yield Result(PARAGRAPHS, where(number, sentence), "2 decimals", match.group(), FAIL,
                         f"{match.group()} has more than two decimals")
    for kind in TABLE_KINDS:
        table = disclosure.table(kind)
        if table is None or table.money_unit != "万元":
            continue
        for row in table.rows:
            for column, amount in row.amounts.items():
                if amount is None:
                    continue
                read += 1
                if amount % _HUNDRED:
                    failed = True
                    yield Result(kind.value, location(row, column), "2 decimals", amount, FAIL,
                                 f"{amount} yuan is {amount / 10000} 万元: more than two decimals")
    if not failed and (read or disclosure.paragraphs):
        yield Result(PARAGRAPHS, "", None, None, PASS, f"{read} table amounts and the text read")


_TITLE_SCOPE = re.compile(r"^(部门|单位)预算")
_TEXT_SCOPE = re.compile(r"\d{4}\s*年\s*(部门|单位)预算(?:信息)?公开")


@rule(
    "hygiene.scope_wording", HYGIENE,
    ("部门/单位称谓一致", "Tables and text say 部门 or 单位 consistently"),
    ("部门预算的各表标题应以“部门预算”开头、单位预算以“单位预算”开头，情况说明标题同理（对应 GovBudgetChecker "
     "BUD-D001 称谓一致性）。",
     "In a department budget every table title begins with 部门预算 and in a unit budget with 单位预算, and the "
     "explanation's title likewise (counterpart of GovBudgetChecker BUD-D001)."),
    (PARAGRAPHS,) + tuple(kind.value for kind in TableKind),
    ("BUD-D001",),
)
def scope_wording(disclosure: Disclosure) -> Iterator[Result]:
    if disclosure.scope not in ("部门", "单位"):
        return
    for kind in TABLE_KINDS:
        table = disclosure.table(kind)
        match = _TITLE_SCOPE.match(plain(table.title)) if table is not None else None
        if table is not None and match:
            yield Result(kind.value, f"table {kind.number} {table.title}", disclosure.scope, match.group(1),
                         PASS if match.group(1) == disclosure.scope else FAIL,
                         f"the title says {match.group(1)}预算 in a {disclosure.scope}预算 disclosure")
    for number, sentence in sentences(disclosure):
        match = _TEXT_SCOPE.search(sentence)
        if match:
            yield Result(PARAGRAPHS, where(number, sentence), disclosure.scope, match.group(1),
                         PASS if match.group(1) == disclosure.scope else FAIL,
                         f"the text says {match.group(1)}预算 in a {disclosure.scope}预算 disclosure")


_REPEATED = re.compile(r"([，。；：、,;:])\1+|[，；：、][，。；：、]|([\u4e00-\u9fff]{2,6})\2")


@rule(
    "hygiene.punctuation", HYGIENE,
    ("重复标点与重复字词", "Repeated punctuation and words"),
    ("正文中连续重复或相邻冲突的标点（，，、，。）以及紧邻重复的词（主要为主要为）（对应 GovBudgetChecker BUD-F002 "
     "重复与混用标点）。",
     "Repeated or clashing adjacent punctuation (，， or ，。) and a word repeated back to back (主要为主要为) "
     "(counterpart of GovBudgetChecker BUD-F002)."),
    (PARAGRAPHS,),
    ("BUD-F002",),
)
def punctuation(disclosure: Disclosure) -> Iterator[Result]:
    found = False
    for number, sentence in sentences(disclosure):
        for match in _REPEATED.finditer(sentence):
            found = True
            yield Result(PARAGRAPHS, where(number, sentence), None, match.group(), FAIL,
                         f"{match.group()!r} repeated")
    if not found and disclosure.paragraphs:
        yield Result(PARAGRAPHS, "", None, None, PASS, f"{len(disclosure.paragraphs)} paragraphs read")


_COVERAGE = re.compile(r"收支包含在部门预算中|所属(?:事业)?单位|下属单位|含所属")


@rule(
    "hygiene.coverage_statement", HYGIENE,
    ("部门预算说明所含单位", "A department budget says which units it covers"),
    ("部门预算的情况说明应声明本部门及所属单位的收支包含在部门预算中（对应 GovBudgetChecker BUD-D002）；单位预算不适用。",
     "A department budget's explanation should state that the department's and its subordinate units' income and "
     "expenditure are included (counterpart of GovBudgetChecker BUD-D002); not applicable to a unit budget."),
    (PARAGRAPHS,),
    ("BUD-D002",),
)
def coverage_statement(disclosure: Disclosure) -> Iterator[Result]:
    if not disclosure.paragraphs:
        return
    if disclosure.scope != "部门":
        yield Result(PARAGRAPHS, "", None, None, NOT_APPLICABLE, f"a {disclosure.scope or 'scope-less'} budget")
        return
    for number, sentence in sentences(disclosure):
        if _COVERAGE.search(sentence):
            yield Result(PARAGRAPHS, where(number, sentence), "a statement", "found", PASS, "coverage stated")
            return
    yield Result(PARAGRAPHS, "", "a statement", None, FAIL, "no statement of the units the department budget covers")
