"""A fix that writes a plain word over a one-line value is kept without loading the fixed file again
(`fixes._keeps_the_load`: 16,000 such fixes in a 2 MiB file cost a second load of it). Every edit the
shortcut keeps must load as cleanly as the file did (what loading it again would have checked), and the
shortcut must refuse what it cannot prove: keys, deletions, other text, a value glued to what precedes it."""
from __future__ import annotations

import pytest

from ses_lint.core import fixes
from ses_lint.core.findings import Finding, Fix
from ses_lint.source.document import load

HEAD = 'version: "1.0"\nproviders:\n  p:\n    provider: email.ses\n'

# (file text, key path of the value, the fix's text, whether the shortcut may keep it)
CASES = [
    (HEAD + "    config:\n      region: us-east1\n", ("providers", "p", "config", "region"), "us-east-1", True),
    (HEAD + "    config:\n      region: 'us-east1'\n", ("providers", "p", "config", "region"), "us-east-1", True),
    (HEAD + '    config:\n      region: "us-east1"  # a comment\n', ("providers", "p", "config", "region"), "us-east-1", True),
    (HEAD + "    config: {from: a@mycompany.com, region: us-east1}\n", ("providers", "p", "config", "region"), "us-east-1", True),
    (HEAD + "    config: {region: us-east1, from: a@mycompany.com}\n", ("providers", "p", "config", "region"), "us-east-1", True),
    (HEAD + "    config: {region: 'a b'}\n", ("providers", "p", "config", "region"), "eu-west-1", True),
    (HEAD + '    config: {"region":"us-east1"}\n', ("providers", "p", "config", "region"), "us-east-1", False),  # glued to `:`
    (HEAD + "    config:\n      region: us-east1\n", ("providers", "p", "config", "region"), "us east 1", False),  # not a word
    (HEAD + "    config:\n      region: us-east1\n", ("providers", "p", "config", "region"), "a: b", False),
    (HEAD + "    config:\n      region: us-east1\n", ("providers", "p", "config", "region"), "[x]", False),
    (HEAD + "    config:\n      region: us-east1\n", ("providers", "p", "config", "region"), "-x", False),
]


def _edit(text: str, path: tuple, word: str, action: str = "value"):
    document = load("x.yaml", text.encode())
    finding = Finding("m", "x.yaml", path=path, fix=Fix(action, "d", word, keep_quotes=True))
    return document, finding, fixes.edit_for(finding, document)


@pytest.mark.parametrize("text, path, word, kept", CASES)
def test_what_the_shortcut_keeps_loads_as_cleanly(text, path, word, kept):
    document, finding, edit = _edit(text, path, word)
    if edit is None:
        assert not kept
        return
    assert fixes._keeps_the_load(document.text, finding, edit) is kept
    if kept:
        after = fixes._apply(document.text, [edit])
        assert fixes._loads_as_cleanly("x.yaml", after, fixes._problems(document))
        assert load("x.yaml", after.encode()).data()["providers"]["p"]["config"] is not None


def test_keys_and_deletions_are_loaded_again():
    text = HEAD + "    config:\n      aws_region: us-east-1\n      region: x\n"
    document, finding, edit = _edit(text, ("providers", "p", "config", "aws_region"), "region", action="key")
    assert edit is not None and not fixes._keeps_the_load(document.text, finding, edit)
    # the rename would repeat `region`: loading it again is what refuses it
    assert fixes.plan([finding], {"x.yaml": document}) == []


def test_the_plan_keeps_every_provable_fix_of_many():
    text = 'version: "1.0"\nproviders:\n' + "".join(f"  p{i}:\n    provider: email.ses\n    config:\n      region: us-east{i % 3}\n" for i in range(200))
    document = load("x.yaml", text.encode())
    findings = [Finding("m", "x.yaml", path=("providers", f"p{i}", "config", "region"), fix=Fix("value", "d", "us-east-1")) for i in range(200)]
    (planned,) = fixes.plan(findings, {"x.yaml": document})
    assert len(planned.edits) == 200 and planned.after.count("region: us-east-1\n") == 200
