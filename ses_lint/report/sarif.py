"""SARIF 2.1.0 output, shaped for GitHub code scanning.

GitHub requires, per rule, `id`, `shortDescription`, `fullDescription` and `help`; per result a
`message`, one location with a repo-relative `artifactLocation.uri` and a region, and (when uploaded
through the REST API) `partialFingerprints.primaryLocationLineHash`. Columns count Unicode code points
(as Python's do), so `run.columnKind` says so; `endColumn` is the column *after* the region.

Findings are masked by the engine; the strings this format adds of its own (the rules' docs, which quote
AWS's example secret key in their "Bad" examples) go through the run's masker too.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import quote

from ses_lint.core.engine import Report
from ses_lint.core.findings import Finding, Severity
from ses_lint.core.fixes import Edit, safe_edits
from ses_lint.core.registry import DOC_SECTIONS, Rule
from ses_lint.core.secrets import Masker
from ses_lint.report import Context, unsaid_suggestion
from ses_lint.rules import load_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/ses-lint/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
STDIN_URI = "stdin"
_URI_SAFE = "/-._~!$&'()*+,;=@"


def render(report: Report, context: Context) -> str:
    mask = report.mask
    rules = list(load_rules().values())  # every rule, of every stage, with its help text
    index = {rule.code: position for position, rule in enumerate(rules)}
    seen: dict[str, int] = {}
    edits = safe_edits(report.findings, report.documents)
    results = [_result(finding, index, seen, mask, edits.get(id(finding))) for finding in report.findings]
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ses-lint",
                        "version": context.version,
                        "semanticVersion": context.version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule, mask) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Rule, mask: Masker) -> dict:
    docs = rule.docs
    full = docs.summary
    if docs.sections.get("Details"):
        details = _one_line(docs.sections["Details"])
        full = f"{full} {details[:1].upper()}{details[1:]}"
    return {
        "id": rule.code,
        "name": mask(rule.name),
        "shortDescription": {"text": mask(docs.summary) or rule.name},
        "fullDescription": {"text": mask(full) or rule.name},
        "help": {"text": mask(docs.text()) or rule.name, "markdown": mask(_markdown(rule)) or rule.name},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": list(dict.fromkeys((rule.stage.value, rule.family)))},  # unique, as the schema requires
    }


def _markdown(rule: Rule) -> str:
    docs = rule.docs
    parts = [f"**{rule.code} {rule.name}** ({rule.stage.value} stage, {rule.severity.value})", docs.summary]
    for name in ("Details", *DOC_SECTIONS):
        body = docs.sections.get(name)
        if not body:
            continue
        if name in ("Bad", "Good"):
            parts.append(f"**{name}:**\n\n```yaml\n{body}\n```")
        else:
            parts.append(f"**{name}:** {_one_line(body)}")
    return "\n\n".join(parts)


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _result(finding: Finding, index: dict[str, int], seen: dict[str, int], mask: Masker, edit: Edit | None = None) -> dict:
    uri = artifact_uri(finding.file)
    line = max(finding.line or 1, 1)
    column = max(finding.column or 1, 1)
    region = {"startLine": line, "startColumn": column}
    if finding.end_line is not None and finding.end_column is not None:
        end_line, end_column = max(finding.end_line, line), finding.end_column
        if end_line > line or end_column > column:
            region["endLine"] = end_line
            region["endColumn"] = end_column
    message = finding.message
    suggestion = unsaid_suggestion(finding)
    if suggestion and edit is None:  # a suggestion that is not a safe replacement is said in the message
        message = f"{message} (suggestion: `{suggestion}`)"
    result = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": mask(message) or finding.code},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
        "partialFingerprints": {"primaryLocationLineHash": _fingerprint(finding, uri, seen)},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if edit is not None:
        deleted = {"startLine": edit.line, "startColumn": edit.column, "endLine": edit.end_line, "endColumn": edit.end_column}
        result["fixes"] = [{
            "description": {"text": mask(edit.description) or finding.code},
            "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": [
                {"deletedRegion": deleted, "insertedContent": {"text": mask(edit.text) or ""}}]}],
        }]
    properties = {key: value for key, value in (("provider", finding.provider), ("key", finding.key)) if value is not None}
    if properties:
        result["properties"] = {key: mask(value) for key, value in properties.items()}
    return result


def artifact_uri(file: str) -> str:
    """A repository-relative URI with forward slashes (relative to the current folder, the checkout in
    CI); a `file://` URI for an absolute path outside it; `stdin` for standard input."""
    if file == "-":
        return STDIN_URI
    path = os.path.normpath(file)
    if os.path.isabs(path) or path == ".." or path.startswith(".." + os.sep):
        try:
            absolute = Path(path).resolve()
        except (OSError, RuntimeError):
            absolute = Path(os.path.abspath(path))
        try:
            path = str(absolute.relative_to(Path.cwd().resolve()))
        except (ValueError, OSError):
            return absolute.as_uri()
    return quote(path.replace(os.sep, "/"), safe=_URI_SAFE)


def _fingerprint(finding: Finding, uri: str, seen: dict[str, int]) -> str:
    """Stable across runs and edits elsewhere in the file: the rule, the file and the logical key
    (or, for findings without a key, the message), never the line number. `:N` numbers repeats."""
    anchor = finding.key if finding.key is not None else finding.message
    digest = hashlib.sha256("\0".join((finding.code, uri, anchor)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{digest}:{seen[digest]}"
