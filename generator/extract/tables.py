"""The nine standard budget tables (being built: see issue 3)."""

from __future__ import annotations

from generator.document import Document
from generator.records import BudgetTable, Finding, TableKind


def extract_tables(document: Document) -> tuple[dict[TableKind, BudgetTable], list[Finding]]:
    return {}, []
