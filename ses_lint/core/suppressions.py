"""Inline suppressions: `# ses-lint: disable=CODE[,CODE]` and `# ses-lint: disable-file=CODE`, each
optionally followed by its reason: `# ses-lint: disable=SES302 -- revoked test key`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ses_lint.core.findings import Finding

MARKER = "ses-lint"  # every directive holds it
_DIRECTIVE = re.compile(r"(?:^|\s)#\s*ses-lint:\s*(disable|disable-file)\s*=\s*(.*)")
_COMMENT = re.compile(r"(?:^|(?<=\s))#")  # where a comment may start; the first outside a scalar does
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


def _never(line: int, column: int) -> bool:
    return False


def parse(path: str, text: str, inside_scalar: Callable[[int, int], bool] = _never) -> list[Suppression]:
    """The directives in a file's comments. A `#` inside a scalar (`"… # ses-lint: disable=X"`, a block
    `|`) is text, not a comment: `inside_scalar(line, column)` says where scalars are."""
    suppressions = []
    lines = text.splitlines()
    last_search: list = [-1, None]  # _next_content_line's last search: consecutive directives scan their lines once
    for index, line in enumerate(lines):
        if MARKER not in line:
            continue
        comment = next((m.start() for m in _COMMENT.finditer(line) if not inside_scalar(index + 1, m.start() + 1)), None)
        match = _DIRECTIVE.search(line, max(comment - 1, 0)) if comment is not None else None
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
            target = _next_content_line(lines, index, last_search)
        suppressions.append(Suppression(path, index + 1, column, target, codes, reason=reason.strip() or None if separator else None))
    return suppressions


def _next_content_line(lines: list[str], index: int, last: list | None = None) -> int:
    """The line a directive on a line of its own applies to: the next one that is not blank or a comment.
    `last` holds the previous search's start and what it found (None: nothing to the end); a directive
    between the two has the same answer, so a run of directives is scanned once, not once each."""
    if last is not None and last[0] >= 0 and last[0] <= index and (last[1] is None or index < last[1]):
        found = last[1]
    else:
        found = next((following for following in range(index + 1, len(lines))
                      if lines[following].strip() and not lines[following].strip().startswith("#")), None)
        if last is not None:
            last[:] = [index, found]
    return found + 1 if found is not None else index + 2


def apply(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """The findings that no suppression covers; marks each suppression with the codes it used.

    Suppressions are indexed by (file, target line or None, code prefix), so each finding looks up its
    code's prefixes instead of every suppression, and each group is marked used once: linear in
    findings plus suppressions."""
    if not suppressions:
        return findings
    index: dict[tuple, list[Suppression]] = {}
    for suppression in suppressions:
        for code in suppression.codes:
            index.setdefault((suppression.file, suppression.target_line, code), []).append(suppression)
    marked: set[tuple] = set()
    kept = []
    for finding in findings:
        covered = False
        for end in range(1, len(finding.code) + 1):
            for target in (finding.line, None):
                group_key = (finding.file, target, finding.code[:end])
                group = index.get(group_key)
                if not group:
                    continue
                covered = True
                if group_key not in marked:
                    marked.add(group_key)
                    for suppression in group:
                        suppression.used.add(group_key[2])
        if not covered:
            kept.append(finding)
    return kept
