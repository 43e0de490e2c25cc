"""Files ses-lint could not judge (an error of its own while loading or judging them): the subject of
SES013, gathered after every other rule had its chance to fail (`ses_lint.collect.late`)."""
from __future__ import annotations

from dataclasses import dataclass

from ses_lint.core.findings import Finding


@dataclass(frozen=True)
class UnjudgedFile:
    file: str
    reason: str

    def finding(self) -> Finding:
        return Finding(
            f"ses-lint could not judge this file (an error of its own while {self.reason}); nothing in it is known to be right; please report it",
            self.file,
            line=1,
            column=1,
        )
