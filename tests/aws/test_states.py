"""Issue 12 part 2 and 3: the states that silently stop mail, read from moto (configuration sets, the
suppression list, notifications and event destinations, the advisor, production access review, the v2
identity view). Severities as SES enforces them and every message variant are tables on facts
(test_rules_on_facts.py); here each read is checked for what it makes of SES's answers."""
from __future__ import annotations

from ses_lint.core.findings import Severity

from .conftest import STATE, config, line_of, provider
from .helpers import check, found

ARN = "arn:aws:ses:us-east-1:123456789012:identity/"
WORKFLOW = """
- name: w
  steps:
    - task: notify
      type: email
      config: {provider: email-ses, subject: s, to: [gone@customer.org, ok@customer.org], cc: [angry@customer.org], body: {text: t}}
"""


def one(moto, **options):
    if not hasattr(moto, "keys"):
        moto.keys = moto.user()
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.keys), workflows=options.pop("workflows", "")))
    return check(moto, path, **options)[0], path


def with_set(moto, name="tx", **options):
    moto.verify("example.com")
    moto.client("sesv2").create_configuration_set(ConfigurationSetName=name, **options)
    moto.identity("example.com", v2={"ConfigurationSetName": name})


# ---- configuration sets
def test_deleted_default_configuration_set_is_an_error(moto):
    moto.verify("example.com")
    moto.identity("example.com", v2={"ConfigurationSetName": "gone"})
    report, path = one(moto)
    [finding] = found(report, "SES714")
    assert "`gone`" in finding.message and "ConfigurationSetDoesNotExist" in finding.message
    assert finding.line == line_of(path, "from:")


def test_paused_configuration_set_is_an_error(moto):
    with_set(moto, SendingOptions={"SendingEnabled": False})
    report, _ = one(moto)
    [finding] = found(report, "SES715")
    assert "sending is paused for configuration set `tx`" in finding.message and finding.severity == Severity.ERROR


def test_tls_required_is_info_with_the_options(moto):
    with_set(moto, DeliveryOptions={"TlsPolicy": "REQUIRE"}, SuppressionOptions={"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
             ReputationOptions={"ReputationMetricsEnabled": True})
    report, _ = one(moto)
    [finding] = found(report, "SES716")
    assert "requires TLS" in finding.message and "suppression: BOUNCE, COMPLAINT" in finding.message and "reputation metrics on" in finding.message
    assert not found(report, "SES714") and not found(report, "SES715")


def test_a_healthy_set_is_silent(moto):
    with_set(moto)
    report, _ = one(moto)
    assert not {f.code for f in report.findings} & {"SES714", "SES715", "SES716", "SES740"}, report.findings


# ---- the account-level suppression list
def test_suppressed_recipient_is_a_warning_with_reason_and_date(moto):
    moto.verify("example.com")
    STATE.account("us-east-1").production = True
    STATE.suppressed[("us-east-1", "gone@customer.org")] = {"Reason": "BOUNCE", "LastUpdateTime": 1759363200.0}
    STATE.suppressed[("us-east-1", "angry@customer.org")] = {"Reason": "COMPLAINT", "LastUpdateTime": 1759363200.0}
    report, path = one(moto, workflows=WORKFLOW)
    findings = sorted(found(report, "SES719"), key=lambda f: f.column)
    assert [f.severity for f in findings] == [Severity.WARNING, Severity.WARNING]
    assert "`gone@customer.org`" in findings[0].message and "(BOUNCE since 2025-10-02)" in findings[0].message
    assert "never deliver" in findings[0].message
    assert any("`angry@customer.org`" in f.message and "COMPLAINT" in f.message for f in findings)
    assert {f.line for f in findings} == {line_of(path, "gone@customer.org")}
    lookups = [operation for _, operation in STATE.requests if operation == "GetSuppressedDestination"]
    assert len(lookups) == 3  # every literal recipient once


# ---- bounce and complaint handling
def test_sns_topics_or_event_destinations_handle_bounces(moto):
    moto.verify("example.com")
    ses = moto.client("ses")
    ses.set_identity_feedback_forwarding_enabled(Identity="example.com", ForwardingEnabled=False)
    ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce", SnsTopic="arn:aws:sns:us-east-1:123456789012:b")
    report, _ = one(moto)
    [finding] = found(report, "SES717")
    assert finding.message.startswith("complaints of")  # bounces have a topic
    moto.client("sesv2").create_configuration_set(ConfigurationSetName="tx")
    moto.identity("example.com", v2={"ConfigurationSetName": "tx"})
    STATE.event_destinations[("us-east-1", "tx")] = [{"Name": "e", "Enabled": True, "MatchingEventTypes": ["COMPLAINT"],
                                                     "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}}]
    report, _ = one(moto)
    assert not found(report, "SES717")


# ---- SES's advisor
def test_advisor_findings_by_type_and_impact_paced(moto):
    moto.verify("example.com")
    STATE.account("us-east-1").vdm = True
    STATE.recommendations["us-east-1"] = [
        {"ResourceArn": ARN + "example.com", "Type": "DMARC", "Description": "No DMARC record", "Status": "OPEN", "Impact": "HIGH"},
        {"ResourceArn": ARN + "example.com", "Type": "BIMI", "Description": "No BIMI record", "Status": "OPEN", "Impact": "LOW"},
        {"ResourceArn": ARN + "example.com", "Type": "SPF", "Description": "fixed", "Status": "FIXED", "Impact": "HIGH"},
        {"ResourceArn": ARN + "other.org", "Type": "DKIM", "Description": "not ours", "Status": "OPEN", "Impact": "HIGH"},
        {"ResourceArn": ARN + "example.com", "Type": "COMPLAINT", "Description": "complaints", "Status": "OPEN", "Impact": "HIGH"},
    ]
    report, _ = one(moto)
    findings = {f.message.split(",")[1].split()[0]: f for f in found(report, "SES720")}
    assert set(findings) == {"DMARC", "BIMI", "COMPLAINT"}
    assert findings["DMARC"].severity == Severity.WARNING and "HIGH impact" in findings["DMARC"].message
    assert findings["BIMI"].severity == Severity.INFO and "No BIMI record" in findings["BIMI"].message
    assert not found(report, "SES721")
    times = [at for _, operation, at in STATE.calls if operation == "ListRecommendations"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95  # two pages, at most one call a second


def test_vdm_off_is_one_info(moto):
    moto.verify("example.com")
    report, _ = one(moto)
    [finding] = found(report, "SES721")
    assert finding.severity == Severity.INFO and "not consulted" in finding.message
    assert not [operation for _, operation in STATE.requests if operation == "ListRecommendations"]


# ---- production access
def test_production_access_review_is_read(moto):
    moto.verify("example.com")
    STATE.account("us-east-1").review = {"Status": "DENIED", "CaseId": "1234567890"}
    [finding] = found(one(moto)[0], "SES722")
    assert finding.severity == Severity.WARNING and "denied (support case 1234567890)" in finding.message


# ---- severities as SES enforces them
def test_mail_from_severity_follows_the_mx_failure_behaviour(moto):
    moto.verify("example.com")
    ses = moto.client("ses")
    ses.set_identity_mail_from_domain(Identity="example.com", MailFromDomain="bounce.example.com", BehaviorOnMXFailure="RejectMessage")
    moto.identity("example.com", mail_from_status="Pending")
    [finding] = found(one(moto)[0], "SES711")
    assert finding.severity == Severity.ERROR and "rejects mail" in finding.message
    ses.set_identity_mail_from_domain(Identity="example.com", MailFromDomain="bounce.example.com", BehaviorOnMXFailure="UseDefaultValue")
    [finding] = found(one(moto)[0], "SES711")
    assert finding.severity == Severity.WARNING and "default MAIL FROM" in finding.message


def test_verified_means_verified_for_sending_and_error_type_has_a_remedy(moto):
    moto.verify("example.com")
    moto.identity("example.com", v2={"VerifiedForSendingStatus": False, "VerificationInfo": {"ErrorType": "TYPE_NOT_FOUND"}})
    report, _ = one(moto)
    [finding] = found(report, "SES704")
    assert "not verified for sending" in finding.message and "TYPE_NOT_FOUND" in finding.message and "publish the CNAME" in finding.message
    assert not found(report, "SES705")  # not covered: DKIM of a sender that cannot send is not judged


def test_1024_bit_dkim_key_is_a_warning(moto):
    moto.verify("example.com")
    moto.identity("example.com", v2={"DkimAttributes": {"CurrentSigningKeyLength": "RSA_1024_BIT"}})
    [finding] = found(one(moto)[0], "SES718")
    assert "1024-bit" in finding.message and finding.severity == Severity.WARNING


def test_byodkim_selector_goes_to_the_dns_stage(moto):
    from ses_lint.core.engine import discover
    from ses_lint.core.findings import Stage
    from ses_lint.core.run import Options, Run
    from ses_lint.facts.aws import AwsProvider
    from ses_lint.source.document import load

    moto.verify("example.com")
    moto.identity("example.com", v2={"DkimAttributes": {"SigningAttributesOrigin": "EXTERNAL", "Tokens": ["mysel"]}})
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    source = discover([str(path)])[0]
    run = Run(Options(stages=frozenset({Stage.STATIC, Stage.AWS}), timeout=3), [load(source.path, source.raw)], environ=moto.environ())
    [aws] = run.subjects(AwsProvider)
    assert aws.dns_hints.dkim_selectors == ("mysel",) and aws.dns_hints.dkim_tokens == ()


def test_vdm_off_is_said_once_per_region(moto):
    moto.verify("example.com")
    keys = moto.user()
    path = moto.write(config(provider("a", endpoint=moto.url, keys=keys), provider("b", endpoint=moto.url, keys=keys)))
    assert len(found(check(moto, path)[0], "SES721")) == 1


def test_suppression_list_denied_is_one_unknown_per_provider(moto):
    moto.verify("example.com")
    STATE.faults["GetSuppressedDestination"] = ("AccessDeniedException", "not authorized to perform ses:GetSuppressedDestination")
    report, _ = one(moto, workflows=WORKFLOW)
    [unknown] = [f for f in found(report, "SES740") if "suppression list" in f.message]
    assert "3 recipient(s)" in unknown.message and "access denied" in unknown.message
    assert not found(report, "SES719")
