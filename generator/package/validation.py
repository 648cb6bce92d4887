"""Validate a written data package with frictionless and summarise the result in a few lines:
the whole package, or (incrementally) frictionless on the rows not validated before and
keys.check_keys on what crosses rows."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.package.keys import KeyCheck, KeyProblem, check_keys
from generator.runtime.files import link_or_copy
from generator.runtime.memory import then_return_freed_memory

if TYPE_CHECKING:
    import frictionless

SHOWN_ERRORS = 20
EVERY_ROW = "every row validated by frictionless"


@dataclass(frozen=True)
class ResourceResult:
    name: str
    rows: int
    errors: int


@dataclass
class ValidationReport:
    path: Path
    valid: bool
    resources: list[ResourceResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the first SHOWN_ERRORS, one line each
    error_count: int = 0
    method: str = ""  # how it was validated
    frictionless_rows: int = 0  # the rows frictionless read

    def headline(self) -> str:
        rows = sum(resource.rows for resource in self.resources)
        return (f"{'valid' if self.valid else 'INVALID'} — {len(self.resources)} resources, {rows} rows, "
                f"{self.error_count} errors" + (f"; {self.method}" if self.method else ""))

    def summary(self) -> str:
        lines = [f"{self.path}: {self.headline()}"]
        lines += [f"  {r.name}: {r.rows} rows" + (f", {r.errors} errors" if r.errors else "")
                  for r in self.resources]
        lines += [f"  error: {error}" for error in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"  … and {self.error_count - len(self.errors)} more")
        return "\n".join(lines)


@dataclass(frozen=True)
class Slice:
    """One disclosure's rows of a resource: where they sit in its CSV."""
    disclosure_id: str
    offset: int
    length: int


@dataclass(frozen=True)
class IncrementalPlan:
    """What frictionless must still read of a package whose other rows it validated before under
    the same schemas: these slices of the resources kept per disclosure, and the shared resources
    named whole. Keys across rows are checked over the whole package (keys.check_keys)."""
    slices: dict[str, list[Slice]]  # resource name → the slices, in file order
    whole: tuple[str, ...]
    disclosures: int  # how many disclosures the slices are of
    total: int  # of how many in the package

    @classmethod
    def everything(cls, names: list[str], total: int) -> IncrementalPlan:
        """Every row, by frictionless without the keys (whose checks would hold every key of a
        resource in memory: gigabytes at 10,000 disclosures), and the keys by check_keys."""
        return cls({}, tuple(names), total, total)

    def method(self) -> str:
        if self.disclosures == self.total and not any(self.slices.values()):
            return f"{EVERY_ROW}, keys across the package checked"
        return (f"validated incrementally: {self.disclosures:,} of {self.total:,} disclosures by frictionless"
                + (f" (and {', '.join(self.whole)})" if self.whole else "") + ", keys across the package checked")


Outcome = tuple[bool, list[str], list[ResourceResult], int]  # valid, errors described, resources, rows read


def _describe(resource: str, error: frictionless.Error, row: int | None = None) -> str:
    """One line; row, when given, is where the error's row sits in the whole package (its message
    rendered again with that number)."""
    where = [resource] if resource else []
    message = error.message
    if row is not None and row != getattr(error, "row_number", None):
        from frictionless import helpers
        message = helpers.safe_format(error.template, {**error.metadata_export(exclude=["message"]), "rowNumber": row})
    row = getattr(error, "row_number", None) if row is None else row
    if row is not None:
        where.append(f"row {row}")
    field_name = getattr(error, "field_name", None)
    if field_name:
        where.append(f"field {field_name}")
    return f"{' '.join(where) or 'package'}: {error.type}: {message}"


def validate_package(directory: Path, pool: Executor | None = None) -> ValidationReport:
    """Every resource, its schema, types, constraints, keys and hashes, as frictionless sees them."""
    return start_validation(directory, pool)()


def start_validation(directory: Path, pool: Executor | None = None,
                     plan: IncrementalPlan | None = None) -> Callable[[], ValidationReport]:
    """Start validating (every row with frictionless, or incrementally by plan); the function
    returned waits for the report. With a (process) pool, the caller is free to work meanwhile."""
    descriptor = Path(directory) / "datapackage.json"
    report = ValidationReport(Path(directory), valid=False, method=plan.method() if plan else EVERY_ROW)
    if not descriptor.is_file():
        report.errors.append(f"no datapackage.json in {directory}")
        report.error_count, report.method = 1, ""
        return lambda: report
    work = partial(_validate, str(descriptor)) if plan is None else partial(_validate_incrementally, (str(directory), plan))
    if pool is None:
        result = work()
        return lambda: _filled(report, *result)
    future = pool.submit(then_return_freed_memory, work)
    return lambda: _filled(report, *future.result())


def _validate(descriptor: str) -> Outcome:
    """Possibly in a worker: (valid, every error described, each resource's result, rows read)."""
    import frictionless
    result = frictionless.validate(descriptor)
    described = [_describe("", error) for error in result.errors]
    resources = []
    for task in result.tasks:
        resources.append(ResourceResult(task.name or task.place, task.stats.get("rows") or 0, len(task.errors)))
        described += [_describe(task.name or task.place, error) for error in task.errors]
    return result.valid, described, resources, sum(resource.rows for resource in resources)


def _validate_incrementally(argument: tuple[str, IncrementalPlan]) -> Outcome:
    """Possibly in a worker: keys over the whole package, then frictionless on a package of the
    plan's rows only (same descriptor, its schemas without the keys, which need every row), its
    errors numbered as in the whole package's CSVs."""
    import frictionless
    directory, plan = Path(argument[0]), argument[1]
    keys = check_keys(directory)
    errors: dict[str, list[str]] = {}
    for problem in keys.problems:
        errors.setdefault(problem.resource, []).append(_described_problem(problem))
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="validate-") as temporary:
        starts = _slice_package(directory, Path(temporary), descriptor, plan, keys)
        (Path(temporary) / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False),
                                                          encoding="utf-8")
        result = frictionless.validate(str(Path(temporary) / "datapackage.json"))
    package_errors = [_describe("", error) for error in result.errors]
    read = 0
    for task in result.tasks:
        read += task.stats.get("rows") or 0
        name = task.name or task.place
        errors.setdefault(name, []).extend(
            _describe(name, error, _whole_row(starts.get(name, []), getattr(error, "row_number", None)))
            for error in task.errors)
    resources = [ResourceResult(name, rows, len(errors.get(name, []))) for name, rows in keys.rows.items()]
    described = package_errors + [line for name in dict.fromkeys([*keys.rows, *errors])
                                   for line in errors.get(name, [])]
    return not described, described, resources, read


def _described_problem(problem: KeyProblem) -> str:
    where = problem.resource + (f" row {problem.row_number}" if problem.row_number is not None else "")
    return f"{where}: {problem.type}: {problem.message}"


def _slice_package(directory: Path, target: Path, descriptor: dict, plan: IncrementalPlan,
                   keys: KeyCheck) -> dict[str, list[tuple[int, int]]]:
    """Write the plan's rows as a package in target (descriptor changed in place to describe it);
    return, per resource, (first row in target, first row in the whole CSV) of each slice."""
    starts: dict[str, list[tuple[int, int]]] = {}
    for resource in descriptor["resources"]:
        name, schema = resource["name"], resource["schema"]
        source = directory / resource["path"]
        resource["path"] = f"{name}.csv"
        resource.pop("bytes", None)
        resource.pop("hash", None)
        schema.pop("primaryKey", None)
        schema.pop("foreignKeys", None)
        for field_descriptor in schema["fields"]:
            field_descriptor.get("constraints", {}).pop("unique", None)
        if name in plan.whole:
            link_or_copy(source, target / resource["path"])
            continue
        row = 2
        with source.open("rb") as whole, (target / resource["path"]).open("wb") as part:
            part.write(whole.readline())
            for piece in plan.slices.get(name, []):
                whole.seek(piece.offset)
                data = whole.read(piece.length)
                if not data:
                    continue
                part.write(data)
                starts.setdefault(name, []).append((row, keys.first_rows.get((name, piece.disclosure_id), row)))
                row += sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline="")))
    return starts


def _whole_row(starts: list[tuple[int, int]], row: int | None) -> int | None:
    """The row number in the whole CSV of a row of the sliced package."""
    if row is None or not starts:
        return row
    sliced, whole = max((start for start in starts if start[0] <= row), default=starts[0])
    return whole + row - sliced


def _filled(report: ValidationReport, valid: bool, described: list[str], resources: list[ResourceResult],
            read: int) -> ValidationReport:
    report.valid = valid
    report.resources = resources
    report.error_count = len(described)
    report.errors = described[:SHOWN_ERRORS]
    report.frictionless_rows = read
    return report
