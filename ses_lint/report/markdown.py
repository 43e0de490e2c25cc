"""Markdown: a report for pull-request comments and job summaries (`$GITHUB_STEP_SUMMARY`).

Per provider, a row per stage: `passed`, `failed` (a finding at or above `--fail-on`), `not checked`
(the stage's unknown rule fired, or the stage did not run: the flag that runs it is named), or
`skipped` (a disabled provider, or one that is not SES, for the network stages), with the counts of
its findings; then the findings themselves. Every cell goes through the masker, and `|`, `<`, `>`,
`&` and line breaks are escaped so that no text can break the table or inject HTML.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ses_lint.core.engine import Report
from ses_lint.core.findings import Finding, Severity, Stage
from ses_lint.core.selection import STAGE_FLAGS
from ses_lint.report import Context, cell, unsaid_suggestion
from ses_lint.report.text import summary
from ses_lint.source.config import ProviderEntry

UNKNOWN_CODES = {Stage.DNS: "SES640", Stage.AWS: "SES740", Stage.PROBE: "SES840"}
NETWORK = (Stage.DNS, Stage.AWS, Stage.PROBE)
_MARK = {"passed": "✅ passed", "failed": "❌ failed", "not checked": "⚠️ not checked", "not run": "➖ not run", "skipped": "➖ skipped"}


@dataclass(frozen=True)
class StageResult:
    stage: Stage
    status: str  # passed | failed | not checked | not run | skipped
    counts: Counter
    note: str = ""


def provider_results(report: Report, fail_on: Severity) -> list[tuple[ProviderEntry, list[StageResult]]]:
    """Every email provider of the run with its result in each stage."""
    results = []
    for entry in report.entries():
        if entry.is_email:
            mine = [f for f in report.all_findings if f.file == entry.file and f.provider == entry.key]  # shown or not
            results.append((entry, [_stage_result(entry, stage, mine, report, fail_on) for stage in Stage]))
    return results


def _stage_result(entry: ProviderEntry, stage: Stage, findings: list[Finding], report: Report, fail_on: Severity) -> StageResult:
    counts = Counter(f.severity.value for f in findings if f.stage == stage)
    if stage.value not in report.stages:
        return StageResult(stage, "not run", counts, f"`{STAGE_FLAGS.get(stage.value, stage.value).split(' ')[0]}`")
    if stage in NETWORK and not (entry.is_ses and entry.enabled):
        return StageResult(stage, "skipped", counts, "disabled" if not entry.enabled else "not SES")
    failing = [f for f in findings if f.stage == stage and f.severity.rank >= fail_on.rank and f.code != UNKNOWN_CODES.get(stage)]
    if failing:
        return StageResult(stage, "failed", counts)
    if any(f.stage == stage and f.code == UNKNOWN_CODES.get(stage) for f in findings):
        return StageResult(stage, "not checked", counts, UNKNOWN_CODES[stage])
    return StageResult(stage, "passed", counts)


def _counts(counts: Counter) -> str:
    parts = [f"{counts[level]} {level}{'s' if counts[level] != 1 else ''}" for level in ("error", "warning", "info") if counts[level]]
    return ", ".join(parts) or "–"


def render(report: Report, context: Context) -> str:
    mask = report.mask  # the run's secrets and anything shaped like one
    lines = ["## ses-lint", "", cell(summary(report), mask), ""]
    for entry, results in provider_results(report, context.fail_on):
        lines += [f"### `{cell(entry.key, mask)}` ({cell(entry.file, mask)})", "", "| stage | result | findings |", "|---|---|---|"]
        for result in results:
            status = _MARK[result.status] + (f" ({cell(result.note, mask)})" if result.note else "")
            lines.append(f"| {result.stage.value} | {status} | {_counts(result.counts)} |")
        lines.append("")
    if report.findings:
        lines += ["### Findings", "", "| severity | where | rule | message |", "|---|---|---|---|"]
        for finding in report.findings:
            suggestion = unsaid_suggestion(finding)
            message = finding.message + (f" (suggestion: `{suggestion}`)" if suggestion else "")
            where = f"{finding.file}:{finding.line}:{finding.column}"
            lines.append(f"| {finding.severity.value} | `{cell(where, mask)}` | {finding.code} {finding.name} | {cell(message, mask)} |")
        lines.append("")
    if context.requirements:
        from ses_lint.requirements import markdown as requirements_markdown

        lines += requirements_markdown(report, mask)
    return "\n".join(lines) + "\n"
