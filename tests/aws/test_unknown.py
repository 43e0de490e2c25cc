"""SES740: a read that fails is an unknown, never a pass, and it is reported within bounded time. Every
read failing every way, and the whole stage failing, is tests/aws/test_fault_matrix.py; here the exact
retry count of one throttled read, and other regions that cannot be asked."""
from __future__ import annotations

from .conftest import config, line_of, provider
from .helpers import check, codes, found


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


def test_other_regions_that_fail_are_named(moto):
    moto.verify("other.org")
    moto.state.faults[("eu-west-1", "GetIdentityVerificationAttributes")] = ("AccessDenied", "denied in eu-west-1")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES703")
    assert "could not all be asked (eu-west-1)" in finding.message
