"""Files ses-lint could not judge (an error of its own while loading or judging them): the subject of
SES013, gathered after every other rule ran."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ses_lint.core.findings import Finding
from ses_lint.core.run import Run


@dataclass(eq=False)
class UnjudgedFile:
    late = True  # gathered after every other rule had its chance to fail
    file: str
    reason: str

    @classmethod
    def gather(cls, run: Run) -> Iterator["UnjudgedFile"]:
        for file, reason in run.unjudged.items():
            yield cls(file, reason)

    def finding(self) -> Finding:
        return Finding(
            f"ses-lint could not judge this file (an error of its own while {self.reason}); nothing in it is known to be right; please report it",
            self.file,
            line=1,
            column=1,
        )
