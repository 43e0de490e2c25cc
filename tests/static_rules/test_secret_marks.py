"""Masking is driven by the schema's secret marks (issue 10), not by key-name words in the engine."""
from __future__ import annotations

import pytest

from ses_lint.core.secrets import collect
from ses_lint.source import schema
from ses_lint.source.document import load


def test_the_schema_marks_the_documented_secret():
    # the provider documentation's SES config: only `secret_access_key` holds a secret
    assert schema.SesConfigModel.secret == frozenset({"secret_access_key"})
    assert all(not model.secret for model in schema.MODELS if model is not schema.SesConfigModel)
    # a secret written under a misspelling the schema reads as the field is a secret all the same
    assert {"secret_key", "aws_secret_access_key", "secret_access_key_id"} <= schema.SECRET_KEYS


@pytest.mark.parametrize("key, secret", [
    ("secret_access_key", True), ("Secret_Access_Key", True), ("secret_key", True),
    ("password", True), ("session_token", True), ("client_secret", True),  # keys no schema types: their name decides
    ("access_key_id", False), ("from", False), ("profile", False), ("endpoint", False), (3, False),
])
def test_is_secret_key(key, secret):
    assert schema.is_secret_key(key) is secret


TEXT = """\
providers:
  ses:
    provider: email.ses
    config:
      from: ops@example.com
      profile: productionprofile
      secret_key: Zq9short
  mail:
    provider: email.smtp
    config:
      password: hunter2x
"""


def test_values_of_secret_keys_are_masked_short_or_plain():
    mask = collect([load("ses.yaml", TEXT.encode())])
    assert mask("key Zq9short and hunter2x") == "key **** and ****"
    assert mask("ops@example.com productionprofile") == "ops@example.com productionprofile"
