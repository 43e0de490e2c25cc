"""SES706-SES709, SES712, SES719-SES722: the SES account in the provider's region (stage aws)."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import AWS, ERROR, INFO, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.aws import AwsProvider

BOUNCE_LIMIT = 0.05
COMPLAINT_LIMIT = 0.001
QUOTA_SHARE = 0.8


@rule("SES706", "sandbox", stage=AWS, severity=WARNING)
def sandbox(aws: AwsProvider) -> Iterator[Finding]:
    """The SES account is in the sandbox in `region`: 200 messages a day, 1 a second, verified recipients only.

    Details: read from SES v2 GetAccount (`ProductionAccessEnabled: false`). When v2 is not answered,
    the v1 quota is used as the tell (a 200/day, 1/s quota is the sandbox's) and the message says it is
    a guess. The sandbox is per region.
    Why: in the sandbox SES refuses mail to any recipient that is not itself verified, so notifications
    to real users fail.
    Fix: request production access for this region (SES console > Account dashboard > Request
    production access), or use a region where the account already has it.
    Bad:
        config: {from: noreply@example.com, region: eu-west-1}   # sandboxed in eu-west-1
    Good:
        config: {from: noreply@example.com, region: us-east-1}   # production access in us-east-1
    """
    facts = aws.account_facts
    if not aws.checked or facts is None or facts.sandbox is not True:
        return
    how = "" if facts.source == "v2" else " (guessed from its 200/day, 1/s quota: SES v2 GetAccount was not answered)"
    account = f"SES account {aws.account}" if aws.account else "SES account"
    yield aws.finding(("config", "region"), f"the {account} is in the sandbox in {aws.region}{how}: "
                      "200 messages a day, 1 a second, and only to verified recipients")


@rule("SES707", "sandbox-recipient", stage=AWS, severity=ERROR)
def sandbox_recipient(aws: AwsProvider) -> Iterator[Finding]:
    """In the sandbox, a workflow recipient of this provider is not a verified identity.

    Details: every `to`, `cc` and `bcc` address of each notify step that uses this provider is looked up
    (the address, its domain and parent domains); the SES mailbox simulator
    (`*@simulator.amazonses.com`) is always allowed. The finding points at the recipient in the step.
    Only reported while the account is in the sandbox in `region`.
    Why: in the sandbox SES rejects the whole message (`MessageRejected: Email address is not
    verified`) when any recipient is unverified.
    Fix: verify the recipient for testing (`aws ses verify-email-identity --email-address ...`), or
    request production access.
    Bad:
        to: [someone@customer.example]   # account in the sandbox, recipient not verified
    Good:
        to: [ops@example.com]            # a verified identity (or production access)
    """
    facts = aws.account_facts
    if not aws.checked or facts is None or facts.sandbox is not True:
        return
    for recipient in aws.recipients:
        if recipient.verified is False:
            yield recipient.step.finding(
                ("config", recipient.field, recipient.index),
                f"`{recipient.address}` is not a verified identity in {aws.region}, and the account is in the SES sandbox there: "
                f"SES will reject messages to it through `{aws.provider.key}`",
            )


@rule("SES708", "sending-paused", stage=AWS, severity=ERROR)
def sending_paused(aws: AwsProvider) -> Iterator[Finding]:
    """Sending is disabled for the account in `region` or the account is shut down (error); under probation (warning).

    Details: from SES v2 GetAccount (`SendingEnabled`, `EnforcementStatus` HEALTHY/PROBATION/SHUTDOWN),
    or v1 GetAccountSendingEnabled when v2 is not answered (v1 cannot tell probation). Under PROBATION
    SES keeps sending while AWS reviews the account (SES Developer Guide, "Sending review process
    FAQs"): a warning; SHUTDOWN or sending disabled stops every send: an error.
    Why: a paused account sends nothing; probation is the step before AWS pauses it.
    Fix: read the notice AWS sent to the account's contacts, fix the bounce or complaint cause, and
    ask AWS Support to review; then re-enable sending (`aws ses update-account-sending-enabled --enabled`).
    Bad:
        # GetAccount: SendingEnabled false, EnforcementStatus SHUTDOWN
    Good:
        # GetAccount: SendingEnabled true, EnforcementStatus HEALTHY
    """
    facts = aws.account_facts
    if not aws.checked or facts is None:
        return
    if facts.sending_enabled is False:
        yield aws.finding(("config", "region"), f"sending is disabled for the SES account in {aws.region}: every send fails")
    status = (facts.enforcement or "").upper()
    if status == "SHUTDOWN":
        yield aws.finding(("config", "region"), f"the SES account in {aws.region} is shut down (EnforcementStatus SHUTDOWN): every send fails")
    elif status == "PROBATION":
        yield aws.finding(("config", "region"), f"the SES account in {aws.region} is under review (EnforcementStatus PROBATION): "
                          "sending continues, but AWS pauses it if the bounce or complaint rate does not improve").evolve(severity=WARNING)


@rule("SES709", "quota-near", stage=AWS, severity=WARNING)
def quota_near(aws: AwsProvider) -> Iterator[Finding]:
    """80% or more of the account's 24-hour sending quota in `region` is already used (warning); all of it (error).

    Details: `SentLast24Hours / Max24HourSend` from GetAccount (or v1 GetSendQuota); an unlimited quota
    (`-1`) never fires. At 100% SES rejects every send until the 24-hour window moves on: an error.
    Why: once the quota is reached SES rejects every further message until the window moves on.
    Fix: request a higher sending quota, or spread the sending over time.
    Bad:
        # SendQuota: Max24HourSend 50000, SentLast24Hours 45000
    Good:
        # SendQuota: Max24HourSend 50000, SentLast24Hours 1200
    """
    facts = aws.account_facts
    if not aws.checked or facts is None or not facts.max_24h or facts.max_24h <= 0 or facts.sent_24h is None:
        return
    share = facts.sent_24h / facts.max_24h
    if share >= 1:
        yield aws.finding(("config", "region"), f"the 24-hour sending quota in {aws.region} is used up ({facts.sent_24h:g} of "
                          f"{facts.max_24h:g}): SES rejects every send until the window moves on").evolve(severity=ERROR)
    elif share >= QUOTA_SHARE:
        yield aws.finding(("config", "region"), f"{share:.0%} of the 24-hour sending quota in {aws.region} is used "
                          f"({facts.sent_24h:g} of {facts.max_24h:g})")


@rule("SES712", "reputation", stage=AWS, severity=WARNING)
def reputation(aws: AwsProvider) -> Iterator[Finding]:
    """The account's bounce rate is at or over 5%, or its complaint rate at or over 0.1%.

    Details: the latest datapoint of the last 24 hours of CloudWatch `AWS/SES` `Reputation.BounceRate`
    and `Reputation.ComplaintRate` in `region`; an account with no datapoints is not judged.
    Why: AWS puts an account under review at these rates (and pauses sending at about twice them).
    Fix: set up bounce and complaint notifications via SNS, remove hard bounces immediately, process
    feedback loops, keep lists clean.
    Bad:
        # Reputation.BounceRate 0.07
    Good:
        # Reputation.BounceRate 0.01, Reputation.ComplaintRate 0.0002
    """
    if not aws.checked:
        return
    if aws.bounce_rate is not None and aws.bounce_rate >= BOUNCE_LIMIT:
        yield aws.finding(("config", "region"), f"bounce rate in {aws.region} is {aws.bounce_rate:.2%} (AWS reviews accounts at 5%)")
    if aws.complaint_rate is not None and aws.complaint_rate >= COMPLAINT_LIMIT:
        yield aws.finding(("config", "region"), f"complaint rate in {aws.region} is {aws.complaint_rate:.3%} (AWS reviews accounts at 0.1%)")


@rule("SES719", "recipient-suppressed", stage=AWS, severity=WARNING)
def recipient_suppressed(aws: AwsProvider) -> Iterator[Finding]:
    """A workflow recipient of this provider is on the account-level suppression list in `region`.

    Details: every literal `to`, `cc` and `bcc` address of the steps that use the provider is looked up
    with v2 GetSuppressedDestination (NotFoundException: not listed); the message gives the reason
    (BOUNCE or COMPLAINT) and the date it was listed. The finding points at the recipient in the step.
    Why: SES accepts a message to a suppressed address and never delivers it (it counts as a bounce):
    the send "works" and the notification is lost (SES Developer Guide, "Using the Amazon SES
    account-level suppression list").
    Fix: find out why it bounced or complained; if the address is good again, remove it
    (`aws sesv2 delete-suppressed-destination --email-address ...`).
    Bad:
        to: [oncall@example.com]   # suppressed: BOUNCE since 2026-10-02
    Good:
        to: [oncall@example.com]   # not on the suppression list
    """
    if not aws.checked:
        return
    for recipient in aws.recipients:
        entry = recipient.suppressed
        if entry is not None:
            since = f" since {entry.since}" if entry.since else ""
            yield recipient.step.finding(
                ("config", recipient.field, recipient.index),
                f"`{recipient.address}` is on the SES account-level suppression list in {aws.region} ({entry.reason}{since}): "
                f"SES will accept messages to it through `{aws.provider.key}` and never deliver them")


@rule("SES720", "advisor-recommendation", stage=AWS, severity=WARNING)
def advisor_recommendation(aws: AwsProvider) -> Iterator[Finding]:
    """SES's Virtual Deliverability Manager advisor has an open recommendation for the identity covering `from`.

    Details: v2 ListRecommendations (status OPEN), read once per region and at most once a second (the
    API's limit), when VDM is enabled for the account (GetAccount `VdmAttributes.VdmEnabled`). Only
    recommendations whose resource is one of the identities that could cover `from` are reported, one
    finding each with its type (DKIM, DMARC, SPF, BIMI, COMPLAINT, BOUNCE, FEEDBACK_3P, IP_LISTING) and
    impact: HIGH is a warning, LOW an info.
    Why: the advisor sees what SES sees when it delivers (authentication results, listings, feedback).
    Fix: follow the recommendation's description in the SES console (Virtual Deliverability Manager >
    Advisor).
    Bad:
        # DMARC, impact HIGH: "No DMARC record found for example.com"
    Good:
        # no open recommendations
    """
    for item in (aws.recommendations or []) if aws.checked else ():
        finding = aws.finding(("config", "from"), f"SES advisor, {item.type} ({item.impact} impact) for {item.resource.rsplit('/', 1)[-1]}: "
                              f"{item.description or 'see the SES console'}")
        yield finding if item.impact == "HIGH" else finding.evolve(severity=INFO)


@rule("SES721", "advisor-not-consulted", stage=AWS, severity=INFO)
def advisor_not_consulted(aws: AwsProvider) -> Iterator[Finding]:
    """Virtual Deliverability Manager is off in `region`, so SES's own advisor was not consulted.

    Details: GetAccount `VdmAttributes.VdmEnabled` is DISABLED (or absent); reported once per account
    and region, at its first provider. With VDM on, SES720 reports the advisor's open recommendations and
    the probe can confirm delivery (GetMessageInsights).
    Why: a pass from ses-lint then lacks what SES itself observes when delivering.
    Fix: nothing required; enable VDM (`aws sesv2 put-account-vdm-attributes --vdm-attributes
    VdmEnabled=ENABLED`, billed) to get the advisor and delivery insights.
    Bad:
        # VdmAttributes.VdmEnabled DISABLED
    Good:
        # VdmAttributes.VdmEnabled ENABLED
    """
    facts = aws.account_facts
    if aws.checked and aws.unit_lead and facts is not None and facts.source == "v2" and not facts.vdm_enabled:
        yield aws.finding(("config", "region"), f"Virtual Deliverability Manager is off in {aws.region}: SES's advisor recommendations were not consulted")


@rule("SES722", "production-access-review", stage=AWS, severity=WARNING)
def production_access_review(aws: AwsProvider) -> Iterator[Finding]:
    """The request for production access in `region` is pending (info) or was denied (warning); the message gives the case id.

    Details: GetAccount `Details.ReviewDetails.Status` PENDING or DENIED and `CaseId`. The account stays
    in the sandbox meanwhile (SES706).
    Why: until AWS grants it, SES refuses every unverified recipient.
    Fix: PENDING: wait, or answer the support case; DENIED: reply to the case with the details AWS asked
    for (SES Developer Guide, "Request production access").
    Bad:
        # ReviewDetails: Status DENIED, CaseId 1234567890
    Good:
        # ProductionAccessEnabled true
    """
    facts = aws.account_facts
    if not aws.checked or facts is None or facts.production or facts.review_status not in ("PENDING", "DENIED"):
        return  # with production access the review no longer holds the account in the sandbox
    case = f" (support case {facts.review_case})" if facts.review_case else ""
    if facts.review_status == "DENIED":
        yield aws.finding(("config", "region"), f"the request for SES production access in {aws.region} was denied{case}: the account stays in the sandbox")
    else:
        yield aws.finding(("config", "region"), f"the request for SES production access in {aws.region} is pending{case}").evolve(severity=INFO)
