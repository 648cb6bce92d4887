"""The docs folder kept between renders: what a render did not produce is removed."""

from __future__ import annotations

from generator.render.docs_folder import DocsFolder

MARKER = ".state.json"


def _render(root, files: dict[str, str]) -> None:
    docs = DocsFolder(root, MARKER)
    for path, text in files.items():
        docs.write_text(path, text)
    docs.finish({})


def _files(root) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()} - {MARKER}


def test_a_file_no_longer_produced_is_removed_with_its_empty_folder(tmp_path):
    root = tmp_path / "docs"
    _render(root, {"index.md": "a", "units/a/index.md": "a", "units/b/index.md": "b"})
    _render(root, {"index.md": "a", "units/a/index.md": "a"})
    assert _files(root) == {"index.md", "units/a/index.md"}
    assert not (root / "units" / "b").exists()


def test_after_a_render_stopped_midway_every_unknown_file_goes(tmp_path):
    root = tmp_path / "docs"
    _render(root, {"index.md": "a"})
    stopped = DocsFolder(root, MARKER)  # empties the marker, then stops before finish()
    stopped.write_text("units/c/index.md", "c")
    _render(root, {"index.md": "a", "units/a/index.md": "a"})
    assert _files(root) == {"index.md", "units/a/index.md"}


def test_a_marker_naming_a_file_outside_the_folder_removes_nothing_there(tmp_path):
    root = tmp_path / "docs"
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    _render(root, {"index.md": "a"})
    (root / MARKER).write_text('{"files": {"../outside.txt": "x", "index.md": "y"}}', encoding="utf-8")
    _render(root, {"index.md": "a"})
    assert outside.read_text(encoding="utf-8") == "keep" and _files(root) == {"index.md"}
