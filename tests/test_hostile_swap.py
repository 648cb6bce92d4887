"""The two outputs change together: a build killed (SIGKILL) after any file-system step of the
swap leaves, once the next build has started, either the whole previous outputs or the whole
new ones, and no hidden staging folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from generator.runtime.files import recover, replace_dirs

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "source_docs"

# A process that swaps in new outputs and kills itself right after its Nth file-system change
# (0: before the first) from the moment the new outputs are written.
SWAP = """
import os, shutil, signal, sys
from pathlib import Path
from generator.runtime.files import replace_dirs

kill_after, root = int(sys.argv[1]), Path(sys.argv[2])
done = None

def counted(function):
    def step(*args, **kwargs):
        global done
        result = function(*args, **kwargs)
        if done is not None:
            done += 1
            if done == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
        return result
    return step

for name in ("replace", "rename", "unlink", "rmdir", "mkdir", "chmod", "open"):
    setattr(os, name, counted(getattr(os, name)))
shutil.rmtree = counted(shutil.rmtree)
with replace_dirs(root / "datapackage", root / "site") as (package, site):
    (package / "data.csv").write_text("new")
    (site / "index.html").write_text("new")
    done = 0
    if kill_after == 0:
        os.kill(os.getpid(), signal.SIGKILL)
"""


def outputs(root: Path) -> tuple[str | None, str | None]:
    """The build each output is from ("old" / "new"), None for an output that is missing."""
    package, site = root / "datapackage" / "data.csv", root / "site" / "index.html"
    return (package.read_text() if package.exists() else None, site.read_text() if site.exists() else None)


def previous_outputs(root: Path) -> None:
    for folder, file in (("datapackage", "data.csv"), ("site", "index.html")):
        (root / folder).mkdir(parents=True)
        (root / folder / file).write_text("old")


def test_a_kill_at_each_step_of_the_swap_leaves_one_build_or_the_other(tmp_path):
    journalled_from = None
    seen: list[tuple[int, tuple, tuple]] = []
    for kill_after in range(40):
        root = tmp_path / str(kill_after)
        previous_outputs(root)
        run = subprocess.run([sys.executable, "-c", SWAP, str(kill_after), str(root)], capture_output=True, text=True)
        killed = run.returncode == -9
        assert killed or run.returncode == 0, run.stderr
        journal = (root / ".datapackage.swap").exists()
        if journal and journalled_from is None:
            journalled_from = kill_after
        # Until the next build, the outputs are one build's, or the journal marks them as mid-swap.
        before = outputs(root)
        assert before in (("old", "old"), ("new", "new")) or journal, (kill_after, before)
        recover(root / "datapackage", root / "site")  # what the next build does first
        after = outputs(root)
        seen.append((kill_after, before, after))
        assert after == (("new", "new") if journalled_from is not None else ("old", "old")), (kill_after, after)
        assert sorted(path.name for path in root.iterdir()) == ["datapackage", "site"], kill_after
        if not killed:
            break
    else:
        raise AssertionError("the swap never completed")
    # Every kind of moment was met: before the journal, mid-swap (one output new, or missing), after.
    states = {before for _, before, _ in seen}
    assert {("old", "old"), ("new", "new")} <= states
    assert states & {("new", "old"), (None, "old"), ("new", None)}, states
    assert journalled_from is not None and len(seen) > journalled_from + 4


def test_staging_folders_of_a_killed_build_go_with_the_next_one(tmp_path):
    previous_outputs(tmp_path)
    for name in (".datapackage.new-abc", ".site.new-def", ".site.old-ghi"):
        (tmp_path / name / "x").mkdir(parents=True)
    (tmp_path / ".datapackage.new-jkl").write_text("a journal never renamed into place")
    with replace_dirs(tmp_path / "datapackage", tmp_path / "site") as (package, site):
        (package / "data.csv").write_text("new")
        (site / "index.html").write_text("new")
    assert outputs(tmp_path) == ("new", "new")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["datapackage", "site"]


# A real build that kills itself as it moves the previous site aside: the new data package is
# in place, the site is still the previous one.
KILLED_BUILD = """
import os, signal, sys
from generator.cli import cli

replace = os.replace

def killing(source, target, *args, **kwargs):
    if os.path.basename(source) == "site" and ".site.old-" in str(target):
        os.kill(os.getpid(), signal.SIGKILL)
    return replace(source, target, *args, **kwargs)

os.replace = killing
cli(sys.argv[1:])
"""


def published_units(root: Path) -> tuple[int, int]:
    """Disclosures in the data package, unit pages in the site."""
    rows = (root / "datapackage" / "disclosures.csv").read_text(encoding="utf-8").splitlines()
    return len(rows) - 1, len([page for page in (root / "site" / "units").glob("*/index.html")])


def test_a_build_killed_between_the_two_renames_is_completed_by_the_next(tmp_path):
    source = tmp_path / "source_docs"
    source.mkdir()
    # Two documents, the smallest: the first build has one, the killed one both.
    for name in ("manifest.csv", "2020_邢台市_隆尧县_网信办_部门预算.docx"):
        shutil.copy(CORPUS / name, source / name)
    kept = CORPUS / "2020_廊坊市_网信办_部门预算.docx"
    arguments = ["build", "--source", str(source), "--jobs", "2", "--no-cache"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-m", "generator", *arguments], cwd=tmp_path, env=environment,
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert published_units(tmp_path) == (1, 1)
    shutil.copy(kept, source / kept.name)
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, *arguments], cwd=tmp_path, env=environment,
                            capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert (tmp_path / ".datapackage.swap").exists()  # marked as mid-swap
    assert published_units(tmp_path) == (2, 1)  # the new package beside the previous site, until…
    again = subprocess.run([sys.executable, "-m", "generator", *arguments], cwd=tmp_path, env=environment,
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert published_units(tmp_path) == (2, 2)
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []
