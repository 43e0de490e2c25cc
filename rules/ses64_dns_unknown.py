"""SES640: a DNS lookup that could not be made, so what depends on it is reported as not checked."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import DNS, ERROR, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.sender import SenderDomain


@rule("SES640", "dns-unknown", stage=DNS, severity=ERROR)
def dns_unknown(sender: SenderDomain) -> Iterator[Finding]:
    """A DNS lookup timed out, was refused or failed, so what depends on it was not checked.

    Details: one finding per name and type that could not be read (SERVFAIL, REFUSED, no answer within
    `--timeout`, no usable resolver, or a referral: a non-authoritative reply with NS records in its
    authority section and no answer, RFC 1034 §4.3.2, which a lame delegation gives), naming what it
    was needed for. The wildcard probe (a random name asked beside a `_domainkey` name that answers, to
    tell a real name from a wildcard's synthesized answer, RFC 4592 §2.2) is named as the wildcard
    `*.<parent>` it stands for, so that no finding carries a random label. When several providers
    send from the domain, it is reported once, at the first of them, listing the providers it concerns. The rules that needed it stay silent rather than guess:
    "could not check" is never reported as a pass, nor as a missing record. NXDOMAIN and "no data" are
    answers, not faults (RFC 8020, RFC 2308). The default severity is error, so that a gate never passes
    what it could not look at; a team that accepts flaky DNS says `--severity SES640=warning`.
    Why: a resolver fault during the check may also happen at the receiver (RFC 7208 §2.6.6
    `temperror`), and in any case the record was not verified.
    Fix: retry; check `--nameserver` and `--timeout`; make the domain's name servers answer.
    Bad:
        ; the domain's name server answers SERVFAIL for acme.example.net TXT
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
    """
    for answer, purpose in sender.faults():
        finding = sender.finding(f"`{answer.label}`: could not be checked: {answer.describe_fault()}; not checked: {purpose}")
        yield finding.grouped(answer.label)
