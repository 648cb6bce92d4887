"""A DTD is refused in every part the reader parses, whatever the part's encoding or name:
the guard asks the parsed document, it does not search bytes. Generated from a corpus document."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from test_hostile import CORPUS, GOOD_DOCX, SECRET, write
from workbooks import standard_sheets, write_xlsx

from generator.pipeline.build import BuildOptions, build
from generator.read import UnreadableDocument, read_document
from generator.read.safety import check_no_dtd

MAIN = "word/document.xml"
RENAMED = "word/body.bin"
ENTITY = '<!DOCTYPE w:document [<!ENTITY e SYSTEM "file://{secret}">]>'


def repackaged(parts: dict[str, bytes]) -> bytes:
    """The corpus document with ``parts`` replaced or added (zip name → bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(CORPUS / GOOD_DOCX) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in original.infolist():
            if entry.filename not in parts:
                copy.writestr(entry.filename, original.read(entry.filename))
        for name, data in parts.items():
            copy.writestr(name, data)
    return out.getvalue()


def original(name: str) -> str:
    with zipfile.ZipFile(CORPUS / GOOD_DOCX) as package:
        return package.read(name).decode()


def main_part(secret: Path | None) -> str:
    """The main part, with a DTD whose entity names ``secret`` used in its first text, or as it is."""
    xml = original(MAIN)
    if secret is None:
        return xml
    root = xml.index("<w:document")
    first_text = xml.index("<w:t>", root) + len("<w:t>")
    return xml[:root] + ENTITY.format(secret=secret) + xml[root:first_text] + "&e;" + xml[first_text:]


def ucs4(secret: Path | None) -> bytes:
    """The main part in UCS-4 (big-endian, no byte-order mark), declared so."""
    return main_part(secret).replace('encoding="UTF-8"', 'encoding="UCS-4"', 1).encode("utf-32-be")


def renamed(secret: Path | None) -> dict[str, bytes]:
    """The main part under a name that is not *.xml, reached through the package relationships;
    a harmless word/document.xml stays as a decoy."""
    rels = original("_rels/.rels").replace(f'Target="{MAIN}"', f'Target="{RENAMED}"')
    types = original("[Content_Types].xml").replace(f'PartName="/{MAIN}"', f'PartName="/{RENAMED}"')
    return {RENAMED: main_part(secret).encode(), "word/_rels/body.bin.rels": original("word/_rels/document.xml.rels").encode(),
            "_rels/.rels": rels.encode(), "[Content_Types].xml": types.encode()}


@pytest.fixture
def secret(tmp_path) -> Path:
    return write(tmp_path / "secret.txt", SECRET)


def test_without_a_dtd_both_forms_read_as_the_original(tmp_path):
    """So the refusals below are for the DTD: the reader decodes UCS-4 and follows the relationships."""
    expected = read_document(CORPUS / GOOD_DOCX).to_json()["blocks"]
    for name, data in (("ucs4.docx", repackaged({MAIN: ucs4(None)})), ("renamed.docx", repackaged(renamed(None)))):
        assert read_document(write(tmp_path / name, data)).to_json()["blocks"] == expected, name


def test_a_dtd_in_a_ucs4_main_part_is_refused(tmp_path, secret):
    with pytest.raises(UnreadableDocument) as caught:
        read_document(write(tmp_path / "ucs4.docx", repackaged({MAIN: ucs4(secret)})))
    assert caught.value.reason.startswith(f"XML part {MAIN} declares a DTD")
    assert SECRET not in caught.value.reason + caught.value.hint


def test_a_dtd_in_a_renamed_main_part_is_refused(tmp_path, secret):
    with pytest.raises(UnreadableDocument) as caught:
        read_document(write(tmp_path / "renamed.docx", repackaged(renamed(secret))))
    assert caught.value.reason.startswith(f"XML part {RENAMED} declares a DTD")


def test_a_dtd_in_the_relationships_or_content_types_is_refused(tmp_path):
    for name in ("_rels/.rels", "[Content_Types].xml", "word/_rels/document.xml.rels", "word/styles.xml"):
        xml = original(name)
        start = xml.index("?>") + 2
        data = repackaged({name: (xml[:start] + "<!DOCTYPE x>" + xml[start:]).encode()})
        with pytest.raises(UnreadableDocument, match=rf"^XML part {name.replace('[', '.').replace(']', '.')} "
                                                     "declares a DTD"):
            read_document(write(tmp_path / "part.docx", data))


def test_dtd_documents_beside_the_corpus_cost_only_themselves(tmp_path, secret):
    source = tmp_path / "source_docs"
    shutil.copytree(CORPUS, source)
    write(source / "ucs4.docx", repackaged({MAIN: ucs4(secret)}))
    write(source / "renamed.docx", repackaged(renamed(secret)))
    result = build(BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2, with_site=False),
                   log=lambda line: None)
    assert sorted(header.source_file for header in result.headers) == sorted(p.name for p in CORPUS.glob("*.docx"))
    assert {item.file: item.reason.split(" declares")[0] for item in result.unreadable} == {
        "ucs4.docx": f"XML part {MAIN}", "renamed.docx": f"XML part {RENAMED}"}
    assert not any(SECRET.encode() in path.read_bytes() for path in (tmp_path / "datapackage").rglob("*")
                   if path.is_file())


def test_a_dtd_in_a_ucs4_workbook_part_is_refused(tmp_path, secret):
    """The guard is the package's, so the workbook reader has it too."""
    book = write_xlsx(tmp_path / "tables.xlsx", standard_sheets(read_document(CORPUS / GOOD_DOCX)))
    assert len(list(read_document(book).tables())) == 9  # readable as written
    with zipfile.ZipFile(book) as package:
        xml = package.read("xl/workbook.xml").decode()
        parts = {entry.filename: package.read(entry.filename) for entry in package.infolist()}
    start = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
    doctype = f'<?xml version="1.0" encoding="UCS-4"?>{ENTITY.format(secret=secret)}'
    parts["xl/workbook.xml"] = (doctype + xml[start:]).encode("utf-32-be")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    with pytest.raises(UnreadableDocument, match=r"^XML part xl/workbook.xml declares a DTD"):
        read_document(write(tmp_path / "ucs4.xlsx", out.getvalue()))


@pytest.mark.parametrize("encoding", ["UTF-7", "ISO-8859-1"])
def test_a_dtd_after_a_declaration_of_another_ascii_encoding_is_refused(encoding):
    """ASCII up to the declaration, then a DTD the declared encoding decodes (UTF-7 hides its "<"):
    only a UTF-8 part may skip the parser."""
    data = (f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
            + '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'.encode(encoding.lower()))
    with pytest.raises(UnreadableDocument, match="declares a DTD"):
        check_no_dtd("word/document.xml", data)


def test_a_dtd_before_the_root_of_a_utf8_part_is_refused():
    for prolog in ('<?xml version="1.0" encoding="utf-8"?>\n', '<?xml version="1.0"?><!-- -->', ""):
        with pytest.raises(UnreadableDocument, match="declares a DTD"):
            check_no_dtd("word/document.xml", f'{prolog}<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'.encode())
