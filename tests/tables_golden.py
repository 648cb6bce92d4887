"""Golden files of the nine standard tables of the seeds with tables (000, 001, 002).

`python tests/tables_golden.py` rewrites tests/golden/tables/<seed>.json from the .docx; review
the diff against the documents before committing it. The tests compare the records extracted
from both the .docx and the text export with these files.
"""

from __future__ import annotations

import json
import sys

from conftest import ROOT, SEEDS, SOURCE_DOCS

GOLDEN = ROOT / "tests" / "golden" / "tables"
TABLE_SEEDS = ("000", "001", "002")  # 003 and 004 publish the explanation part only


def serialise(tables) -> dict:
    """The records as published data: everything but where they stood in the file."""
    return {
        kind.value: {
            "status": table.status.value,
            "title": table.title,
            "money_unit": table.money_unit,
            "columns": table.columns,
            "extra_columns": table.extra_columns,
            "note": table.note,
            "rows": [
                {
                    "line": row.line,
                    "side": row.side,
                    "code": row.code,
                    "name": row.name,
                    "is_total": row.is_total,
                    "amounts": {name: None if value is None else str(value) for name, value in row.amounts.items()},
                    **({"extra": row.extra} if row.extra else {}),
                }
                for row in table.rows
            ],
        }
        for kind, table in tables.items()
    }


def dump(golden: dict) -> str:
    """JSON with one row per line, so a review reads like the table and a diff shows the row."""
    tables = []
    for kind, table in golden.items():
        fields = [f' "{key}": {json.dumps(value, ensure_ascii=False)}' for key, value in table.items() if key != "rows"]
        rows = ",\n".join(f"  {json.dumps(row, ensure_ascii=False)}" for row in table["rows"])
        rows = f"[\n{rows}\n ]" if rows else "[]"
        tables.append(f'"{kind}": {{\n' + ",\n".join(fields) + f',\n "rows": {rows}\n}}')
    return "{\n" + ",\n".join(tables) + "\n}\n"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from generator.extract.tables import extract_tables
    from generator.read import read_document

    GOLDEN.mkdir(parents=True, exist_ok=True)
    for seed in TABLE_SEEDS:
        tables, _ = extract_tables(read_document(SOURCE_DOCS / f"{SEEDS[seed]}.docx"))
        path = GOLDEN / f"{seed}.json"
        path.write_text(dump(serialise(tables)), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
