"""One disclosure from two files: the nine tables in a workbook and the explanation in a Word
file, grouped by the manifest's ``disclosure`` column; a workbook with no budget table in the
same folder gets a one-line reason while the disclosure publishes."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SEEDS, SOURCE_DOCS, seed_document
from workbooks import standard_sheets, write_xlsx

from generator.cli import cli
from generator.contract.records import TableKind
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.extraction import Unreadable, read_and_extract
from generator.pipeline.sources import discover_sources
from generator.runtime.store import cache_key

STEM = SEEDS["001"]
TABLES, EXPLANATION, OTHER = "tables.xlsx", "explanation.docx", "通讯录.xlsx"
MANIFEST = ("file,province,city,county,year,scope,source_url,note,disclosure\n"
            f"{EXPLANATION},河北省,邯郸市,馆陶县,2024,单位,,,guantao-2024\n"
            f"{TABLES},河北省,邯郸市,馆陶县,2024,单位,,,guantao-2024\n")


def explanation_only(source: Path, target: Path) -> None:
    """The corpus document from its explanation heading (信息公开情况说明) on: the tables removed."""
    document = docx.Document(str(source))
    body = document.element.body
    for element in list(body):
        if element.tag.endswith("}p") and "情况说明" in "".join(element.itertext()):
            break
        body.remove(element)
    document.save(str(target))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("grouped")
    sources = root / "source_docs"
    sources.mkdir()
    write_xlsx(sources / TABLES, standard_sheets(seed_document("001")))
    explanation_only(SOURCE_DOCS / f"{STEM}.docx", sources / EXPLANATION)
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", 12345678])
    book.save(sources / OTHER)
    (sources / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return root


def test_files_grouped_workbook_first_and_keyed_by_both(folder, tmp_path):
    sources = discover_sources(folder / "source_docs")
    assert [(s.file, [c.file for c in s.companions]) for s in sources] == [(TABLES, [EXPLANATION]), (OTHER, [])]
    grouped = sources[0]
    copy = tmp_path / "copy"
    shutil.copytree(folder / "source_docs", copy)
    explanation = docx.Document(str(copy / EXPLANATION))
    explanation.add_paragraph("补充")
    explanation.save(str(copy / EXPLANATION))
    changed = discover_sources(copy)[0]
    assert changed.sha256 == grouped.sha256 and cache_key(changed) != cache_key(grouped)


@pytest.fixture(scope="module")
def built(folder):
    options = BuildOptions(folder / "source_docs", folder / "datapackage", folder / "site", jobs=1,
                           docs_dir=folder / "docs")
    return build(options, log=lambda line: None)


def rows(folder: Path, resource: str) -> list[dict[str, str]]:
    with (folder / "datapackage" / f"{resource}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_two_files_build_one_disclosure_with_tables_and_narrative(built, folder):
    assert [(u.file, u.reason) for u in built.unreadable] == [
        (OTHER, "not a budget disclosure: no budget table or explanation section recognised")]
    (disclosure,) = built.load_disclosures()
    assert disclosure.source_file == TABLES
    assert [f.file for f in disclosure.source_files] == [TABLES, EXPLANATION]
    assert {table.source_file for table in disclosure.tables.values()} == {TABLES}
    summary = disclosure.tables[TableKind.SUMMARY]
    assert next(r for r in summary.rows if r.name == "收入总计").amounts["amount"] == Decimal("1167600.00")
    facts = {fact.fact: fact.amount for fact in disclosure.narrative.facts}
    assert facts["income_total"] == Decimal("1167600.00")
    assert len(disclosure.narrative.indicators) > 0

    (row,) = rows(folder, "disclosures")
    assert (row["source_file"], row["year"]) == (TABLES, "2024")
    assert {r["source_file"] for r in rows(folder, "table_status")} == {TABLES}
    descriptor = json.loads((folder / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert [source["title"] for source in descriptor["sources"]] == [TABLES, EXPLANATION]


def test_build_report_lists_both_files_as_published(built, folder):
    report = json.loads((folder / "datapackage" / "build_report.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in report["published"]] == [TABLES, EXPLANATION]
    assert [entry["file"] for entry in report["unreadable"]] == [OTHER]


def test_one_unreadable_file_makes_the_disclosure_unreadable(folder, tmp_path):
    (source,) = [s for s in discover_sources(folder / "source_docs") if s.companions]
    broken = tmp_path / EXPLANATION
    broken.write_bytes((folder / "source_docs" / EXPLANATION).read_bytes()[:2000])
    outcome = read_and_extract(replace(source, companions=(replace(source.companions[0], path=broken),)))
    assert isinstance(outcome, Unreadable) and outcome.file == EXPLANATION
    assert outcome.reason.startswith("damaged or truncated Word document")
    assert outcome.reason.endswith(f"(one file of disclosure 'guantao-2024' with {TABLES}; none of them is published)")


def test_unit_page_links_every_source_file(built, folder):
    (page,) = (folder / "docs" / "units").glob("*/index.md")
    text = page.read_text(encoding="utf-8")
    assert "[原始公开文件（" in text and "/source-2024.xlsx)" in text
    assert "[原始公开文件之2（" in text and "/source-2024-2.docx)" in text
    assert (page.parent / "source-2024-2.docx").read_bytes() == (folder / "source_docs" / EXPLANATION).read_bytes()


def test_two_files_of_one_unit_and_year_are_a_message_not_a_traceback(tmp_path):
    """A new user's folder with the .docx and the PDF of one disclosure: the build says which
    two files they are and how to fix it (exit 1), with no traceback."""
    sources = tmp_path / "source_docs"
    sources.mkdir()
    for name in ("a.docx", "b.docx"):
        shutil.copy(SOURCE_DOCS / f"{STEM}.docx", sources / name)
    (sources / "manifest.csv").write_text("file,province,city,county,year,scope,source_url,note\n"
                                          "a.docx,河北省,邯郸市,馆陶县,2024,单位,,\n"
                                          "b.docx,河北省,邯郸市,馆陶县,2024,单位,,\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--source", str(sources), "--datapackage", str(tmp_path / "dp"),
                                      "--site", str(tmp_path / "site"), "--no-cache", "--no-site", "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("a.docx and b.docx are both disclosure handan-guantao-224001-50b4ce-2024 (same unit and year): keep one "
            "of them in the source folder, or correct the manifest") in result.output
