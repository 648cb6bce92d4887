"""Shared test settings: where the seed corpus lives and the stems of its five disclosures."""

from __future__ import annotations

from pathlib import Path

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
