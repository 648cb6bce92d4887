"""What frictionless checks across rows, checked fast over a written package: each CSV's header
against its schema's fields, its bytes and hash against the descriptor, primary keys, unique
fields and foreign keys (self-references included).

Everything else frictionless checks (types, formats, patterns, enums, required, minimum) is
row-local: a row it found valid under the same schema stays valid, so an incremental build has
frictionless read only the rows not validated before (validation.py) and this module the rest.
Keys compare typed values as frictionless does (integer 1 = "01", number 1.0 = 1.00), a key of
blanks only is a primary-key error and a foreign key of blanks only is not checked.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path

Key = tuple[object, ...]


@dataclass(frozen=True)
class KeyProblem:
    resource: str
    type: str  # frictionless's error type: primary-key, unique-error, foreign-key, incorrect-label …
    row_number: int | None  # as frictionless numbers rows (the header is row 1); None for the header itself
    message: str  # frictionless's own words for row errors
    field: str | None = None


@dataclass
class KeyCheck:
    rows: dict[str, int] = field(default_factory=dict)  # resource name → data rows read
    problems: list[KeyProblem] = field(default_factory=list)
    # (resource, disclosure_id) → row number of the disclosure's first row, for resources whose
    # first field is disclosure_id: where a slice validated on its own sits in the whole file.
    first_rows: dict[tuple[str, str], int] = field(default_factory=dict)


def _number(parse):
    def parsed(text: str) -> object:
        try:
            return parse(text)
        except (ValueError, InvalidOperation):
            return text  # a row-local error frictionless reports; the text still identifies the row
    return parsed


# Field types whose text is not the value compared; a blank cell ("", the schemas' missingValues)
# stays "" in every key, which compares as frictionless's None does.
PARSERS = {"integer": _number(int), "number": _number(Decimal),
           "boolean": {"true": True, "True": True, "TRUE": True, "1": True,
                       "false": False, "False": False, "FALSE": False, "0": False}.get}


def _key_function(kinds: list[str], indexes: list[int]) -> Callable[[list[str]], Key]:
    """cells → the typed key of those columns (most keys are strings, taken as they are)."""
    get = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells, index=indexes[0]: (cells[index],))
    typed = [(position, PARSERS[kinds[index]]) for position, index in enumerate(indexes) if kinds[index] in PARSERS]
    if not typed:
        return get

    def key(cells: list[str]) -> Key:
        values = list(get(cells))
        for position, parse in typed:
            if values[position]:
                values[position] = parse(values[position])
        return tuple(values)
    return key


@dataclass
class _Resource:
    descriptor: dict
    names: list[str]
    depends: list[str]  # other resources its foreign keys refer to

    @property
    def name(self) -> str:
        return self.descriptor["name"]


def _order(resources: dict[str, _Resource]) -> list[_Resource]:
    """Referenced resources before those referring to them (a cycle is broken: those checks wait)."""
    ordered: list[_Resource] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name):
            return
        state[name] = "visiting"
        for other in resources[name].depends:
            if other in resources:
                visit(other)
        state[name] = "done"
        ordered.append(resources[name])
    for name in resources:
        visit(name)
    return ordered


def check_keys(directory: Path) -> KeyCheck:
    directory = Path(directory)
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    resources: dict[str, _Resource] = {}
    for entry in descriptor["resources"]:
        schema = entry.get("schema", {})
        depends = [fk["reference"].get("resource") or entry["name"] for fk in schema.get("foreignKeys", [])]
        resources[entry["name"]] = _Resource(entry, [f["name"] for f in schema.get("fields", [])],
                                             [name for name in depends if name != entry["name"]])
    wanted: dict[str, set[tuple[str, ...]]] = {}  # resource → key field tuples others look up in it
    for resource in resources.values():
        for fk in resource.descriptor.get("schema", {}).get("foreignKeys", []):
            target = fk["reference"].get("resource") or resource.name
            wanted.setdefault(target, set()).add(tuple(fk["reference"]["fields"]))
    result = KeyCheck()
    lookups: dict[tuple[str, tuple[str, ...]], set[Key]] = {}
    waiting: list[tuple[str, dict, list[tuple[int, Key]]]] = []  # foreign keys checked once their lookup is read
    for resource in _order(resources):
        _check_resource(directory, resource, wanted.get(resource.name, set()), lookups, waiting, result)
    for name, fk, values in waiting:
        _check_foreign(name, fk, values, lookups, result)
    return result


class _Scattered(Exception):
    """A group of rows met again after another: its earlier keys were let go."""


def _check_resource(directory: Path, resource: _Resource, wanted: set[tuple[str, ...]],
                    lookups: dict[tuple[str, tuple[str, ...]], set[Key]],
                    waiting: list[tuple[str, dict, list[tuple[int, Key]]]], result: KeyCheck) -> None:
    name, entry = resource.name, resource.descriptor
    path = directory / entry["path"]
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        size = handle.tell()
    if "bytes" in entry and entry["bytes"] != size:
        result.problems.append(KeyProblem(name, "byte-count", None,
                                          f"{size} bytes, the descriptor says {entry['bytes']}"))
    if "hash" in entry and entry["hash"].removeprefix("sha256:") != digest:
        result.problems.append(KeyProblem(name, "hash-count", None,
                                          f"sha256 {digest}, the descriptor says {entry['hash']}"))
    # Rows of a resource kept per disclosure come grouped by disclosure_id, the first field of
    # their primary key: a repeated key can only be in the same group, so only the current
    # group's keys are kept (at 10,000 disclosures, millions of checks). A group met twice
    # means reading again, keeping every key.
    primary_key = entry.get("schema", {}).get("primaryKey") or []
    grouped = bool(primary_key) and primary_key[0] == resource.names[0]
    marks = len(result.problems), len(waiting)
    try:
        _read_resource(path, resource, wanted, lookups, waiting, result, grouped)
    except _Scattered:
        del result.problems[marks[0]:], waiting[marks[1]:]
        _read_resource(path, resource, wanted, lookups, waiting, result, grouped=False)


def _read_resource(path: Path, resource: _Resource, wanted: set[tuple[str, ...]],
                   lookups: dict[tuple[str, tuple[str, ...]], set[Key]],
                   waiting: list[tuple[str, dict, list[tuple[int, Key]]]], result: KeyCheck, grouped: bool) -> None:
    name, entry = resource.name, resource.descriptor
    problems = result.problems
    schema = entry.get("schema", {})
    kinds = [f.get("type", "string") for f in schema.get("fields", [])]
    position = {name: index for index, name in enumerate(resource.names)}

    def key_of(names) -> Callable[[list[str]], Key]:
        return _key_function(kinds, [position[n] for n in names])
    primary = key_of(schema["primaryKey"]) if schema.get("primaryKey") else None
    uniques = [(f["name"], key_of([f["name"]])) for f in schema.get("fields", [])
               if f.get("constraints", {}).get("unique")]
    for names in wanted:
        lookups[(name, names)] = set()
    own_lookups = [(lookups[(name, names)], key_of(names)) for names in wanted]
    foreign: list[tuple[dict, Callable[[list[str]], Key], list[tuple[int, Key]] | None, set[Key] | None]] = []
    for fk in schema.get("foreignKeys", []):
        reference = (fk["reference"].get("resource") or name, tuple(fk["reference"]["fields"]))
        values: list[tuple[int, Key]] | None = None
        if reference[0] == name or reference not in lookups:
            values = []  # a self-reference, or a lookup not read yet: checked at the end
            waiting.append((name, fk, values))
        foreign.append((fk, key_of(fk["fields"]), values, lookups.get(reference)))
    seen_primary: dict[Key, int] = {}
    groups_done: set[str | None] = set()
    group: str | None = None
    seen_unique: dict[str, dict[Key, int]] = {field_name: {} for field_name, _ in uniques}
    group_first = resource.names[:1] == ["disclosure_id"]
    current_group = None
    width = len(kinds)
    row_number = 1
    with path.open(encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        _check_header(name, next(reader, []), resource.names, problems)
        for row_number, cells in enumerate(reader, start=2):
            if len(cells) < width:
                cells += [""] * (width - len(cells))  # a missing-cell error, row-local
            if group_first and cells[0] != current_group:
                current_group = cells[0]
                result.first_rows.setdefault((name, current_group), row_number)
            if grouped and cells[0] != group:
                if cells[0] in groups_done:
                    raise _Scattered
                groups_done.add(group)
                group = cells[0]
                seen_primary.clear()
            for field_name, unique in uniques:
                key = unique(cells)
                if key != ("",):
                    match = seen_unique[field_name].get(key)
                    seen_unique[field_name][key] = row_number
                    if match:
                        problems.append(_row_problem(name, "unique-error", row_number,
                                                     f"the same as in the row at position {match}",
                                                     field_name, position[field_name] + 1))
            if primary is not None:
                key = primary(cells)
                if key.count("") == len(key):
                    problems.append(_row_problem(name, "primary-key", row_number,
                                                 'cells composing the primary keys are all "None"'))
                else:
                    match = seen_primary.get(key)
                    seen_primary[key] = row_number
                    if match:
                        problems.append(_row_problem(name, "primary-key", row_number,
                                                     f"the same as in the row at position {match}"))
            for lookup, own in own_lookups:
                key = own(cells)
                if key.count("") != len(key):
                    lookup.add(key)
            for fk, foreign_key, values, known in foreign:
                key = foreign_key(cells)
                if key.count("") == len(key):
                    continue
                if values is not None:
                    values.append((row_number, key))
                elif known is not None and key not in known:  # read already when values is None
                    problems.append(_dangling(name, fk, row_number, key))
    result.rows[name] = row_number - 1


def _check_header(name: str, header: list[str], names: list[str], problems: list[KeyProblem]) -> None:
    for index, expected in enumerate(names):
        if index >= len(header):
            problems.append(KeyProblem(name, "missing-label", None, f"no label for field {expected}"))
        elif header[index] != expected:
            problems.append(KeyProblem(name, "incorrect-label", None, f"label {header[index]!r}, field {expected}"))
    for label in header[len(names):]:
        problems.append(KeyProblem(name, "extra-label", None, f"label {label!r} has no field"))


def _check_foreign(name: str, fk: dict, values: list[tuple[int, Key]],
                   lookups: dict[tuple[str, tuple[str, ...]], set[Key]], result: KeyCheck) -> None:
    lookup = lookups.get((fk["reference"].get("resource") or name, tuple(fk["reference"]["fields"])), set())
    result.problems.extend(_dangling(name, fk, row_number, key) for row_number, key in values if key not in lookup)


def _dangling(name: str, fk: dict, row_number: int, key: Key) -> KeyProblem:
    target = fk["reference"].get("resource") or name
    return _row_problem(name, "foreign-key", row_number,
                        f'for "{", ".join(fk["fields"])}": values "{_shown(key)}" not found in the lookup table '
                        f'"{target}" as "{", ".join(fk["reference"]["fields"])}"')


ROW_TEMPLATES = {"primary-key": 'Row at position "{row}" violates the primary key: {note}',
                 "foreign-key": 'Row at position "{row}" violates the foreign key: {note}',
                 "unique-error": 'Row at position "{row}" has unique constraint violation in field "{field}" '
                                 'at position "{position}": {note}'}


def _row_problem(name: str, kind: str, row_number: int, note: str, field_name: str | None = None,
                 position: int = 0) -> KeyProblem:
    """A problem worded as frictionless words it, so that both validations print the same lines."""
    message = ROW_TEMPLATES[kind].format(row=row_number, note=note, field=field_name, position=position)
    return KeyProblem(name, kind, row_number, message, field_name)


def _shown(key: Key) -> str:
    return ", ".join(str(value) for value in key)
