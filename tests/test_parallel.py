"""Package rows and unit pages made in worker processes give the bytes made in the build process."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from generator import isolation, site
from generator.build import BuildOptions, build
from generator.corpus import generate_corpus
from generator.render.pages import SITE_STATE

SEED = 5


def _build(root: Path, source: Path, jobs: int, cache: bool) -> dict[str, bytes]:
    build(BuildOptions(source, root / "datapackage", root / "site", jobs=jobs, docs_dir=root / "build" / "docs",
                       cache_dir=root / "cache" if cache else None, changelog=root / "CHANGELOG.md"),
          log=lambda line: None)
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in ("datapackage", "site") for path in sorted((root / folder).rglob("*")) if path.is_file()}


def test_workers_make_the_same_package_and_site(tmp_path, monkeypatch):
    source = tmp_path / "docs"
    generate_corpus(6, SEED, source)
    serial = _build(tmp_path / "serial", source, jobs=1, cache=True)
    # Every stage in two workers, even for six documents (MkDocs too: three unit pages each); the
    # records in a store for this build only.
    monkeypatch.setattr(isolation, "PARALLEL_FROM", 1)
    monkeypatch.setattr(site, "SPLIT_FROM", 1)
    parallel = _build(tmp_path / "parallel", source, jobs=2, cache=False)
    assert parallel.keys() == serial.keys()
    assert [path for path in serial if parallel[path] != serial[path]] == []
    assert sum(path.startswith("site/units/") and path.endswith("/index.html") for path in serial) == 6
    state = json.loads((tmp_path / "parallel" / "build" / "docs" / SITE_STATE).read_text(encoding="utf-8"))
    assert [len(share) for share in site._shares(state, 2)] == [3, 3]


def test_a_share_built_in_a_worker_reports_its_warnings():
    error = pickle.loads(pickle.dumps(site.SiteBuildError(["WARNING - a broken link"])))
    assert error.warnings == ["WARNING - a broken link"] and "a broken link" in str(error)
