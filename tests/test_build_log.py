"""The build's log lines name unreadable files without letting their names drive the terminal."""

from __future__ import annotations

from generator.build import BuildOptions, build


def test_control_characters_in_file_names_are_escaped(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "bad\x1b[2J.docx").write_bytes(b"")
    lines: list[str] = []
    result = build(BuildOptions(source, tmp_path / "dp", tmp_path / "site", cache_dir=None, jobs=1,
                                with_site=False), log=lines.append)
    assert [u.file for u in result.unreadable] == ["bad\x1b[2J.docx"]
    unreadable = [line for line in lines if line.startswith("unreadable:")]
    assert len(unreadable) == 1
    assert "\x1b" not in unreadable[0] and "bad\\x1b[2J.docx" in unreadable[0]
