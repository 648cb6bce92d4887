"""The machine-readable account of a build: what was published (with the template family each
disclosure follows and the status of each of its tables), what could not be read and why, and
the exit code. Deterministic (no times, no absolute paths), so it diffs cleanly
beside the data package it describes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.runtime.files import write_text

if TYPE_CHECKING:
    from generator.pipeline.build import BuildResult

REPORT_NAME = "build_report.json"

EXIT_OK = 0
EXIT_UNREADABLE = 2
"""Some input could not be read; everything readable is still published."""
EXIT_CHECKS_FAILED = 3
"""With --strict: every input was read, but some consistency check failed."""


def exit_code(result: BuildResult, strict: bool) -> int:
    if result.unreadable or not result.headers:  # nothing read at all is an input problem too
        return EXIT_UNREADABLE
    if strict and result.checks.count("fail"):
        return EXIT_CHECKS_FAILED
    return EXIT_OK


def report(result: BuildResult, strict: bool) -> dict:
    return {
        "generator": {"name": "budget-site", "version": __version__},
        "exit_code": exit_code(result, strict),
        "strict": strict,
        "published": [{"file": file, "disclosure_id": d.disclosure_id, "source_sha256": sha256,
                       "template_family": d.template_family, "tables": dict(d.table_status)}
                      for d in result.headers
                      for file, sha256 in ([(f.file, f.sha256) for f in d.source_files]
                                           or [(d.source_file, d.source_sha256)])],
        "unreadable": [{"file": u.file, "reason": u.reason, "hint": u.hint} for u in result.unreadable],
        "checks_failed": result.checks.count("fail"),
    }


def write_report(result: BuildResult, strict: bool, folder: Path) -> Path:
    path = Path(folder) / REPORT_NAME
    write_text(path, json.dumps(report(result, strict), ensure_ascii=False, indent=1) + "\n")
    return path
