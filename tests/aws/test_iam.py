"""SES710: IAM SimulatePrincipalPolicy with `ses:FromAddress` (emulated in conftest: moto has no simulator)."""
from __future__ import annotations

import json

from .conftest import config, line_of, provider
from .helpers import check, found

ONLY_OTHER_SENDER = {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*",
                     "Condition": {"StringEquals": {"ses:FromAddress": "other@example.com"}}}
ONLY_THIS_SENDER = dict(ONLY_OTHER_SENDER, Condition={"StringEquals": {"ses:FromAddress": "noreply@example.com"}})


def test_allowed_is_silent(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user("mailer", ONLY_THIS_SENDER))))
    report, _ = check(moto, path)
    assert not found(report, "SES710") and not found(report, "SES740"), report.findings


def test_from_address_condition_denies(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user("mailer", ONLY_OTHER_SENDER))))
    report, _ = check(moto, path)
    [finding] = found(report, "SES710")
    assert finding.line == line_of(path, "access_key_id:")
    assert "user/mailer" in finding.message and "ses:SendEmail" in finding.message and "implicitDeny" in finding.message
    assert "identity/example.com" in finding.message


def test_each_sender_is_simulated_when_policies_test_from_address(moto):
    moto.verify("example.com")
    keys = moto.user("mailer", ONLY_THIS_SENDER)
    path = moto.write(config(provider("a", endpoint=moto.url, keys=keys),
                             provider("b", sender="other@example.com", endpoint=moto.url, keys=keys)))
    report, _ = check(moto, path)
    [finding] = found(report, "SES710")
    assert finding.provider == "b" and "other@example.com" in finding.message


def test_explicit_deny_of_raw(moto):
    moto.verify("example.com")
    keys = moto.user("mailer", {"Effect": "Allow", "Action": "ses:*", "Resource": "*"},
                     {"Effect": "Deny", "Action": "ses:SendRawEmail", "Resource": "*"})
    path = moto.write(config(provider(endpoint=moto.url, keys=keys)))
    report, _ = check(moto, path)
    [finding] = found(report, "SES710")
    assert "ses:SendRawEmail" in finding.message and "explicitDeny" in finding.message
    assert "ses:SendEmail on" not in finding.message


def test_assumed_role_is_simulated_as_its_role_with_path(moto):
    moto.verify("example.com")
    keys = moto.user("deployer", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="pr", Path="/svc/team/", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="pr", PolicyName="send", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [ONLY_OTHER_SENDER]}))
    session = moto.client("sts", key=keys[0], secret=keys[1]).assume_role(RoleArn="arn:aws:iam::123456789012:role/svc/team/pr", RoleSessionName="ci")
    creds = session["Credentials"]
    environ = moto.environ(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                           AWS_SESSION_TOKEN=creds["SessionToken"])
    path = moto.write(config(provider(endpoint=moto.url, keys=False)))
    report, _ = check(moto, path, environ=environ)
    [source] = found(report, "SES713")
    assert "environment variables" in source.message and "assumed-role/pr/ci" in source.message
    [finding] = found(report, "SES710")
    assert "arn:aws:iam::123456789012:role/svc/team/pr" in finding.message


def test_simulation_denied_is_unknown(moto):
    moto.verify("example.com")
    moto.state.faults["SimulatePrincipalPolicy"] = ("AccessDenied", "not authorized to perform: iam:SimulatePrincipalPolicy")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    assert not found(report, "SES710")
    [unknown] = found(report, "SES740")
    assert "IAM permission" in unknown.message and "access denied" in unknown.message
