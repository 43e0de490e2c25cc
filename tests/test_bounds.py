"""Every input is bounded: each class of shape that used to take seconds to minutes (quadratic lookups,
masking, suppressions) or gigabytes (nested complex keys) ends within a generous CPU bound here, and
the shapes that crashed or were refused now load. In-process (`run_lint` and every renderer) so the
bound is on ses-lint's own CPU time, not on process start-up; the issue's figures before the change
were 6-17 s for each of these classes."""
from __future__ import annotations

import random
import string
import time

import pytest
from support import code_counts

import ses_lint
from ses_lint.core.engine import Source, run_lint
from ses_lint.core.run import Options
from ses_lint.report import Context, render
from ses_lint.source.document import load

HEAD = 'version: "1.0"\nproviders:\n'
BOUND = 5.0  # CPU seconds; each case takes well under 2 s on a quiet 2-core machine
FORMATS = ("text", "json", "sarif", "github", "junit")


def secret(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "/+") for _ in range(39)) + "7"


def provider(index: int, config: str) -> str:
    return f"  p{index}:\n    provider: email.ses\n    config:\n{config}"


def judge(text: str, formats=("json",), max_per_rule: int = 0) -> tuple[list, float]:
    """Every finding and the CPU time of the run and its formats; uncapped by default, so that the
    formats write every finding (the classes below are about the cost of each one)."""
    started = time.process_time()
    report = run_lint([Source("big.yaml", text.encode(), True)], Options(max_per_rule=max_per_rule), environ={})
    for name in formats:
        render(name, report, Context(ses_lint.__version__))
    return report.all_findings, time.process_time() - started


def test_thousands_of_suppressions():
    text = HEAD + "".join(provider(i, "      from: a@mycompany.com\n      region: us-east1  # ses-lint: disable=SES401\n") for i in range(3000))
    text += "# ses-lint: disable-file=SES104\n" * 3000
    findings, spent = judge(text)
    assert "SES401" not in code_counts(findings) and "SES008" in code_counts(findings)  # the file-wide ones suppress nothing
    assert spent < BOUND, spent


def test_thousands_of_literal_secrets():
    rng = random.Random(1)
    keys = [secret(rng) for _ in range(3000)]
    text = HEAD + "".join(
        provider(i, f"      from: a@mycompany.com\n      region: us-east-1\n      access_key_id: AKIAIOSFODNN7EXAMPLE\n      secret_access_key: {key}\n      x{key[:30]}: 1\n")
        for i, key in enumerate(keys)
    )
    findings, spent = judge(text, FORMATS)
    assert code_counts(findings)["SES301"] == 3000 and code_counts(findings)["SES103"] == 3000
    assert not any(key[:12] in finding.key for finding in findings for key in keys[:50])
    assert spent < BOUND * 2, spent  # five formats of 12,000 findings


def test_thousands_of_unknown_keys():
    text = HEAD + provider(0, "      from: a@mycompany.com\n      region: us-east-1\n" + "".join(f"      k{i}: v\n" for i in range(9000)))
    findings, spent = judge(text)
    assert code_counts(findings)["SES103"] == 9000
    assert spent < BOUND, spent


def test_a_fifteen_thousand_key_flow_mapping_on_one_line():
    text = HEAD + "  p0:\n    provider: email.ses\n    config: {from: a@mycompany.com, region: us-east-1, " + ", ".join(f"k{i}: v" for i in range(15000)) + "}\n"
    findings, spent = judge(text)
    unknown = [finding for finding in findings if finding.code == "SES103"]
    assert len(unknown) == 15000 and unknown[-1].line == 5 and unknown[-1].column > 150000
    assert spent < BOUND, spent


def test_thousands_of_providers_with_findings():
    text = HEAD + "".join(provider(i, f"      from: a{i}@example.com\n      region: us-east{i % 7}\n      endpoint: http://x{i}.io\n") for i in range(3000))
    findings, spent = judge(text)
    assert code_counts(findings)["SES401"] == 3000 and code_counts(findings)["SES405"] == 3000 and code_counts(findings)["SES502"] == 3000
    assert spent < BOUND, spent


@pytest.mark.parametrize("levels", [27, 60])
def test_nested_complex_keys_cost_nothing(levels):
    """`{? {? ...}}`: each level used to double time and memory (27 levels in 141 bytes: 1.4 GB)."""
    text = HEAD + "  p: " + "{? " * levels + "a" + "}" * levels + "\n"
    findings, spent = judge(text, FORMATS)
    assert ("SES102", "key `{…}` must be a string, not mapping") in {(f.code, f.message) for f in findings}
    assert max(len(finding.message) for finding in findings) < 200
    assert spent < 1.0, spent


def test_an_unhashable_key_is_not_turned_into_text():
    document = load("k.yaml", b"a:\n  ? [1, {b: c}]\n  : x\n")
    (key,) = document.data()["a"]
    assert str(key) == "[…]" and not isinstance(key, str)


@pytest.mark.parametrize("value", ['!!bool "True "', "!!bool 1", '!!int "x"', '!!int ""', "!!float abc", '!!null "x"', '!!float ""'])
def test_a_tag_its_text_cannot_satisfy_is_a_string(value):
    text = HEAD + f"  p0:\n    provider: email.ses\n    enabled: {value}\n    config: {{from: a@mycompany.com, region: us-east-1}}\n"
    findings, _ = judge(text)
    assert "SES013" not in code_counts(findings)
    if value.startswith("!!bool"):
        assert [(f.code, f.line) for f in findings if f.code == "SES102"] == [("SES102", 5)]


def test_many_providers_sharing_a_merge_key_are_checked():
    """Aliases are bounded by the nodes they build, not by how many are written."""
    text = HEAD + "  base: &defaults\n    provider: email.ses\n    config: {from: a@example.com, region: us-east-1}\n"
    text += "".join(f"  p{i}:\n    <<: *defaults\n    name: p{i}\n" for i in range(150))
    findings, _ = judge(text)
    assert "SES005" not in code_counts(findings)
    assert code_counts(findings)["SES502"] == 1  # the shared `from` node is one place in the file


def test_what_aliases_expand_to_is_still_bounded():
    lines = [HEAD.rstrip("\n"), '  a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level, name in enumerate("bcdefg"):
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{'abcdefg'[level]}"] * 10) + "]")
    findings, spent = judge("\n".join(lines) + "\n")
    assert [f.code for f in findings] == ["SES005"] and "more nodes than written" in findings[0].message
    assert spent < 2.0, spent


def test_a_large_file_without_aliases_is_not_an_alias_bomb():
    text = HEAD + "".join(provider(i, "      from: a@mycompany.com\n      region: us-east-1\n") for i in range(15000))
    findings, spent = judge(text)
    assert "SES005" not in code_counts(findings)
    assert spent < BOUND * 2, spent
