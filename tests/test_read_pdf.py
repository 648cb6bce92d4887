"""PDF and legacy Word input: the corpus printed to PDF, and saved as Word 97 .doc, by
LibreOffice gives exactly the figures of the .docx; PDFs that cannot be read are refused
with a one-line reason while the other documents of the folder publish."""

from __future__ import annotations

import csv
import functools
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import SEEDS, SOURCE_DOCS, seed_document
from office import (
    encrypted_pdf,
    figures_of,
    office_convert,
    pinned,
    scanned_pdf,
    table_figures,
    truncated_pdf,
    unmapped_pdf,
    with_header_and_page_numbers,
    write_generated,
)
from test_template_families import compare

from generator.cli import cli
from generator.contract.records import TableKind
from generator.corpus.variant import Template
from generator.extract.layout import stated_identity
from generator.extract.narrative import extract_narrative
from generator.extract.tables import extract_tables
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.report import EXIT_UNREADABLE
from generator.read import Document, UnreadableDocument, read_document
from generator.read.safety import Limits
from generator.runtime.store import STORE, Store

# Facts the .docx states that the PDF's explanation does not give (seed 004): its asset
# paragraph is read as two, each without the other's half of the sentence.
NARRATIVE_DIFFERENCES = {"004": {("fixed_assets_total", "上年末"), ("planned_asset_purchases", "")}}
# Corpus counts: budget-table rows (all nine tables) per seed, from the .docx.
TABLE_FIGURES = {"000": 168, "001": 149, "002": 142, "003": 9, "004": 9}
# A generated unit-year printed in two families' layouts below.
FUNING = "2020_秦皇岛市_抚宁区_商务局_部门预算.docx"


@pytest.fixture(scope="session")
def corpus_pdfs(tmp_path_factory):
    """Seed → the corpus document printed to PDF by LibreOffice (~3 s for all five)."""
    sources = [SOURCE_DOCS / f"{stem}.docx" for stem in SEEDS.values()]
    made = office_convert(sources, "pdf", tmp_path_factory.mktemp("pdf"))
    return dict(zip(SEEDS, made))


@functools.cache
def read_once(path: Path) -> Document:
    """A corpus PDF read once per session (half a second each). Shared: do not mutate it."""
    return read_document(path)


@pytest.fixture(scope="session")
def word97(tmp_path_factory):
    """Seed 003 saved as a Word 97 .doc by LibreOffice."""
    [made] = office_convert([SOURCE_DOCS / f"{SEEDS['003']}.docx"], "doc:MS Word 97", tmp_path_factory.mktemp("doc"))
    assert made.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    return made


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_pdf_gives_every_table_figure_of_the_docx(seed, corpus_pdfs):
    document = read_once(corpus_pdfs[seed])
    assert "预算" in " ".join(p.text for _, p in document.paragraphs()), \
        "no Chinese text in the PDF: install a Chinese font (apt-get install fonts-wqy-microhei)"
    figures = table_figures(document)
    assert figures == table_figures(seed_document(seed))
    assert len(figures) == TABLE_FIGURES[seed]
    assert stated_identity(document) == stated_identity(seed_document(seed))


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_pdf_gives_the_narrative_facts_of_the_docx(seed, corpus_pdfs):
    def facts(document):
        narrative, _ = extract_narrative(document, "万元")
        return [(fact.fact, fact.qualifier, fact.amount, fact.money_unit) for fact in narrative.facts]

    from_docx, from_pdf = facts(seed_document(seed)), facts(read_once(corpus_pdfs[seed]))
    missing = {(fact, qualifier) for fact, qualifier, _, _ in from_docx} - {(f, q) for f, q, _, _ in from_pdf}
    assert missing == NARRATIVE_DIFFERENCES.get(seed, set())
    assert [fact for fact in from_docx if fact[:2] not in missing] == from_pdf


def test_table_continued_on_the_next_page_is_one_table(corpus_pdfs):
    """Seed 000's income table (收入总表) starts at the foot of page 1 and goes on on page 2, its
    header row cut by the page break; its 2013750 row is cut too ('201375' / '0')."""
    document = read_once(corpus_pdfs["000"])
    grids = [table.grid() for _, table in document.tables()]
    income = next(grid for grid in grids if grid[0][:2] == ["序号", "功能分类科目"])
    assert len(income) == 16 and len(income[0]) == 13
    assert any("2013750" in row for grid in grids for row in grid)
    assert not any("201375" in row for grid in grids for row in grid)


def test_a_scanned_page_among_text_pages_is_a_warning(corpus_pdfs, tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(corpus_pdfs["003"]))
    writer.append(str(scanned_pdf(corpus_pdfs["004"], tmp_path / "scan.pdf")))
    writer.write(tmp_path / "mixed.pdf")
    document = read_document(tmp_path / "mixed.pdf")
    assert table_figures(document) == table_figures(seed_document("003"))
    assert document.warnings == ["page 6 has no text layer (a scanned image?): its content is not read"]


def test_page_headers_footers_and_numbers_are_dropped(corpus_pdfs, tmp_path):
    header = "石家庄市栾城区网信办2022年部门预算公开"
    marked = with_header_and_page_numbers(SOURCE_DOCS / f"{SEEDS['000']}.docx", header, tmp_path / "marked.docx")
    [pdf] = office_convert([marked], "pdf", tmp_path / "pdf")
    assert all("".join(page.extract_text().split()).count(header) == 1 for page in pypdf.PdfReader(pdf).pages)
    document = read_document(pdf)
    texts = [paragraph.text for _, paragraph in document.paragraphs()]
    assert not [text for text in texts if header in text or re.fullmatch(r"第\s*\d+\s*页", text)]
    assert table_figures(document) == table_figures(seed_document("000"))
    # The header moves the page breaks; paragraphs run on across them all the same.
    assert texts == [paragraph.text for _, paragraph in read_once(corpus_pdfs["000"]).paragraphs()]


def test_a_row_broken_across_pages_with_blank_leftmost_cells_is_one_row(tmp_path):
    """A generated 部门…预算表 disclosure printed by LibreOffice breaks the 收支总表 row
    三十、抗疫特别国债安排的支出 across pages, the income side blank: one row, every figure."""
    file = pinned("2020_衡水市_安平县_档案馆_部门预算.docx", "元", Template(
        "provincial", "split_full", numbered=False, layout="unit_only", zeros=True))
    ledger = write_generated(file, 7, tmp_path / "provincial.docx")
    [pdf] = office_convert([tmp_path / "provincial.docx"], "pdf", tmp_path)
    tables, _ = extract_tables(read_document(pdf))
    figures, recovered, extra = compare(ledger, tables)
    assert figures > 400 and (recovered, extra) == (figures, 0)
    spending = [row.name for row in tables[TableKind.SUMMARY].rows if row.side == "expenditure"]
    assert spending[29:31] == ["三十、抗疫特别国债安排的支出", "三十一、人行科目"]


def test_header_rows_closing_a_page_join_the_table_on_the_next(tmp_path):
    """A generated Ministry-of-Finance disclosure (抚宁区 2020) printed by LibreOffice ends page
    3 with the unit row (unit, year, 单位：元: its own column rules) and the 收入/支出 row of
    table 4; its body opens page 4. One table, every figure of the .docx."""
    docx_path = tmp_path / "mof.docx"
    file = pinned(FUNING, "元", Template("mof", "split_class", three_public="columns", title_year=True,
                                        thousands=True, zeros=True, group_header=False))
    ledger = write_generated(file, 0, docx_path)
    [pdf] = office_convert([docx_path], "pdf", tmp_path)
    tables, _ = extract_tables(read_document(pdf))
    assert figures_of(tables) == table_figures(read_document(docx_path))
    figures, recovered, extra = compare(ledger, tables)
    assert figures > 400 and (recovered, extra) == (figures, 0)
    summary = tables[TableKind.FISCAL_SUMMARY]
    assert len(summary.rows) == 40
    assert [row.amounts for row in summary.rows if row.name == "收入总计"] == [{"total": Decimal("3265300.00")}]


def test_merged_indicator_classes_and_cut_figures_keep_every_indicator_and_figure(tmp_path):
    """Generated 部门…预算表 disclosures printed by LibreOffice: 献县's 产出指标 (over four
    indicator rows) is cut by a page break, 抚宁区 prints its 效益指标 over two rows as one
    row with a rule under it and no left rule beside the second, and 新华区's 三公 table row
    is cut by a page break inside its unit name and its figure (86,200. over 00). Every
    indicator and every table figure is read."""
    chosen = (
        pinned("2025_沧州市_献县_审计局本级_单位预算.docx", "万元", Template(
            "provincial", "split_new", numbered=False, layout="preparer_table", thousands=True, zeros=True)),
        pinned(FUNING, "元", Template("provincial", "split_class", three_public="columns", title_year=True,
                                      thousands=True, zeros=True)),
        pinned("2021_沧州市_新华区_文化广电和旅游局_部门预算.docx", "元", Template(
            "provincial", numbered=False, three_public="columns", title_year=True, thousands=True,
            group_header=False)),
    )
    sources = [tmp_path / f"{file.spec.unit_name}.docx" for file in chosen]
    for file, path in zip(chosen, sources, strict=True):
        write_generated(file, 0, path)
    pdfs = office_convert(sources, "pdf", tmp_path / "pdf")

    def narrative(path: Path) -> tuple[list, list[str]]:
        found, findings = extract_narrative(read_document(path), "万元")
        return found.indicators, [finding.message for finding in findings]

    for source, pdf in zip(sources, pdfs):
        assert narrative(pdf) == narrative(source), source.stem
        assert table_figures(read_document(pdf)) == table_figures(read_document(source)), source.stem
    indicators = {source.stem[:2]: narrative(pdf)[0] for source, pdf in zip(sources, pdfs)}
    assert [len(found) for found in indicators.values()] == [35, 35, 14]
    quality = [(i.level1, i.level3, i.target) for i in indicators["献县"] if i.project_name == "办公设备购置经费"]
    assert quality[:2] == [("产出指标", "办公设备购置完成数量", "≥5次"), ("产出指标", "办公设备购置完成质量", "≥95%")]
    lasting = [(i.level1, i.level2, i.target, i.number) for i in indicators["抚宁"] if i.project_name == "业务培训经费"]
    assert lasting[4:6] == [("效益指标", "社会效益指标", "≥98%", Decimal("98")),
                            ("效益指标", "可持续影响指标", "≥95%", Decimal("95"))]
    three_public = extract_tables(read_document(pdfs[2]))[0][TableKind.THREE_PUBLIC]
    assert [(row.name, row.extra) for row in three_public.rows if row.extra] == [("合计", {"机关运行经费": "86,200.00"})]


def test_a_pdf_locked_only_against_copying_is_read(corpus_pdfs, tmp_path):
    locked = encrypted_pdf(corpus_pdfs["003"], tmp_path / "locked.pdf", user_password="")
    assert pypdf.PdfReader(locked).is_encrypted
    assert table_figures(read_document(locked)) == table_figures(seed_document("003"))


def test_pdf_page_cap(corpus_pdfs):
    with pytest.raises(UnreadableDocument, match="over the 2-page limit"):
        read_document(corpus_pdfs["003"], Limits(max_pdf_pages=2))


@pytest.mark.parametrize("make, reason", [(scanned_pdf, "a scanned PDF"), (encrypted_pdf, "a password-protected PDF"),
                                          (truncated_pdf, "damaged or truncated PDF"),
                                          (lambda _, out: unmapped_pdf(out), "a PDF whose text cannot be extracted")])
def test_unreadable_pdfs_have_a_one_line_reason(make, reason, corpus_pdfs, tmp_path):
    with pytest.raises(UnreadableDocument) as refused:
        read_document(make(corpus_pdfs["003"], tmp_path / "bad.pdf"))
    assert refused.value.reason.startswith(reason) and refused.value.hint
    assert "\n" not in refused.value.reason + refused.value.hint


def test_word97_doc_gives_the_figures_of_the_docx(word97, tmp_path):
    store = Store(tmp_path / "store")
    document = read_document(word97, conversions=store)
    assert table_figures(document) == table_figures(seed_document("003"))
    assert len([entry for entry in (tmp_path / "store" / "converted").rglob("*") if entry.is_file()]) == 1
    assert read_document(word97, conversions=store).blocks == document.blocks  # from the store


def test_word97_doc_with_tables_gives_figures_and_no_split_columns(tmp_path):
    """LibreOffice's .doc splits a published column in the grid (项目 over three grid columns):
    read as the one column it is, with every figure and no unknown column."""
    [made] = office_convert([SOURCE_DOCS / f"{SEEDS['001']}.docx"], "doc:MS Word 97", tmp_path)
    document = read_document(made)
    assert table_figures(document) == table_figures(seed_document("001"))
    tables, findings = extract_tables(document)
    # Tables 7 and 8 are empty; LibreOffice's .doc puts one-twip columns in their grids, which
    # left each merged header cell continuing nothing and four unknown columns a table.
    assert findings == extract_tables(seed_document("001"))[1] == []
    assert {kind: table.extra_columns for kind, table in tables.items()} == {kind: [] for kind in tables}
    assert [(table.status.value, table.columns) for kind, table in tables.items() if kind.number in (7, 8)] == [
        ("empty", ["total", "basic", "project"])] * 2
    header = next(table for _, table in document.tables() if table.n_rows == 5 and "科目编码" in table.grid()[2])
    assert header.grid()[1:4] == [["序号", "功能分类科目", "", "合计", "基本支出", "", "项目支出", ""],
                                  ["", "科目编码", "科目名称", "", "", "", "", ""],
                                  ["栏次", "1", "2", "3", "4", "", "5", ""]]
    with_rows = {kind for kind, table in tables.items() if table.rows}
    assert with_rows == {kind for kind, table in extract_tables(seed_document("001"))[0].items() if table.rows}
    assert len(with_rows) == 6
    summary = tables[TableKind.SUMMARY]
    assert (summary.extra_columns, len(summary.rows)) == ([], 42)
    assert sum(row.amounts["amount"] or 0 for row in summary.rows if row.name == "收入总计") == Decimal("1167600.00")


def test_word97_doc_converted_with_a_store_named_relatively(word97, tmp_path, monkeypatch):
    """`budget-site build` names its cache folder relative to the working folder; LibreOffice's
    profile in it must still be given as an absolute file URI."""
    monkeypatch.chdir(tmp_path)
    document = read_document(word97, conversions=Store(Path("cache") / "store"))
    assert table_figures(document) == table_figures(seed_document("003"))


def test_rtf_gives_the_figures_of_the_docx(tmp_path):
    [rtf] = office_convert([SOURCE_DOCS / f"{SEEDS['003']}.docx"], "rtf", tmp_path)
    assert rtf.read_bytes().startswith(b"{\\rtf")
    assert table_figures(read_document(rtf)) == table_figures(seed_document("003"))


def test_without_libreoffice_legacy_files_name_the_install(word97, tmp_path, monkeypatch):
    rtf = tmp_path / "old.rtf"
    rtf.write_text(r"{\rtf1\ansi 2020年部门预算}", encoding="ascii", errors="ignore")
    monkeypatch.setenv("PATH", str(tmp_path))
    for path, what in ((word97, "a legacy Word 97–2003 .doc"), (rtf, "an RTF file")):
        with pytest.raises(UnreadableDocument) as refused:
            read_document(path)
        assert refused.value.reason.startswith(what)
        assert "apt-get install libreoffice-writer-nogui" in refused.value.hint


def test_inspect_reads_a_pdf(corpus_pdfs):
    result = CliRunner().invoke(cli, ["inspect", "--tables", str(corpus_pdfs["002"])])
    assert result.exit_code == 0, result.output
    assert "部门预算收支总表" in result.output


def test_build_publishes_pdf_and_doc_beside_unreadable_pdfs(corpus_pdfs, word97, tmp_path):
    source = tmp_path / "source_docs"
    source.mkdir()
    with (SOURCE_DOCS / "manifest.csv").open(encoding="utf-8") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    published = {"002.pdf": corpus_pdfs["002"], "003.doc": word97}
    for name, path in published.items():
        shutil.copy(path, source / name)
    bad = {"scanned.pdf": (scanned_pdf, "a scanned PDF"), "encrypted.pdf": (encrypted_pdf, "a password-protected PDF"),
           "truncated.pdf": (truncated_pdf, "damaged or truncated PDF")}
    for name, (make, _) in bad.items():
        make(corpus_pdfs["004"], source / name)
    with (source / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(next(iter(rows.values()))))
        writer.writeheader()
        for name, seed in (("002.pdf", "002"), ("003.doc", "003")):
            writer.writerow({**rows[f"{SEEDS[seed]}.docx"], "file": name})
    log: list[str] = []
    result = build(BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2,
                                cache_dir=tmp_path / "cache", with_site=False), log=log.append)
    assert {u.file: u.reason.split(":")[0] for u in result.unreadable} == \
        {name: reason.split(":")[0] for name, (_, reason) in bad.items()}
    assert sum(line.startswith("unreadable: ") for line in log) == len(bad)
    report = (tmp_path / "datapackage" / "build_report.json").read_text(encoding="utf-8")
    assert f'"exit_code": {EXIT_UNREADABLE}' in report
    by_file = {d.source_file: d for d in result.load_disclosures()}
    assert set(by_file) == set(published)
    for name, seed in (("002.pdf", "002"), ("003.doc", "003")):
        assert figures_of(by_file[name].tables) == table_figures(seed_document(seed)), name
    assert [entry for entry in (tmp_path / "cache" / STORE / "converted").rglob("*") if entry.is_file()]
