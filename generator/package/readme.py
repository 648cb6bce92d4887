"""datapackage/README.md, generated from the schemas and the descriptor so it cannot drift."""

from __future__ import annotations

import functools

from generator.package.fields import Field, ResourceSchema
from generator.package.schema import PANDAS_DTYPES, RESOURCES


def _cell(text: str) -> str:
    """Markdown table cell: document text must not break the table or become markup."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for char in "*_`<>[]":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def _constraints(field: Field) -> str:
    parts = []
    if field.required:
        parts.append("required")
    if field.pattern:
        parts.append(f"pattern `{field.pattern}`")
    if field.enum:
        parts.append("one of " + ", ".join(field.enum))
    if field.minimum is not None:
        parts.append(f"≥ {field.minimum}")
    return "; ".join(parts)


PANDAS_EXAMPLE = """\
```python
import pandas as pd
from generator.package import read_resource        # with budget-site installed
income = read_resource("datapackage", "income_by_function")
# or without it, the same mapping by hand:
income = pd.read_csv("datapackage/income_by_function.csv", keep_default_na=False, na_values=[""],
                     dtype={"disclosure_id": "string", "line": "Int64", "function_code": "string",
                            "function_name": "string", "is_total": "boolean", "total": "float64"})
```"""


@functools.cache
def _keys_and_fields(resource: ResourceSchema) -> list[str]:
    """A resource's keys and field table: the same in the package and every download."""
    lines = []
    for key in resource.foreign_keys:
        target = key.resource or resource.name
        lines.append(f"Foreign key: {', '.join(key.fields)} → {target}.{', '.join(key.reference)}.")
    lines += ["", "| field | type | 中文 | description | constraints |", "|---|---|---|---|---|"]
    lines += [f"| `{f.name}` | {f.type}{' (yuan)' if f.money else ''} | {f.title} | {f.description} "
              f"| {_constraints(f)} |" for f in resource.fields]
    lines.append("")
    return lines


def readme_text(descriptor: dict, row_counts: dict[str, int], downloads: bool) -> str:
    lines = [
        f"# {descriptor['title']}",
        "",
        descriptor["description"],
        "",
        f"- name: `{descriptor['name']}`, version {descriptor['version']}"
        + (f", created {descriptor['created']}" if "created" in descriptor else ""),
        "- licence: " + ", ".join(" ".join(filter(None, (item.get("title") or item.get("name"),
                                                          item.get("path") and f"({item['path']})")))
                                  for item in descriptor["licenses"]),
        "- standard: Frictionless Data Package v2 (`$schema` in datapackage.json); each resource is one CSV "
        "with an inline Table Schema.",
        "",
        "This file is generated from the schemas in datapackage.json by `budget-site build`; do not edit it.",
        "",
        "## Files",
        "",
        "- `datapackage.json`: the descriptor: resources, schemas, sources with their SHA-256.",
        "- `<resource>.csv`: one per resource below. UTF-8 without BOM, LF line ends, comma separated, a header "
        "row of field names. Rows are ordered by disclosure, then table, then published line, so a yearly "
        "snapshot diffs cleanly in git.",
        f"- `{descriptor['name']}.xlsx`: the same data as one Excel workbook (see below).",
    ]
    if downloads:
        lines += [
            f"- `{descriptor['name']}.sqlite`: the same data as one SQLite database (`sqlite3`, Datasette): a "
            "table per resource with its primary key, foreign keys and indexes; `_tables` and `_fields` hold the "
            "Chinese titles and descriptions. Amounts are SQLite numbers; the CSVs are the exact record.",
            f"- `downloads/{descriptor['name']}.zip`: everything above but the SQLite database, in one folder "
            f"`{descriptor['name']}/`, with LICENSE.txt and SHA256SUMS.",
        ]
    if downloads:
        lines += [
            "- `downloads/units/<unit_id>.zip`: the package filtered to one unit, all its years. For a unit with "
            "one year it is the same file as that year's disclosure zip (its datapackage.json names the "
            "disclosure).",
            "- `downloads/disclosures/<disclosure_id>.zip`: the package filtered to one disclosure (one unit-year).",
            "  Each zip is itself a data package (datapackage.json, the CSVs, this README and the workbook).",
            "- `build_report.json`: the build's own account: files published, files that could not be read and "
            "why, failed checks, exit code.",
        ]
    lines += [
        "",
        "## Values",
        "",
        "- Amounts are in yuan (元), whatever unit the document published (published_unit says which: 万元 or "
        "元); written as plain decimals with two places (3148500.00), no thousands separator.",
        "- A blank cell means the document left it blank. It is not 0: a published 0 is written 0.00. A dash "
        "(——) that means \"not applicable\" is neither: the number is blank and the dash is kept in a note "
        "field (fixed_assets.quantity_note).",
        "- To sum, skip total rows: is_total in the standard tables, row_type in procurement_items. projects has "
        "one row per project (支出说明 and 绩效目标表 joined), so its amounts add up to project expenditure.",
        "- Classification codes are strings: 2013701, 30101. Read them as text, not numbers.",
        "- Booleans are `true` / `false`.",
        "",
        "## Excel",
        "",
        "Excel on Chinese Windows opens a CSV in the system code page (GBK), so UTF-8 Chinese text comes out "
        "garbled, and it turns code columns into numbers (long project codes lose digits). A UTF-8-with-BOM "
        "copy fixes the first problem only. The workbook fixes both: one sheet per resource, named by its "
        "Chinese title (the 说明 sheet gives each sheet's CSV) with filters on its header, code and text "
        "columns stored as text, amounts as exact numbers in yuan, Chinese column titles in the first row and "
        "field names in the second. The CSV files stay the reference: the workbook replaces control characters "
        "and cuts a text longer than Excel's 32,767-character cell limit.",
        "",
        "Check outcomes: every workbook's `checks` sheet lists the failed checks only (status `fail`); "
        "`checks.csv` has every outcome. Listing all of them, the whole package's sheet would pass Excel's "
        "limit of 1,048,576 rows at about 3,200 disclosures. Should another sheet of the whole package's "
        "workbook still pass that limit, it stops at the last disclosure that fits and its row in the 说明 "
        "sheet says so; the CSV files are never cut.",
        "",
        "Sheet rows and cells are written without cell references (`r`, optional in the standard): Excel, "
        "LibreOffice, Google Sheets, openpyxl and pandas read them; a few minimal XLSX readers do not.",
        "",
        "## Reading with pandas",
        "",
        "Pass the dtypes from the schema, so codes stay strings and amounts are numbers, and only an empty "
        "cell is missing:",
        "",
        PANDAS_EXAMPLE,
        "",
        "| Table Schema type | pandas dtype |",
        "|---|---|",
        *(f"| {schema_type} | {dtype} |" for schema_type, dtype in PANDAS_DTYPES.items()),
        "",
        "float64 is close but not exact for yuan; for exact sums read amount columns with "
        "`converters={column: decimal.Decimal}` instead.",
        "",
        "## Resources",
        "",
    ]
    by_name = {resource["name"]: resource for resource in descriptor["resources"]}
    for resource in RESOURCES:
        published = by_name[resource.name]
        lines += [
            f"### {resource.name} — {resource.title}",
            "",
            resource.description,
            "",
            f"File `{published['path']}`, {row_counts[resource.name]} rows. Primary key: "
            + ", ".join(f"`{name}`" for name in resource.primary_key) + ".",
        ]
        lines += _keys_and_fields(resource)
    lines += ["## Sources", "", "| file | SHA-256 | URL |", "|---|---|---|"]
    lines += [f"| {_cell(source['title'])} | `{source['sha256']}` | {_cell(source.get('path', ''))} |"
              for source in descriptor["sources"]]
    return "\n".join(lines) + "\n"
