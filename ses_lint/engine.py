"""The engine: read files, select rules, gather their subjects, run them, suppress, sort. It knows no rule."""
from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field

from . import suppressions as inline
from .document import Document, iter_scalars, load
from .files import Source, UsageError, discover  # noqa: F401 - part of the engine's interface
from .findings import Finding, Severity, Stage, escape_line_breaks
from .patterns import PatternSet
from .prefilter import may_be_config
from .references import expand
from .registry import Rule, load_rules
from .run import Options, Run
from .secrets import Masker
from .selection import codes_matching, select_rules

SECRET_KEY_WORDS = ("secret", "password", "token")
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")


@dataclass
class Report:
    """What a run found, in order, and which files it checked, skipped and could not read."""

    findings: list[Finding]
    files: int
    skipped: list[str] = field(default_factory=list)  # read, but not provider configs
    rules: dict[str, Rule] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # the provider configs checked
    unread: list[Source] = field(default_factory=list)  # passed over, each with the reason why
    _documents: dict[str, Document] = field(default_factory=dict, repr=False)
    _masker: Masker = field(default_factory=Masker, repr=False)
    stages: dict[str, int] = field(default_factory=dict)  # each stage that ran -> how many rules it ran
    baselined: int = 0  # findings left out because the baseline holds them
    ran: frozenset[str] = frozenset()  # the codes of the rules that ran
    run: Run | None = field(default=None, repr=False)  # for the reports that read the run's subjects
    options: Options | None = field(default=None, repr=False)

    @property
    def documents(self) -> dict[str, Document]:
        """Path -> the document checked."""
        return self._documents

    @property
    def mask(self) -> Masker:
        """Hides this run's secrets in any text shown (a diff, a fix)."""
        return self._masker

    def gathered(self, subject_type: type) -> list:
        """The subjects of this type the run gathered (never gathers more: no network call happens here)."""
        return list(self.run._subjects.get(subject_type, [])) if self.run else []

    def entries(self) -> list:
        """Every provider entry of the run (the static stage's `ProviderEntry`, gathered on demand)."""
        from .subjects import ProviderEntry

        return self.run.subjects(ProviderEntry) if self.run else []

    def source_line(self, finding: Finding) -> tuple[str, str, str] | None:
        """The finding's line as written, cut at its columns (before, the span, after), each piece
        masked (secrets, and access key ids shortened as the messages do); None without a line."""
        document = self._documents.get(finding.file)
        lines = document.lines if document is not None else []
        if not finding.line or finding.line > len(lines):
            return None
        text = lines[finding.line - 1]
        start = max(0, min((finding.column or 1) - 1, len(text)))
        end = start
        if finding.end_line == finding.line and finding.end_column:
            end = max(start, min(finding.end_column - 1, len(text)))
        pieces = tuple(_ACCESS_KEY.sub(lambda key: key[0][:4] + "…", self._masker(piece) or "") for piece in (text[:start], text[start:end], text[end:]))
        if self._masker("".join(pieces)) != "".join(pieces):  # a secret across the cuts: mask it whole
            return self._masker(text), "", ""
        return pieces

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def failed(self, fail_on: Severity) -> bool:
        return any(finding.severity.rank >= fail_on.rank for finding in self.findings)

    def exit_code(self, fail_on: Severity) -> int:
        return 1 if self.failed(fail_on) else 0


def run_lint(sources: list[Source], options: Options, environ: dict[str, str] | None = None) -> Report:
    # The cyclic collector would walk every node of every file loaded so far, again and again: on 10,000
    # files it took 40% of the run. Nodes and subjects are freed by reference counting; the few cycles
    # (a subject and its run) wait for the collector until the run ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_lint(sources, options, environ)
    finally:
        if collecting:
            gc.enable()


def _run_lint(sources: list[Source], options: Options, environ: dict[str, str] | None) -> Report:
    rules = load_rules(options.stages)
    selected = select_rules(rules, options.stages, options.select, options.extend_select, options.ignore)
    documents, skipped, unread = [], [], []
    for source in sources:
        if source.unread:
            unread.append(source)
            continue
        if not source.explicit and not may_be_config(source.raw):
            skipped.append(source.path)  # a file found in a folder that cannot be a provider config: never parsed
            continue
        document = load(source.path, source.raw, source.size)
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
        if inline.MARKER in document.text  # most files have no directive: skip finding their multi-line scalars
        for suppression in inline.parse(document.path, document.text, document.scalar_content_lines() if document.loaded else set())
    ]

    def judge(chosen: list[Rule]) -> list[Finding]:
        found = [_place(finding, run) for rule in chosen for subject in run.subjects(rule.subject) for finding in rule.run(subject)]
        return inline.apply(_drop_per_file_ignores(found, options, rules), run.suppressions)

    def level(rule: Rule) -> int:
        return int(getattr(rule.subject, "late", 0))

    # Late rules (SES008) judge the suppressions, so they run after the others have used them; the
    # baseline's own rule (SES014, level 2) judges what the baseline left over.
    masker = _masker(documents, run)
    overrides = _severity_overrides(options.severity, rules)
    ordered = _finish(judge([r for r in selected if level(r) == 0]) + judge([r for r in selected if level(r) == 1]), masker, overrides)
    baselined = 0
    if options.baseline is not None:
        kept = options.baseline.apply(ordered, documents, run)
        baselined = len(ordered) - len(kept)
        ordered = sorted(kept + _finish(judge([r for r in selected if level(r) == 2]), masker, overrides), key=Finding.sort_key)
    stages = {stage.value: sum(1 for rule in selected if rule.stage == stage) for stage in Stage if stage in options.stages}
    return Report(ordered, files=len(documents), skipped=skipped, rules=rules, checked=[document.path for document in documents],
                  unread=unread, _documents={document.path: document for document in documents}, _masker=masker,
                  stages=stages, baselined=baselined, ran=frozenset(rule.code for rule in selected), run=run, options=options)


def _finish(findings: list[Finding], masker: Masker, overrides: dict[str, Severity]) -> list[Finding]:
    """Merge grouped findings, mask secrets, apply severity overrides, drop repeats, sort."""
    final = {}
    for finding in _merge_groups(findings):
        finding = finding.evolve(
            message=escape_line_breaks(masker(finding.message)),
            suggestion=masker(finding.suggestion),
            severity=overrides.get(finding.code, finding.severity),
        )
        final.setdefault((finding.code, finding.file, finding.line, finding.column, finding.message), finding)
    return sorted(final.values(), key=Finding.sort_key)


def _merge_groups(findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, group): at the first place, naming every provider the fact concerns."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    result: list[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        group = finding.extra.get("group")
        if group is None:
            result.append(finding)
        else:
            groups.setdefault((finding.code, group), []).append(finding)
    for members in groups.values():
        first = members[0]
        providers = list(dict.fromkeys(member.provider for member in members if member.provider))
        if len(providers) > 1:
            first = first.evolve(message=f"{first.message} (concerns providers {', '.join(f'`{name}`' for name in providers)})")
        result.append(first)
    return result


def _place(finding: Finding, run: Run) -> Finding:
    if finding.line is not None:
        return finding
    document = run.document(finding.file)
    if document is None or not document.loaded:
        return finding.evolve(line=1, column=1)
    line, column, end_line, end_column = document.locate(finding.path, finding.at)
    return finding.evolve(line=line, column=column, end_line=end_line, end_column=end_column)


def _drop_per_file_ignores(findings: list[Finding], options: Options, rules: dict[str, Rule]) -> list[Finding]:
    """Gitignore-style patterns, relative to the configuration's folder (the current one by default)."""
    if not options.per_file_ignores:
        return findings
    base = options.config_folder or os.getcwd()
    ignored = [(PatternSet(base, [pattern], "per-file-ignores"), codes_matching(codes, rules)) for pattern, codes in options.per_file_ignores.items()]
    by_file: dict[str, set[str]] = {}
    for file in {finding.file for finding in findings}:
        absolute = os.path.abspath(file) if file != "-" else None
        by_file[file] = {code for patterns, codes in ignored if absolute and patterns.matches(absolute) for code in codes}
    return [finding for finding in findings if finding.code not in by_file[finding.file]]


def _severity_overrides(overrides: dict[str, Severity], rules: dict[str, Rule]) -> dict[str, Severity]:
    result = {}
    for selector, severity in overrides.items():
        for code in codes_matching([selector], rules):
            result[code] = Severity(severity)
    return result


def _masker(documents: list[Document], run: Run) -> Masker:
    masker = Masker()
    for document in documents:
        lowered = document.text.lower()
        if "\\" not in lowered and not any(word in lowered for word in SECRET_KEY_WORDS):
            continue  # no key can name a secret (an escape could spell one)
        root = document.root if document.loaded else None
        for path, node in iter_scalars(root):
            if path and isinstance(path[-1], str) and any(word in path[-1].lower() for word in SECRET_KEY_WORDS):
                masker.add(node.text)
                if run.options.env:
                    masker.add(expand(node.text, run.environ))
    return masker
