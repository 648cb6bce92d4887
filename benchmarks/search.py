"""What one search downloads, on synthetic corpora (generator.corpus), against the whole index.

    python benchmarks/search.py                    # N = 50, 100 and 200
    python benchmarks/search.py --sizes 20 --json figures.json

For each N: a corpus of N disclosures is generated and built; the site is served on localhost
and Debian's Chromium, with an empty cache, opens the search page for each query
(search/?q=培训费): every byte it fetches from pagefind/ (the list of the index's parts, Pagefind's
script and WebAssembly, each part's metadata and index chunks holding the query's words, one
fragment per result shown, ten at most) is one query's download. A least-squares line through the measured sizes gives an
estimate at 1,000 and 10,000 units (the metadata and the chunks of a word found in every page
grow with the number of pages; the script and the fragments do not).
The size of the whole index folder is reported beside it: what a search that loads its index
whole (mkdocs-material's, before Pagefind) would download at that size or more.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.corpus import generate_corpus  # noqa: E402
from generator.pipeline.build import BuildOptions, build  # noqa: E402
from generator.site.serve import site_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Words of the synthetic corpus: an economic class, a functional class (in every unit), a project.
QUERIES = ("培训费", "一般公共服务", "行政运行", "业务培训经费")
ESTIMATE_AT = (1_000, 10_000)


def _part(url: str) -> str:
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if name.endswith(".pf_index"):
        return "index chunks"
    if name.endswith(".pf_fragment"):
        return "fragments"
    if name.endswith(".pf_meta") or name in ("pagefind-entry.json", "parts.json"):
        return "metadata"
    return "script"


def measure_queries(site: Path, queries: tuple[str, ...] = QUERIES) -> dict[str, dict[str, int]]:
    """Bytes fetched by each query on a fresh page, by part (script, metadata, index chunks, fragments)."""
    from playwright.sync_api import sync_playwright

    server = site_server(site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    found: dict[str, dict[str, int]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            for query in queries:
                context = browser.new_context()  # an empty cache for each query
                page = context.new_page()
                fetched: list[tuple[str, int]] = []
                page.on("requestfinished", lambda request, into=fetched: into.append(
                    (request.url, request.sizes()["responseBodySize"])))
                page.goto(f"{base}/search/?q={quote(query)}")
                page.wait_for_selector("#search-results li, #search-status:has-text('没有找到')", timeout=30_000)
                page.wait_for_load_state("networkidle")
                parts: dict[str, int] = {"results": page.locator("#search-results li").count()}
                for url, size in fetched:
                    if "/pagefind/" in url:
                        parts[_part(url)] = parts.get(_part(url), 0) + size
                parts["total"] = sum(size for key, size in parts.items() if key != "results")
                found[query] = parts
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


def measure(n: int, work: Path) -> dict[str, Any]:
    source, out = work / f"corpus-{n}", work / f"build-{n}"
    generate_corpus(n, seed=7, out_dir=source)
    build(BuildOptions(source, out / "datapackage", out / "site", jobs=2, docs_dir=out / "docs"), log=lambda _: None)
    folder = out / "site" / "pagefind"
    parts = json.loads((folder / "parts.json").read_text(encoding="utf-8"))
    pages = sum(json.loads((folder / part / "pagefind-entry.json").read_text(encoding="utf-8"))
                ["languages"]["zh"]["page_count"] for part in parts)
    return {"n": n, "pages": pages, "parts": len(parts),
            "index_bytes": sum(path.stat().st_size for path in folder.rglob("*.pf_*")),
            "queries": measure_queries(out / "site")}


def _line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares: (intercept, slope)."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return mean_y - slope * mean_x, slope


def estimate(sizes: list[dict[str, Any]], at: int) -> dict[str, float]:
    """Each query's download at ``at`` units: as measured at the largest N, plus the growth of
    the parts that grow with the pages (metadata, index chunks) on their least-squares line,
    taken as no growth when the line falls (chunks are re-split as the index grows)."""
    guessed = {}
    largest = sizes[-1]
    for query, parts in largest["queries"].items():
        for part in ("metadata", "index chunks"):
            _, slope = _line([(size["n"], size["queries"][query].get(part, 0)) for size in sizes])
            parts = {**parts, "total": parts["total"] + max(slope, 0.0) * (at - largest["n"])}
        guessed[query] = parts["total"]
    return guessed


def report(sizes: list[dict[str, Any]]) -> str:
    lines = [f"{'N':>5} {'pages':>6} {'parts':>5} {'whole index':>12}"
             "   per query: total KB (script / metadata / chunks / fragments, results)"]
    for size in sizes:
        lines.append(f"{size['n']:>5} {size['pages']:>6} {size['parts']:>5} {size['index_bytes'] / 1024:>9.0f} KB")
        for query, parts in size["queries"].items():
            lines.append(f"{'':>28}{query}: {parts['total'] / 1024:.0f} KB ({parts.get('script', 0) / 1024:.0f} / "
                         f"{parts.get('metadata', 0) / 1024:.0f} / {parts.get('index chunks', 0) / 1024:.0f} / "
                         f"{parts.get('fragments', 0) / 1024:.0f}, {parts['results']} results)")
    if len(sizes) > 1:
        for at in ESTIMATE_AT:
            guessed = estimate(sizes, at)
            lines.append(f"estimate at {at:,} units: " + ", ".join(f"{query} {size / 1024:.0f} KB"
                                                                for query, size in guessed.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--work", type=Path, help="Folder for the corpora and builds (default: a temporary one).")
    parser.add_argument("--json", type=Path, help="Also write the figures as JSON here.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="budget-site-search-") as scratch:
        work = options.work or Path(scratch)
        sizes = [measure(n, work) for n in sorted(options.sizes)]
    print(report(sizes))
    if options.json:
        options.json.write_text(json.dumps({"sizes": sizes}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
