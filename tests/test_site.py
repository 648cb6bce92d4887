"""The static site: a page per unit from the corpus, strict MkDocs build, escaping, byte-stable output."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import html
import json
import re
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SOURCE_DOCS

from generator.contract.records import (
    BudgetTable,
    CheckOutcome,
    Disclosure,
    Narrative,
    Organization,
    PerformanceIndicator,
    Project,
    TableKind,
    TableRow,
    TableStatus,
    Unit,
)
from generator.pipeline.stored import InMemoryRecords
from generator.render import render_site
from generator.render.charts import bar_chart
from generator.render.figures import Bar
from generator.render.markup import amount, md
from generator.render.names import short_name, unit_titles
from generator.runtime.workers import worker_pool
from generator.site.builder import SiteBuildError, build_site

LUANCHENG = "shijiazhuang-luancheng-224-6c407b"  # seed 000


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def _unit_page(built_site, unit_id: str) -> str:
    return (built_site.options.site_dir / "units" / unit_id / "index.html").read_text(encoding="utf-8")


def test_a_page_for_each_of_the_five_units(built_site):
    unit_ids = {d.unit.unit_id for d in built_site.result.load_disclosures()}
    assert len(unit_ids) == 5 and LUANCHENG in unit_ids
    for unit_id in unit_ids:
        page = _unit_page(built_site, unit_id)
        assert "<h1" in page and "数据核对" in page
    site = built_site.options.site_dir
    for page in ("index.html", "years/index.html", "regions/index.html", "data/index.html", "quality/index.html"):
        assert (site / page).exists(), page


def test_the_years_page_links_each_unit_of_each_year(built_site):
    by_year: dict[int, set[str]] = {}
    for disclosure in built_site.result.load_disclosures():
        by_year.setdefault(disclosure.year, set()).add(disclosure.unit.unit_id)
    page = (built_site.options.site_dir / "years" / "index.html").read_text(encoding="utf-8")
    for year, unit_ids in by_year.items():
        paragraph = re.search(rf"<p>{year}年收录 (\d+) 个单位：(.*?)。</p>", page)
        assert paragraph is not None and int(paragraph.group(1)) == len(unit_ids)
        assert set(re.findall(r'<a href="\.\./units/([^/"]+)/">', paragraph.group(2))) == unit_ids


def test_the_known_figures_are_on_the_unit_page(built_site):
    page = _unit_page(built_site, LUANCHENG)
    text = re.sub(r"<[^>]+>", " ", page)
    assert "2013701 行政运行 68.56 万元" in text  # the summary sentence
    assert re.search(r"<td>2013701</td>\s*<td>行政运行</td>\s*<td[^>]*>68\.56</td>", page)  # table 3 as published
    assert "支出合计 314.85 万元" in text
    for chart in ("expenditure-by-function-2022.svg", "basic-by-economic-2022.svg", "income-by-source-2022.svg"):
        assert f'src="{chart}"' in page
    # A chart's block is an HTML fragment: its downloads made relative to the page, its numbers below it.
    assert ('<a download href="expenditure-by-function-2022.svg">图（SVG）</a> · '
            '<a download href="expenditure-by-function-2022.csv">数据（CSV）</a>') in page
    assert re.search(r'<summary>图中数字</summary>\n<div class="grid-scroll" tabindex="0">\n<table>.*?'
                     r"<td>2013701 行政运行</td>\n<td[^>]*>68\.56</td>", page, re.S)
    # the source document under an ASCII name, and the unit's data package
    assert 'href="source-2022.docx"' in page
    assert f"datapackage/downloads/units/{LUANCHENG}.zip" in page


def test_each_project_with_a_performance_table_has_one_section(built_site):
    # 000 lists 网络宣传管理 in 支出说明 and has a performance table of the same name: one section.
    docs = built_site.options.docs_dir / "units"
    for page in docs.glob("*/index.md"):
        headings = re.findall(r"^#### (.+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
        assert len(headings) == len(set(headings)), page.parent.name
    luancheng = (docs / LUANCHENG / "index.md").read_text(encoding="utf-8")
    assert luancheng.count("#### 网络宣传管理\n") == 1


def test_check_results_name_each_rule_in_chinese(built_site):
    page = html.unescape(_unit_page(built_site, LUANCHENG))
    text = re.sub(r"<[^>]+>", "", page)
    assert "共 377 项核对（30 条规则）：306 项通过，70 项未通过，1 项不适用。" in text
    assert "未通过的规则：模板文字未替换（68 项）、增减变化说明原因（1 项）、部门/单位称谓一致（1 项）。" in text
    # the failures in Chinese, folded away; the English messages stay in checks.csv
    assert "逐项查看未通过的核对（70 项）" in text
    assert "template text" not in text and "the indicator was not filled in" not in text
    assert re.search(r"<td>模板文字未替换</td>\s*<td>[^<]*一中心一站费用[^<]*</td>", page)
    assert "每项核对的结果在本年数据下载的 checks.csv 中" in text
    quality = html.unescape((built_site.options.site_dir / "quality" / "index.html").read_text(encoding="utf-8"))
    quality = quality.replace("<wbr>", "")
    assert "共 1074 项核对（30 条规则）：916 项通过，99 项未通过，59 项不适用。" in quality
    assert quality.count("<code>table.parent_equals_children</code>") == 1  # the catalogue: once, with its counts
    assert "九张预算表齐全 <code>completeness.tables</code>：9 项未通过" in quality  # 廊坊市 2020, no tables


def _nav_pages(entries: list[dict]):
    """(label, path) of every page in a navigation list, sections walked."""
    for entry in entries:
        for label, value in entry.items():
            if isinstance(value, str):
                yield label, value
            else:
                yield from _nav_pages(value)


def test_units_are_labelled_by_their_region(built_site):
    state = json.loads((built_site.options.docs_dir / ".site.json").read_text(encoding="utf-8"))
    # units under their city, county-level units under their county
    assert next(entry["单位"] for entry in state["nav"] if "单位" in entry) == [
        {"廊坊市": [{"廊坊市 市委网信办": "units/langfang-ac041e/index.md"}]},
        {"石家庄市": [{"晋州市": [{"晋州市 市委网信办": "units/shijiazhuang-jinzhou-224-e3ae86/index.md"}]},
                      {"栾城区": [{"栾城区 网信办": f"units/{LUANCHENG}/index.md"}]}]},
        {"邢台市": [{"隆尧县": [{"隆尧县 县委网信办": "units/xingtai-longyao-288002-9f632e/index.md"}]}]},
        {"邯郸市": [{"馆陶县": [{"馆陶县 县委网信办本级": "units/handan-guantao-224001-50b4ce/index.md"}]}]}]
    labels = dict(_nav_pages(next(entry["单位"] for entry in state["nav"] if "单位" in entry)))
    for disclosure in built_site.result.load_disclosures():
        unit = disclosure.unit
        label = next(label for label, path in labels.items() if path == f"units/{unit.unit_id}/index.md")
        assert label.startswith(f"{unit.county or unit.city} ")
        page = _unit_page(built_site, unit.unit_id)
        shown = re.sub(r"<[^>]+>", "", page)
        assert f">{label}</h1>" in page and f"单位名称：{unit.unit_name}" in shown  # the full name stays on the page
    home = (built_site.options.site_dir / "index.html").read_text(encoding="utf-8")
    assert '<a href="units/xingtai-longyao-288002-9f632e/">隆尧县 县委网信办</a>' in home


def test_short_names_drop_only_the_region_they_start_with():
    def unit(name: str, city: str = "邢台市", county: str = "隆尧县", unit_id: str = "u", code: str = "135") -> Unit:
        return Unit(unit_id, code, name, "河北省", city, county)

    assert short_name(unit("中共隆尧县委网络安全和信息化委员会办公室")) == "县委网信办"
    assert short_name(unit("中共廊坊市委网络安全和信息化委员会办公室", "廊坊市", "")) == "市委网信办"
    assert short_name(unit("河北省邢台市隆尧县统计局")) == "统计局"
    assert short_name(unit("隆尧县委宣传部")) == "县委宣传部"
    # not sure what the rest means, or the name is not this region's: the full name
    for name in ("网信办", "中共河北省委网信办", "中共隆尧县纪律检查委员会", "隆尧县", "宁晋县统计局"):
        assert short_name(unit(name)) == name
    # two districts named 桥西区: their city tells them apart; the same name twice in one place: the code,
    # then the id
    units = [unit("桥西区统计局", "石家庄市", "桥西区", "a"), unit("桥西区统计局", "张家口市", "桥西区", "b"),
             unit("隆尧县统计局", unit_id="c"), unit("统计局", unit_id="d", code="135001"),
             unit("隆尧县审计局", unit_id="e"), unit("审计局", unit_id="f")]
    assert unit_titles(units) == {"a": "石家庄市桥西区 统计局", "b": "张家口市桥西区 统计局",
                                  "c": "邢台市隆尧县 统计局（135）", "d": "邢台市隆尧县 统计局（135001）",
                                  "e": "邢台市隆尧县 审计局（e）", "f": "邢台市隆尧县 审计局（f）"}


def test_amounts_show_in_wan_beside_the_yuan_as_published(built_site):
    longyao = next(d for d in built_site.result.load_disclosures() if d.year == 2020 and d.published_unit == "元")
    page = _unit_page(built_site, longyao.unit.unit_id)
    # one display, 万元 to two decimals, with the unit named; the figures as published beside them
    assert "支出合计 47.79 万元" in page and "原文（元）" in page and ">477,884.00<" in page
    home = (built_site.options.site_dir / "index.html").read_text(encoding="utf-8")
    assert ">47.79<" in home and "47.7884" not in home


def test_charts_are_byte_stable_svg_with_chinese_text(built_site):
    chart = (built_site.options.site_dir / "units" / LUANCHENG / "expenditure-by-function-2022.svg")
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Noto Sans CJK SC" in svg and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "2013701 行政运行" in svg and "68.56" in svg
    assert bar_chart("标题", [Bar("a", Decimal("1"))]) == bar_chart("标题", [Bar("a", Decimal("1"))])


def _search_fragments(site: Path) -> dict[str, dict]:
    """Pagefind's stored text of each page indexed, by URL (gzip, after a signature, then JSON)."""
    import gzip

    found = {}
    for path in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        found[fragment["url"]] = fragment
    return found


def test_search_indexes_every_article_with_its_tables(built_site):
    site = built_site.options.site_dir
    fragments = _search_fragments(site)
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    assert parts == ["site", "units-0"]  # the site-wide pages, then the unit pages (one part: few units)
    counts = [json.loads((site / "pagefind" / part / "pagefind-entry.json").read_text(encoding="utf-8"))
              ["languages"]["zh"]["page_count"] for part in parts]
    assert sum(counts) == len(fragments) and counts[1] == len(list((site / "units").glob("*/index.html")))
    assert (site / "pagefind" / "site" / "pagefind.js").is_file()  # the script is in the first part only
    assert not (site / "pagefind" / "units-0" / "pagefind.js").exists()
    assert "/search/" not in fragments  # the search page's own examples find nothing
    page = fragments[f"/units/{LUANCHENG}/"]
    text = page["content"].replace("\u200b", "")  # Pagefind's Chinese segmentation
    # a table row (培训费, economic code 30216), a project, a functional class: all indexed
    for words in ("30216 培训费", "网络执法", "201 一般公共服务支出", "2013701 行政运行"):
        assert words in text, words
    assert any(anchor["id"] == "t6-2022-30216" and anchor["element"] == "tr" for anchor in page["anchors"])
    # the article only: not the navigation, which names the other units
    assert "馆陶" not in text and "搜索单位、科目" not in text


def test_pages_stay_small_as_units_grow(built_site, tmp_path):
    """Copies of 000 as 12 units in 3 cities × 2 counties: a unit page's navigation carries its
    own county's units, its city's counties and the cities, never every unit."""
    luancheng = next(d for d in built_site.result.load_disclosures() if d.unit.unit_id == LUANCHENG)
    disclosures, outcomes = [], []
    for city_index, city in enumerate(("石家庄市", "邯郸市", "邢台市")):
        for county_index, county in enumerate(("甲县", "乙县")):
            for unit_index in range(2):
                unit_id = f"unit-{city_index}-{county_index}-{unit_index}"
                unit = dataclasses.replace(luancheng.unit, unit_id=unit_id, city=city, county=county,
                                           unit_name=f"{county}第{unit_index + 1}局")
                disclosures.append(dataclasses.replace(luancheng, disclosure_id=f"{unit_id}-2022", unit=unit))
                outcomes += [dataclasses.replace(o, disclosure_id=f"{unit_id}-2022") for o in built_site.result.load_outcomes()
                             if o.disclosure_id == luancheng.disclosure_id]
    docs, site = tmp_path / "docs", tmp_path / "site"
    render_site(InMemoryRecords(disclosures, outcomes), tmp_path / "no-package", docs, SOURCE_DOCS)
    build_site(docs, site)
    page = (site / "units" / "unit-0-0-0" / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="\.\./(unit-[0-9-]+)/"', page))
    # Its county's other unit, the other county of its city and each other city (a collapsed
    # section links to its first page: 乙县 sorts before 甲县), and the previous page in the
    # footer: 5 of the 11 other units.
    assert linked == {"unit-0-0-1", "unit-0-1-0", "unit-1-1-0", "unit-2-1-0", "unit-0-1-1"}


def test_no_reference_to_another_host(built_site):
    site = built_site.options.site_dir
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(?:https?:)?//", url), f"{page}: {url}"


def test_sizes_and_checksums_on_the_data_page(built_site):
    page = (built_site.options.site_dir / "data" / "index.html").read_text(encoding="utf-8")
    csv = built_site.options.datapackage_dir / "expenditure_by_function.csv"
    assert hashlib.sha256(csv.read_bytes()).hexdigest() in page
    assert "function_code" in page and "economic_code" in page  # the dictionary, from the schemas


def test_same_inputs_same_bytes(built_site, tmp_path):
    """A second render and build of the same records, in other folders, gives the same bytes; the
    pipeline's pages were converted in its workers, these by MkDocs itself."""
    options = built_site.options
    docs, site = tmp_path / "docs", tmp_path / "site"
    render_site(built_site.result.records, options.datapackage_dir, docs, SOURCE_DOCS)
    assert _files(docs) == _files(options.docs_dir)
    build_site(docs, site)
    assert _files(site) == _files(options.site_dir)
    # the sitemap's date comes from the sources (1 January of the latest budget year), not the clock
    state = json.loads((docs / ".site.json").read_text(encoding="utf-8"))
    assert state["source_date_epoch"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "[x](javascript:alert(1))",
           "{% raw %}", "| a | b |", "# heading", "&lt;b&gt;"]


def _hostile_disclosure() -> Disclosure:
    text = " ".join(HOSTILE)
    unit = Unit("hostile-224-abc123", "224<b>", text, "河北省", "石家庄市", "栾城区")
    rows = [TableRow(1, "合计", {"total": Decimal("3148500"), "basic": Decimal("2148500"),
                                 "project": Decimal("1000000")}, is_total=True),
            TableRow(2, text, {"total": Decimal("685600"), "basic": Decimal("685600"), "project": None},
                     code="2013701")]
    table = BudgetTable(TableKind.EXPENDITURE, text, TableStatus.PRESENT, ["total", "basic", "project"], rows)
    narrative = Narrative(duties=text, organizations=[Organization(text, text)],
                          projects=[Project(text, amount=Decimal("1000000"), purpose=text, goal=text)],
                          indicators=[PerformanceIndicator(text, text, text, text, text, text, text)])
    return Disclosure("hostile-224-abc123-2022", unit, 2022, "部门", "万元", "<img src=x onerror=alert(1)>.docx",
                      "0" * 64, tables={TableKind.EXPENDITURE: table}, narrative=narrative)


def test_document_text_renders_inert(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    disclosure = _hostile_disclosure()
    shutil.copyfile(SOURCE_DOCS / "2022_石家庄市_栾城区_网信办_部门预算.docx", source / disclosure.source_file)
    outcome = CheckOutcome(disclosure.disclosure_id, "rule", " ".join(HOSTILE), "x", Decimal("1"), "<b>", "fail",
                           " ".join(HOSTILE))
    docs, site = tmp_path / "docs", tmp_path / "site"
    render_site(InMemoryRecords([disclosure], [outcome]), tmp_path / "no-package", docs, source)
    build_site(docs, site)
    # the tables' fragments (HTML stored beside the Markdown) are inert before they reach a page;
    # the search's stored text is plain text, which the search page shows as text (site.js)
    for page in [*site.rglob("*.html"), *site.rglob("*.svg"), *docs.rglob("*.fragments.json")]:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>" not in text, page
        assert not re.search(r"<[a-z][^>]*\son[a-z]+=|(?:href|src)=[\"']?\s*javascript:", text, re.I), page
    unit_page = (site / "units" / "hostile-224-abc123" / "index.html").read_text(encoding="utf-8")
    shown = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<script.*?</script>", "", unit_page, flags=re.S)))
    # shown as written, never evaluated: the template syntax stays, 7*7 never becomes 49
    assert shown.count("{{ 7*7 }}") >= 5 and "49" not in shown
    assert "[x](javascript:alert(1))" in shown and "<script>alert(1)</script>" in shown
    assert (site / "units" / "hostile-224-abc123" / "source-2022.docx").exists()


def test_unsafe_ids_never_become_paths(tmp_path):
    disclosure = _hostile_disclosure()
    disclosure.unit = Unit("../../escape", "224", "x", "河北省", "石家庄市", "栾城区")
    with pytest.raises(ValueError):
        render_site(InMemoryRecords([disclosure], []), tmp_path / "no-package", tmp_path / "docs", SOURCE_DOCS)


def test_render_refuses_to_wipe_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "precious.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ValueError):
        render_site(InMemoryRecords([], []), tmp_path / "no-package", tmp_path, SOURCE_DOCS)
    assert (tmp_path / "precious.txt").exists()


def test_escaping_and_amounts():
    assert md("<b>[x](y)</b>") == "&#60;b&#62;&#91;x&#93;&#40;y&#41;&#60;/b&#62;"
    assert md("a\n\tb") == "a b"
    assert amount(Decimal("3148500.00")) == "314.85"
    assert amount(Decimal("12338000")) == "1,233.80"
    assert amount(Decimal("477884"), "万元") == "47.79"  # pages show 万元 to two decimals
    assert amount(Decimal("477884"), "万元", exact=True) == "47.7884"  # an as-published table: never rounded
    assert amount(Decimal("477884"), "元") == "477,884.00"
    assert amount(None) == "" and amount(Decimal("0")) == "0.00"


def test_years_side_by_side_when_a_unit_has_several(built_site, tmp_path):
    luancheng = next(d for d in built_site.result.load_disclosures() if d.unit.unit_id == LUANCHENG)
    later = copy.deepcopy(luancheng)
    later.year, later.disclosure_id = 2023, f"{LUANCHENG}-2023"
    docs = tmp_path / "docs"
    render_site(InMemoryRecords([luancheng, later], []), tmp_path / "no-package", docs, SOURCE_DOCS)
    unit = docs / "units" / LUANCHENG
    page = (unit / "index.md").read_text(encoding="utf-8")
    assert "## 历年对比" in page and page.index("## 2023年") < page.index("## 2022年")  # newest first
    svg = (unit / "years.svg").read_text(encoding="utf-8")
    for label in ("2022 支出合计", "2023 支出合计", ">基本支出<", ">项目支出<"):  # bars, then the legend
        assert label in svg
    assert "2022 基本支出" not in svg  # parts are stacked in their total, never drawn beside it
    assert (unit / "source-2022.docx").exists() and (unit / "source-2023.docx").exists()


def test_an_external_asset_fails_the_build(built_site, tmp_path):
    """The privacy plugin guards the pages: an image from another host is a warning, so strict fails."""
    docs = tmp_path / "docs"
    shutil.copytree(built_site.options.docs_dir, docs)
    with (docs / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n![x](https://example.org/tracker.png)\n")
    with pytest.raises(SiteBuildError, match=r"example\.org"):
        build_site(docs, tmp_path / "site")


@pytest.mark.parametrize("in_workers", [False, True])
@pytest.mark.parametrize("link, warning", [
    ("[x](missing.md)", r"contains a link 'missing\.md', but the target .*is not found"),
    ("[x]({root}data.md#no-such-anchor)", r"the doc 'data\.md' does not contain an anchor '#no-such-anchor'"),
])
def test_a_broken_link_fails_the_build_wherever_the_page_is_converted(built_site, tmp_path, in_workers, link,
                                                                      warning):
    """What MkDocs warns of while it converts a page fails the strict build, also when a worker
    converted it: with workers, MkDocs converts the first page and the workers start from the last."""
    docs = tmp_path / "docs"
    shutil.copytree(built_site.options.docs_dir, docs)
    for page, root in [(docs / "index.md", ""), (sorted(docs.glob("units/*/index.md"))[-1], "../../")]:
        with page.open("a", encoding="utf-8") as text:
            text.write("\n" + link.format(root=root) + "\n")
    with pytest.raises(SiteBuildError) as failed, worker_pool(2) if in_workers else contextlib.nullcontext():
        build_site(docs, tmp_path / "site")
    assert len([warned for warned in failed.value.warnings if re.search(warning, warned)]) == 2
