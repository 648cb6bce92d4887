"""The search index's parts (generator.site.search): which pages go in which part, and that a
part's key follows its pages' bytes."""

from __future__ import annotations

from pathlib import Path

from generator.site import search
from generator.site.search import Part, part_key, split_pages, unit_shards

MB = 1 << 20
SITE_WIDE = {"index.html": 30_000, "404.html": 2_000, "classes/201/index.html": 90 * MB, "search/index.html": 3_000}


def _units(count: int, size: int = 110_000) -> dict[str, int]:
    return {f"units/unit-{index:05d}/index.html": size for index in range(count)}


def test_the_site_wide_pages_are_the_first_part_and_units_are_hashed_into_shards():
    parts = split_pages({**_units(1_000), **SITE_WIDE})  # 105 MB of unit pages: four parts
    assert [part.name for part in parts] == ["site", "units-0", "units-1", "units-2", "units-3"]
    assert parts[0].pages == tuple(sorted(SITE_WIDE))  # site-wide pages, however large, in their own part
    sizes = [len(part.pages) for part in parts[1:]]
    assert sum(sizes) == 1_000 and max(sizes) <= 300 and min(sizes) >= 200  # balanced by the hash
    # parts follow the unit pages' bytes, not their count: seven years' pages make more parts
    assert len(split_pages(_units(1_000, 7 * 110_000))) == 32
    assert [unit_shards(size * MB) for size in (0, 1, 32, 33, 64, 65, 1_100)] == [1, 1, 1, 2, 2, 4, 64]


def test_a_unit_stays_in_its_part_when_another_unit_comes():
    before = {page: part.name for part in split_pages(_units(600)) for page in part.pages}
    after = {page: part.name for part in split_pages({**_units(600), "units/new-unit/index.html": 110_000})
             for page in part.pages}
    assert all(after[page] == name for page, name in before.items())
    assert search.SITE_PART not in after.values()


def test_a_part_key_changes_with_a_page_byte_and_only_then(tmp_path: Path):
    for page, text in (("a/index.html", "<p>一</p>"), ("b/index.html", "<p>二</p>")):
        (tmp_path / page).parent.mkdir(parents=True)
        (tmp_path / page).write_text(text, encoding="utf-8")
    part = Part("site", ("a/index.html", "b/index.html"))
    key = part_key(tmp_path, part)
    assert part_key(tmp_path, part) == key and part_key(tmp_path, Part("units-0", part.pages)) != key
    (tmp_path / "b/index.html").write_text("<p>三</p>", encoding="utf-8")
    assert part_key(tmp_path, part) != key


def _unit_page(standing: str) -> str:
    """A unit page as the site builds it: its article indexed, its standing block ignored."""
    return (f'<html lang="zh"><body><main data-pagefind-body><h1 id="top">栾城区财政局</h1><p>培训费 3.06 万元</p>'
            f'<!-- standing 2022 -->\n<div class="standing" data-pagefind-ignore="all">\n<p>{standing}</p>\n</div>\n'
            f'<!-- /standing 2022 --><p>其他交通费用 4.06 万元</p></main></body></html>')


def test_a_standing_that_moves_leaves_the_search_index_and_its_key_as_they_were(tmp_path: Path):
    # Another unit of the city changed: this page's rank and share moved, nothing else of it.
    bundles, keys = [], []
    for run, standing in enumerate(("在 10 个单位中排第 1，占 20.0%", "在 10 个单位中排第 2，占 18.5%")):
        site = tmp_path / f"site-{run}"
        page = site / "units" / "luancheng" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(_unit_page(standing), encoding="utf-8")
        part = Part("units-0", ("units/luancheng/index.html",))
        keys.append(part_key(site, part))
        bundles.append(search._index(site, part))
    assert keys[0] == keys[1] and bundles[0] == bundles[1]
    # and the page's own figures still reach the index: a changed one is a new key and a new bundle
    (site / "units" / "luancheng" / "index.html").write_text(_unit_page("排第 2").replace("4.06", "5.06"),
                                                              encoding="utf-8")
    assert part_key(site, part) != keys[0] and search._index(site, part) != bundles[0]
