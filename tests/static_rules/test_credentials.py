"""SES3xx, credentials: secrets are found and never printed."""
from __future__ import annotations

import dataclasses
import json

import ses_lint

from .helpers import fixture, lint, positions

AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

SPEC = [
    ("SES301", [(9, 26)], [["a literal secret access key is committed", "rotate it"]]),
    ("SES302", [(8, 22)], [["a literal AWS access key id `AKIA…`"]]),
    ("SES303", [(8, 16), (9, 22), (10, 26)], [
        ["`CHANGEME` is a placeholder"],
        ["`<your-access-key-id>` is a placeholder"],
        ["is a placeholder"],  # a secret_access_key value is masked even when it is a placeholder
    ]),
    ("SES304", [(8, 7)], [["`access_key_id` is set but `secret_access_key` is not"]]),
    ("SES305", [(8, 16)], [["profile `production` is ignored", "static keys take precedence"]]),
    ("SES306", [(8, 22)], [["`ASIA…` is a temporary access key", "session token"]]),
    ("SES307", [(8, 22), (9, 26)], [
        ["not an AWS access key id", "19 characters"],
        ["not an AWS secret access key", "37 characters"],
    ]),
    ("SES308", [(8, 22)], [["emulator dummy credentials with no `endpoint`"]]),
    ("SES309", [(8, 7)], [["static keys configured", "prefer an IAM role or a profile"]]),
    ("SES310", [(8, 21)], [["instance metadata is disabled", "only environment variables"]]),
    ("SES311", [(8, 16), (9, 22), (10, 26)], [
        ["opened with `${` but never closed"],
        ["opened with `$` alone"],
        ["empty reference `${}`"],
    ]),
    ("SES312", [(8, 16), (9, 22), (10, 26)], [
        ["`SES_LINT_TEST_PROFILE` is not set"],
        ["`SES_LINT_TEST_KEY` is not set"],
        ["`SES_LINT_TEST_SECRET` is not set"],
    ]),
]


def test_aws_shaped_secret_is_ses301_and_never_printed():
    report = ses_lint.lint([fixture("SES301", "bad")])
    assert ("SES301", 9, 26) in positions(report.findings)
    for finding in report.findings:
        assert AWS_EXAMPLE_SECRET not in finding.message
        assert AWS_EXAMPLE_SECRET not in (finding.suggestion or "")
    assert AWS_EXAMPLE_SECRET not in json.dumps([{item.name: getattr(f, item.name) for item in dataclasses.fields(f)} for f in report.findings], default=str)


def test_secret_is_not_printed_by_malformed_credential_either(tmp_path):
    secret = AWS_EXAMPLE_SECRET[:-1] + "!"  # 40 characters, but not AWS's alphabet
    path = tmp_path / "p.yaml"
    path.write_text(f'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: us-east-1\n      access_key_id: ${{KEY}}\n      secret_access_key: "{secret}"\n')
    found = lint([str(path)])
    assert ("SES307", 9, 26) in positions(found)
    assert all(secret not in f.message and AWS_EXAMPLE_SECRET[:20] not in f.message for f in found)


def test_unset_reference_only_with_env():
    assert lint([fixture("SES312", "bad")], select=["SES312"]) == []
    assert len(lint([fixture("SES312", "bad")], select=["SES312"], env=True, environ={})) == 3


def test_localstack_dummies_with_an_emulator_endpoint_are_not_secrets():
    found = lint([fixture("SES308", "good")], select=["SES3"])
    assert positions(found) == []


def test_spaces_around_a_literal_key_are_reported(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(f'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: us-east-1\n      access_key_id: "AKIAIOSFODNN7EXAMPLE "\n      secret_access_key: " {AWS_EXAMPLE_SECRET}"\n')
    found = lint([str(path)], select=["SES307"])
    assert positions(found) == [("SES307", 8, 22), ("SES307", 9, 26)]
    assert all("has spaces around it" in finding.message for finding in found)
    assert all(AWS_EXAMPLE_SECRET not in finding.message for finding in found)
