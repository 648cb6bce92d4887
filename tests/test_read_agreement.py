"""The .docx reader and the text-export reader agree on all five disclosures.

The text export records no spans: a horizontally merged cell appears once, a vertically
merged one as an empty cell in each row below its first. So each .docx table is flattened
the same way (a merged cell's text in its first row, '' in the rows it continues into) and
rows are compared after whitespace normalisation.

Table boundaries are compared on the sequence of rows of all tables, because they differ
for two named reasons:

* joined: the export has no marker between two Word tables with nothing between them, so
  the one-row layout table above a budget table (unit, 预算年度, 单位：万元 / 截止时间) and the
  table below it are one table in the text;
* split: in the project performance tables of 000, 001 and 002 the export writes a line
  holding a single space between the 绩效目标 row and the 一级指标 indicator grid, which
  ends a table in the text although it is one Word table.
"""

from __future__ import annotations

import pytest
from conftest import SEEDS, seed_document

from generator.contract.document import Document, Table

# seed → (tables in the .docx, tables in the text export)
TABLE_COUNTS = {"000": (36, 38), "001": (35, 24), "002": (32, 20), "003": (5, 4), "004": (20, 19)}
# seed → Word tables directly followed by another table (joined in the text export)
JOINED = {"000": 11, "001": 17, "002": 15, "003": 1, "004": 1}
# seed → Word tables the text export splits before their indicator grid
SPLIT = {"000": 13, "001": 6, "002": 3, "003": 0, "004": 0}


def normalised(text: str) -> str:
    return " ".join(text.split())


def flattened(table: Table) -> list[list[str]]:
    """Rows as the text export writes them: merged cells once, vertical continuations as ''."""
    rows: list[list[tuple[int, str]]] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row].append((cell.col, normalised(cell.text)))
        for below in range(cell.row + 1, cell.row + cell.rowspan):
            rows[below].append((cell.col, ""))
    return [[text for _, text in sorted(row)] for row in rows]


def all_rows(document: Document, flatten) -> tuple[list[list[str]], list[int]]:
    """Rows of all tables in order, and the row offsets where each table ends."""
    rows: list[list[str]] = []
    ends: list[int] = []
    for _, table in document.tables():
        rows.extend(flatten(table))
        ends.append(len(rows))
    return rows, ends


def exported(table: Table) -> list[list[str]]:
    """Rows of a table read from the text export, where every cell has span 1."""
    return [[normalised(cell.text) for cell in row] for row in table.rows()]


@pytest.fixture(scope="module", params=sorted(SEEDS))
def pair(request) -> tuple[str, Document, Document]:
    return request.param, seed_document(request.param, "docx"), seed_document(request.param, "txt")


def test_table_counts(pair):
    seed, docx, text = pair
    assert (len(list(docx.tables())), len(list(text.tables()))) == TABLE_COUNTS[seed]


def test_every_table_row_agrees(pair):
    seed, docx, text = pair
    rows_from_docx, _ = all_rows(docx, flattened)
    rows_from_text, _ = all_rows(text, exported)
    assert len(rows_from_docx) == len(rows_from_text)
    for index, (from_docx, from_text) in enumerate(zip(rows_from_docx, rows_from_text)):
        assert from_docx == from_text, f"{seed}: row {index} of all tables differs"


def test_every_paragraph_agrees(pair):
    _, docx, text = pair
    from_docx = [normalised(p.text) for _, p in docx.paragraphs() if normalised(p.text)]
    from_text = [normalised(p.text) for _, p in text.paragraphs() if normalised(p.text)]
    assert from_docx == from_text


def test_joined_tables_are_adjacent_word_tables_under_a_layout_row(pair):
    seed, docx, text = pair
    _, docx_ends = all_rows(docx, flattened)
    _, text_ends = all_rows(text, exported)
    tables = [table for _, table in docx.tables()]
    adjacent = {index for index, (position, _) in enumerate(docx.tables())
                if position + 1 < len(docx.blocks) and isinstance(docx.blocks[position + 1], Table)}
    joined = {index for index, end in enumerate(docx_ends) if end not in set(text_ends)}
    assert joined == adjacent
    assert len(joined) == JOINED[seed]
    for index in joined:
        layout = tables[index]
        assert layout.n_rows == 1
        assert any(mark in cell.text for cell in layout.cells for mark in ("单位：", "截止时间："))


def test_split_tables_break_before_the_indicator_grid(pair):
    seed, docx, text = pair
    _, docx_ends = all_rows(docx, flattened)
    rows, text_ends = all_rows(text, exported)
    splits = [end for end in text_ends[:-1] if end not in set(docx_ends)]
    assert len(splits) == SPLIT[seed]
    for end in splits:
        assert rows[end - 1][0] == "绩效目标"
        assert rows[end][0] == "一级指标"


def test_corpus_grids_are_regular():
    for seed in SEEDS:
        assert all(not table.warnings for _, table in seed_document(seed).tables()), seed


def test_known_cells_of_000():
    document = seed_document("000")
    tables = [table for _, table in document.tables()]
    income = tables[3]  # 部门预算收入总表, under its layout table
    assert (income.n_rows, income.n_cols) == (16, 13)
    spans = {(c.row, c.col): (c.rowspan, c.colspan, c.text) for c in income.cells}
    assert spans[(0, 0)] == (2, 1, "序号")
    assert spans[(0, 4)] == (1, 8, "本年收入")
    assert spans[(0, 12)] == (2, 1, "上年结转")
    administration = [[c.text for c in row] for table in tables for row in table.rows()
                      if [c.text for c in row][1:3] == ["2013701", "行政运行"]]
    assert administration[0][:6] == ["4", "2013701", "行政运行", "68.56", "68.56", "68.56"]
    assert len(administration) == 3  # 收入总表, 支出总表, 一般公共预算财政拨款支出表
    assert all(row[3] == "68.56" for row in administration)


@pytest.mark.parametrize("seed, text, level", [
    ("000", "部门预算收支总表", 3),
    ("000", "一、部门职责及机构设置情况", 2),
    ("001", "五、单位项目预算安排情况及绩效目标", 2),
    ("001", "1、互联网企业监管和网络执法经费绩效目标表", 3),
    ("002", "十一、其他需要说明的事项", 2),
    ("004", "五、绩效预算信息", 2),
])
def test_section_headings_keep_their_level(seed, text, level):
    headings = {p.text: (p.heading_level, p.style) for _, p in seed_document(seed).paragraphs()}
    assert headings[text] == (level, f"Heading {level}")


def test_body_text_is_not_a_heading():
    paragraphs = [p for _, p in seed_document("003").paragraphs() if p.style == "Body Text"]
    assert paragraphs and all(p.heading_level is None for p in paragraphs)
