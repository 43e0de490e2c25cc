"""Property tests: generated and mutated provider configs, and raw bytes, never break ses-lint.

Properties: no traceback; exit code 0 or 1 (never 2, never a crash); JSON output parses; every finding's
line and column lie inside the file; no secret of the input appears in any output format.
A short run in CI; a long one by hand:  SES_LINT_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py
"""
from __future__ import annotations

import json
import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ses_lint
from ses_lint.engine import Source, run_lint
from ses_lint.report import Context, render
from ses_lint.run import Options

EXAMPLES = int(os.environ.get("SES_LINT_FUZZ_EXAMPLES", "150"))
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

hostile_strings = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["${", "$X}", "${}", "<your-key>", "CHANGEME", "yes", "no", "on", "~", "null", "1.0", "-", "*a", "&a", "!!python/none",
                     "AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", SECRET, "http://localhost:4566", "email.ses", "us-east1",
                     "a@", "@b", "x@example.com", "\x00", "\u2028", "%", "::error::", "</failure>", "]]>"]),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_strings)


def ses_config():
    return st.fixed_dictionaries(
        {"platform": st.just("ses"), "from": st.sampled_from(["noreply@mycompany.io", "x@example.com", "bad@", "${FROM}"])},
        optional={
            "region": st.sampled_from(["us-east-1", "us-east1", "ap-east-1", "${REGION}"]),
            "profile": hostile_strings,
            "access_key_id": st.sampled_from(["AKIAIOSFODNN7EXAMPLE", "${KEY}", "test", "<your-access-key-id>"]),
            "secret_access_key": st.sampled_from([SECRET, "${SECRET}", "test"]),
            "endpoint": st.sampled_from(["http://localhost:4566", "https://email.eu-west-1.amazonaws.com", "localhost", "http://x.io"]),
            "imds_disable": st.one_of(st.booleans(), scalars),
        },
    )


def provider():
    return st.fixed_dictionaries(
        {"provider": st.sampled_from(["email", "email.ses", "email.smtp", "aws-ses", "slack"]), "config": ses_config()},
        optional={"enabled": st.one_of(st.booleans(), scalars), "name": hostile_strings},
    )


def config():
    step = st.fixed_dictionaries({
        "task": st.just("notify"), "type": st.just("email"),
        "config": st.fixed_dictionaries({"provider": st.sampled_from(["email-ses", "nope"])},
                                        optional={"subject": hostile_strings, "to": st.one_of(st.lists(hostile_strings, max_size=3), hostile_strings),
                                                  "body": st.fixed_dictionaries({}, optional={"text": hostile_strings})}),
    })
    return st.fixed_dictionaries(
        {"version": st.sampled_from(["1.0", 1.0, "2"]), "providers": st.dictionaries(st.sampled_from(["email-ses", "b", "c"]), provider(), max_size=3)},
        optional={"workflows": st.lists(st.fixed_dictionaries({"name": hostile_strings, "steps": st.lists(step, max_size=2)}), max_size=2)},
    )


def mutate(data, draw):
    """Drop, rename, retype or duplicate keys, or replace values with hostile ones, somewhere in the tree."""
    if isinstance(data, dict) and data:
        key = draw(st.sampled_from(sorted(data, key=str)))
        action = draw(st.sampled_from(["drop", "rename", "retype", "recurse", "recurse"]))
        data = dict(data)
        if action == "drop":
            del data[key]
        elif action == "rename":
            data[str(key) + draw(st.sampled_from(["_", "s", "x"]))] = data.pop(key)
        elif action == "retype":
            data[key] = draw(st.one_of(scalars, st.lists(scalars, max_size=2)))
        else:
            data[key] = mutate(data[key], draw)
    elif isinstance(data, list) and data:
        index = draw(st.integers(0, len(data) - 1))
        data = list(data)
        data[index] = mutate(data[index], draw)
    return data


def check_outputs(raw: bytes) -> None:
    report = run_lint([Source("fuzz.yaml", raw, True)], Options(), environ={})
    lines = raw.decode("utf-8", errors="replace").splitlines() or [""]
    for finding in report.findings:
        assert 1 <= finding.line <= max(len(lines), 1) + 1, finding
        assert finding.column >= 1, finding
    outputs = {name: render(name, report, Context(ses_lint.__version__)) for name in ("text", "json", "sarif", "github", "junit")}
    json.loads(outputs["json"])
    for name, text in outputs.items():
        assert SECRET not in text, f"secret leaked in {name}"
    assert report.exit_code(ses_lint.Severity.ERROR) in (0, 1)


@FUZZ
@given(st.data())
def test_mutated_configs(data):
    value = mutate(data.draw(config()), data.draw)
    raw = yaml.safe_dump(value, sort_keys=False, allow_unicode=True).encode()
    if data.draw(st.booleans()):
        lines = raw.splitlines(keepends=True)
        position = data.draw(st.integers(0, len(lines)))
        lines.insert(position, lines[position - 1] if position else b"version: '1.0'\n")  # a duplicated line: duplicate keys, bad indents
        raw = b"".join(lines)
    check_outputs(raw)


@FUZZ
@given(st.binary(max_size=400))
def test_raw_bytes(raw):
    check_outputs(b"providers:\n" + raw)
