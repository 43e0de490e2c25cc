"""JSON output: one object, stable for scripts (the shape is documented in the README)."""
from __future__ import annotations

import json

from ses_lint.core.engine import Report
from ses_lint.core.findings import Severity
from ses_lint.core.fixes import Edit, safe_edits
from ses_lint.core.secrets import Masker
from ses_lint.report import Context


def render(report: Report, context: Context) -> str:
    edits = safe_edits(report.findings, report.documents)
    document = {
        "tool": {"name": "ses-lint", "version": context.version},
        "findings": [
            {
                "code": finding.code,
                "name": finding.name,
                "severity": finding.severity.value,
                "stage": finding.stage.value,
                "message": finding.message,
                "file": finding.file,
                "line": finding.line,
                "column": finding.column,
                "provider": finding.provider,
                "key": finding.key,
                "suggestion": finding.suggestion,
                "fix": _fix(edits.get(id(finding)), report.mask),
            }
            for finding in report.findings
        ],
        "summary": {
            "files": report.files,
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
            "stages": report.stages,
            "baselined": report.baselined,
        },
    }
    document.update(report.details)
    if context.requirements:
        from ses_lint.requirements import as_json

        document["requirements"] = as_json(report, report.mask)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _fix(edit: Edit | None, mask: Masker) -> dict | None:
    """A safe fix that `--fix` would apply: what it does and the replacement (1-based, end exclusive)."""
    if edit is None:
        return None
    replacement = {"line": edit.line, "column": edit.column, "end_line": edit.end_line, "end_column": edit.end_column, "text": mask(edit.text)}
    return {"description": mask(edit.description), "replacement": replacement}
