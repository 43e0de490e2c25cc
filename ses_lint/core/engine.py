"""The engine: read files, select rules, gather their subjects, run them, suppress, sort. It knows no rule."""
from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ses_lint.collect.files import Source, UsageError, discover  # noqa: F401 - part of the engine's interface
from ses_lint.core import suppressions as inline
from ses_lint.core.cap import cap
from ses_lint.core.findings import Finding, Severity, Stage, escape_line_breaks
from ses_lint.core.isolation import describe, judge_rule, reraise_when_debugging
from ses_lint.core.registry import Rule
from ses_lint.core.run import Options, Run
from ses_lint.core.secrets import Masker, collect, mask_finding
from ses_lint.core.selection import codes_matching, matches, select_rules
from ses_lint.rules import load_rules
from ses_lint.source.document import Document, load
from ses_lint.source.patterns import PatternSet
from ses_lint.source.prefilter import may_be_config

UNJUDGED_CODE = "SES013"
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")


@dataclass
class Report:
    """What a run found, in order, and which files it checked, skipped and could not read. `findings` is
    what the formats show (capped per rule and file, `core.cap`); `all_findings` is every one."""

    findings: list[Finding]
    files: int
    skipped: list[str] = field(default_factory=list)  # read, but not provider configs
    rules: dict[str, Rule] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # the provider configs checked
    unread: list[Source] = field(default_factory=list)  # passed over, each with the reason why
    _documents: dict[str, Document] = field(default_factory=dict, repr=False)
    mask: Masker = field(default_factory=Masker, repr=False)  # the run's secrets, for strings a format adds of its own
    stages: dict[str, int] = field(default_factory=dict)  # each stage that ran -> how many rules it ran
    baselined: int = 0  # findings left out because the baseline holds them
    ran: frozenset[str] = frozenset()  # the codes of the rules that ran
    run: Run | None = field(default=None, repr=False)  # for the reports that read the run's subjects
    options: Options | None = field(default=None, repr=False)
    all_findings: list[Finding] = None  # type: ignore[assignment]  # every finding; `findings` when not given

    @property
    def documents(self) -> dict[str, Document]:
        """Path -> the document checked."""
        return self._documents

    def gathered(self, subject_type: type) -> list:
        """The subjects of this type the run gathered (never gathers more: no network call happens here)."""
        return self.run.already(subject_type) if self.run else []

    def entries(self) -> list:
        """Every provider entry of the run (the static stage's `ProviderEntry`, gathered on demand)."""
        from ses_lint.source.config import ProviderEntry

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
        pieces = tuple(_ACCESS_KEY.sub(lambda key: key[0][:4] + "…", self.mask(piece) or "") for piece in (text[:start], text[start:end], text[end:]))
        if self.mask("".join(pieces)) != "".join(pieces):  # a secret across the cuts: mask it whole
            return self.mask(text), "", ""
        return pieces
    _describers: list[Any] = field(default_factory=list, repr=False)  # (subject type's describe, its subjects)
    _details: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def details(self) -> dict[str, Any]:
        """What the subject types describe of their facts (the JSON's `dns`, `--verbose`), built when asked."""
        if self._details is None:
            self._details = {}
            for describe, subjects in self._describers:
                self._details.update(describe(subjects))
        return self._details

    def __post_init__(self) -> None:
        if self.all_findings is None:
            self.all_findings = self.findings

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.all_findings if finding.severity == severity)

    def failed(self, fail_on: Severity) -> bool:
        return any(finding.severity.rank >= fail_on.rank for finding in self.all_findings)

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
    selected = _with_unjudged(select_rules(rules, options.stages, options.select, options.extend_select, options.ignore), rules, options)
    documents, skipped, unread, unjudged = [], [], [], {}
    for source in sources:
        if source.unread:
            unread.append(source)
            continue
        if not source.explicit and not may_be_config(source.raw):
            skipped.append(source.path)  # a file found in a folder that cannot be a provider config: never parsed
            continue
        try:
            document = load(source.path, source.raw, source.size)
        except Exception as error:  # noqa: BLE001 - a loader bug loses this file, never the run
            reraise_when_debugging()
            documents.append(Document(source.path, source.raw.decode("utf-8", "replace")))
            unjudged[source.path] = describe(error, "loading it")
            continue
        broken = any(problem.kind in ("syntax", "unsafe") for problem in document.problems)
        if document.is_config or (source.explicit and broken):
            documents.append(document)
        else:
            skipped.append(source.path)
    run = Run(options, documents, selected_codes=frozenset(rule.code for rule in selected))
    # which collectors run, in which order: what the selected rules' subjects need (NoCollector if a
    # subject type has none, ValueError for needs in a cycle: both bugs of ses-lint, never of a file)
    subject_types = list(dict.fromkeys(rule.subject for rule in selected))
    run.collectors.plan(subject_types, options.stages)
    run.wanted = run.collectors.wanted(subject_types, options.stages)
    run.unjudged = unjudged
    if environ is not None:
        run.environ = environ

    for document in documents:
        if inline.MARKER not in document.text:
            continue  # most files have no directive: skip finding their multi-line scalars
        try:
            run.suppressions += inline.parse(document.path, document.text, document.inside_scalar)
        except Exception as error:  # noqa: BLE001
            reraise_when_debugging()
            unjudged.setdefault(document.path, describe(error, "reading its suppressions"))

    where = _placer(run)

    def judge(chosen: list[Rule]) -> list[Finding]:
        found = [finding for rule in chosen for finding in judge_rule(rule, run, where=where)]
        return inline.apply(_drop_per_file_ignores(found, options, rules), run.suppressions)

    def level(rule: Rule) -> int:
        return run.collectors.phase(rule.subject).rank

    # Rules whose facts are gathered after suppressions (SES008, SES013: phase 1) judge what the others
    # left, so they run after them; the baseline's own rule (SES014, phase 2) judges what it left over.
    masker = collect(documents, run.environ if options.env else None)
    overrides = _severity_overrides(options.severity, rules)
    ordered = _finish(judge([r for r in selected if level(r) == 0]) + judge([r for r in selected if level(r) == 1]), masker, overrides)
    baselined = 0
    if options.baseline is not None:
        kept = options.baseline.apply(ordered, documents, run)
        baselined = len(ordered) - len(kept)
        ordered = sorted(kept + _finish(judge([r for r in selected if level(r) == 2]), masker, overrides), key=Finding.sort_key)
    stages = {stage.value: sum(1 for rule in selected if rule.stage == stage) for stage in Stage if stage in options.stages}
    describers = [(subject_type.describe, subjects) for subject_type, subjects in run.gathered()
                  if subjects and getattr(subject_type, "describe", None) is not None]
    return Report(cap(ordered, options.max_per_rule), all_findings=ordered, files=len(documents), skipped=skipped, rules=rules, checked=[document.path for document in documents],
                  unread=unread, _documents={document.path: document for document in documents}, mask=masker, _describers=describers,
                  stages=stages, baselined=baselined, ran=frozenset(rule.code for rule in selected), run=run, options=options)


def _finish(findings: list[Finding], masker: Masker, overrides: dict[str, Severity]) -> list[Finding]:
    """Merge grouped findings, mask secrets, apply severity overrides, drop repeats, sort."""
    final = {}
    for finding in _merge_groups(findings):
        severity = overrides.get(finding.code) if overrides else None
        finding = mask_finding(finding, masker) if severity is None else mask_finding(finding, masker, severity=severity)
        if (message := escape_line_breaks(finding.message)) != finding.message:
            finding = finding.evolve(message=message)
        final.setdefault((finding.code, finding.file, finding.line, finding.column, finding.message), finding)
    return sorted(final.values(), key=Finding.sort_key)


def _merge_groups(findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, group): at the first place, naming every provider the fact concerns."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    result: list[Finding] = []
    for finding in findings:
        group = finding.extra.get("group") if finding.extra else None
        if group is None:
            result.append(finding)
        else:
            groups.setdefault((finding.code, group), []).append(finding)
    for members in groups.values():
        members.sort(key=Finding.sort_key)  # the first place of the group's findings (the caller sorts the rest)
        first = members[0]
        providers = list(dict.fromkeys(member.provider for member in members if member.provider))
        if len(providers) > 1:
            first = first.evolve(message=f"{first.message} (concerns providers {', '.join(f'`{name}`' for name in providers)})")
        result.append(first)
    return result


def _with_unjudged(selected: list[Rule], rules: dict[str, Rule], options: Options) -> list[Rule]:
    """SES013 ("could not judge this file") runs whatever is selected, unless ignored by name: a file
    that could not be judged must never look clean."""
    rule = rules.get(UNJUDGED_CODE)
    if rule is None or rule in selected or any(matches(selector, rule) for selector in options.ignore):
        return selected
    return [*selected, rule]


def _place(finding: Finding, run: Run) -> Finding:
    """The finding at its line and column (found from its key path when the rule gave none)."""
    place = _placer(run)(finding)
    return finding if place is None else finding.evolve(line=place[0], column=place[1], end_line=place[2], end_column=place[3])


def _placer(run: Run) -> Callable[[Finding], tuple | None]:
    """Where each finding of this run is: (line, column, end line, end column) from its key path when its
    rule gave no line, None when it did. `Rule.run` places each finding with it as it gives it the
    rule's code, in one copy; each file's document is looked up once (a file may have 184,000 findings)."""
    loaded: dict[str, Document | None] = {}

    def where(finding: Finding) -> tuple | None:
        if finding.line is not None:
            return None
        document = loaded.get(finding.file, _UNSEEN)
        if document is _UNSEEN:
            document = loaded[finding.file] = run.document(finding.file)
            if document is not None and not document.loaded:
                document = loaded[finding.file] = None
        if document is None:
            return 1, 1, finding.end_line, finding.end_column
        return document.locate(finding.path, finding.at)

    return where


_UNSEEN: Any = object()


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
