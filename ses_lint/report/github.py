"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding.

`::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`. The message escapes
`%`, CR and LF; property values also `:` and `,` (as actions/toolkit's `command.ts` does). `col` and
`endColumn` are given only for a single-line region (GitHub misplaces multi-line ones otherwise).
GitHub shows at most 10 errors and 10 warnings per step, so the full report belongs in SARIF.
"""
from __future__ import annotations

from ses_lint.core.engine import Report
from ses_lint.core.findings import Finding, Severity
from ses_lint.report import Context
from ses_lint.report.text import summary

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties: list[tuple[str, object]] = []
    if finding.file != "-":  # standard input has no file in the repository
        properties.append(("file", finding.file.replace("\\", "/")))
    if finding.line is not None:
        line = finding.line
        end_line = finding.end_line if finding.end_line is not None else line
        properties.append(("line", line))
        if end_line == line:
            if finding.column is not None:
                properties.append(("col", finding.column))
            properties.append(("endLine", end_line))
            if finding.end_column is not None and finding.column is not None and finding.end_column > finding.column:
                properties.append(("endColumn", finding.end_column))
        else:
            properties.append(("endLine", end_line))
    properties.append(("title", f"{finding.code} {finding.name}".strip()))
    rendered = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties)
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(finding.message)}"


def render(report: Report, context: Context) -> str:
    lines = [annotation(finding) for finding in report.findings]
    if not context.quiet:
        lines.append(summary(report))
    return "\n".join(lines) + ("\n" if lines else "")
