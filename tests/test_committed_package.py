"""The data package committed in datapackage/ is exactly what the build makes of source_docs/:
the yearly snapshot in git never drifts from the code and the documents.

After a change that alters the output, rebuild with `budget-site build` and commit datapackage/
(review `budget-site diff git:HEAD datapackage` first)."""

from __future__ import annotations

from conftest import ROOT

# Text files are compared byte for byte; zips and workbooks hold deflate streams whose bytes
# depend on the zlib build, so they are compared by their listing.
TEXT_SUFFIXES = (".csv", ".json", ".md")


def test_committed_package_matches_a_fresh_build(built_site):
    committed = ROOT / "datapackage"
    fresh = built_site.options.datapackage_dir
    committed_files = sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file())
    fresh_files = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert committed_files == fresh_files
    stale = [name for name in committed_files if name.endswith(TEXT_SUFFIXES)
             and (committed / name).read_bytes() != (fresh / name).read_bytes()]
    assert stale == [], f"datapackage/ is out of date: rebuild and commit it ({stale[:5]})"
