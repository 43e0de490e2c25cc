"""Every DNS rule (SES600-SES633) on facts built by hand (factkit.py): no resolver, no socket.

Each case builds one `SenderDomain` and pins every finding the DNS rules give for it: code, severity
and the exact message (so a case is also the silent case of every rule it does not name). Faults
("not checked") are in test_unknowns_on_facts.py.

test_facts_match_collector.py serves the zone of every case it can to NSD and checks that the collector
gives the same findings; the collector's own behaviours are tested end to end against NSD and the dnslib
fault server (test_dns_rules.py, test_receivers.py, test_dns_faults.py, test_fault_matrix.py).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import pytest
from dnsfixtures import rsa_spki
from factkit import (
    FILE,
    FROM_PATH,
    PROVIDER,
    SES,
    DnsHints,
    SenderDomain,
    answer,
    clean_zone,
    dkim_aws,
    dkim_dns,
    easy_dkim,
    mail_from,
    nodata,
    nx,
    run,
    run_all,
    selector_check,
    sender,
    shown,
)

from ses_lint.core.findings import Stage
from ses_lint.rules import load_rules

E, W, I = "error", "warning", "info"
NO_DKIM = {"acme.test": "nxdomain"}  # `_domainkey.acme.test` does not exist
MISSING_DKIM_611 = ("SES611", E, "`_domainkey.acme.test TXT`: no DKIM key can exist for `acme.test`: `_domainkey.acme.test` "
                    "does not exist (NXDOMAIN, RFC 8020), so SES is not signing with Easy DKIM for this domain")
FAILS_626 = ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (`_domainkey.acme.test` "
             "does not exist) and no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")
NO_SES_607 = ("SES607", I, "`acme.test TXT`: the SPF record does not include `amazonses.com`, as the SES provider docs advise; "
              "harmless with SES's default MAIL FROM, where SPF is checked against amazonses.com, not this domain")


class Case(NamedTuple):
    id: str
    build: Callable[[], SenderDomain]
    expect: list


def case(id: str, build: Callable[[], SenderDomain], *expect: tuple) -> Case:
    return Case(id, build, list(expect))


def chain(count: int, last: str) -> dict:
    """`l1.acme.test` includes `l2`, ... up to `l<count>`, whose record is `last`."""
    records = {f"l{n}.acme.test TXT": f"v=spf1 include:l{n + 1}.acme.test -all" for n in range(1, count)}
    records[f"l{count}.acme.test TXT"] = last
    return records


WIDE = {f"w{n}.acme.test TXT": f"v=spf1 ip4:192.0.2.{n} -all" for n in range(1, 8)}
INCLUDES7 = " ".join(f"include:w{n}.acme.test" for n in range(1, 8))
BIG = "v=spf1 " + " ".join(f"ip4:192.0.2.{n}" for n in range(1, 40)) + f" {SES} -all"
BIG2 = "v=spf1 " + " ".join(f"ip4:198.51.100.{n}" for n in range(10, 33)) + f" ip4:192.0.2.1 {SES} -all"  # 461 bytes

# -- SES600-SES610: existence and SPF ----------------------------------------------------------------
SPF_CASES = [
    case("clean", lambda: sender()),
    case("SES600-nxdomain", lambda: sender(spf=None, dmarc=None, dkim=dkim_dns("acme.test", NO_DKIM)),
         ("SES600", E, "`acme.test TXT`: the domain `acme.test` does not exist (NXDOMAIN)")),
    case("SES601-no-spf", lambda: sender(spf="google-site-verification=abc"),
         ("SES601", W, "`acme.test TXT`: no SPF record (`v=spf1 ...`) is published for `acme.test`")),
    case("SES601-no-txt", lambda: sender(spf=None),
         ("SES601", W, "`acme.test TXT`: no SPF record (`v=spf1 ...`) is published for `acme.test`")),
    case("SES601-not-spf10", lambda: sender(spf="v=spf10 -all"),
         ("SES601", W, "`acme.test TXT`: no SPF record (`v=spf1 ...`) is published for `acme.test`")),
    case("SES602-multiple", lambda: sender(records={"acme.test TXT": [f"v=spf1 {SES} -all", "v=spf1 -all"]}),
         ("SES602", E, "`acme.test TXT`: 2 SPF records (`v=spf1 include:amazonses.com -all`; `v=spf1 -all`); receivers treat this as a permanent error")),
    case("SES603-syntax", lambda: sender(spf=f"v=spf1 {SES} ip4:192.0.2.300 -all"),
         ("SES603", E, "`acme.test TXT`: SPF syntax error: `ip4:192.0.2.300`: `192.0.2.300` is not an IPv4 address")),
    case("SES603-include-without-spf", lambda: sender(spf=f"v=spf1 include:nospf.acme.test {SES} -all", records={"nospf.acme.test TXT": "not spf"}),
         ("SES603", E, "`acme.test TXT`: `include:nospf.acme.test`: `nospf.acme.test` publishes no SPF record, a permanent error (RFC 7208 §5.2)")),
    case("SES603-include-nxdomain", lambda: sender(spf=f"v=spf1 include:gone.acme.test {SES} -all"),
         ("SES603", E, "`acme.test TXT`: `include:gone.acme.test`: `gone.acme.test` publishes no SPF record, a permanent error (RFC 7208 §5.2)")),
    case("SES603-redirect-without-spf", lambda: sender(spf="v=spf1 redirect=gone.acme.test"),
         ("SES603", E, "`acme.test TXT`: `redirect=gone.acme.test`: `gone.acme.test` publishes no SPF record, a permanent error (RFC 7208 §6.1)"),
         NO_SES_607),
    case("SES603-include-multiple", lambda: sender(spf=f"v=spf1 include:two.acme.test {SES} -all", records={"two.acme.test TXT": ["v=spf1 -all", "v=spf1 ~all"]}),
         ("SES603", E, "`acme.test TXT`: `include:two.acme.test`: `two.acme.test` publishes 2 SPF records, a permanent error (RFC 7208 §4.5)")),
    case("SES603-include-syntax", lambda: sender(spf=f"v=spf1 include:bad.acme.test {SES} -all", records={"bad.acme.test TXT": "v=spf1 foo -all"}),
         ("SES603", E, "`bad.acme.test TXT`: `bad.acme.test` (reached by `include:bad.acme.test`): `foo`: unknown mechanism (RFC 7208 §5)")),
    case("SES604-over", lambda: sender(spf="v=spf1 include:l1.acme.test -all", records=chain(11, f"v=spf1 {SES} -all")),
         ("SES604", E, "`acme.test TXT`: the SPF record needs 12 DNS lookups, over the limit of 10: receivers return permerror; the 11th "
                       "lookup is `include:l11.acme.test` in `l10.acme.test` (reached by `include:l1.acme.test` -> `include:l2.acme.test` -> ... -> `include:l10.acme.test`)")),
    case("SES604-over-by-the-last-term", lambda: sender(spf=f"v=spf1 include:l1.acme.test {SES} -all", records=chain(10, "v=spf1 ip4:192.0.2.1 -all")),
         ("SES604", E, "`acme.test TXT`: the SPF record needs 11 DNS lookups, over the limit of 10: receivers return permerror; the 11th "
                       "lookup is `include:amazonses.com` in `acme.test`")),
    case("SES604-exactly-10", lambda: sender(spf=f"v=spf1 include:l1.acme.test {SES} -all", records=chain(9, "v=spf1 ip4:192.0.2.1 -all")),
         ("SES604", W, "`acme.test TXT`: the SPF record needs 10 of the 10 DNS lookups allowed")),
    case("SES604-near-8", lambda: sender(spf=f"v=spf1 {INCLUDES7} {SES} -all", records=WIDE),
         ("SES604", W, "`acme.test TXT`: the SPF record needs 8 of the 10 DNS lookups allowed")),
    case("SES604-7-is-fine", lambda: sender(spf=f"v=spf1 {' '.join(INCLUDES7.split()[:6])} {SES} -all", records=WIDE)),
    case("SES604-after-all-costs-nothing", lambda: sender(spf=f"v=spf1 {' '.join(INCLUDES7.split()[:6])} {SES} -all include:w7.acme.test a mx", records=WIDE),
         ("SES610", W, "`acme.test TXT`: `include:w7.acme.test a mx` comes after `-all`, so receivers never evaluate it (RFC 7208 §5.1); move it before `-all`")),
    case("SES604-macro", lambda: sender(spf=f"v=spf1 exists:%{{i}}._spf.acme.test {INCLUDES7} {SES} -all", records=WIDE),
         ("SES604", W, "`acme.test TXT`: the SPF record needs 9 of the 10 DNS lookups allowed; 1 of them uses a macro and could not be "
                       "followed (`exists:%{i}._spf.acme.test`)")),
    case("SES604-macros-in-an-include", lambda: sender(spf=f"v=spf1 include:m.acme.test {INCLUDES7} {SES} -all",
                                                       records={**WIDE, "m.acme.test TXT": "v=spf1 exists:%{i}.a.acme.test exists:%{l}.b.acme.test -all"}),
         ("SES604", E, "`acme.test TXT`: the SPF record needs 11 DNS lookups, over the limit of 10: receivers return permerror; the 11th "
                       "lookup is `include:amazonses.com` in `acme.test`; 2 of them use macros and could not be followed "
                       "(`exists:%{i}.a.acme.test` in `m.acme.test`, `exists:%{l}.b.acme.test` in `m.acme.test`)")),
    case("SES604-mx-over-10-hosts", lambda: sender(spf=f"v=spf1 mx {SES} -all", records={"acme.test MX": [f"m{n}.acme.test" for n in range(11)]}),
         ("SES604", E, "`acme.test MX`: 11 MX hosts, over the limit of 10 for an SPF `mx` term: receivers return permerror")),
    case("SES605-three-voids", lambda: sender(spf=f"v=spf1 a:gone1.acme.test a:gone2.acme.test mx:gone3.acme.test {SES} -all"),
         ("SES605", E, "`acme.test TXT`: the SPF record causes 3 void lookups (`gone1.acme.test A`, `gone2.acme.test A`, `gone3.acme.test MX`), "
                       "over the limit of 2: receivers return permerror; the 3rd void lookup is `mx:gone3.acme.test` in `acme.test`")),
    case("SES605-two-voids-are-fine", lambda: sender(spf=f"v=spf1 a:gone1.acme.test mx:gone2.acme.test {SES} -all")),
    case("SES605-aaaa-only-is-void", lambda: sender(spf=f"v=spf1 a:h6.acme.test a:h6b.acme.test a {SES} -all",
                                                    records={"h6.acme.test AAAA": "2001:db8::1", "h6b.acme.test AAAA": "2001:db8::2", "acme.test AAAA": "2001:db8::3"}),
         ("SES605", E, "`acme.test TXT`: the SPF record causes 3 void lookups (`h6.acme.test A`, `h6b.acme.test A`, `acme.test A`), over the "
                       "limit of 2: receivers return permerror; the 3rd void lookup is `a` in `acme.test`")),
    case("SES605-mx-host-voids-warn", lambda: sender(spf=f"v=spf1 mx a:gone.acme.test {SES} -all",
                                                     records={"acme.test MX": ["m1.acme.test", (20, "m2.acme.test")], "m1.acme.test AAAA": "2001:db8::1"}),
         ("SES605", W, "`acme.test TXT`: 3 void lookups as pyspf and Mail::SPF count them, over the limit of 2: they also count the address "
                       "lookups of MX hosts that return nothing (`m1.acme.test A`, `m2.acme.test A`) and return permerror; receivers that count "
                       "by term, as RFC 7208 §4.6.4 words it, see 1; the 3rd void lookup is `a:gone.acme.test` in `acme.test`")),
    case("SES606-plus-all", lambda: sender(spf=f"v=spf1 {SES} +all"),
         ("SES606", E, "`acme.test TXT`: the SPF record ends in `+all`: anyone may send as `acme.test`")),
    case("SES606-bare-all", lambda: sender(spf=f"v=spf1 {SES} all"),
         ("SES606", E, "`acme.test TXT`: the SPF record ends in a bare `all`, which is `+all` (the default qualifier is `+`, RFC 7208 "
                       "§4.6.2): anyone may send as `acme.test`")),
    case("SES606-neutral-all", lambda: sender(spf=f"v=spf1 {SES} ?all"),
         ("SES606", W, "`acme.test TXT`: the SPF record ends in `?all` (neutral): it does not say that other senders are not allowed; use `-all` or `~all`")),
    case("SES606-no-all", lambda: sender(spf=f"v=spf1 {SES}"),
         ("SES606", W, "`acme.test TXT`: the SPF record has no `all` and no `redirect`, so it ends neutral (RFC 7208 §4.7): it does not say that other "
                       "senders are not allowed; end it with `-all`")),
    case("SES606-softfail-is-fine", lambda: sender(spf=f"v=spf1 {SES} ~all")),
    case("SES606-redirect-to-fail", lambda: sender(spf="v=spf1 redirect=_spf.acme.test", records={"_spf.acme.test TXT": f"v=spf1 {SES} -all"})),
    case("SES606-redirect-to-plus-all", lambda: sender(spf="v=spf1 redirect=_spf.acme.test", records={"_spf.acme.test TXT": f"v=spf1 {SES} +all"}),
         ("SES606", E, "`acme.test TXT`: the SPF record ends in `+all` (from `redirect` to `_spf.acme.test`): anyone may send as `acme.test`")),
    case("SES606-redirect-ignored-beside-all", lambda: sender(spf=f"v=spf1 {SES} -all redirect=_spf.acme.test", records={"_spf.acme.test TXT": "v=spf1 +all"})),
    case("SES606-include-of-plus-all", lambda: sender(spf=f"v=spf1 include:_spf.acme.test {SES} -all", records={
        "_spf.acme.test TXT": "v=spf1 include:old.acme.test -all", "old.acme.test TXT": "v=spf1 redirect=lapsed.acme.test",
        "lapsed.acme.test TXT": "v=spf1 +all"}),
         ("SES606", E, "`acme.test TXT`: `include:_spf.acme.test` -> `include:old.acme.test` -> `+all` (in `lapsed.acme.test`): the included "
                       "record passes every sender, so the include matches everyone and anyone may send as `acme.test` (RFC 7208 §5.2)")),
    case("SES607-no-amazonses", lambda: sender(spf="v=spf1 ip4:192.0.2.0/24 -all"), NO_SES_607),
    case("SES607-amazonses-through-an-include", lambda: sender(spf="v=spf1 include:_spf.acme.test -all", records={"_spf.acme.test TXT": f"v=spf1 {SES} -all"})),
    case("SES607-amazonses-through-a-redirect", lambda: sender(spf="v=spf1 redirect=_spf.acme.test", records={"_spf.acme.test TXT": f"v=spf1 {SES} -all"})),
    case("SES608-loop", lambda: sender(spf=f"v=spf1 include:_spf.acme.test {SES} -all", records={"_spf.acme.test TXT": "v=spf1 include:acme.test -all"}),
         ("SES608", E, "`_spf.acme.test TXT`: SPF include loop: `include:acme.test` in `_spf.acme.test` leads back: acme.test -> _spf.acme.test -> acme.test")),
    case("SES608-redirect-loop", lambda: sender(spf=f"v=spf1 {SES} redirect=acme.test"),  # SES606: the loop leaves the `all` unknown
         ("SES608", E, "`acme.test TXT`: SPF include loop: `redirect=acme.test` in `acme.test` leads back: acme.test -> acme.test")),
    case("SES609-ptr", lambda: sender(spf=f"v=spf1 ptr {SES} -all"),
         ("SES609", W, "`acme.test TXT`: the SPF term `ptr` uses `ptr`, which RFC 7208 §5.5 says not to use")),
    case("SES609-ptr-in-an-include", lambda: sender(spf=f"v=spf1 include:_spf.acme.test {SES} -all", records={"_spf.acme.test TXT": "v=spf1 ptr:acme.test -all"}),
         ("SES609", W, "`_spf.acme.test TXT`: the SPF term `ptr:acme.test` uses `ptr`, which RFC 7208 §5.5 says not to use")),
    case("SES609-type-99", lambda: sender(records={"acme.test SPF": f"v=spf1 {SES} -all"}),
         ("SES609", W, "`acme.test SPF`: a record of the obsolete type SPF (99) is published; receivers read only the TXT record")),
    case("SES610-after-all", lambda: sender(spf=f"v=spf1 ~all {SES}"),
         NO_SES_607,
         ("SES610", W, "`acme.test TXT`: `include:amazonses.com` comes after `~all`, so receivers never evaluate it (RFC 7208 §5.1); move it before `~all`")),
    case("SES610-in-an-include", lambda: sender(spf=f"v=spf1 include:_spf.acme.test {SES} -all", records={"_spf.acme.test TXT": "v=spf1 -all ip4:192.0.2.1"}),
         ("SES610", W, "`_spf.acme.test TXT`: `ip4:192.0.2.1` comes after `-all`, so receivers never evaluate it (RFC 7208 §5.1); move it before `-all`")),
    case("SES629-reply-over-512", lambda: sender(spf=BIG),
         ("SES629", W, "`acme.test TXT`: the TXT reply is 651 bytes, over the 512 bytes of a plain UDP reply: receivers that cannot retry "
                       "over TCP get temperror (RFC 7208 §3.4)")),
    case("SES629-record-over-450", lambda: sender(spf=BIG2),
         ("SES629", W, "`acme.test TXT`: the SPF record is 461 bytes, over the 450 bytes RFC 7208 §3.4 advises, so that the reply fits in one UDP packet")),
    case("SES629-small-record", lambda: sender(spf="v=spf1 " + " ".join(f"ip4:198.51.100.{n}" for n in range(10, 30)) + f" {SES} -all")),
    case("SES629-in-an-include", lambda: sender(spf=f"v=spf1 include:big.acme.test {SES} -all", records={"big.acme.test TXT": BIG2}),
         ("SES629", W, "`big.acme.test TXT`: the SPF record is 461 bytes, over the 450 bytes RFC 7208 §3.4 advises, so that the reply fits in one UDP packet")),
]

# -- SES611-SES614: DKIM -------------------------------------------------------------------------------
ED25519 = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="


def selectors(*checks) -> SenderDomain:
    return sender(dkim=dkim_dns("acme.test", checks=checks))


def key(selector: str, text: str):
    return selector_check("acme.test", selector, txt=text)


DKIM_CASES = [
    case("SES611-no-domainkey", lambda: sender(dkim=dkim_dns("acme.test", NO_DKIM)), MISSING_DKIM_611, FAILS_626),
    case("SES611-no-domainkey-under-any-parent", lambda: sender("mail.acme.test", dmarc="v=DMARC1; p=none",
                                                                dkim=dkim_dns("mail.acme.test", {"mail.acme.test": "nxdomain", "acme.test": "nxdomain"})),
         ("SES611", E, "`_domainkey.mail.acme.test TXT`: no DKIM key can exist for `mail.acme.test`: `_domainkey.mail.acme.test`, "
                       "`_domainkey.acme.test` do not exist (NXDOMAIN, RFC 8020), so SES is not signing with Easy DKIM for this domain"),
         ("SES624", I, "`_dmarc.mail.acme.test TXT`: `p=none`: DMARC only monitors; failing mail is still delivered")),
    case("SES611-domainkey-at-a-parent", lambda: sender("mail.acme.test", clean_zone("mail.acme.test", dmarc=None, more={"_dmarc.acme.test TXT": "v=DMARC1; p=reject"}),
                                                        dkim=dkim_dns("mail.acme.test", {"mail.acme.test": "nxdomain", "acme.test": "nodata"}))),
    case("SES611-domainkey-empty-non-terminal", lambda: sender(dkim=dkim_dns("acme.test", {"acme.test": "nodata"}))),
    case("SES611-wildcard-is-no-domainkey", lambda: sender(dkim=dkim_dns("acme.test", {"acme.test": answer("_domainkey.acme.test", "TXT", ["v=spf1 -all"])},
                                                                         wildcard={"_domainkey.acme.test": True})),
         ("SES611", E, "`_domainkey.acme.test TXT`: no DKIM key can exist for `acme.test`: `_domainkey.acme.test` answers only through a "
                       "wildcard and does not exist either (RFC 4592 §2.2), so SES is not signing with Easy DKIM for this domain"),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (`_domainkey.acme.test` answers only "
                       "through a wildcard (RFC 4592), so no DKIM key exists below it) and no custom MAIL FROM (with SES's default MAIL FROM, "
                       "SPF never aligns): this mail will fail DMARC")),
    case("SES611-a-selector-key-is-dkim", lambda: sender(dkim=dkim_dns("acme.test", checks=[key("s2048", "v=DKIM1; p=" + rsa_spki(2048))]))),
    case("SES611-missing-domain-is-SES600s", lambda: sender(spf=None, dmarc=None, dkim=dkim_dns("acme.test", NO_DKIM, checks=[selector_check("acme.test", "absent")])),
         ("SES600", E, "`acme.test TXT`: the domain `acme.test` does not exist (NXDOMAIN)")),
    case("SES611-SES612-tokens", lambda: sender(**easy_dkim("acme.test", {
        "tok1": None, "tok2": "tok9.dkim.amazonses.com", "tok3": nx("tok3._domainkey.acme.test", "CNAME")})),
         ("SES611", E, "`tok3._domainkey.acme.test CNAME`: Easy DKIM record missing (the name does not exist); it must point at `tok3.dkim.amazonses.com`"),
         ("SES612", E, "`tok2._domainkey.acme.test CNAME`: points at `tok9.dkim.amazonses.com`, not at `tok2.dkim.amazonses.com`")),
    case("SES611-token-without-cname", lambda: sender(**easy_dkim("acme.test", {"tok1": nodata("tok1._domainkey.acme.test", "CNAME")})),
         ("SES611", E, "`tok1._domainkey.acme.test CNAME`: Easy DKIM record missing (the name has no CNAME); it must point at `tok1.dkim.amazonses.com`"),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (no Easy DKIM CNAME of `acme.test` points "
                       "at SES) and no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")),
    case("SES612-regional-zone", lambda: sender(region="eu-south-1", **easy_dkim("acme.test", {"tok1": "tok1.dkim.amazonses.com"}, signing_zone=None, region="eu-south-1")),
         ("SES612", E, "`tok1._domainkey.acme.test CNAME`: points at `tok1.dkim.amazonses.com`, not at `tok1.dkim.eu-south-1.amazonses.com`"),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (the Easy DKIM CNAMEs of `acme.test` "
                       "point into SES's wrong zone: `tok1.dkim.amazonses.com`, not `tok1.dkim.eu-south-1.amazonses.com`; see SES612) and no "
                       "custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")),
    case("SES612-SES626-other-tokens", lambda: sender(**easy_dkim("acme.test", {"tok1": "tok9.dkim.amazonses.com"})),
         ("SES612", E, "`tok1._domainkey.acme.test CNAME`: points at `tok9.dkim.amazonses.com`, not at `tok1.dkim.amazonses.com`"),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (the Easy DKIM CNAMEs of `acme.test` "
                       "point at other tokens than the identity's; see SES612) and no custom MAIL FROM (with SES's default MAIL FROM, SPF "
                       "never aligns): this mail will fail DMARC")),
    case("SES612-selector-into-ses", lambda: selectors(selector_check("acme.test", "wrongses", cname=answer("wrongses._domainkey.acme.test", "CNAME", ["other.dkim.amazonses.com"]))),
         ("SES612", E, "`wrongses._domainkey.acme.test CNAME`: points at `other.dkim.amazonses.com`, not at `wrongses.dkim.amazonses.com`")),
    case("SES612-selector-elsewhere-is-not-ses", lambda: selectors(selector_check("acme.test", "esp", cname=answer("esp._domainkey.acme.test", "CNAME", ["esp.keys.acme.test"]),
                                                                                  txt="v=DKIM1; p=" + rsa_spki(2048)))),
    case("SES611-SES613-SES614-selector-keys", lambda: selectors(
        key("s512", "v=DKIM1; k=rsa; p=" + rsa_spki(512)), key("s1024", "v=DKIM1; k=rsa; p=" + rsa_spki(1024)),
        key("s2048", "v=DKIM1; k=rsa; p=" + rsa_spki(2048)), key("revoked", "v=DKIM1; k=rsa; p="),
        key("sha1", "v=DKIM1; h=sha1; p=" + rsa_spki(2048)), key("sha1-sha256", "v=DKIM1; h=sha1:sha256; p=" + rsa_spki(2048)),
        key("testing", "v=DKIM1; t=y; p=" + rsa_spki(2048)), key("bad", "v=DKIM1; p=@@@"), key("ed", ED25519),
        selector_check("acme.test", "absent")),
         ("SES611", E, "`absent._domainkey.acme.test TXT`: no DKIM key is published for selector `absent`"),
         ("SES613", E, "`s512._domainkey.acme.test TXT`: the DKIM key has 512 bits, under the minimum of 1024: receivers ignore its signatures"),
         ("SES613", W, "`s1024._domainkey.acme.test TXT`: the DKIM key has 1024 bits; use 2048"),
         ("SES613", E, "`revoked._domainkey.acme.test TXT`: the DKIM key is revoked (empty `p=`)"),
         ("SES613", E, "`sha1._domainkey.acme.test TXT`: the DKIM key allows only `h=sha1`, which RFC 8301 forbids"),
         ("SES613", E, "`bad._domainkey.acme.test TXT`: the DKIM key record is invalid: `p=` is not valid base64"),
         ("SES614", W, "`testing._domainkey.acme.test TXT`: the DKIM key has `t=y` (testing): receivers treat the mail as unsigned")),
    case("SES613-1023-bits", lambda: selectors(key("k", "p=" + rsa_spki(1023))),
         ("SES613", E, "`k._domainkey.acme.test TXT`: the DKIM key has 1023 bits, under the minimum of 1024: receivers ignore its signatures")),
    case("SES613-2047-bits", lambda: selectors(key("k", "p=" + rsa_spki(2047))),
         ("SES613", W, "`k._domainkey.acme.test TXT`: the DKIM key has 2047 bits; use 2048")),
    case("SES613-4096-bits", lambda: selectors(key("k", "p=" + rsa_spki(4096)))),
    case("SES614-revoked-and-testing-is-revoked", lambda: selectors(key("k", "v=DKIM1; t=y; p=")),
         ("SES613", E, "`k._domainkey.acme.test TXT`: the DKIM key is revoked (empty `p=`)")),
]

# -- SES621-SES628: DMARC, TXT/CNAME ---------------------------------------------------------------------
def deep(domain: str, parents: tuple, **records) -> SenderDomain:
    """`domain` below parents that publish `records` (`"name TYPE": ...`), with no `_domainkey` anywhere."""
    zone = clean_zone(domain, dmarc=None, more=records.pop("more", {}))
    return sender(domain, zone, dkim=dkim_dns(domain, {name: "nxdomain" for name in (domain, *parents)}))


def no_dkim_611(domain: str, *parents: str) -> tuple:
    names = ", ".join(f"`_domainkey.{name}`" for name in (domain, *parents))
    verb = "do" if parents else "does"
    return ("SES611", E, f"`_domainkey.{domain} TXT`: no DKIM key can exist for `{domain}`: {names} {verb} not exist (NXDOMAIN, RFC 8020), "
                         "so SES is not signing with Easy DKIM for this domain")


DMARC_CASES = [
    case("SES621-no-dmarc", lambda: sender(dmarc=None),
         ("SES621", W, "`_dmarc.acme.test TXT`: no DMARC record for `acme.test` or above it (asked `_dmarc.acme.test`, `_dmarc.test`)")),
    case("SES621-a-parent-covers-it", lambda: sender("mail.sub.acme.test", clean_zone("mail.sub.acme.test", dmarc=None, more={"_dmarc.acme.test TXT": "v=DMARC1; p=reject"}))),
    case("SES621-deep-walk-asks-eight", lambda: sender("a.b.c.d.e.f.g.h.acme.test", clean_zone("a.b.c.d.e.f.g.h.acme.test", dmarc=None)),
         ("SES621", W, "`_dmarc.a.b.c.d.e.f.g.h.acme.test TXT`: no DMARC record for `a.b.c.d.e.f.g.h.acme.test` or above it (asked "
                       "`_dmarc.a.b.c.d.e.f.g.h.acme.test`, `_dmarc.d.e.f.g.h.acme.test`, `_dmarc.e.f.g.h.acme.test`, `_dmarc.f.g.h.acme.test`, "
                       "`_dmarc.g.h.acme.test`, `_dmarc.h.acme.test`, `_dmarc.acme.test`, `_dmarc.test`)")),
    case("SES621-unrelated-txt-at-dmarc", lambda: sender(dmarc="google-site-verification=abc"),
         ("SES621", W, "`_dmarc.acme.test TXT`: no DMARC record for `acme.test` or above it (asked `_dmarc.acme.test`, `_dmarc.test`)")),
    case("SES622-bad-values", lambda: sender(dmarc="v=DMARC1; p=block; adkim=x"),
         ("SES622", E, "`_dmarc.acme.test TXT`: invalid DMARC record: `p=block`: must be none, quarantine or reject; `adkim=x`: must be r or s")),
    case("SES622-not-first", lambda: sender(dmarc="p=reject; v=DMARC1"),
         ("SES622", E, "`_dmarc.acme.test TXT`: `p=reject; v=DMARC1` does not start with `v=DMARC1`, so receivers ignore it")),
    case("SES622-wrong-case", lambda: sender(dmarc="v=dmarc1; p=reject"),
         ("SES622", E, "`_dmarc.acme.test TXT`: `v=dmarc1; p=reject` does not start with `v=DMARC1`, so receivers ignore it")),
    case("SES622-tag-twice", lambda: sender(dmarc="v=DMARC1; p=reject; p=none"),
         ("SES622", E, "`_dmarc.acme.test TXT`: invalid DMARC record: tag `p` given twice")),
    case("SES622-unknown-tags-are-ignored", lambda: sender(dmarc="v=DMARC1; p=reject; xfuture=1")),
    case("SES623-two-records", lambda: sender(records={"_dmarc.acme.test TXT": ["v=DMARC1; p=reject", "v=DMARC1; p=none"]}),
         ("SES623", E, "`_dmarc.acme.test TXT`: 2 DMARC records; receivers ignore all of them")),
    case("SES624-monitor", lambda: sender(dmarc="v=DMARC1; p=none; rua=mailto:d@acme.test"),
         ("SES624", I, "`_dmarc.acme.test TXT`: `p=none`: DMARC only monitors; failing mail is still delivered")),
    case("SES624-no-p-is-none", lambda: sender(dmarc="v=DMARC1; rua=mailto:d@acme.test"),
         ("SES624", I, "`_dmarc.acme.test TXT`: `p=none`: DMARC only monitors; failing mail is still delivered")),
    case("SES624-sp-none-below", lambda: sender("mail.acme.test", clean_zone("mail.acme.test", dmarc=None, more={"_dmarc.acme.test TXT": "v=DMARC1; p=reject; sp=none"})),
         ("SES624", I, "`_dmarc.acme.test TXT`: `sp=none`: DMARC only monitors; failing mail is still delivered")),
    case("SES624-an-intermediate-record-is-not-the-policy", lambda: deep("alerts.mktg.corp.test", ("mktg.corp.test", "corp.test"), more={
        "_dmarc.mktg.corp.test TXT": "v=DMARC1; p=none", "_dmarc.corp.test TXT": "v=DMARC1; p=reject; sp=reject"}),
         no_dkim_611("alerts.mktg.corp.test", "mktg.corp.test", "corp.test"),
         ("SES626", E, "`_dmarc.corp.test TXT`: the policy is sp=reject, but there is no aligned DKIM (`_domainkey.alerts.mktg.corp.test` does "
                       "not exist) and no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")),
    case("SES624-SES626-psd-n-and-rfc7489", lambda: deep("alerts.mktg.corp2.test", ("mktg.corp2.test", "corp2.test"), more={
        "_dmarc.mktg.corp2.test TXT": "v=DMARC1; p=none; psd=n", "_dmarc.corp2.test TXT": "v=DMARC1; p=reject"}),
         no_dkim_611("alerts.mktg.corp2.test", "mktg.corp2.test", "corp2.test"),
         ("SES624", I, "`_dmarc.mktg.corp2.test TXT`: `p=none`: DMARC only monitors; failing mail is still delivered; RFC 7489 receivers read "
                       "`_dmarc.corp2.test` (the Organizational Domain by the Public Suffix List) and apply `p=reject` from `_dmarc.corp2.test`"),
         ("SES626", E, "RFC 7489 receivers (Organizational Domain `corp2.test` by the Public Suffix List, RFC 7489 §6.6.3): `_dmarc.corp2.test TXT`: "
                       "the policy is p=reject, but there is no aligned DKIM (`_domainkey.alerts.mktg.corp2.test` does not exist) and no custom "
                       "MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC; RFC 9989 receivers apply `p=none` "
                       "from `_dmarc.mktg.corp2.test`")),
    case("SES625-unauthorized", lambda: sender(dmarc="v=DMARC1; p=reject; rua=mailto:d@reports.test,mailto:d@acme.test"),
         ("SES625", W, "`acme.test._report._dmarc.reports.test TXT`: `rua` sends reports to `reports.test`, which has not authorized them (no "
                       "`v=DMARC1` record at `acme.test._report._dmarc.reports.test`): no reports will arrive there")),
    case("SES625-ruf-unauthorized", lambda: sender(dmarc="v=DMARC1; p=reject; ruf=mailto:f@reports.test"),
         ("SES625", W, "`acme.test._report._dmarc.reports.test TXT`: `ruf` sends reports to `reports.test`, which has not authorized them (no "
                       "`v=DMARC1` record at `acme.test._report._dmarc.reports.test`): no reports will arrive there")),
    case("SES625-authorized", lambda: sender(dmarc="v=DMARC1; p=reject; rua=mailto:d@reports.test", records={"acme.test._report._dmarc.reports.test TXT": "v=DMARC1"})),
    case("SES625-same-organization", lambda: sender("mail.acme.test", clean_zone("mail.acme.test", dmarc=None, more={
        "_dmarc.acme.test TXT": "v=DMARC1; p=reject; rua=mailto:d@reports.acme.test"}))),
    case("SES625-psd-report-destination-is-another-organization", lambda: sender("town.gov.test", clean_zone("town.gov.test", dmarc=None, more={
        "_dmarc.gov.test TXT": "v=DMARC1; p=reject; psd=y; rua=mailto:d@dmarc.service.gov.test"})),
         ("SES625", W, "`gov.test._report._dmarc.dmarc.service.gov.test TXT`: `rua` sends reports to `dmarc.service.gov.test`, which has not "
                       "authorized them (no `v=DMARC1` record at `gov.test._report._dmarc.dmarc.service.gov.test`): no reports will arrive there")),
    case("SES626-reject-without-dkim", lambda: sender(dkim=dkim_dns("acme.test", NO_DKIM)), MISSING_DKIM_611, FAILS_626),
    case("SES626-quarantine-without-dkim", lambda: sender(dmarc="v=DMARC1; p=quarantine", dkim=dkim_dns("acme.test", NO_DKIM)),
         MISSING_DKIM_611,
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=quarantine, but there is no aligned DKIM (`_domainkey.acme.test` does not "
                       "exist) and no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")),
    case("SES626-none-without-dkim-passes", lambda: sender(dmarc="v=DMARC1; p=none", dkim=dkim_dns("acme.test", NO_DKIM)),
         MISSING_DKIM_611, ("SES624", I, "`_dmarc.acme.test TXT`: `p=none`: DMARC only monitors; failing mail is still delivered")),
    case("SES626-rescued-by-an-aligned-mail-from", lambda: sender(dkim=dkim_dns("acme.test", NO_DKIM), mail_froms=[mail_from("bounce.acme.test")]),
         MISSING_DKIM_611),
    case("SES626-strict-aspf-does-not-align-a-subdomain", lambda: sender(dmarc="v=DMARC1; p=reject; aspf=s", dkim=dkim_dns("acme.test", NO_DKIM),
                                                                         mail_froms=[mail_from("bounce.acme.test")]),
         MISSING_DKIM_611,
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (`_domainkey.acme.test` does not exist) "
                       "and no custom MAIL FROM with a correct MX and SPF: this mail will fail DMARC")),
    case("SES626-a-broken-mail-from-does-not-align", lambda: sender(dkim=dkim_dns("acme.test", NO_DKIM), mail_froms=[mail_from("bounce.acme.test", mx="mail.acme.test")]),
         MISSING_DKIM_611,
         ("SES631", E, "`bounce.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but it points at `mail.acme.test`"),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (`_domainkey.acme.test` does not exist) "
                       "and no custom MAIL FROM with a correct MX and SPF: this mail will fail DMARC")),
    case("SES626-easy-dkim-aligns", lambda: sender(**easy_dkim("acme.test", {"tok1": None}))),
    case("SES626-a-usable-selector-key-aligns", lambda: sender(dkim=dkim_dns("acme.test", NO_DKIM, checks=[key("s", "p=" + rsa_spki(2048))]))),
    # a selector's name makes `_domainkey` exist, so other keys may exist below it (RFC 8020 cannot tell): not judged
    case("SES626-a-weak-selector-key-leaves-dkim-possible", lambda: sender(dkim=dkim_dns("acme.test", checks=[key("s", "p=" + rsa_spki(512))])),
         ("SES613", E, "`s._domainkey.acme.test TXT`: the DKIM key has 512 bits, under the minimum of 1024: receivers ignore its signatures")),
    case("SES626-a-weak-selector-key-does-not-align", lambda: sender(hints=DnsHints(identity_domain="acme.test", dkim_tokens=("tok1",)),
                                                                     dkim=dkim_aws("acme.test", {"tok1": nx("tok1._domainkey.acme.test", "CNAME")},
                                                                                   checks=[key("s", "p=" + rsa_spki(512))])),
         ("SES611", E, "`tok1._domainkey.acme.test CNAME`: Easy DKIM record missing (the name does not exist); it must point at `tok1.dkim.amazonses.com`"),
         ("SES613", E, "`s._domainkey.acme.test TXT`: the DKIM key has 512 bits, under the minimum of 1024: receivers ignore its signatures"),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but there is no aligned DKIM (no Easy DKIM CNAME of `acme.test` points "
                       "at SES) and no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")),
    # one key-size threshold: SES613 accepts an Ed25519 key (RFC 8463), so SES626 counts it as aligned DKIM
    case("SES626-an-ed25519-selector-key-aligns", lambda: sender(hints=DnsHints(identity_domain="acme.test", dkim_tokens=("tok1",)),
                                                                 dkim=dkim_aws("acme.test", {"tok1": nx("tok1._domainkey.acme.test", "CNAME")},
                                                                               checks=[key("ed", ED25519)])),
         ("SES611", E, "`tok1._domainkey.acme.test CNAME`: Easy DKIM record missing (the name does not exist); it must point at `tok1.dkim.amazonses.com`")),
    case("SES626-strict-adkim-on-a-subdomain", lambda: sender("mail.acme.test", clean_zone("mail.acme.test", dmarc="v=DMARC1; p=reject; adkim=s"),
                                                              dkim=dkim_dns("mail.acme.test", {"mail.acme.test": "nxdomain", "acme.test": "nodata"})),
         ("SES626", E, "`_dmarc.mail.acme.test TXT`: `adkim=s` (strict) but DKIM signs as `acme.test` while `from` is on `mail.acme.test`: DKIM "
                       "never aligns, so with p=reject this mail will fail DMARC unless SPF aligns")),
    case("SES626-strict-adkim-at-the-signing-domain", lambda: sender(dmarc="v=DMARC1; p=reject; adkim=s")),
    case("SES626-another-identity-signs", lambda: sender(**easy_dkim("other.test", {"tok1": None})),
         ("SES626", E, "`_dmarc.acme.test TXT`: the policy is p=reject, but DKIM signs as `other.test`, not aligned with `acme.test` "
                       "(adkim=r), and there is no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail DMARC")),
    case("SES627-obsolete-tags", lambda: sender(dmarc="v=DMARC1; p=quarantine; pct=50; ri=3600"),
         ("SES627", W, "`_dmarc.acme.test TXT`: `pct=50`, `ri=3600`: removed by RFC 9989; receivers ignore them")),
    case("SES627-one-obsolete-tag", lambda: sender(dmarc="v=DMARC1; p=reject; rf=afrf"),
         ("SES627", W, "`_dmarc.acme.test TXT`: `rf=afrf`: removed by RFC 9989; receivers ignore it")),
    case("SES628-cname-beside-dmarc", lambda: sender(conflicts=[(answer("_dmarc.acme.test", "TXT", ["v=DMARC1; p=reject"]),
                                                                 answer("_dmarc.acme.test", "CNAME", ["_dmarc.other.test"]))]),
         ("SES628", E, "`_dmarc.acme.test`: has both TXT records and a CNAME to `_dmarc.other.test` (RFC 1034 §3.6.2): receivers get one or the other")),
    case("SES628-no-cname", lambda: sender(conflicts=[(answer("acme.test", "TXT", [f"v=spf1 {SES} -all"]), nodata("acme.test", "CNAME"))])),
    case("SES628-in-the-mail-from", lambda: sender(mail_froms=[mail_from("bounce.acme.test", conflicts=[
        (answer("bounce.acme.test", "TXT", [f"v=spf1 {SES} ~all"]), answer("bounce.acme.test", "CNAME", ["elsewhere.test"]))])]),
         ("SES628", E, "`bounce.acme.test`: has both TXT records and a CNAME to `elsewhere.test` (RFC 1034 §3.6.2): receivers get one or the other")),
]

# -- SES631-SES633: MAIL FROM ----------------------------------------------------------------------------
def with_mail_from(*mail_froms, hints=None) -> SenderDomain:
    return sender(mail_froms=list(mail_froms), hints=hints)


NEEDS = "it needs `v=spf1 include:amazonses.com ~all`"
MAIL_FROM_CASES = [
    case("SES631-right", lambda: with_mail_from(mail_from("bounce.acme.test"))),
    case("SES631-SES632-wrong", lambda: with_mail_from(mail_from("bad.acme.test", mx="mail.acme.test", spf="v=spf1 -all")),
         ("SES631", E, "`bad.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but it points at `mail.acme.test`"),
         ("SES632", E, f"`bad.acme.test TXT`: MAIL FROM domain `bad.acme.test` has an SPF record without `include:amazonses.com`; {NEEDS}")),
    case("SES631-other-region", lambda: with_mail_from(mail_from("b.acme.test", mx="feedback-smtp.us-east-1.amazonses.com")),
         ("SES631", E, "`b.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but it points at `feedback-smtp.us-east-1.amazonses.com`")),
    case("SES631-its-own-region", lambda: sender(region="us-east-1", mail_froms=[mail_from("b.acme.test", "us-east-1", mx="feedback-smtp.us-east-1.amazonses.com")])),
    case("SES631-an-extra-host", lambda: with_mail_from(mail_from("b.acme.test", mx=answer("b.acme.test", "MX", mx=[
        (10, "feedback-smtp.eu-west-1.amazonses.com"), (20, "backup.acme.test")]))),
         ("SES631", E, "`b.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but it points at "
                       "`feedback-smtp.eu-west-1.amazonses.com`, `backup.acme.test`")),
    case("SES631-SES632-missing-domain", lambda: with_mail_from(mail_from("b.acme.test", mx=None, spf=None)),
         ("SES631", E, "`b.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but the domain does not exist"),
         ("SES632", E, f"`b.acme.test TXT`: MAIL FROM domain `b.acme.test` does not exist; {NEEDS}")),
    case("SES631-no-mx", lambda: with_mail_from(mail_from("b.acme.test", mx=nodata("b.acme.test", "MX"))),
         ("SES631", E, "`b.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but there is no MX record")),
    case("SES631-SES632-null-mx-and-two-records", lambda: with_mail_from(mail_from("b.acme.test", mx="", spf={"b.acme.test TXT": ["v=spf1 -all", "v=spf1 ~all"]})),
         ("SES631", E, "`b.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but it points at `.`"),
         ("SES632", E, f"`b.acme.test TXT`: MAIL FROM domain `b.acme.test` has 2 SPF records (a permanent error); {NEEDS}")),
    case("SES632-no-spf", lambda: with_mail_from(mail_from("b.acme.test", spf="not spf")),
         ("SES632", E, f"`b.acme.test TXT`: MAIL FROM domain `b.acme.test` has no SPF record; {NEEDS}")),
    case("SES632-syntax", lambda: with_mail_from(mail_from("b.acme.test", source="aws", spf=f"v=spf1 {SES} foo ~all"),
                                                 hints=DnsHints(identity_domain="acme.test", mail_from_domain="b.acme.test")),
         ("SES632", E, f"`b.acme.test TXT`: the identity's custom MAIL FROM `b.acme.test` has an SPF record that does not parse (`foo`: unknown mechanism (RFC 7208 §5)); {NEEDS}")),
    case("SES610-SES632-amazonses-after-all", lambda: with_mail_from(mail_from("b.acme.test", spf=f"v=spf1 ~all {SES}")),
         ("SES610", W, "`b.acme.test TXT`: `include:amazonses.com` comes after `~all`, so receivers never evaluate it (RFC 7208 §5.1); move it before `~all`"),
         ("SES632", E, f"`b.acme.test TXT`: MAIL FROM domain `b.acme.test` has `include:amazonses.com` after `~all`, where receivers never "
                       f"evaluate it (RFC 7208 §5.1), so every message SES sends fails SPF; {NEEDS}")),
    case("SES632-amazonses-through-an-include", lambda: with_mail_from(mail_from("b.acme.test", spf={
        "b.acme.test TXT": "v=spf1 include:_spf.acme.test ~all", "_spf.acme.test TXT": f"v=spf1 {SES} -all"}))),
    case("SES633-decorative", lambda: with_mail_from(mail_from("bounce.acme.test"), hints=DnsHints(identity_domain="acme.test")),
         ("SES633", W, "`bounce.acme.test MX`: publishes SES's MAIL FROM MX and SPF, but the SES identity `acme.test` has no custom MAIL FROM: "
                       "the records do nothing and SPF stays unaligned")),
    case("SES633-decorative-beside-another", lambda: with_mail_from(mail_from("mf.acme.test", source="aws"), mail_from("bounce.acme.test"),
                                                                    hints=DnsHints(identity_domain="acme.test", mail_from_domain="mf.acme.test")),
         ("SES633", W, "`bounce.acme.test MX`: publishes SES's MAIL FROM MX and SPF, but the SES identity `acme.test` uses `mf.acme.test`: "
                       "the records do nothing and SPF stays unaligned")),
    case("SES633-the-identitys-own", lambda: with_mail_from(mail_from("bounce.acme.test", source="aws"), hints=DnsHints(identity_domain="acme.test", mail_from_domain="bounce.acme.test"))),
    case("SES633-without-the-aws-stage", lambda: with_mail_from(mail_from("bounce.acme.test"))),
    case("SES633-not-ready-is-SES631s", lambda: with_mail_from(mail_from("bounce.acme.test", mx="mail.acme.test"), hints=DnsHints(identity_domain="acme.test")),
         ("SES631", E, "`bounce.acme.test MX`: MAIL FROM domain must have MX `10 feedback-smtp.eu-west-1.amazonses.com`, but it points at `mail.acme.test`")),
    case("SES626-SES633-a-decorative-mail-from-does-not-align", lambda: sender(dkim=dkim_dns("acme.test", NO_DKIM), mail_froms=[mail_from("bounce.acme.test")],
                                                                            hints=DnsHints(identity_domain="acme.test")),
         MISSING_DKIM_611, FAILS_626,
         ("SES633", W, "`bounce.acme.test MX`: publishes SES's MAIL FROM MX and SPF, but the SES identity `acme.test` has no custom MAIL FROM: "
                       "the records do nothing and SPF stays unaligned")),
]

CASES = SPF_CASES + DKIM_CASES + DMARC_CASES + MAIL_FROM_CASES
ORDER = {code: index for index, code in enumerate(sorted(load_rules()))}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rules_on_facts(case: Case):
    subject = case.build()
    got = shown(run_all(subject))
    expect = sorted(case.expect, key=lambda item: ORDER[item[0]])  # run_all runs the rules in code order
    assert got == expect


def test_every_dns_rule_fires_in_a_table():
    """Each DNS rule has a firing case here, and test_unknowns_on_facts.py has its "not checked" row."""
    dns_rules = {code for code, r in load_rules().items() if r.stage is Stage.DNS}
    fired = {code for c in CASES for code, _, _ in c.expect}
    assert dns_rules - {"SES640"} == fired


def test_a_finding_is_at_the_providers_from_with_the_rules_stamp():
    (finding,) = run("SES601", sender(spf=None))
    assert (finding.file, finding.path, finding.provider, finding.key) == (FILE, FROM_PATH, PROVIDER, f"providers.{PROVIDER}.config.from")
    assert (finding.code, finding.name, finding.stage, finding.severity.value) == ("SES601", "spf-missing", Stage.DNS, "warning")


def test_a_missing_domain_silences_every_other_rule():
    """SES600's docstring: the other DNS rules stay silent for a domain that does not exist, whatever
    the facts of its other names say (here: no DKIM, a MAIL FROM name, a key below it)."""
    subject = sender(spf=None, dmarc=None, dkim=dkim_dns("acme.test", NO_DKIM, checks=[key("weak", "p=" + rsa_spki(512))]))
    assert [f.code for f in run_all(subject)] == ["SES600"]


def test_ses606_names_the_redirect_whose_target_has_no_all():
    """RFC 7208 §6.1: the redirect target's result is the record's; with no `all` there either, it ends
    neutral (§4.7). The message says so, not "no `redirect`" (fails before)."""
    (finding,) = run("SES606", sender(spf="v=spf1 redirect=_spf.acme.test", records={"_spf.acme.test TXT": f"v=spf1 {SES}"}))
    assert shown([finding]) == [("SES606", "warning", "`acme.test TXT`: the SPF record has no `all`, and its `redirect` target `_spf.acme.test` "
                                "has none either (the target's result is the record's, RFC 7208 §6.1), so it ends neutral (§4.7): it does not "
                                "say that other senders are not allowed; end it with `-all`")]
    chained = sender(spf="v=spf1 redirect=a.acme.test", records={"a.acme.test TXT": "v=spf1 redirect=b.acme.test", "b.acme.test TXT": f"v=spf1 {SES}"})
    assert "its `redirect` chain `a.acme.test` -> `b.acme.test` ends in a record with none either" in run("SES606", chained)[0].message


def test_ses626_says_rfc7489_receivers_align_a_parents_dkim():
    """Both read `_dmarc.mail.acme.test`, but relaxed alignment is judged against the Organizational
    Domain: RFC 9989 §4.10.2 takes each domain's by its own tree walk (mail.acme.test for the `from`
    domain, whose record is the only one; acme.test, which finds none, is its own), so DKIM d=acme.test
    does not align; RFC 7489 §3.2 takes acme.test for both (Public Suffix List), so it aligns (§3.1.1).
    The message said the mail fails DMARC, for everyone (fails before)."""
    subject = sender("mail.acme.test", dkim=dkim_dns("mail.acme.test", {"mail.acme.test": "nxdomain", "acme.test": "nodata"}))
    assert subject.facts.dmarc.organizational_domain == "mail.acme.test" and subject.facts.dmarc.legacy_domain == "acme.test"
    assert shown(run_all(subject)) == [
        ("SES626", "error", "`_dmarc.mail.acme.test TXT`: the policy is p=reject, but DKIM signs as `acme.test`, not aligned with `mail.acme.test` "
                            "(adkim=r), and there is no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): this mail will fail "
                            "DMARC for receivers that follow RFC 9989 (Organizational Domain `mail.acme.test` by the DNS tree walk, RFC 9989 "
                            "§4.10.2); RFC 7489 receivers take `acme.test` as the Organizational Domain (by the Public Suffix List, RFC 7489 "
                            "§3.2), so for them it aligns and passes")]


def test_ses626_says_rfc7489_receivers_fail_where_the_tree_walk_aligns():
    """The other way round, on the same record: `blogspot.com` is a public suffix, so RFC 7489 §3.2 makes
    `x.blogspot.com` the Organizational Domain of `mail.x.blogspot.com` and DKIM d=blogspot.com does not
    align; RFC 9989's walk finds `_dmarc.blogspot.com` (no psd) and makes blogspot.com the Organizational
    Domain of both, so it aligns. Silent before (one record read, one verdict)."""
    zone = clean_zone("mail.x.blogspot.com", more={"_dmarc.blogspot.com TXT": "v=DMARC1; p=none"})
    subject = sender("mail.x.blogspot.com", zone, **easy_dkim("blogspot.com", {"tok1": None}))
    assert shown(run_all(subject)) == [
        ("SES626", "error", "RFC 7489 receivers (Organizational Domain `x.blogspot.com` by the Public Suffix List, RFC 7489 §3.2): "
                            "`_dmarc.mail.x.blogspot.com TXT`: the policy is p=reject, but DKIM signs as `blogspot.com`, not aligned with "
                            "`mail.x.blogspot.com` (adkim=r), and there is no custom MAIL FROM (with SES's default MAIL FROM, SPF never aligns): "
                            "this mail will fail DMARC; RFC 9989 receivers take `blogspot.com` as the Organizational Domain (by the DNS tree "
                            "walk, RFC 9989 §4.10.2), so for them it aligns and passes")]
