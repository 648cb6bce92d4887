"""What the site-wide pages list of the units: the latest year of each, one year, the units by
region, and the navigation's tree of units under their city and county."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import escape

from generator.render.views import table_link

if TYPE_CHECKING:
    from generator.render.pages import UnitView, YearView


def latest_entries(units: list[UnitView]) -> list[tuple[UnitView, YearView]]:
    return [(unit, unit.years[0]) for unit in units]


def year_entries(units: list[UnitView], year: int) -> list[tuple[UnitView, YearView]]:
    return [(unit, view) for unit in units for view in unit.years if view.disclosure.year == year]


def year_links(year: int, entries: list[tuple[UnitView, YearView]]) -> str:
    """The units of one year as a paragraph of links, an HTML fragment (generator.render.fragments):
    Python-Markdown took 1.35 s on it as Markdown at 1,000 disclosures and over 100 at 10,000."""
    links = "、".join(table_link(unit.title, f"units/{unit.unit_id}/index.md") for unit, _ in entries)
    return f"<div>\n<p>{year}年收录 {len(entries)} 个单位：{links}。</p>\n</div>\n"


def region_entries(units: list[UnitView]) -> list[tuple[str, list[tuple[UnitView, YearView]]]]:
    """Units grouped by province and city (county-level units under their city), in the units' order."""
    grouped: dict[str, list[tuple[UnitView, YearView]]] = {}
    for unit in units:
        region = " ".join(part for part in (unit.latest.unit.province, unit.latest.unit.city) if part) or "地区不详"
        grouped.setdefault(region, []).extend((unit, view) for view in unit.years)
    return list(grouped.items())


def unit_nav(units: list[UnitView]) -> list[dict]:
    """Units under their city, and county-level units under their county: with navigation.prune a
    page carries only its own branch, so pages do not grow with the number of units."""
    cities: dict[str, list[dict]] = {}
    counties: dict[tuple[str, str], list[dict]] = {}
    for unit in units:  # in the units' order: province, city, county, title
        city = str(escape(unit.latest.unit.city or "地区不详"))
        entries = cities.setdefault(city, [])
        county = unit.latest.unit.county
        if county:
            if (city, county) not in counties:
                counties[city, county] = []
                entries.append({str(escape(county)): counties[city, county]})
            entries = counties[city, county]
        entries.append({str(escape(unit.title)): f"units/{unit.unit_id}/index.md"})
    return [{city: entries} for city, entries in cities.items()]
