"""`budget-site inspect FILE [--json]`: what the reader saw, for a publisher whose file does not parse."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES

from generator.cli import cli

DOCX_000 = SOURCE_DOCS / f"{SEEDS['000']}.docx"


@pytest.fixture(scope="module")
def model_000() -> dict:
    result = CliRunner().invoke(cli, ["inspect", str(DOCX_000), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_lists_blocks_in_order_with_type_and_text(model_000):
    blocks = model_000["blocks"]
    assert model_000["source"] == DOCX_000.name
    assert len(blocks) == 130
    assert sum(block["type"] == "table" for block in blocks) == 36
    assert blocks[0] == {"type": "paragraph", "text": "部门预算收支总表", "style": "Heading 3", "heading_level": 3}
    assert {block["type"] for block in blocks} == {"paragraph", "table"}


def test_json_tables_carry_cells_with_their_grid_position_and_spans(model_000):
    tables = [block for block in model_000["blocks"] if block["type"] == "table"]
    layout, income = tables[2], tables[3]
    assert [cell["text"] for cell in layout["cells"]] == ["224网信办", "预算年度：2022", "单位：万元"]
    assert (income["rows"], income["cols"], income["warnings"]) == (16, 13, [])
    assert {"row": 0, "col": 4, "rowspan": 1, "colspan": 8, "text": "本年收入"} in income["cells"]
    assert {"row": 0, "col": 0, "rowspan": 2, "colspan": 1, "text": "序号"} in income["cells"]
    by_position = {(cell["row"], cell["col"]): cell["text"] for cell in income["cells"]}
    administration = next(row for (row, col), text in by_position.items() if text == "行政运行")
    assert [by_position[(administration, col)] for col in range(1, 6)] == [
        "2013701", "行政运行", "68.56", "68.56", "68.56"]


def test_text_view_shows_blocks_grids_and_spans():
    result = CliRunner().invoke(cli, ["inspect", str(DOCX_000)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == ["[0] paragraph h3: 部门预算收支总表", "[1] table 1×3",
                         "    0: 224网信办 | 预算年度：2022 | 单位：万元", "[2] table 36×5"]
    # ↑ marks the grid position a vertically merged cell continues into; empty cells stay.
    assert lines[4:6] == ["    0: 序号 ⟨2×1⟩ | 收入 ⟨1×2⟩ | 支出 ⟨1×2⟩", "    1: ↑ | 项 目 | 预算数 | 项 目 | 预算数"]
    assert "    4: 2 | 二、政府性基金预算拨款收入 |  | 二、外交支出 | " in lines
    assert "table 16×13" in result.output
    assert "本年收入 ⟨1×8⟩" in result.output


def test_inspect_reads_the_text_export_too():
    result = CliRunner().invoke(cli, ["inspect", str(TEXT_FIXTURES / f"{SEEDS['003']}.txt"), "--json"])
    assert result.exit_code == 0, result.output
    tables = [block for block in json.loads(result.output)["blocks"] if block["type"] == "table"]
    assert len(tables) == 4
    assert all({"row", "col", "rowspan", "colspan", "text"} <= set(cell) for cell in tables[0]["cells"])


def test_unreadable_file_is_a_reason_and_a_hint_not_a_traceback(tmp_path):
    broken = tmp_path / "报告.docx"
    broken.write_bytes(b"<html><body>404</body></html>")
    result = CliRunner().invoke(cli, ["inspect", str(broken)])
    assert result.exit_code == 1
    assert "报告.docx" in result.output and "Traceback" not in result.output
