"""One record per project: the mention in 支出说明 and the performance table (绩效目标表) joined.

The two parts of a disclosure name a project in their own words: a unit prefix (网络宣传经费 /
网信办网络宣传经费), a dropped 费 (网络设备维护 / 网络设备维护费) or other wording (网络专业培训 /
互联网专业培训). A mention and a table are the same project when their names are alike and,
where both state an amount, the amounts agree; a unique amount alone joins names that are less
alike; and when exactly one of each is left, and no two amounts say otherwise, they are the
pair. How each was joined is kept (Project.matched_by), and a pair whose amounts differ, or a mention without a table where the
others have one (and the reverse), becomes a finding: the document contradicts itself.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from generator.contract.records import Finding, Project

_SUFFIX = re.compile(r"(?:经费|费用|资金|项目|工作|费)+$")
_SPACES = re.compile(r"\s+")
# Name similarity (0-1) from which names alone join a mention and a table, and from which equal amounts do.
_ALIKE = 0.6
_ALIKE_WITH_AMOUNT = 0.4
_CONTAINED = 0.9


@dataclass
class _Pair:
    mention: Project
    table: Project
    matched_by: str


def join_projects(mentions: list[Project], tables: list[Project]) -> tuple[list[Project], list[Finding]]:
    """Projects in the order of the performance tables, then the mentions no table joined.

    ``mentions`` are the projects 支出说明 lists (name and amount), ``tables`` those of the
    performance tables; both are Project records with only their own side filled."""
    pairs = _pairs(mentions, tables)
    by_table = {id(pair.table): pair for pair in pairs}
    joined_mentions = {id(pair.mention) for pair in pairs}
    projects: list[Project] = []
    findings: list[Finding] = []
    for table in tables:
        pair = by_table.get(id(table))
        if pair is None:
            projects.append(_table_only(table))
            if mentions:
                findings.append(Finding("extract", "projects", f"the 绩效目标表 of {table.project_name} names a "
                                        f"project that 支出说明 does not list"))
            continue
        projects.append(_joined(pair))
        mention = pair.mention
        if mention.amount is not None and table.amount is not None and mention.amount != table.amount:
            findings.append(Finding("extract", "projects", f"{table.project_name}: 支出说明 states "
                                    f"{mention.amount} yuan ({mention.project_name}), its 绩效目标表 "
                                    f"{table.amount} yuan"))
    for mention in mentions:
        if id(mention) in joined_mentions:
            continue
        projects.append(_text_only(mention))
        if tables:
            findings.append(Finding("extract", "projects", f"{mention.project_name} is listed in 支出说明 "
                                    f"({mention.amount} yuan) but no 绩效目标表 names it"))
    return projects, findings


def project_ids(projects: list[Project], disclosure_id: str) -> list[str]:
    """A stable id per project: the disclosure and a hash of its code, else of its name; a
    second project of the same code or name in the disclosure gets a numbered id."""
    seen: Counter[str] = Counter()
    ids = []
    for project in projects:
        key = project.project_code or normalised_name(project.name_in_table or project.name_in_text
                                                      or project.project_name)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
        seen[digest] += 1
        ids.append(f"{disclosure_id}-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else ""))
    return ids


def normalised_name(name: str) -> str:
    """The name without spaces or a trailing 经费/费用/资金/费: what differs in wording only."""
    return _SUFFIX.sub("", _SPACES.sub("", name)) or _SPACES.sub("", name)


def similarity(first: str, second: str) -> float:
    a, b = normalised_name(first), normalised_name(second)
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return max(ratio, _CONTAINED) if a in b or b in a else ratio


def _pairs(mentions: list[Project], tables: list[Project]) -> list[_Pair]:
    """Greedy on the most alike names first; then unique equal amounts; then the only pair left."""
    candidates: list[tuple[float, int, int, str]] = []
    for m, mention in enumerate(mentions):
        for t, table in enumerate(tables):
            score = similarity(mention.project_name, table.project_name)
            same_amount = mention.amount is not None and mention.amount == table.amount
            if same_amount and score >= _ALIKE_WITH_AMOUNT:
                candidates.append((score + 1, m, t, "name_and_amount"))
            elif score >= _ALIKE:
                candidates.append((score, m, t, "name"))
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1], candidate[2]))
    free_mentions, free_tables = set(range(len(mentions))), set(range(len(tables)))
    chosen: list[tuple[int, int, str]] = []
    for _, m, t, how in candidates:
        if m in free_mentions and t in free_tables:
            chosen.append((m, t, how))
            free_mentions.discard(m)
            free_tables.discard(t)
    for m in sorted(free_mentions):
        amount = mentions[m].amount
        same = [t for t in free_tables if amount is not None and tables[t].amount == amount]
        others = [other for other in free_mentions if mentions[other].amount == amount]
        if len(same) == 1 and len(others) == 1:
            chosen.append((m, same[0], "amount"))
            free_tables.discard(same[0])
    free_mentions -= {m for m, _, _ in chosen}
    if len(free_mentions) == 1 and len(free_tables) == 1:
        m, t = free_mentions.pop(), free_tables.pop()
        if mentions[m].amount is None or tables[t].amount is None:  # no amount says they differ
            chosen.append((m, t, "only_pair_left"))
    return [_Pair(mentions[m], tables[t], how) for m, t, how in chosen]


def _joined(pair: _Pair) -> Project:
    table, mention = pair.table, pair.mention
    return Project(
        project_name=table.project_name or mention.project_name, project_code=table.project_code,
        amount=table.amount if table.amount is not None else mention.amount, fiscal_amount=table.fiscal_amount,
        purpose=table.purpose, goal=table.goal, spending_plan=table.spending_plan,
        name_in_text=mention.project_name, name_in_table=table.project_name,
        amount_in_text=mention.amount, amount_in_table=table.amount, matched_by=pair.matched_by)


def _table_only(table: Project) -> Project:
    return Project(
        project_name=table.project_name, project_code=table.project_code, amount=table.amount,
        fiscal_amount=table.fiscal_amount, purpose=table.purpose, goal=table.goal,
        spending_plan=table.spending_plan, name_in_table=table.project_name, amount_in_table=table.amount,
        matched_by="table_only")


def _text_only(mention: Project) -> Project:
    return Project(project_name=mention.project_name, amount=mention.amount, name_in_text=mention.project_name,
                   amount_in_text=mention.amount, matched_by="text_only")

