"""SES703-SES705, SES711: the SES identity that covers `from` (stage aws)."""
from __future__ import annotations

from typing import Iterator

from ses_lint.facts.aws import AwsProvider
from ses_lint.findings import AWS, ERROR, WARNING, Finding
from ses_lint.registry import rule

PENDING = {"Pending": "pending", "Failed": "failed", "TemporaryFailure": "temporarily failed", "NotStarted": "not started"}


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
    yield aws.finding("config.from", message)


@rule("SES704", "identity-pending", stage=AWS, severity=ERROR)
def identity_pending(aws: AwsProvider) -> Iterator[Finding]:
    """An SES identity covering `from` exists in `region` but its verification is pending or failed.

    Details: reported when no covering identity is verified and at least one exists with status
    Pending, Failed, TemporaryFailure or NotStarted; the message names each one and its status. A domain
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
    states = ", ".join(f"`{identity.name}` is {PENDING.get(identity.status or '', identity.status or 'unknown')}" for identity in aws.existing)
    yield aws.finding("config.from", f"no verified SES identity covers `{aws.sender}` in {aws.region}: {states}")


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
    yield aws.finding("config.from", message)


@rule("SES711", "mail-from-not-ready", stage=AWS, severity=WARNING)
def mail_from_not_ready(aws: AwsProvider) -> Iterator[Finding]:
    """A custom MAIL FROM domain is configured on the identity but its status is not SUCCESS.

    Details: the identity is the most specific verified identity covering `from` that has a MAIL FROM
    domain. The message says what SES does meanwhile: with `BehaviorOnMXFailure: UseDefaultValue` it
    falls back to amazonses.com (so SPF no longer aligns for DMARC); with `RejectMessage` it refuses to
    send (`MailFromDomainNotVerifiedException`).
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
    yield aws.finding("config.from", message + (f": {behaviour}" if behaviour else ""))
