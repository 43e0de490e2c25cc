"""SES628 and SES629: the shape of the TXT records receivers read (a CNAME beside them, a reply too
large for UDP)."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import DNS, ERROR, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.sender import SenderDomain
from ses_lint.knowledge.dns import RECORD_ADVICE, UDP_LIMIT


@rule("SES628", "txt-cname-conflict", stage=DNS, severity=ERROR)
def txt_cname_conflict(sender: SenderDomain) -> Iterator[Finding]:
    """A name the receivers read TXT at also has a CNAME: the zone is broken and the answer depends on the server.

    Details: a CNAME must be the only record at its name (RFC 1034 §3.6.2, RFC 2181 §10.1). When the
    TXT query at the `from` domain, at the `_dmarc` name whose record is the policy, or at a custom MAIL
    FROM domain answers with TXT records owned by that very name, the name is asked for CNAME too; a
    CNAME there is this error. (A TXT reached by following a CNAME is ordinary aliasing, not this.)
    Why: receivers get one or the other: a resolver that follows the CNAME sees the target's records
    (often no SPF or DMARC at all), one that gets the TXT sees yours; results differ between receivers
    and over time.
    Fix: keep one: delete the CNAME, or delete the TXT and publish the record at the CNAME's target.
    Bad:
        _dmarc.acme.example.net.  300 IN CNAME _dmarc.provider.example.
        _dmarc.acme.example.net.  300 IN TXT   "v=DMARC1; p=reject"
    Good:
        _dmarc.acme.example.net.  300 IN TXT   "v=DMARC1; p=reject"
    """
    for txt, cname in sender.conflicts():
        target = cname.records[0] if cname.records else "?"
        yield sender.finding(f"`{txt.name}`: has both TXT records and a CNAME to `{target}` (RFC 1034 §3.6.2): receivers get one or the other")


@rule("SES629", "txt-too-large", stage=DNS, severity=WARNING)
def txt_too_large(sender: SenderDomain) -> Iterator[Finding]:
    """An SPF record's TXT reply is over 512 bytes, or the record is over 450 bytes.

    Details: RFC 7208 §3.4: a reply over 512 bytes does not fit a plain UDP DNS reply, and the record
    itself should stay under 450 bytes so that the reply fits. The size is of the reply without its EDNS
    option, for every record of the `from` domain's tree and of the custom MAIL FROM domain.
    Why: receivers whose resolvers cannot fall back to TCP (or whose path drops large UDP replies) get
    no answer and return `temperror` (§2.6.6): the mail is deferred or treated as unauthenticated.
    Fix: shorten the record: replace several `ip4` terms by a larger network, or move part of it into an
    `include` of a subdomain.
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ... (60 addresses) -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 ip4:192.0.2.0/26 include:amazonses.com -all"
    """
    seen = set()
    for tree in sender.spf_trees():
        for answer, length in tree.large:
            if answer.label in seen:
                continue
            seen.add(answer.label)
            if answer.size > UDP_LIMIT:
                yield sender.finding(f"`{answer.label}`: the TXT reply is {answer.size} bytes, over the {UDP_LIMIT} bytes of a plain UDP reply: receivers that cannot retry over TCP get temperror (RFC 7208 §3.4)")
            else:
                yield sender.finding(f"`{answer.label}`: the SPF record is {length} bytes, over the {RECORD_ADVICE} bytes RFC 7208 §3.4 advises, so that the reply fits in one UDP packet")
