"""A Finding is not a frozen dataclass (a frozen one is four times slower to make, and a 2 MiB file can
make 184,000 of them twice), so these tests keep what frozen enforced: once made, nothing assigns to one.

- At run time: every assignment to a Finding's field outside its own construction (`__init__`, `evolve`,
  `ruled`, which fill a new object) raises, over a whole run of every static fixture and the examples in
  every format, with `--fix --diff` too.
- In the sources: no `setattr`/`object.__setattr__` on a field's name and no `<name>.<field> = ...` where
  the name says it holds a finding, anywhere in ses_lint/ or rules/.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import fields

import pytest
from support import EXAMPLES, ROOT, run_cli

from ses_lint.core.findings import Finding
from ses_lint.report import FORMATS

FIELDS = {item.name for item in fields(Finding)}
CONSTRUCTION = {"__init__", "evolve", "ruled"}


@pytest.fixture
def sealed(monkeypatch):
    """Finding's fields may be set only by the code that makes a new one."""
    assignments: list[str] = []

    def guarded(finding, name, value):
        caller = sys._getframe(1).f_code
        if caller.co_name not in CONSTRUCTION or not caller.co_filename.endswith(("findings.py", "<string>")):
            assignments.append(f"{caller.co_filename}:{sys._getframe(1).f_lineno} sets {name}")
            raise AttributeError(f"a Finding is never changed once made ({name})")
        object.__setattr__(finding, name, value)

    monkeypatch.setattr(Finding, "__setattr__", guarded)
    yield assignments


def test_the_guard_catches_an_assignment(sealed):
    finding = Finding("m", "f")  # made: allowed
    assert finding.evolve(message="n").message == "n"
    with pytest.raises(AttributeError):
        finding.message = "changed"
    assert sealed and "sets message" in sealed[-1]


@pytest.mark.parametrize("format_name", FORMATS)
def test_no_finding_is_changed_by_a_run(sealed, format_name):
    fixtures = ROOT / "tests" / "fixtures" / "static"
    result = run_cli("check", "--format", format_name, str(fixtures), str(EXAMPLES))
    assert result.code in (0, 1), result.err
    assert not sealed, sealed


def test_no_finding_is_changed_by_fixes(sealed, tmp_path):
    fixed = tmp_path / "fix.yaml"
    fixed.write_text('version: "1.0"\nproviders:\n  p:\n    provider: email.ses\n    config: {from: a@mycompany.com, aws_region: us-east-1}\n', encoding="utf-8")
    for option in ("--diff", "--fix"):
        result = run_cli("check", option, str(fixed))
        assert result.code in (0, 1), result.err
    assert "region: us-east-1" in fixed.read_text(encoding="utf-8")
    assert not sealed, sealed


def _assignments(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in FIELDS and isinstance(target.value, ast.Name) and "finding" in target.value.id.lower():
                found.append(f"line {node.lineno}: {target.value.id}.{target.attr} = ...")
        if isinstance(node, ast.Call) and node.args[1:2] and isinstance(node.args[1], ast.Constant) and node.args[1].value in FIELDS:
            function = ast.unparse(node.func)
            if function in ("setattr", "object.__setattr__") and "finding" in ast.unparse(node.args[0]).lower():
                found.append(f"line {node.lineno}: {function}(…, {node.args[1].value!r}, …)")
    return found


def test_no_source_assigns_to_a_finding():
    offenders = {}
    for path in sorted([*(ROOT / "ses_lint").rglob("*.py"), *(ROOT / "rules").glob("*.py")]):
        if path.name == "findings.py" and path.parent.name == "core":
            continue  # where a Finding is made
        found = _assignments(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, offenders


def test_the_source_check_can_fail():
    assert _assignments(ast.parse("finding.message = 'x'\nobject.__setattr__(finding, 'line', 2)\n")) == [
        "line 1: finding.message = ...", "line 2: object.__setattr__(…, 'line', …)"]
