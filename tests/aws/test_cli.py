"""End to end: the installed `ses-lint check --aws` / `--probe` against moto, in a subprocess."""
from __future__ import annotations

import json

from support import run_cli

from .conftest import SIMULATOR, config, line_of, provider
from .helpers import step


def test_cli_aws_and_probe(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    # a clean environment: shared files in tmp, no instance metadata, no AWS keys from the caller's shell
    env = dict(moto.environ(), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None, AWS_PROFILE=None)
    result = run_cli("check", "--aws", "--select", "SES7", "--format", "json", "--timeout", "3", str(path), env=env, timeout=60)
    assert result[0] == 0, result
    findings = json.loads(result[1])["findings"]
    by_code = {finding["code"]: finding for finding in findings}
    assert by_code["SES713"]["line"] == line_of(path, "access_key_id:") and "user/mailer" in by_code["SES713"]["message"]
    assert by_code["SES706"]["severity"] == "warning" and by_code["SES706"]["stage"] == "aws"
    assert moto.sent() == []

    result = run_cli("check", "--probe", "--select", "SES8", "--format", "json", str(path), env=env, timeout=60)
    assert result[0] == 0, result
    [probe] = json.loads(result[1])["findings"]
    assert probe["code"] == "SES802" and SIMULATOR in probe["message"]
    [message] = moto.sent()
    assert message["destinations"]["ToAddresses"] == [SIMULATOR] and message["source"] == "noreply@example.com"


def test_cli_reports_what_ses_would_enforce(moto):
    """Issue 12 from the installed CLI: per-resource IAM verdicts, a key ses-lint cannot know, a paused
    configuration set, a suppressed recipient, the advisor, production access, the probe's delivery."""
    from .conftest import STATE

    moto.verify("example.com", "a.org")
    moto.client("sesv2").create_configuration_set(ConfigurationSetName="tx", SendingOptions={"SendingEnabled": False})
    moto.identity("example.com", v2={"ConfigurationSetName": "tx"})
    STATE.suppressed[("us-east-1", "gone@customer.org")] = {"Reason": "COMPLAINT", "LastUpdateTime": 1759363200.0}
    account = STATE.account("us-east-1")
    account.vdm, account.review = True, {"Status": "PENDING", "CaseId": "77"}  # still in the sandbox
    STATE.recommendations["us-east-1"] = [{"ResourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                                           "Type": "SPF", "Description": "SPF record missing", "Status": "OPEN", "Impact": "HIGH"}]
    STATE.insights["*"] = [{"Destination": SIMULATOR, "Events": [{"Timestamp": 1764547200.0, "Type": "DELIVERY"}]}]
    keys = moto.user("mailer", {"Effect": "Allow", "Action": "ses:SendEmail", "Resource": "arn:aws:ses:*:*:identity/a.org"},
                     {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*",
                      "Condition": {"StringEquals": {"ses:ApiVersion": "2"}}})
    path = moto.write(config(provider("main", endpoint=moto.url, keys=keys), provider("other", sender="noreply@a.org", endpoint=moto.url, keys=keys),
                             workflows=step("main", "gone@customer.org")))
    env = dict(moto.environ(), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None, AWS_PROFILE=None)
    code, out, _ = run_cli("check", "--probe", "--select", "SES7,SES8", "--format", "json", "--timeout", "3", str(path), env=env, timeout=90)
    findings = json.loads(out)["findings"]
    assert code == 1
    got = {(f["code"], f["provider"]): f for f in findings}
    assert got[("SES715", "main")]["severity"] == "error"
    assert "COMPLAINT" in got[("SES719", "main")]["message"] and got[("SES719", "main")]["line"] == line_of(path, "gone@customer.org")
    assert "SPF" in got[("SES720", "main")]["message"]
    assert got[("SES722", "main")]["severity"] == "info" and "77" in got[("SES722", "main")]["message"]
    hinges = [f for f in findings if f["code"] == "SES740" and "`ses:ApiVersion`" in f["message"]]
    assert {f["provider"] for f in hinges} == {"main", "other"}
    assert ("SES710", "main") not in got and ("SES710", "other") not in got  # not a verdict: it hinges on the API version
    assert got[("SES802", "other")]["message"].endswith(", delivered")
