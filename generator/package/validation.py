"""Validate a written data package with frictionless and summarise the result in a few lines."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import frictionless

SHOWN_ERRORS = 20


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

    def headline(self) -> str:
        rows = sum(resource.rows for resource in self.resources)
        return (f"{'valid' if self.valid else 'INVALID'} — {len(self.resources)} resources, {rows} rows, "
                f"{self.error_count} errors")

    def summary(self) -> str:
        lines = [f"{self.path}: {self.headline()}"]
        lines += [f"  {r.name}: {r.rows} rows" + (f", {r.errors} errors" if r.errors else "")
                  for r in self.resources]
        lines += [f"  error: {error}" for error in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"  … and {self.error_count - len(self.errors)} more")
        return "\n".join(lines)


def _describe(resource: str, error: frictionless.Error) -> str:
    where = [resource] if resource else []
    row = getattr(error, "row_number", None)
    if row is not None:
        where.append(f"row {row}")
    field_name = getattr(error, "field_name", None)
    if field_name:
        where.append(f"field {field_name}")
    return f"{' '.join(where) or 'package'}: {error.type}: {error.message}"


def validate_package(directory: Path, pool: Executor | None = None) -> ValidationReport:
    """Every resource, its schema, types, constraints, keys and hashes, as frictionless sees them."""
    return start_validation(directory, pool)()


def start_validation(directory: Path, pool: Executor | None = None) -> Callable[[], ValidationReport]:
    """Start validating; the function returned waits for the report. With a (process) pool, the
    caller is free to work meanwhile."""
    descriptor = Path(directory) / "datapackage.json"
    report = ValidationReport(Path(directory), valid=False)
    if not descriptor.is_file():
        report.errors.append(f"no datapackage.json in {directory}")
        report.error_count = 1
        return lambda: report
    if pool is None:
        result = _validate(str(descriptor))
        return lambda: _filled(report, *result)
    future = pool.submit(_validate, str(descriptor))
    return lambda: _filled(report, *future.result())


def _validate(descriptor: str) -> tuple[bool, list[str], list[ResourceResult]]:
    """Possibly in a worker: (valid, every error described, each resource's result)."""
    import frictionless  # noqa: PLC0415 - a second to import: only when validating, not for every command
    result = frictionless.validate(descriptor)
    described = [_describe("", error) for error in result.errors]
    resources = []
    for task in result.tasks:
        resources.append(ResourceResult(task.name or task.place, task.stats.get("rows") or 0, len(task.errors)))
        described += [_describe(task.name or task.place, error) for error in task.errors]
    return result.valid, described, resources


def _filled(report: ValidationReport, valid: bool, described: list[str],
            resources: list[ResourceResult]) -> ValidationReport:
    report.valid = valid
    report.resources = resources
    report.error_count = len(described)
    report.errors = described[:SHOWN_ERRORS]
    return report
