"""The store under the pipeline (generator.runtime.store): a damaged entry is made again, never used,
and a change to any code the output is made with gives a cached build the bytes of a cold one."""

from __future__ import annotations

import csv
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEEDS, SOURCE_DOCS, TEXT_FIXTURES

from generator.check import check_alone
from generator.cli import cli
from generator.contract.records import Disclosure
from generator.package import validate_package
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.extraction import Checked, read_and_extract
from generator.pipeline.report import EXIT_UNREADABLE
from generator.pipeline.sources import MANIFEST_FIELDS, discover_sources, read_manifest
from generator.runtime.store import STORE, Store, dumps

NEXT_YEAR = "2023_石家庄市_栾城区_网信办_部门预算.txt"
# A label of the year-over-year comparison (a module outside the render code) and a line added
# to the unit page's template, as a maintainer would change them.
LABEL = ('("basic", "基本支出", ', '("basic", "基本支出（含调整）", ')
TEMPLATE_LINE = "\n本页数据由预算公开文件整理。\n"


def _corpus(folder: Path) -> Path:
    """Seed 000 and its next year (the comparison between years shows on the unit page), and seed 001."""
    folder.mkdir(parents=True)
    manifest = read_manifest(SOURCE_DOCS)
    rows = []
    for seed in ("000", "001"):
        stem = SEEDS[seed]
        shutil.copy(TEXT_FIXTURES / f"{stem}.txt", folder / f"{stem}.txt")
        rows.append({**manifest[f"{stem}.docx"], "file": f"{stem}.txt"})
    text = (TEXT_FIXTURES / f"{SEEDS['000']}.txt").read_text(encoding="utf-8")
    (folder / NEXT_YEAR).write_text(text.replace("2022", "2023").replace("2021", "2022"), encoding="utf-8")
    rows.append({**rows[0], "file": NEXT_YEAR, "year": "2023"})
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def _build(source: Path, root: Path, cache: Path | None) -> None:
    build(BuildOptions(source, root / "datapackage", root / "site", jobs=1, cache_dir=cache,
                       docs_dir=root / "build" / "docs", changelog=root / "CHANGELOG.md"), log=lambda line: None)


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> tuple[Path, Path]:
    """The corpus, and the outputs of a build without any cache."""
    root = tmp_path_factory.mktemp("store-cold")
    source = _corpus(root / "source_docs")
    _build(source, root, None)
    return source, root


def _damage(path: Path, how: int) -> None:
    data = path.read_bytes()
    with path.open("r+b") as handle:
        if how == 0:
            handle.truncate(len(data) // 2)
        elif how == 1:
            handle.write(bytes(len(data)))
        else:
            handle.seek(max(0, len(data) - 64))
            handle.write(b"junk" * 16)


def test_every_damaged_entry_is_made_again(cold, tmp_path):
    source, cold_root = cold
    cache = tmp_path / "cache"
    _build(source, tmp_path, cache)
    _build(source, tmp_path, cache)  # every stage has taken what it could from the store
    entries = sorted(path for path in (cache / STORE).rglob("*") if path.is_file())
    kinds = {path.relative_to(cache / STORE).parts[0] for path in entries}
    assert {"records", "summary", "derived", "made", "zip", "validated", "unit", "jinja", "site", "search"} <= kinds
    for number, path in enumerate(entries):
        _damage(path, number % 3)
    _build(source, tmp_path, cache)
    for output in ("datapackage", "site"):
        assert _tree(tmp_path / output) == _tree(cold_root / output), output
    zips = sorted((tmp_path / "datapackage").rglob("*.zip"))
    assert len(zips) == 6  # the whole package, three disclosures, two units
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    assert validate_package(tmp_path / "datapackage").valid


def test_a_damaged_entry_reads_as_missing_and_is_removed(tmp_path):
    store = Store(tmp_path)
    for how in range(3):
        store.put("zip", f"entry {how}", b"PK" + bytes(range(256)) * 4)
        path = next(path for path in (tmp_path / "zip").rglob("*") if path.is_file())
        _damage(path, how)
        assert store.get("zip", f"entry {how}") is None
        assert not path.exists()
    store.put("zip", "kept", b"content")
    assert store.get("zip", "kept") == b"content"
    assert Store(tmp_path, code="other code").get("zip", "kept") is None


def test_prune_keeps_what_the_build_used(tmp_path):
    store = Store(tmp_path)
    store.put("made", "old", b"1")
    store.put("made", "used", b"2")
    store.begin()
    assert store.get("made", "used") == b"2"
    store.put("zip", "new", b"3")
    assert store.prune() == 1
    assert store.get("made", "old") is None and store.get("made", "used") == b"2" and store.get("zip", "new") == b"3"


def _cli_build(code: Path, source: Path, root: Path, *options: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", "build",
                           "--source", str(source), "--jobs", "1", *options],
                          cwd=root, env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_change_to_a_module_or_a_template_reaches_a_cached_build(cold, tmp_path):
    """A copy of the code: a label of the year-over-year comparison and the unit template are
    changed between two cached builds; the second gives the bytes of a cold build of that code."""
    source, _ = cold
    code = tmp_path / "code"
    shutil.copytree(ROOT / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    cache = ["--cache-dir", str(tmp_path / "cache")]
    _cli_build(code, source, tmp_path / "cached", *cache)
    module = code / "generator" / "history" / "year_over_year.py"
    text = module.read_text(encoding="utf-8")
    assert LABEL[0] in text
    module.write_text(text.replace(LABEL[0], LABEL[1]), encoding="utf-8")
    template = code / "generator" / "site" / "site_templates" / "unit.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + TEMPLATE_LINE, encoding="utf-8")
    _cli_build(code, source, tmp_path / "cached", *cache)
    _cli_build(code, source, tmp_path / "fresh", "--no-cache")
    for output in ("datapackage", "site"):
        assert _tree(tmp_path / "cached" / output) == _tree(tmp_path / "fresh" / output), output
    pages = [path.read_text(encoding="utf-8") for path in (tmp_path / "cached" / "site" / "units").rglob("index.html")]
    assert len(pages) == 2
    assert sum("基本支出（含调整）" in page for page in pages) == 1  # the unit with two years
    assert all(TEMPLATE_LINE.strip() in page for page in pages)


def test_a_folder_with_no_readable_document(tmp_path, monkeypatch):
    """Exit 2, one line on stderr, and an empty package and site, valid and published."""
    source = tmp_path / "source_docs"
    source.mkdir()
    (source / "broken.docx").write_bytes(b"not a Word file")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(cli, ["build", "--source", str(source), "--jobs", "1", "--no-cache"])
    assert done.exit_code == EXIT_UNREADABLE, done.output
    assert done.stderr.splitlines() == [f"budget-site build: no readable document in {source} (1 unreadable); "
                                        "published an empty data package and site"]
    assert validate_package(tmp_path / "datapackage").valid
    with (tmp_path / "datapackage" / "disclosures.csv").open(encoding="utf-8") as handle:
        assert len(handle.readlines()) == 1  # the header alone
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / "site" / "units").exists()


def test_records_are_stored_as_their_fields_and_load_equal(tmp_path):
    source = next(s for s in discover_sources(SOURCE_DOCS) if s.file.startswith(SEEDS["000"]))
    disclosure = read_and_extract(source)
    assert isinstance(disclosure, Disclosure)
    checked = Checked(disclosure, check_alone(disclosure))
    store = Store(tmp_path)
    store.save("records", "000", checked)
    loaded = store.load("records", "000")
    assert loaded == checked and loaded is not checked
    # No record is kept as a dict of its slots' names (pickle's default): 20 % smaller, faster to load.
    assert len(dumps(checked)) < 0.9 * len(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL))
    assert b"disclosure_id" not in dumps(checked.outcomes)
