"""The explanation part (情况说明): stated figures, duties and sub-units, projects and their
performance targets, procurement and fixed assets."""

from __future__ import annotations

import re

from generator.contract.document import Document
from generator.contract.records import Finding, Narrative, Organization
from generator.extract.assets import extract_assets
from generator.extract.facts import extract_facts
from generator.extract.performance import extract_performance
from generator.extract.procurement import extract_procurement
from generator.extract.projects import join_projects
from generator.extract.sections import Line, Row, Section, compact, split_sections

_DUTIES_LABEL = re.compile(r"^(?:部门|单位)?职责[:：]?")
_ORGANIZATIONS_LABEL = re.compile(r"^机构设置")
_ORGANIZATION_HEADER = "单位名称"


def extract_narrative(document: Document, money_unit: str) -> tuple[Narrative, list[Finding]]:
    """money_unit is the unit the budget tables use: the default for a performance or
    procurement table without its own 单位 row. Sentences carry their own units."""
    sections = split_sections(document)
    findings: list[Finding] = []
    if not sections:
        findings.append(Finding("extract", document.source or "document", "no section of the explanation part "
                                "(情况说明) was found"))
    facts = extract_facts(sections)
    performance = extract_performance(sections, money_unit)
    procurement = extract_procurement(sections, money_unit)
    assets = extract_assets(sections, money_unit)
    projects, project_findings = join_projects(facts.projects, performance.projects)
    duties = next((section for section in sections if section.kind == "duties"), None)
    narrative = Narrative(
        facts=facts.facts,
        duties=_duties(duties) if duties else "",
        organizations=_organizations(duties) if duties else [],
        projects=projects,
        indicators=performance.indicators,
        procurement=procurement.items,
        fixed_assets=assets.assets,
        sections=[section.heading for section in sections],
    )
    findings += facts.findings + performance.findings + project_findings + procurement.findings + assets.findings
    return narrative, findings


def _duties(section: Section) -> str:
    """The duties as published, one paragraph a line: from 部门职责 up to 机构设置."""
    lines: list[str] = []
    for item in section.items:
        if isinstance(item, Row):
            continue
        if _ORGANIZATIONS_LABEL.match(item.text):
            break
        text = _DUTIES_LABEL.sub("", item.text, count=1).strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def _organizations(section: Section) -> list[Organization]:
    """Rows of the 机构设置 table under its 单位名称 header; blank rows are template leftovers."""
    organizations: list[Organization] = []
    reading = False
    for item in section.items:
        if isinstance(item, Line):
            continue
        if compact(item.cell(0)) == _ORGANIZATION_HEADER:
            reading = True
        elif reading and not item.blank:
            organizations.append(Organization(name=item.cell(0), nature=item.cell(1), rank=item.cell(2),
                                              funding_form=item.cell(3)))
    return organizations
