"""SES703-SES705, SES711, SES714-SES718: the SES identity that covers `from` and its configuration set (stage aws)."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import AWS, ERROR, INFO, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.aws import AwsProvider

PENDING = {"Pending": "pending", "Failed": "failed", "TemporaryFailure": "temporarily failed", "NotStarted": "not started"}
# GetEmailIdentity VerificationInfo.ErrorType and its remedy (sesv2 model, VerificationInfo.ErrorType).
ERROR_REMEDIES = {
    "INVALID_VALUE": "SES found the record but its value is wrong: publish exactly the value SES gave",
    "TYPE_NOT_FOUND": "the name exists but has no record of the type SES looks for: publish the CNAME (or TXT) records SES gave",
    "HOST_NOT_FOUND": "the name SES queried does not exist: publish the DNS records SES gave",
    "SERVICE_ERROR": "a temporary SES issue: SES retries on its own",
    "DNS_SERVER_ERROR": "the domain's DNS server failed to answer SES: fix the authoritative servers",
    "REPLICATION_ACCESS_DENIED": "the caller may not replicate the DKIM key from the primary region: grant the permissions in both regions",
    "REPLICATION_PRIMARY_NOT_FOUND": "no identity exists in the primary region: create it there first",
    "REPLICATION_PRIMARY_BYO_DKIM_NOT_SUPPORTED": "the primary identity uses its own DKIM key, which cannot be replicated",
    "REPLICATION_REPLICA_AS_PRIMARY_NOT_SUPPORTED": "the primary identity is itself a replica: use the original",
    "REPLICATION_PRIMARY_INVALID_REGION": "the primary region is not valid for replication",
}


@rule("SES703", "identity-not-verified", stage=AWS, severity=ERROR)
def identity_not_verified(aws: AwsProvider) -> Iterator[Finding]:
    """Neither the `from` address, nor its domain, nor a parent domain is an SES identity in `region`.

    Details: the identities looked up are the address itself, its domain and each parent domain (a
    verified domain covers its subdomains). Identities are per region: when none exists in `region`, every
    other SES region of the partition is asked (only then), and the message names the regions where the
    sender is verified. When an identity exists in `region` but is not verified, SES704 reports it
    instead. Nothing is reported when the identities could not be read (SES740 says so).
    Why: SES refuses to send from an unverified identity (`MessageRejected: Email address is not
    verified`); every notification from this provider would fail.
    Fix: verify the address or its domain in this region (`aws ses verify-domain-identity --domain
    example.com --region us-east-1`), or set `region` to the region where it is verified.
    Bad:
        config: {from: noreply@example.com, region: eu-west-1}   # verified only in us-east-1
    Good:
        config: {from: noreply@example.com, region: us-east-1}
    """
    if not aws.checked or aws.identities is None or not aws.sender or aws.existing:
        return
    message = f"`{aws.sender}` is not covered by any SES identity in {aws.region} (looked up: {', '.join(aws.candidates)})"
    if aws.other_regions:
        message += f"; it is verified in {', '.join(aws.other_regions)}: set `region` to that region or verify it in {aws.region}"
    elif aws.other_regions_failed:
        message += f"; the other regions could not all be asked ({', '.join(aws.other_regions_failed)})"
    else:
        message += "; no other SES region has it verified either"
    yield aws.finding(("config", "from"), message)


@rule("SES704", "identity-pending", stage=AWS, severity=ERROR)
def identity_pending(aws: AwsProvider) -> Iterator[Finding]:
    """An SES identity covering `from` exists in `region` but its verification is pending or failed.

    Details: reported when no covering identity is verified and at least one exists with status
    Pending, Failed, TemporaryFailure or NotStarted; the message names each one and its status.
    "Verified" is SES v2 GetEmailIdentity's `VerifiedForSendingStatus` (v1 status Success when v2 is not
    answered), and `VerificationInfo.ErrorType` (DNS_SERVER_ERROR, TYPE_NOT_FOUND, ...) is quoted with
    its remedy. A domain
    identity verifies through DNS records (the DKIM CNAMEs, or the legacy `_amazonses` TXT), an address
    identity through the link SES mailed to it.
    Why: until an identity is verified SES rejects every message from it.
    Fix: publish the DNS records SES gave for the domain (and wait for propagation, up to 72 hours), or
    click the verification link sent to the address; re-create a failed identity.
    Bad:
        # example.com: VerificationStatus Pending (the CNAMEs were never published)
        config: {from: noreply@example.com}
    Good:
        # example.com: VerificationStatus Success
        config: {from: noreply@example.com}
    """
    if not aws.checked or aws.identities is None or aws.covering is not None or not aws.existing:
        return
    yield aws.finding(("config", "from"), f"no verified SES identity covers `{aws.sender}` in {aws.region}: " + ", ".join(_state(identity) for identity in aws.existing))


def _state(identity) -> str:
    if identity.status == "Success" and identity.verified_for_sending is False:
        text = f"`{identity.name}` is not verified for sending (VerifiedForSendingStatus false)"
    else:
        text = f"`{identity.name}` is {PENDING.get(identity.status or '', identity.status or 'unknown')}"
    if identity.verification_error:
        remedy = ERROR_REMEDIES.get(identity.verification_error)
        text += f" ({identity.verification_error}" + (f": {remedy})" if remedy else ")")
    return text


@rule("SES705", "dkim-not-verified", stage=AWS, severity=WARNING)
def dkim_not_verified(aws: AwsProvider) -> Iterator[Finding]:
    """The verified identity covering `from` does not sign with DKIM (status not SUCCESS, or signing off).

    Details: checked once `from` is covered by a verified identity. Easy DKIM keys belong to domain
    identities (an address identity signs with its domain's keys), so this passes when a verified domain
    identity covering `from` (its domain or a parent domain) has DKIM signing enabled and status Success;
    otherwise it names the most specific domain identity's DKIM state, or says that only the address is
    verified and no domain identity signs for it.
    Why: without DKIM for your domain, receivers see only SES's own signature; with SES's default MAIL
    FROM, SPF never aligns either, so a DMARC policy of quarantine or reject fails your mail.
    Fix: enable Easy DKIM on the domain identity (`aws ses verify-domain-dkim --domain example.com`) and
    publish its three CNAME records; check `aws ses get-identity-dkim-attributes`.
    Bad:
        # example.com verified, DkimVerificationStatus Pending
        config: {from: noreply@example.com}
    Good:
        # example.com verified, DkimEnabled true, DkimVerificationStatus Success
        config: {from: noreply@example.com}
    """
    if not aws.checked or aws.identities is None or not aws.dkim_known or aws.covering is None:
        return
    domains = [identity for identity in aws.existing if identity.verified and identity.is_domain]
    if any(identity.dkim_enabled and identity.dkim_status == "Success" for identity in domains):
        return
    domain = aws.domain_identity
    if domain is None:
        message = f"only the address identity `{aws.covering.name}` is verified in {aws.region}: no domain identity with DKIM signs mail from `{aws.sender}`"
    elif domain.dkim_enabled is False:
        message = f"DKIM signing is disabled for `{domain.name}` in {aws.region}"
    else:
        message = f"DKIM status of `{domain.name}` in {aws.region} is {domain.dkim_status or 'unknown'}, not Success"
    yield aws.finding(("config", "from"), message)


@rule("SES711", "mail-from-not-ready", stage=AWS, severity=ERROR)
def mail_from_not_ready(aws: AwsProvider) -> Iterator[Finding]:
    """A custom MAIL FROM domain is configured on the identity but its status is not SUCCESS: an error when SES then rejects every send, else a warning.

    Details: the identity is the most specific verified identity covering `from` that has a MAIL FROM
    domain (`MailFromDomainStatus`, `BehaviorOnMxFailure`). With `REJECT_MESSAGE` SES refuses every send
    (`MailFromDomainNotVerifiedException`): error. With `USE_DEFAULT_VALUE` it sends with its default
    MAIL FROM (amazonses.com), so SPF no longer aligns for DMARC: warning (SES API Reference,
    `MailFromAttributes.BehaviorOnMxFailure`).
    Why: the custom MAIL FROM is what makes SPF align with your domain; while it is not verified, SES
    does not use it.
    Fix: publish `MX 10 feedback-smtp.<region>.amazonses.com` and `TXT "v=spf1 include:amazonses.com
    ~all"` on the MAIL FROM domain, then check `aws ses get-identity-mail-from-domain-attributes`.
    Bad:
        # example.com: MailFromDomain bounce.example.com, MailFromDomainStatus Pending
        config: {from: noreply@example.com}
    Good:
        # example.com: MailFromDomain bounce.example.com, MailFromDomainStatus Success
        config: {from: noreply@example.com}
    """
    if not aws.checked or aws.identities is None or not aws.mail_from_known:
        return
    identity = next((item for item in aws.existing if item.verified and item.mail_from_domain), None)
    if identity is None or identity.mail_from_status == "Success":
        return
    behaviour = {
        "RejectMessage": "SES rejects mail from it until it is (MailFromDomainNotVerifiedException)",
        "UseDefaultValue": "SES sends with its default MAIL FROM (amazonses.com) meanwhile, so SPF does not align",
    }.get(identity.mx_failure or "", "")
    message = f"custom MAIL FROM `{identity.mail_from_domain}` of `{identity.name}` in {aws.region} is {identity.mail_from_status or 'not verified'}, not Success"
    finding = aws.finding(("config", "from"), message + (f": {behaviour}" if behaviour else ""))
    yield finding if identity.mx_failure == "RejectMessage" else finding.evolve(severity=WARNING)


@rule("SES714", "configuration-set-missing", stage=AWS, severity=ERROR)
def configuration_set_missing(aws: AwsProvider) -> Iterator[Finding]:
    """The default configuration set of the identity covering `from` does not exist.

    Details: the set is GetEmailIdentity's `ConfigurationSetName`, the set SES applies to every send
    from the identity that names none (the provider's config has no configuration set option, so the
    identity's default is the one that applies); GetConfigurationSet answers NotFoundException.
    Why: SES rejects a send whose configuration set does not exist (`ConfigurationSetDoesNotExist`,
    SES API Reference, SendEmail errors).
    Fix: recreate the configuration set, or point the identity at one that exists (`aws sesv2
    put-email-identity-configuration-set-attributes --email-identity example.com --configuration-set-name ...`).
    Bad:
        # example.com: ConfigurationSetName transactional (deleted)
    Good:
        # example.com: ConfigurationSetName transactional (exists)
    """
    for facts in aws.configuration_sets if aws.checked else ():
        if facts.exists is False:
            yield aws.finding(("config", "from"), f"configuration set `{facts.name}`, the default of `{facts.identity}` in {aws.region}, "
                              "does not exist: SES rejects every send from it (ConfigurationSetDoesNotExist)")


@rule("SES715", "configuration-set-paused", stage=AWS, severity=ERROR)
def configuration_set_paused(aws: AwsProvider) -> Iterator[Finding]:
    """Sending is paused for the default configuration set of the identity covering `from`.

    Details: GetConfigurationSet `SendingOptions.SendingEnabled` is false.
    Why: SES rejects every send through a paused configuration set (`ConfigurationSetSendingPausedException`,
    SES API Reference, SendEmail errors); AWS pauses sets automatically when their reputation drops, if
    configured to.
    Fix: find out why it was paused, then `aws sesv2 put-configuration-set-sending-options
    --configuration-set-name NAME --sending-enabled`.
    Bad:
        # transactional: SendingOptions.SendingEnabled false
    Good:
        # transactional: SendingOptions.SendingEnabled true
    """
    for facts in aws.configuration_sets if aws.checked else ():
        if facts.exists and facts.sending_enabled is False:
            yield aws.finding(("config", "from"), f"sending is paused for configuration set `{facts.name}` (default of `{facts.identity}`) "
                              f"in {aws.region}: every send through it fails")


@rule("SES716", "configuration-set-options", stage=AWS, severity=INFO)
def configuration_set_options(aws: AwsProvider) -> Iterator[Finding]:
    """The default configuration set requires TLS for delivery (`DeliveryOptions.TlsPolicy: REQUIRE`).

    Details: the message also shows the set's suppression reasons and whether reputation metrics are
    collected, as GetConfigurationSet reports them.
    Why: with REQUIRE, SES delivers only over TLS: a receiver without TLS never gets the message (it
    bounces after SES's retries), which is right for most mail but surprising for old receivers.
    Fix: nothing to fix if intended; set `TlsPolicy: OPTIONAL` to deliver over plain SMTP too.
    Bad:
        # (informational)
    Good:
        # transactional: TlsPolicy REQUIRE, SuppressedReasons [BOUNCE, COMPLAINT]
    """
    for facts in aws.configuration_sets if aws.checked else ():
        if facts.exists and facts.tls_policy == "REQUIRE":
            details = []
            if facts.suppressed_reasons is not None:
                details.append("suppression: " + (", ".join(facts.suppressed_reasons) or "none"))
            if facts.reputation_metrics is not None:
                details.append(f"reputation metrics {'on' if facts.reputation_metrics else 'off'}")
            extra = f" ({'; '.join(details)})" if details else ""
            yield aws.finding(("config", "from"), f"configuration set `{facts.name}` (default of `{facts.identity}`) requires TLS: "
                              f"receivers without TLS never get this provider's mail{extra}")


@rule("SES717", "no-bounce-handling", stage=AWS, severity=WARNING)
def no_bounce_handling(aws: AwsProvider) -> Iterator[Finding]:
    """Bounces or complaints of the identity covering `from` go nowhere a program reads.

    Details: handled means, per kind: an SNS topic of the identity (v1 GetIdentityNotificationAttributes
    `BounceTopic`/`ComplaintTopic`), email feedback forwarding (`ForwardingEnabled`), or an enabled event
    destination of the identity's default configuration set matching BOUNCE/COMPLAINT. The identity is
    the most specific verified one (an address identity's settings win over its domain's). Silent when
    a fact could not be read (SES740 says so).
    Why: the provider documentation asks to "set up bounce and complaint notifications via SNS"; without
    them hard bounces keep being sent to, and the bounce rate that gets an account paused (SES712) goes
    unseen.
    Fix: `aws ses set-identity-notification-topic --identity example.com --notification-type Bounce
    --sns-topic ARN` (and Complaint), or add an event destination to the configuration set.
    Bad:
        # example.com: no BounceTopic, ForwardingEnabled false, no configuration set
    Good:
        # example.com: BounceTopic and ComplaintTopic set
    """
    covering = aws.covering if aws.checked else None
    if covering is None or covering.notifications is None or not covering.v2:
        return  # without GetEmailIdentity the default configuration set (and its destinations) is unknown
    sets = aws.configuration_sets
    if any(facts.exists is not False and facts.event_types is None for facts in sets):
        return  # a set's destinations were not read: SES740
    notes = covering.notifications
    events = frozenset().union(*(facts.event_types or frozenset() for facts in sets)) if sets else frozenset()
    missing = [kind for kind, topic in (("bounces", notes.bounce_topic), ("complaints", notes.complaint_topic))
               if not topic and not notes.forwarding and kind[:-1].upper() not in events]
    if missing:
        yield aws.finding(("config", "from"), f"{' and '.join(missing)} of `{covering.name}` in {aws.region} reach no SNS topic, "
                          "no event destination and no feedback forwarding: set up SNS notifications (provider docs, Bounce and Complaint Issues)")


@rule("SES718", "dkim-key-1024", stage=AWS, severity=WARNING)
def dkim_key_1024(aws: AwsProvider) -> Iterator[Finding]:
    """The domain identity signs with a 1024-bit DKIM key (`CurrentSigningKeyLength: RSA_1024_BIT`).

    Details: from GetEmailIdentity `DkimAttributes` of the verified domain identity covering `from`.
    Why: 1024 bits is the minimum receivers accept (RFC 8301 §3.2 requires at least 1024, recommends
    2048); SES's default for Easy DKIM is 2048 bits.
    Fix: `aws sesv2 put-email-identity-dkim-signing-attributes --email-identity example.com
    --signing-attributes-origin AWS_SES --signing-attributes NextSigningKeyLength=RSA_2048_BIT`.
    Bad:
        # example.com: CurrentSigningKeyLength RSA_1024_BIT
    Good:
        # example.com: CurrentSigningKeyLength RSA_2048_BIT
    """
    domain = aws.domain_identity if aws.checked else None
    if domain is not None and domain.dkim_key_length == "RSA_1024_BIT":
        yield aws.finding(("config", "from"), f"`{domain.name}` in {aws.region} signs with a 1024-bit DKIM key: move to 2048 bits")
