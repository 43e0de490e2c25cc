"""SES740 (and SES840): a read that fails is an unknown, never a pass, and it is reported within bounded time."""
from __future__ import annotations

import pytest

from .conftest import config, line_of, provider
from .helpers import check, closed_port, codes, found


def test_unreachable_endpoint(moto):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    path = moto.write(config(provider(endpoint=endpoint)))
    report, seconds = check(moto, path, probe=True, timeout=2)
    assert seconds < 6, seconds
    [unknown] = found(report, "SES740")
    assert "endpoint unreachable" in unknown.message and "nothing checked" in unknown.message
    assert unknown.line == line_of(path, "access_key_id:")
    [probe] = found(report, "SES840")
    assert "unreachable" in probe.message and probe.line == line_of(path, "endpoint:")
    assert not codes(report) & {"SES703", "SES706", "SES710", "SES802", "SES801"}


def test_throttling_past_retries(moto):
    moto.verify("example.com")
    moto.state.faults["GetIdentityVerificationAttributes"] = ("Throttling", "Rate exceeded")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, seconds = check(moto, path)
    assert seconds < 10, seconds
    [unknown] = found(report, "SES740")
    assert "identity verification" in unknown.message and "throttled past 2 attempts" in unknown.message
    assert unknown.line == line_of(path, "from:")
    assert moto.state.fault_counts["GetIdentityVerificationAttributes"] == 2  # one call, retried once
    assert not codes(report) & {"SES703", "SES704", "SES705"}


DENIED = [
    # (operation, words SES740 must contain, the rule that must then stay silent rather than pass/fire wrongly)
    ("GetIdentityVerificationAttributes", "identity verification", "SES703"),
    ("GetIdentityDkimAttributes", "DKIM status", "SES705"),
    ("GetIdentityMailFromDomainAttributes", "custom MAIL FROM status", "SES711"),
    ("GetMetricData", "bounce and complaint rates", "SES712"),
    ("SimulatePrincipalPolicy", "IAM permission", "SES710"),
    ("GetEmailIdentity", "signing hosted zone", None),
]


@pytest.mark.parametrize("operation, words, silent", DENIED, ids=[item[0] for item in DENIED])
def test_access_denied_on_each_read(moto, operation, words, silent):
    moto.verify("example.com")
    moto.state.faults[operation] = ("AccessDenied", f"User is not authorized to perform: {operation}")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user("mailer", {
        "Effect": "Deny", "Action": "ses:*", "Resource": "*"}))))
    report, _ = check(moto, path)
    unknowns = found(report, "SES740")
    assert len(unknowns) == 1, unknowns
    assert words in unknowns[0].message and "access denied" in unknowns[0].message and operation in unknowns[0].message
    if silent:
        assert silent not in codes(report)


def test_account_reads_denied(moto):
    moto.verify("example.com")
    for operation in ("GetAccount", "GetSendQuota", "GetAccountSendingEnabled"):
        moto.state.faults[operation] = ("AccessDenied", f"not authorized to perform {operation}")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [unknown] = found(report, "SES740")
    assert "sandbox status" in unknown.message and "24-hour quota" in unknown.message and "whether sending is enabled" in unknown.message
    assert not codes(report) & {"SES706", "SES707", "SES708", "SES709"}


def test_other_regions_that_fail_are_named(moto):
    moto.verify("other.org")
    moto.state.faults[("eu-west-1", "GetIdentityVerificationAttributes")] = ("AccessDenied", "denied in eu-west-1")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES703")
    assert "could not all be asked (eu-west-1)" in finding.message
