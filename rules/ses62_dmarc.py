"""SES621-SES627: the `from` domain's DMARC policy as receivers discover it (RFC 9989 §4.10, beside RFC 7489
§6.6.3), and its reports (RFC 9990)."""
from __future__ import annotations

from typing import Iterator, Optional

from ses_lint.core.findings import DNS, ERROR, INFO, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.sender import SenderDomain
from ses_lint.knowledge.dns import key_too_short
from ses_lint.knowledge.names import within

ENFORCING = ("quarantine", "reject")


@rule("SES621", "dmarc-missing", stage=DNS, severity=WARNING)
def dmarc_missing(sender: SenderDomain) -> Iterator[Finding]:
    """No DMARC record covers the `from` domain.

    Details: the RFC 9989 §4.10 DNS tree walk asks `_dmarc.<domain>`, then each parent up to the top
    level domain (at most 8 queries; names of 8 or more labels are first shortened to 7). The policy
    (§4.10.1) is the record at the `from` domain, else the one at its Organizational Domain (§4.10.2),
    else the one at its Public Suffix Domain (`psd=y`). The walk also covers RFC 7489 §6.6.3's
    Organizational Domain (by the Public Suffix List). A TXT synthesized by a wildcard (RFC 4592) that
    does not start with `v=DMARC1` is discarded like any other (§4.10 step 2). Silent when a lookup of
    the walk failed (SES640), when several records were found (SES623), or when a record meant as
    DMARC is malformed (SES622).
    Why: Gmail and Yahoo require a DMARC record (at least `p=none`) from bulk senders; without one,
    nothing tells receivers what to do with mail that fails authentication, and you get no reports.
    Fix: publish a DMARC record at `_dmarc.<domain>` (start with `p=none` and a `rua` address).
    Bad:
        ; no TXT at _dmarc.acme.example.net nor at _dmarc.example.net
    Good:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@acme.example.net"
    """
    dmarc = sender.facts.dmarc
    if not sender.exists or not dmarc.known or dmarc.record is not None or dmarc.multiple is not None or dmarc.lookalikes:
        return
    asked = ", ".join(f"`_dmarc.{level.domain}`" for level in dmarc.levels)
    yield sender.finding(f"`_dmarc.{sender.domain} TXT`: no DMARC record for `{sender.domain}` or above it (asked {asked})")


@rule("SES622", "dmarc-syntax", stage=DNS, severity=ERROR)
def dmarc_syntax(sender: SenderDomain) -> Iterator[Finding]:
    """A DMARC record does not parse, has an unknown tag value, or does not start with `v=DMARC1`.

    Details: checked by the RFC 9989 §4.7 grammar, which also reads RFC 7489 records: `v=DMARC1` must be
    the first tag, exactly so (case-sensitive); `p`, `sp`, `np` take none/quarantine/reject; `adkim` and
    `aspf` r/s; `t` y/n; `psd` y/n/u; `fo` 0/1/d/s; `rua`/`ruf` URI lists; `pct` 0-100, `ri` a
    number, `rf` afrf; a tag given twice. Unknown tags are ignored, as the RFC says. A TXT at `_dmarc`
    that contains `v=DMARC1` but does not start with it (leading text, wrong case) is reported too:
    receivers discard it entirely.
    Why: receivers ignore a record that does not start with `v=DMARC1` (RFC 9989 §4.7) and replace bad
    values by defaults or drop the record (§4.10.1): the policy you wrote is not the one applied.
    Fix: correct the value shown; start the record with `v=DMARC1;`.
    Bad:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=block"
    Good:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=reject"
    """
    dmarc = sender.facts.dmarc
    if not sender.exists:
        return
    for domain, text in dmarc.lookalikes:
        yield sender.finding(f"`_dmarc.{domain} TXT`: `{text[:60]}` does not start with `v=DMARC1`, so receivers ignore it")
    record = dmarc.record
    if record is not None and record.errors:
        yield sender.finding(f"`_dmarc.{record.domain} TXT`: invalid DMARC record: {'; '.join(record.errors)}")


@rule("SES623", "dmarc-multiple", stage=DNS, severity=ERROR)
def dmarc_multiple(sender: SenderDomain) -> Iterator[Finding]:
    """More than one DMARC record at one `_dmarc` name.

    Details: two or more TXT records starting with `v=DMARC1` at the same name met by the tree walk.
    Why: RFC 7489 §6.6.3 and RFC 9989 §4.10: all of them are discarded. Under RFC 7489 the domain then
    has no DMARC at all; under RFC 9989 the walk goes on to the parent's policy, which is not yours.
    Fix: keep one record.
    Bad:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=none"
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=reject"
    Good:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=reject"
    """
    level = sender.facts.dmarc.multiple
    if sender.exists and level is not None:
        yield sender.finding(f"`_dmarc.{level.domain} TXT`: {len(level.records)} DMARC records; receivers ignore all of them")


@rule("SES624", "dmarc-monitor-only", stage=DNS, severity=INFO)
def dmarc_monitor_only(sender: SenderDomain) -> Iterator[Finding]:
    """The DMARC policy that applies to the `from` domain is `none` (monitoring only).

    Details: the policy record is found as RFC 9989 §4.10.1 says: the `from` domain's own record, else
    its Organizational Domain's (§4.10.2: the record with `psd=n`, the name below a `psd=y` record, else
    the record with the fewest labels), else its Public Suffix Domain's; a record on a name between the
    `from` domain and the Organizational Domain is not the policy. The policy is `p` at the `from`
    domain, else `sp` (`np` for a domain that does not exist), else `p`; a record without `p` counts as
    `p=none` (§4.7). RFC 7489 receivers (§6.6.3) read the `from` domain's record, else the one at the
    Organizational Domain by the Public Suffix List (§3.2); where that is another record, the message
    says what they apply.
    Why: `p=none` satisfies Gmail's and Yahoo's requirement but asks receivers to do nothing with mail
    that fails: spoofed mail is delivered. It is the right first step, not the end state.
    Fix: once the reports show all your mail passing, move to `p=quarantine`, then `p=reject`.
    Bad:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@acme.example.net"
    Good:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.example.net"
    """
    record = sender.facts.dmarc.record
    if not sender.exists or record is None or not sender.facts.dmarc.known:
        return
    if record.policy(sender.domain) == "none":
        tag = record.policy_tag(sender.domain)
        yield sender.finding(f"`_dmarc.{record.domain} TXT`: `{tag}=none`: DMARC only monitors; failing mail is still delivered{legacy_note(sender)}")


@rule("SES625", "dmarc-report-unauthorized", stage=DNS, severity=WARNING)
def dmarc_report_unauthorized(sender: SenderDomain) -> Iterator[Finding]:
    """A `rua`/`ruf` address at another domain has not authorized receiving the reports.

    Details: for each `mailto:` report address whose Organizational Domain differs from the `from`
    domain's, the TXT `<policy domain>._report._dmarc.<report domain>` must start with `v=DMARC1`
    (RFC 7489 §7.1, RFC 9990 §4; a wildcard `*._report._dmarc.<report domain>` answers too). Both
    Organizational Domains come from RFC 9989 §4.10.2's tree walk, not from "lies under the policy
    domain": with a Public Suffix Domain's policy at `_dmarc.gov.uk`, reports to
    `dmarc.service.gov.uk` go to another organization (`service.gov.uk`). A destination outside the
    policy's Organizational Domain is external whatever its own walk says (an Organizational Domain is
    the name or an ancestor of it); for one inside it, a failed lookup of its walk leaves that unknown:
    not checked (SES640 names the lookup), never taken as external.
    Why: receivers check this authorization and send no reports to an address that has not given it,
    so you silently lose the reports.
    Fix: have the report domain publish the authorization record, or use an address in your own domain.
    Bad:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=none; rua=mailto:d@reports.example.org"
    Good:
        acme.example.net._report._dmarc.reports.example.org.  300 IN TXT "v=DMARC1"
    """
    if not sender.exists:
        return
    for auth in sender.facts.dmarc.authorizations:
        if auth.authorized is False:
            yield sender.finding(
                f"`{auth.name} TXT`: `{auth.tag}` sends reports to `{auth.destination}`, which has not authorized them "
                f"(no `v=DMARC1` record at `{auth.name}`): no reports will arrive there"
            )


def _aligned(domain: str, author: str, mode: str, organization: str) -> bool:
    if mode == "s":
        return domain == author
    return within(domain, organization) and within(author, organization)


def _dkim_state(sender: SenderDomain) -> tuple[Optional[bool], Optional[str], str]:
    """(signing possible?, signing domain, how we know) — None when a fault hides it."""
    dkim = sender.dkim
    usable_keys = [c for c in dkim.checks if c.key is not None and not c.key.revoked and not c.key.errors and not c.key.testing
                   and not key_too_short(c.key.algorithm, c.key.bits) and not c.key.sha1_only]
    if usable_keys or any(c.kind == "selector" and c.target == c.expected for c in dkim.checks):
        return True, dkim.domain, "a DKIM key"
    if dkim.source == "aws":
        tokens = [c for c in dkim.checks if c.kind == "token"]
        if any(c.target == c.expected for c in tokens):
            return True, dkim.domain, "Easy DKIM"
        if any(c.cname is None or c.cname.fault for c in tokens):
            return None, None, ""
        into_ses = [c for c in tokens if c.points_at_ses]
        wrong_zone = [c for c in into_ses if c.target is not None and c.target.partition(".")[2] != dkim.zone]
        if wrong_zone:
            return False, dkim.domain, (f"the Easy DKIM CNAMEs of `{dkim.domain}` point into SES's wrong zone: `{wrong_zone[0].target}`, "
                                        f"not `{wrong_zone[0].expected}`; see SES612")
        if into_ses:
            return False, dkim.domain, f"the Easy DKIM CNAMEs of `{dkim.domain}` point at other tokens than the identity's; see SES612"
        return False, dkim.domain, f"no Easy DKIM CNAME of `{dkim.domain}` points at SES"
    if dkim.any_node is None:
        return None, None, ""
    if dkim.any_node:
        return True, dkim.node_domain or dkim.domain, "DKIM keys exist"
    if dkim.synthesized:
        return False, dkim.domain, f"`{dkim.synthesized[0]}` answers only through a wildcard (RFC 4592), so no DKIM key exists below it"
    return False, dkim.domain, f"`_domainkey.{sender.domain}` does not exist"


@rule("SES626", "dmarc-will-fail", stage=DNS, severity=ERROR)
def dmarc_will_fail(sender: SenderDomain) -> Iterator[Finding]:
    """The DMARC policy is enforcing, but this mail can pass DMARC neither through DKIM nor through SPF.

    Details: DMARC passes when DKIM or SPF passes for a domain aligned with the `from` domain (RFC 9989
    §4.4: relaxed = same organizational domain, strict = the same name). With SES's default MAIL FROM
    (a subdomain of amazonses.com) SPF never aligns, so an enforcing policy (`quarantine`/`reject`)
    needs aligned DKIM: Easy DKIM CNAMEs pointing at SES (aws stage), or, without the aws stage, any
    `_domainkey` name under the `from` domain or a parent (RFC 8020), or a usable `--dkim-selector`
    key. A custom MAIL FROM (`--mail-from`, or the aws stage's) counts when its MX and SPF are right
    (SES631/632) and `aspf` is relaxed, unless the aws stage says the identity does not use it
    (SES633). A `_domainkey` name that answers only through a wildcard does not exist (RFC 4592 §2.2),
    so no key does. The policy is RFC 9989 §4.10.1's (see SES624); when RFC 7489 receivers read another
    record (the Organizational Domain by the Public Suffix List, RFC 7489 §6.6.3), both are judged and
    the message says which receivers reject. So it does when both read the same record but take another
    Organizational Domain, against which relaxed alignment is judged (RFC 9989 §4.4 and §4.10.2: by
    the DNS tree walk of each domain, and a domain whose walk finds no record is its own; RFC 7489
    §3.1.1 and §3.2: by the Public Suffix List): with `from` on `mail.example.net`, a record at
    `_dmarc.mail.example.net` only, and DKIM `d=example.net`, the mail fails for RFC 9989 receivers
    and passes for RFC 7489 ones. Also reported: `adkim=s` when `from` is on a subdomain of
    the DKIM signing domain (strict alignment then fails). Silent when a needed lookup failed.
    Why: receivers will quarantine or reject this mail.
    Fix: publish the Easy DKIM CNAMEs of the identity (or a custom MAIL FROM domain), or relax `adkim`.
    Bad:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=reject"
        ; and no _domainkey records under acme.example.net
    Good:
        _dmarc.acme.example.net.           300 IN TXT "v=DMARC1; p=reject"
        tok1._domainkey.acme.example.net.  300 IN CNAME tok1.dkim.amazonses.com.
    """
    dmarc = sender.facts.dmarc
    if not sender.exists:
        return
    current = _failure(sender, dmarc.record, dmarc.organizational_domain) if dmarc.known else None
    legacy_record = dmarc.legacy_record if dmarc.legacy_known else None
    same_record = _same(dmarc.record, legacy_record)
    # one verdict only when both read the same record AND take the same Organizational Domain, against
    # which relaxed alignment is judged (RFC 9989 §4.4 and §4.10.2; RFC 7489 §3.1.1 and §3.2); when a
    # fault hides RFC 9989's, nothing is said of either (SES640 names the lookup)
    same = same_record and (dmarc.organizational_domain is None or dmarc.legacy_domain == dmarc.organizational_domain)
    legacy = None if same else _failure(sender, legacy_record, dmarc.legacy_domain)
    if current:
        if same or not dmarc.legacy_known or (same_record and legacy):
            yield sender.finding(current)
        elif legacy:
            yield sender.finding(f"{current}; RFC 7489 receivers, which read `_dmarc.{legacy_record.domain}`, reject or quarantine it too")
        elif same_record:
            yield sender.finding(
                f"{current} for receivers that follow RFC 9989 (Organizational Domain `{dmarc.organizational_domain}` by the DNS tree walk, "
                f"RFC 9989 §4.10.2); RFC 7489 receivers take `{dmarc.legacy_domain}` as the Organizational Domain (by the Public Suffix "
                "List, RFC 7489 §3.2), so for them it aligns and passes"
            )
        else:
            yield sender.finding(f"{current}; RFC 7489 receivers read {_legacy_words(sender)} and do not")
    elif legacy and dmarc.known:
        if same_record:
            yield sender.finding(
                f"RFC 7489 receivers (Organizational Domain `{dmarc.legacy_domain}` by the Public Suffix List, RFC 7489 §3.2): {legacy}; "
                f"RFC 9989 receivers take `{dmarc.organizational_domain}` as the Organizational Domain (by the DNS tree walk, RFC 9989 "
                "§4.10.2), so for them it aligns and passes"
            )
        else:
            yield sender.finding(
                f"RFC 7489 receivers (Organizational Domain `{dmarc.legacy_domain}` by the Public Suffix List, RFC 7489 §6.6.3): {legacy}; "
                f"RFC 9989 receivers apply {_policy_words(sender, dmarc.record)}"
            )


def _same(first, second) -> bool:
    return (first.domain if first else None) == (second.domain if second else None)


def _policy_words(sender: SenderDomain, record) -> str:
    if record is None:
        return "no DMARC policy (none found)"
    return f"`{record.policy_tag(sender.domain)}={record.policy(sender.domain)}` from `_dmarc.{record.domain}`"


def _legacy_words(sender: SenderDomain) -> str:
    dmarc = sender.facts.dmarc
    if dmarc.legacy_record is None:
        return f"no record (they look at `{sender.domain}` and `{dmarc.legacy_domain}`, the Organizational Domain by the Public Suffix List)"
    return f"`_dmarc.{dmarc.legacy_record.domain}` (the Organizational Domain by the Public Suffix List) and apply {_policy_words(sender, dmarc.legacy_record)}"


def legacy_note(sender: SenderDomain) -> str:
    """Where RFC 7489 receivers take another record than RFC 9989 receivers: what they apply."""
    dmarc = sender.facts.dmarc
    if not dmarc.legacy_known or _same(dmarc.record, dmarc.legacy_record):
        return ""
    return f"; RFC 7489 receivers read {_legacy_words(sender)}"


def _failure(sender: SenderDomain, record, organization: Optional[str]) -> Optional[str]:
    """The SES626 message for one view of the policy (RFC 9989's or RFC 7489's), or None if mail passes."""
    if record is None or organization is None:
        return None  # a failed lookup of the tree walk leaves alignment unknown (SES640 says which)
    policy = record.policy(sender.domain)
    if policy not in ENFORCING:
        return None
    label = f"_dmarc.{record.domain} TXT"
    tag = record.policy_tag(sender.domain)
    possible, dkim_domain, how = _dkim_state(sender)
    if possible and dkim_domain and record.adkim == "s" and dkim_domain != sender.domain and within(sender.domain, dkim_domain):
        return (
            f"`{label}`: `adkim=s` (strict) but DKIM signs as `{dkim_domain}` while `from` is on `{sender.domain}`: "
            f"DKIM never aligns, so with {tag}={policy} this mail will fail DMARC unless SPF aligns"
        )
    if possible and dkim_domain and _aligned(dkim_domain, sender.domain, record.adkim, organization):
        return None
    mail_unknown = False
    used = [mail_from for mail_from in sender.mail_from if sender.mail_from_used(mail_from) is not False]
    for mail_from in used:
        mx_ok, spf_ok = mail_from.mx_ok, mail_from.spf_ok
        if mx_ok and spf_ok and _aligned(mail_from.domain, sender.domain, record.aspf, organization):
            return None
        if mx_ok is None or spf_ok is None:
            mail_unknown = True
    if possible is None or mail_unknown:
        return None
    mail_words = (
        "no custom MAIL FROM with a correct MX and SPF" if used
        else "no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns)"
    )
    if possible:
        words = f"DKIM signs as `{dkim_domain}`, not aligned with `{sender.domain}` (adkim={record.adkim}), and there is {mail_words}"
    else:
        words = f"there is no aligned DKIM ({how}) and {mail_words}"
    return f"`{label}`: the policy is {tag}={policy}, but {words}: this mail will fail DMARC"


@rule("SES627", "dmarc-obsolete-tag", stage=DNS, severity=WARNING)
def dmarc_obsolete_tag(sender: SenderDomain) -> Iterator[Finding]:
    """The DMARC record uses `pct`, `rf` or `ri`, tags removed by RFC 9989 (May 2026).

    Details: RFC 9989 drops these RFC 7489 tags from the tag registry (its list of changes from RFC 7489);
    receivers following it ignore them. The record is accepted otherwise (both RFCs are read).
    Why: `pct` no longer samples: a record with `pct=10; p=reject` is read as `p=reject` for all mail.
    `rf` and `ri` no longer change the report format or interval.
    Fix: remove the tags; for a gradual rollout use `t=y` (RFC 9989) with the policy you aim at.
    Bad:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=quarantine; pct=25; ri=3600"
    Good:
        _dmarc.acme.example.net.  300 IN TXT "v=DMARC1; p=quarantine"
    """
    record = sender.facts.dmarc.record
    if not sender.exists or record is None:
        return
    obsolete = record.obsolete
    if obsolete:
        tags = ", ".join(f"`{tag}={record.tags[tag]}`" for tag in obsolete)
        yield sender.finding(f"`_dmarc.{record.domain} TXT`: {tags}: removed by RFC 9989; receivers ignore {'it' if len(obsolete) == 1 else 'them'}")

