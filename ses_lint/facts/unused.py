"""Suppressions that suppressed nothing: the subject of SES008, gathered after every other rule ran."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ses_lint.core.findings import Finding
from ses_lint.core.run import Run
from ses_lint.rules import is_rule_code


@dataclass(eq=False)
class UnusedSuppression:
    late = True  # gathered after suppressions were applied
    file: str
    line: int
    column: int
    code: str
    unknown: bool

    @classmethod
    def gather(cls, run: Run) -> Iterator["UnusedSuppression"]:
        for suppression in run.suppressions:
            for code in suppression.codes:
                known = is_rule_code(code)
                if not known:
                    yield cls(suppression.file, suppression.line, suppression.column, code, True)
                elif code not in suppression.used and any(selected.startswith(code) for selected in run.selected_codes):
                    yield cls(suppression.file, suppression.line, suppression.column, code, False)

    def finding(self) -> Finding:
        if self.unknown:
            return Finding(f"`{self.code}` is not a ses-lint rule code; this suppression does nothing", self.file, line=self.line, column=self.column)
        return Finding(f"`disable={self.code}` suppresses nothing here; remove it", self.file, line=self.line, column=self.column)
