"""Suppressions that suppressed nothing: the subject of SES008, gathered after suppressions were applied (`ses_lint.collect.late`)."""
from __future__ import annotations

from dataclasses import dataclass

from ses_lint.core.findings import Finding


@dataclass(frozen=True)
class UnusedSuppression:
    file: str
    line: int
    column: int
    code: str
    unknown: bool

    def finding(self) -> Finding:
        if self.unknown:
            return Finding(f"`{self.code}` is not a ses-lint rule code; this suppression does nothing", self.file, line=self.line, column=self.column)
        return Finding(f"`disable={self.code}` suppresses nothing here; remove it", self.file, line=self.line, column=self.column)
