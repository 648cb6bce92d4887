"""The site's history: a unit with two years shows its year-over-year comparison and the check of
the change its explanation states; the data changelog is a page, rendered inert; the bulk zip is linked."""

from __future__ import annotations

import csv
import hashlib
import html
import re
import shutil
from dataclasses import dataclass
from itertools import pairwise

import pytest
from conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES

from generator.history.snapshot import record_snapshot
from generator.package import bulk_download
from generator.pipeline.build import BuildOptions, BuildResult, build
from generator.pipeline.sources import MANIFEST_FIELDS, read_manifest
from generator.render import render_site
from generator.render.changelog import changelog_blocks, inline

LUANCHENG = "shijiazhuang-luancheng-224-6c407b"  # seed 000
NEXT_YEAR = "2023_石家庄市_栾城区_网信办_部门预算.txt"
# A maintainer's note added by hand to the changelog: shown as text, never as markup.
HOSTILE_NOTE = """
### Note <script>alert(1)</script>

Corrected [x](javascript:alert(1)) <img src=x onerror=alert(1)> `<b>code</b>` ``a`b``

- item `<svg onload=alert(1)>` **bold**

| a | b |
|---|--:|
| <i>cell</i> | `|` |
"""


@dataclass(frozen=True)
class History:
    options: BuildOptions
    result: BuildResult

    def page(self, *parts: str) -> str:
        return (self.options.site_dir.joinpath(*parts) / "index.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    """What a reader sees: tags dropped, references resolved, whitespace folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    """Seed 000 and its next year (the same text with each year moved on by one), snapshotted once,
    then built with the site."""
    root = tmp_path_factory.mktemp("site-history")
    source = root / "source_docs"
    source.mkdir()
    stem = SEEDS["000"]
    text = (TEXT_FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")
    shutil.copy(TEXT_FIXTURES / f"{stem}.txt", source / f"{stem}.txt")
    (source / NEXT_YEAR).write_text(text.replace("2022", "2023").replace("2021", "2022"), encoding="utf-8")
    row = {**read_manifest(SOURCE_DOCS)[f"{stem}.docx"], "file": f"{stem}.txt"}
    with (source / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows([row, {**row, "file": NEXT_YEAR, "year": "2023"}])
    changelog = root / "CHANGELOG.md"
    options = BuildOptions(source, root / "datapackage", root / "site", cache_dir=None, jobs=1,
                           changelog=changelog, docs_dir=root / "docs")
    # The snapshot needs a package to describe: the data alone first, then the one site build.
    build(BuildOptions(source, root / "datapackage", root / "site", cache_dir=None, jobs=1, with_site=False,
                       changelog=changelog), log=lambda line: None)
    record_snapshot(root / "datapackage", "2024.1", "2024-06-01", changelog)
    with changelog.open("a", encoding="utf-8") as handle:
        handle.write(HOSTILE_NOTE)
    return History(options, build(options, log=lambda line: None))


def test_unit_page_compares_the_two_years(history):
    page = history.page("units", LUANCHENG)
    text = _text(page)
    assert "2023年与2022年对比" in text
    # the totals as prose, then the grids: totals, functional and economic classes, side by side
    assert "支出合计 314.85 万元 → 314.85 万元（0.00）" in text
    for line in ("支出合计", "201 一般公共服务支出", "208 社会保障和就业支出", "301 工资福利支出"):
        assert re.search(rf"<td>{line}</td>\s*(<td[^>]*>[^<]*</td>\s*){{3}}", page), line
    assert re.search(r"<td>201 一般公共服务支出</td>\s*<td[^>]*>285\.50</td>\s*<td[^>]*>285\.50</td>\s*"
                     r"<td[^>]*>0\.00</td>", page)
    assert "2023年新增的项目：无" in text and "2023年不再列出的项目：无" in text
    # the known figure in both years' sections
    assert text.count("2013701 行政运行 68.56 万元") == 2
    assert 'src="years.svg"' in page


def test_unit_page_shows_the_change_vs_last_year_check(history):
    outcome = next(o for o in history.result.load_outcomes()
                   if o.rule == "years.change_vs_last_year" and o.disclosure_id == f"{LUANCHENG}-2023")
    assert (outcome.status, outcome.expected, outcome.actual) == ("fail", 0, -475900)
    text = _text(history.page("units", LUANCHENG))
    # 2023's explanation states 较2022年预算减少47.59万元; the two published totals are equal
    assert "2023年说明中的“比上年增减”核对" in text
    assert "✗ 未通过：应为 0.00 万元，实为 -47.59 万元。" in text
    assert "应为 0.00 万元，实为 -47.59 万元，相差 -47.59 万元" in text  # in Chinese; checks.csv keeps the English


def test_changelog_page_renders_the_snapshot_entry(history):
    page = html.unescape(history.page("changelog"))
    text = _text(page)
    assert "数据更新记录" in text and "本站数据版本：2024.1" in text
    assert re.search(r"<h3[^>]*>2024\.1 \(2024-06-01\)</h3>", page)
    assert "Changes from <code>(nothing)</code> to <code>2024.1</code>." in page
    assert re.search(r"<td>disclosures</td>\s*<td[^>]*>2</td>", page)
    assert f"<code>{LUANCHENG}-2022 | 301</code>" in page
    # headings step down one level at a time under the page title
    levels = [int(level) for level in re.findall(r"<h(\d)", page[page.index("数据更新记录"):])]
    assert all(b - a <= 1 for a, b in pairwise(levels))
    assert "数据更新记录" in history.page("")  # in the navigation


def test_changelog_text_stays_inert(history):
    page = history.page("changelog")
    assert "<script>alert" not in page and "<img src=x" not in page and "<i>cell" not in page
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=|(?:href|src)=[\"']?\s*javascript:", page, re.I)
    assert "<strong>bold" not in page
    text = _text(page)
    assert "Note <script>alert(1)</script>" in text
    assert "Corrected [x](javascript:alert(1)) <img src=x onerror=alert(1)> <b>code</b> a`b" in text
    assert "<code>&#60;b&#62;code&#60;/b&#62;</code>" in page


def test_inline_keeps_code_spans_and_spaces():
    assert inline("`a`: `b` → `c`") == "<code>a</code>&#58; <code>b</code> → <code>c</code>"
    assert inline("`` x`y ``") == "<code>x&#96;y</code>"
    assert inline("`unclosed <b>") == "&#96;unclosed &#60;b&#62;"


def test_without_a_changelog_the_page_says_so(history, tmp_path):
    docs = tmp_path / "docs"
    assert changelog_blocks(tmp_path / "CHANGELOG.md") == []
    render_site(history.result.records, history.options.datapackage_dir, docs,
                history.options.source_dir, tmp_path / "CHANGELOG.md")
    assert "尚未发布数据快照" in (docs / "changelog.md").read_text(encoding="utf-8")


def test_data_page_links_the_bulk_zip_with_size_and_checksum(history):
    bulk = history.options.datapackage_dir / bulk_download("budget-disclosures")
    page = history.page("data")
    assert 'href="../datapackage/downloads/budget-disclosures.zip"' in page
    assert hashlib.sha256(bulk.read_bytes()).hexdigest() in page
    assert "SHA256SUMS" in _text(page) and 'href="../changelog/"' in page
    # the same zip is offered on the unit page, and it is the package's own (one bulk zip)
    assert (history.options.site_dir / "datapackage" / bulk_download("budget-disclosures")).read_bytes() \
        == bulk.read_bytes()
    assert "datapackage/downloads/budget-disclosures.zip" in history.page("units", LUANCHENG)
