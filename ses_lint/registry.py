"""The rule registry: the @rule decorator and each rule's metadata and documentation.

A rule is a function of one argument, its *subject* (a file, a provider, a workflow step, a sender
domain's DNS facts, ...). The subject's type, taken from the annotation, tells the engine which facts
the rule needs: the engine calls `SubjectType.gather(run)` once per run and feeds every subject to every
selected rule that wants it. The engine itself knows no rule.
"""
from __future__ import annotations

import inspect
import re
import textwrap
import typing
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .findings import Finding, Severity, Stage

DOC_SECTIONS = ("Why", "Fix", "Bad", "Good")
_SECTION_RE = re.compile(r"^(Why|Fix|Bad|Good|Details):\s?(.*)$")


@dataclass(frozen=True)
class RuleDocs:
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
    code: str
    name: str
    stage: Stage
    severity: Severity
    check: Callable[[object], Iterable[Finding]]
    subject: type
    docs: RuleDocs

    @property
    def family(self) -> str:
        return self.check.__module__.rsplit(".", 1)[-1]

    def run(self, subject: object) -> Iterator[Finding]:
        for finding in self.check(subject) or ():
            yield finding.evolve(code=self.code, name=self.name, stage=self.stage, severity=finding.severity or self.severity)


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, *, stage: Stage, severity: Severity):
    """Register a rule. Its docstring is its documentation (summary, then Why/Fix/Bad/Good sections)."""

    def register(check: Callable) -> Callable:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        hints = typing.get_type_hints(check)
        params = list(inspect.signature(check).parameters)
        subject = hints[params[0]]
        RULES[code] = Rule(code, name, stage, severity, check, subject, parse_docs(check.__doc__ or ""))
        return check

    return register


def parse_docs(docstring: str) -> RuleDocs:
    text = inspect.cleandoc(docstring)
    summary_lines: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = _SECTION_RE.match(line)
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


def load_rules() -> dict[str, Rule]:
    """Import every rule module (registering its rules) and return the registry, ordered by code."""
    from . import rules  # noqa: F401  (the package imports each family module)

    return dict(sorted(RULES.items()))
