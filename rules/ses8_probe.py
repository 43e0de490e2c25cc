"""SES801, SES802, SES840: the opt-in send probe (stage probe)."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import ERROR, INFO, PROBE, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.probe import ProbeResult
from ses_lint.knowledge.aws import error_kind

# The remedies of the provider documentation's "Troubleshooting" section, quoted.
VERIFICATION = ("Verify email address or domain in SES console; Check verification status: "
                "`aws ses get-identity-verification-attributes`; Ensure using correct AWS region; "
                "Wait for domain DNS propagation (up to 72 hours)")
SANDBOX = ("Request production access from SES console; Verify recipient addresses for testing in sandbox; "
           "Check account is out of sandbox: SES Console > Account Dashboard")
AUTHENTICATION = ("Verify IAM permissions include `ses:SendEmail`; Check AWS credentials are correctly configured; "
                  "Ensure region matches SES setup region; Test credentials: `aws ses get-send-quota --region us-east-1`")
THROTTLING = ("Check current limits: `aws ses get-send-quota`; Implement exponential backoff retry logic; "
              "Request sending limit increase; Distribute sending over time")
# Not in the provider documentation: AWS's own guidance for these errors.
MAIL_FROM = ("(not in the provider docs) publish the custom MAIL FROM domain's MX `feedback-smtp.<region>.amazonses.com` "
             "and SPF records, or set BehaviorOnMXFailure to UseDefaultValue")
PAUSED = "(not in the provider docs) sending is paused for the account or configuration set: see the SES console's account dashboard and AWS's notice"


def remedy(result: ProbeResult) -> tuple[str, str]:
    """(troubleshooting section, remedy) for the probe's error."""
    error = result.error
    assert error is not None
    aws = result.aws
    code, text = error.code, error.message.lower()
    if error_kind(code) == "throttled" or "rate exceeded" in text or error.kind == "throttled":
        return "Sending Rate Exceeded", THROTTLING
    if error_kind(code) in ("denied", "auth") or error.kind in ("denied", "auth"):
        return "Authentication Errors", AUTHENTICATION
    if code == "MailFromDomainNotVerifiedException":
        return "custom MAIL FROM", MAIL_FROM
    if code in ("SendingPausedException", "AccountSuspendedException", "AccountSendingPausedException", "ConfigurationSetSendingPausedException"):
        return "sending paused", PAUSED
    if "not verified" in text or code == "MessageRejected":
        sender_rejected = (aws.sender or "").lower() in text or aws.covering is None
        recipient_rejected = result.recipient.lower() in text and not sender_rejected
        if recipient_rejected or (aws.covering is not None and aws.account_facts is not None and aws.account_facts.sandbox):
            return "Sandbox Limitations", SANDBOX
        fix = VERIFICATION
        if aws.other_regions:
            fix += f" (the sender is verified in {', '.join(aws.other_regions)}, not in {aws.region})"
        return "Verification Issues", fix
    return "", "see the error message; run `ses-lint --aws` for the account, identity and IAM checks"


@rule("SES801", "probe-failed", stage=PROBE, severity=ERROR)
def probe_failed(result: ProbeResult) -> Iterator[Finding]:
    """The probe send was rejected; the finding carries AWS's error code and the documented remedy.

    Details: one SES v2 SendEmail from `from` to the mailbox simulator (or `--probe-to`), made once,
    without retries (but a send SES refused for the rate is retried once, after the interval). The remedy is the provider documentation's Troubleshooting entry for the error:
    Verification Issues (sender not verified), Sandbox Limitations (recipient not verified in the
    sandbox), Authentication Errors (access denied, bad credentials), Sending Rate Exceeded (throttling);
    errors the documentation does not cover say so.
    Why: this is exactly what the provider will meet when it sends.
    Fix: apply the remedy quoted in the message, then probe again.
    Bad:
        ses-lint check --probe config.yaml   # MessageRejected: Email address is not verified
    Good:
        ses-lint check --probe config.yaml   # SES802 probe-sent
    """
    if result.error is None:
        return
    section, fix = remedy(result)
    where = f" [provider docs, Troubleshooting > {section}]" if section and not fix.startswith("(not") else ""
    yield result.aws.finding(
        ("config", "from"),
        f"probe send from `{result.aws.sender}` to {result.recipient} rejected: {result.error.code}: {result.error.message}; remedy{where}: {fix}",
    )


@rule("SES802", "probe-sent", stage=PROBE, severity=INFO)
def probe_sent(result: ProbeResult) -> Iterator[Finding]:
    """The probe was accepted: message id, recipient, latency, and whether SES saw it delivered.

    Details: SES accepted the message (SendEmail returned a MessageId). With Virtual Deliverability
    Manager on, GetMessageInsights is polled within `--timeout` for the message's events: "delivered"
    (a DELIVERY event), "bounced" with the bounce type (a BOUNCE event: then this is a warning), or
    "accepted by SES; delivery not confirmed" and why (VDM off, no event in time, the read failed). It
    never says delivered without the event. Sends are paced to the account's MaxSendRate per region; a
    send SES refused for the rate is retried once after the interval (nothing was sent the first time).
    The mailbox simulator's messages count against the sending rate, not the daily quota, and are billed.
    Why: proves end to end that these credentials, this region and this sender can send, and where SES
    can say so, that the message arrived.
    Fix: nothing to fix when delivered; for a bounce, read the bounce type and the recipient's setup.
    Bad:
        probe to bounce@simulator.amazonses.com: bounced (Permanent)
    Good:
        probe sent from noreply@example.com to success@simulator.amazonses.com: message id 0100..., 182 ms, delivered
    """
    if result.message_id is None:
        return
    latency = f"{result.latency * 1000:.0f} ms" if result.latency is not None else "unknown latency"
    if result.delivery == "bounced":
        outcome = f"bounced ({result.bounce_type or 'bounce type not given'})"
    elif result.delivery in ("delivered", "complained"):
        outcome = "delivered" + (" (and the recipient complained)" if result.delivery == "complained" else "")
    else:
        outcome = f"accepted by SES; delivery not confirmed ({result.unconfirmed or 'no delivery event'})"
    retried = "; retried once after SES's rate limit refused the first attempt" if result.retried else ""
    finding = result.aws.finding(
        ("config", "from"), f"probe sent from `{result.aws.sender}` to {result.recipient}: message id {result.message_id}, {latency}, {outcome}{retried}")
    yield finding.evolve(severity=WARNING) if result.delivery == "bounced" else finding


@rule("SES840", "probe-unknown", stage=PROBE, severity=ERROR)
def probe_unknown(result: ProbeResult) -> Iterator[Finding]:
    """The probe could not be attempted (no credentials, rejected credentials, unreachable endpoint).

    Details: nothing was sent. A send that timed out waiting for the answer is reported here too: SES may
    or may not have accepted it, and it is not retried. The same cause shared by several providers is
    reported once, listing the providers it concerns. The default severity is error: a probe that did
    not run fails the gate (`--severity SES840=warning` to accept it).
    Why: a probe that did not run proves nothing; it is not a pass.
    Fix: fix the cause named (see SES701, SES702, SES740), then probe again.
    Bad:
        endpoint: http://127.0.0.1:4566   # nothing listening
    Good:
        endpoint: http://127.0.0.1:4566   # LocalStack running
    """
    if result.not_attempted is None:
        return
    aws = result.aws
    if aws.credentials is not None and (aws.credentials.error or aws.auth_error):
        key = aws.credential_key()
    elif aws.unreachable and aws.endpoint:
        key = ("config", "endpoint")
    else:
        key = ("config", "from")
    yield aws.finding(key, f"probe not sent: {result.not_attempted}").grouped(result.not_attempted)
