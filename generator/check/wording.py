"""A failed check in Chinese, for readers of checks.csv: the rule's title and, for two figures,
both in yuan and their difference (the checker's own message stays in English beside it)."""

from __future__ import annotations

import functools
from decimal import Decimal

from generator.check.engine import FAIL, RULES
from generator.contract.records import CheckOutcome


@functools.cache
def _titles() -> dict[str, str]:
    return {rule.rule_id: rule.title_zh for rule in RULES}


# A table's status, as the completeness rule states what it expected and found.
TABLE_STATUS_ZH = {"present": "已公开", "empty": "空表", "missing": "未公开", "unrecognised": "未识别"}


def _figure(value: Decimal | str | None) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f} 元"
    return TABLE_STATUS_ZH.get(value or "", value or "（空）")


def message_zh(outcome: CheckOutcome) -> str:
    """Blank unless the check failed: a pass or a rule that did not apply says all in its status
    (and a line of text on each of them would be most of checks.csv)."""
    if outcome.status != FAIL:
        return ""
    text = f"{_titles().get(outcome.rule, outcome.rule)}未通过"
    if outcome.expected is None and outcome.actual is None:
        return text + (f"：{outcome.location}" if outcome.location else "")
    text += f"：应为 {_figure(outcome.expected)}，实为 {_figure(outcome.actual)}"
    if isinstance(outcome.expected, Decimal) and isinstance(outcome.actual, Decimal):
        text += f"，相差 {outcome.actual - outcome.expected:,.2f} 元"
    return text
