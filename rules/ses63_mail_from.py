"""SES631-SES633: the custom MAIL FROM domain's MX and SPF records, and whether SES uses them."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import DNS, ERROR, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.sender import SenderDomain
from ses_lint.knowledge.aws import AMAZONSES


def _source(mail_from) -> str:
    return "the identity's custom MAIL FROM" if mail_from.source == "aws" else "MAIL FROM domain"


@rule("SES631", "mail-from-mx", stage=DNS, severity=ERROR)
def mail_from_mx(sender: SenderDomain) -> Iterator[Finding]:
    """The custom MAIL FROM domain's MX is not `feedback-smtp.<region>.amazonses.com`.

    Details: checks each custom MAIL FROM domain: the one the aws stage reads from the identity, or
    `--mail-from DOMAIN` (applied to the providers whose `from` domain, or a parent of it, the MAIL
    FROM domain lies under; to every provider if it matches none). Its MX set must be exactly
    `feedback-smtp.<region>.amazonses.com`, the provider's `region` (default us-east-1). No MX, a
    null MX (RFC 7505), another host, or another region's host are reported.
    Why: SES checks this MX before using the domain (RFC 5321 §5.1 routes bounces by MX); without it
    SES falls back to its own MAIL FROM (no SPF alignment, DMARC then rests on DKIM alone) or, with
    `BehaviorOnMxFailure=REJECT_MESSAGE`, refuses to send.
    Fix: publish `MX 10 feedback-smtp.<region>.amazonses.com` at the MAIL FROM domain, for the
    provider's region.
    Bad:
        bounce.acme.example.net.  300 IN MX 10 mail.acme.example.net.
    Good:
        bounce.acme.example.net.  300 IN MX 10 feedback-smtp.eu-west-1.amazonses.com.
    """
    for mail_from in sender.mail_from:
        if mail_from.mx_ok is not False:
            continue
        hosts = ", ".join(f"`{host or '.'}`" for _, host in mail_from.mx.mx)
        found = f"it points at {hosts}" if hosts else ("the domain does not exist" if mail_from.mx.status == "nxdomain" else "there is no MX record")
        yield sender.finding(f"`{mail_from.domain} MX`: {_source(mail_from)} must have MX `10 {mail_from.expected_mx}`, but {found}")


@rule("SES632", "mail-from-spf", stage=DNS, severity=ERROR)
def mail_from_spf(sender: SenderDomain) -> Iterator[Finding]:
    """The custom MAIL FROM domain's SPF record does not include `amazonses.com`.

    Details: the SPF record of each custom MAIL FROM domain (see SES631) must hold
    `include:amazonses.com`, directly or through its includes and redirects (RFC 7208 §5.2), before
    the record's `all`: terms after `all` are never evaluated (§5.1), so `v=spf1 ~all
    include:amazonses.com` softfails every message SES sends. A missing record, several records or a
    record that does not parse are reported as well.
    Why: SPF is checked against the MAIL FROM domain (RFC 7208 §2.4); without SES's addresses in it,
    SPF fails for every message SES sends, and DMARC cannot align through SPF.
    Fix: publish `TXT "v=spf1 include:amazonses.com ~all"` at the MAIL FROM domain.
    Bad:
        bounce.acme.example.net.  300 IN TXT "v=spf1 -all"
    Good:
        bounce.acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com ~all"
    """
    for mail_from in sender.mail_from:
        spf = mail_from.spf
        if mail_from.spf_ok is not False:
            continue
        label = f"`{mail_from.domain} TXT`"
        if spf.status in ("none", "nxdomain"):
            why = "has no SPF record" if spf.status == "none" else "does not exist"
        elif spf.status == "multiple":
            why = f"has {len(spf.records)} SPF records (a permanent error)"
        elif spf.status == "syntax":
            why = f"has an SPF record that does not parse ({spf.syntax_error})"
        elif any(f"include:{AMAZONSES}" in term.lower() for _, _, terms in spf.ignored for term in terms):
            all_text = next(all_text for _, all_text, terms in spf.ignored if any(AMAZONSES in term.lower() for term in terms))
            why = f"has `include:{AMAZONSES}` after `{all_text}`, where receivers never evaluate it (RFC 7208 §5.1), so every message SES sends fails SPF"
        else:
            why = f"has an SPF record without `include:{AMAZONSES}`"
        yield sender.finding(f"{label}: {_source(mail_from)} `{mail_from.domain}` {why}; it needs `v=spf1 include:{AMAZONSES} ~all`")


@rule("SES633", "mail-from-unused", stage=DNS, severity=WARNING)
def mail_from_unused(sender: SenderDomain) -> Iterator[Finding]:
    """A MAIL FROM domain publishes SES's MX and SPF, but the SES identity does not use it.

    Details: with the aws stage, the identity's custom MAIL FROM domain is known. A `--mail-from`
    domain whose MX is `feedback-smtp.<region>.amazonses.com` and whose SPF includes `amazonses.com`
    (SES631 and SES632 would pass), while the identity has no custom MAIL FROM or another one, is
    decorative: SES sends with its own MAIL FROM (or the other one), never with this one. Such a domain
    does not count for SPF alignment in SES626.
    Why: the records do nothing; SPF stays unaligned with the `from` domain (RFC 9989 §4.4), so DMARC
    rests on DKIM alone, which is not what whoever published them meant.
    Fix: set the domain as the identity's custom MAIL FROM (`aws sesv2 put-email-identity-mail-from-attributes
    --email-identity <domain> --mail-from-domain <bounce domain>`), or delete the records.
    Bad:
        ; identity acme.example.net: MAIL FROM not set
        bounce.acme.example.net.  300 IN MX  10 feedback-smtp.eu-west-1.amazonses.com.
        bounce.acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com ~all"
    Good:
        ; identity acme.example.net: MAIL FROM bounce.acme.example.net
        bounce.acme.example.net.  300 IN MX  10 feedback-smtp.eu-west-1.amazonses.com.
    """
    hints = sender.hints
    for mail_from in sender.mail_from:
        if sender.mail_from_used(mail_from) is not False or not (mail_from.mx_ok and mail_from.spf_ok):
            continue
        identity = (hints.identity_domain if hints else None) or sender.domain
        uses = f"uses `{hints.mail_from_domain}`" if hints and hints.mail_from_domain else "has no custom MAIL FROM"
        yield sender.finding(
            f"`{mail_from.domain} MX`: publishes SES's MAIL FROM MX and SPF, but the SES identity `{identity}` {uses}: "
            "the records do nothing and SPF stays unaligned"
        )
