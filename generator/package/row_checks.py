"""What frictionless checks within one row of a resource: each cell's type and constraints, the
count of cells, a blank row. The errors are frictionless's own, found in a fraction of its time.

Measured: frictionless reads a package at about 97 µs a row (55 CPU-s at 1,000 disclosures,
550 at 10,000), mostly in building its rows. Here each cell is first tested by a cheaper test that
accepts only what frictionless accepts: its own pattern regex (``^pattern$``), enum and required
checks, the number, boolean and date literals it reads, JSON objects. A row with any other cell is read again cell
by cell with frictionless's own cell readers, and its errors are assembled as frictionless's Row
assembles them (type, constraints, extra cells, missing cells; a blank row instead of all of those).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import frictionless

# Literals Decimal and int read as they stand (frictionless strips spaces and accepts more:
# exponents, underscores, "NaN"; such cells take the slow path).
DECIMAL_LITERAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
INTEGER_LITERAL = re.compile(r"-?[0-9]+")
BOOLEAN_LITERALS = frozenset({"true", "True", "TRUE", "1", "false", "False", "FALSE", "0"})
# Options under which frictionless reads other texts as numbers than the literals above.
NUMBER_OPTIONS = frozenset({"bareNumber", "groupChar", "decimalChar"})
BATCH = 4096  # rows tested together
BOUNDS = {"minimum": operator.ge, "maximum": operator.le}
DATE_FORMAT = "%Y-%m-%d"  # frictionless's default date format

Accept = Callable[[str], object]  # truthy: frictionless finds nothing wrong in the cell


def _never(cell: str) -> bool:
    """A field whose every cell frictionless reads (a type or a constraint not tested here)."""
    return False


def _within(parse: Callable[[str], Any], compare: Callable[[Any, Any], bool], bound: Any) -> Callable[[str], bool]:
    return lambda cell: compare(parse(cell), bound)


def _date(cell: str) -> bool:
    try:
        datetime.strptime(cell, DATE_FORMAT)
    except ValueError:
        return False
    return True


def _json_object(cell: str) -> bool:
    try:
        return isinstance(json.loads(cell), dict)
    except (ValueError, RecursionError):  # frictionless catches every exception: deep nesting too
        return False


def _accepts(field: dict, missing: frozenset[str]) -> Accept | None:
    """A test of a cell's text that is truthy only where frictionless finds nothing wrong (None:
    frictionless can find nothing wrong in any text of this field: a string without constraints)."""
    kind, constraints = field.get("type", "string"), dict(field.get("constraints", {}))
    required = constraints.pop("required", False)
    constraints.pop("unique", None)  # checked across rows (keys.check_keys), not within one
    default_format = field.get("format", "default") == "default"
    tests: list[Accept] = []
    if kind == "string" and default_format:
        if "pattern" in constraints:
            tests.append(re.compile(f"^{constraints.pop('pattern')}$").match)
        if "enum" in constraints:
            tests.append(frozenset(constraints.pop("enum")).__contains__)
        if not tests and not required and not constraints:
            return None
    elif kind in ("integer", "number") and not NUMBER_OPTIONS & field.keys():
        tests.append((INTEGER_LITERAL if kind == "integer" else DECIMAL_LITERAL).fullmatch)
        parse = int if kind == "integer" else Decimal
        for name, compare in BOUNDS.items():
            if name in constraints:
                tests.append(_within(parse, compare, parse(constraints.pop(name))))
    elif kind == "boolean" and "trueValues" not in field and "falseValues" not in field:
        tests.append(BOOLEAN_LITERALS.__contains__)
    elif kind == "date" and default_format:
        tests.append(_date)
    elif kind == "object":
        tests.append(_json_object)
    else:
        constraints["type"] = kind
    if constraints:  # a type, format or constraint not tested here: frictionless reads every cell
        return _never

    test = tests[0] if len(tests) == 1 else lambda cell, tests=tuple(tests): all(each(cell) for each in tests)
    if required:
        return lambda cell: cell not in missing and test(cell)
    return lambda cell: cell in missing or test(cell)


@dataclass(frozen=True)
class RowChecker:
    """The row checks of one resource's Table Schema (its descriptor)."""
    schema: dict

    @cached_property
    def width(self) -> int:
        return len(self.schema["fields"])

    @cached_property
    def _tests(self) -> tuple[tuple[int, Accept], ...]:
        missing = frozenset(self.schema.get("missingValues", [""]))
        tests = ((index, _accepts(field, missing)) for index, field in enumerate(self.schema["fields"]))
        return tuple((index, test) for index, test in tests if test is not None)

    @cached_property
    def slow_fields(self) -> list[str]:
        """The fields whose every cell is read by frictionless's own cell reader."""
        return [self.schema["fields"][index]["name"] for index, test in self._tests if test is _never]

    @cached_property
    def _fields(self) -> list[Any]:
        import frictionless
        schema = frictionless.Schema.from_descriptor(self.schema)
        return [(field, field.create_cell_reader()) for field in schema.fields]

    def errors(self, rows: Iterable[list[str]], first_row: int) -> Iterator[frictionless.errors.RowError]:
        """frictionless's errors in rows, numbered from first_row. Tested a column at a time, each
        distinct text once (ids, line numbers and codes repeat), BATCH rows at a time."""
        width, tests = self.width, self._tests
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            suspects = {number for number, cells in enumerate(batch) if len(cells) != width or not any(cells)}
            for index, test in tests:
                wrong = {text for text in {cells[index] for cells in batch if len(cells) > index} if not test(text)}
                if wrong:
                    suspects.update(number for number, cells in enumerate(batch)
                                    if len(cells) > index and cells[index] in wrong)
            for number in sorted(suspects):
                yield from self.row_errors(batch[number], first_row + number)
            first_row += len(batch)

    def row_errors(self, cells: list[str], row_number: int) -> list[frictionless.errors.RowError]:
        """As frictionless's Row finds them."""
        from frictionless import errors
        shown = list(cells)
        found: list[frictionless.errors.RowError] = []
        blank = 0
        for number, (field, reader) in enumerate(self._fields, start=1):
            source = cells[number - 1] if number <= len(cells) else None
            target, notes = reader(source)
            type_note = notes.pop("type", None) if notes else None
            if target is None and not type_note:
                blank += 1
            context = {"cells": shown, "row_number": row_number, "cell": str(source), "field_name": field.name,
                       "field_number": number}
            if type_note:
                found.append(errors.TypeError(note=type_note, **context))
            found += [errors.ConstraintError(note=note, **context) for note in (notes or {}).values()]
        found += [errors.ExtraCellError(note="", cells=shown, row_number=row_number, cell=str(cell), field_name="",
                                        field_number=number)
                  for number, cell in enumerate(cells[self.width:], start=self.width + 1)]
        found += [errors.MissingCellError(note="", cells=shown, row_number=row_number, cell="", field_name=field.name,
                                          field_number=number)
                  for number, (field, _) in enumerate(self._fields[len(cells):], start=len(cells) + 1)]
        if blank == self.width:
            return [errors.BlankRowError(note="", cells=shown, row_number=row_number)]
        return found
