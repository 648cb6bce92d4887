"""Golden file of every check outcome on the five seeds.

`python tests/checks_golden.py` rewrites tests/golden/checks.csv from the .docx; review the
diff (each failure should be a real break in the document) before committing it.
"""

from __future__ import annotations

import csv
import io
import sys
from functools import cache

from conftest import ROOT, SEEDS, SOURCE_DOCS, seed_document

GOLDEN = ROOT / "tests" / "golden" / "checks.csv"
FIELDS = ("seed", "rule", "table", "location", "expected", "actual", "status", "message")


@cache
def seed_disclosure(seed: str):
    """The seed's Disclosure, extracted once per session. Shared: copy it before changing it."""
    from generator.extract import extract_disclosure
    from generator.pipeline.sources import discover_sources

    source = next(s for s in discover_sources(SOURCE_DOCS) if s.file == f"{SEEDS[seed]}.docx")
    return extract_disclosure(seed_document(seed), source)


def rows(seed: str, outcomes) -> list[dict[str, str]]:
    return [{"seed": seed, "rule": o.rule, "table": o.table, "location": o.location,
             "expected": "" if o.expected is None else str(o.expected),
             "actual": "" if o.actual is None else str(o.actual), "status": o.status, "message": o.message}
            for o in outcomes]


def current() -> str:
    from generator.check import check_disclosure

    output = io.StringIO()
    writer = csv.DictWriter(output, FIELDS, lineterminator="\n")
    writer.writeheader()
    for seed in SEEDS:
        writer.writerows(rows(seed, check_disclosure(seed_disclosure(seed))))
    return output.getvalue()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(current(), encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
