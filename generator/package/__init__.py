"""Package stage: records → a validated, deterministic Frictionless data package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from generator.package.downloads import bulk_download, database_file, disclosure_download, unit_download
from generator.package.rows import PackageDataError, records_of
from generator.package.schema import PANDAS_DTYPES
from generator.package.validation import ValidationReport, validate_package
from generator.package.writer import (
    PackageInvalid,
    PendingPackage,
    start_datapackage,
    write_datapackage,
)

if TYPE_CHECKING:
    import pandas

__all__ = [
    "PANDAS_DTYPES",
    "PackageDataError",
    "PackageInvalid",
    "PendingPackage",
    "ValidationReport",
    "bulk_download",
    "database_file",
    "disclosure_download",
    "read_resource",
    "records_of",
    "start_datapackage",
    "unit_download",
    "validate_package",
    "write_datapackage",
]


def read_resource(package_dir: Path | str, name: str) -> pandas.DataFrame:
    """One resource as a DataFrame with the dtypes its published schema implies (codes as strings,
    amounts as float64, integers as Int64); only an empty cell is missing."""
    import pandas

    descriptor = json.loads((Path(package_dir) / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    dtypes = {f["name"]: PANDAS_DTYPES[f["type"]] for f in resource["schema"]["fields"]}
    return pandas.read_csv(Path(package_dir) / resource["path"], dtype=dtypes, keep_default_na=False,
                           na_values=[""], encoding="utf-8")
