"""An installed wheel builds a site: the site package carries mkdocs.yml and every template, asset
and theme override as package data, and nothing is read from the checkout."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT, SOURCE_DOCS

SITE = ROOT / "generator" / "site"
DOCUMENT = "2022_石家庄市_栾城区_网信办_部门预算.docx"


def test_an_installed_wheel_builds_a_site_outside_the_checkout(tmp_path):
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources, and reuses them.
    project = tmp_path / "project"
    shutil.copytree(ROOT / "generator", project / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(project), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels)], cwd=tmp_path, check=True, capture_output=True)
    [wheel] = wheels.glob("budget_site-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    templates = {path.relative_to(ROOT).as_posix() for path in (SITE / "site_templates").rglob("*") if path.is_file()}
    assert {f"generator/site/site_templates/{name}" for name in ("unit.md.j2", "index.md.j2", "assets/site.css")} <= templates
    assert templates <= names, sorted(templates - names)
    assert "generator/site/mkdocs.yml" in names and "generator/site/hooks.py" in names

    work = tmp_path / "work"  # outside the checkout: nothing found relative to the current folder
    (work / "source_docs").mkdir(parents=True)
    shutil.copy(SOURCE_DOCS / DOCUMENT, work / "source_docs" / DOCUMENT)
    with (SOURCE_DOCS / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with (work / "source_docs" / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([rows[0], *(row for row in rows if row[0] == DOCUMENT)])
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "installed")}
    found = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=work,
                           env=environment, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == str(tmp_path / "installed" / "generator" / "__init__.py")
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--jobs", "1", "--no-cache"], cwd=work,
                          env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "documents: 1 read, 0 unreadable" in done.stdout
    units = sorted(path.parent.name for path in (work / "site" / "units").glob("*/index.html"))
    assert len(units) == 1
    assert (work / "site" / "pagefind" / "site" / "pagefind-entry.json").is_file()
    assert (work / "site" / "assets" / "site.css").read_bytes() == (SITE / "site_templates" / "assets" / "site.css").read_bytes()
