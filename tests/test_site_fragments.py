"""Tables as HTML fragments beside the Markdown, put in by the site's hook once the page's Markdown
is converted."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import markdown
import pytest
from jinja2 import Undefined
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from generator.render.fragments import PLACEHOLDER, fragments_file
from generator.site import TEMPLATES_DIR, SiteBuildError, build_site
from generator.site.hooks import NavCache, PageSyntax

LUANCHENG = "shijiazhuang-luancheng-224-6c407b"  # seed 000


def test_tables_are_fragments_beside_the_markdown_and_not_published(built_site):
    docs, site = built_site.options.docs_dir, built_site.options.site_dir
    markdown = (docs / "units" / LUANCHENG / "index.md").read_text(encoding="utf-8")
    fragments = json.loads(fragments_file(docs / "units" / LUANCHENG / "index.md").read_text(encoding="utf-8"))
    # one placeholder per table, in order; no table row left in the Markdown
    assert [int(index) for index in PLACEHOLDER.findall(markdown)] == list(range(len(fragments)))
    assert not re.search(r"^\|", markdown, re.MULTILINE)
    assert any(re.search(r"<td>2013701</td>\s*<td>行政运行</td>", fragment) for fragment in fragments)
    assert not list(site.rglob("*.fragments.json"))
    page = (site / "units" / LUANCHENG / "index.html").read_text(encoding="utf-8")
    # a fragment is a table, or the nine standard tables' blocks of a year (unit_views.table_blocks)
    assert "<!-- fragment" not in page and page.count("<table") == sum(f.count("<table") for f in fragments)
    assert sum(1 for fragment in fragments if fragment.startswith('<details id="t1-')) == 1  # one year
    # a link in a table is made relative to its page, as MkDocs does for a Markdown link
    assert f'<td><a href="units/{LUANCHENG}/">栾城区 网信办</a></td>' in (site / "index.html").read_text(encoding="utf-8")
    assert f'<a href="../units/{LUANCHENG}/">栾城区 网信办</a>' in (site / "regions" / "index.html").read_text(
        encoding="utf-8")


def _docs_copy(built_site, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(built_site.options.docs_dir, docs)
    return docs, fragments_file(docs / "units" / LUANCHENG / "index.md")


def test_an_external_asset_in_a_table_fails_the_build(built_site, tmp_path):
    """The privacy plugin checks each page's final HTML, the tables in it."""
    docs, stored = _docs_copy(built_site, tmp_path)
    fragments = json.loads(stored.read_text(encoding="utf-8"))
    fragments[0] = fragments[0].replace("<td>", '<td><img src="https://example.org/t.png">', 1)
    stored.write_text(json.dumps(fragments), encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"example\.org"):
        build_site(docs, tmp_path / "site")


@pytest.mark.parametrize("change", ["drop a table", "link to a missing page", "draw a missing chart"])
def test_tables_that_do_not_match_the_page_fail_the_build(built_site, tmp_path, change):
    docs, stored = _docs_copy(built_site, tmp_path)
    fragments = json.loads(stored.read_text(encoding="utf-8"))
    if change == "drop a table":
        fragments.pop()
    elif change == "link to a missing page":
        fragments[0] = fragments[0].replace("<td>", '<td><a href="units/missing/index.md">x</a>', 1)
    else:
        chart = next(index for index, fragment in enumerate(fragments) if ' src="units/' in fragment)
        fragments[chart] = re.sub(r' src="units/[^"]+"', ' src="units/missing/chart.svg"', fragments[chart])
    stored.write_text(json.dumps(fragments), encoding="utf-8")
    with pytest.raises(SiteBuildError, match=LUANCHENG):
        build_site(docs, tmp_path / "site")


def test_a_link_to_a_missing_heading_still_fails_the_build(built_site, tmp_path):
    """Headings stay Markdown, so MkDocs still checks links to anchors (validation.anchors)."""
    docs, _ = _docs_copy(built_site, tmp_path)
    with (docs / "units" / LUANCHENG / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n[x](#no-such-heading)\n")
    with pytest.raises(SiteBuildError, match="no-such-heading"):
        build_site(docs, tmp_path / "site")


def _material_template(name: str) -> str:
    import material

    return (Path(material.__file__).parent / "templates" / name).read_text(encoding="utf-8")


def _override(name: str) -> str:
    return (TEMPLATES_DIR / "overrides" / name).read_text(encoding="utf-8")


def _without_header(template: str) -> str:
    return template.split("-#}\n", 1)[1]


def test_cached_theme_partials_are_materials_own():
    """The overrides only keep what material's partials render; the rest is material's file."""
    nav_item = _override("partials/nav-item.html")
    ours = _without_header(nav_item).split("{% macro render(nav_item, path, level, parent) -%}")[0]
    assert ours.replace("macro render_item(", "macro render(") == _without_header(
        _material_template("partials/nav-item.html"))
    toc = _override("partials/toc.html")
    body = toc.split("{%- set html -%}\n", 1)[1].split("{% endset -%}")[0]
    assert body + "\n" == _without_header(_material_template("partials/toc.html"))


def _page(url: str) -> Page:
    return Page(None, File(f"{url.rstrip('/') or 'index'}.md", "/docs", "/site", True), MkDocsConfig())


def test_navigation_items_are_kept_for_pages_that_link_to_them_alike():
    cache = NavCache(["", "years/", "units/a/", "units/b/", "units/c/", "units/c/more/"])
    item = Section("单位", [])
    key = cache.key(item, "__nav_4", 1, Undefined(), _page("units/a/"))
    assert key is not None and key == cache.key(item, "__nav_4", 1, Undefined(), _page("units/b/"))
    assert key != cache.key(item, "__nav_4", 1, Undefined(), _page("years/"))
    # a page with another target in its folder links to it as "more/", not "../c/more/"
    assert cache.key(item, "__nav_4", 1, Undefined(), _page("units/c/")) is None
    assert cache.key(item, "__nav_4", 1, Undefined(), _page("")) is None  # the home page
    item.active = True  # the page is in it
    assert cache.key(item, "__nav_4", 1, Undefined(), _page("units/a/")) is None


def test_the_inline_syntax_left_out_changes_no_page(built_site):
    """PageSyntax drops inline patterns no page uses: every page of the corpus's docs converts to
    the same HTML with and without it (a template that starts writing a code span fails here)."""
    extensions = ["tables", "attr_list", "md_in_html", "toc"]
    pages = sorted(built_site.options.docs_dir.rglob("*.md"))
    assert len(pages) == 18  # the unit pages and the site-wide ones
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert (markdown.Markdown(extensions=[*extensions, PageSyntax()]).convert(text)
                == markdown.Markdown(extensions=extensions).convert(text)), page
    with_syntax = markdown.Markdown(extensions=[*extensions, PageSyntax()])
    assert with_syntax.convert("`code` a  \nb") == "<p>`code` a  \nb</p>"  # no code span, no <br />
