"""Output formats: one module each, every one with `render(report, context) -> str`."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..engine import Report
from ..findings import Severity

FORMATS = ("text", "json", "sarif", "github", "junit")


@dataclass(frozen=True)
class Context:
    version: str
    fail_on: Severity = Severity.ERROR
    color: bool = False
    quiet: bool = False
    show_source: bool = False  # text: the offending line under each finding, a caret under the column
    verbose: bool = False  # text: also the evaluated SPF tree of each domain the dns stage read


def render(format_name: str, report: Report, context: Context) -> str:
    module = importlib.import_module(f"{__name__}.{format_name}")
    return module.render(report, context)
