"""How the site names a unit: "<region> <short name>".

Every county has the same offices under the same names (中共X县委网络安全和信息化委员会办公室,
or just 网信办 in its tables): led by its county or city, a unit tells apart from its namesakes
in the navigation and the lists. The full name stays on the unit's page.
"""

from __future__ import annotations

from collections import Counter

from generator.contract.records import Unit

# Abbreviations the disclosures themselves use (their file names and tables say 网信办).
ABBREVIATIONS = (("网络安全和信息化委员会办公室", "网信办"),)
PARTY_PREFIX = "中共"


def place(unit: Unit) -> str:
    """The unit's own region: its county, else its city, else its province."""
    return unit.county or unit.city or unit.province


def short_name(unit: Unit) -> str:
    """The name without the region it starts with, which the label shows anyway:
    中共隆尧县委网络安全和信息化委员会办公室 → 县委网信办, 隆尧县统计局 → 统计局.
    The full name when it does not start with the unit's own region (网信办, 中共河北省委…)."""
    name = unit.unit_name.strip()
    here = place(unit)
    rest = name.removeprefix(PARTY_PREFIX)
    leads = (unit.province + unit.city + unit.county, unit.city + unit.county, here)
    lead = next((lead for lead in leads if here and rest.startswith(lead)), None)
    if lead is None:
        return name
    rest = rest[len(lead):]
    if rest.startswith("委"):
        rest = here[-1] + rest  # the committee of this county (县委), district (区委) or city (市委)
    elif name.startswith(PARTY_PREFIX) or not rest:
        return name
    for long, short in ABBREVIATIONS:
        rest = rest.replace(long, short)
    return rest


def _label(unit: Unit, level: int) -> str:
    """Level 0: 隆尧县 县委网信办; 1: the region with its city (石家庄市桥西区 统计局); 2: and the unit's code;
    3: and its id, which no other unit has."""
    region = place(unit) if level == 0 else (unit.city + unit.county if unit.county else unit.province + unit.city)
    label = f"{region} {short_name(unit)}".strip()
    suffix = {2: unit.unit_code, 3: unit.unit_id}.get(level)
    return f"{label}（{suffix}）" if suffix else label


def unit_titles(units: list[Unit]) -> dict[str, str]:
    """unit_id → label; units that would share a label (a 桥西区 in two cities) get a fuller one."""
    levels = dict.fromkeys((unit.unit_id for unit in units), 0)
    for _ in range(3):
        labels = {unit.unit_id: _label(unit, levels[unit.unit_id]) for unit in units}
        shared = Counter(labels.values())
        clashing = [unit.unit_id for unit in units if shared[labels[unit.unit_id]] > 1]
        if not clashing:
            break
        for unit_id in clashing:
            levels[unit_id] += 1
    return {unit.unit_id: _label(unit, levels[unit.unit_id]) for unit in units}
