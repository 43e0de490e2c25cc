"""Inline suppressions: `# ses-lint: disable=CODE[,CODE]` and `# ses-lint: disable-file=CODE`, each
optionally followed by its reason: `# ses-lint: disable=SES302 -- revoked test key`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .findings import Finding

MARKER = "ses-lint"  # every directive holds it
_DIRECTIVE = r"(?:^|\s)#\s*ses-lint:\s*(disable|disable-file)\s*=\s*(.*)"  # compiled by `re` when first met
_CODES = re.compile(r"[A-Za-z0-9_,\s-]*")
REASON_SEPARATOR = "--"


@dataclass(eq=False)
class Suppression:
    """One `# ses-lint: disable=...` directive, and the codes it has suppressed so far."""

    file: str
    line: int  # where the comment is
    column: int
    target_line: int | None  # the line it applies to; None for the whole file
    codes: list[str]
    used: set[str] = field(default_factory=set)
    reason: str | None = None  # what follows ` -- ` in the comment

    def covers(self, finding: Finding) -> str | None:
        if self.target_line is not None and finding.line != self.target_line:
            return None
        return next((code for code in self.codes if finding.code.startswith(code)), None)


def parse(path: str, text: str, text_lines: set[int] = frozenset()) -> list[Suppression]:
    """The directives in a file's comments; `text_lines` are lines inside multi-line scalars, skipped."""
    suppressions = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if MARKER not in line or index + 1 in text_lines:
            continue
        match = re.search(_DIRECTIVE, line)
        if not match:
            continue
        listed, separator, reason = match.group(2).partition(REASON_SEPARATOR)
        codes = [code.strip().upper() for code in _CODES.match(listed).group(0).split(",") if code.strip()]
        column = match.start() + (1 if line[match.start()].isspace() else 0) + 1
        if match.group(1) == "disable-file":
            target = None
        elif line[: match.start()].strip():
            target = index + 1
        else:
            target = _next_content_line(lines, index)
        suppressions.append(Suppression(path, index + 1, column, target, codes, reason=reason.strip() or None if separator else None))
    return suppressions


def _next_content_line(lines: list[str], index: int) -> int:
    for following in range(index + 1, len(lines)):
        stripped = lines[following].strip()
        if stripped and not stripped.startswith("#"):
            return following + 1
    return index + 2


def apply(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """The findings that no suppression covers; marks each suppression with the codes it used."""
    by_file: dict[str, list[Suppression]] = {}
    for suppression in suppressions:
        by_file.setdefault(suppression.file, []).append(suppression)
    kept = []
    for finding in findings:
        covering = [(s, s.covers(finding)) for s in by_file.get(finding.file, ())]
        covering = [(s, code) for s, code in covering if code]
        for suppression, code in covering:
            suppression.used.add(code)
        if not covering:
            kept.append(finding)
    return kept
