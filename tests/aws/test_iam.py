"""SES710: IAM SimulatePrincipalPolicy with `ses:FromAddress` (emulated in conftest: moto has no simulator)."""
from __future__ import annotations

import json

from .conftest import config, line_of, provider
from .helpers import check, found, step

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


# ---- issue 12: the answer read per resource, SES's context keys, both send APIs, every resource
SEND = ["ses:SendEmail", "ses:SendRawEmail"]


def allow(resource="*", **condition) -> dict:
    statement = {"Effect": "Allow", "Action": SEND, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def test_each_identity_is_judged_when_one_principal_backs_several_senders(moto):
    moto.verify("a.org", "b.org")
    keys = moto.user("mailer", allow("arn:aws:ses:us-east-1:123456789012:identity/a.org"))
    path = moto.write(config(provider("a", sender="noreply@a.org", endpoint=moto.url, keys=keys),
                             provider("b", sender="noreply@b.org", endpoint=moto.url, keys=keys)))
    report, _ = check(moto, path)
    [finding] = found(report, "SES710")
    assert finding.provider == "b" and finding.severity.value == "error"
    assert "identity/b.org: implicitDeny" in finding.message and "ses:SendRawEmail" in finding.message


def test_the_address_identity_is_what_ses_authorizes(moto):
    moto.verify("example.com", "noreply@example.com")
    keys = moto.user("mailer", allow("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
    path = moto.write(config(provider(endpoint=moto.url, keys=keys)))
    [finding] = found(check(moto, path)[0], "SES710")
    assert "identity/noreply@example.com: implicitDeny" in finding.message


def test_display_name_is_supplied(moto):
    moto.verify("example.com")
    keys = moto.user("mailer", allow(StringEquals={"ses:FromDisplayName": "Ops Bot", "ses:FromAddress": "noreply@example.com"}))
    path = moto.write(config(provider("good", sender='"Ops Bot <noreply@example.com>"', endpoint=moto.url, keys=keys),
                             provider("bad", sender='"Someone <noreply@example.com>"', endpoint=moto.url, keys=keys)))
    report, _ = check(moto, path)
    assert [finding.provider for finding in found(report, "SES710")] == ["bad"]
    assert not found(report, "SES740")


def test_requested_region_is_supplied(moto):
    moto.verify("example.com")
    moto.verify("example.com", region="eu-west-1")
    keys = moto.user("mailer", allow(), {"Effect": "Deny", "Action": "ses:*", "Resource": "*",
                                         "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}})
    path = moto.write(config(provider("us", endpoint=moto.url, keys=keys),
                             provider("eu", region="eu-west-1", endpoint=moto.url, keys=keys)))
    report, _ = check(moto, path)
    [finding] = found(report, "SES710")
    assert finding.provider == "us" and "explicitDeny" in finding.message


def test_recipients_are_each_steps_recipients(moto):
    moto.verify("example.com")
    moto.state.account("us-east-1").production = True
    keys = moto.user("mailer", allow(**{"ForAllValues:StringLike": {"ses:Recipients": ["*@example.com"]}}))
    path = moto.write(config(provider("inside", endpoint=moto.url, keys=keys), provider("outside", endpoint=moto.url, keys=keys),
                             workflows=step("inside", "ops@example.com") + step("outside", "ops@example.com", "someone@other.org")))
    report, _ = check(moto, path)
    assert [finding.provider for finding in found(report, "SES710")] == ["outside"]


def test_unresolved_recipients_are_not_a_verdict(moto):
    moto.verify("example.com")
    moto.state.account("us-east-1").production = True
    keys = moto.user("mailer", allow(**{"ForAnyValue:StringLike": {"ses:Recipients": ["*@example.com"]}}))
    path = moto.write(config(provider(endpoint=moto.url, keys=keys), workflows=step("email-ses", "'${ONCALL}'")))
    report, _ = check(moto, path)
    assert not found(report, "SES710")
    [unknown] = [finding for finding in found(report, "SES740") if "hinges on" in finding.message]
    assert "`ses:Recipients`" in unknown.message


def test_a_key_ses_lint_cannot_know_is_not_checked(moto):
    moto.verify("example.com")
    keys = moto.user("mailer", allow(StringEquals={"ses:ApiVersion": "2"}))
    path = moto.write(config(provider(endpoint=moto.url, keys=keys)))
    report, _ = check(moto, path)
    assert not found(report, "SES710")
    [unknown] = [finding for finding in found(report, "SES740") if "hinges on" in finding.message]
    assert "`ses:ApiVersion`" in unknown.message and "ses:SendEmail (" in unknown.message and "ses:SendRawEmail (" in unknown.message


def test_the_default_configuration_set_is_authorized_too(moto):
    moto.verify("example.com")
    moto.client("sesv2").create_configuration_set(ConfigurationSetName="tx")
    moto.identity("example.com", v2={"ConfigurationSetName": "tx"})
    keys = moto.user("mailer", allow("arn:aws:ses:*:*:identity/*"))
    path = moto.write(config(provider(endpoint=moto.url, keys=keys)))
    [finding] = found(check(moto, path)[0], "SES710")
    assert "configuration-set/tx: implicitDeny" in finding.message and "identity/example.com" not in finding.message


def test_in_the_sandbox_recipient_identities_are_authorized_too(moto):
    moto.verify("example.com", "ops@partner.org")
    keys = moto.user("mailer", allow("arn:aws:ses:us-east-1:123456789012:identity/example.com"))
    path = moto.write(config(provider(endpoint=moto.url, keys=keys), workflows=step("email-ses", "ops@partner.org")))
    [finding] = found(check(moto, path)[0], "SES710")
    assert "identity/ops@partner.org: implicitDeny" in finding.message


def test_simulation_denied_says_which_permission_would_let_it_check(moto):
    moto.verify("example.com")
    moto.state.faults["SimulatePrincipalPolicy"] = ("AccessDenied", "not authorized to perform: iam:SimulatePrincipalPolicy")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    [unknown] = found(check(moto, path)[0], "SES740")
    assert "allow `iam:SimulatePrincipalPolicy` on `arn:aws:iam::123456789012:user/mailer`" in unknown.message


def test_a_step_with_unknown_recipients_is_not_hidden_by_a_known_one(moto):
    moto.verify("example.com")
    moto.state.account("us-east-1").production = True
    keys = moto.user("mailer", allow(**{"ForAllValues:StringLike": {"ses:Recipients": ["*@example.com"]}}))
    path = moto.write(config(provider(endpoint=moto.url, keys=keys),
                             workflows=step("email-ses", "ops@example.com") + step("email-ses", "'${ONCALL}'")))
    report, _ = check(moto, path)
    assert not found(report, "SES710")
    assert any("`ses:Recipients`" in finding.message for finding in found(report, "SES740"))


def test_an_answer_without_the_action_is_not_a_pass(moto):
    """A simulator answer that leaves an action out (or a resource) never counts as allowed."""
    from .conftest import STATE

    moto.verify("example.com")
    STATE.faults.clear()
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    import moto.iam.responses as iam_responses

    original = iam_responses.IamResponse.simulate_principal_policy

    def only_send_email(self):
        answer = original(self)
        answer.result["EvaluationResults"] = [r for r in answer.result["EvaluationResults"] if r["EvalActionName"] == "ses:SendEmail"]
        return answer

    iam_responses.IamResponse.simulate_principal_policy = only_send_email
    try:
        report, _ = check(moto, path)
    finally:
        iam_responses.IamResponse.simulate_principal_policy = original
    assert not found(report, "SES710")
    [unknown] = [f for f in found(report, "SES740") if "IAM permission" in f.message]
    assert "ses:SendRawEmail" in unknown.message and "gave no answer for the action" in unknown.message
