"""SES611-SES614: DKIM (RFC 6376, RFC 8301, RFC 8463) for the SES identity's domain."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import DNS, ERROR, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.sender import SenderDomain
from ses_lint.knowledge.dns import GOOD_RSA_BITS, MIN_RSA_BITS, key_too_short


@rule("SES611", "dkim-missing", stage=DNS, severity=ERROR)
def dkim_missing(sender: SenderDomain) -> Iterator[Finding]:
    """The DKIM records SES signs with are not published.

    Details: with the aws stage, each Easy DKIM token must have its CNAME
    `<token>._domainkey.<identity domain>`; a missing one (NXDOMAIN, or no CNAME at the name) is
    reported. Without the aws stage the tokens are unknown, so the rule checks what DNS alone can tell:
    if `_domainkey.<domain>` does not exist (NXDOMAIN) for the `from` domain and each parent up to its
    registrable domain, no DKIM key can exist below it (RFC 8020 §2) and SES cannot be signing with
    Easy DKIM for it. A `_domainkey` name that answers only through a wildcard does not exist either
    (RFC 4592 §2.2: a wildcard never answers for a name that exists, empty non-terminals included, §2.2.2): a
    random label beside it is asked once per parent, and an identical answer means synthesis. When the
    name answers with no records it is taken as real (an empty non-terminal: keys exist below it).
    A `--dkim-selector NAME` with no key at `NAME._domainkey.<domain>` is reported too.
    Why: SES signs with Easy DKIM only once these records verify; without DKIM, mail from SES's default
    MAIL FROM cannot pass DMARC (SPF never aligns), and Gmail and Yahoo require DKIM from bulk senders.
    Fix: publish the three CNAME records SES shows for the identity (console, or
    `aws sesv2 get-email-identity`).
    Bad:
        ; no _domainkey names at all under acme.example.net
    Good:
        tok1._domainkey.acme.example.net.  300 IN CNAME tok1.dkim.amazonses.com.
    """
    if not sender.exists:
        return
    dkim = sender.dkim
    for check in dkim.checks:
        if check.kind == "token" and check.cname is not None and check.cname.status in ("nxdomain", "nodata"):
            why = "the name does not exist" if check.cname.status == "nxdomain" else "the name has no CNAME"
            yield sender.finding(f"`{check.name} CNAME`: Easy DKIM record missing ({why}); it must point at `{check.expected}`")
        elif check.kind == "selector" and check.txt is not None and not check.txt.fault and check.key is None:
            yield sender.finding(f"`{check.name} TXT`: no DKIM key is published for selector `{check.selector}`")
    if dkim.source == "dns" and dkim.nodes and dkim.any_node is False and not any(check.key or check.points_at_ses for check in dkim.checks):
        synthesized = dkim.synthesized
        missing = [answer.name for answer in dkim.nodes if answer.name not in synthesized]
        words = []
        if missing:
            words.append(f"{_names(missing)} {'does' if len(missing) == 1 else 'do'} not exist (NXDOMAIN, RFC 8020)")
        if synthesized:
            one = len(synthesized) == 1
            words.append(f"{_names(synthesized)} {'answers' if one else 'answer'} only through a wildcard and "
                         f"{'does' if one else 'do'} not exist either (RFC 4592 §2.2)")
        yield sender.finding(
            f"`{dkim.nodes[0].label}`: no DKIM key can exist for `{sender.domain}`: {'; '.join(words)}, "
            "so SES is not signing with Easy DKIM for this domain"
        )


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


@rule("SES612", "dkim-wrong-target", stage=DNS, severity=ERROR)
def dkim_wrong_target(sender: SenderDomain) -> Iterator[Finding]:
    """An Easy DKIM CNAME exists but does not point at `<token>.<SigningHostedZone>`.

    Details: the expected target is `<token>.<zone>`, where the zone is the identity's
    `SigningHostedZone` from the aws stage; without it, the region's zone: `dkim.amazonses.com`, or
    `dkim.<region>.amazonses.com` in the regions that use one (af-south-1, ap-northeast-3, ap-south-2,
    ap-southeast-3, ap-southeast-5, ca-west-1, eu-central-2, eu-south-1, il-central-1, me-central-1,
    us-gov-east-1). A `--dkim-selector` whose CNAME points into amazonses.com is checked the same way.
    Why: the CNAME must reach the public key SES signs with (RFC 6376 §3.6.2.1); a wrong token or a
    region's wrong zone leaves the identity's DKIM unverified, and signatures fail.
    Fix: copy the CNAME target exactly as SES shows it for the identity in its region.
    Bad:
        tok1._domainkey.acme.example.net.  300 IN CNAME tok2.dkim.amazonses.com.
    Good:
        tok1._domainkey.acme.example.net.  300 IN CNAME tok1.dkim.amazonses.com.
    """
    if not sender.exists:
        return
    for check in sender.dkim.checks:
        target = check.target
        if target is None or target == check.expected:
            continue
        if check.kind == "token" or check.points_at_ses:
            yield sender.finding(f"`{check.name} CNAME`: points at `{target}`, not at `{check.expected}`")


@rule("SES613", "dkim-weak-key", stage=DNS, severity=ERROR)
def dkim_weak_key(sender: SenderDomain) -> Iterator[Finding]:
    """A DKIM key is too short, revoked, unreadable, or allows only SHA-1 (a warning from 1024 up to 2048 bits).

    Details: checks the TXT keys of `--dkim-selector` names (BYODKIM). The RSA key size is read from
    the `p=` SubjectPublicKeyInfo. Under 1024 bits: error (RFC 8301 §3.2: verifiers MUST NOT accept
    them); 1024 to 2047 bits: warning (signers SHOULD use 2048); an empty `p=` is a revoked key (RFC
    6376 §3.6.1); `h=sha1` alone is an error (RFC 8301 §3.1: SHA-1 MUST NOT be used). Ed25519 keys
    (RFC 8463) are fine.
    Why: receivers treat such signatures as absent or failed, so DKIM gives no authentication and
    DMARC fails where it depends on DKIM.
    Fix: publish a 2048-bit RSA key (in several TXT strings), with `h=sha256` or no `h=`.
    Bad:
        sel._domainkey.acme.example.net.  300 IN TXT "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJB..."
    Good:
        sel._domainkey.acme.example.net.  300 IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A..." "...IDAQAB"
    """
    if not sender.exists:
        return
    for check in sender.dkim.checks:
        key = check.key
        if key is None:
            continue
        if key.revoked:
            yield sender.finding(f"`{check.name} TXT`: the DKIM key is revoked (empty `p=`)")
        elif key.errors:
            yield sender.finding(f"`{check.name} TXT`: the DKIM key record is invalid: {'; '.join(key.errors)}")
        elif key_too_short(key.algorithm, key.bits):
            yield sender.finding(f"`{check.name} TXT`: the DKIM key has {key.bits} bits, under the minimum of {MIN_RSA_BITS}: receivers ignore its signatures")
        elif key.algorithm == "rsa" and key.bits is not None and key.bits < GOOD_RSA_BITS:
            yield sender.finding(f"`{check.name} TXT`: the DKIM key has {key.bits} bits; use {GOOD_RSA_BITS}", WARNING)
        if key.sha1_only:
            yield sender.finding(f"`{check.name} TXT`: the DKIM key allows only `h=sha1`, which RFC 8301 forbids")


@rule("SES614", "dkim-testing", stage=DNS, severity=WARNING)
def dkim_testing(sender: SenderDomain) -> Iterator[Finding]:
    """A DKIM key is published with `t=y` (testing mode).

    Details: checks the TXT keys of `--dkim-selector` names for the `y` flag in `t=`.
    Why: RFC 6376 §3.6.1: with `t=y`, verifiers MUST NOT treat the mail differently from unsigned mail,
    so DKIM gives no protection and DMARC cannot rely on it.
    Fix: remove `t=y` from the key record once signing works.
    Bad:
        sel._domainkey.acme.example.net.  300 IN TXT "v=DKIM1; t=y; p=MIIBIjANBgkq..."
    Good:
        sel._domainkey.acme.example.net.  300 IN TXT "v=DKIM1; p=MIIBIjANBgkq..."
    """
    if not sender.exists:
        return
    for check in sender.dkim.checks:
        if check.key is not None and check.key.testing and not check.key.revoked:
            yield sender.finding(f"`{check.name} TXT`: the DKIM key has `t=y` (testing): receivers treat the mail as unsigned")
