"""Shared test settings: where the seed corpus lives and the stems of its five disclosures."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from generator.contract.document import Document
from generator.pipeline.build import BuildOptions, BuildResult, build
from generator.read import read_document

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DOCS = ROOT / "source_docs"
TEXT_FIXTURES = ROOT / "tests" / "fixtures" / "text"

# seed id → file stem, the same in source_docs/ (.docx) and tests/fixtures/text/ (.txt)
SEEDS = {
    "000": "2022_石家庄市_栾城区_网信办_部门预算",
    "001": "2024_邯郸市_馆陶县_网信办本级_单位预算",
    "002": "2026_石家庄市_晋州市_网信办_部门预算",
    "003": "2020_邢台市_隆尧县_网信办_部门预算",
    "004": "2020_廊坊市_网信办_部门预算",
}


@cache
def seed_document(seed: str, form: str = "docx") -> Document:
    """A seed read once per session: form "docx" (source_docs/) or "txt" (the text export).
    Shared and cached: do not mutate it."""
    folder = SOURCE_DOCS if form == "docx" else TEXT_FIXTURES
    return read_document(folder / f"{SEEDS[seed]}.{form}")


@dataclass(frozen=True)
class BuiltSite:
    options: BuildOptions
    result: BuildResult
    log: list[str]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The seed corpus built once per session, package and site, into a temporary folder.
    Shared: do not modify its files."""
    root = tmp_path_factory.mktemp("built")
    options = BuildOptions(SOURCE_DOCS, root / "datapackage", root / "site", jobs=2, cache_dir=None,
                           docs_dir=root / "build" / "docs")
    log: list[str] = []
    return BuiltSite(options, build(options, log=log.append), log)
