"""The site as a data portal: comparison pages, a unit's standing, anchors, citation and licence."""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import re
from decimal import Decimal

from conftest import SOURCE_DOCS

from generator.contract.records import TableKind
from generator.pipeline.stored import InMemoryRecords
from generator.render import render_site
from generator.render.figures import total_row

LUANCHENG = "shijiazhuang-luancheng-224-6c407b"  # seed 000
LONGYAO = "xingtai-longyao-288002-9f632e"  # seed 003, 2020, in 元
LANGFANG = "langfang-ac041e"  # seed 004, 2020


def _page(built_site, *parts: str) -> str:
    return html.unescape((built_site.options.site_dir.joinpath(*parts) / "index.html").read_text(encoding="utf-8"))


def _rows(page: str, anchor: str) -> list[list[str]]:
    """The body rows of the first table after the element with id ``anchor``, as cell texts."""
    table = page[page.index(f'id="{anchor}"'):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_year_comparison_lists_every_unit_with_its_key_figures(built_site):
    page = _page(built_site, "compare")
    assert '<table data-sortable>' in page
    rows = _rows(page, "y2020")
    assert sorted(row[0] for row in rows) == ["廊坊市 市委网信办", "隆尧县 县委网信办"]
    longyao = next(row for row in rows if row[0] == "隆尧县 县委网信办")
    # total, basic, project, personnel, public, 三公, 机关运行经费 in 万元 (隆尧 publishes in 元: 477,884.00)
    assert longyao[2:5] == ["47.79", "32.79", "15.00"]
    luancheng = _rows(page, "y2022")
    assert luancheng == [["栾城区 网信办", "河北省 石家庄市 栾城区", "314.85", "204.78", "110.07", "185.71", "19.07",
                          "2.40", "19.07"]]


def test_a_page_per_functional_class_lists_the_units_that_spend_on_it(built_site):
    index = _page(built_site, "classes")
    assert "201 一般公共服务支出" in index
    page = _page(built_site, "classes", "201")
    assert "<h1" in page and "201 一般公共服务支出" in page
    # 类 201 and its 款 20137 (网信事务): 285.50 of 栾城's 314.85 万元
    assert ["栾城区 网信办", "河北省 石家庄市 栾城区", "2022", "285.50", "90.7%"] in _rows(page, "c201")
    assert ["栾城区 网信办", "河北省 石家庄市 栾城区", "2022", "285.50", "90.7%"] in _rows(page, "c20137")


def test_a_unit_page_has_anchors_a_citation_and_its_source_address(built_site):
    page = _page(built_site, "units", LUANCHENG)
    assert '<details id="t5-2022">' in page
    assert 'id="expenditure-by-function-2022"' in page and 'href="#expenditure-by-function-2022"' in page  # a chart
    assert '<tr id="t5-2022-2013701">' in page and '<tr id="t3-2022-20137">' in page
    row = page[page.index('<tr id="t5-2022-2013701">'):]
    assert "68.56" in row[:row.index("</tr>")]
    text = re.sub(r"<[^>]+>", "", page)
    assert "如何引用" in text and "网信办．2022年部门预算信息公开［数据集］．部门预算公开数据" in text
    assert "原发布地址：来源地址未登记" in text  # the manifest has no source_url for the corpus
    assert "2022年河北省 石家庄市只收录了本单位，没有可比的单位。" in text


def test_every_page_carries_the_package_licence(built_site):
    licence = json.loads((built_site.options.datapackage_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert licence["licenses"][0]["name"] == "CC-BY-4.0"
    pages = list(built_site.options.site_dir.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        assert "（CC BY 4.0，creativecommons.org/licenses/by/4.0/）" in path.read_text(encoding="utf-8"), path


def test_a_unit_standing_among_the_units_of_its_year_and_city(built_site, tmp_path):
    """Three copies of 栾城 in one city, with totals 314.85, 629.70 and 157.425 万元."""
    luancheng = next(d for d in built_site.result.load_disclosures() if d.unit.unit_id == LUANCHENG)
    disclosures = []
    for index, factor in enumerate((Decimal(1), Decimal(2), Decimal("0.5"))):
        unit_id = f"copy-{index}"
        copied = copy.deepcopy(luancheng)
        copied.unit = dataclasses.replace(luancheng.unit, unit_id=unit_id, unit_name=f"第{index + 1}局")
        copied.disclosure_id = f"{unit_id}-2022"
        total = total_row(copied.tables[TableKind.EXPENDITURE])
        total.amounts["total"] = total.amounts["total"] * factor
        disclosures.append(copied)
    docs = tmp_path / "docs"
    render_site(InMemoryRecords(disclosures, []), tmp_path / "no-package", docs, SOURCE_DOCS, cache_dir=tmp_path / "c")
    page = (docs / "units" / "copy-0" / "index.md").read_text(encoding="utf-8")
    # the page holds the markers; the blocks, beside it, go into the built page (tests/test_site_incremental.py)
    assert "<!-- standing 2022 -->\n<!-- /standing 2022 -->" in page
    standings = docs / "units" / "copy-0" / ".index.standings.json"
    block = json.loads(standings.read_text(encoding="utf-8"))["2022"]
    assert "与2022年河北省 石家庄市收录的 3 个单位相比：支出合计 314.85 万元，在公开了这一数字的 3 个单位中排第 2，" \
           "占这些单位合计的 28.6%" in html.unescape(block)
    # it moves with the other units' figures: kept out of the search index (tests/test_search_parts.py)
    assert block.startswith('<div class="standing" data-pagefind-ignore="all">\n<p>')
    assert block.endswith('<a href="compare.md#y2022">按年份比较全部单位</a></p>\n</div>')
    # a unit dropped: the others' standing is rewritten though their own inputs did not change
    render_site(InMemoryRecords(disclosures[:2], []), tmp_path / "no-package", docs, SOURCE_DOCS,
                cache_dir=tmp_path / "c")
    assert (docs / "units" / "copy-0" / "index.md").read_text(encoding="utf-8") == page
    block = html.unescape(json.loads(standings.read_text(encoding="utf-8"))["2022"])
    assert "收录的 2 个单位相比：支出合计 314.85 万元，在公开了这一数字的 2 个单位中排第 2，占这些单位合计的 33.3%" in block
