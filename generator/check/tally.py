"""How check outcomes came out, in little memory: counts by rule and status, and the failures in full.

A disclosure has hundreds of outcomes, nearly all passes; the build holds this of each one
(the outcomes themselves stay with the records on disk and reach checks.csv from there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.check.engine import FAIL
from generator.contract.records import CheckOutcome


@dataclass(slots=True)
class CheckTally:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # rule → status → outcomes
    failed: list[CheckOutcome] = field(default_factory=list)  # in the order of the outcomes

    @classmethod
    def of(cls, outcomes: Iterable[CheckOutcome]) -> CheckTally:
        tally = cls()
        tally.add(outcomes)
        return tally

    @classmethod
    def merged(cls, tallies: Iterable[CheckTally]) -> CheckTally:
        merged = cls()
        for tally in tallies:
            for rule, statuses in tally.counts.items():
                counts = merged.counts.setdefault(rule, {})
                for status, count in statuses.items():
                    counts[status] = counts.get(status, 0) + count
            merged.failed += tally.failed
        return merged

    def add(self, outcomes: Iterable[CheckOutcome]) -> None:
        for outcome in outcomes:
            statuses = self.counts.setdefault(outcome.rule, {})
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
            if outcome.status == FAIL:
                self.failed.append(outcome)

    @property
    def total(self) -> int:
        return sum(sum(statuses.values()) for statuses in self.counts.values())

    def count(self, status: str) -> int:
        return sum(statuses.get(status, 0) for statuses in self.counts.values())
