"""The collector registry (issue 10): every subject type has a collector, the engine resolves the order
from what the selected rules need, runs only that, and a collector reads only what it declared."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

import ses_lint
from ses_lint import collect
from ses_lint.core.collectors import Collector, Inputs, NoCollector, Phase, Table, UndeclaredFact, fact_type, type_name
from ses_lint.core.findings import Stage
from ses_lint.core.run import Options, Run
from ses_lint.rules import load_rules
from ses_lint.source.config import ProviderEntry, SesProvider
from ses_lint.source.document import load

STATIC, DNS, AWS = frozenset({Stage.STATIC}), frozenset({Stage.STATIC, Stage.DNS}), frozenset({Stage.STATIC, Stage.DNS, Stage.AWS})
TABLE = Table(collect.COLLECTORS)


def test_every_rule_subject_has_a_collector_of_its_stage_or_the_static_one():
    for code, rule in load_rules().items():
        name = type_name(rule.subject)
        assert name in TABLE, (code, name)
        assert TABLE.choose(name, frozenset()).stage in (rule.stage, Stage.STATIC), code


def test_every_collector_names_a_function_and_a_fact_type_that_exist():
    for collector in collect.COLLECTORS:
        assert callable(collector.load()), collector.function
        assert fact_type(collector.produces).__qualname__ == collector.produces.rsplit(".", 1)[1]
        for name in collector.needs + collector.optional:
            assert name in TABLE, (collector.function, name)


def test_the_plan_puts_needs_first_and_holds_only_what_the_rules_need():
    plan = [collector.produces.rsplit(".", 1)[1] for collector in TABLE.plan([collect.ADDRESS_USE], STATIC)]
    assert plan == ["Configuration", "ProviderEntry", "SesProvider", "NotifyStep", "AddressUse"]


def test_optional_needs_only_when_their_stage_runs():
    dns_only = [collector.function for collector in TABLE.plan([collect.SENDER_DOMAIN], DNS)]
    assert dns_only[-1] == "ses_lint.collect.dns.gather:collect" and not any("aws" in function for function in dns_only)
    with_aws = [collector.function for collector in TABLE.plan([collect.SENDER_DOMAIN], AWS)]
    assert "ses_lint.collect.aws.dns_hints:collect" in with_aws and "ses_lint.collect.aws.gather:collect" not in with_aws
    assert "ses_lint.collect.aws.identities:collect" in with_aws


def test_hints_and_the_aws_facts_share_the_identity_reads():
    plan = [collector.function for collector in TABLE.plan([collect.SENDER_DOMAIN, collect.AWS_PROVIDER], AWS)]
    assert plan.count("ses_lint.collect.aws.identities:collect") == 1
    identities = plan.index("ses_lint.collect.aws.identities:collect")
    assert identities < plan.index("ses_lint.collect.aws.gather:collect") and identities < plan.index("ses_lint.collect.aws.dns_hints:collect")


def test_late_phases_are_declared():
    assert TABLE.phase(collect.UNUSED_SUPPRESSION) is Phase.AFTER_SUPPRESSIONS
    assert TABLE.phase(collect.UNJUDGED_FILE) is Phase.AFTER_SUPPRESSIONS
    assert TABLE.phase(collect.STALE_ENTRY) is Phase.AFTER_BASELINE
    assert TABLE.phase(SesProvider) is Phase.FACTS


@dataclass(frozen=True)
class Looped:
    name: str


def test_unknown_types_and_cycles_are_errors_of_ses_lint():
    with pytest.raises(NoCollector):
        TABLE.plan([Looped], STATIC)
    table = Table([Collector("a.A", "x:y", Stage.STATIC, needs=("b.B",)), Collector("b.B", "x:y", Stage.STATIC, needs=("a.A",))])
    with pytest.raises(ValueError, match="a.A -> b.B -> a.A"):
        table.plan(["a.A"], STATIC)


def _run(tmp_path, stages=STATIC):
    path = tmp_path / "ses.yaml"
    path.write_text('version: "1.0"\nproviders:\n  ses:\n    provider: email.ses\n    config: {from: a@example.com, region: us-east-1}\n')
    return Run(Options(stages=stages), [load(str(path), path.read_bytes())])


def test_a_collector_reads_only_what_it_declared(tmp_path):
    run = _run(tmp_path)
    collector = Collector(type_name(Looped), "x:y", Stage.STATIC, needs=(collect.SES_PROVIDER,), optional=(collect.DNS_HINTS,))
    inputs = Inputs(run, collector, TABLE.inputs_of(collector, run.options.stages))
    assert [provider.key for provider in inputs.get(SesProvider)] == ["ses"]
    assert inputs.get(collect.DNS_HINTS) == []  # optional, and the aws stage does not run
    with pytest.raises(UndeclaredFact):
        inputs.get(ProviderEntry)
    with pytest.raises(UndeclaredFact):
        inputs.suppressions  # noqa: B018 - known to the late phases only


def test_each_type_is_gathered_once(tmp_path):
    run = _run(tmp_path)
    assert run.subjects(SesProvider) is run.subjects(SesProvider)
    assert run.already(ProviderEntry) and not run.already(collect.ADDRESS_USE)


def test_a_static_run_imports_no_network_collector():
    code = ("import sys, ses_lint; ses_lint.lint(['examples/seed']); "
            "print(sorted(name for name in sys.modules if name.startswith(('ses_lint.collect.dns', 'ses_lint.collect.aws', 'ses_lint.collect.probe', 'ses_lint.facts'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ses_lint.__file__.rsplit("/", 2)[0]).stdout
    assert out.strip() == "['ses_lint.facts', 'ses_lint.facts.unjudged', 'ses_lint.facts.unused']", out
