"""JSON output: one object, stable for scripts (the shape is documented in the README)."""
from __future__ import annotations

import json

from ..engine import Report
from ..findings import Severity
from . import Context


def render(report: Report, context: Context) -> str:
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
            }
            for finding in report.findings
        ],
        "summary": {
            "files": report.files,
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
    }
    document.update(report.details)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
