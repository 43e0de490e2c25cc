"""Small helpers for the aws-stage tests."""
from __future__ import annotations

import time
from pathlib import Path

import ses_lint


def check(moto, path: Path, *, environ=None, timeout: float = 3, select=("SES7", "SES8"), **options):
    """Run the aws stage (and the probe, with probe=True) through the Python API; return (report, seconds)."""
    started = time.monotonic()
    report = ses_lint.lint([str(path)], aws=True, environ=environ if environ is not None else moto.environ(),
                           timeout=timeout, select=list(select), **options)
    return report, time.monotonic() - started


def found(report, code: str) -> list:
    return [finding for finding in report.findings if finding.code == code]


def codes(report) -> set[str]:
    return {finding.code for finding in report.findings}
