"""The engine: read files, select rules, gather their subjects, run them, suppress, sort. It knows no rule."""
from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from . import suppressions as inline
from .document import Document, iter_scalars, load
from .findings import Finding, Severity
from .references import expand
from .registry import Rule, load_rules
from .run import Options, Run
from .secrets import Masker
from .selection import codes_matching, select_rules

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = {"node_modules", "venv", "__pycache__", "site-packages"}
SECRET_KEY_WORDS = ("secret", "password", "token")


class UsageError(Exception):
    """The run itself cannot happen (exit 2): a path that cannot be read, a bad option."""


@dataclass
class Report:
    findings: list[Finding]
    files: int
    skipped: list[str] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def failed(self, fail_on: Severity) -> bool:
        return any(finding.severity.rank >= fail_on.rank for finding in self.findings)

    def exit_code(self, fail_on: Severity) -> int:
        return 1 if self.failed(fail_on) else 0


@dataclass(frozen=True)
class Source:
    path: str  # as the user gave or as found below a folder they gave; "-" for standard input
    raw: bytes
    explicit: bool


def discover(paths: Sequence[str], stdin: bytes | None = None) -> list[Source]:
    sources: list[Source] = []
    seen: set[str] = set()
    for given in paths:
        if given == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            sources.append(Source("-", data, True))
            continue
        path = Path(given)
        if path.is_dir():
            candidates = [(str(found), False) for found in _walk(path)]
        elif path.exists():
            candidates = [(given, True)]
        else:
            raise UsageError(f"{given}: no such file or folder")
        for name, explicit in candidates:
            if name in seen:
                continue
            seen.add(name)
            try:
                sources.append(Source(name, Path(name).read_bytes(), explicit))
            except OSError as error:
                raise UsageError(f"{name}: cannot be read ({error.strerror or error})") from None
    return sources


def _walk(folder: Path) -> Iterable[Path]:
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in SKIPPED_FOLDERS)
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                yield Path(root) / name


def run_lint(sources: list[Source], options: Options, environ: dict[str, str] | None = None) -> Report:
    rules = load_rules()
    selected = select_rules(rules, options.stages, options.select, options.extend_select, options.ignore)
    documents, skipped = [], []
    for source in sources:
        document = load(source.path, source.raw)
        broken = any(problem.kind in ("syntax", "unsafe") for problem in document.problems)
        if document.is_config or (source.explicit and broken):
            documents.append(document)
        else:
            skipped.append(source.path)
    run = Run(options, documents, selected_codes=frozenset(rule.code for rule in selected))
    if environ is not None:
        run.environ = environ

    run.suppressions = [
        suppression
        for document in documents
        for suppression in inline.parse(document.path, document.text, document.scalar_content_lines() if document.loaded else set())
    ]

    def judge(chosen: list[Rule]) -> list[Finding]:
        found = [_place(finding, run) for rule in chosen for subject in run.subjects(rule.subject) for finding in rule.run(subject)]
        return inline.apply(_drop_per_file_ignores(found, options.per_file_ignores, rules), run.suppressions)

    # Late rules (SES008) judge the suppressions, so they run after the others have used them.
    findings = judge([rule for rule in selected if not getattr(rule.subject, "late", False)])
    findings += judge([rule for rule in selected if getattr(rule.subject, "late", False)])

    masker = _masker(documents, run)
    overrides = _severity_overrides(options.severity, rules)
    final = {}
    for finding in findings:
        finding = finding.evolve(
            message=masker(finding.message),
            suggestion=masker(finding.suggestion),
            severity=overrides.get(finding.code, finding.severity),
        )
        final.setdefault((finding.code, finding.file, finding.line, finding.column, finding.message), finding)
    ordered = sorted(final.values(), key=Finding.sort_key)
    return Report(ordered, files=len(documents), skipped=skipped, rules=rules)


def _place(finding: Finding, run: Run) -> Finding:
    if finding.line is not None:
        return finding
    document = run.document(finding.file)
    if document is None or not document.loaded:
        return finding.evolve(line=1, column=1)
    line, column, end_line, end_column = document.locate(finding.path, finding.at)
    return finding.evolve(line=line, column=column, end_line=end_line, end_column=end_column)


def _drop_per_file_ignores(findings: list[Finding], per_file: dict[str, list[str]], rules: dict[str, Rule]) -> list[Finding]:
    if not per_file:
        return findings
    ignored = {pattern: codes_matching(codes, rules) for pattern, codes in per_file.items()}
    return [
        finding
        for finding in findings
        if not any(finding.code in codes and _glob(finding.file, pattern) for pattern, codes in ignored.items())
    ]


def _glob(path: str, pattern: str) -> bool:
    normal = path.replace(os.sep, "/").removeprefix("./")
    return fnmatch.fnmatch(normal, pattern) or fnmatch.fnmatch(os.path.basename(normal), pattern)


def _severity_overrides(overrides: dict[str, Severity], rules: dict[str, Rule]) -> dict[str, Severity]:
    result = {}
    for selector, severity in overrides.items():
        for code in codes_matching([selector], rules):
            result[code] = Severity(severity)
    return result


def _masker(documents: list[Document], run: Run) -> Masker:
    masker = Masker()
    for document in documents:
        root = document.root if document.loaded else None
        for path, node in iter_scalars(root):
            if path and isinstance(path[-1], str) and any(word in path[-1].lower() for word in SECRET_KEY_WORDS):
                masker.add(node.text)
                if run.options.env:
                    masker.add(expand(node.text, run.environ))
    return masker
