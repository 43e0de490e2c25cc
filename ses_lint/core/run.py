"""One run of ses-lint: its options, the files it reads, and the facts its collectors gathered for the rules."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from ses_lint import collect
from ses_lint.core import collectors
from ses_lint.core.findings import Severity, Stage
from ses_lint.source.document import Document

DEFAULT_TIMEOUT = 5.0


@dataclass
class Options:
    """Everything a run can be told. The CLI, the configuration file and `lint()` all fill this."""

    stages: frozenset[Stage] = frozenset({Stage.STATIC})
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    config_folder: str | None = None  # what `per_file_ignores` patterns are relative to (default: the current folder)
    nameservers: list[str] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT
    env: bool = False
    mail_from: list[str] = field(default_factory=list)
    dkim_selectors: list[str] = field(default_factory=list)
    probe_to: str = "success@simulator.amazonses.com"
    progress: bool = False
    dns_concurrency: int = 1024  # DNS queries in flight per server at most (facts.dns.DEFAULT_CONCURRENCY)
    verbose: bool = False  # text format: show the evaluated SPF tree of each domain
    baseline: Any = None  # a ses_lint.core.baseline.Baseline: report only findings it does not hold
    max_per_rule: int = 100  # findings shown of one rule (and severity) in one file, then one counting the rest (ses_lint.core.cap); 0: all


@dataclass(eq=False)
class Run:
    options: Options
    documents: list[Document]
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    selected_codes: frozenset[str] = frozenset()
    suppressions: list[Any] = field(default_factory=list)
    stale_baseline: list[Any] = field(default_factory=list)  # baseline entries no finding matched (SES014)
    unjudged: dict[str, str] = field(default_factory=dict)  # file -> what failed while judging it (SES013)
    collectors: collectors.Table = field(default_factory=lambda: collectors.Table(collect.COLLECTORS))
    wanted: frozenset[str] = frozenset()  # the fact types the selected rules read, directly or not (engine: Table.wanted)
    _subjects: dict[str, list[Any]] = field(default_factory=dict)  # qualified type name -> its facts
    _by_path: dict[str, Document] = field(init=False, default_factory=dict)

    def subjects(self, subject_type: type | str) -> list[Any]:
        """The facts of one type, gathered once per run by its registered collector."""
        return collectors.gather(self, subject_type)

    def gathered(self) -> list[tuple[type, list[Any]]]:
        """Every fact type gathered so far, with its facts."""
        return [(collectors.fact_type(name), facts) for name, facts in self._subjects.items()]

    def supply(self, subject_type: type | str, facts: list[Any]) -> None:
        """Give the run the facts of one type instead of gathering them (tests judge rules on facts built by hand)."""
        self._subjects[collectors.type_name(subject_type)] = list(facts)

    def already(self, subject_type: type | str) -> list[Any]:
        """The facts of one type if the run gathered them, else [] (never gathers)."""
        return list(self._subjects.get(collectors.type_name(subject_type), []))

    def stage_enabled(self, stage: Stage) -> bool:
        return stage in self.options.stages

    def __post_init__(self) -> None:
        self._by_path = {document.path: document for document in self.documents}

    def document(self, path: str) -> Document | None:
        return self._by_path.get(path)

    def exclude(self, paths: set[str]) -> None:
        """Go on without these files (they could not be judged); subjects already gathered stay."""
        self.documents = [document for document in self.documents if document.path not in paths]
