"""Outputs are checked before anything is written, a second build on the same outputs is
refused, and a full disk or a read-only file system ends in one line with the previous
outputs intact; the corpus publishes as soon as the outputs are right."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline.build import BuildOptions, OutputRefused, build
from generator.runtime.outputs import lock_outputs
from generator.runtime.workers import Failure, map_isolated

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "source_docs"
CORPUS_FILES = sorted(path.name for path in CORPUS.iterdir())


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) and its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder holding a copy of the corpus, as the current folder."""
    shutil.copytree(CORPUS, tmp_path / "source_docs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli_build(*arguments: str):
    return CliRunner().invoke(cli, ["build", "--source", "source_docs", "--jobs", "2", *arguments])


@pytest.mark.parametrize("arguments, message", [
    (["--site", "source_docs"], "the site folder (--site) source_docs is the source folder (--source) source_docs"),
    (["--site", "source_docs/site"], "the site folder (--site) source_docs/site lies inside the source folder"),
    (["--datapackage", "."], "the data package folder (--datapackage) . is the project root"),
    (["--site", "."], "the site folder (--site) . is the project root"),
    (["--datapackage", "out", "--site", "out"], "the data package folder (--datapackage) out is the site folder"),
    (["--datapackage", "out", "--site", "out/site"], "the data package folder (--datapackage) out contains the site"),
    (["--site", "cache", "--cache-dir", "cache"], "the site folder (--site) cache is the cache folder (--cache-dir)"),
    (["--datapackage", "cache", "--cache-dir", "cache/budget-site"], "the data package folder (--datapackage) cache "
                                                                      "contains the cache folder"),
])
def test_outputs_over_the_input_or_each_other_are_refused_before_anything_is_written(project, arguments, message):
    before = tree(project)
    result = cli_build(*arguments)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}") and result.output.count("\n") == 1, result.output
    assert tree(project) == before
    # With the outputs right, the same folder publishes the five documents.
    assert cli_build("--no-cache").exit_code == 0
    assert sorted(path.name for path in (project / "source_docs").iterdir()) == CORPUS_FILES
    assert len((project / "datapackage" / "disclosures.csv").read_text(encoding="utf-8").splitlines()) == 6


def test_an_output_reached_through_a_link_is_still_the_source(project):
    (project / "link").symlink_to(project / "source_docs")
    result = cli_build("--site", "link")
    assert result.exit_code == 1 and "is the source folder" in result.output
    assert sorted(path.name for path in (project / "source_docs").iterdir()) == CORPUS_FILES


def test_a_build_on_outputs_another_build_holds_is_refused(project):
    options = BuildOptions(project / "source_docs", project / "datapackage", project / "site", jobs=2,
                           with_site=False)
    with lock_outputs([options.datapackage_dir]):
        with pytest.raises(OutputRefused, match=f"^another build is writing outputs in {project}; wait for it"):
            build(options, log=lambda line: None)
        assert not (project / "datapackage").exists()
    assert len(build(options, log=lambda line: None).headers) == 5


# A build that waits, holding its outputs' lock, until the file named by its first argument exists.
WAITING_BUILD = """
import sys, time
from contextlib import contextmanager
from pathlib import Path
import importlib
from generator.cli import cli

go, arguments = Path(sys.argv[1]), sys.argv[2:]
module = importlib.import_module("generator.pipeline.build")  # generator.pipeline.build is the function
lock = module.lock_outputs

@contextmanager
def waiting(outputs):
    with lock(outputs):
        Path(str(go) + ".locked").touch()
        while not go.exists():
            time.sleep(0.05)
        yield

module.lock_outputs = waiting
cli(arguments)
"""


def test_two_concurrent_builds_on_the_same_outputs(project):
    arguments = ["build", "--source", "source_docs", "--jobs", "2", "--no-cache"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    go = project / "go"
    first = subprocess.Popen([sys.executable, "-c", WAITING_BUILD, str(go), *arguments], cwd=project,
                             env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{go}.locked").exists():
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        second = subprocess.run([sys.executable, "-m", "generator", *arguments], cwd=project, env=environment,
                                capture_output=True, text=True)
        go.touch()
        _, err = first.communicate(timeout=120)
    finally:
        first.kill()
    assert second.returncode == 1
    assert second.stderr == f"Error: another build is writing outputs in {project}; wait for it to finish and " \
                            "build again\n"
    assert first.returncode == 0, err
    assert len((project / "datapackage" / "disclosures.csv").read_text(encoding="utf-8").splitlines()) == 6
    assert sorted(path.name for path in project.iterdir() if path.name.startswith(".")) == []


@contextmanager
def tmpfs(folder: Path, megabytes: int) -> Iterator[Path]:
    """A small tmpfs mounted at ``folder`` (root only), unmounted after."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small file system cannot be mounted here ({mounted.stderr.strip() or 'mount failed'})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def published(project: Path, out: Path) -> dict[str, bytes]:
    """Build the corpus into ``out`` (data package and site), return what was published."""
    result = CliRunner().invoke(cli, ["build", "--source", str(project / "source_docs"), "--jobs", "2", "--no-cache",
                                      "--datapackage", str(out / "datapackage"), "--site", str(out / "site")])
    assert result.exit_code == 0, result.output
    return tree(out)


def error_line(output: str) -> str:
    """The one line saying why the build stopped, after the lines it logged on its way; no traceback."""
    assert "Traceback" not in output
    [line] = [line for line in output.splitlines() if line.startswith("Error: ")]
    return line


def test_a_full_disk_ends_in_one_line_and_keeps_the_previous_outputs(project):
    previous = published(project, project / "first")
    size = sum(len(data) for data in previous.values())
    # Room for the previous outputs and the site's Markdown, not for a second copy beside them.
    with tmpfs(project / "disk", size // (1 << 20) + 3) as disk:
        shutil.copytree(project / "first", disk, dirs_exist_ok=True)
        before = tree(disk / "datapackage") | tree(disk / "site")
        result = cli_build("--no-cache", "--datapackage", str(disk / "datapackage"), "--site", str(disk / "site"))
        assert result.exit_code == 1, result.output
        assert error_line(result.output).startswith("Error: build stopped: no space left on the device")
        assert error_line(result.output).endswith("; the previous outputs are kept")
        assert tree(disk / "datapackage") | tree(disk / "site") == before
        assert sorted(path.name for path in disk.iterdir() if path.name.startswith(".")) == []


def test_a_read_only_output_folder_ends_in_one_line_and_keeps_the_previous_outputs(project):
    with tmpfs(project / "disk", 64) as disk:
        before = published(project, disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = cli_build("--no-cache", "--datapackage", str(disk / "datapackage"), "--site", str(disk / "site"))
        assert result.exit_code == 1, result.output
        assert error_line(result.output).startswith("Error: build stopped: the file system is read-only (")
        assert tree(disk) == before


def write_on_a_full_disk(name: str) -> str:
    """Module level, so that worker processes can unpickle it."""
    if name == "full":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/cache/records/ab.pickle")
    return name


def test_a_full_disk_in_a_worker_is_not_called_a_bug():
    results = map_isolated(write_on_a_full_disk, ["a", "full", "b"], jobs=2)
    assert results == ["a", Failure("environment", "build stopped: no space left on the device "
                                                   "(/cache/records/ab.pickle); the previous outputs are kept"), "b"]


def test_a_full_cache_disk_stops_the_build_in_one_line(project):
    with tmpfs(project / "disk", 1) as disk:
        (disk / "filler").write_bytes(bytes(1 << 20))
        result = cli_build("--cache-dir", str(disk / "cache"), "--no-site")
        assert result.exit_code == 1, result.output
        assert error_line(result.output).startswith("Error: build stopped: no space left on the device")
        assert not (project / "datapackage").exists()
