"""The dns, aws and probe stages' facts are plain data (issue 10): frozen dataclasses in modules that
import only the standard library, the finding and config types and other fact modules; the parsers and
walks that ask DNS live in ses_lint/collect/dns/, the AWS calls in ses_lint/collect/aws/ and collect/probe.py."""
from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import sys
from pathlib import Path

import pytest

FACTS = ("answer", "spf", "dmarc", "dkim", "hints", "sender", "aws", "probe")
ALLOWED = ("ses_lint.facts.", "ses_lint.knowledge.", "ses_lint.core.findings", "ses_lint.source.config", "idna")  # idna: a pure helper (A-labels of `from`)


@pytest.mark.parametrize("name", FACTS)
def test_a_fact_module_imports_no_collector(name):
    module = importlib.import_module(f"ses_lint.facts.{name}")
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    foreign = [target for target in imported
               if target.split(".")[0] not in sys.stdlib_module_names and target != "__future__" and not target.startswith(ALLOWED)]
    assert foreign == [], foreign


@pytest.mark.parametrize("name", FACTS)
def test_every_fact_type_is_frozen(name):
    module = importlib.import_module(f"ses_lint.facts.{name}")
    for _, value in inspect.getmembers(module, inspect.isclass):
        if value.__module__ == module.__name__ and dataclasses.is_dataclass(value):
            assert value.__dataclass_params__.frozen, value.__qualname__


def test_a_fact_is_not_changed_after_it_was_made():
    from ses_lint.collect.dns.spf import parse
    from ses_lint.facts.answer import Answer
    from ses_lint.facts.spf import SpfTree

    tree = SpfTree("example.org", Answer("example.org", "TXT", "ok", ("v=spf1 -all",)), "ok", parse("v=spf1 -all"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.status = "none"  # type: ignore[misc]
    assert tree.nodes() == [] and tree.lookups == 0
