"""Outputs are replaced whole or not at all."""

from __future__ import annotations

import stat

import pytest

from generator.runtime.files import replace_dir, write_text


def test_a_failed_write_leaves_the_previous_folder(tmp_path):
    final = tmp_path / "site"
    final.mkdir()
    (final / "index.html").write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), replace_dir(final) as staging:
        (staging / "index.html").write_text("half", encoding="utf-8")
        raise RuntimeError("the build failed midway")
    assert (final / "index.html").read_text(encoding="utf-8") == "previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_completed_write_replaces_the_folder(tmp_path):
    final = tmp_path / "out" / "datapackage"
    for content in ("first", "second"):
        with replace_dir(final) as staging:
            (staging / "data.csv").write_text(content, encoding="utf-8")
    assert [path.name for path in final.iterdir()] == ["data.csv"]
    assert (final / "data.csv").read_text(encoding="utf-8") == "second"
    assert sorted(path.name for path in final.parent.iterdir()) == ["datapackage"]
    assert stat.S_IMODE(final.stat().st_mode) == 0o755


def test_write_text_replaces_whole_files(tmp_path):
    path = tmp_path / "report" / "build_report.json"
    write_text(path, "{}\n")
    write_text(path, '{"a": 1}\n')
    assert path.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert [p.name for p in path.parent.iterdir()] == ["build_report.json"]
