"""Yearly snapshots: a data version, a changelog entry with what changed, and a git tag.

The changelog (``CHANGELOG.md`` beside ``source_docs/``) is the record of snapshots: its
newest ``## VERSION`` heading is the version every build stamps into the package, so a
rebuild after a snapshot reproduces the same bytes.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.history.diff import PackageDiff, diff_packages, package_at_revision

CHANGELOG_NAME = "CHANGELOG.md"
TAG_PREFIX = "data-"
_VERSION_HEADING = re.compile(r"^## (\S+)", re.MULTILINE)
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-+]*$")
_CHANGELOG_TITLE = "# Data changelog\n\nOne entry per published snapshot, newest first.\n"


def changelog_versions(changelog: Path) -> list[str]:
    if not changelog.exists():
        return []
    return _VERSION_HEADING.findall(changelog.read_text(encoding="utf-8"))


def current_data_version(changelog: Path) -> str | None:
    """The newest snapshot's version, which the build stamps into datapackage.json."""
    versions = changelog_versions(changelog)
    return versions[0] if versions else None


@dataclass(frozen=True)
class Snapshot:
    version: str
    previous: str | None
    diff: PackageDiff


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _package_relative_path(repo: Path, package_dir: Path) -> str:
    return package_dir.resolve().relative_to(repo.resolve()).as_posix()


def previous_package(repo: Path, package_dir: Path, previous: str, scratch: Path) -> Path:
    """The package of the previous snapshot: a folder, or the package at a git revision or tag."""
    candidate = Path(previous)
    if candidate.is_dir():
        return candidate
    return package_at_revision(repo, previous, _package_relative_path(repo, package_dir), scratch)


def _changelog_entry(version: str, date: str, diff: PackageDiff) -> str:
    body = diff.to_markdown().replace("\n### ", "\n#### ")
    return f"## {version} ({date})\n\n{body}"


def write_changelog_entry(changelog: Path, version: str, date: str, diff: PackageDiff) -> None:
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else _CHANGELOG_TITLE
    match = _VERSION_HEADING.search(text)
    entry = _changelog_entry(version, date, diff) + "\n"
    text = text[:match.start()] + entry + text[match.start():] if match else text.rstrip("\n") + "\n\n" + entry
    changelog.write_text(text, encoding="utf-8")


def record_snapshot(package_dir: Path, version: str, date: str, changelog: Path, previous: str | None = None,
                    repo: Path = Path(".")) -> Snapshot:
    """Write the changelog entry for the built package as snapshot ``version``.

    ``previous`` is a package folder or a git revision; by default the last snapshot's tag.
    The caller rebuilds afterwards so that every output carries the new version.
    """
    if not _VERSION.match(version):
        raise ValueError(f"not a usable version: {version!r}")
    if version in changelog_versions(changelog):
        raise ValueError(f"{version} is already in {changelog}")
    if previous is None:
        last = current_data_version(changelog)
        previous = f"{TAG_PREFIX}{last}" if last else None
    with tempfile.TemporaryDirectory() as scratch:
        old_dir = previous_package(repo, package_dir, previous, Path(scratch)) if previous else Path(scratch)
        diff = diff_packages(old_dir, package_dir, previous or "(nothing)", version)
    write_changelog_entry(changelog, version, date, diff)
    return Snapshot(version, previous, diff)


def tag_snapshot(repo: Path, version: str, paths: list[Path]) -> str:
    """Commit the snapshot's files and tag the commit ``data-VERSION``."""
    tag = f"{TAG_PREFIX}{version}"
    _git(repo, "add", "--", *(str(path) for path in paths))
    _git(repo, "commit", "-q", "-m", f"Data snapshot {version}")
    _git(repo, "tag", "-a", tag, "-m", f"Data snapshot {version}")
    return tag
