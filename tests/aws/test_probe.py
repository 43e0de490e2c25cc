"""SES801, SES802, SES840: the send probe; and the aws stage alone is read-only."""
from __future__ import annotations

from collections import Counter

from ses_lint.collect.aws import clients as aws_facts

from .conftest import SIMULATOR, config, line_of, provider
from .helpers import check, codes, found

WORKFLOW = """\
workflows:
  - name: notify
    steps:
      - task: notify
        type: email
        config:
          provider: us
          subject: hi
          to: [someone@customer.org]
          body: {text: hi}
"""
RATE = 10.0  # the emulated account's MaxSendRate in the pacing tests: a 0.1 s interval (the sandbox's 1/s would cost 1 s a send)


def _two_providers(moto):
    moto.verify("example.com")
    moto.verify("example.com", region="eu-west-1")
    keys = moto.user()
    return moto.write(config(
        provider("us", sender="Bot <noreply@example.com>", endpoint=moto.url, keys=keys),
        provider("eu", sender="alerts@mail.example.com", region="eu-west-1", endpoint=moto.url, keys=keys),
        provider("off", sender="x@example.com", endpoint=moto.url, keys=keys, enabled=False),
    ) + WORKFLOW)


def test_aws_stage_is_read_only(moto):
    path = _two_providers(moto)
    moto.state.account("us-east-1").production = False
    before = moto.snapshot()
    start = len(moto.state.requests)
    report, _ = check(moto, path)
    assert found(report, "SES707")  # it did look at the recipients ...
    operations = {operation for _, operation in moto.state.requests[start:]}
    assert operations and all(operation.startswith(("Get", "List", "Describe", "Simulate")) for operation in operations), operations
    # ... and changed nothing: no identity, user, role or policy created, no message sent, in any region
    assert moto.snapshot() == before
    assert moto.sent() == []


def test_probe_sends_exactly_one_message_per_provider_to_the_simulator(moto):
    path = _two_providers(moto)
    report, _ = check(moto, path, probe=True)
    sent = moto.sent()
    assert len(sent) == 2, sent
    assert sorted(message["source"] for message in sent) == ["Bot <noreply@example.com>", "alerts@mail.example.com"]
    for message in sent:
        assert message["destinations"]["ToAddresses"] == [SIMULATOR]
        assert "someone@customer.org" not in str(message)
    reports = {finding.provider: finding for finding in found(report, "SES802")}
    assert set(reports) == {"us", "eu"}
    assert "message id" in reports["us"].message and SIMULATOR in reports["us"].message and " ms" in reports["us"].message
    assert reports["us"].line == line_of(path, "from: Bot")
    assert not codes(report) & {"SES801", "SES840"}


def test_probe_to(moto):
    moto.verify("example.com")
    moto.state.account("us-east-1").production = True
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path, probe=True, probe_to="ops@example.com")
    [message] = moto.sent()
    assert message["destinations"]["ToAddresses"] == ["ops@example.com"]
    assert "ops@example.com" in found(report, "SES802")[0].message


def test_probe_unverified_sender_quotes_the_verification_remedy(moto):
    moto.verify("example.com", region="eu-west-1")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path, probe=True)
    [finding] = found(report, "SES801")
    assert "MessageRejected" in finding.message
    assert "Verification Issues" in finding.message and "Verify email address or domain in SES console" in finding.message
    assert "verified in eu-west-1" in finding.message
    assert moto.sent() == []


def test_probe_sandbox_recipient_quotes_the_sandbox_remedy(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path, probe=True, probe_to="someone@customer.org")
    [finding] = found(report, "SES801")
    assert "Sandbox Limitations" in finding.message and "Request production access from SES console" in finding.message


def test_probe_throttled_is_retried_once_and_quotes_the_rate_remedy(moto):
    moto.verify("example.com")
    moto.state.account("us-east-1").max_rate = RATE  # the retry waits the rate's interval: 0.1 s
    moto.state.faults["SendEmail"] = ("TooManyRequestsException", "Maximum sending rate exceeded.")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path, probe=True)
    [finding] = found(report, "SES801")
    assert "TooManyRequestsException" in finding.message and "Sending Rate Exceeded" in finding.message
    assert "Implement exponential backoff retry logic" in finding.message
    # a definite throttle (SES refused it: nothing was sent) is retried once after the rate's interval, never more
    assert moto.state.fault_counts["SendEmail"] == 2


def test_probe_without_credentials_is_unknown(moto):
    path = moto.write(config(provider(endpoint=moto.url, keys=False)))
    report, _ = check(moto, path, probe=True)
    [finding] = found(report, "SES840")
    assert "no AWS credentials" in finding.message
    assert moto.sent() == []


def test_probe_with_an_unknown_region_names_the_region_not_the_credentials(moto):
    path = moto.write(config(provider(endpoint=moto.url, region="${SES_PROBE_REGION}", keys=moto.user())))
    report, _ = check(moto, path, probe=True)
    [finding] = found(report, "SES840")
    assert "`region` `${SES_PROBE_REGION}`" in finding.message and "no AWS credentials" not in finding.message, finding.message
    assert moto.sent() == []


def test_calls_grow_with_regions_not_providers(moto):
    moto.verify("example.com")
    moto.verify("example.com", region="eu-west-1")
    keys = moto.user()
    providers = [provider(f"p{index}", sender=f"bot{index % 3}@example.com", region=("us-east-1", "eu-west-1")[index % 2],
                          endpoint=moto.url, keys=keys) for index in range(12)]
    path = moto.write(config(*providers))
    before = Counter(aws_facts.CALLS)
    report, _ = check(moto, path)
    calls = Counter(aws_facts.CALLS)
    calls.subtract(before)
    assert calls["sts:GetCallerIdentity"] == 1
    for operation in ("sesv2:GetAccount", "ses:GetIdentityVerificationAttributes", "ses:GetIdentityDkimAttributes",
                      "ses:GetIdentityMailFromDomainAttributes", "cloudwatch:GetMetricData", "sesv2:GetEmailIdentity"):
        assert calls[operation] == 2, (operation, calls)
    # one simulation per distinct sender and region (ses:FromAddress, aws:RequestedRegion), not per provider
    assert calls["iam:GetContextKeysForPrincipalPolicy"] == 1 and calls["iam:SimulatePrincipalPolicy"] == 6
    assert not found(report, "SES703")


# ---- issue 12 part 4: pacing, one retry after a definite throttle, delivery confirmed only by an event
def _senders(moto, count: int = 2):
    moto.verify("example.com")
    keys = moto.user()
    return moto.write(config(*[provider(f"p{index}", sender=f"bot{index}@example.com", endpoint=moto.url, keys=keys) for index in range(count)]))


def test_sends_are_paced_to_the_accounts_send_rate(moto):
    import time

    moto.state.enforce_rate = True  # SES: at most MaxSendRate a second
    moto.state.account("us-east-1").max_rate = RATE
    path = _senders(moto, 3)
    report, _ = check(moto, path, probe=True)
    assert not found(report, "SES801"), found(report, "SES801")
    assert len(found(report, "SES802")) == 3
    times = sorted(at for _, at in moto.state.sends)
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    # spaced by the interval of the rate SES answered (1 / MaxSendRate), not by the 1 s ses-lint assumes without it
    assert all(0.95 / RATE <= gap < 1.0 for gap in gaps), gaps
    assert time.monotonic() - times[0] < 10


def test_a_definite_throttle_is_retried_once_after_the_interval(moto):
    path = _senders(moto, 1)
    moto.state.account("us-east-1").max_rate = RATE
    moto.state.faults["SendEmail"] = ("TooManyRequestsException", "Maximum sending rate exceeded.")
    moto.state.fault_budget["SendEmail"] = 1  # someone else just sent: only the first attempt is refused
    report, _ = check(moto, path, probe=True)
    [sent] = found(report, "SES802")
    assert "retried once" in sent.message
    attempts = [at for _, operation, at in moto.state.calls if operation == "SendEmail"]
    assert len(attempts) == 2 and 0.95 / RATE <= attempts[1] - attempts[0] < 1.0  # after the rate's interval (0.1 s)


def _probe_with_vdm(moto, insights, timeout: float = 1.2):
    moto.verify("example.com")
    moto.state.account("us-east-1").vdm = True
    if insights is not None:
        moto.state.insights["*"] = insights
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    [finding] = found(check(moto, path, probe=True, timeout=timeout)[0], "SES802")
    return finding


def test_delivery_is_confirmed_by_message_insights(moto):
    finding = _probe_with_vdm(moto, [{"Destination": SIMULATOR, "Events": [
        {"Timestamp": 1764547200.0, "Type": "SEND"}, {"Timestamp": 1764547201.0, "Type": "DELIVERY"}]}])
    assert finding.message.endswith(", delivered") and finding.severity.value == "info"


def test_a_bounce_is_reported_with_its_type(moto):
    finding = _probe_with_vdm(moto, [{"Destination": SIMULATOR, "Events": [
        {"Timestamp": 1764547200.0, "Type": "BOUNCE", "Details": {"Bounce": {"BounceType": "PERMANENT", "BounceSubType": "General"}}}]}])
    assert "bounced (PERMANENT)" in finding.message and finding.severity.value == "warning"


def test_never_delivered_without_the_event(moto):
    finding = _probe_with_vdm(moto, None, timeout=0.7)  # polled until --timeout is spent, then given up
    assert "accepted by SES; delivery not confirmed (no delivery event from GetMessageInsights within 0.7 s)" in finding.message
    assert "delivered" not in finding.message.replace("delivery not confirmed", "").replace("no delivery event", "")


def test_without_vdm_delivery_is_not_confirmed(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    [finding] = found(check(moto, path, probe=True)[0], "SES802")
    assert "accepted by SES; delivery not confirmed (VDM is off" in finding.message
    assert "GetMessageInsights" not in [operation for _, operation in moto.state.requests]
