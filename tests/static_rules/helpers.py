"""Shared helpers for the per-rule specification tests: one bad and one good fixture per static rule."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pytest
from support import positions  # noqa: F401  (the family modules import it from here)

import ses_lint
from ses_lint.core.baseline import Baseline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "static"

# Options a rule needs to run at all (everything else runs with the defaults).
RUN_OPTIONS: dict[str, dict[str, Any]] = {
    "SES312": {"env": True, "environ": {}},
    "SES014": {"baseline": Baseline.read(FIXTURES / "SES014" / "bad-baseline.json")},
}
GOOD_OPTIONS: dict[str, dict[str, Any]] = {
    "SES312": {"env": True, "environ": {"SES_LINT_TEST_PROFILE": "production"}},
    "SES014": {"baseline": Baseline.read(FIXTURES / "SES014" / "good-baseline.json")},
}


# Files checked in the same run before a rule's fixture, for rules about several files.
COMPANIONS: dict[str, list[str]] = {
    "SES105": ["first.yaml"],
}


def fixture(code: str, kind: str) -> str:
    """A rule's fixture; a template rule's lie in a `templates/` folder, as a Helm chart's do."""
    nested = FIXTURES / code / "templates" / f"{kind}.yaml"
    return str(nested if nested.is_file() else FIXTURES / code / f"{kind}.yaml")


def fixture_run(code: str, kind: str) -> list[str]:
    """The paths one run checks for a rule's fixture: its companions first, then the fixture."""
    return [str(FIXTURES / code / name) for name in COMPANIONS.get(code, [])] + [fixture(code, kind)]


def lint(paths: Sequence[str] | str, **options: Any) -> list[ses_lint.Finding]:
    return list(ses_lint.lint(paths, **options).findings)


def spec_params(table: Sequence[tuple]) -> list:
    """pytest params from a (code, [(line, column), ...], [words per finding]) table, ids by code."""
    return [pytest.param(*row, id=row[0]) for row in table]


def assert_bad(code: str, expected: list[tuple[int, int]], words: list[Sequence[str]]) -> None:
    """The bad fixture yields exactly these findings of `code`, in order, each message holding its words."""
    found = lint(fixture_run(code, "bad"), select=[code], **RUN_OPTIONS.get(code, {}))
    assert positions(found) == [(code, line, column) for line, column in expected], [
        (f.code, f.line, f.column, f.message) for f in found
    ]
    assert len(words) == len(found)
    for finding, expected_words in zip(found, words):
        for word in expected_words:
            assert word in finding.message, (word, finding.message)
    # The rule also fires at these places when every rule runs (SES008 may find more: more rules ran).
    unselected = positions(lint(fixture_run(code, "bad"), **RUN_OPTIONS.get(code, {})), code)
    assert [place for place in positions(found) if place not in unselected] == []


def assert_good(code: str) -> None:
    options = GOOD_OPTIONS.get(code, RUN_OPTIONS.get(code, {}))
    selected = lint(fixture_run(code, "good"), select=[code], **options)
    assert selected == [], [(f.code, f.line, f.column, f.message) for f in selected]
    everything = lint(fixture_run(code, "good"), **options)
    assert positions(everything, code) == []
