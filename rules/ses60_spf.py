"""SES600-SES610: the `from` domain's existence and its SPF record (RFC 7208) as receivers evaluate it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ses_lint.core.findings import DNS, ERROR, INFO, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.facts.sender import SenderDomain
from ses_lint.knowledge.aws import AMAZONSES
from ses_lint.knowledge.dns import LOOKUP_LIMIT, MX_LIMIT, VOID_LIMIT

if TYPE_CHECKING:
    from ses_lint.facts.spf import SpfNode, SpfTree

LOOKUP_WARNING = 8


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@rule("SES600", "domain-not-found", stage=DNS, severity=ERROR)
def domain_not_found(sender: SenderDomain) -> Iterator[Finding]:
    """The `from` address's domain does not exist in DNS.

    Details: the TXT query at the domain is answered NXDOMAIN (RFC 8020: nothing exists at or below
    that name). The other DNS rules stay silent for such a domain. A lookup that times out or fails is
    not "does not exist": that is SES640.
    Why: SES cannot verify a domain that does not exist, and receivers commonly reject mail whose
    `From` domain does not resolve; DMARC treats it as a non-existent domain (RFC 9989 terminology, after RFC 8020).
    Fix: correct the domain in `from` (a typo?) or register and publish the domain.
    Bad:
        ; no zone at all for the from domain: alerts@acme-typo.example.net
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
    """
    if sender.facts.exists is False:
        yield sender.finding(f"`{sender.domain} TXT`: the domain `{sender.domain}` does not exist (NXDOMAIN)")


@rule("SES601", "spf-missing", stage=DNS, severity=WARNING)
def spf_missing(sender: SenderDomain) -> Iterator[Finding]:
    """The `from` domain publishes no SPF record.

    Details: none of the domain's TXT records starts with `v=spf1` (RFC 7208 §4.5); the domain's SPF
    result is `none`. The record's TXT strings are joined before they are read (§3.3). A referral (a
    non-authoritative reply with NS records in its authority section, as a lame delegation gives) is
    not an answer: SES640, not this rule. Under a wildcard (RFC 4592) the synthesized TXT is what
    receivers read, so it is judged as the domain's own.
    Why: with no SPF, a receiver cannot tell who may send as the domain (RFC 7208 §2.6.1); Gmail and
    Yahoo require SPF or DKIM from every sender and both from bulk senders. With SES's default MAIL FROM
    it is the MAIL FROM domain that SPF checks, but the `from` domain's own record still protects it
    against spoofing.
    Fix: publish one SPF record at the domain, ending in `-all` or `~all`.
    Bad:
        acme.example.net.  300 IN TXT "google-site-verification=abc"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
    """
    if sender.exists and sender.facts.spf.status == "none":
        yield sender.finding(f"`{sender.domain} TXT`: no SPF record (`v=spf1 ...`) is published for `{sender.domain}`")


@rule("SES602", "spf-multiple", stage=DNS, severity=ERROR)
def spf_multiple(sender: SenderDomain) -> Iterator[Finding]:
    """The `from` domain publishes more than one `v=spf1` record.

    Details: two or more TXT records at the domain start with `v=spf1` (RFC 7208 §4.5).
    Why: RFC 7208 §3.2 and §4.5: several SPF records are a permanent error (`permerror`) for every
    receiver, so SPF fails for all mail, whichever record was meant.
    Fix: merge the records into one (one `v=spf1`, the mechanisms of both, one `all`).
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
        acme.example.net.  300 IN TXT "v=spf1 include:_spf.google.com -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com include:_spf.google.com -all"
    """
    spf = sender.facts.spf
    if sender.exists and spf.status == "multiple":
        shown = "; ".join(f"`{_shorten(text, 60)}`" for text in spf.records)
        yield sender.finding(f"`{sender.domain} TXT`: {len(spf.records)} SPF records ({shown}); receivers treat this as a permanent error")


@rule("SES603", "spf-syntax", stage=DNS, severity=ERROR)
def spf_syntax(sender: SenderDomain) -> Iterator[Finding]:
    """An SPF record does not parse, or its evaluation is a permanent error.

    Details: the record of the `from` domain, and every record reached through `include` and
    `redirect`, is parsed by the RFC 7208 §12 grammar, macros (§7.1) included: unknown mechanisms, a
    qualifier on a modifier, bad IP addresses or CIDR lengths, `redirect`/`exp` twice (§6), the
    `c`/`r`/`t` macros outside `exp` (§7.2). Also reported: an `include` or `redirect` whose target
    publishes no SPF record or several (§5.2, §6.1, §4.5) — a permanent error as well.
    Why: a record with a syntax error makes SPF `permerror` for all mail (RFC 7208 §4.6); most
    receivers then treat SPF as failed.
    Fix: correct the term shown; check the included domain's spelling.
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com ip4:192.0.2.300 -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com ip4:192.0.2.30 -all"
    """
    spf = sender.facts.spf
    if not sender.exists:
        return
    if spf.status == "syntax":
        yield sender.finding(f"`{sender.domain} TXT`: SPF syntax error: {spf.syntax_error}")
    for problem in spf.errors:
        yield sender.finding(f"`{problem.domain} TXT`: {problem.message}")


@rule("SES604", "spf-lookup-limit", stage=DNS, severity=ERROR)
def spf_lookup_limit(sender: SenderDomain) -> Iterator[Finding]:
    """The SPF record needs more than 10 DNS lookups (a warning from 8).

    Details: counted as RFC 7208 §4.6.4 counts: each `include`, `a`, `mx`, `ptr`, `exists` and
    `redirect`, recursively through includes and redirects (`all`, `ip4`, `ip6`, `exp` cost nothing).
    Over 10 is an error; 8 to 10 is reported as a warning, since one more include breaks it. A term
    with a macro (§7) depends on the message: it counts as one lookup and is named as dynamic (its own
    subtree cannot be counted). Also an error: an `mx` whose domain has more than 10 MX hosts (§4.6.4).
    When a lookup failed (SES640), the count is a lower bound and is reported only if it already
    reaches the threshold. Mechanisms after `all` are never evaluated (§5.1) and cost nothing. The
    message names the term that crossed the limit, in evaluation order (§4.6.2: left to right, depth
    first through includes, `redirect` last), and the includes that reach it; `--format json` and
    `--verbose` show every term's cost.
    Why: past 10 lookups every receiver returns `permerror` and SPF fails for all mail.
    Fix: replace includes by the `ip4`/`ip6` ranges they stand for, drop includes of services you no
    longer use, or move senders to subdomains with their own records.
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 include:a.example.net include:b.example.net ... (11 includes) -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com ip4:192.0.2.0/24 -all"
    """
    spf = sender.facts.spf
    if not sender.exists or spf.status != "ok":
        return
    dynamic = ""
    if spf.dynamic:
        terms = [(owner, term) for owner, _, term in (text.partition(": ") for text in spf.dynamic[:3])]
        listed = ", ".join(f"`{term}`" + ("" if owner == sender.domain else f" in `{owner}`") for owner, term in terms)
        verb = "uses a macro" if len(spf.dynamic) == 1 else "use macros"
        dynamic = f"; {len(spf.dynamic)} of them {verb} and could not be followed ({listed})"
    more = "at least " if spf.faults or spf.truncated else ""
    lookups = spf.lookups
    if lookups > LOOKUP_LIMIT:
        where = _crossing(spf, spf.crossing(LOOKUP_LIMIT, lambda node: node.lookups), LOOKUP_LIMIT + 1, "lookup")
        yield sender.finding(f"`{sender.domain} TXT`: the SPF record needs {more}{lookups} DNS lookups, over the limit of {LOOKUP_LIMIT}: receivers return permerror; {where}{dynamic}")
    elif lookups >= LOOKUP_WARNING:
        yield sender.finding(f"`{sender.domain} TXT`: the SPF record needs {more}{lookups} of the {LOOKUP_LIMIT} DNS lookups allowed{dynamic}", WARNING)
    for domain, count in spf.mx_over:
        yield sender.finding(f"`{domain} MX`: {count} MX hosts, over the limit of {MX_LIMIT} for an SPF `mx` term: receivers return permerror")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _via(spf: SpfTree, node: SpfNode) -> str:
    path = spf.path_to(node)
    if not path:
        return ""
    shown = [f"`{step.term}`" for step in path]
    if len(shown) > 4:
        shown = shown[:2] + ["..."] + shown[-1:]
    return f" (reached by {' -> '.join(shown)})"


def _crossing(spf: SpfTree, node: Optional[SpfNode], number: int, what: str) -> str:
    """"the 11th lookup is `include:x` in `y` (reached by ...)": the term that crossed the limit."""
    if node is None:
        return ""
    return f"the {_ordinal(number)} {what} is `{node.term}` in `{node.domain}`{_via(spf, node)}"


@rule("SES605", "spf-void-lookups", stage=DNS, severity=ERROR)
def spf_void_lookups(sender: SenderDomain) -> Iterator[Finding]:
    """The SPF record causes more than 2 void lookups.

    Details: a void lookup (RFC 7208 §4.6.4) is a query made by an SPF term (`a`, `mx`, `exists`,
    `include`, `redirect`) answered NXDOMAIN or with no records, counted over the whole include tree.
    Receivers ask the address type of the connecting client (§5.3, §5.4): SES sends over IPv4 only
    (its sending IPs are IPv4, SESv2 `DedicatedIp.Ip`; amazonses.com's SPF lists ip4 ranges alone), so
    an `a` host with only AAAA records is void. The address lookups of the hosts an `mx` term finds
    are counted too, as pyspf and Mail::SPF count them: when only they push the count over 2, the
    finding is a warning, since receivers counting by term, as §4.6.4 words it (and checkdmarc), do
    not return permerror. The message names the lookup that crossed the limit.
    Why: receivers SHOULD stop after 2 void lookups with `permerror` (§4.6.4), so SPF fails for all mail;
    the terms usually point at names that were deleted.
    Fix: remove the terms whose names no longer exist.
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 a:old1.acme.example.net a:old2.acme.example.net mx:gone.acme.example.net -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
    """
    spf = sender.facts.spf
    if not sender.exists or spf.status != "ok":
        return
    voids, host_voids = spf.voids, spf.host_voids
    if len(voids) > VOID_LIMIT:
        names = ", ".join(f"`{name}`" for name in voids[:5])
        where = _crossing(spf, spf.crossing(VOID_LIMIT, lambda node: node.voids), VOID_LIMIT + 1, "void lookup")
        yield sender.finding(f"`{sender.domain} TXT`: the SPF record causes {len(voids)} void lookups ({names}), over the limit of {VOID_LIMIT}: receivers return permerror; {where}")
    elif len(voids) + len(host_voids) > VOID_LIMIT:
        total = len(voids) + len(host_voids)
        hosts = ", ".join(f"`{name}`" for name in host_voids[:5])
        where = _crossing(spf, spf.crossing(VOID_LIMIT, lambda node: node.voids + len(node.void_hosts)), VOID_LIMIT + 1, "void lookup")
        yield sender.finding(
            f"`{sender.domain} TXT`: {total} void lookups as pyspf and Mail::SPF count them, over the limit of {VOID_LIMIT}: "
            f"they also count the address lookups of MX hosts that return nothing ({hosts}) and return permerror; "
            f"receivers that count by term, as RFC 7208 §4.6.4 words it, see {len(voids)}; {where}",
            WARNING,
        )


@rule("SES606", "spf-permissive", stage=DNS, severity=ERROR)
def spf_permissive(sender: SenderDomain) -> Iterator[Finding]:
    """The SPF record lets anyone send: `+all` or a bare `all` (a warning for `?all`, or no `all` at all).

    Details: the `all` that ends evaluation is the record's own, or, when it has none, the one of its
    `redirect` target (RFC 7208 §6.1). `+all`/`all` pass every sender (§5.1): an error. So is an
    `include` whose record (or its redirect target) ends in `+all`: the include matches when the
    included record passes (§5.2), which it does for everyone; the message names the include chain
    (also what an attacker publishes after re-registering a lapsed include domain). `?all` is neutral
    (§8.2) and a record whose evaluation meets no `all` (none in it, nor in the `redirect` target it
    hands over to, §6.1) ends neutral by default (§4.7): both are warnings; the message names the
    redirect target. `~all` and `-all` are fine.
    Why: a record that passes everyone authorizes spammers to send as your domain, and an aligned SPF
    pass makes their mail pass DMARC too.
    Fix: end the record with `-all` (or `~all` while you roll out).
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com +all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
    """
    spf = sender.facts.spf
    if not sender.exists or spf.status != "ok" or spf.record is None:
        return
    if spf.final_all is None:
        if spf.record.redirect is not None and (spf.faults or spf.errors or spf.loops):
            return  # the redirect target could not be read: its `all` is unknown
        targets = _redirect_targets(spf)
        if not targets:
            how = "has no `all` and no `redirect`, so it ends neutral (RFC 7208 §4.7)"
        elif len(targets) == 1:
            how = (f"has no `all`, and its `redirect` target `{targets[0]}` has none either (the target's result is the "
                   "record's, RFC 7208 §6.1), so it ends neutral (§4.7)")
        else:
            how = (f"has no `all`, and its `redirect` chain {' -> '.join(f'`{target}`' for target in targets)} ends in a record "
                   "with none either (the target's result is the record's, RFC 7208 §6.1), so it ends neutral (§4.7)")
        yield sender.finding(f"`{sender.domain} TXT`: the SPF record {how}: it does not say that other senders are not allowed; end it with `-all`", WARNING)
        return
    for chain in spf.pass_all:
        steps = " -> ".join(f"`{step.partition(': ')[2]}`" for step in chain)
        owner = chain[-1].partition(": ")[0]
        yield sender.finding(
            f"`{sender.domain} TXT`: {steps} (in `{owner}`): the included record passes every sender, so the include "
            f"matches everyone and anyone may send as `{sender.domain}` (RFC 7208 §5.2)"
        )
    where = "" if spf.final_all_domain == sender.domain else f" (from `redirect` to `{spf.final_all_domain}`)"
    if spf.final_all == "+":
        written = spf.final_all_term or "+all"
        ends = f"a bare `{written}`, which is `+all` (the default qualifier is `+`, RFC 7208 §4.6.2)" if written[:1] not in "+-~?" else f"`{written}`"
        yield sender.finding(f"`{sender.domain} TXT`: the SPF record ends in {ends}{where}: anyone may send as `{sender.domain}`")
    elif spf.final_all == "?":
        yield sender.finding(f"`{sender.domain} TXT`: the SPF record ends in `?all`{where} (neutral): it does not say that other senders are not allowed; use `-all` or `~all`", WARNING)


def _redirect_targets(spf) -> list[str]:
    """The `redirect` targets evaluation follows from the top record, in order (RFC 7208 §6.1)."""
    targets: list[str] = []
    node = spf.root
    while node is not None:
        node = next((child for child in node.children if child.term.lower().startswith("redirect=")), None)
        if node is not None and node.target:
            targets.append(node.target)
    return targets


@rule("SES607", "spf-no-amazonses", stage=DNS, severity=INFO)
def spf_no_amazonses(sender: SenderDomain) -> Iterator[Finding]:
    """The `from` domain's SPF record does not include `amazonses.com`.

    Details: `include:amazonses.com` is looked for in the record and everything it includes or
    redirects to. Reported only when the domain has a valid SPF record.
    Why: the provider's documentation advises it. It is harmless to go without it with SES's default
    MAIL FROM: SES then sends with a MAIL FROM under amazonses.com, and SPF (RFC 7208 §2.4) is checked
    against amazonses.com, never against your domain. It matters if you send mail through SES with your
    own domain as the envelope sender.
    Fix: add `include:amazonses.com` before the `all`, or set up a custom MAIL FROM domain (SES631/632).
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 include:_spf.google.com -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:_spf.google.com include:amazonses.com -all"
    """
    spf = sender.facts.spf
    if not sender.exists or spf.status != "ok" or spf.includes_domain(AMAZONSES):
        return
    if spf.faults or spf.truncated:
        return  # an unread include might hold it
    yield sender.finding(
        f"`{sender.domain} TXT`: the SPF record does not include `amazonses.com`, as the SES provider docs advise; "
        "harmless with SES's default MAIL FROM, where SPF is checked against amazonses.com, not this domain"
    )


@rule("SES608", "spf-loop", stage=DNS, severity=ERROR)
def spf_loop(sender: SenderDomain) -> Iterator[Finding]:
    """SPF `include`/`redirect` recursion comes back to a domain already on its path.

    Details: the walk of the include tree keeps the path of domains; a term naming a domain already on
    it is a loop (RFC 7208 §5.2 and §6.1: such recursion ends in permerror through the lookup limit).
    The message names the term that leads back and the record holding it.
    Why: receivers either stop at the loop with `permerror` or hit the 10-lookup limit: SPF fails for
    all mail.
    Fix: remove the include that points back.
    Bad:
        acme.example.net.       300 IN TXT "v=spf1 include:_spf.acme.example.net -all"
        _spf.acme.example.net.  300 IN TXT "v=spf1 include:acme.example.net -all"
    Good:
        acme.example.net.       300 IN TXT "v=spf1 include:_spf.acme.example.net -all"
        _spf.acme.example.net.  300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
    """
    spf = sender.facts.spf
    if not sender.exists or spf.status != "ok":
        return
    seen = set()
    for path, node in zip(spf.loops, spf.loop_terms):
        key = tuple(path)
        if key in seen:
            continue
        seen.add(key)
        yield sender.finding(f"`{path[-2]} TXT`: SPF include loop: `{node.term}` in `{node.domain}` leads back: {' -> '.join(path)}")


@rule("SES609", "spf-deprecated", stage=DNS, severity=WARNING)
def spf_deprecated(sender: SenderDomain) -> Iterator[Finding]:
    """The SPF record uses the `ptr` mechanism, or the domain publishes an RR of the obsolete type SPF (99).

    Details: `ptr` is looked for in the whole include tree. The type-99 record is asked at the `from`
    domain.
    Why: RFC 7208 §5.5: `ptr` SHOULD NOT be used (slow, unreliable, and many receivers skip it);
    §3.1 and §14.1: the SPF RR type is obsolete and receivers never read it, so only the TXT counts.
    Fix: replace `ptr` by `ip4`/`ip6` or `a`; delete the type-99 record (keep the TXT).
    Bad:
        acme.example.net.  300 IN TXT "v=spf1 ptr include:amazonses.com -all"
        acme.example.net.  300 IN SPF "v=spf1 include:amazonses.com -all"
    Good:
        acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com -all"
    """
    if not sender.exists:
        return
    spf = sender.facts.spf
    if spf.status == "ok":
        for where in spf.ptr:
            domain, _, term = where.partition(": ")
            yield sender.finding(f"`{domain} TXT`: the SPF term `{term}` uses `ptr`, which RFC 7208 §5.5 says not to use")
    if sender.facts.spf99.ok and sender.facts.spf99.records:
        yield sender.finding(f"`{sender.domain} SPF`: a record of the obsolete type SPF (99) is published; receivers read only the TXT record")


@rule("SES610", "spf-ignored-terms", stage=DNS, severity=WARNING)
def spf_ignored_terms(sender: SenderDomain) -> Iterator[Finding]:
    """An SPF record has mechanisms after its `all`: receivers never evaluate them.

    Details: RFC 7208 §5.1: "mechanisms after `all` will never be tested"; evaluation stops at the
    first mechanism that matches (§4.6.2) and `all` matches everything. Checked in the `from`
    domain's record, every record it includes or redirects to, and the custom MAIL FROM domain's
    record. The other rules count such terms for nothing: an `include:amazonses.com` after `~all` does
    not authorize SES (SES607, SES632), and its lookups are not counted (SES604).
    Why: whoever wrote the record meant those terms to count; the senders they name fail SPF.
    Fix: move the mechanisms before the `all`.
    Bad:
        bounce.acme.example.net.  300 IN TXT "v=spf1 ~all include:amazonses.com"
    Good:
        bounce.acme.example.net.  300 IN TXT "v=spf1 include:amazonses.com ~all"
    """
    seen = set()
    for tree in sender.spf_trees():
        if tree.status != "ok":
            continue
        for domain, all_text, terms in tree.ignored:
            if domain in seen:
                continue
            seen.add(domain)
            shown = " ".join(terms)
            yield sender.finding(f"`{domain} TXT`: `{_shorten(shown, 60)}` comes after `{all_text}`, so receivers never evaluate it (RFC 7208 §5.1); move it before `{all_text}`")
