"""Validate a written data package and summarise the result in a few lines: the whole package
with frictionless (`budget-site validate`), or in the build frictionless's checks done faster:
the descriptor by frictionless, frictionless's row checks on every row or (incrementally) the rows
not validated before by row_checks.RowChecker, and what crosses rows by keys.check_keys."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.package.keys import KeyCheck, KeyProblem, check_keys
from generator.package.row_checks import RowChecker
from generator.runtime.memory import then_return_freed_memory

if TYPE_CHECKING:
    import frictionless

SHOWN_ERRORS = 20
EVERY_ROW = "every row validated by frictionless"
EVERY_ROW_CHECKED = "every row checked"


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
    rows_checked: int = 0  # the rows whose cells were checked

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
    """What must still be checked row by row of a package whose other rows were validated before
    under the same schemas: these slices of the resources kept per disclosure, and the shared resources
    named whole. Keys across rows are checked over the whole package (keys.check_keys)."""
    slices: dict[str, list[Slice]]  # resource name → the slices, in file order
    whole: tuple[str, ...]
    disclosures: int  # how many disclosures the slices are of
    total: int  # of how many in the package

    @classmethod
    def everything(cls, names: list[str], total: int) -> IncrementalPlan:
        """Every row, by RowChecker (frictionless itself reads about 97 µs a row: 55 CPU-s at
        1,000 disclosures), and the keys by check_keys."""
        return cls({}, tuple(names), total, total)

    def method(self) -> str:
        if self.disclosures == self.total and not any(self.slices.values()):
            return f"{EVERY_ROW_CHECKED}, keys across the package checked"
        return (f"validated incrementally: rows of {self.disclosures:,} of {self.total:,} disclosures checked"
                + (f" (and {', '.join(self.whole)})" if self.whole else "") + ", keys across the package checked")


Outcome = tuple[bool, list[str], list[ResourceResult], int]  # valid, errors described, resources, rows read


def _describe(resource: str, error: frictionless.Error) -> str:
    """One line: where, the error's type and frictionless's message."""
    return _line(resource, getattr(error, "row_number", None), getattr(error, "field_name", None), error.type,
                 error.message)


def _line(resource: str, row: int | None, field_name: str | None, kind: str, message: str) -> str:
    where = [resource] if resource else []
    if row is not None:
        where.append(f"row {row}")
    if field_name:
        where.append(f"field {field_name}")
    return f"{' '.join(where) or 'package'}: {kind}: {message}"


def validate_package(directory: Path, pool: Executor | None = None) -> ValidationReport:
    """Every resource, its schema, types, constraints, keys and hashes, as frictionless sees them."""
    return start_validation(directory, pool)()


def start_validation(directory: Path, pool: Executor | None = None,
                     plan: IncrementalPlan | None = None) -> Callable[[], ValidationReport]:
    """Start validating (every row with frictionless, or by plan); the function
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
    """Possibly in a worker: the descriptor as frictionless checks it, keys over the whole
    package, then frictionless's row checks (row_checks.RowChecker) on the plan's rows, numbered
    as in the whole package's CSVs."""
    import frictionless
    directory, plan = Path(argument[0]), argument[1]
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    metadata = frictionless.Package.validate_descriptor(descriptor)
    if not metadata.valid:  # as frictionless.validate: no row is read under a broken descriptor
        return False, [_describe("", error) for error in metadata.errors], [], 0
    keys = check_keys(directory)
    # In frictionless's order: resources as described; the labels, then row by row (the row's
    # own errors before its keys'), then the file's bytes and hash.
    errors: dict[str, list[tuple[tuple[float, int], str]]] = {}
    for problem in keys.problems:
        where = problem.row_number or (-1 if problem.type.endswith("-label") else math.inf)
        errors.setdefault(problem.resource, []).append(((where, 1), _described_problem(problem)))
    read = 0
    for resource in descriptor["resources"]:
        name, checker = resource["name"], RowChecker(resource["schema"])
        for first_row, rows, count in _planned_rows(directory / resource["path"], name, plan, keys):
            read += count
            errors.setdefault(name, []).extend(((error.row_number, 0), _describe(name, error))
                                               for error in checker.errors(rows, first_row))
    names = dict.fromkeys([*(resource["name"] for resource in descriptor["resources"]), *errors])
    resources = [ResourceResult(name, keys.rows[name], len(errors.get(name, []))) for name in names if name in keys.rows]
    described = [line for name in names for _, line in sorted(errors.get(name, []), key=lambda error: error[0])]
    return not described, described, resources, read


def _planned_rows(path: Path, name: str, plan: IncrementalPlan,
                  keys: KeyCheck) -> Iterator[tuple[int, Iterable[list[str]], int]]:
    """(number of the first row, the rows, how many) of what the plan checks of one resource's
    CSV: every row after the header, streamed, or each slice's rows, read at its offset."""
    if name in plan.whole:
        with path.open(encoding="utf-8", newline="") as text:
            reader = csv.reader(text)
            next(reader, None)
            yield 2, reader, keys.rows.get(name, 0)
        return
    with path.open("rb") as whole:
        for piece in plan.slices.get(name, []):
            whole.seek(piece.offset)
            data = whole.read(piece.length).decode("utf-8", errors="replace")
            rows = list(csv.reader(io.StringIO(data, newline="")))
            # check_keys saw where each disclosure's rows start; 0 if the file no longer holds them there
            yield keys.first_rows.get((name, piece.disclosure_id), 0), rows, len(rows)


def _described_problem(problem: KeyProblem) -> str:
    return _line(problem.resource, problem.row_number, problem.field, problem.type, problem.message)


def _filled(report: ValidationReport, valid: bool, described: list[str], resources: list[ResourceResult],
            read: int) -> ValidationReport:
    report.valid = valid
    report.resources = resources
    report.error_count = len(described)
    report.errors = described[:SHOWN_ERRORS]
    report.rows_checked = read
    return report
