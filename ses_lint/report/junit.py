"""JUnit XML: one `<testsuite name="ses-lint">`, a `<testcase>` per finding.

Errors and warnings carry a `<failure type="CODE">`; info findings are passing test cases whose
message is in `<system-out>`. A clean run still has one passing test case, `ses-lint`, so CI systems
show that the check ran.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ses_lint.core.engine import Report
from ses_lint.core.findings import Finding, Severity
from ses_lint.report import Context

# Characters XML 1.0 cannot carry at all (a hostile file can put them into a message).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _where(finding: Finding) -> str:
    return f"{finding.line or 1}:{finding.column or 1}"


def render(report: Report, context: Context) -> str:
    failing = [f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    tests = max(len(report.findings), 1)
    counts = {"tests": str(tests), "failures": str(len(failing)), "errors": "0", "skipped": "0", "time": "0"}
    root = ET.Element("testsuites", {"name": "ses-lint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "ses-lint", **counts})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "version", "value": _clean(context.version)})
    ET.SubElement(properties, "property", {"name": "files", "value": str(report.files)})

    for finding in report.findings:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": _clean(finding.file), "name": _clean(f"{finding.code} {_where(finding)}"), "file": _clean(finding.file), "line": str(finding.line or 1), "time": "0"},
        )
        detail = f"{finding.file}:{_where(finding)}: {finding.code} {finding.name} [{finding.severity.value}] {finding.message}"
        if finding.key:
            detail += f"\nkey: {finding.key}"
        if finding.severity in (Severity.ERROR, Severity.WARNING):
            failure = ET.SubElement(case, "failure", {"type": _clean(finding.code), "message": _clean(f"[{finding.severity.value}] {finding.message}")})
            failure.text = _clean(detail)
        else:
            ET.SubElement(case, "system-out").text = _clean(detail)
    if not report.findings:
        ET.SubElement(suite, "testcase", {"classname": "ses-lint", "name": "ses-lint", "time": "0"})

    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
