"""The source folder is untrusted input: every bad manifest row is listed with its row number
and reason, and every entry that is not a regular file inside the folder, or is over the size
cap, is listed as unreadable before it is opened or hashed; the corpus still publishes."""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from test_hostile import CORPUS, write

from generator.pipeline.build import BuildOptions, BuildResult, build
from generator.pipeline.manifest import ManifestProblem, parse_manifest
from generator.pipeline.report import REPORT_NAME
from generator.pipeline.sources import SourceProblem, discover_sources

CORPUS_IDS = {"handan-guantao-224001-50b4ce-2024", "langfang-ac041e-2020", "shijiazhuang-jinzhou-224-e3ae86-2026",
              "shijiazhuang-luancheng-224-6c407b-2022", "xingtai-longyao-288002-9f632e-2020"}
FIRST_FILE = "2022_石家庄市_栾城区_网信办_部门预算.docx"  # the manifest's row 2
# Rows appended to the corpus manifest (rows 2–6): each bad in its own way.
BAD_ROWS = [
    "short.docx,河北省\n".encode(),
    "long.docx,河北省,石家庄市,,2024,部门,,note,one too many\n".encode(),
    b"bad-\xff\xfe.docx," + "河北省,石家庄市,,2024,部门,,\n".encode("gbk"),
    f"year.docx,河北省,石家庄市,,{'9' * 5000},部门,,\n".encode(),
    f"{FIRST_FILE},天津市,,,1999,部门,,a second row\n".encode(),
    ",河北省,石家庄市,,2024,部门,,\n".encode(),
    b'huge.docx,"' + b"x" * 200_000 + b'",,,2024,,,\n',
]
EXPECTED_PROBLEMS = [
    "row 7: too few fields (2, the header has 8); the row is not used",
    "row 8: too many fields (9, the header has 8); the row is not used",
    "row 9: not UTF-8 (in the 'file' field); the row is not used",
    "row 10: year '9999999999999999999999999999999999999999…' is not a year; read as unknown",
    f"row 11: a second row for '{FIRST_FILE}'; row 2 is used",
    "row 12: no file name; the row is not used",
    "row 13: not readable as CSV from here on (field larger than field limit (131072))",
]


def corpus_copy(tmp_path: Path) -> Path:
    source = tmp_path / "source_docs"
    shutil.copytree(CORPUS, source)
    return source


def built(source: Path, tmp_path: Path) -> BuildResult:
    return build(BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2, with_site=False),
                 log=lambda line: None)


def test_each_bad_manifest_row_is_a_problem_with_its_row_number(tmp_path):
    source = corpus_copy(tmp_path)
    with (source / "manifest.csv").open("ab") as manifest:
        manifest.write(b"".join(BAD_ROWS))
    problems: list[ManifestProblem] = []
    rows = parse_manifest(source, problems)
    assert [str(problem) for problem in problems] == EXPECTED_PROBLEMS
    assert set(rows) == {path.name for path in CORPUS.glob("*.docx")} | {"year.docx"}
    assert rows["year.docx"]["year"] == ""
    assert rows[FIRST_FILE]["county"] == "栾城区"  # the first row holds


def test_a_build_with_bad_manifest_rows_goes_on(tmp_path):
    source = corpus_copy(tmp_path)
    with (source / "manifest.csv").open("ab") as manifest:
        manifest.write(b"".join(BAD_ROWS))
    result = built(source, tmp_path)
    assert {header.disclosure_id for header in result.headers} == CORPUS_IDS  # regions as the good rows say
    assert [(item.file, item.reason) for item in result.unreadable] == [("manifest.csv", reason)
                                                                        for reason in EXPECTED_PROBLEMS]
    report = json.loads((tmp_path / "datapackage" / REPORT_NAME).read_text(encoding="utf-8"))
    assert [entry["reason"] for entry in report["unreadable"]] == EXPECTED_PROBLEMS


def test_full_width_year_digits_are_a_year(tmp_path):
    write(tmp_path / "manifest.csv", "file,year\na.docx,２０２４\n")
    problems: list[ManifestProblem] = []
    assert parse_manifest(tmp_path, problems) == {"a.docx": {"file": "a.docx", "year": "2024"}}
    assert problems == []


@pytest.mark.parametrize("make, reason", [
    (lambda path: path.mkdir(), "manifest.csv is a folder: the manifest is not used"),
    (os.mkfifo, "manifest.csv is not a regular file: the manifest is not used"),
    (lambda path: path.write_bytes(b"province,city\n"), "row 1: no 'file' column in the header: the manifest is not used"),
])
def test_a_manifest_that_cannot_be_used_is_a_problem_and_the_build_goes_on(tmp_path, make, reason):
    source = corpus_copy(tmp_path)
    (source / "manifest.csv").unlink()
    make(source / "manifest.csv")
    result = built(source, tmp_path)
    assert len(result.headers) == 5  # read without what the manifest says: regions unknown
    assert [(item.file, item.reason) for item in result.unreadable] == [("manifest.csv", reason)]


def test_entries_that_are_not_regular_files_inside_the_folder_are_unreadable(tmp_path):
    source = corpus_copy(tmp_path)
    os.mkfifo(source / "pipe.docx")
    (source / "zero.docx").symlink_to("/dev/zero")
    outside = write(tmp_path / "outside.docx", (CORPUS / FIRST_FILE).read_bytes())
    (source / "outside.docx").symlink_to(outside)
    (source / "folder.docx").mkdir()
    with (source / "sparse.docx").open("wb") as sparse:
        sparse.truncate(40 << 30)  # 40 GiB, holding no block: hashing it would read 40 GiB of zeros
    started = time.perf_counter()
    problems: list[SourceProblem] = []
    documents = discover_sources(source, problems)
    assert time.perf_counter() - started < 2
    assert sorted(document.file for document in documents) == sorted(path.name for path in CORPUS.glob("*.docx"))
    assert {problem.file: problem.reason for problem in problems} == {
        "folder.docx": "a folder, not a document file",
        "outside.docx": "a link to a file outside the source folder",
        "pipe.docx": "a named pipe (FIFO), not a document file",
        "sparse.docx": "file is 42,949,672,960 bytes, over the 52,428,800-byte limit",
        "zero.docx": "a link to a file outside the source folder",
    }
    started = time.perf_counter()
    result = built(source, tmp_path)
    assert time.perf_counter() - started < 30
    assert {header.disclosure_id for header in result.headers} == CORPUS_IDS
    assert sorted(item.file for item in result.unreadable) == sorted(problem.file for problem in problems)


def test_a_link_inside_the_folder_is_read(tmp_path):
    source = tmp_path / "source_docs"
    source.mkdir()
    (source / "originals").mkdir()
    shutil.copy(CORPUS / FIRST_FILE, source / "originals" / FIRST_FILE)
    (source / FIRST_FILE).symlink_to(Path("originals") / FIRST_FILE)
    problems: list[SourceProblem] = []
    [document] = discover_sources(source, problems)
    assert document.file == FIRST_FILE
    assert problems == [SourceProblem("originals", "a folder, not a document file",
                                      "put the document itself in the folder, as a regular file")]


def test_the_manifest_csv_of_the_corpus_reads_without_problems():
    problems: list[ManifestProblem] = []
    rows = parse_manifest(CORPUS, problems)
    assert problems == [] and len(rows) == 5
    with (CORPUS / "manifest.csv").open(encoding="utf-8") as file:
        assert [row["file"] for row in csv.DictReader(file)] == list(rows)
