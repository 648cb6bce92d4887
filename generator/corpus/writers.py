"""A synthetic disclosure in its template family's writer: the Word body and the ledger of the
figures its tables were written with."""

from __future__ import annotations

from generator.corpus.disclosure import DisclosureSpec, Writer
from generator.corpus.docx import DocumentXml
from generator.corpus.figures import Budget
from generator.corpus.hebei import HebeiWriter
from generator.corpus.ledger import Ledger
from generator.corpus.mof import MofWriter
from generator.corpus.provincial import ProvincialWriter

WRITERS: dict[str, type[Writer]] = {"hebei": HebeiWriter, "mof": MofWriter, "provincial": ProvincialWriter}


def compose(spec: DisclosureSpec, budget: Budget) -> tuple[DocumentXml, Ledger]:
    writer = WRITERS[spec.template.family](spec, budget)
    writer.budget_tables()
    writer.explanation()
    return writer.doc, writer.ledger
