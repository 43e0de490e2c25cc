"""Output formats: one module each, every one with `render(report, context) -> str`."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from ses_lint.core.engine import Report
from ses_lint.core.findings import Finding, Severity
from ses_lint.core.secrets import Masker

FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")


@dataclass(frozen=True)
class Context:
    version: str
    fail_on: Severity = Severity.ERROR
    color: bool = False
    quiet: bool = False
    show_source: bool = False  # text: the offending line under each finding, a caret under the column
    verbose: bool = False  # text: also the evaluated SPF tree of each domain the dns stage read
    requirements: bool = False  # add the readiness report (`--requirements`)


def unsaid_suggestion(finding: Finding) -> str | None:
    """The finding's suggestion when its message does not already say it (`did you mean `x`?`)."""
    suggestion = finding.suggestion
    if not suggestion or f"`{suggestion}`" in finding.message or suggestion in finding.message:
        return None
    return suggestion


def cell(text: object, mask: Masker) -> str:
    """A Markdown table cell: masked, `&`, `<`, `>` and `|` escaped, on one line."""
    value = mask(str(text)) or ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return " ".join(value.splitlines())


def render(format_name: str, report: Report, context: Context) -> str:
    module = importlib.import_module(f"{__name__}.{format_name}")
    return module.render(report, context)
