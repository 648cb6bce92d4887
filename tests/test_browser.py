"""The built site in a real browser: Debian's Chromium driven by Playwright, site served on localhost.

Every page loads without a failed request, a request to another host or a console error, and
carries the licence; charts show with their Chinese labels; a known figure is visible; at
1280 px and 390 px nothing overflows the screen except inside a scrolling box with a cue, and
chart text stays at 11 px or more; search finds a figure's name and lands on its row; a
comparison table sorts, and is complete without JavaScript. Without a browser the test skips,
except under CI (CI set), where it fails.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
LUANCHENG = "shijiazhuang-luancheng-224-6c407b"  # seed 000


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run under CI: {reason}")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site.options.site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"no browser at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=ARGS, viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context
        context.close()


class Watch:
    """What a page asked for and complained about."""

    def __init__(self, page, origin: str) -> None:
        self.origin = urlsplit(origin).netloc
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failed.append(f"{request.url}: {request.failure}"))
        page.on("response", lambda response: response.status >= 400 and self.failed.append(
            f"{response.url}: HTTP {response.status}"))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Nothing may leave the machine, even if a page asked: such a request is recorded, then refused.
        page.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == self.origin
                   else route.abort())

    def elsewhere(self) -> list[str]:
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != self.origin]


def _open(browser, server: str, path: str, width: int = 1280):
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    watch = Watch(page, server)
    page.goto(f"{server}/{path}", wait_until="networkidle")
    return page, watch


def _assert_clean(watch: Watch, path: str) -> None:
    assert not watch.elsewhere(), f"{path}: requests to another host: {watch.elsewhere()}"
    assert not watch.failed, f"{path}: failed requests: {watch.failed}"
    assert not watch.errors, f"{path}: console errors: {watch.errors}"


def _pages(site: Path) -> list[str]:
    """Every page of the site, as its URL path."""
    return sorted(path.parent.relative_to(site).as_posix() + "/" if path.parent != site else ""
                  for path in site.rglob("index.html"))


def test_every_page_loads_cleanly_with_its_licence(browser, server, built_site):
    unit_ids = sorted({d.unit.unit_id for d in built_site.result.load_disclosures()})
    assert len(unit_ids) == 5
    pages = _pages(built_site.options.site_dir)
    assert {"", "search/", "compare/", "classes/", "classes/201/", "data/"} <= set(pages)
    for path in pages:
        page, watch = _open(browser, server, path)
        assert page.locator("h1").first.is_visible()
        licence = page.locator("footer .md-copyright")
        assert "CC BY 4.0" in licence.inner_text() and licence.is_visible(), path
        charts = page.locator("article img[src$='.svg']")
        for index in range(charts.count()):
            chart = charts.nth(index)
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), f"{path}: chart not drawn"
            assert chart.get_attribute("alt"), f"{path}: chart without alt text"
            svg = page.request.get(f"{server}/{path}{chart.get_attribute('src')}").text()
            assert "<text" in svg and any("\u4e00" <= char <= "\u9fff" for char in svg)
        if path.startswith("units/"):
            assert charts.count() >= 2, f"{path}: expected charts"  # at least expenditure and income
        _assert_clean(watch, path)
        page.close()


def test_known_figure_is_visible_and_screenshot(browser, server):
    page, watch = _open(browser, server, f"units/{LUANCHENG}/")
    assert page.get_by_text("2013701 行政运行 68.56 万元").first.is_visible()
    row = page.locator("#t5-2022-2013701")
    assert not row.is_visible()  # the official tables are folded under the key figures and charts
    page.locator("#t5-2022 > summary").click()
    assert row.is_visible() and "68.56" in row.inner_text()
    chart = page.locator("img[src='expenditure-by-function-2022.svg']")
    assert chart.is_visible() and "2013702 一般行政管理事务" in chart.get_attribute("alt")
    _assert_clean(watch, LUANCHENG)
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_overflows_and_chart_text_stays_readable(browser, server, built_site, width):
    """No part of a page is wider than the screen, except a table in its own scrolling box (which
    draws a shadow where columns are hidden); chart text is drawn at 11 px or more."""
    for path in ["", "compare/", "classes/201/", *(f"units/{unit}/" for unit in (LUANCHENG, "xingtai-longyao-288002-9f632e"))]:
        page, watch = _open(browser, server, path, width)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} at {width}px"
        boxes = page.evaluate("""() => [...document.querySelectorAll('article table')].map(table => {
            const box = table.closest('.grid-scroll');
            const style = box && getComputedStyle(box);
            return {wide: table.getBoundingClientRect().width > box.getBoundingClientRect().width + 1,
                    scrolls: !!style && style.overflowX === 'auto', cue: !!style && style.backgroundImage.includes('gradient'),
                    right: box ? box.getBoundingClientRect().right : 1e9};
        })""")
        assert boxes and all(box["right"] <= width + 1 for box in boxes), f"{path} at {width}px"
        assert all(box["scrolls"] and box["cue"] for box in boxes if box["wide"]), f"{path} at {width}px"
        scales = page.evaluate("[...document.querySelectorAll('article img[src$=\".svg\"]')]"
                               ".map(img => img.getBoundingClientRect().width / img.naturalWidth)")
        smallest = min((scale * 13 for scale in scales), default=13)  # charts draw text at 13 px and up
        assert smallest >= 11, f"{path} at {width}px: chart text {smallest:.1f} px"
        _assert_clean(watch, f"{path} at {width}px")
        page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_of_a_unit_page(browser, server, width):
    page, watch = _open(browser, server, f"units/{LUANCHENG}/", width)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"unit-page-{width}.png"), full_page=True)
    _assert_clean(watch, f"screenshot at {width}px")
    page.close()


@pytest.mark.parametrize(("word", "unit", "anchor"), [
    ("培训费", LUANCHENG, "t6-2022-30216"),  # an economic class, in table 6 only
    ("网络执法", LUANCHENG, "p-2022-8"),  # a project (the 8th listed)
    ("一般公共服务", LUANCHENG, None),  # a functional class
])
def test_search_finds_a_figure_name_and_lands_on_its_row(browser, server, built_site, word, unit, anchor):
    # the unit page is indexed in a part of the search other than the first, which the page loads
    # first: found only through the parts merged into it
    folder = built_site.options.site_dir / "pagefind"
    parts = json.loads((folder / "parts.json").read_text(encoding="utf-8"))
    holding = [part for part in parts for path in (folder / part / "fragment").glob("*.pf_fragment")
               if f'"url":"/units/{unit}/"'.encode() in gzip.decompress(path.read_bytes())]
    assert len(parts) >= 2 and holding and holding[0] != parts[0], (parts, holding)
    page, watch = _open(browser, server, "")
    page.fill(".site-search-form input", word)  # the form on every page leads to the search page
    page.press(".site-search-form input", "Enter")
    results = page.locator("#search-results li a")
    results.first.wait_for(state="visible", timeout=15_000)
    links = [results.nth(index).get_attribute("href") for index in range(results.count())]
    unit_links = [link for link in links if link.startswith("/units/")]
    assert unit_links and unit_links[0].startswith(f"/units/{unit}/"), links
    if anchor:
        assert unit_links[0] == f"/units/{unit}/#{anchor}"
        page.locator(f"#search-results a[href='/units/{unit}/#{anchor}']").click()
        page.wait_for_load_state("networkidle")
        row = page.locator(f"#{anchor}")
        assert row.is_visible() and word in row.inner_text()  # its table unfolded, the row in view
    _assert_clean(watch, f"search {word}")
    page.close()


def _column(page, year: int, column: int) -> list[str]:
    return page.eval_on_selector_all(f"#y{year} ~ .grid-scroll table tbody tr",
                                     f"rows => rows.map(row => row.cells[{column}].textContent.trim())")


def test_a_comparison_table_sorts_by_three_public_and_is_complete_without_javascript(browser, server):
    three_public = 7  # 单位, 地区, 支出合计, 基本, 项目, 人员, 公用, “三公”经费
    page, watch = _open(browser, server, "compare/")
    header = page.locator("#y2020 ~ .grid-scroll table").first.locator("th").nth(three_public)
    assert "三公" in header.inner_text()
    header.locator("button").click()
    first = _column(page, 2020, three_public)[:2]
    assert header.get_attribute("aria-sort") == "descending"
    values = [float(value.replace(",", "")) if value else float("-inf") for value in first]
    assert values == sorted(values, reverse=True)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    _assert_clean(watch, "compare")
    page.close()
    # without the site's scripts: the same table, every unit of the year with its figures, no buttons
    plain = browser.new_page()
    plain.route("**/*.js", lambda route: route.abort())
    plain.goto(f"{server}/compare/")
    names = plain.eval_on_selector_all("#y2020 ~ .grid-scroll table tbody tr",
                                       "rows => rows.map(row => row.cells[0].textContent.trim())")
    assert sorted(names) == ["廊坊市 市委网信办", "隆尧县 县委网信办"]
    assert _column(plain, 2020, three_public) != ["", ""]
    assert plain.locator("#y2020 ~ .grid-scroll table th button").count() == 0
    plain.close()


def test_a_browser_without_resize_observer_uses_the_local_polyfill(browser, server):
    # The theme would fetch the polyfill from a CDN here; the site ships its own copy.
    page = browser.new_page()
    page.add_init_script("delete window.ResizeObserver")
    watch = Watch(page, server)
    page.goto(f"{server}/units/{LUANCHENG}/", wait_until="networkidle")
    assert any(url.endswith("/assets/resize-observer-polyfill.js") for url in watch.requests)
    assert page.evaluate("typeof ResizeObserver") == "function"
    _assert_clean(watch, "without ResizeObserver")
    page.close()


def test_no_browser_under_ci_fails_rather_than_skips(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _unavailable("simulated")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _unavailable("simulated")
