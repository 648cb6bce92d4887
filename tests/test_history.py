"""Snapshots and data diffs: snapshot the corpus, change one figure in one document, add the
next year's document for the same unit, and the diff names exactly those changes."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES

from generator.cli import cli
from generator.history.diff import diff_packages
from generator.history.snapshot import current_data_version, record_snapshot, tag_snapshot
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.sources import MANIFEST_FIELDS, read_manifest

# 000 table 6: the total of 30239 其他交通费用, 3.06万元 → 4.06万元 (its 公用经费 stays 3.06).
CHANGED_FROM = "\t30239\n\t其他交通费用\n\t3.06\n"
CHANGED_TO = "\t30239\n\t其他交通费用\n\t4.06\n"


def _write_manifest(folder: Path, rows: list[dict]) -> None:
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _seed_source(folder: Path, seeds: list[str]) -> list[dict]:
    """The seeds as text exports (quick to edit) with their manifest rows."""
    folder.mkdir(parents=True)
    manifest = read_manifest(SOURCE_DOCS)
    rows = []
    for seed in seeds:
        stem = SEEDS[seed]
        shutil.copy(TEXT_FIXTURES / f"{stem}.txt", folder / f"{stem}.txt")
        rows.append({**manifest[f"{stem}.docx"], "file": f"{stem}.txt"})
    _write_manifest(folder, rows)
    return rows


def _build(project: Path) -> None:
    build(BuildOptions(project / "source_docs", project / "datapackage", project / "site", cache_dir=None,
                       with_site=False, jobs=1, changelog=project / "CHANGELOG.md"), log=lambda line: None)


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    project = tmp_path_factory.mktemp("project")
    manifest_rows = _seed_source(project / "source_docs", ["000", "001"])
    _build(project)
    _git(project, "init", "-q")
    _git(project, "config", "user.email", "test@example.org")
    _git(project, "config", "user.name", "test")
    first = record_snapshot(project / "datapackage", "2024.1", "2024-06-01", project / "CHANGELOG.md",
                            repo=project)
    _build(project)
    tag_snapshot(project, "2024.1", [project / "CHANGELOG.md", project / "datapackage", project / "source_docs"])

    # One figure corrected in 000, and 000's unit publishes its next year.
    stem = SEEDS["000"]
    text_path = project / "source_docs" / f"{stem}.txt"
    text = text_path.read_text(encoding="utf-8")
    assert text.count(CHANGED_FROM) == 1
    text_path.write_text(text.replace(CHANGED_FROM, CHANGED_TO), encoding="utf-8")
    # The next year's text compares with 2022, as a real one would.
    next_year = text.replace("2022", "2023").replace("2021", "2022")
    (project / "source_docs" / "2023_石家庄市_栾城区_网信办_部门预算.txt").write_text(next_year, encoding="utf-8")
    base = next(row for row in manifest_rows if row["file"] == f"{stem}.txt")
    _write_manifest(project / "source_docs", manifest_rows + [
        {**base, "file": "2023_石家庄市_栾城区_网信办_部门预算.txt", "year": "2023"}])
    _build(project)
    second = record_snapshot(project / "datapackage", "2024.2", "2024-09-01", project / "CHANGELOG.md",
                             repo=project)
    return {"project": project, "first": first, "second": second}


def test_first_snapshot_adds_everything_and_stamps_the_version(history):
    project = history["project"]
    first = history["first"]
    assert first.previous is None
    disclosures = next(r for r in first.diff.resources if r.resource == "disclosures")
    assert len(disclosures.added) == 2 and disclosures.resource_added
    tagged = subprocess.run(["git", "-C", str(project), "tag"], capture_output=True, text=True).stdout.split()
    assert tagged == ["data-2024.1"]
    assert current_data_version(project / "CHANGELOG.md") == "2024.2"


def test_diff_names_exactly_the_changed_figure_and_the_new_year(history):
    diff = history["second"].diff
    assert history["second"].previous == "data-2024.1"
    by_name = {resource.resource: resource for resource in diff.resources}
    economic = by_name["basic_expenditure_by_economic"]
    changed = [row for row in economic.changed if row.key[0].endswith("-2022")]
    assert len(changed) == 1
    assert changed[0].key[1] == "30239"
    assert {(c.field, c.old, c.new) for c in changed[0].changes} >= {("total", "30600.00", "40600.00")}
    assert not economic.removed
    # The new year adds one disclosure and its rows; the unit is the same unit.
    disclosures = by_name["disclosures"]
    assert [key[0][-5:] for key in disclosures.added] == ["-2023"]
    assert not disclosures.removed
    # The corrected document is a new file: its checksum is the one change to the 2022 row.
    assert [(row.key[0][-5:], [c.field for c in row.changes]) for row in disclosures.changed] == [
        ("-2022", ["source_sha256"])]
    assert by_name["units"].is_empty
    # Nothing about 001 changed.
    for resource in diff.resources:
        for key in resource.added + resource.removed + [row.key for row in resource.changed]:
            assert "guantao" not in "|".join(key), (resource.resource, key)
    for resource in ("income_by_function", "expenditure_by_function", "general_budget_expenditure"):
        assert all(key[0].endswith("-2023") for key in by_name[resource].added)
        assert not by_name[resource].changed


def test_changelog_lists_both_snapshots_newest_first(history):
    text = (history["project"] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## 2024.2 (2024-09-01)") < text.index("## 2024.1 (2024-06-01)")
    assert "30239" in text


def test_rebuild_after_snapshot_carries_the_version(history):
    descriptor = json.loads((history["project"] / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "2024.1"  # the build before the 2024.2 entry was written


def test_diff_formats_and_cli(history, monkeypatch):
    project = history["project"]
    monkeypatch.chdir(project)
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", "git:data-2024.1", "datapackage", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "resource,change,key,field,old,new"
    assert any(line.startswith("basic_expenditure_by_economic,changed,") and "30239" in line
               and line.endswith(",total,30600.00,40600.00") for line in lines)
    as_json = json.loads(runner.invoke(cli, ["diff", "git:data-2024.1", "--format", "json"]).output)
    assert as_json["old_label"] == "git:data-2024.1"


def test_identical_packages_have_an_empty_diff(history):
    package = history["project"] / "datapackage"
    diff = diff_packages(package, package)
    assert diff.is_empty
    assert "No data changed." in diff.to_markdown()


def test_next_year_change_is_checked_against_the_previous_disclosure(history):
    with (history["project"] / "datapackage" / "checks.csv").open(encoding="utf-8", newline="") as handle:
        outcomes = [row for row in csv.DictReader(handle) if row["rule"] == "years.change_vs_last_year"]
    by_year = {row["disclosure_id"][-4:]: row for row in outcomes}
    # 2022 has no earlier disclosure here; 2023 states 较2022年减少47.59万元 though its total equals 2022's.
    assert by_year["2022"]["status"] == "not_applicable"
    assert by_year["2023"]["status"] == "fail"
    assert (by_year["2023"]["expected"], by_year["2023"]["actual"]) == ("0.00", "-475900.00")
    assert "shijiazhuang-luancheng-224-6c407b-2022" in by_year["2023"]["message"]


def test_bulk_download_carries_the_package_licence_and_checksums(history):
    import hashlib
    import zipfile

    from generator.package import bulk_download

    path = history["project"] / "datapackage" / bulk_download("budget-disclosures")
    folder = "budget-disclosures/"  # one top-level folder
    with zipfile.ZipFile(path) as archive:
        assert all(name.startswith(folder) for name in archive.namelist())
        names = {name.removeprefix(folder) for name in archive.namelist()}
        assert {"datapackage.json", "README.md", "LICENSE.txt", "SHA256SUMS", "units.csv", "checks.csv"} <= names
        assert not any(name.startswith("downloads/") for name in names)
        sums = archive.read(folder + "SHA256SUMS").decode("utf-8").splitlines()
        assert len(sums) == len(names) - 1
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(folder + name)).hexdigest() == digest
        assert "version 2024.1" in archive.read(folder + "LICENSE.txt").decode("utf-8")
