"""The built site in a real browser: Debian's Chromium driven by Playwright, site served on localhost.

Every page loads without a failed request, a request to another host or a console error;
charts show with their Chinese labels; a known figure is visible; Chinese search finds words.
Without a browser the test skips, except under CI (CI set), where it fails.
"""

from __future__ import annotations

import functools
import http.server
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


def _open(browser, server: str, path: str):
    page = browser.new_page()
    watch = Watch(page, server)
    page.goto(f"{server}/{path}", wait_until="networkidle")
    return page, watch


def _assert_clean(watch: Watch, path: str) -> None:
    assert not watch.elsewhere(), f"{path}: requests to another host: {watch.elsewhere()}"
    assert not watch.failed, f"{path}: failed requests: {watch.failed}"
    assert not watch.errors, f"{path}: console errors: {watch.errors}"


def test_home_and_every_unit_page_load_cleanly(browser, server, built_site):
    unit_ids = sorted({d.unit.unit_id for d in built_site.result.load_disclosures()})
    assert len(unit_ids) == 5
    for path in ["", *(f"units/{unit_id}/" for unit_id in unit_ids)]:
        page, watch = _open(browser, server, path)
        assert page.locator("h1").first.is_visible()
        charts = page.locator("article img[src$='.svg']")
        for index in range(charts.count()):
            chart = charts.nth(index)
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), f"{path}: chart not drawn"
            assert chart.get_attribute("alt"), f"{path}: chart without alt text"
            svg = page.request.get(f"{server}/{path}{chart.get_attribute('src')}").text()
            assert "<text" in svg and any("\u4e00" <= char <= "\u9fff" for char in svg)
        if path:
            assert charts.count() >= 2, f"{path}: expected charts"  # at least expenditure and income
        _assert_clean(watch, path)
        page.close()


def test_known_figure_is_visible_and_screenshot(browser, server):
    page, watch = _open(browser, server, f"units/{LUANCHENG}/")
    assert page.get_by_text("2013701 行政运行 68.56 万元").first.is_visible()
    row = page.locator("table tr", has_text="行政运行").first
    assert "68.56" in row.inner_text()
    chart = page.locator("img[src='expenditure-by-function-2022.svg']")
    assert chart.is_visible() and "2013702 一般行政管理事务" in chart.get_attribute("alt")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "unit-page.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "unit-page-top.png"))
    _assert_clean(watch, LUANCHENG)
    page.close()


@pytest.mark.parametrize("word", ["行政运行", "网信事务"])
def test_chinese_search_finds_results(browser, server, word):
    page, watch = _open(browser, server, "")
    search = page.locator("input.md-search__input")
    page.keyboard.press("s")  # the theme's shortcut focuses the search box
    search.press_sequentially(word)
    search.press("End")  # the theme searches on key-up; IME text alone raises none
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=10_000)
    assert results.count() >= 1
    assert word[:2] in page.locator(".md-search-result").inner_text()
    _assert_clean(watch, f"search {word}")
    page.close()


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
