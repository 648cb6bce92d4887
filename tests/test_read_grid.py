"""The .docx reader on small hand-made documents: the table grid and the text Word shows.

Each document is its document.xml written out here and zipped with the least a Word
package needs, so every case shows exactly the markup it is about.
"""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest
from lxml import etree

from generator.contract.document import Cell, Document, Paragraph, Table
from generator.read import docx_trim
from generator.read.docx_reader import read_docx

NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    '</Relationships>'
)
SECTION = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'


def main_part(body: str, declaration: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') -> str:
    return f'{declaration}<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>'


def package(body: str, document: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document or main_part(body))
    return buffer.getvalue()


def read(body: str) -> Document:
    return read_docx(io.BytesIO(package(body)), name="hand-made.docx")


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*content: str) -> str:
    return f"<w:p>{''.join(run(c) if not c.startswith('<') else c for c in content)}</w:p>"


def tc(*content: str, span: int = 1, vmerge: str | None = None, hmerge: str | None = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
    props += {None: "", "continue": "<w:vMerge/>"}.get(vmerge, f'<w:vMerge w:val="{vmerge}"/>')
    props += {None: "", "continue": "<w:hMerge/>"}.get(hmerge, f'<w:hMerge w:val="{hmerge}"/>')
    blocks = "".join(c if c.startswith("<w:p") or c.startswith("<w:tbl") else p(c) for c in content) or "<w:p/>"
    return f'<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>{props}</w:tcPr>{blocks}</w:tc>'


def tr(*cells: str, before: int = 0, after: int = 0, deleted: bool = False) -> str:
    props = (f'<w:gridBefore w:val="{before}"/>' if before else "") + (f'<w:gridAfter w:val="{after}"/>'
                                                                        if after else "")
    props += '<w:del w:id="9" w:author="editor"/>' if deleted else ""
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


def tbl(*rows: str, cols: int) -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(cols))
    properties = '<w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
    return f'<w:tbl>{properties}<w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'


def sdt(content: str) -> str:
    return f'<w:sdt><w:sdtPr><w:alias w:val="control"/></w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>'


def only_table(document: Document) -> Table:
    tables = [table for _, table in document.tables()]
    assert len(tables) == 1
    return tables[0]


def placed(table: Table) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells]


def test_grid_span_widens_a_cell_once():
    table = only_table(read(tbl(tr(tc("收入", span=2), tc("支出")), tr(tc("项目"), tc("预算数"), tc("项目")), cols=3)))
    assert (table.n_rows, table.n_cols) == (2, 3)
    assert placed(table) == [(0, 0, 1, 2, "收入"), (0, 2, 1, 1, "支出"),
                             (1, 0, 1, 1, "项目"), (1, 1, 1, 1, "预算数"), (1, 2, 1, 1, "项目")]
    assert table.grid() == [["收入", "", "支出"], ["项目", "预算数", "项目"]]


def test_vertical_merge_over_thousands_of_rows_is_one_cell_and_fast():
    rows = 3000
    body = tbl(tr(tc("产出指标", vmerge="restart"), tc("指标 1")),
               *(tr(tc(vmerge="continue"), tc(f"指标 {index}")) for index in range(2, rows + 1)), cols=2)
    data = package(body)
    start = time.perf_counter()
    table = only_table(read_docx(io.BytesIO(data)))
    elapsed = time.perf_counter() - start
    merged = table.cells[0]
    assert (merged.row, merged.col, merged.rowspan, merged.colspan, merged.text) == (0, 0, rows, 1, "产出指标")
    assert len(table.cells) == rows + 1
    assert table.cells[-1].text == f"指标 {rows}" and table.n_rows == rows
    assert not table.warnings
    assert elapsed < 2.0  # linear: about 0.1 s; python-docx's cell() is quadratic on this (#1209)


def test_grid_before_and_after_leave_grid_columns_empty():
    table = only_table(read(tbl(tr(tc("a"), tc("b"), tc("c"), tc("d")),
                                tr(tc("x"), tc("y"), before=1, after=1),
                                tr(tc("z"), before=3), cols=4)))
    assert placed(table)[4:] == [(1, 1, 1, 1, "x"), (1, 2, 1, 1, "y"), (2, 3, 1, 1, "z")]
    assert table.n_cols == 4 and not table.warnings


def test_legacy_horizontal_merge_joins_cells():
    table = only_table(read(tbl(tr(tc("合计", hmerge="restart"), tc(hmerge="continue"), tc("314.85")),
                                tr(tc("a"), tc("b"), tc("c")), cols=3)))
    assert placed(table)[:2] == [(0, 0, 1, 2, "合计"), (0, 2, 1, 1, "314.85")]


def test_content_control_around_a_cell():
    table = only_table(read(tbl(tr(tc("a"), sdt(tc("b")), tc("c")), cols=3)))
    assert placed(table) == [(0, 0, 1, 1, "a"), (0, 1, 1, 1, "b"), (0, 2, 1, 1, "c")]


def test_content_control_and_custom_xml_around_rows():
    custom = '<w:customXml w:element="row">{}</w:customXml>'
    table = only_table(read(tbl(tr(tc("1"), tc("2")), sdt(tr(tc("3"), tc("4"))),
                                custom.format(tr(tc("5"), tc("6"))), cols=2)))
    assert table.grid() == [["1", "2"], ["3", "4"], ["5", "6"]]


def test_content_control_around_a_whole_table_keeps_body_order():
    document = read(p("before") + sdt(tbl(tr(tc("a", vmerge="restart"), tc("b")),
                                          tr(tc(vmerge="continue"), tc("c")), cols=2)) + p("after"))
    assert [type(block) for block in document.blocks] == [Paragraph, Table, Paragraph]
    assert placed(document.blocks[1])[0] == (0, 0, 2, 1, "a")


def test_tracked_insertion_inside_a_number_is_read_and_deletion_is_not():
    inserted = '<w:ins w:id="1" w:author="editor"><w:r><w:t>.5</w:t></w:r></w:ins>'
    deleted = '<w:del w:id="2" w:author="editor"><w:r><w:delText>9</w:delText><w:tab/></w:r></w:del>'
    moved_away = '<w:moveFrom w:id="3" w:author="editor"><w:r><w:t>1</w:t></w:r></w:moveFrom>'
    moved_here = '<w:moveTo w:id="4" w:author="editor"><w:r><w:t>6</w:t></w:r></w:moveTo>'
    table = only_table(read(tbl(tr(tc(p("68", inserted, deleted, moved_away, moved_here))), cols=1)))
    assert table.cells[0].text == "68.56"


def test_deleted_row_is_not_read():
    table = only_table(read(tbl(tr(tc("kept")), tr(tc("gone"), deleted=True), tr(tc("also kept")), cols=1)))
    assert table.grid() == [["kept"], ["also kept"]]


def test_field_instructions_are_skipped_and_results_kept():
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TC 总体绩效目标 \\f A </w:instrText>'
             '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    simple = '<w:fldSimple w:instr=" PAGE "><w:r><w:t>4</w:t></w:r></w:fldSimple>'
    document = read(p(field, "总体", '<w:r><w:fldChar w:fldCharType="end"/></w:r>', " 第", simple, "页"))
    assert document.blocks[0].text == "总体 第4页"


def test_breaks_and_tabs_but_not_tab_stops():
    tab_stops = '<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    breaks = '<w:r><w:t>1.</w:t><w:tab/><w:t>目标</w:t><w:br/><w:t>2.</w:t><w:cr/><w:t>3.</w:t></w:r>'
    document = read(p(tab_stops, breaks))
    assert document.blocks[0].text == "1.\t目标\n2.\n3."


def test_hyperlinks_smart_tags_and_run_level_controls_are_read_through():
    content = ('<w:hyperlink w:anchor="x"><w:r><w:t>网信</w:t></w:r></w:hyperlink>'
               '<w:smartTag w:uri="u" w:element="e"><w:r><w:t>办</w:t></w:r></w:smartTag>'
               + sdt('<w:r><w:t>2024</w:t></w:r>'))
    assert read(p(content)).blocks[0].text == "网信办2024"


def test_alternate_content_fallback_is_not_read_twice():
    alternate = ('<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>框</w:t></w:r></mc:Choice>'
                 '<mc:Fallback><w:r><w:t>框</w:t></w:r></mc:Fallback></mc:AlternateContent>')
    assert read(p("文本", alternate)).blocks[0].text == "文本框"


def test_text_box_paragraphs_continue_the_enclosing_paragraph():
    box = ('<w:r><w:pict><v:shape><v:textbox><w:txbxContent>' + p("框内") +
           '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    document = read(p("前", box, "后") + p("下一段"))
    assert [block.text for block in document.blocks] == ["前框内后", "下一段"]


def test_nested_table_inside_a_cell():
    inner = tbl(tr(tc("一级指标"), tc("产出")), tr(tc("指标值"), tc("≥95%")), cols=2)
    document = read(tbl(tr(tc(p("项目"), inner, p("说明")), tc("b")), cols=2) + p("after"))
    outer = only_table(document)
    cell = outer.cells[0]
    assert cell.text == "项目\n说明"
    assert len(cell.tables) == 1 and cell.tables[0].grid() == [["一级指标", "产出"], ["指标值", "≥95%"]]
    assert placed(outer)[1] == (0, 1, 1, 1, "b")
    assert document.to_json()["blocks"][0]["cells"][0]["tables"][0]["cells"][3]["text"] == "≥95%"


@pytest.mark.parametrize("section", [SECTION, ""])
def test_table_at_the_very_end_of_the_body(section):
    document = read(p("标题") + tbl(tr(tc("a"), tc("b")), cols=2) + section)
    assert isinstance(document.blocks[-1], Table)
    assert document.blocks[-1].grid() == [["a", "b"]]


def test_vertical_merge_continuing_nothing_is_a_warning_and_a_cell():
    table = only_table(read(tbl(tr(tc("孤", vmerge="continue"), tc("a")), tr(tc("b"), tc("c")), cols=2)))
    assert placed(table)[0] == (0, 0, 1, 1, "孤")
    assert table.warnings == ["row 1: vertical merge at column 1 continues nothing; read as a cell"]


def test_vertical_merge_with_another_span_is_a_warning_not_a_crash():
    table = only_table(read(tbl(tr(tc("合并", span=2, vmerge="restart"), tc("x")),
                                tr(tc(vmerge="continue"), tc("y"), tc("z")), cols=3)))
    assert placed(table)[0] == (0, 0, 2, 2, "合并")
    assert any("spans 1 columns, the cell it continues spans 2" in warning for warning in table.warnings)


def test_text_hidden_in_a_continued_cell_is_a_warning():
    table = only_table(read(tbl(tr(tc("上", vmerge="restart")), tr(tc("藏", vmerge="continue")), cols=1)))
    assert placed(table) == [(0, 0, 2, 1, "上")]
    assert table.warnings == ["row 2: text in a vertically merged cell at column 1 is hidden in Word: '藏'"]


def test_rows_wider_than_the_declared_grid_are_a_warning():
    table = only_table(read(tbl(tr(tc("a"), tc("b"), tc("c")), cols=2)))
    assert table.n_cols == 3
    assert table.warnings == ["rows are 3 columns wide, the table grid declares 2"]


def test_headings_from_styles_and_outline_levels():
    made = docx.Document()
    made.add_heading("一、部门职责及机构设置情况", level=2)
    made.add_paragraph("正文")
    outlined = made.add_paragraph("（一）收入说明")
    outlined._p.get_or_add_pPr().append(
        outlined._p.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl",
                                {"{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val": "2"}))
    buffer = io.BytesIO()
    made.save(buffer)
    document = read_docx(io.BytesIO(buffer.getvalue()))
    assert [(b.text, b.style, b.heading_level) for b in document.blocks] == [
        ("一、部门职责及机构设置情况", "Heading 2", 2), ("正文", "Normal", None), ("（一）收入说明", "Normal", 3)]


def test_model_json_round_trip_of_a_merged_cell():
    table = only_table(read(tbl(tr(tc("序号", vmerge="restart"), tc("功能分类科目", span=2)),
                                tr(tc(vmerge="continue"), tc("编码"), tc("名称")), cols=3)))
    assert table.cells[0] == Cell(0, 0, 2, 1, "序号", [])
    assert table.rows()[1] == [Cell(1, 1, 1, 1, "编码", []), Cell(1, 2, 1, 1, "名称", [])]


def test_merges_made_with_python_docx():
    made = docx.Document()
    table = made.add_table(rows=4, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(1, 1))
    table.cell(2, 3).merge(table.cell(3, 3))
    buffer = io.BytesIO()
    made.save(buffer)
    read_back = only_table(read_docx(io.BytesIO(buffer.getvalue())))
    assert (read_back.n_rows, read_back.n_cols, read_back.warnings) == (4, 4, [])
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in read_back.cells][:4] == [
        (0, 0, 2, 2), (0, 2, 1, 1), (0, 3, 1, 1), (1, 2, 1, 1)]
    assert read_back.cells[0].text == "00\n01\n10\n11"  # python-docx keeps the merged cells' paragraphs
    assert next(c for c in read_back.cells if (c.row, c.col) == (2, 3)).rowspan == 2


# --- cell borders cut from the bytes before parsing -----------------------------------------

BORDERS = '<w:tcBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/></w:tcBorders>'


def bordered(text: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>{BORDERS}</w:tcPr>{p(text)}</w:tc>'


def read_both_ways(document: str, monkeypatch) -> tuple[Document, Document]:
    """The same main part read as the reader does, then with the cut turned off."""
    data = package("", document)
    cut = read_docx(io.BytesIO(data), name="hand-made.docx")
    with monkeypatch.context() as patched:
        patched.setattr(docx_trim, "trim_part", lambda xml: xml)
        whole = read_docx(io.BytesIO(data), name="hand-made.docx")
    return cut, whole


def test_cell_borders_are_cut_before_parsing_and_nothing_read_changes(monkeypatch):
    # Text inside borders is hidden either way; borders inside a w:t do not join or split its text.
    hidden_run = f'<w:tcBorders>{run("看不见")}</w:tcBorders>'
    body = tbl(tr(bordered("收入"), bordered("支出")),
               tr(f'<w:tc><w:tcPr>{BORDERS}<w:vMerge w:val="restart"/></w:tcPr>'
                  f'<w:p><w:r><w:t>12{BORDERS}34</w:t></w:r>{hidden_run}</w:p></w:tc>', bordered("5")), cols=2)
    document = main_part(body)
    assert BORDERS.encode() not in docx_trim.without_cell_borders(document.encode())
    cut, whole = read_both_ways(document, monkeypatch)
    assert cut == whole
    assert placed(only_table(cut)) == [(0, 0, 1, 1, "收入"), (0, 1, 1, 1, "支出"),
                                       (1, 0, 1, 1, "1234"), (1, 1, 1, 1, "5")]


@pytest.mark.parametrize("document", [
    main_part(tbl(tr(bordered("a")), cols=1) + "<!-- <w:tcBorders> -->"),
    main_part(tbl(tr(bordered("a")), cols=1) + "<?editor <w:tcBorders> ?>"),
    main_part(tbl(tr(bordered("a")), cols=1) + p("<w:r><w:t><![CDATA[<w:tcBorders></w:tcBorders>]]></w:t></w:r>")),
    main_part(tbl(tr(bordered("a")), cols=1), declaration='<?xml version="1.0" encoding="GBK"?>'),
    main_part(tbl(tr(bordered("a")), cols=1), declaration=""),
    main_part(tbl(tr(bordered("a").replace(BORDERS, f"<w:tcBorders>{BORDERS}</w:tcBorders>")), cols=1)),
], ids=["comment", "processing instruction", "CDATA", "another encoding", "UTF-8 by default", "nested"])
def test_cell_borders_are_kept_unless_the_bytes_show_where_each_ends(document, monkeypatch):
    cut_off = docx_trim.without_cell_borders(document.encode()) != document.encode()
    assert cut_off == (document.startswith("<w:document"))  # only the plain UTF-8 part is cut
    cut, whole = read_both_ways(document, monkeypatch)
    assert cut == whole and only_table(cut).cells[0].text == "a"


def test_borders_under_a_rebound_w_prefix_are_not_cut(monkeypatch):
    """Where ``w`` names another namespace, <w:tcBorders> is not Word's and its content is
    read: the reader notices after parsing and reads the part whole."""
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    foreign = (f'<x:wrap xmlns:x="urn:example" xmlns:w="urn:example:other"><w:tcBorders>'
               f'<y:t xmlns:y="{word}">可见</y:t></w:tcBorders></x:wrap>')
    document = main_part(p(run("甲"), f"<w:r>{foreign}</w:r>"))
    assert docx_trim.without_cell_borders(document.encode()) != document.encode()
    cut, whole = read_both_ways(document, monkeypatch)
    assert cut == whole and cut.blocks[0].text == "甲可见"


def test_an_end_tag_written_with_a_space_fails_the_cut_and_the_part_is_read_whole(monkeypatch):
    inner = f"<w:tcBorders>{run('看不见')}</w:tcBorders >"
    cell = f'<w:tc><w:tcPr><w:tcBorders w:id="1">{inner}</w:tcBorders></w:tcPr>{p("a")}</w:tc>'
    document = main_part(tbl(tr(cell), cols=1))
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(docx_trim.without_cell_borders(document.encode()))
    cut, whole = read_both_ways(document, monkeypatch)
    assert cut == whole and only_table(cut).cells[0].text == "a"
