"""Outputs are replaced whole or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from generator.atomic import replace_dir, write_text


def test_a_failed_write_leaves_the_previous_folder(tmp_path):
    final = tmp_path / "site"
    final.mkdir()
    (final / "index.html").write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with replace_dir(final) as staging:
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


def test_a_seeded_write_starts_from_a_copy_and_a_failure_leaves_the_original(tmp_path):
    final = tmp_path / "site"
    (final / "units").mkdir(parents=True)
    page = final / "units" / "index.html"
    page.write_text("previous", encoding="utf-8")
    os.utime(page, (1_000_000_000, 1_000_000_000))
    with pytest.raises(RuntimeError):
        with replace_dir(final, seeded=True) as staging:
            copy = staging / "units" / "index.html"
            assert copy.read_text(encoding="utf-8") == "previous"
            assert copy.stat().st_mtime == 1_000_000_000  # an unchanged page stays older than its source
            copy.write_text("half", encoding="utf-8")
            raise RuntimeError("the build failed midway")
    assert page.read_text(encoding="utf-8") == "previous"
    with replace_dir(final, seeded=True) as staging:
        (staging / "units" / "index.html").write_text("next", encoding="utf-8")
    assert page.read_text(encoding="utf-8") == "next"


def test_write_text_replaces_whole_files(tmp_path):
    path = tmp_path / "report" / "build_report.json"
    write_text(path, "{}\n")
    write_text(path, '{"a": 1}\n')
    assert path.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert [p.name for p in path.parent.iterdir()] == ["build_report.json"]
