"""The rule registry: the @rule decorator and each rule's metadata and documentation.

A rule is a function of one argument, its *subject* (a file, a provider, a workflow step, a sender
domain's DNS facts, ...). The subject's type, taken from the annotation, tells the engine which facts
the rule needs: the collector registered for that type (ses_lint.collect.COLLECTORS) gathers them once
per run, and the engine feeds every subject to every selected rule that wants it. The engine itself
knows no rule.
"""
from __future__ import annotations

import functools
import inspect
import re
import typing
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ses_lint.core.findings import Finding, Severity, Stage

DOC_SECTIONS = ("Why", "Fix", "Bad", "Good")
_SECTION_RE = r"^(Why|Fix|Bad|Good|Details):\s?(.*)$"  # compiled by `re` when docs are first read


@dataclass(frozen=True)
class RuleDocs:
    """A rule's documentation: its summary and its sections (Details, Why, Fix, Bad, Good)."""

    summary: str
    sections: dict[str, str]

    def text(self) -> str:
        parts = [self.summary]
        for name in ("Details", *DOC_SECTIONS):
            body = self.sections.get(name)
            if body and name in ("Bad", "Good"):
                parts.append(f"{name}:\n{_indent(body)}")
            elif body:
                parts.append(f"{name}: " + " ".join(line.strip() for line in body.splitlines()))
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, name, stage, default severity, check function and subject type."""

    code: str
    name: str
    stage: Stage
    severity: Severity
    check: Callable[[object], Iterable[Finding]]
    subject: type

    @property
    def docs(self) -> RuleDocs:
        """Parsed when asked (`explain`, SARIF, the docs), not at import: a static run never reads them."""
        return _docs(self.check)

    @property
    def module(self) -> str:
        """The rule's module under `rules/`, named for its code range and topic (`ses60_spf`)."""
        return self.check.__module__.rsplit(".", 1)[-1]

    @property
    def family(self) -> str:
        """The topic of the rule's module (`spf`), as SARIF tags it."""
        return self.module.split("_", 1)[1]

    @property
    def source(self) -> str:
        """The rule's source file in the repository (`rules/ses60_spf.py`)."""
        return f"rules/{self.module}.py"

    def run(self, subject: object, where: Callable[[Finding], tuple | None] | None = None) -> Iterator[Finding]:
        """The rule's findings on `subject`, each carrying the rule's code, name, stage and severity, and
        placed at what `where` gives for it (line, column, end line, end column; None: where it is), in
        one copy per finding."""
        code, name, stage, severity = self.code, self.name, self.stage, self.severity
        for finding in self.check(subject) or ():
            yield finding.ruled(code, name, stage, severity, where(finding) if where is not None else None)

    def judge(self, subjects: Iterable[object], where: Callable[[Finding], tuple | None], failed: Callable[[object, Exception], None]) -> list[Finding]:
        """`run` over every subject, into one list (a rule meets hundreds of thousands of subjects in a
        2 MiB file: one loop, no generator of its own per subject); `failed(subject, error)` hears of a
        subject the rule could not judge, and the rule goes on with the next."""
        code, name, stage, severity, check = self.code, self.name, self.stage, self.severity, self.check
        found: list[Finding] = []
        add = found.append
        for subject in subjects:
            try:
                for finding in check(subject) or ():
                    add(finding.ruled(code, name, stage, severity, where(finding)))
            except Exception as error:  # noqa: BLE001 - a rule bug costs a finding, never the run
                failed(subject, error)
        return found


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, *, stage: Stage, severity: Severity):
    """Register a rule. Its docstring is its documentation (summary, then Why/Fix/Bad/Good sections)."""

    def register(check: Callable) -> Callable:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(code, name, stage, severity, check, _subject_type(check))
        return check

    return register


def _subject_type(check: Callable) -> type:
    """The type annotating the rule's one parameter. Under postponed annotations it is a name, looked up
    in the rule's module: `typing.get_type_hints` would compile every annotation of every rule."""
    parameter = check.__code__.co_varnames[0]
    annotation = check.__annotations__[parameter]
    if isinstance(annotation, str):
        found = check.__globals__.get(annotation)
        return found if isinstance(found, type) else typing.get_type_hints(check)[parameter]
    return annotation


@functools.lru_cache(maxsize=None)
def _docs(check: Callable) -> RuleDocs:
    return parse_docs(check.__doc__ or "")


def parse_docs(docstring: str) -> RuleDocs:
    import textwrap

    text = inspect.cleandoc(docstring)
    summary_lines: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = re.match(_SECTION_RE, line)
        if match:
            current = sections.setdefault(match.group(1), [])
            if match.group(2):
                current.append(match.group(2))
        elif current is None:
            summary_lines.append(line)
        else:
            current.append(line)
    return RuleDocs(
        summary=" ".join(line.strip() for line in summary_lines if line.strip()),
        sections={
            name: textwrap.dedent("\n".join(lines)).strip("\n") if name in ("Bad", "Good") else inspect.cleandoc("\n".join(lines))
            for name, lines in sections.items()
        },
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())
