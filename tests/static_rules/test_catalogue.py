"""Every static rule ships with a bad and a good fixture and documents Why/Fix/Bad/Good."""
from __future__ import annotations

from pathlib import Path

import pytest
from ses_lint.rules import load_rules

from ses_lint.core.findings import Stage
from ses_lint.core.registry import DOC_SECTIONS

from .helpers import FIXTURES, fixture

RULES = load_rules()
# SES013 reports ses-lint's own errors: no input is known to provoke it (tests/test_isolation.py
# provokes it with a rule that raises), so it has no fixtures and no spec row.
UNPROVOKABLE = {"SES013"}
STATIC = sorted(code for code, rule in RULES.items() if rule.stage == Stage.STATIC and code not in UNPROVOKABLE)


def test_static_rules_are_registered():
    assert len(STATIC) >= 43
    assert STATIC[0] == "SES001" and "SES507" in STATIC


@pytest.mark.parametrize("code", STATIC)
def test_every_static_rule_has_a_bad_and_a_good_fixture(code):
    for kind in ("bad", "good"):
        path = Path(fixture(code, kind))
        assert path.is_file(), f"{code} needs tests/fixtures/static/{code}/{kind}.yaml"
        assert path.read_bytes().strip(), f"{path} is empty"


def test_no_fixture_folder_without_a_rule():
    folders = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir())
    assert [name for name in folders if name not in RULES] == []


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_documents_why_fix_bad_good(code):
    docs = RULES[code].docs
    assert docs.summary, f"{code} has no summary"
    for section in DOC_SECTIONS:
        assert docs.sections.get(section, "").strip(), f"{code}'s docs lack a {section}: section"


def test_every_static_rule_has_a_spec_row():
    """Each family module's table names every rule of its family (so a new rule needs a spec row)."""
    from .test_spec import SPEC

    assert sorted(set(STATIC) - {row[0] for row in SPEC}) == []
