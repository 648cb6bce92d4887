"""The benchmark scripts still measure what issues 2 and 8 ask for (figures, not timed tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = {"extract", "check", "package", "render", "mkdocs build", "validate (wait)"}


def test_the_build_benchmark_times_every_stage_cold_and_after_one_change(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "5", "--work", str(tmp_path),
                    "--json", str(tmp_path / "figures.json")], cwd=ROOT, check=True, capture_output=True)
    figures = json.loads((tmp_path / "figures.json").read_text(encoding="utf-8"))
    (size,) = figures["sizes"]
    assert size["n"] == 5
    for run in (size["cold"], size["incremental"]):
        assert run["error"] == "" and run["documents"] == 5 and run["unreadable"] == 0
        assert {stage["stage"] for stage in run["stages"]} >= STAGES
        assert run["search_index_bytes"] > 0 and run["peak_rss_mb"] > 0
    assert size["incremental"]["cache_line"] == "cache: 4 of 5 documents unchanged"
    assert figures["one_disclosure"]


def test_the_read_benchmark_prints_a_ratio_for_every_document():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "read_benchmark.py"), "--repeat", "1",
                           "--formats-documents", "1", "--family-documents", "1"],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    rows = [line for line in done.stdout.splitlines()[1:] if line.startswith(("20", "generated"))]
    assert len(rows) == 6
    for row in rows:  # ms of the reader and of lxml alone, the ratio, the ratio of a first read
        assert all(float(figure) > 0 for figure in row.split()[-4:])
    assert any(line.startswith("worst ratio") for line in done.stdout.splitlines())
    families = [line.split() for line in done.stdout.splitlines() if line.startswith(("hebei ", "mof ", "provincial "))]
    assert [row[0] for row in families] == ["hebei", "mof", "provincial"]
    for row in families:  # one document, its tables, lxml ms, the reader's ms and ratios, then the whole's
        assert row[1] == "1" and float(row[2]) >= 8 and row[7] in ("PASS", "FAIL") and row[11] in ("PASS", "FAIL")
        assert 0 < float(row[3]) < float(row[8]) and float(row[4]) > 0  # one run: the reader's first may be slow
        assert float(row[5]) == float(row[6]) and float(row[9]) == float(row[10])
    formats = {line[:36].strip(): line.split()[-4:] for line in done.stdout.splitlines()
               if line.startswith(("docx:", "pdf:", "doc:"))}
    assert set(formats) == {"docx: read_document", "pdf: read_document", "doc: LibreOffice conversion (wall)",
                            "doc: reading its .docx"}
    for documents, mean, least, most in formats.values():  # every format, on one corpus document
        assert int(documents) == 1 and 0 < float(least) <= float(mean) <= float(most)
    workbooks = [line.split() for line in done.stdout.splitlines() if line.startswith(("xlsx ", "xls "))]
    assert sorted(row[0] for row in workbooks) == ["xls"] * 3 + ["xlsx"] * 3
    for row in workbooks:  # nine tables, ms of the workbook reader and of the whole .docx
        assert row[2] == "9" and float(row[3]) > 0 and float(row[4]) > 0


def test_the_speed_up_is_reported_against_the_first_cluster():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import report_speedup

    def run(cluster: str, extract: float, total: float) -> dict:
        stages = [{"stage": "extract", "seconds": extract}]
        return {"n": 100, "cluster": cluster, "cold": {"stages": stages, "total_seconds": total, "cpu_seconds": 9.0}}

    lines = report_speedup([run("local:1", 8.0, 30.0), run("local:2", 4.0, 20.0)]).splitlines()
    assert "local:1" in lines[0] and "N = 100" in lines[0]
    assert "extract    4.00 s (×2.00)" in lines[2] and "whole build   20.00 s (×1.50)" in lines[2]


def test_the_search_benchmark_estimates_from_the_parts_that_grow():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import search

    def size(n: int, metadata: int, chunks: int) -> dict:
        parts = {"script": 100, "metadata": metadata, "index chunks": chunks, "fragments": 50}
        return {"n": n, "queries": {"q": {**parts, "total": sum(parts.values())}}}

    # metadata grows 1 byte a unit; the chunks grow 2 in one query, fall in the other (re-split)
    assert search.estimate([size(100, 100, 400), size(200, 200, 600)], 1200) == {"q": 100 + 200 + 600 + 50 + 3000}
    assert search.estimate([size(100, 100, 600), size(200, 200, 400)], 1200) == {"q": 100 + 200 + 400 + 50 + 1000}
