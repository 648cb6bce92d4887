"""The whole package as one SQLite database, for `sqlite3` and Datasette: a table per resource
with its primary key, foreign keys and an index on each of them, and the Chinese titles and
descriptions of the resources and their fields in two metadata tables.

Made from the CSVs just written, streamed row by row, so memory does not grow with the package.
Amounts are SQLite numbers (NUMERIC affinity): a value with two decimals reads back as the CSV's
text, and sums and sorting work; the CSVs stay the exact record.
"""

from __future__ import annotations

import csv
import errno
import os
import sqlite3
from pathlib import Path

from generator.package.downloads import database_file
from generator.package.fields import Field, ResourceSchema
from generator.package.schema import RESOURCES

TABLES_TABLE = "_tables"
FIELDS_TABLE = "_fields"
_SYSTEM_ERRORS = {sqlite3.SQLITE_FULL: errno.ENOSPC, sqlite3.SQLITE_READONLY: errno.EROFS,
                  sqlite3.SQLITE_CANTOPEN: errno.EACCES}
# SQLite's page cache. The rows go in in key order and the indexes are sorted on disk once they
# are in, so a large cache buys nothing: at 10,000 disclosures (1.8 GB) 256 MiB took 67.8 s CPU
# and 573 MB of memory, 8 MiB 60.1 s and 116 MB.
CACHE_KIB = 8 * 1024
_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "NUMERIC", "boolean": "INTEGER", "date": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(_quote(name) for name in names)


def _create(resource: ResourceSchema) -> list[str]:
    """CREATE TABLE with its keys, and its indexes: one per foreign key, and a unique one for each
    column set another table refers to that is not this table's primary key."""
    lines = [f"{_quote(f.name)} {_SQL_TYPES.get(f.type, 'TEXT')}" + (" NOT NULL" if f.required else "")
             for f in resource.fields]
    lines.append(f"PRIMARY KEY ({_columns(resource.primary_key)})")
    for key in resource.foreign_keys:
        parent = key.resource or resource.name
        lines.append(f"FOREIGN KEY ({_columns(key.fields)}) REFERENCES {_quote(parent)} ({_columns(key.reference)})")
    statements = [f"CREATE TABLE {_quote(resource.name)} (\n  " + ",\n  ".join(lines) + "\n)"]
    for key in resource.foreign_keys:
        name = f"{resource.name}__{'__'.join(key.fields)}"
        statements.append(f"CREATE INDEX {_quote(name)} ON {_quote(resource.name)} ({_columns(key.fields)})")
    return statements


def _referenced(resources: tuple[ResourceSchema, ...]) -> list[str]:
    """Unique indexes on the columns foreign keys refer to, where they are not the primary key."""
    by_name = {resource.name: resource for resource in resources}
    wanted = dict.fromkeys((key.resource or resource.name, key.reference)
                           for resource in resources for key in resource.foreign_keys)
    statements = []
    for parent, columns in wanted:
        if tuple(by_name[parent].primary_key) != tuple(columns):
            index = _quote(parent + "__" + "__".join(columns) + "__unique")
            statements.append(f"CREATE UNIQUE INDEX {index} ON {_quote(parent)} ({_columns(columns)})")
    return statements


def _parameter(field: Field) -> str:
    """The SQL that turns the field's CSV text into its value, so that SQLite converts the rows in
    C rather than Python doing it per cell: blank is NULL (not 0), a boolean 1 or 0, and a number
    or integer its text, which the column's affinity stores as a number."""
    if field.type == "boolean":
        return "CASE ? WHEN '' THEN NULL WHEN 'true' THEN 1 ELSE 0 END"
    return "NULLIF(?, '')"


def _write(partial: Path, compact: Path, package_dir: Path, resources: tuple[ResourceSchema, ...]) -> None:
    """The database made in ``partial``, then copied compact (its pages in order) into ``compact``."""
    connection = sqlite3.connect(partial)
    try:
        # Temporary data (the sorts that make the indexes) stays on disk: in memory it grew with the database.
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096; "
                                 f"PRAGMA cache_size = -{CACHE_KIB};")
        connection.execute(f"CREATE TABLE {TABLES_TABLE} (name TEXT PRIMARY KEY, title TEXT NOT NULL, "
                           "description TEXT NOT NULL, csv TEXT NOT NULL, rows INTEGER NOT NULL)")
        connection.execute(f"CREATE TABLE {FIELDS_TABLE} (table_name TEXT NOT NULL REFERENCES {TABLES_TABLE} (name), "
                           "name TEXT NOT NULL, position INTEGER NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL, "
                           "description TEXT NOT NULL, PRIMARY KEY (table_name, name))")
        for resource in resources:
            table, *indexes = _create(resource)
            connection.execute(table)
            insert = f"INSERT INTO {_quote(resource.name)} VALUES ({', '.join(map(_parameter, resource.fields))})"
            path = package_dir / f"{resource.name}.csv"
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                if header != resource.field_names:
                    raise ValueError(f"{path.name}: header {header} is not the schema's {resource.field_names}")
                count = connection.executemany(insert, reader).rowcount
            for statement in indexes:  # made once its rows are in, not kept up row by row
                connection.execute(statement)
            connection.execute(f"INSERT INTO {TABLES_TABLE} VALUES (?, ?, ?, ?, ?)",
                               (resource.name, resource.title, resource.description, f"{resource.name}.csv", count))
            connection.executemany(f"INSERT INTO {FIELDS_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                                   [(resource.name, f.name, position, f.type, f.title, f.description)
                                    for position, f in enumerate(resource.fields, 1)])
        for statement in _referenced(resources):
            connection.execute(statement)
        connection.commit()
        # INTO a new file: an in-place VACUUM builds a copy in temporary storage and copies it back.
        connection.execute("VACUUM INTO ?", (str(compact),))
    finally:
        connection.close()


def write_database(package_dir: Path, name: str, resources: tuple[ResourceSchema, ...] = RESOURCES) -> Path:
    """``package_dir/name.sqlite`` from the package's CSVs; replaces any earlier one."""
    path = package_dir / database_file(name)
    partial, compact = path.with_name(f".{path.name}.partial"), path.with_name(f".{path.name}.compact")
    for scratch in (partial, compact):
        scratch.unlink(missing_ok=True)
    try:
        _write(partial, compact, package_dir, resources)
    except sqlite3.OperationalError as error:
        for scratch in (partial, compact):
            scratch.unlink(missing_ok=True)
        # The disk's errors as the system's, which the build reports in one line (generator/runtime/outputs.py).
        code = _SYSTEM_ERRORS.get(getattr(error, "sqlite_errorcode", 0) & 0xFF)  # the primary code
        if code is None:
            raise
        raise OSError(code, os.strerror(code), str(path)) from error
    except BaseException:
        for scratch in (partial, compact):
            scratch.unlink(missing_ok=True)
        raise
    partial.unlink()
    os.replace(compact, path)
    return path
