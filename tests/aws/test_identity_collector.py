"""The identity collector (collect/aws/identities.py) against moto: it reads credentials, STS and the
SES identities only, gives the dns stage its hints, and the rest of the aws stage extends its facts
without reading the identities again. The facts of both are frozen plain data."""
from __future__ import annotations

import dataclasses

import pytest

from ses_lint.collect.aws.clients import clients_of
from ses_lint.core.engine import discover
from ses_lint.core.findings import Stage
from ses_lint.core.run import Options, Run
from ses_lint.facts.aws import AwsProvider, SesIdentities
from ses_lint.facts.hints import DnsHints
from ses_lint.source.document import load

from .conftest import config, provider
from .helpers import step

IDENTITY_READS = {"GetCallerIdentity", "GetIdentityVerificationAttributes", "GetIdentityDkimAttributes",
                  "GetIdentityMailFromDomainAttributes", "GetEmailIdentity"}


def a_run(moto, text: str, stages=frozenset({Stage.STATIC, Stage.AWS})) -> Run:
    path = moto.write(text)
    source = discover([str(path)])[0]
    return Run(Options(stages=stages, timeout=3), [load(source.path, source.raw)], environ=moto.environ())


def test_reads_only_credentials_and_identities(moto):
    moto.verify("example.com")
    moto.client("ses").set_identity_mail_from_domain(Identity="example.com", MailFromDomain="bounce.example.com")
    moto.state.signing_zone = "dkim.eu-south-1.amazonses.com"
    run = a_run(moto, config(provider(sender="a@mail.example.com", endpoint=moto.url, keys=moto.user()),
                             workflows=step("email-ses", "ops@example.com")))
    start = len(moto.state.requests)
    [facts] = run.subjects(SesIdentities)
    operations = {operation for _, operation in moto.state.requests[start:]}
    assert operations == IDENTITY_READS, operations  # no IAM, CloudWatch or SES account call
    assert type(facts) is SesIdentities and facts.checked and facts.ready and facts.unit_lead
    assert facts.account == "123456789012" and facts.sender == "a@mail.example.com"
    assert facts.covering.name == "example.com" and facts.covering.v2 and facts.dkim_known and facts.mail_from_known
    [recipient] = facts.recipients
    assert recipient.address == "ops@example.com" and recipient.verified and recipient.covering == "example.com"
    hints = facts.dns_hints
    assert hints.identity_domain == "example.com" and hints.region == "us-east-1" and len(hints.dkim_tokens) == 3
    assert hints.signing_hosted_zone == "dkim.eu-south-1.amazonses.com" and hints.mail_from_domain == "bounce.example.com"
    assert clients_of(facts.credentials) is not None  # the session stays beside the facts, for the next collector


def test_the_aws_stage_extends_the_identities_without_reading_them_again(moto):
    moto.verify("example.com")
    run = a_run(moto, config(provider(endpoint=moto.url, keys=moto.user())))
    start = len(moto.state.requests)
    [base] = run.subjects(SesIdentities)
    [aws] = run.subjects(AwsProvider)
    operations = [operation for _, operation in moto.state.requests[start:]]
    assert all(operations.count(operation) == 1 for operation in IDENTITY_READS), operations
    assert "GetAccount" in operations and "SimulatePrincipalPolicy" in operations
    assert aws.credentials is base.credentials and aws.covering.name == base.covering.name and aws.account_facts is not None
    assert aws.covering.notifications is not None and base.covering.notifications is None  # the identities' own facts are untouched


def test_the_dns_stage_reads_only_the_identities(moto):
    moto.verify("example.com")
    run = a_run(moto, config(provider(endpoint=moto.url, keys=moto.user())), frozenset({Stage.STATIC, Stage.AWS, Stage.DNS}))
    start = len(moto.state.requests)
    [hints] = run.subjects(DnsHints)
    operations = {operation for _, operation in moto.state.requests[start:]}
    assert operations == IDENTITY_READS, operations
    assert (hints.identity_domain, hints.key) == ("example.com", "email-ses")
    assert AwsProvider not in dict(run.gathered())


def test_without_the_aws_stage_nothing_is_read(moto):
    run = a_run(moto, config(provider(endpoint=moto.url)), frozenset({Stage.STATIC}))
    start = len(moto.state.requests)
    [facts] = run.subjects(SesIdentities)
    assert moto.state.requests[start:] == []
    assert not facts.checked and facts.dns_hints is None and facts.identities is None


def test_unresolved_credentials_read_nothing(moto):
    run = a_run(moto, config(provider(endpoint=moto.url, keys=("${NO_SUCH_KEY}", "secret"))))
    start = len(moto.state.requests)
    [facts] = run.subjects(SesIdentities)
    assert moto.state.requests[start:] == []
    assert facts.checked and not facts.ready and "NO_SUCH_KEY" in facts.credentials.error
    assert clients_of(facts.credentials) is None and facts.identities is None


@pytest.mark.parametrize("module", ["ses_lint.facts.aws", "ses_lint.facts.probe"])
def test_facts_are_frozen_plain_data(module):
    import importlib
    import typing

    facts = importlib.import_module(module)
    types = [value for value in vars(facts).values() if dataclasses.is_dataclass(value) and value.__module__ == module]
    assert types
    for kind in types:
        assert kind.__dataclass_params__.frozen, kind
        hints = typing.get_type_hints(kind, vars(facts) | vars(importlib.import_module("ses_lint.source.config")))
        assert not [name for name, hint in hints.items() if hint is typing.Any or "session" in name or "client" in name], kind
        assert not [name for name in vars(kind) if name in ("run", "send", "collect", "client", "prepare", "confirm")], kind


def test_why_a_probe_is_not_attempted_is_read_from_the_facts_alone(tmp_path):
    from ses_lint.collect.probe import not_attempted
    from ses_lint.facts.aws import CredentialFacts
    from ses_lint.source.config import SesProvider

    path = tmp_path / "ses.yaml"
    path.write_text(config(provider()))
    source = discover([str(path)])[0]
    [ses] = Run(Options(), [load(source.path, source.raw)], environ={}).subjects(SesProvider)
    keys = CredentialFacts("static", "access_key_id", method="explicit")
    assert not_attempted(AwsProvider(ses)) == "the aws stage did not run"
    assert not_attempted(AwsProvider(ses, checked=True)) == "no AWS credentials"
    assert not_attempted(AwsProvider(ses, checked=True, credentials=CredentialFacts("chain", "", error="no source supplied credentials"))) \
        == "no AWS credentials (no source supplied credentials)"
    assert not_attempted(AwsProvider(ses, checked=True, credentials=keys, auth_error="sts:GetCallerIdentity credentials rejected")) \
        == "AWS rejected the credentials (sts:GetCallerIdentity credentials rejected)"
    assert not_attempted(AwsProvider(ses, checked=True, credentials=keys, unreachable="endpoint unreachable")) == "endpoint unreachable"
    assert not_attempted(AwsProvider(ses, checked=True, credentials=keys)) == "`from` is not a valid address"
    assert not_attempted(AwsProvider(ses, checked=True, credentials=keys, sender="noreply@example.com")) is None
