"""Escape sequences in document text: shown as escapes in every log line (a FAIL line quotes
the paragraph), dropped from pages and charts, kept in the data as published."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

from click.testing import CliRunner
from test_hostile import CONTROL_CHARACTER, CORPUS, ESCAPES, GOOD_DOCX, TEXT_EXPORTS, write

from generator.cli import cli
from generator.pipeline.build import BuildOptions, build
from generator.render.charts import bar_chart
from generator.render.figures import Bar
from generator.render.markup import md

UNIT = "224001中共馆陶县委网络安全和信息化委员会办公室本级"
OTHER_UNIT = "224009中共馆陶县委网络安全和信息化委员会办公室测试"
# The corpus paragraph a FAIL line quotes ('主要为主要为' repeated).
REPEATED = "主要为主要为减少人员经费支出"
SHOWN = r"\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"  # ESCAPES as the log shows them


def test_escapes_in_a_failing_paragraph_are_shown_as_escapes_in_the_log(tmp_path):
    source = tmp_path / "source_docs"
    shutil.copytree(CORPUS, source)
    text = (TEXT_EXPORTS / GOOD_DOCX.replace(".docx", ".txt")).read_text(encoding="utf-8")
    assert REPEATED in text
    text = text.replace(UNIT, OTHER_UNIT).replace(REPEATED, REPEATED[:6] + ESCAPES + REPEATED[6:])
    write(source / f"escapes{ESCAPES}.txt", text)
    log: list[str] = []
    # verbose: every failed check, one line each
    options = BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2, with_site=False, verbose=True)
    result = build(options, log=log.append)
    assert len(result.headers) == 6 and result.unreadable == []
    assert not any(CONTROL_CHARACTER.search(line) for line in log)
    failing = [line for line in log if line.startswith("  FAIL unknown-224009-") and "hygiene.punctuation" in line]
    # The location quotes the paragraph's start, cut to a length: the escapes are in it.
    assert len(failing) == 1 and f"主要为主要为{SHOWN[:24]}" in failing[0], failing
    # The data keeps the paragraph as published.
    with (options.datapackage_dir / "checks.csv").open(encoding="utf-8") as file:
        located = [row["location"] for row in csv.DictReader(file) if row["rule"] == "hygiene.punctuation"
                   and "224009" in row["disclosure_id"]]
    assert any(f"主要为主要为{ESCAPES[:8]}" in location for location in located), located


def test_pages_and_charts_drop_control_characters():
    assert md(f"卫生{ESCAPES}健康\x00\x85\u2066") == "卫生&#93;0;pwned&#91;2J31m健康"
    chart = bar_chart(f"标题{ESCAPES}", [Bar(f"卫生{ESCAPES}健康", Decimal("325000"))])
    assert not CONTROL_CHARACTER.search(chart)
    assert "卫生]0;pwned[2J31m健康" in chart


def test_inspect_shows_escapes_as_escapes(tmp_path):
    text = (TEXT_EXPORTS / GOOD_DOCX.replace(".docx", ".txt")).read_text(encoding="utf-8")
    path = write(tmp_path / "escapes.txt", text.replace(REPEATED, REPEATED[:6] + ESCAPES + REPEATED[6:]))
    output = CliRunner().invoke(cli, ["inspect", str(path)]).output
    assert not CONTROL_CHARACTER.search(output)
    assert f"主要为主要为{SHOWN}减少人员经费支出" in output
