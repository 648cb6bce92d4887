"""Lint and type checks are part of the test command: ruff with the rule set of pyproject.toml
over the code and tests, mypy over the generator package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing():
    run = _run("ruff", "check", "--no-cache", "generator", "tests", "benchmarks")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_finds_nothing():
    run = _run("mypy", "--cache-dir", "/dev/null", "generator")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout
