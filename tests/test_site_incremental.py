"""Incremental builds: after one document changes, the render stage rewrites only that unit's files
and the pages made from every unit, MkDocs rebuilds only their pages, and the outputs are the bytes
of a full build from nothing."""

from __future__ import annotations

import copy
import csv
import dataclasses
import html
import importlib
import json
import shutil
from pathlib import Path

import pytest

from generator.contract.records import TableKind
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.sources import MANIFEST_FIELDS, read_manifest
from generator.pipeline.stored import InMemoryRecords
from generator.render import pages, render_site
from generator.render.figures import total_row
from generator.runtime import store
from generator.site import builder as site
from generator.site import search
from tests.conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES
from tests.test_site_portal import LUANCHENG

# 000 (栾城区) table 6: the total of 30239 其他交通费用, 3.06万元 → 4.06万元.
CHANGED_FROM = "\t30239\n\t其他交通费用\n\t3.06\n"
CHANGED_TO = "\t30239\n\t其他交通费用\n\t4.06\n"
# Pages made from every unit: rebuilt whenever one changes.
SITE_WIDE_PAGES = {"index.html", "years/index.html", "regions/index.html", "quality/index.html", "data/index.html",
                   "changelog/index.html", "404.html"}


def _sources(folder: Path) -> None:
    """The five seeds as text exports (quick to read and to edit) with their manifest."""
    folder.mkdir(parents=True)
    manifest = read_manifest(SOURCE_DOCS)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        for stem in SEEDS.values():
            shutil.copy(TEXT_FIXTURES / f"{stem}.txt", folder / f"{stem}.txt")
            writer.writerow({**manifest[f"{stem}.docx"], "file": f"{stem}.txt"})


def _change_a_figure(folder: Path) -> None:
    path = folder / f"{SEEDS['000']}.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count(CHANGED_FROM) == 1
    path.write_text(text.replace(CHANGED_FROM, CHANGED_TO), encoding="utf-8")


def _build(root: Path, cache: bool, site_config: Path | None = None) -> None:
    build(BuildOptions(root / "source_docs", root / "datapackage", root / "site", jobs=1,
                       cache_dir=root / "cache" if cache else None, docs_dir=root / "build" / "docs",
                       changelog=root / "CHANGELOG.md", site_config=site_config), log=lambda line: None)


def _tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def _times(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*")
            if path.is_file()}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, time in after.items() if before.get(path) != time}


def _full_build_like(incremental: Path, root: Path) -> None:
    """Build C: the same sources, from nothing (no cache, no site, no docs), compared with B."""
    shutil.copytree(incremental / "source_docs", root / "source_docs")
    _build(root, cache=False)
    assert _tree(root / "site") == _tree(incremental / "site")
    assert _tree(root / "datapackage") == _tree(incremental / "datapackage")


@pytest.fixture(scope="module")
def incremental(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("incremental")
    _sources(root / "source_docs")
    _build(root, cache=True)  # A
    before = {"site": _times(root / "site"), "docs": _times(root / "build" / "docs")}
    _change_a_figure(root / "source_docs")
    indexed: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site, "index_search", lambda *args: indexed.extend(search.index_search(*args)) or indexed)
        _build(root, cache=True)  # B
    after = {"site": _times(root / "site"), "docs": _times(root / "build" / "docs")}
    return {"root": root, "site": _changed(before["site"], after["site"]),
            "docs": _changed(before["docs"], after["docs"]), "unit": _luancheng(root), "indexed": indexed}


def test_incremental_build_equals_a_full_build(incremental, tmp_path):
    _full_build_like(incremental["root"], tmp_path)


def test_only_the_changed_unit_and_the_site_wide_pages_are_rebuilt(incremental):
    unit = incremental["unit"]
    pages_built = {path for path in incremental["site"] if path.endswith(".html")}
    assert f"units/{unit}/index.html" in pages_built
    assert pages_built - {f"units/{unit}/index.html"} <= SITE_WIDE_PAGES
    # the changed figure's chart, and no other unit's file, in the docs and in the site
    assert f"units/{unit}/basic-by-economic-2022.svg" in incremental["docs"]
    for changed in (incremental["docs"], incremental["site"]):
        assert {path.split("/")[1] for path in changed if path.startswith("units/")} == {unit}
    # the search index covers every page, as a full build's does (compared byte for byte above)
    entry = json.loads((incremental["root"] / "site" / "pagefind" / "units-0" / "pagefind-entry.json")
                       .read_text(encoding="utf-8"))
    assert entry["languages"]["zh"]["page_count"] >= len(SEEDS)
    # of the search index, only the parts whose pages changed were indexed again
    assert incremental["indexed"] == ["site", "units-0"]


def test_a_changed_template_renders_every_unit_again(tmp_path, monkeypatch):
    """A .md.j2 template is part of every unit's key: every unit page is rendered and built again."""
    package = tmp_path / "generator"  # a copy of the package, whose templates are changed: the code fingerprint's
    shutil.copytree(store.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    templates = package / pages.TEMPLATES_DIR.relative_to(store.PACKAGE)
    monkeypatch.setattr(pages, "TEMPLATES_DIR", templates)
    monkeypatch.setattr(store, "PACKAGE", package)
    root = tmp_path / "b"
    _sources(root / "source_docs")
    _build(root, cache=True)
    before = _times(root / "site")
    unit = templates / "unit.md.j2"
    unit.write_text(unit.read_text(encoding="utf-8") + "\n本页由模板生成。\n", encoding="utf-8")
    _build(root, cache=True)
    rebuilt = _changed(before, _times(root / "site"))
    assert {f"units/{unit_id}/index.html" for unit_id in _unit_ids(root)} <= rebuilt
    page = root / "site" / "units" / _luancheng(root) / "index.html"
    assert "本页由模板生成" in page.read_text(encoding="utf-8")
    _full_build_like(root, tmp_path / "c")


def test_a_site_wide_change_is_a_full_build(tmp_path, monkeypatch):
    """mkdocs.yml, the theme's overrides, the hooks, any module, a library's version (the code
    fingerprint): any change to them rebuilds every page."""
    code = ["1"]
    monkeypatch.setattr(site, "code_fingerprint", lambda: code[0])
    root = tmp_path / "b"
    _sources(root / "source_docs")
    _build(root, cache=True)
    before = _times(root / "site")
    _build(root, cache=True)
    assert not {path for path in _changed(before, _times(root / "site")) if path.startswith("units/")}
    code[0] = "2"
    _build(root, cache=True)
    kept = set(before) - _changed(before, _times(root / "site"))
    # every page is built again; a file of the docs folder is linked, the docs folder's own file
    assert kept and not any(path.endswith(".html") for path in kept)
    assert all((root / "site" / path).samefile(root / "build" / "docs" / path) for path in kept)


def test_a_site_config_overrides_the_defaults_and_rebuilds_every_page(tmp_path):
    """--site-config: its keys replace mkdocs.yml's, and it is part of what every page depends on."""
    root = tmp_path / "b"
    _sources(root / "source_docs")
    _build(root, cache=True)
    default = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>部门预算公开数据</title>" in default and "CC BY 4.0" in default
    config = tmp_path / "site.yml"
    config.write_text("site_name: 某市部门预算公开数据\ncopyright: 某市财政局发布。\n", encoding="utf-8")
    before = _times(root / "site")
    _build(root, cache=True, site_config=config)
    rebuilt = _changed(before, _times(root / "site"))
    assert {path for path in before if path.endswith(".html")} <= rebuilt
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>某市部门预算公开数据</title>" in index and "某市财政局发布。" in index and "CC BY 4.0" not in index
    unit = (root / "site" / "units" / _luancheng(root) / "index.html").read_text(encoding="utf-8")
    assert "某市财政局发布。" in unit and "- 某市部门预算公开数据</title>" in unit
    before = _times(root / "site")
    _build(root, cache=True, site_config=config)
    assert not {path for path in _changed(before, _times(root / "site")) if path.startswith("units/")}


@pytest.mark.parametrize(("text", "message"), [("- site_name\n", "not a mapping"),
                                               ("site_name: a\ndocs_dir: elsewhere\n", "sets docs_dir"),
                                               ("site_name: [\n", "cannot be read")])
def test_a_site_config_that_is_not_a_mapping_of_free_keys_is_refused(tmp_path, text, message):
    config = tmp_path / "site.yml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(site.SiteConfigError, match=message):
        site.read_site_config(config)


def _unit_ids(root: Path) -> list[str]:
    return [path.name for path in (root / "site" / "units").iterdir() if path.is_dir()]


def _luancheng(root: Path) -> str:
    """The unit of seed 000, whose figure the tests change."""
    return next(unit_id for unit_id in _unit_ids(root) if unit_id.startswith("shijiazhuang-luancheng-"))


def test_a_build_without_the_cache_in_between_is_not_mistaken_for_the_cached_one(tmp_path):
    """The cache describes the site and docs of the last build made with it: after a build without
    it (other bytes in the site and docs), going back to the first inputs must give their bytes."""
    root = tmp_path / "b"
    _sources(root / "source_docs")
    original = (root / "source_docs" / f"{SEEDS['000']}.txt").read_bytes()
    _build(root, cache=True)
    _change_a_figure(root / "source_docs")
    _build(root, cache=False)
    (root / "source_docs" / f"{SEEDS['000']}.txt").write_bytes(original)
    _build(root, cache=True)
    _full_build_like(root, tmp_path / "c")


def test_a_failed_incremental_build_leaves_the_published_site_as_it_was(tmp_path, monkeypatch):
    """The incremental site starts from the published one (hard links for what it never writes
    into): a build that fails after the site was built must not have changed a published byte."""
    root = tmp_path / "b"
    _sources(root / "source_docs")
    _build(root, cache=True)
    published = _tree(root / "site")
    _change_a_figure(root / "source_docs")
    module = importlib.import_module("generator.pipeline.build")  # generator.pipeline.build is the function
    build_site = module.build_site

    def built_then_failed(*args, **kwargs):
        build_site(*args, **kwargs)
        raise RuntimeError("a later stage failed")

    monkeypatch.setattr(module, "build_site", built_then_failed)
    with pytest.raises(RuntimeError):
        _build(root, cache=True)
    assert _tree(root / "site") == published


def test_without_gnu_cp_the_published_site_is_linked_by_python(tmp_path, monkeypatch):
    monkeypatch.setattr(site.shutil, "which", lambda name: None)
    root = tmp_path / "b"
    _sources(root / "source_docs")
    _build(root, cache=True)
    published = {path: path.stat().st_ino for path in (root / "site").rglob("*.svg")}
    _change_a_figure(root / "source_docs")
    _build(root, cache=True)
    # an unchanged chart is the published file itself, linked, and the result is a full build's
    assert sum((root / "site" / path.relative_to(root / "site")).stat().st_ino == inode
               for path, inode in published.items()) > len(published) // 2
    _full_build_like(root, tmp_path / "c")


def test_a_unit_whose_standing_alone_moved_keeps_its_page_but_for_the_standing(built_site, tmp_path, monkeypatch):
    """Two copies of 栾城 in one city and year; one's total changes. The other's standing moves, so
    its built page gets the new standing block without being built again, and the site is a full build's."""
    luancheng = next(d for d in built_site.result.load_disclosures() if d.unit.unit_id == LUANCHENG)
    copies = []
    for index in range(2):
        copied = copy.deepcopy(luancheng)
        copied.unit = dataclasses.replace(luancheng.unit, unit_id=f"copy-{index}", unit_name=f"第{index + 1}局")
        copied.disclosure_id = f"copy-{index}-2022"
        copies.append(copied)
    docs, cache, package = tmp_path / "docs", tmp_path / "cache", tmp_path / "no-package"
    render_site(InMemoryRecords(copies, []), package, docs, SOURCE_DOCS, cache_dir=cache)
    site.build_site(docs, tmp_path / "published", cache_dir=cache)
    before = (tmp_path / "published" / "units" / "copy-0" / "index.html").read_text(encoding="utf-8")
    assert "在公开了这一数字的 2 个单位中排第 1，占这些单位合计的 50.0%" in html.unescape(before)
    total = total_row(copies[1].tables[TableKind.EXPENDITURE])
    total.amounts["total"] = total.amounts["total"] * 3
    render_site(InMemoryRecords(copies, []), package, docs, SOURCE_DOCS, cache_dir=cache)
    remove_outputs, kept = site._remove_outputs, []
    monkeypatch.setattr(site, "_remove_outputs", lambda *args: kept.extend(remove_outputs(*args)) or kept)
    site.build_site(docs, tmp_path / "rebuilt", published=tmp_path / "published", cache_dir=cache)
    assert kept == ["units/copy-0/index.md"]
    after = (tmp_path / "rebuilt" / "units" / "copy-0" / "index.html").read_text(encoding="utf-8")
    assert "在公开了这一数字的 2 个单位中排第 2，占这些单位合计的 25.0%" in html.unescape(after)
    assert '<a href="../../compare/#y2022">按年份比较全部单位</a>' in after
    site.build_site(docs, tmp_path / "full")
    assert _tree(tmp_path / "rebuilt") == _tree(tmp_path / "full")
