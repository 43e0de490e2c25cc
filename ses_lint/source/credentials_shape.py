"""What AWS credentials look like: real keys, placeholders, emulator dummies."""
from __future__ import annotations

import re

from ses_lint.source import references

ACCESS_KEY_ID = re.compile(r"(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z2-7]{16}")
LIVE_ACCESS_KEY_PREFIXES = ("AKIA", "ASIA")
SECRET_ACCESS_KEY = re.compile(r"[A-Za-z0-9/+]{40}")
EMULATOR_DUMMIES = frozenset({"test", "testing", "dummy", "fake", "localstack", "mock", "moto", "foobar"})
_PLACEHOLDER = re.compile(
    r"^(<[^<>]*>|x{3,}|X{3,}|\*{3,}|\.{3}|changeme|change[-_ ]me|replace[-_ ]?me|todo|tbd|fixme|"
    r"your[-_ ].*|insert[-_ ].*|enter[-_ ].*|placeholder|redacted|none|null)$",
    re.IGNORECASE,
)


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value.strip()))


def is_dummy(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in EMULATOR_DUMMIES


def is_literal(value: object) -> bool:
    """A value written into the file itself: not a reference (nor a broken one, `$NAME` included: SES311's),
    not a template, not a placeholder, not empty."""
    return isinstance(value, str) and bool(value.strip()) and "${" not in value and not references.unresolved(value) and not is_placeholder(value)
