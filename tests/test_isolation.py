"""An error of ses-lint's own inside one file's analysis never loses the other files' findings: that file
gets one SES013 ("could not judge this file"), the run goes on, and the exit code says so.

No input is known to provoke such an error, so these tests provoke it: a rule registered for the test
that raises on one file, a subject type whose gathering raises on one file, and a loader that raises."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import pytest

import ses_lint
from ses_lint import collect
from ses_lint.core import engine
from ses_lint.core.collectors import Collector, type_name
from ses_lint.core.findings import ERROR, STATIC, Finding
from ses_lint.core.registry import RULES, rule
from ses_lint.source.config import SesProvider

GOOD = 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config: {from: noreply@mycompany.com, region: us-east1}\n'
BOOM = GOOD.replace("email-ses", "boom")


@pytest.fixture
def files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "boom.yaml").write_text(BOOM)
    return [str(tmp_path / "a.yaml"), str(tmp_path / "boom.yaml")]


@pytest.fixture
def temporary_rule():
    added = []

    def register(code, check):
        rule(code, f"test-{code.lower()}", stage=STATIC, severity=ERROR)(check)
        added.append(code)

    yield register
    for code in added:
        RULES.pop(code, None)


def by_file(report) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for finding in report.findings:
        result.setdefault(finding.file.rsplit("/", 1)[-1], []).append(finding.code)
    return result


def test_a_rule_that_raises_on_one_file(files, temporary_rule):
    def explodes(provider: SesProvider) -> Iterator[Finding]:
        if provider.key == "boom":
            raise KeyError("true ")
        return iter(())

    temporary_rule("SES998", explodes)
    report = ses_lint.lint(files)
    found = by_file(report)
    assert found["a.yaml"] == ["SES401"]
    assert sorted(found["boom.yaml"]) == ["SES013", "SES401"]  # its other rules still ran
    (unjudged,) = [f for f in report.findings if f.code == "SES013"]
    assert (unjudged.line, unjudged.column) == (1, 1)
    assert unjudged.message.startswith("ses-lint could not judge this file") and "running SES998: KeyError" in unjudged.message
    assert report.exit_code(ses_lint.Severity.ERROR) == 1


def test_it_runs_whatever_is_selected(files, temporary_rule):
    def explodes(provider: SesProvider) -> Iterator[Finding]:
        raise RuntimeError("bug")

    temporary_rule("SES998", explodes)
    assert sorted(f.code for f in ses_lint.lint(files, select=["SES998"]).findings) == ["SES013", "SES013"]
    assert ses_lint.lint(files, select=["SES998"], ignore=["SES013"]).findings == []


@dataclass(frozen=True)
class Fragile:
    file: str


def gather_fragile(inputs):
    for document in inputs.documents:
        if "boom" in document.path:
            raise ValueError("cannot gather")
        yield Fragile(document.path)


def test_gathering_that_raises_on_one_file(files, temporary_rule, monkeypatch):
    def judge(subject: Fragile) -> Iterator[Finding]:
        yield Finding("judged", subject.file, line=1, column=1)

    temporary_rule("SES997", judge)
    fragile = Collector(type_name(Fragile), f"{__name__}:gather_fragile", STATIC)
    monkeypatch.setattr(collect, "COLLECTORS", (*collect.COLLECTORS, fragile))
    found = by_file(ses_lint.lint(files))
    assert sorted(found["a.yaml"]) == ["SES401", "SES997"]
    assert "SES013" in found["boom.yaml"] and "SES997" not in found["boom.yaml"]


def test_a_loader_that_raises_on_one_file(files, monkeypatch):
    real = engine.load

    def load(path, raw, *rest):
        if "boom" in path:
            raise MemoryError
        return real(path, raw, *rest)

    monkeypatch.setattr(engine, "load", load)
    report = ses_lint.lint(files)
    found = by_file(report)
    assert found == {"a.yaml": ["SES401"], "boom.yaml": ["SES013"]}
    assert "loading it: MemoryError" in report.findings[-1].message


def test_the_crash_that_lost_the_run_through_the_cli(tmp_path):
    from support import run_cli

    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("    config:", '    enabled: !!bool "True "\n    config:'))
    result = run_cli("a.yaml", "b.yaml", cwd=tmp_path)
    assert "internal error" not in result.err and result.code == 1, result
    assert "a.yaml:5:51: SES401" in result.out, result.out
    assert "b.yaml:5:14: SES102 [error] `enabled` must be a boolean" in result.out, result.out
