"""Every template family and layout variant, on documents the tests generate: the tables are
recognised whatever their wording, read into the same records, and every generated figure
comes back exactly (per code and column, the transposed 三公 table included)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from generator.check import run_checks
from generator.check.view import three_public_item
from generator.cli import cli
from generator.contract.document import Document, Paragraph, Table
from generator.contract.records import Disclosure, TableKind, TableStatus
from generator.contract.table_specs import SPEC_BY_KIND
from generator.corpus import DEFAULT_TEMPLATE, GeneratedFile, Package, compose_file, plan_corpus, plan_file
from generator.corpus.disclosure import DisclosureSpec
from generator.corpus.ledger import Ledger
from generator.corpus.regions import DEPARTMENTS, Region
from generator.corpus.variant import HEBEI, Template
from generator.extract import extract_disclosure
from generator.extract.describe import describe_tables
from generator.extract.tables import read_tables
from generator.pipeline.sources import SourceDocument
from generator.read.docx_reader import read_docx
from generator.render.figures import Bar, income_by_source

SEED = 11
PACKAGE = Package(DEFAULT_TEMPLATE)
K = TableKind

VARIANTS = {
    "hebei 万元": (HEBEI, "万元", 2024),
    "hebei 元, 2026 layout": (HEBEI, "元", 2026),
    "mof joined, 序号, 三公 rows, unit row": (Template("mof", "joined", True, "rows", "row"), "万元", 2023),
    "mof 类/款/项 every part, no 序号, 三公 columns, 编制部门 table, 元 1,234":
        (Template("mof", "split_full", False, "columns", "preparer_table", thousands=True), "元", 2025),
    "mof only the new part, 三公 columns, 编制部门 line, zeros, 8 tables":
        (Template("mof", "split_new", True, "columns", "preparer_paragraph", thousands=True, zeros=True,
                  state_capital=False), "万元", 2022),
    "mof 类 repeated, one header row, 单位 only, year in the title":
        (Template("mof", "split_class", False, "rows", "unit_only", title_year=True, group_header=False), "元", 2021),
    "provincial joined, 三公 columns with 机关运行经费, 元 189,767,551":
        (Template("provincial", "joined", False, "columns", "preparer_paragraph", thousands=True), "元", 2024),
    "provincial every part, 序号 and 栏次, 三公 rows, unit row":
        (Template("provincial", "split_full", True, "rows", "row"), "万元", 2026),
    "provincial only the new part, one header row, zeros":
        (Template("provincial", "split_new", False, "columns", "unit_only", zeros=True, group_header=False),
         "万元", 2020),
    "provincial 类 repeated, 编制单位 table, year in the title":
        (Template("provincial", "split_class", True, "columns", "preparer_table", title_year=True), "元", 2025),
}


def generated(template: Template, money_unit: str, year: int, scope: str = "单位") -> GeneratedFile:
    spec = DisclosureSpec(Region("邯郸市", "馆陶县"), DEPARTMENTS[0], year, scope, money_unit, template)
    return GeneratedFile(f"{template.family}.docx", spec)


def read_back(file: GeneratedFile) -> tuple[Document, Ledger]:
    body, ledger = compose_file(file, SEED)
    return read_docx(io.BytesIO(PACKAGE.write(body, file.spec.title)), file.file), ledger


def disclosure_of(document: Document, file: GeneratedFile) -> Disclosure:
    spec = file.spec
    source = SourceDocument(Path(file.file), file.file, "", "河北省", spec.region.city, spec.region.county)
    return extract_disclosure(document, source)


def compare(ledger: Ledger, tables: dict) -> tuple[int, int, int]:
    """(figures generated, figures read back equal, rows read that were not generated)."""
    figures = recovered = extra = 0
    for kind, expected in ledger.items():
        rows = tables[kind].rows
        coded = SPEC_BY_KIND[kind].codes is not None
        extra += max(0, len(rows) - len(expected))
        for row, wanted in zip(rows, expected):
            same_row = (row.side, row.code if coded else None, row.name) == (
                wanted.side, wanted.code if coded else None, wanted.name)
            recovered += sum(same_row and row.amounts.get(field) == (None if value is None else Decimal(value) * 100)
                             for field, value in wanted.amounts)
        figures += sum(len(wanted.amounts) for wanted in expected)
    return figures, recovered, extra


def yuan(value: int, shown: bool) -> Decimal | None:
    """A generated figure in yuan as read back: a zero the template leaves blank is blank."""
    return Decimal(value) * 100 if value or shown else None


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_family_and_variant_gives_the_generated_figures(variant: str) -> None:
    template, money_unit, year = VARIANTS[variant]
    file = generated(template, money_unit, year, "部门" if year % 2 == 0 else "单位")
    document, ledger = read_back(file)
    disclosure = disclosure_of(document, file)
    budget = plan_file(file, SEED)
    assert disclosure.template_family == template.family
    assert (disclosure.year, disclosure.published_unit, disclosure.unit.unit_name) == (year, money_unit,
                                                                                         file.spec.unit_name)
    assert disclosure.unit.unit_code == (file.spec.unit_code if template.layout == "row" else "")
    assert disclosure.scope == file.spec.scope
    zeros = template.zeros
    general = {row.code: row.amounts for row in disclosure.tables[K.GENERAL_BUDGET].rows if row.code}
    for item in budget.functions:
        if item.total:
            assert general[item.code] == {"total": yuan(item.total, zeros), "basic": yuan(item.basic, zeros),
                                          "project": yuan(item.project, zeros)}, item.code
    for class_code in {item.code[:3] for item in budget.functions if item.total}:  # 类 rows rebuilt from split codes
        assert general[class_code]["total"] == sum(Decimal(item.total) * 100 for item in budget.functions
                                                   if item.code.startswith(class_code))
    economic = {row.code: row.amounts for row in disclosure.tables[K.BASIC_BY_ECONOMIC].rows if row.code}
    for line in budget.personnel:
        assert economic[line.code] == {"total": yuan(line.amount, zeros), "personnel": yuan(line.amount, zeros),
                                       "public": yuan(0, zeros)}
    for line in budget.public:
        assert economic[line.code] == {"total": yuan(line.amount, zeros), "personnel": yuan(0, zeros),
                                       "public": yuan(line.amount, zeros)}
    three_public = disclosure.tables[K.THREE_PUBLIC]
    if budget.three_public or template.family != "hebei":
        items = {}
        for row in three_public.rows:
            items.setdefault(three_public_item(row), row.amounts["total"])
        assert items["total"] == Decimal(budget.three_public) * 100
        assert items["car_running"] == yuan(budget.car_running, template.family != "hebei" or year < 2025)
        assert items["reception"] == yuan(budget.reception, template.family != "hebei" or year < 2025)
    assert compare(ledger, disclosure.tables)[1:] == (compare(ledger, disclosure.tables)[0], 0)
    assert not [f for f in disclosure.findings if f.severity == "error"]
    assert [o for o in run_checks([disclosure]) if o.status == "fail"] == []


def test_the_transposed_three_public_table_keeps_its_operating_expenses() -> None:
    file = generated(Template("provincial", "joined", False, "columns", "preparer_paragraph", thousands=True), "元",
                     2024)
    document, _ = read_back(file)
    table = disclosure_of(document, file).tables[K.THREE_PUBLIC]
    budget = plan_file(file, SEED)
    assert table.title == "单位“三公”经费和机关运行经费预算表" and table.columns == ["total"]
    assert [row.name for row in table.rows] == ["合计", "一、因公出国（境）费", "二、公务用车购置及运维费",
                                                "其中：公务用车购置费", "公务用车运行维护费", "三、公务接待费"]
    assert table.extra_columns == ["机关运行经费"]
    assert table.rows[0].extra == {"机关运行经费": f"{budget.public_total * 100:,}"}  # 元, no decimals in even years
    assert table.rows[0].is_total and not any(row.is_total for row in table.rows[1:])


@pytest.mark.parametrize("published, outcome", [(None, "pass"), ("1,234", "fail")])
def test_operating_expenses_of_the_transposed_table_are_checked_against_public_expenses(
        published: str | None, outcome: str) -> None:
    """机关运行经费 as a column is a figure the table states: checked against table 6's 公用经费."""
    file = generated(Template("provincial", "joined", False, "columns", "preparer_paragraph", thousands=True), "元",
                     2024)
    document, _ = read_back(file)
    budget = plan_file(file, SEED)
    if published is not None:
        document = _with_operating_expenses(document, published)
    disclosure = disclosure_of(document, file)
    (fact,) = [fact for fact in disclosure.narrative.facts if fact.section == disclosure.tables[K.THREE_PUBLIC].title]
    expected = Decimal(1234) if published else Decimal(budget.public_total) * 100
    assert (fact.fact, fact.amount, fact.money_unit) == ("operating_expenses", expected, "元")
    assert fact.sentence == f"单位“三公”经费和机关运行经费预算表 机关运行经费 {published or f'{budget.public_total * 100:,}'}元"
    checked = [o for o in run_checks([disclosure]) if o.rule == "narrative.operating_expenses"
               and o.location.startswith("operating_expenses: 单位“三公”")]
    assert [(o.status, o.expected, o.actual) for o in checked] == [
        (outcome, Decimal(budget.public_total) * 100, expected)]


def _with_operating_expenses(document: Document, text: str) -> Document:
    """The document with the 机关运行经费 cell of its transposed 三公 table replaced."""
    for block in document.blocks:
        if isinstance(block, Table) and any("机关运行经费" in cell.text for cell in block.cells):
            column = next(cell.col for cell in block.cells if cell.text == "机关运行经费")
            last = max(cell.row for cell in block.cells)
            cell = next(cell for cell in block.cells if cell.row == last and cell.col == column)
            cell.text = text
            return document
    raise AssertionError("no 机关运行经费 column")


@pytest.mark.parametrize("variant", [name for name in VARIANTS if not name.startswith("hebei")])
def test_income_by_fund_columns_are_typed_fields(variant: str) -> None:
    """一般公共预算拨款收入 …, 财政专户管理资金收入 and 单位资金 of the other families are fields, not unknown columns."""
    template, money_unit, year = VARIANTS[variant]
    file = generated(template, money_unit, year)
    document, _ = read_back(file)
    disclosure = disclosure_of(document, file)
    budget = plan_file(file, SEED)
    income = disclosure.tables[K.INCOME]
    fields = {"mof": ["total", "general_budget_appropriation", "government_fund_appropriation",
                      "state_capital_appropriation", "fiscal_special_account", "unit_funds", "carryover"],
              "provincial": ["total", "fiscal_appropriation", "general_budget_appropriation",
                             "government_fund_appropriation", "state_capital_appropriation",
                             "fiscal_special_account", "unit_funds", "carryover"]}[template.family]
    assert (income.columns, income.extra_columns) == (fields, [])
    assert not [f for f in disclosure.findings if "not a known column" in f.message]
    rows = {row.code: row.amounts for row in income.rows if row.code}
    total = next(row.amounts for row in income.rows if row.is_total)
    assert total["general_budget_appropriation"] == total["total"] == Decimal(budget.total) * 100
    for item in budget.functions:
        if item.total:
            assert rows[item.code]["general_budget_appropriation"] == Decimal(item.total) * 100, item.code
            assert rows[item.code]["government_fund_appropriation"] == yuan(0, template.zeros)
            assert rows[item.code]["unit_funds"] == yuan(0, template.zeros)
    identities = [o for o in run_checks([disclosure]) if o.rule == "table.row_equals_parts"
                  and o.table == K.INCOME.value]
    assert identities and {o.status for o in identities} == {"pass"}
    if template.family == "provincial":
        assert any(o.message.startswith("fiscal_appropriation = general_budget_appropriation") for o in identities)


def test_the_eight_table_format_is_complete_without_the_state_capital_table() -> None:
    file = generated(Template("mof", "split_new", True, "columns", "preparer_paragraph", state_capital=False), "万元",
                     2022)
    document, _ = read_back(file)
    disclosure = disclosure_of(document, file)
    assert disclosure.tables[K.STATE_CAPITAL].status is TableStatus.MISSING
    outcomes = {o.table: o for o in run_checks([disclosure]) if o.rule == "completeness.tables"}
    assert outcomes[K.STATE_CAPITAL.value].status == "not_applicable"
    assert outcomes[K.STATE_CAPITAL.value].message == "not part of the 财政部参考格式（八张表） this disclosure follows"
    assert {o.status for table, o in outcomes.items() if table != K.STATE_CAPITAL.value} == {"pass"}
    assert outcomes[K.INCOME.value].message == (f"published with {len(disclosure.tables[K.INCOME].rows)} rows "
                                                "(财政部参考格式（八张表）)")
    assert not [f for f in disclosure.findings if "not found" in f.message]


def replace_paragraph(document: Document, old: str, new: str) -> Document:
    """The document with paragraph ``old`` retitled ``new`` (dropped when ``new`` is blank)."""
    blocks = [Paragraph(new) if isinstance(b, Paragraph) and b.text == old else b for b in document.blocks]
    assert blocks != document.blocks
    return Document([b for b in blocks if not isinstance(b, Paragraph) or b.text], document.source)


@pytest.mark.parametrize(("title", "why"), [
    ("单位一般公共预算支出功能分类明细表", "its title '单位一般公共预算支出功能分类明细表' is not one any template family uses"),
    ("", "it has no title"),
])
def test_a_title_no_family_knows_is_recognised_from_its_header(title: str, why: str) -> None:
    file = generated(Template("mof", "split_full", True, "rows", "preparer_table"), "万元", 2023)
    document, ledger = read_back(file)
    variant = replace_paragraph(document, "单位一般公共预算支出表", title)
    disclosure = disclosure_of(variant, file)
    table = disclosure.tables[K.GENERAL_BUDGET]
    assert table.status is TableStatus.PRESENT and table.title == (title or "一般公共预算财政拨款支出表")
    figures, recovered, extra = compare(ledger, disclosure.tables)
    assert recovered == figures and extra == 0
    assert [f.message for f in disclosure.findings if f.stage == "extract"] == [
        f"recognised as table 5 (一般公共预算财政拨款支出表) from its header: {why}"]
    lines = describe_tables(variant)
    assert any(line.startswith(f"  5 present as general_budget_expenditure: 表5 {table.title}")
               and "by its header;" in line for line in lines)


def test_a_table_that_cannot_be_placed_is_not_recognised_rather_than_unpublished() -> None:
    file = generated(Template("mof", "joined", True, "rows", "preparer_table"), "万元", 2023)
    document, _ = read_back(file)
    index = next(i for i, b in enumerate(document.blocks) if isinstance(b, Paragraph) and b.text == "单位收支总表")
    header = document.blocks[index + 2]
    for cell in header.cells:  # a header that says nothing: 收入/支出 relabelled
        if cell.row < 2 and cell.text in ("收 入", "支 出"):
            cell.text = "栏目"
    variant = replace_paragraph(document, "单位收支总表", "单位预算收支情况汇总表")
    disclosure = disclosure_of(variant, file)
    assert disclosure.tables[K.SUMMARY].status is TableStatus.UNRECOGNISED
    assert disclosure.tables[K.SUMMARY].note == f"the document holds tables not recognised: block {index + 2} " \
                                                "'单位预算收支情况汇总表'"
    assert disclosure.tables[K.INCOME].status is TableStatus.PRESENT
    errors = [f for f in disclosure.findings if f.severity == "error"]
    assert [(f.location, f.message) for f in errors] == [
        (f"block {index + 2}", "table not recognised: its title '单位预算收支情况汇总表' is not one of the standard "
                               "tables of any template family, and its header does not say which table it is; its rows "
                               "are not read")]
    outcome = next(o for o in run_checks([disclosure]) if o.rule == "completeness.tables"
                   and o.table == K.SUMMARY.value)
    assert (outcome.status, outcome.actual) == ("not_applicable", "not recognised")
    assert disclosure.table(K.SUMMARY) is None


def test_inspect_shows_family_rule_and_column_mapping(tmp_path) -> None:
    file = generated(Template("provincial", "split_new", False, "columns", "unit_only"), "万元", 2020)
    body, _ = compose_file(file, SEED)
    path = tmp_path / "provincial.docx"
    path.write_bytes(PACKAGE.write(body, file.spec.title))
    result = CliRunner().invoke(cli, ["inspect", "--tables", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "template family: provincial (“部门…预算表”格式（九张表）)"
    assert any(line.startswith("  5 present as general_budget_expenditure: 表5 单位一般公共预算支出功能分类预算表")
               and "by its title, title in the wording of provincial;" in line for line in lines)
    assert "      column 1 '支出功能分类科目/科目编码/类' → code part 类" in lines
    assert "      column 3 '支出功能分类科目/科目编码/项' → code part 项" in lines
    assert "      column 4 '支出功能分类科目/科目名称' → name" in lines
    assert any(line.startswith("      items as columns: 单位名称 / 合计 / 因公出国(境)费") for line in lines)
    assert "      '机关运行经费' → operating_expenses (a figure the table states)" in lines
    assert not [line for line in lines if "unknown columns" in line]


@pytest.mark.parametrize("family", ["hebei", "mof", "provincial"])
def test_round_trip_of_200_generated_documents(family: str) -> None:
    """Every generated figure read back exactly, and no row that was not generated."""
    figures = recovered = extra = documents = 0
    for file in plan_corpus(200, SEED, family):
        document, ledger = read_back(file)
        result = read_tables(document)
        assert result.family.name == family
        counted = compare(ledger, result.tables)
        figures, recovered, extra = figures + counted[0], recovered + counted[1], extra + counted[2]
        documents += 1
    assert documents == 200 and figures > 100_000
    assert (recovered, extra) == (figures, 0)


def test_the_build_report_names_each_disclosures_family_and_tables() -> None:
    report = json.loads((ROOT / "datapackage" / "build_report.json").read_text(encoding="utf-8"))
    by_file = {entry["file"]: entry for entry in report["published"]}
    hebei = by_file["2024_邯郸市_馆陶县_网信办本级_单位预算.docx"]
    assert hebei["template_family"] == "hebei"
    empty = (K.GOVERNMENT_FUND, K.STATE_CAPITAL, K.THREE_PUBLIC)  # 001 has no 三公 expenses
    assert hebei["tables"] == {kind.value: "empty" if kind in empty else "present" for kind in TableKind}
    explanation_only = by_file["2020_廊坊市_网信办_部门预算.docx"]
    assert explanation_only["template_family"] == "" and set(explanation_only["tables"].values()) == {"missing"}


def test_income_by_source_counts_fiscal_appropriation_once() -> None:
    """Without table 1 the chart of income by source reads table 2's 合计 row: 财政拨款 published
    beside its funds is one bar, not two."""
    template, money_unit, year = VARIANTS["provincial every part, 序号 and 栏次, 三公 rows, unit row"]
    file = generated(template, money_unit, year)
    document, _ = read_back(file)
    disclosure = disclosure_of(document, file)
    del disclosure.tables[K.SUMMARY]
    budget = plan_file(file, SEED)
    label, bars = income_by_source(disclosure)
    assert label.startswith("表2") and bars == [Bar("财政拨款收入", Decimal(budget.total) * 100)]
