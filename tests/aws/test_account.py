"""The account reads against moto: SES v2 GetAccount and its v1 fallbacks, per region, the sandbox
recipients, CloudWatch reputation. Thresholds, grades and wording of SES706-SES722 on every state are
tables on facts (test_rules_on_facts.py)."""
from __future__ import annotations

import datetime

from .conftest import config, line_of, provider
from .helpers import check, found

WORKFLOW = """
- name: notify
  steps:
    - task: notify
      type: email
      config:
        provider: email-ses
        subject: hi
        to:
          - ops@example.com
          - someone@customer.org
          - success@simulator.amazonses.com
        body: {text: hi}
"""


def test_sandbox_fires_and_production_is_silent(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES706")
    assert finding.line == line_of(path, "region:") and "sandbox in us-east-1" in finding.message
    assert "guessed" not in finding.message
    moto.state.account("us-east-1").production = True
    report, _ = check(moto, path)
    assert not found(report, "SES706")


def test_sandbox_is_per_region(moto):
    moto.verify("example.com", region="eu-west-1")
    moto.verify("example.com")
    moto.state.account("us-east-1").production = True
    path = moto.write(config(provider("a", endpoint=moto.url), provider("b", region="eu-west-1", endpoint=moto.url)))
    report, _ = check(moto, path)
    [finding] = found(report, "SES706")
    assert finding.provider == "b" and "eu-west-1" in finding.message


def test_v1_fallback_when_v2_is_not_answered(moto):
    moto.verify("example.com")
    moto.state.faults["GetAccount"] = ("InternalFailure", "v2 not answered")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [sandbox] = found(report, "SES706")
    assert "guessed" in sandbox.message
    [unknown] = found(report, "SES740")
    assert "enforcement status" in unknown.message and "GetAccount" in unknown.message
    assert unknown.line == line_of(path, "region:")
    moto.state.account("us-east-1").sending_enabled = False
    report, _ = check(moto, path)
    assert found(report, "SES708")


def test_sandbox_recipients(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())) + "workflows:\n" + "\n".join(
        "  " + line for line in WORKFLOW.strip().splitlines()) + "\n")
    report, _ = check(moto, path)
    [finding] = found(report, "SES707")  # ops@example.com is covered by example.com, the simulator always allowed
    assert finding.line == line_of(path, "someone@customer.org")
    assert "someone@customer.org" in finding.message and "sandbox" in finding.message


def test_sending_paused_and_probation(moto):
    moto.verify("example.com")
    account = moto.state.account("us-east-1")
    account.sending_enabled, account.enforcement = False, "PROBATION"
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    messages = " | ".join(finding.message for finding in found(report, "SES708"))
    assert "disabled" in messages and "PROBATION" in messages


def test_quota_near(moto):
    moto.verify("example.com")
    account = moto.state.account("us-east-1")
    account.max_24h, account.sent_24h = 50000.0, 45000.0
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES709")
    assert "90%" in finding.message and "45000 of 50000" in finding.message


def test_reputation(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    assert not found(report, "SES712")  # no datapoints: not judged
    now = datetime.datetime.now(datetime.timezone.utc)
    moto.client("cloudwatch").put_metric_data(Namespace="AWS/SES", MetricData=[
        {"MetricName": "Reputation.BounceRate", "Value": 0.07, "Timestamp": now - datetime.timedelta(minutes=5)},
        {"MetricName": "Reputation.ComplaintRate", "Value": 0.0002, "Timestamp": now - datetime.timedelta(minutes=5)},
    ])
    report, _ = check(moto, path)
    [finding] = found(report, "SES712")
    assert "bounce rate" in finding.message and "7.00%" in finding.message
