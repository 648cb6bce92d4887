"""The .docx reader trims what it never reads from the main part's bytes before parsing:
cell and paragraph properties are reduced to what it reads of them, empty run properties
are dropped and adjacent runs joined. Every case here reads the same with and without that.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_read_grid import BORDERS, CONTENT_TYPES, PACKAGE_RELS, main_part, only_table, p, package, run, tbl, tr

from generator.contract.document import Document
from generator.read import docx_trim
from generator.read.docx_reader import read_docx

CORPUS = Path(__file__).resolve().parent.parent / "source_docs"
CELL_WIDTH = '<w:tcW w:w="1234" w:type="dxa"/>'
CENTRED = '<w:vAlign w:val="center"/>'


def forget_reductions() -> None:
    for remembered in vars(docx_trim).values():
        if isinstance(remembered, docx_trim.Reductions):
            remembered.clear()


def read_both_ways(data: bytes, monkeypatch) -> tuple[Document, Document]:
    """The package read as the reader does (first with nothing remembered), then whole."""
    forget_reductions()
    trimmed = read_docx(io.BytesIO(data), name="hand-made.docx")
    assert read_docx(io.BytesIO(data), name="hand-made.docx") == trimmed  # what is remembered reads the same
    with monkeypatch.context() as patched:
        patched.setattr(docx_trim, "trim_part", lambda xml: xml)
        whole = read_docx(io.BytesIO(data), name="hand-made.docx")
    return trimmed, whole


def same_both_ways(body: str, monkeypatch) -> Document:
    trimmed, whole = read_both_ways(package(body), monkeypatch)
    assert trimmed == whole
    return trimmed


def cell(properties: str, *paragraphs: str) -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{''.join(paragraphs)}</w:tc>"


def para(properties: str, *runs: str) -> str:
    return f"<w:p><w:pPr>{properties}</w:pPr>{''.join(runs)}</w:p>"


def plain_run(text: str) -> str:
    return f"<w:r><w:rPr></w:rPr><w:t>{text}</w:t></w:r>"


@pytest.mark.parametrize("source", sorted(CORPUS.glob("*.docx")), ids=lambda path: path.stem)
def test_corpus_documents_read_the_same_trimmed(source, monkeypatch):
    trimmed, whole = read_both_ways(source.read_bytes(), monkeypatch)
    assert trimmed.to_json() == whole.to_json()


def test_trimming_cuts_what_is_never_read():
    style = '<w:pStyle w:val="TableContents"/><w:jc w:val="left"/><w:rPr></w:rPr>'
    body = tbl(tr(cell(CELL_WIDTH + '<w:gridSpan w:val="2"/>' + BORDERS + CENTRED,
                       para(style, plain_run("收"), plain_run("入")))), cols=2)
    body += para('<w:pStyle w:val="Heading2"/><w:spacing w:before="0"/>', plain_run("说明"))
    trimmed = docx_trim.trim_part(main_part(body).encode()).replace(docx_trim.RUN_JOIN, b"")
    body_trimmed = trimmed[trimmed.index(b"<w:body>"):].decode()
    assert body_trimmed.startswith(
        '<w:body><w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="1000"/>'
        '<w:gridCol w:w="1000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
        '<w:p><w:r><w:t>收入</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>说明</w:t></w:r></w:p>')


def test_styles_merges_and_outline_levels_survive_the_cut(monkeypatch):
    heading = para('<w:pStyle w:val="Heading2"/><w:keepNext/><w:outlineLvl w:val="3"/><w:rPr><w:b/></w:rPr>',
                   plain_run("一、职责"))
    merged = tbl(tr(cell(CELL_WIDTH + '<w:vMerge w:val="restart"/>' + BORDERS + CENTRED,
                         para('<w:pStyle w:val="TableContents"/>', plain_run("序号"))),
                    cell(CELL_WIDTH + '<w:hMerge w:val="restart"/>' + CENTRED, para("", plain_run("a"))),
                    cell(CELL_WIDTH + "<w:hMerge/>", para("", plain_run("b")))),
                 tr(cell(CELL_WIDTH + "<w:vMerge/>" + BORDERS, para("")),
                    cell(CELL_WIDTH + '<w:gridSpan w:val="2"/>', para("", plain_run("c")))), cols=3)
    document = same_both_ways(heading + merged, monkeypatch)
    assert (document.blocks[0].text, document.blocks[0].heading_level) == ("一、职责", 4)
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in only_table(document).cells] == [
        (0, 0, 2, 1, "序号"), (0, 1, 1, 2, "a"), (1, 1, 1, 2, "c")]


@pytest.mark.parametrize("properties", [
    '<w:pStyle w:val="Heading2"/>' + run("藏在属性里"),  # text where no text belongs is still read
    '<w:pStyle w:val="Heading2"/><w:r><w:tab/></w:r>',
    '<w:pStyle w:val="A&amp;B"/>',  # a value that would need escaping
    '<w:pStyle w:val="A&#9;B"/>',  # or is normalised as an attribute
    '<w:pStyle w:val="x" xmlns:w="urn:example:other"/><w:pStyle w:val="y"/>',  # w rebound inside
    '<w14:shadow xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"/><w:pStyle w:val="z"/>',
    '<w:pPrChange w:id="1"><w:pPr><w:pStyle w:val="old"/></w:pPr></w:pPrChange><w:pStyle w:val="new"/>',
    '<w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs><w:pStyle w:val="Tabbed"/>',  # tab stops are hidden
    '<w:gridSpan w:val="3"/><w:pStyle w:val="Misplaced"/>',
    "",
], ids=["text", "tab", "escaped", "normalised", "rebound", "other prefix", "tracked change", "tab stops",
        "misplaced span", "empty"])
def test_paragraph_properties_in_the_body_and_in_cells(properties, monkeypatch):
    body = para(properties, plain_run("正文"))
    body += tbl(tr(cell(CELL_WIDTH, para(properties, plain_run("格")), para(properties, plain_run("二")))), cols=1)
    document = same_both_ways(body, monkeypatch)
    assert document.blocks[0].text.endswith("正文")


@pytest.mark.parametrize("properties", [
    CELL_WIDTH + BORDERS + BORDERS,  # two border elements
    CELL_WIDTH + f"<w:tcBorders>{BORDERS}</w:tcBorders>",  # nested
    CELL_WIDTH + '<w:tcW w:w="1" w:type="dxa"/>' + '<w:gridSpan w:val="2"/>',
    '<w:tcW w:w="1>" w:type="dxa"/><w:gridSpan w:val="2"/>',  # ">" in a value
    CELL_WIDTH + "<w:tcBorders>" + run("框线里") + "</w:tcBorders>",
    CELL_WIDTH + run("属性里"),
    CELL_WIDTH + '<w:tcPrChange w:id="1"><w:tcPr><w:gridSpan w:val="2"/></w:tcPr></w:tcPrChange>',
    CELL_WIDTH + '<w:gridSpan w:val="²"/>',
    CELL_WIDTH + '<w:gridBefore w:val="1"/>',
], ids=["two borders", "nested borders", "two widths", "quoted >", "text in borders", "text", "tracked change",
        "odd digit", "row property"])
def test_cell_properties_that_are_not_plain(properties, monkeypatch):
    body = tbl(tr(cell(properties, para('<w:pStyle w:val="TableContents"/>', plain_run("甲"))),
                  cell(CELL_WIDTH, para("", plain_run("乙")))), cols=2)
    data = package(body)
    forget_reductions()
    try:
        trimmed = read_docx(io.BytesIO(data), name="hand-made.docx")
    except ValueError:
        trimmed = None  # "²" is a digit int() refuses: both ways fail alike
    with monkeypatch.context() as patched:
        patched.setattr(docx_trim, "trim_part", lambda xml: xml)
        try:
            whole = read_docx(io.BytesIO(data), name="hand-made.docx")
        except ValueError:
            whole = None
    assert trimmed == whole


@pytest.mark.parametrize("properties", [
    ('<w:jc w:val="a" w:val="b"/>', ""), ("<w:rPr></w:sz>", ""), ("", '<w:tcW w:w="1" w:w="2"/>'),
    ("", '<w:vAlign w:val="a" w:val="b"/>'),
], ids=["repeated attribute", "mismatched end tag", "repeated width attribute", "repeated cell attribute"])
def test_properties_that_are_not_well_formed_are_refused_as_before(properties, monkeypatch):
    paragraph_properties, cell_properties = properties
    body = para(paragraph_properties, plain_run("正文")) + tbl(tr(cell(
        CELL_WIDTH + cell_properties, para(paragraph_properties, plain_run("格")))), cols=1)
    forget_reductions()
    with pytest.raises(etree.XMLSyntaxError):
        read_docx(io.BytesIO(package(body)))
    assert docx_trim.trim_part(main_part(body).encode()) != main_part(body).encode()  # the rest is cut


def test_runs_are_joined_unless_a_text_element_has_children(monkeypatch):
    joined = p(plain_run("12"), plain_run("34"), "<w:r><w:t>5</w:t></w:r>")
    assert docx_trim.RUN_JOIN in docx_trim.trim_part(main_part(joined).encode())
    assert same_both_ways(joined, monkeypatch).blocks[0].text == "12345"
    # A w:t with children (never written by Word) reads its own text around them, run by run.
    odd = p("<w:r><w:t>a<w:br/>b</w:t></w:r>", plain_run("c"), "<w:r><w:t>d<w:tab/></w:t></w:r>")
    assert same_both_ways(odd, monkeypatch).blocks[0].text == "ab\ncd\t"


def test_a_cell_first_paragraph_without_properties_and_cells_without_paragraphs(monkeypatch):
    body = tbl(tr(cell(CELL_WIDTH + BORDERS, p("无属性")), cell(CELL_WIDTH), "<w:tc/>",
                  cell(CELL_WIDTH + BORDERS, para('<w:pStyle w:val="A"/>'), para("", plain_run("第二段")))), cols=4)
    document = same_both_ways(body + p("后"), monkeypatch)
    assert only_table(document).grid() == [["无属性", "", "", "\n第二段"]]


def test_remembered_reductions_stay_bounded(monkeypatch):
    monkeypatch.setattr(docx_trim, "MAX_REMEMBERED", 8)
    monkeypatch.setattr(docx_trim, "MAX_REMEMBERED_BYTES", 300)
    forget_reductions()
    cells = [cell(f'<w:tcW w:w="{width}" w:type="dxa"/>' + BORDERS.replace('w:sz="4"', f'w:sz="{width}"'),
                  para(f'<w:pStyle w:val="S{width}"/>', plain_run(str(width)))) for width in range(40)]
    document = same_both_ways(tbl(tr(*cells), cols=40), monkeypatch)
    assert only_table(document).grid() == [[str(width) for width in range(40)]]
    for remembered in vars(docx_trim).values():
        if isinstance(remembered, docx_trim.Reductions):
            assert len(remembered) <= 8
            assert all(remembered.size(content) <= 300 for content in remembered)


PIECES = [
    CELL_WIDTH, BORDERS, CENTRED, '<w:gridSpan w:val="2"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>",
    '<w:hMerge w:val="restart"/>', "<w:hMerge/>", '<w:gridBefore w:val="1"/>', run("x"), "<w:tab/>",
    '<w:tabs><w:tab w:val="left" w:pos="1"/></w:tabs>', '<w:pStyle w:val="Heading1"/>', '<w:outlineLvl w:val="1"/>',
    "<w:rPr></w:rPr>", '<w:rPr><w:sz w:val="4"/></w:rPr>', '<w:del w:id="1" w:author="a"/>', "",
]
RUNS = ["<w:r><w:rPr></w:rPr><w:t>a</w:t></w:r>", "<w:r><w:t>b</w:t></w:r>", "<w:r><w:t>c<w:br/>d</w:t></w:r>",
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> e </w:t></w:r>', "<w:r><w:tab/></w:r>",
        "<w:r><w:t></w:t></w:r>"]


def random_body(rng: random.Random) -> str:
    def properties() -> str:
        return "".join(rng.choice(PIECES) for _ in range(rng.randrange(4)))

    def paragraph() -> str:
        runs = "".join(rng.choice(RUNS) for _ in range(rng.randrange(4)))
        return para(properties(), runs) if rng.random() < 0.8 else p(runs) if runs else "<w:p/>"

    rows = []
    for _ in range(rng.randrange(1, 4)):
        cells = (cell(properties(), *(paragraph() for _ in range(rng.randrange(3))))
                 for _ in range(rng.randrange(1, 4)))
        rows.append(tr(*cells))
    return paragraph() + tbl(*rows, cols=3) + paragraph()


@pytest.mark.parametrize("seed", range(60))
def test_random_properties_read_the_same_trimmed(seed, monkeypatch):
    data = package(random_body(random.Random(seed)))
    forget_reductions()
    outcomes = []
    for trim in (True, False):
        with monkeypatch.context() as patched:
            if not trim:
                patched.setattr(docx_trim, "trim_part", lambda xml: xml)
            try:
                outcomes.append(read_docx(io.BytesIO(data), name="random.docx").to_json())
            except ValueError as error:  # a row property's value int() refuses, alike both ways
                outcomes.append(repr(error))
    assert outcomes[0] == outcomes[1]


def styled_package(styles: str, body: str) -> bytes:
    """A package whose main part relates to a styles part."""
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/_rels/document.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="styles.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>'))
        archive.writestr("word/styles.xml", f'<w:styles xmlns:w="{word}">{styles}</w:styles>')
        archive.writestr("word/document.xml", main_part(body))
    return buffer.getvalue()


def style(style_id: str, name: str, outline: str = "", default: bool = False) -> str:
    properties = f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>' if outline else ""
    marked = ' w:default="1"' if default else ""
    return (f'<w:style w:type="paragraph" w:styleId="{style_id}"{marked}>'
            f'<w:name w:val="{name}"/>{properties}</w:style>')


def test_only_the_styles_paragraphs_name_are_read():
    styles = (style("Normal", "Normal", default=True) + style("Title2", "heading 2") + style("Part", "Part", "0")
              + style("Unused", "Unused", "12") + style("Other", "Other", default=True))
    body = para('<w:pStyle w:val="Title2"/>', plain_run("一")) + para('<w:pStyle w:val="Part"/>', plain_run("二"))
    body += p("三") + para('<w:pStyle w:val="Missing"/>', plain_run("四"))
    document = read_docx(io.BytesIO(styled_package(styles, body)))
    assert [(b.text, b.style, b.heading_level) for b in document.blocks] == [
        ("一", "Heading 2", 2), ("二", "Part", 1), ("三", "Other", None), ("四", "Missing", None)]


def test_a_style_whose_outline_level_int_refuses_fails_as_before_even_unused():
    styles = style("Normal", "正文", default=True) + style("Odd", "Odd", "²")
    with pytest.raises(ValueError):
        read_docx(io.BytesIO(styled_package(styles, p("正文"))))
