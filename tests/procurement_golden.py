"""Golden file of every procurement row of the five seeds, as the package publishes it.

`python tests/procurement_golden.py` rewrites tests/golden/procurement_items.csv from the .docx;
review the diff against the documents' 政府采购预算 tables before committing it.
"""

from __future__ import annotations

import sys

from checks_golden import seed_disclosure
from conftest import ROOT, SEEDS

GOLDEN = ROOT / "tests" / "golden" / "procurement_items.csv"


def current() -> bytes:
    """procurement_items.csv of the seeds, rows in package order."""
    from generator.package.formats import csv_bytes
    from generator.package.rows import disclosure_order, disclosure_rows
    from generator.package.schema import PROCUREMENT_ITEMS

    disclosures = sorted((seed_disclosure(seed) for seed in SEEDS), key=disclosure_order)
    rows = [row for disclosure in disclosures for row in disclosure_rows(disclosure, [])[PROCUREMENT_ITEMS.name]]
    return csv_bytes(PROCUREMENT_ITEMS, rows)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    GOLDEN.write_bytes(current())
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
