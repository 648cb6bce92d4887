"""The ledger of a synthetic disclosure: every row and figure its budget tables were written
with, read from the cells the writers made (docx.Cell.value and .code), so that a round trip
can compare what extraction reads with what was generated, figure by figure."""

from __future__ import annotations

from dataclasses import dataclass

from generator.contract.records import TableKind
from generator.corpus.docx import Cell


@dataclass(frozen=True)
class Expected:
    side: str | None  # income / expenditure in the two-sided tables
    code: str | None
    name: str
    amounts: tuple[tuple[str, int | None], ...]  # (field, hundredths of 万元; None for a blank cell)


Ledger = dict[TableKind, list[Expected]]


@dataclass(frozen=True)
class Columns:
    """Where one side of a written table keeps its item and its amounts."""

    side: str | None
    name: int | None
    codes: tuple[int, ...]  # the code column, or the 类/款/项 columns
    amounts: tuple[tuple[int, str], ...]  # (grid column, amount field)


def expected_rows(body: list[list[Cell]], sides: list[Columns]) -> list[Expected]:
    """The rows extraction must give for these body rows (one cell per grid column): per side,
    in order, every line with a name, a code or an amount."""
    per_side: list[list[Expected]] = [[] for _ in sides]
    for row in body:
        for found, columns in zip(per_side, sides):
            name = " ".join(row[columns.name].text.split()) if columns.name is not None else ""
            code = next((row[c].code for c in columns.codes if row[c].code), "")
            written = [(field, row[c]) for c, field in columns.amounts]
            if name or code or any(cell.text.strip() for _, cell in written):
                found.append(Expected(columns.side, code or None, name,
                                      tuple((field, cell.value if cell.text.strip() else None)
                                            for field, cell in written)))
    return [expected for side in per_side for expected in side]
