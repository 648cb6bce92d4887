"""Bad and hostile input: every bad file gets a clear reason, nothing is lost,
nothing is injected. All hostile inputs are generated here; the good ones are the corpus.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import os
import re
import shutil
import struct
import threading
import time
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree
from mkdocs.exceptions import BuildError
from test_browser import _QuietHandler, browser  # noqa: F401 (browser is a fixture)

import generator.site.builder
from generator.cli import cli
from generator.contract.slugs import unit_id
from generator.pipeline.build import BuildOptions, Unreadable, build, read_and_extract
from generator.pipeline.report import EXIT_UNREADABLE, REPORT_NAME
from generator.pipeline.sources import discover_sources
from generator.read import UnreadableDocument, read_document
from generator.read.docx_body import PARSER
from generator.read.docx_reader import read_docx
from generator.read.safety import OLE2_MAGIC, Limits
from generator.site.builder import SiteBuildError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "source_docs"
TEXT_EXPORTS = ROOT / "tests" / "fixtures" / "text"
GOOD_DOCX = "2024_邯郸市_馆陶县_网信办本级_单位预算.docx"
SECRET = "TOP-SECRET-7f3a9c-must-never-be-published"
GIB = 1 << 30


# --- generated inputs -------------------------------------------------------------------

def deflate_bomb(size: int) -> bytes:
    """Raw deflate data inflating to ``size`` zero bytes, made without inflating anything:
    one fully flushed 1 MiB block (no back-references out of it) repeated, then a final
    empty block."""
    chunk = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // chunk) + b"\x03\x00"


def raw_zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    """A zip of already deflated entries (name, data, declared uncompressed size).

    The CRC is left 0: computing it would mean inflating the bomb, and a reader that gets
    as far as checking it has already inflated everything.
    """
    body, directory = bytearray(), bytearray()
    for name, data, size in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(data), size, len(encoded), 0)
        body += encoded + data
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, 0, len(data), size,
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return bytes(body + directory + end)


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def bomb_docx(size: int = 3 * GIB) -> bytes:
    """A Word-shaped zip whose main part really inflates to ``size`` bytes (3 GiB: 3 MB on disk)."""
    content_types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    return raw_zip([("[Content_Types].xml", deflated(content_types), len(content_types)),
                    ("word/document.xml", deflate_bomb(size), size)])


def with_main_part(source: Path, edit) -> bytes:
    """A copy of a .docx with its main part's XML passed through ``edit`` (str, written as UTF-8, or bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in original.infolist():
            data = original.read(entry.filename)
            copy.writestr(entry.filename, edit(data.decode()) if entry.filename == "word/document.xml" else data)
    return out.getvalue()


def xxe_docx(secret_file: Path) -> bytes:
    """The corpus document with an external entity for a local file used in its first text run."""
    def edit(xml: str) -> str:
        root = xml.index("<w:document")
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
        first_text = xml.index("<w:t>", root) + len("<w:t>")
        return xml[:root] + doctype + xml[root:first_text] + "&xxe;" + xml[first_text:]
    return with_main_part(CORPUS / GOOD_DOCX, edit)


def not_budget_docx() -> bytes:
    """A genuine Word document that is not a budget disclosure: a meeting notice."""
    document = docx.Document()
    document.add_heading("关于召开网络安全工作会议的通知", level=1)
    document.add_paragraph("各科室：定于下周一上午九时在三楼会议室召开会议，请准时参加。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "电话"
    table.cell(1, 0).text, table.cell(1, 1).text = "张三", "0310-1234567"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def word97_doc() -> bytes:
    """The start of a Word 97 file: the OLE2 header, and the name of its WordDocument stream."""
    return OLE2_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(1024)


# A name that climbs out of its folder and, in a page's <title>, out of the title.
HOSTILE_UNIT = "999001../../../evil/</title><script>alert(5)</script>网信办本级"
HOSTILE_COUNTY = "</title><script>alert(2)</script>县"
# File names come from volunteers too.
HOSTILE_TEXT = "2024_<img src=x onerror=alert(6)>_单位预算.txt"
FORMULA = '=HYPERLINK("http://evil.example/","行政单位医疗")'
# Set the terminal's title, clear the screen, a C1 CSI, reverse the text that follows.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")
PAYLOADS = {
    # cell text in the corpus → the same cell carrying an injection attempt
    "行政运行": "<script>alert(1)</script>行政运行",
    "网信事务": "<img src=x onerror=alert(1)>网信事务",
    "机关事业单位基本养老保险缴费支出": "{{ 7*7 }}机关事业单位基本养老保险缴费支出",
    "基本工资": "[x](javascript:alert(1))基本工资",
    "住房公积金": '<iframe src="javascript:alert(1)"></iframe>住房公积金',
    "行政单位医疗": FORMULA,
    "卫生健康支出": ESCAPES + "卫生健康支出",
}


def hostile_text_export() -> str:
    """The 2024 text export as another unit, named with ../ and /, its cells carrying payloads."""
    text = (TEXT_EXPORTS / GOOD_DOCX.replace(".docx", ".txt")).read_text(encoding="utf-8")
    text = text.replace("224001中共馆陶县委网络安全和信息化委员会办公室本级", HOSTILE_UNIT)
    for cell, payload in PAYLOADS.items():
        text = text.replace(f"\t{cell}\n", f"\t{payload}\n")
    return text


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def reason_of(path: Path) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path)
    return caught.value


# --- each bad file alone -------------------------------------------------------------------

def test_empty_file(tmp_path):
    assert reason_of(write(tmp_path / "empty.docx", b"")).reason == "empty file (0 bytes)"


def test_random_bytes_named_docx(tmp_path):
    error = reason_of(write(tmp_path / "random.docx", os.urandom(4096).replace(b"PK", b"pk")))
    assert error.reason.startswith("not a Word document")


def test_truncated_docx(tmp_path):
    whole = (CORPUS / GOOD_DOCX).read_bytes()
    error = reason_of(write(tmp_path / "truncated.docx", whole[: len(whole) // 2]))
    assert error.reason.startswith("damaged or truncated Word document")
    assert "download it again" in error.hint


def test_word97_doc_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    error = reason_of(write(tmp_path / "old.doc", word97_doc()))
    assert error.reason == "a legacy Word 97–2003 .doc: budget-site reads it through LibreOffice, which is not installed"
    assert "apt-get install libreoffice-writer-nogui" in error.hint


def test_word97_doc_that_libreoffice_cannot_convert(tmp_path, monkeypatch):
    fake = write(tmp_path / "soffice", "#!/bin/sh\n")  # writes no .docx
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    error = reason_of(write(tmp_path / "old.doc", word97_doc()))
    assert error.reason == "a legacy Word 97–2003 .doc that LibreOffice could not convert"


def test_convert_uses_libreoffice_and_keeps_the_original(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # Stands in for LibreOffice: soffice --headless --convert-to docx --outdir DIR FILE.
    fake = write(bin_dir / "soffice", '#!/bin/sh\nf=$(basename "$6"); cp "$6" "$5/${f%.*}.docx"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    source = tmp_path / "source_docs"
    source.mkdir()
    write(source / "old.doc", word97_doc())
    result = CliRunner().invoke(cli, ["convert", str(source / "old.doc")])
    assert result.exit_code == 0, result.output
    assert (source / "old.docx").read_bytes() == word97_doc()
    assert (source / ".converted" / "old.doc").exists()
    assert [s.file for s in discover_sources(source)] == ["old.docx"]


def test_convert_without_libreoffice_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(cli, ["convert", str(write(tmp_path / "old.doc", word97_doc()))])
    assert result.exit_code == 1
    assert "LibreOffice is not installed" in result.output


def test_bare_ole2_and_encrypted_docx(tmp_path):
    bare = reason_of(write(tmp_path / "bare.docx", OLE2_MAGIC + bytes(1024)))
    assert bare.reason.startswith("an OLE2 file that is neither a Word 97–2003 nor a WPS document")
    encrypted = OLE2_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    assert reason_of(write(tmp_path / "locked.docx", encrypted)).reason == "a password-protected Word document"


def test_other_formats_are_named(tmp_path):
    assert "PDF" in reason_of(write(tmp_path / "a.docx", b"%PDF-1.7\n...")).reason
    assert "HTML page" in reason_of(write(tmp_path / "b.docx", b"\n<!DOCTYPE html><html>404</html>")).reason
    assert reason_of(write(tmp_path / "c.pdf", b"\x00\x01binary")).reason.startswith("not a Word document")


def test_zip_bomb_is_refused_fast_without_inflating(tmp_path):
    bomb = bomb_docx()
    # The input really is a bomb: its first 4 kB of stream alone inflate to megabytes.
    stream_start = bomb.index(b"word/document.xml") + len("word/document.xml")
    assert len(zlib.decompressobj(-15).decompress(bomb[stream_start:stream_start + 4096])) >= 3 << 20
    path = write(tmp_path / "bomb.docx", bomb)
    started = time.process_time()
    error = reason_of(path)
    assert time.process_time() - started < 0.5
    assert error.reason.startswith("zip bomb refused")
    assert "would inflate to 3,221," in error.reason  # gigabytes


def test_zip_bomb_with_lying_directory_is_not_inflated(tmp_path):
    """Declaring a small size does not help: nothing is inflated past what is declared
    (``zipfile.read`` would inflate up to 2 GiB before cutting to the declared size)."""
    bomb = raw_zip([("word/document.xml", deflate_bomb(GIB), 1000)])
    started = time.process_time()
    error = reason_of(write(tmp_path / "liar.docx", bomb))
    assert time.process_time() - started < 0.5
    assert error.reason == ("zip bomb refused: part word/document.xml inflates past the 1,000 bytes "
                            "its directory declares")


def test_utf16_part_with_a_dtd_is_refused(tmp_path):
    def edit(xml: str) -> bytes:
        xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).replace("<w:document", "<!DOCTYPE d><w:document", 1)
        return xml.encode("utf-16")

    error = reason_of(write(tmp_path / "utf16.docx", with_main_part(CORPUS / GOOD_DOCX, edit)))
    assert error.reason.startswith("XML part word/document.xml declares a DTD")


def test_many_entries_and_high_ratio_are_refused(tmp_path):
    many = raw_zip([(f"word/media/{n}.xml", deflated(b"<a/>"), 4) for n in range(1001)])
    assert "1,001 entries" in reason_of(write(tmp_path / "many.docx", many)).reason
    ratio = raw_zip([("word/document.xml", deflate_bomb(64 << 20), 64 << 20)])
    assert "compresses" in reason_of(write(tmp_path / "ratio.docx", ratio)).reason


def test_file_size_cap(tmp_path):
    from generator.read import safety

    with pytest.raises(UnreadableDocument, match="over the 10-byte limit"):
        safety.load(write(tmp_path / "big.docx", b"x" * 11), Limits(max_file_bytes=10))


def test_external_entity_is_refused(tmp_path):
    secret = write(tmp_path / "secret.txt", SECRET)
    error = reason_of(write(tmp_path / "xxe.docx", xxe_docx(secret)))
    assert "declares a DTD" in error.reason
    assert SECRET not in error.reason + error.hint


def test_external_entity_never_resolved_even_past_the_guard(tmp_path):
    """Defence in depth: the reader's own parser does not resolve the entity either."""
    secret = write(tmp_path / "secret.txt", SECRET)
    with zipfile.ZipFile(io.BytesIO(xxe_docx(secret))) as package:
        root = etree.fromstring(package.read("word/document.xml"), PARSER)
    assert "&xxe;" in etree.tostring(root, encoding="unicode")  # left as a reference, never resolved
    assert SECRET not in etree.tostring(root, encoding="unicode")


def test_read_docx_alone_keeps_the_guards():
    with pytest.raises(UnreadableDocument, match="zip bomb refused"):
        read_docx(io.BytesIO(bomb_docx()))
    with pytest.raises(UnreadableDocument, match="declares a DTD"):
        read_docx(io.BytesIO(xxe_docx(Path("/nonexistent"))))


def test_text_export_guards(tmp_path):
    assert "not UTF-8" in reason_of(write(tmp_path / "gbk.txt", "部门预算".encode("gbk"))).reason
    assert "binary file" in reason_of(write(tmp_path / "bin.txt", b"abc\x00def")).reason


def test_word_file_without_budget_content_is_not_published(tmp_path):
    path = write(tmp_path / "notice.docx", not_budget_docx())
    read_document(path)  # a readable Word document …
    outcome = read_and_extract(discover_sources(tmp_path)[0])
    assert isinstance(outcome, Unreadable)  # … but not a disclosure
    assert outcome.reason.startswith("not a budget disclosure")


def test_unit_id_is_a_safe_slug_whatever_the_names():
    slug = unit_id("河北省", "../../etc", "/var/www", "../224", "../../evil/网信办")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert ".." not in slug and "/" not in slug


# --- all of them in one source folder with the corpus ---------------------------------------

HOSTILE_FILES = {
    "empty.docx": "empty file",
    "random.docx": "not a Word document",
    "truncated.docx": "damaged or truncated Word document",
    "word97.doc": "a legacy Word 97–2003 .doc",
    "zip_bomb.docx": "zip bomb refused",
    "xxe.docx": "declares a DTD",
    "meeting_notice.docx": "not a budget disclosure",
}


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The five good documents, every hostile one, and a hostile text export, built once."""
    root = tmp_path_factory.mktemp("hostile")
    source = root / "source_docs"
    shutil.copytree(CORPUS, source)
    secret = write(root / "secret.txt", SECRET)
    whole = (CORPUS / GOOD_DOCX).read_bytes()
    write(source / "empty.docx", b"")
    write(source / "random.docx", os.urandom(4096).replace(b"PK", b"pk"))
    write(source / "truncated.docx", whole[: len(whole) // 2])
    write(source / "word97.doc", word97_doc())
    write(source / "zip_bomb.docx", bomb_docx())
    write(source / "xxe.docx", xxe_docx(secret))
    write(source / "meeting_notice.docx", not_budget_docx())
    write(source / HOSTILE_TEXT, hostile_text_export())
    with (source / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write(f'{HOSTILE_TEXT},河北省,../../etc,{HOSTILE_COUNTY},2024,单位,'
                       'javascript:alert(3),hostile names\n')
    before = files_under(root)
    options = BuildOptions(source, root / "datapackage", root / "site", jobs=2, cache_dir=root / "cache")
    # From inside the folder, so that a stray write to a relative path is seen there too.
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, ["build", "--source", str(options.source_dir), "--datapackage",
                                          str(options.datapackage_dir), "--site", str(options.site_dir),
                                          "--jobs", "2", "--cache-dir", str(options.cache_dir)])
    finally:
        os.chdir(cwd)
    return {"root": root, "options": options, "result": result, "before": before}


def test_build_exits_unreadable_and_lists_each_bad_file(hostile_build):
    result = hostile_build["result"]
    assert result.exit_code == EXIT_UNREADABLE, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("unreadable: ")]
    assert len(lines) == len(HOSTILE_FILES)
    for name, reason in HOSTILE_FILES.items():
        assert any(line.startswith(f"unreadable: {name}: ") and reason in line for line in lines), name


def test_build_report_records_every_unreadable_file(hostile_build):
    report = json.loads((hostile_build["options"].datapackage_dir / REPORT_NAME).read_text(encoding="utf-8"))
    assert report["exit_code"] == EXIT_UNREADABLE
    unreadable = {entry["file"]: entry for entry in report["unreadable"]}
    assert set(unreadable) == set(HOSTILE_FILES)
    for name, reason in HOSTILE_FILES.items():
        assert reason in unreadable[name]["reason"]
        assert unreadable[name]["hint"]
    # Nothing lost: every file in the folder is either published or reported.
    published = {entry["file"] for entry in report["published"]}
    entries = {path.name for path in hostile_build["options"].source_dir.iterdir() if path.name != "manifest.csv"}
    assert published | set(unreadable) == entries


def test_the_good_documents_still_publish(hostile_build):
    report = json.loads((hostile_build["options"].datapackage_dir / REPORT_NAME).read_text(encoding="utf-8"))
    published = {entry["file"] for entry in report["published"]}
    assert published == {path.name for path in CORPUS.glob("*.docx")} | {HOSTILE_TEXT}


def test_nothing_written_outside_the_output_folders(hostile_build):
    root, options = hostile_build["root"], hostile_build["options"]
    new = files_under(root) - hostile_build["before"]
    # The site's Markdown is rendered into build/docs beside the site (BuildOptions.docs_dir).
    outputs = (options.datapackage_dir, options.site_dir, options.cache_dir, root / "build")
    outside = [path for path in new if not any(path.is_relative_to(folder) for folder in outputs)]
    assert outside == []
    # The hostile unit name climbs three levels: nothing landed where it points.
    assert not any((folder / "evil").exists() for folder in (root, *root.parents, ROOT))


def test_no_secret_in_any_output(hostile_build):
    options = hostile_build["options"]
    for path in files_under(options.datapackage_dir) | files_under(options.site_dir):
        assert SECRET.encode() not in path.read_bytes(), path


def test_output_names_are_safe_slugs(hostile_build):
    options = hostile_build["options"]
    for folder in (options.datapackage_dir, options.site_dir):
        for path in files_under(folder):
            relative = path.relative_to(folder)
            assert ".." not in relative.parts
            assert "evil" not in str(relative), relative


# --- what the published data and pages make of the payloads ----------------------------------

class _Elements(HTMLParser):
    """Elements and text as a browser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def browser_view(page: str) -> _Elements:
    # A browser reads <title> as text up to the first </title> (RCDATA), html.parser does not:
    # cut the title's text so that only what escapes the title is parsed as markup.
    parsed = _Elements()
    parsed.feed(re.sub(r"(?is)<title>.*?</title>", "<title></title>", page, count=1))
    return parsed


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def hostile_page(hostile_build) -> Path:
    units = hostile_build["options"].site_dir / "units"
    pages = [page for page in units.glob("*/index.html") if "999001" in page.parent.name]
    assert len(pages) == 1, sorted(path.name for path in units.iterdir())
    return pages[0]


def test_payloads_are_kept_exactly_as_data(hostile_build):
    with (hostile_build["options"].datapackage_dir / "expenditure_by_function.csv").open(encoding="utf-8") as file:
        names = {row["function_name"] for row in csv.DictReader(file)}
    for cell, payload in PAYLOADS.items():
        if cell in ("行政运行", "网信事务", "机关事业单位基本养老保险缴费支出", "住房公积金", "行政单位医疗", "卫生健康支出"):
            assert payload in names, payload
    with (hostile_build["options"].datapackage_dir / "units.csv").open(encoding="utf-8") as file:
        unit = next(row for row in csv.DictReader(file) if row["unit_code"] == "999001")
    assert unit["unit_name"] == HOSTILE_UNIT.removeprefix("999001")
    assert unit["county"] == HOSTILE_COUNTY


def test_no_page_runs_or_links_document_text(hostile_build):
    pages = html_pages(hostile_build["options"].site_dir)
    assert hostile_page(hostile_build) in pages
    for page in pages:
        view = browser_view(page.read_text(encoding="utf-8"))
        assert not any("alert(" in script for script in view.scripts), page
        for tag, attributes in view.elements:
            assert tag != "iframe", page
            for name, value in attributes.items():
                assert not (name.startswith("on") and "alert" in value), (page, tag, name)
                assert not value.strip().lower().startswith("javascript:"), (page, tag, name, value)


def test_payloads_show_as_text_on_the_unit_page(hostile_build):
    text = "".join(browser_view(hostile_page(hostile_build).read_text(encoding="utf-8")).text)
    assert "<script>alert(1)</script>行政运行" in text
    assert "{{ 7*7 }}机关事业单位基本养老保险缴费支出" in text  # shown, not evaluated by Jinja …
    assert "49机关事业单位基本养老保险缴费支出" not in text  # … which would print 49
    assert "../../../evil/</title><script>alert(5)</script>网信办本级" in text


def test_no_control_character_reaches_a_page_or_the_terminal(hostile_build):
    """The CSV keeps the escape sequences as published (above); pages and charts drop them."""
    for path in [*html_pages(hostile_build["options"].site_dir),
                 *(hostile_build["options"].site_dir / "units").rglob("*.svg")]:
        assert not CONTROL_CHARACTER.search(path.read_text(encoding="utf-8")), path
    text = "".join(browser_view(hostile_page(hostile_build).read_text(encoding="utf-8")).text)
    assert "]0;pwned[2J31m卫生健康支出" in text
    assert not CONTROL_CHARACTER.search(hostile_build["result"].output)


def test_charts_carry_no_markup_from_documents(hostile_build):
    for chart in (hostile_build["options"].site_dir / "units").rglob("*.svg"):
        tree = etree.parse(str(chart), etree.XMLParser(resolve_entities=False, no_network=True))
        for element in tree.iter():
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            assert tag not in ("script", "foreignObject", "iframe"), chart
            assert not any(name.lower().startswith("on") for name in element.attrib), chart


def test_spreadsheet_cells_are_never_formulas(hostile_build):
    workbook = openpyxl.load_workbook(hostile_build["options"].datapackage_dir / "budget-disclosures.xlsx")
    formulas = [(sheet.title, cell.coordinate, cell.value) for sheet in workbook for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_the_data_page_sends_excel_users_to_the_workbook(hostile_build):
    """The CSV keeps the formula as published (test_payloads_are_kept_exactly_as_data), so the page says
    which file to open in Excel."""
    text = "".join(browser_view((hostile_build["options"].site_dir / "data" / "index.html")
                                .read_text(encoding="utf-8")).text)
    assert "在 Excel 中查看数据请用这个工作簿：它的文本单元格永远不会被当作公式。" in text


# --- a build that fails midway leaves the previous outputs ---------------------------------------

def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(files_under(folder))}


def changed(before: dict[Path, dict[str, bytes]]) -> list[str]:
    """Files added, removed or changed since ``before``, as folder/name."""
    names = []
    for folder, files in before.items():
        now = snapshot(folder)
        names += [f"{folder.name}/{name}" for name in sorted(set(files) | set(now)) if files.get(name) != now.get(name)]
    return names


@pytest.fixture
def published(hostile_build, tmp_path):
    """A copy of the hostile build's outputs, and options that rebuild them from one fewer document
    (so that a finished rebuild would change the data package)."""
    options = hostile_build["options"]
    source = tmp_path / "source_docs"
    shutil.copytree(options.source_dir, source)
    (source / GOOD_DOCX).unlink()
    for folder in (options.datapackage_dir, options.site_dir):
        shutil.copytree(folder, tmp_path / folder.name)
    rebuild = BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2,
                           cache_dir=options.cache_dir, docs_dir=tmp_path / "docs")
    before = {folder: snapshot(folder) for folder in (rebuild.datapackage_dir, rebuild.site_dir)}
    return rebuild, before


def test_failing_site_build_leaves_previous_outputs(published, monkeypatch):
    """The data package is complete when the site fails: neither is swapped in."""
    rebuild, before = published

    def half_written_site(config):
        (Path(config["site_dir"]) / "index.html").write_text("half", encoding="utf-8")
        raise BuildError("the site build failed midway")

    monkeypatch.setattr(generator.site.builder, "build", half_written_site)
    with pytest.raises(SiteBuildError):
        build(rebuild, log=lambda line: None)
    assert changed(before) == []
    assert sorted(path.name for path in rebuild.site_dir.parent.iterdir() if path.name.startswith(".")) == []



# --- the same pages in a real browser ---------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_server(hostile_build):
    handler = functools.partial(_QuietHandler, directory=str(hostile_build["options"].site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_no_payload_runs_in_a_browser(browser, hostile_server, hostile_build):  # noqa: F811 (the imported fixture)
    """Every payload would call alert(); no page, nor a search for the hostile unit, opens a dialog."""
    unit = hostile_page(hostile_build).parent.name
    dialogs: list[str] = []
    for path in (f"units/{unit}/", "regions/", "years/", "quality/", "", "search/?q=本级"):
        page = browser.new_page()
        page.on("dialog", lambda dialog, path=path: (dialogs.append(f"{path}: {dialog.message}"), dialog.dismiss()))
        page.goto(f"{hostile_server}/{path}", wait_until="networkidle")
        if path.startswith("units/"):
            assert "</title><script>alert(5)</script>网信办本级" in page.title()  # shown as text
        if path.startswith("search/"):  # both 本级 units, the hostile one among them: its name shown as text
            page.locator("#search-results li").first.wait_for(state="visible", timeout=15_000)
            assert "<script>alert(5)</script>" in page.locator("#search-results").inner_text()
        page.close()
    assert dialogs == []
