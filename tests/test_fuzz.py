"""Property tests: generated and mutated provider configs, and raw bytes, never break ses-lint.

Properties: no traceback; exit code 0 or 1 (never 2, never a crash); JSON output parses; every finding's
line and column lie inside the file; no SES013 (ses-lint judged every file); no 12-character piece of
a secret of the input appears in any output format; every input ends within a CPU bound.
Generators: mutated configs, raw bytes, YAML text with complex keys, tags on every scalar type, secrets
in values, keys, comments and quoted strings, and many-of-a-kind files.
A short run in CI; a long one by hand (SES_LINT_FUZZ_STATS=FILE appends the campaign's figures):
    SES_LINT_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py
"""
from __future__ import annotations

import atexit
import json
import os
import resource
import string
import time

import pytest
import yaml
from support import SECRET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ses_lint
from ses_lint.core.engine import Source, run_lint
from ses_lint.core.run import Options
from ses_lint.report import Context, render

# 50 per generator in an ordinary run (5 many-of-a-kind files): campaigns of thousands found what this can
# (README, "Fuzzing"), so the ordinary run is a regression check and a long one is run by hand.
EXAMPLES = int(os.environ.get("SES_LINT_FUZZ_EXAMPLES", "50"))
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


CPU_BOUND = 5.0  # seconds of CPU for one input, every format rendered: generous (at most 2.9 s seen, loaded machine)
STATS = {"inputs": 0, "largest_cpu": 0.0, "largest_cpu_bytes": 0}


def _write_stats() -> None:
    target = os.environ.get("SES_LINT_FUZZ_STATS")
    if target and STATS["inputs"]:
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({**STATS, "peak_rss_mib": round(peak_mib, 1)}) + "\n")


atexit.register(_write_stats)


def check_outputs(raw: bytes, secrets: tuple[str, ...] = ()) -> None:
    started = time.process_time()
    report = run_lint([Source("fuzz.yaml", raw, True)], Options(), environ={})
    lines = raw.decode("utf-8", errors="replace").splitlines() or [""]
    for finding in report.findings:
        assert 1 <= finding.line <= max(len(lines), 1) + 1, finding
        assert finding.column >= 1, finding
    outputs = {name: render(name, report, Context(ses_lint.__version__)) for name in ("text", "json", "sarif", "github", "junit")}
    json.loads(outputs["json"])
    spent = time.process_time() - started
    STATS["inputs"] += 1
    if spent > STATS["largest_cpu"]:
        STATS["largest_cpu"], STATS["largest_cpu_bytes"] = round(spent, 3), len(raw)
        if os.environ.get("SES_LINT_FUZZ_STATS"):  # kept, to measure its memory in a process of its own
            with open(os.environ["SES_LINT_FUZZ_STATS"] + ".slowest.yaml", "wb") as out:
                out.write(raw)
    vocabulary: dict[str, str] = {}
    for name, text in outputs.items():
        for secret in (SECRET, *secrets):
            leaked = [secret[start : start + 12] for start in range(len(secret) - 11) if secret[start : start + 12] in text]
            if leaked and not vocabulary:
                vocabulary.update(_outputs_without(raw, (SECRET, *secrets)))
            leaked = [piece for piece in leaked if piece not in vocabulary.get(name, "")]
            assert not leaked, f"a piece of a secret leaked in {name}: {leaked[0]!r}"
    assert not any(finding.code == "SES013" for finding in report.findings), [f.message for f in report.findings if f.code == "SES013"]
    assert report.exit_code(ses_lint.Severity.ERROR) in (0, 1)
    assert spent < CPU_BOUND, f"{spent:.2f} s of CPU for {len(raw):,} bytes"


def _outputs_without(raw: bytes, secrets: tuple[str, ...]) -> dict[str, str]:
    """What the formats write for the same file with every secret replaced: a piece found there too is the
    format's own vocabulary (a secret `partialFinge` is a prefix of SARIF's `partialFingerprints`), not a leak."""
    for secret in secrets:
        raw = raw.replace(secret.encode(), b"Q" * len(secret.encode()))
    report = run_lint([Source("fuzz.yaml", raw, True)], Options(), environ={})
    return {name: render(name, report, Context(ses_lint.__version__)) for name in ("text", "json", "sarif", "github", "junit")}


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


# --- YAML text generators: shapes a dumper never writes ---------------------------------------------

B64 = string.ascii_letters + string.digits + "/+"
aws_secrets = st.builds(  # AWS's shape: 40 of A-Za-z0-9/+ with a letter and a digit
    lambda body, letter, digit: body[:10] + letter + body[10:] + digit,
    st.text(B64, min_size=38, max_size=38), st.sampled_from(string.ascii_letters), st.sampled_from(string.digits),
)
passwords = st.text(string.ascii_letters + string.digits + "-_.!@$%^&*()[]=+~", min_size=12, max_size=30).filter(lambda text: not text.startswith(("$", "&", "*", "!", "@", "%", "[", "-")))
SECRET_KEYS = ("secret_access_key", "aws_secret_access_key", "password", "smtp_password", "api_token")
TAGS = ("!!str", "!!int", "!!float", "!!bool", "!!null")
TAGGED_TEXTS = ('"True "', "1", "0x1F", "1_000", '"x"', "~", "yes", ".inf", "-.nan", "1e3", '""', "true", "null", "0o17", "+1", "12:30")


def _quote(text: str, style: str) -> str:
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    return text


@st.composite
def placed_secret(draw):
    """(YAML lines for one config, the secrets in them): a secret where people write them."""
    secret = draw(aws_secrets)
    password = draw(passwords)
    where = draw(st.sampled_from(["value", "password", "flow-key", "pasted", "comment", "quoted-key", "quoted-text", "block"]))
    style = draw(st.sampled_from(["plain", "double", "single"]))
    key = draw(st.sampled_from(SECRET_KEYS))
    lines = {
        "value": [f"      secret_access_key: {_quote(secret, style)}"],
        "password": [f"      {key}: {_quote(password, 'double' if style == 'plain' else style)}"],
        "flow-key": [f"      extra: {{{key}:{secret}}}"],
        "pasted": [f"      notes: {_quote('aws_secret_access_key=' + secret, 'double' if style == 'plain' else style)}"],
        "comment": [f"      # {key}: {secret}"],
        "quoted-key": [f"      {_quote(secret, 'double' if style == 'plain' else style)}: 1"],
        "quoted-text": [f"      description: {_quote('old key ' + secret + ' rotated', 'double' if style == 'plain' else style)}"],
        "block": [f"      {key}: |", f"        {password}", f"        {secret}"],
    }[where]
    return lines, (secret, password) if where in ("password", "block") else (secret,)


@st.composite
def complex_key(draw):
    depth = draw(st.integers(1, 40))
    kind = draw(st.sampled_from(["flow-map", "flow-seq", "explicit"]))
    if kind == "flow-map":
        return "      " + "{? " * depth + "a" + "}" * depth + ": 1"
    if kind == "flow-seq":
        return "      ? " + "[" * depth + "a" + "]" * depth + "\n      : 1"
    return "      ? {a: [1, {b: c}]}\n      : x"


@st.composite
def tagged_scalar(draw):
    key = draw(st.sampled_from(["enabled", "imds_disable", "region", "from", "profile", "endpoint"]))
    return f"      {key}: {draw(st.sampled_from(TAGS))} {draw(st.sampled_from(TAGGED_TEXTS))}"


@st.composite
def hostile_text(draw):
    """One provider's config, written as text, with hostile lines mixed in; and its secrets."""
    lines = ['version: "1.0"', "providers:", "  email-ses:", "    provider: email.ses"]
    if draw(st.booleans()):
        lines.append(f"    enabled: {draw(st.sampled_from(TAGS))} {draw(st.sampled_from(TAGGED_TEXTS))}")
    lines += ["    config:", "      from: noreply@mycompany.io", "      region: us-east-1"]
    secrets: tuple[str, ...] = ()
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.sampled_from(["secret", "secret", "complex", "tag", "suppression"]))
        if choice == "secret":
            extra, found = draw(placed_secret())
            lines += extra
            secrets += found
        elif choice == "complex":
            lines.append(draw(complex_key()))
        elif choice == "tag":
            lines.append(draw(tagged_scalar()))
        else:
            lines.append(f"      profile: {_quote('x # ses-lint: disable-file=SES3', draw(st.sampled_from(['double', 'single'])))}")
    return "\n".join(lines) + "\n", secrets


@FUZZ
@given(hostile_text())
def test_hostile_text(case):
    text, secrets = case
    check_outputs(text.encode(), secrets)


@st.composite
def many_of_a_kind(draw):
    """Thousands of one thing in one file: providers with findings, suppressions, secrets, unknown keys,
    one long flow mapping, merge keys."""
    count = draw(st.integers(500, 2500))
    kind = draw(st.sampled_from(["providers", "suppressions", "secrets", "unknown-keys", "flow", "merge"]))
    head = 'version: "1.0"\nproviders:\n'
    if kind == "flow":
        return head + "  p:\n    provider: email.ses\n    config: {from: a@mycompany.io, " + ", ".join(f"k{i}: v" for i in range(count * 5)) + "}\n", ()
    if kind == "unknown-keys":
        return head + "  p:\n    provider: email.ses\n    config:\n      from: a@mycompany.io\n" + "".join(f"      k{i}: v\n" for i in range(count * 3)), ()
    if kind == "merge":
        text = head + "  base: &d\n    provider: email.ses\n    config: {from: a@example.com, region: us-east1}\n"
        return text + "".join(f"  p{i}:\n    <<: *d\n" for i in range(count)), ()
    secret = draw(aws_secrets)
    parts = []
    for i in range(count):
        line = {
            "providers": f"      from: a{i}@example.com\n      region: us-east{i % 5}\n",
            "suppressions": "      from: a@mycompany.io  # ses-lint: disable=SES502\n      region: us-east-1  # ses-lint: disable=SES401\n",
            "secrets": f"      from: a@mycompany.io\n      secret_access_key: {secret[:-4]}{i:04d}\n",
        }[kind]
        parts.append(f"  p{i}:\n    provider: email.ses\n    config:\n{line}")
    secrets = (secret[:-4] + "0000",) if kind == "secrets" else ()
    return head + "".join(parts), secrets


@settings(max_examples=max(EXAMPLES // 15, 5), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(many_of_a_kind())
def test_many_of_a_kind(case):
    text, secrets = case
    check_outputs(text.encode(), secrets)


def test_a_secret_that_is_a_word_of_a_format_is_not_a_leak_but_a_real_leak_is():
    text = (
        'version: "1.0"\nproviders:\n  email-ses:\n    provider: email\n    config:\n      platform: ses\n'
        '      from: noreply@notifications.example.com\n      region: eu-west-1\n      access_key_id: AKIAIOSFODNN7EXAMPLE\n'
        '      secret_access_key: "partialFinge"\n'
    )
    check_outputs(text.encode(), ("partialFinge",))  # SARIF writes `partialFingerprints` of its own
    with pytest.raises(AssertionError, match="a piece of a secret leaked"):
        check_outputs(text.encode(), ("notifications.example.com",))  # the file's text in a message: a leak, were it a secret
