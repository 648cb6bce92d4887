"""The synthetic corpus: deterministic bytes, the corpus's layout, and figures that the
extractors read back exactly and the checks find consistent."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import run_checks
from generator.cli import cli
from generator.contract.records import Disclosure, TableKind, TableStatus
from generator.corpus import (
    DEFAULT_TEMPLATE,
    GeneratedFile,
    capacity,
    generate_corpus,
    plan_corpus,
    plan_file,
    read_manifest_rows,
    render_file,
    revise_file,
)
from generator.corpus.disclosure import DisclosureSpec, chinese_number
from generator.corpus.docx import Package
from generator.corpus.regions import DEPARTMENTS, Region
from generator.pipeline.build import read_and_extract
from generator.pipeline.sources import discover_sources

SEED = 7
YUAN_PER_HUNDREDTH = Decimal(100)  # the generator counts in hundredths of 万元


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, list[GeneratedFile]]:
    out = tmp_path_factory.mktemp("synthetic")
    return out, generate_corpus(15, SEED, out)  # three units, one in each family: 7, 7 and 1 years


@pytest.fixture(scope="session")
def extracted(corpus) -> list[tuple[GeneratedFile, Disclosure]]:
    out, files = corpus
    by_file = {source.file: read_and_extract(source) for source in discover_sources(out)}
    return [(generated, by_file[generated.file]) for generated in files]


def test_same_seed_gives_the_same_bytes(corpus, tmp_path):
    out, files = corpus
    again = generate_corpus(3, SEED, tmp_path / "again")
    assert [f.file for f in again] == [f.file for f in files[:3]]  # a smaller corpus is a prefix
    for generated in again:
        assert (tmp_path / "again" / generated.file).read_bytes() == (out / generated.file).read_bytes()
    other = generate_corpus(3, SEED + 1, tmp_path / "other")
    assert [f.file for f in other] != [f.file for f in again]


def test_no_clock_time_in_the_package(corpus):
    out, files = corpus
    with zipfile.ZipFile(out / files[0].file) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        assert "dcterms:created" not in core and "dcterms:modified" not in core
        # the template's styles are carried over: headings are real Heading 2/3 styles
        assert b'w:styleId="Heading3"' in archive.read("word/styles.xml")


def test_each_unit_year_once_and_a_manifest_row_per_file(corpus):
    out, files = corpus
    keys = [(f.spec.region, f.spec.department.short, f.spec.scope, f.spec.year) for f in plan_corpus(2000, SEED)]
    assert len(set(keys)) == len(keys)
    rows = read_manifest_rows(out)
    assert [row["file"] for row in rows] == [f.file for f in files]
    assert {row["province"] for row in rows} == {"河北省"}
    assert all(row["note"] == f"synthetic (seed {SEED})" for row in rows)
    assert len({f.file for f in plan_corpus(2000, SEED)}) == 2000
    assert capacity() == 178 * len(DEPARTMENTS) * 2 * 7  # 11 cities and their 167 counties and districts


def test_each_unit_publishes_every_year_in_turn_in_one_family():
    files = plan_corpus(700, SEED)
    units: dict[tuple, list[GeneratedFile]] = {}
    for generated in files:
        spec = generated.spec
        units.setdefault((spec.region, spec.department.short, spec.scope), []).append(generated)
    assert len(units) == 100
    for index, unit_files in enumerate(units.values()):
        assert [f.spec.year for f in unit_files] == list(range(2020, 2027))
        assert {f.spec.template for f in unit_files} == {unit_files[0].spec.template}  # its layout every year
        assert unit_files[0].spec.template.family == ("hebei", "mof", "provincial")[index % 3]
    assert [f for unit_files in units.values() for f in unit_files] == files  # a unit's years follow each other
    # a unit's figures are its own each year
    assert len({plan_file(f, SEED).total for f in files[:7]}) == 7


def test_the_default_corpus_mixes_the_template_families(extracted):
    assert {generated.spec.template.family for generated, _ in extracted} == {"hebei", "mof", "provincial"}
    assert [disclosure.template_family for _, disclosure in extracted] == [
        generated.spec.template.family for generated, _ in extracted]


def test_nine_tables_and_the_checks_pass(extracted):
    for generated, disclosure in extracted:
        statuses = {kind: disclosure.tables[kind].status for kind in TableKind}
        assert statuses[TableKind.GOVERNMENT_FUND] is TableStatus.EMPTY
        assert statuses[TableKind.STATE_CAPITAL] is (TableStatus.EMPTY if generated.spec.template.state_capital
                                                      else TableStatus.MISSING)
        assert all(statuses[kind] is TableStatus.PRESENT for kind in TableKind
                   if kind not in (TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL, TableKind.THREE_PUBLIC))
        outcomes = run_checks([disclosure])
        assert outcomes and [o for o in outcomes if o.status == "fail"] == [], generated.file
        assert not [finding for finding in disclosure.findings if finding.severity == "error"]


def test_figures_read_back_exactly(extracted):
    for generated, disclosure in extracted:
        budget = plan_file(generated, SEED)
        spec = generated.spec
        # Only the layout row of Hebei's template carries the unit's code; 编制部门 lines name it.
        assert disclosure.year == spec.year
        assert disclosure.unit.unit_code == (spec.unit_code if spec.template.layout == "row" else "")
        assert disclosure.unit.unit_name == spec.unit_name and disclosure.published_unit == spec.money_unit
        summary = disclosure.table(TableKind.SUMMARY)
        totals = {row.name: row.amounts["amount"] for row in summary.rows if row.is_total}
        assert totals["收入总计"] == totals["支出总计"] == budget.total * YUAN_PER_HUNDREDTH
        economic = disclosure.table(TableKind.BASIC_BY_ECONOMIC)
        grand = next(row for row in economic.rows if row.is_total)
        assert grand.amounts == {"total": budget.basic * YUAN_PER_HUNDREDTH,
                                 "personnel": budget.personnel_total * YUAN_PER_HUNDREDTH,
                                 "public": budget.public_total * YUAN_PER_HUNDREDTH}
        facts = {fact.fact: fact.amount for fact in disclosure.narrative.facts}
        assert facts["income_total"] == budget.total * YUAN_PER_HUNDREDTH
        assert facts["project"] == budget.project_total * YUAN_PER_HUNDREDTH
        assert [o.name for o in disclosure.narrative.organizations] == [o.name for o in budget.organizations]
        # One project per planned project: 支出说明's mention and the 绩效目标表 joined, counted once.
        projects = disclosure.narrative.projects
        assert sorted((p.name_in_text, p.amount) for p in projects) == sorted(
            (p.name, p.amount * YUAN_PER_HUNDREDTH) for p in budget.projects)
        assert {p.matched_by for p in projects} == {"name_and_amount"}
        lines = [item for item in disclosure.narrative.procurement if not item.is_total]
        assert [(item.amount, item.project_budget) for item in lines] == [
            (line.amount * YUAN_PER_HUNDREDTH, line.project_amount * YUAN_PER_HUNDREDTH) for line in budget.procurement]


def test_a_revision_changes_one_file_and_its_manifest_row(corpus, tmp_path):
    out = tmp_path / "revised"
    files = generate_corpus(3, SEED, out)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    revise_file(out, files[1], SEED, revision=1)
    changed = {path.name for path in out.iterdir() if path.read_bytes() != before[path.name]}
    assert changed == {files[1].file, "manifest.csv"}
    assert plan_file(GeneratedFile(files[1].file, files[1].spec, 1), SEED).total != plan_file(files[1], SEED).total


def test_layouts_of_both_template_generations(tmp_path):
    """2026 documents end with section 十一 (two more sections), earlier ones with 九; a
    document published in 元 states its amounts in whole yuan."""
    package = Package(DEFAULT_TEMPLATE)
    for year, last_section in ((2024, "九"), (2026, "十一")):
        generated = GeneratedFile(f"{year}.docx", DisclosureSpec(Region("邯郸市", "馆陶县"), DEPARTMENTS[0], year, "单位", "元"))
        budget = plan_file(generated, SEED)
        path = tmp_path / generated.file
        path.write_bytes(render_file(generated, SEED, package))
        with zipfile.ZipFile(path) as archive:
            body = archive.read("word/document.xml").decode()
        assert f"{last_section}、其他需要说明的事项" in body
        assert "224001中共馆陶县委网络安全和信息化委员会办公室本级" in body
        assert f"预算收入{budget.total * 100}.00元" in body


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 31)] == ["一", "九", "十", "十一", "二十", "三十一"]


def test_command_writes_the_corpus(tmp_path):
    result = CliRunner().invoke(cli, ["generate-corpus", "2", "--seed", str(SEED), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*(f.file for f in plan_corpus(2, SEED)),
                                                                       "manifest.csv"])
