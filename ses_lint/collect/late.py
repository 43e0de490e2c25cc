"""The late phases' collectors: facts about what the run itself found.

After suppressions were applied: the suppressions that suppressed nothing (SES008) and the files
ses-lint could not judge (SES013). After the baseline was applied: its entries no finding matched (SES014).
"""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.baseline import StaleEntry
from ses_lint.core.collectors import Inputs
from ses_lint.facts.unjudged import UnjudgedFile
from ses_lint.facts.unused import UnusedSuppression
from ses_lint.rules import is_rule_code


def unused_suppressions(inputs: Inputs) -> Iterator[UnusedSuppression]:
    for suppression in inputs.suppressions:
        for code in suppression.codes:
            known = is_rule_code(code)
            if not known:
                yield UnusedSuppression(suppression.file, suppression.line, suppression.column, code, True)
            elif code not in suppression.used and any(selected.startswith(code) for selected in inputs.selected_codes):
                yield UnusedSuppression(suppression.file, suppression.line, suppression.column, code, False)


def unjudged_files(inputs: Inputs) -> Iterator[UnjudgedFile]:
    for file, reason in inputs.unjudged.items():
        yield UnjudgedFile(file, reason)


def stale_entries(inputs: Inputs) -> Iterator[StaleEntry]:
    yield from inputs.stale_baseline
