"""The finding cap: what a report shows of a rule that fires thousands of times in one file.

A file of 184,000 unknown keys is 184,000 findings of one rule; nobody reads them, and printing them cost
most of a 15 s run. The report shows the first `limit` findings (100 by default, `--max-per-rule`) of
each rule, severity and file, in the report's order, then one finding in their place at the first one
left out: same file, code, name, stage and severity, saying how many more there are. So the cap:
- never hides a code: every rule that fires in a file shows its first findings;
- never drops an error while showing warnings: each severity of a rule (a rule may grade its findings)
  has its own first `limit`;
- never changes the exit status: the counting finding has the severity of those it stands for, and the
  report keeps every finding (`Report.all_findings`), which the exit status, the summary's counts,
  `--statistics`, `--write-baseline` and `--fix` read. The baseline is applied before the cap, to every
  finding; an elided finding counts as what it is (an SES103 warning), never as the counting finding.
"""
from __future__ import annotations

from ses_lint.core.findings import Finding, Severity

DEFAULT_LIMIT = 100

_NOUNS = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"), Severity.INFO: ("info finding", "info findings")}


def cap(findings: list[Finding], limit: int = DEFAULT_LIMIT) -> list[Finding]:
    """`findings` (sorted, as the engine leaves them) with at most `limit` of each (file, code, severity),
    and one counting finding for the rest of each; the list itself when nothing is over (0: no cap)."""
    if limit <= 0 or len(findings) <= limit:
        return findings
    totals: dict[tuple, int] = {}
    for finding in findings:
        group = (finding.file, finding.code, finding.severity)
        totals[group] = totals.get(group, 0) + 1
    if max(totals.values()) <= limit:
        return findings
    shown: list[Finding] = []
    seen: dict[tuple, int] = {}
    for finding in findings:
        group = (finding.file, finding.code, finding.severity)
        count = seen[group] = seen.get(group, 0) + 1
        if count <= limit:
            shown.append(finding)
        elif count == limit + 1:
            shown.append(elided(finding, totals[group] - limit, limit))
    shown.sort(key=Finding.sort_key)
    return shown


def elided(first: Finding, count: int, limit: int) -> Finding:
    """The finding that stands for `count` findings left out, at the first of them (`first`)."""
    noun = _NOUNS.get(first.severity, ("finding", "findings"))[count != 1]
    message = (f"and {count:,} more {first.code} {noun} in this file, not shown: at most {limit} of one rule's findings"
               f" are shown per file (`--max-per-rule 0` shows them all)")
    return first.evolve(message=message, provider=None, suggestion=None, fix=None, extra={"elided": count})

