"""The data contract: the typed records every stage passes on, and what a disclosure holds.

``records``: a disclosure (unit, year, the nine tables, the narrative) and the check outcomes, in
exact ``Decimal`` yuan; ``document``: a read file (paragraphs and table grids), what the readers
give the extraction; ``table_specs``: the standard tables, their title patterns and amount
columns, from which the package's Table Schemas are made; ``slugs``: the ASCII ids of units and files.
"""

from generator.contract.document import Document
from generator.contract.records import BudgetTable, CheckOutcome, Disclosure, TableKind, Unit
from generator.contract.table_specs import SPECS, TableSpec

__all__ = ["SPECS", "BudgetTable", "CheckOutcome", "Disclosure", "Document", "TableKind", "TableSpec", "Unit"]
