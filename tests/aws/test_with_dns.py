"""The aws and dns stages together: DKIM tokens, their hosted zone and the custom MAIL FROM domain come
from SES (moto on loopback) into the DNS checks (NSD on loopback). SES611, SES612, SES631, SES632."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

import ses_lint
from ses_lint.collect.aws import clients as aws_facts

from .conftest import config, line_of, provider

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dns"))
from dnsfixtures import NSD, Nsd  # noqa: E402  (tests/dns is not a package: it would shadow dnspython)

DOMAIN = "mailer.test"
MAIL_FROM = f"bounce.{DOMAIN}"


@pytest.fixture
def dkim_tokens(moto) -> list[str]:
    moto.verify(DOMAIN)  # a domain identity with Easy DKIM (moto's three fixed tokens)
    ses = moto.client("ses")
    ses.set_identity_mail_from_domain(Identity=DOMAIN, MailFromDomain=MAIL_FROM)
    tokens = ses.get_identity_dkim_attributes(Identities=[DOMAIN])["DkimAttributes"][DOMAIN]["DkimTokens"]
    assert len(tokens) == 3
    return tokens


def lint_online(moto, tmp_path, records: str, select=("SES611", "SES612", "SES631", "SES632")):
    if not Path(NSD).exists():
        pytest.fail("nsd is not installed (Debian package `nsd`; .ci/run installs it)")
    zones = tmp_path / "zones"
    zones.mkdir()
    server = Nsd(zones, records)
    try:
        path = moto.write(config(provider(sender=f"noreply@{DOMAIN}", endpoint=moto.url, keys=moto.user())))
        report = ses_lint.lint([str(path)], online=True, nameservers=[server.nameserver], environ=moto.environ(),
                               timeout=3, select=list(select))
        return path, report
    finally:
        server.stop()


def test_aws_hints_drive_the_dkim_and_mail_from_checks(moto, tmp_path, dkim_tokens):
    first, second, third = dkim_tokens
    records = (
        f"{first}._domainkey.{DOMAIN}. CNAME {first}.dkim.amazonses.com.\n"
        f"{second}._domainkey.{DOMAIN}. CNAME {second}.dkim.elsewhere.example.\n"  # wrong target
        # the third token has no CNAME at all
        f"{MAIL_FROM}. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"  # wrong region: the provider is in us-east-1
        f'{MAIL_FROM}. TXT "v=spf1 -all"\n'  # no include:amazonses.com
    )
    path, report = lint_online(moto, tmp_path, records)
    by_code = {finding.code: finding for finding in report.findings}
    assert sorted(finding.code for finding in report.findings) == ["SES611", "SES612", "SES631", "SES632"], report.findings
    assert f"{third}._domainkey.{DOMAIN}" in by_code["SES611"].message
    assert f"{second}._domainkey.{DOMAIN}" in by_code["SES612"].message and "dkim.amazonses.com" in by_code["SES612"].message
    assert MAIL_FROM in by_code["SES631"].message and "feedback-smtp.us-east-1.amazonses.com" in by_code["SES631"].message
    assert MAIL_FROM in by_code["SES632"].message
    assert {finding.line for finding in report.findings} == {line_of(path, "from:")}


def test_records_that_match_the_identity_are_silent(moto, tmp_path, dkim_tokens):
    records = "".join(f"{token}._domainkey.{DOMAIN}. CNAME {token}.dkim.amazonses.com.\n" for token in dkim_tokens) + (
        f"{MAIL_FROM}. MX 10 feedback-smtp.us-east-1.amazonses.com.\n"
        f'{MAIL_FROM}. TXT "v=spf1 include:amazonses.com -all"\n'
    )
    _, report = lint_online(moto, tmp_path, records)
    assert report.findings == []


def test_byodkim_selector_from_aws_is_checked_without_dkim_selector(moto, tmp_path):
    """SigningAttributesOrigin EXTERNAL: the selector SES signs with comes from GetEmailIdentity's Tokens."""
    moto.verify(DOMAIN)
    moto.identity(DOMAIN, v2={"DkimAttributes": {"SigningAttributesOrigin": "EXTERNAL", "Tokens": ["corp2026"]}})
    path, report = lint_online(moto, tmp_path, f"{MAIL_FROM}. MX 10 feedback-smtp.us-east-1.amazonses.com.\n")
    messages = [finding.message for finding in report.findings if finding.code == "SES611"]
    assert any(f"corp2026._domainkey.{DOMAIN} TXT" in message and "selector `corp2026`" in message for message in messages), messages


def _calls_of(run) -> Counter:
    before = Counter(aws_facts.CALLS)
    result = run()
    calls = Counter(aws_facts.CALLS)
    calls.subtract(before)
    return result, +calls


def test_dns_rules_with_aws_make_only_the_identity_reads(moto, tmp_path, dkim_tokens):
    """Issue 10: `--aws --select SES6` asks AWS only for the identity facts the DNS checks read (no account,
    CloudWatch, IAM or notification call), and the DKIM checks still use the identity's tokens."""
    first, second, third = dkim_tokens
    records = f"{first}._domainkey.{DOMAIN}. CNAME {first}.dkim.amazonses.com.\n"
    (path, report), calls = _calls_of(lambda: lint_online(moto, tmp_path, records, select=["SES6"]))
    beyond = [operation for operation in calls if operation.split(":")[0] in ("iam", "cloudwatch")
              or operation in ("sesv2:GetAccount", "ses:GetSendQuota", "ses:GetAccountSendingEnabled", "sesv2:ListRecommendations",
                               "sesv2:GetConfigurationSet", "sesv2:GetSuppressedDestination", "ses:GetIdentityNotificationAttributes")]
    assert beyond == [], calls
    assert calls["ses:GetIdentityDkimAttributes"] == 1 and calls["sesv2:GetEmailIdentity"] == 1, calls
    missing = sorted(finding.message for finding in report.findings if finding.code == "SES611")
    assert [message.split("`")[1] for message in missing] == sorted(f"{token}._domainkey.{DOMAIN} CNAME" for token in (second, third)), missing
    assert not [finding for finding in report.findings if finding.code.startswith("SES7")]


def test_dns_and_aws_rules_read_the_identity_once(moto, tmp_path, dkim_tokens):
    """With the aws stage's rules selected too, the hints come from its facts: no identity read twice."""
    records = "".join(f"{token}._domainkey.{DOMAIN}. CNAME {token}.dkim.amazonses.com.\n" for token in dkim_tokens)
    (_, report), calls = _calls_of(lambda: lint_online(moto, tmp_path, records, select=["SES611", "SES7"]))
    assert calls["ses:GetIdentityDkimAttributes"] == 1 and calls["sesv2:GetEmailIdentity"] == 1, calls
    assert calls["sts:GetCallerIdentity"] == 1 and calls["iam:SimulatePrincipalPolicy"] >= 1, calls
    assert not [finding for finding in report.findings if finding.code == "SES611"], report.findings
