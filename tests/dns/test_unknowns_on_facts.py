""""Not checked" on facts built by hand: a faulted `Answer` silences the rule that needs it, and SES640
names it (one finding per name and type, saying what it was needed for); nothing else appears that the
fault-free facts did not give. Every DNS rule SES600-SES633 has a row, and every fault kind a column.

This is the fact-level half of the fault matrix. test_fault_matrix.py keeps the other half: the
collector, against the dnslib fault server, turning each kind of fault on the wire into these facts.
"""
from __future__ import annotations

import functools
from typing import Callable, NamedTuple, Optional

import pytest
from dnsfixtures import rsa_spki
from factkit import (
    FAULTS,
    FAULT_WORDS,
    SES,
    DnsHints,
    SenderDomain,
    answer,
    clean_zone,
    dkim_aws,
    dkim_dns,
    fault,
    mail_from,
    nodata,
    run,
    run_all,
    selector_check,
    sender,
    shown,
)

from ses_lint.core.findings import Stage
from ses_lint.rules import load_rules


class Faulter:
    """Where a row's facts come from: `value` as given, unless (name, TYPE) is faulted in this column."""

    def __init__(self, kind: Optional[str], faulted: tuple):
        self.kind = kind
        self.faulted = {(name, rtype) for (name, rtype), _ in faulted}

    def hit(self, name: str, rtype: str) -> bool:
        return self.kind is not None and (name, rtype) in self.faulted

    def __call__(self, name: str, rtype: str, value):
        """An Answer (or a zone value, or a DKIM node status) unless faulted: then a faulted Answer."""
        return fault(name, rtype, self.kind) if self.hit(name, rtype) else value

    def zone(self, records: dict) -> dict:
        """`records` with the faulted names of this column answering with the fault."""
        out = dict(records)
        for name, rtype in self.faulted:
            if self.kind is not None:
                out[f"{name} {rtype}"] = self.kind
        return out


class Row(NamedTuple):
    rule: str
    variant: str
    build: Callable[[Faulter], SenderDomain]
    faulted: tuple  # ((name, TYPE), what SES640 says it was needed for), ...
    unmasked: frozenset  # codes the fault may add: facts the fault made relevant, themselves read

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.variant}"


def row(rule: str, variant: str, build, *faulted, unmasked=()) -> Row:
    return Row(rule, variant, build, tuple(faulted), frozenset(unmasked))


def apex(domain: str = "acme.test") -> tuple:
    return ((domain, "TXT"), "the domain's existence and its SPF")


def zoned(records: dict, domain: str = "acme.test", **options) -> Callable[[Faulter], SenderDomain]:
    """A sender whose zone is `clean_zone(domain)` plus `records` (`spf=`/`dmarc=` replace the defaults)."""
    spf = options.pop("spf", f"v=spf1 {SES} -all")
    dmarc = options.pop("dmarc", "v=DMARC1; p=reject")
    return lambda f: sender(domain, f.zone(clean_zone(domain, spf=spf, dmarc=dmarc, more=records)), **options)


NO_DKIM = {"acme.test": "nxdomain"}
KEY_512 = "v=DKIM1; k=rsa; p=" + rsa_spki(512)
KEY_TESTING = "v=DKIM1; t=y; p=" + rsa_spki(2048)
TOKENS = DnsHints(identity_domain="acme.test", dkim_tokens=("tok1", "tok2", "tok3"), signing_hosted_zone="dkim.amazonses.com")


def selector_row(selector: str, **given):
    def build(f: Faulter) -> SenderDomain:
        name = f"{selector}._domainkey.acme.test"
        cname = f(name, "CNAME", given.get("cname") or nodata(name, "CNAME"))
        txt = given.get("txt")
        txt = fault(name, "TXT", f.kind) if f.hit(name, "TXT") else txt
        return sender(dkim=dkim_dns("acme.test", checks=[selector_check("acme.test", selector, cname=cname, txt=txt)]))
    return build


def tokens_row(targets: dict):
    """Easy DKIM tokens and their CNAME targets ("": the name does not exist)."""
    def build(f: Faulter) -> SenderDomain:
        cnames = {}
        for tok, target in targets.items():
            name = f"{tok}._domainkey.acme.test"
            cnames[tok] = f(name, "CNAME", answer(name, "CNAME", [target]) if target else answer(name, "CNAME", status="nxdomain"))
        return sender(hints=TOKENS, dkim=dkim_aws("acme.test", cnames))
    return build


def no_dkim(f: Faulter, domain: str = "acme.test", parents=()) -> object:
    nodes = {name: f(f"_domainkey.{name}", "TXT", "nxdomain") for name in (domain, *parents)}
    return dkim_dns(domain, nodes)


def mail_from_row(domain: str, *, mx="right", spf=f"v=spf1 {SES} ~all", records=None, hints=None, no_dkim_at_apex=False):
    def build(f: Faulter) -> SenderDomain:
        zone = f.zone({f"{domain} TXT": spf, **(records or {})})
        from_mx = f(domain, "MX", mx)
        dkim = no_dkim(f) if no_dkim_at_apex else None
        return sender(mail_froms=[mail_from(domain, mx=from_mx, spf=zone)], hints=hints, dkim=dkim)
    return build


def conflict_row(f: Faulter) -> SenderDomain:
    txt = answer("_dmarc.acme.test", "TXT", ["v=DMARC1; p=reject"])
    return sender(conflicts=[(txt, f("_dmarc.acme.test", "CNAME", answer("_dmarc.acme.test", "CNAME", ["_dmarc.other.test"])))])


CHAIN = {f"l{n}.acme.test TXT": f"v=spf1 include:l{n + 1}.acme.test -all" for n in range(1, 11)}
CHAIN["l11.acme.test TXT"] = f"v=spf1 {SES} -all"
BIG = "v=spf1 " + " ".join(f"ip4:192.0.2.{n}" for n in range(1, 40)) + " -all"
MF_DOMAIN = "bounce.acme.test"

ROWS = [
    # A missing domain silences the other rules; once its apex TXT is unknown, the rules whose own
    # names answered NXDOMAIN (_domainkey: SES611; _dmarc: SES621) speak from those facts.
    row("SES600", "apex", lambda f: sender(zone=f.zone({}), dkim=no_dkim(f)), apex(), unmasked={"SES611", "SES621"}),
    row("SES601", "apex", zoned({}, spf="google-site-verification=abc"), apex()),
    row("SES602", "apex", zoned({"acme.test TXT": [f"v=spf1 {SES} -all", "v=spf1 -all"]}), apex()),
    row("SES603", "apex", zoned({}, spf=f"v=spf1 {SES} ip4:192.0.2.300 -all"), apex()),
    row("SES603", "include", zoned({"nospf.acme.test TXT": "not spf"}, spf=f"v=spf1 include:nospf.acme.test {SES} -all"),
        (("nospf.acme.test", "TXT"), "SPF")),
    # the count is a lower bound once a lookup failed: failing the first include leaves 1 of 12
    row("SES604", "include-chain", zoned(CHAIN, spf="v=spf1 include:l1.acme.test -all"), (("l1.acme.test", "TXT"), "SPF")),
    row("SES605", "void-mx", zoned({}, spf=f"v=spf1 a:gone1.acme.test a:gone2.acme.test mx:gone3.acme.test {SES} -all"),
        (("gone3.acme.test", "MX"), "SPF")),
    row("SES606", "apex", zoned({}, spf=f"v=spf1 {SES} +all"), apex()),
    row("SES606", "redirect", zoned({"_spf.acme.test TXT": "v=spf1 +all"}, spf="v=spf1 redirect=_spf.acme.test"), (("_spf.acme.test", "TXT"), "SPF")),
    row("SES607", "apex", zoned({}, spf="v=spf1 ip4:192.0.2.0/24 -all"), apex()),
    row("SES607", "include", zoned({"_spf.acme.test TXT": "v=spf1 ip4:192.0.2.0/24 -all"}, spf="v=spf1 include:_spf.acme.test -all"),
        (("_spf.acme.test", "TXT"), "SPF")),
    row("SES608", "include", zoned({"_spf.acme.test TXT": "v=spf1 include:acme.test -all"}, spf=f"v=spf1 include:_spf.acme.test {SES} -all"),
        (("_spf.acme.test", "TXT"), "SPF")),
    row("SES609", "ptr", zoned({"_spf.acme.test TXT": "v=spf1 ptr -all"}, spf=f"v=spf1 include:_spf.acme.test {SES} -all"),
        (("_spf.acme.test", "TXT"), "SPF")),
    row("SES609", "type99", zoned({"acme.test SPF": f"v=spf1 {SES} -all"}), (("acme.test", "SPF"), "the obsolete SPF record type")),
    row("SES610", "apex", zoned({}, spf=f"v=spf1 -all {SES}"), apex()),
    row("SES610", "mail-from", mail_from_row(MF_DOMAIN, spf=f"v=spf1 ~all {SES}"), ((MF_DOMAIN, "TXT"), f"MAIL FROM SPF of `{MF_DOMAIN}`")),
    row("SES628", "dmarc", conflict_row, (("_dmarc.acme.test", "CNAME"), "the TXT/CNAME conflict check")),
    row("SES629", "apex", zoned({}, spf=BIG), apex()),
    row("SES629", "include", zoned({"big.acme.test TXT": BIG}, spf=f"v=spf1 include:big.acme.test {SES} -all"), (("big.acme.test", "TXT"), "SPF")),
    # p=reject and no _domainkey: SES611 and SES626 both hang on `_domainkey.<domain> TXT`
    row("SES611", "domainkey", lambda f: sender(dkim=no_dkim(f)), (("_domainkey.acme.test", "TXT"), "DKIM")),
    row("SES611", "domainkey-parent", lambda f: sender("mail.acme.test", dmarc="v=DMARC1; p=none", dkim=no_dkim(f, "mail.acme.test", ["acme.test"])),
        (("_domainkey.acme.test", "TXT"), "DKIM")),
    row("SES611", "selector", selector_row("absent"), (("absent._domainkey.acme.test", "CNAME"), "DKIM")),
    row("SES611", "selector-txt", selector_row("absent"), (("absent._domainkey.acme.test", "TXT"), "DKIM")),
    row("SES611", "token", tokens_row({"tok1": "tok1.dkim.amazonses.com", "tok2": "tok2.dkim.amazonses.com", "tok3": ""}),
        (("tok3._domainkey.acme.test", "CNAME"), "DKIM")),
    row("SES612", "token", tokens_row({"tok1": "tok1.dkim.amazonses.com", "tok2": "tok9.dkim.amazonses.com", "tok3": "tok3.dkim.amazonses.com"}),
        (("tok2._domainkey.acme.test", "CNAME"), "DKIM")),
    row("SES612", "selector", selector_row("wrongses", cname=answer("wrongses._domainkey.acme.test", "CNAME", ["other.dkim.amazonses.com"])),
        (("wrongses._domainkey.acme.test", "CNAME"), "DKIM")),
    row("SES613", "selector", selector_row("s512", txt=KEY_512), (("s512._domainkey.acme.test", "TXT"), "DKIM")),
    row("SES613", "selector-cname", selector_row("s512", txt=KEY_512), (("s512._domainkey.acme.test", "CNAME"), "DKIM")),
    row("SES614", "selector", selector_row("testing", txt=KEY_TESTING), (("testing._domainkey.acme.test", "TXT"), "DKIM")),
    row("SES621", "walk", zoned({}, dmarc=None), (("_dmarc.acme.test", "TXT"), "DMARC"), (("_dmarc.test", "TXT"), "DMARC")),
    row("SES621", "parent", zoned({}, dmarc=None), (("_dmarc.test", "TXT"), "DMARC")),
    row("SES622", "record", zoned({}, dmarc="v=DMARC1; p=block"), (("_dmarc.acme.test", "TXT"), "DMARC")),
    row("SES622", "lookalike", zoned({}, dmarc="p=reject; v=DMARC1"), (("_dmarc.acme.test", "TXT"), "DMARC")),
    row("SES623", "record", zoned({"_dmarc.acme.test TXT": ["v=DMARC1; p=reject", "v=DMARC1; p=none"]}), (("_dmarc.acme.test", "TXT"), "DMARC")),
    row("SES624", "record", zoned({}, dmarc="v=DMARC1; p=none"), (("_dmarc.acme.test", "TXT"), "DMARC")),
    # the policy is the parent's (sp=none), but the subdomain's own _dmarc could not be read: it might override
    row("SES624", "below-policy", zoned({"_dmarc.acme.test TXT": "v=DMARC1; p=reject; sp=none"}, domain="mail.acme.test", dmarc=None),
        (("_dmarc.mail.acme.test", "TXT"), "DMARC")),
    row("SES625", "authorization", zoned({}, dmarc="v=DMARC1; p=reject; rua=mailto:d@reports.test"),
        (("acme.test._report._dmarc.reports.test", "TXT"), "DMARC report authorization")),
    row("SES626", "domainkey", lambda f: sender(dkim=no_dkim(f)), (("_domainkey.acme.test", "TXT"), "DKIM")),
    row("SES626", "dmarc", lambda f: sender(zone=f.zone(clean_zone("acme.test")), dkim=no_dkim(f)), (("_dmarc.acme.test", "TXT"), "DMARC")),
    # a custom MAIL FROM whose MX could not be read might align SPF: DMARC's outcome is unknown
    row("SES626", "mail-from-mx", mail_from_row(MF_DOMAIN, mx="mail.acme.test", no_dkim_at_apex=True), ((MF_DOMAIN, "MX"), f"MAIL FROM MX of `{MF_DOMAIN}`")),
    row("SES626", "mail-from-spf", mail_from_row(MF_DOMAIN, spf="v=spf1 -all", no_dkim_at_apex=True), ((MF_DOMAIN, "TXT"), f"MAIL FROM SPF of `{MF_DOMAIN}`")),
    row("SES626", "token", lambda f: sender(hints=TOKENS, dkim=dkim_aws("acme.test", {"tok1": f("tok1._domainkey.acme.test", "CNAME", nodata("tok1._domainkey.acme.test", "CNAME"))})),
        (("tok1._domainkey.acme.test", "CNAME"), "DKIM")),
    row("SES627", "record", zoned({}, dmarc="v=DMARC1; p=quarantine; pct=50"), (("_dmarc.acme.test", "TXT"), "DMARC")),
    row("SES631", "mx", mail_from_row("bad.acme.test", mx="mail.acme.test", spf="v=spf1 -all"), (("bad.acme.test", "MX"), "MAIL FROM MX of `bad.acme.test`")),
    row("SES632", "apex", mail_from_row("bad.acme.test", mx="mail.acme.test", spf="v=spf1 -all"), (("bad.acme.test", "TXT"), "MAIL FROM SPF of `bad.acme.test`")),
    row("SES632", "include", mail_from_row("inc.acme.test", spf="v=spf1 include:_spf.acme.test ~all", records={"_spf.acme.test TXT": "v=spf1 ip4:192.0.2.0/24 -all"}),
        (("_spf.acme.test", "TXT"), "MAIL FROM SPF of `inc.acme.test`")),
    row("SES633", "mx", mail_from_row(MF_DOMAIN, hints=DnsHints(identity_domain="acme.test")), ((MF_DOMAIN, "MX"), f"MAIL FROM MX of `{MF_DOMAIN}`")),
    row("SES633", "spf", mail_from_row(MF_DOMAIN, hints=DnsHints(identity_domain="acme.test")), ((MF_DOMAIN, "TXT"), f"MAIL FROM SPF of `{MF_DOMAIN}`")),
]

# A fault ABOVE the policy record: RFC 9989 §4.10.2 takes the Organizational Domain from every level of
# the walk (the valid record with the fewest labels). With `_dmarc.acme.test` unread it is unknown, so
# the rules that read it (relaxed alignment in SES626, "external" report destinations in SES625) stay
# silent, and SES640 names the lookup.
ABOVE = {
    "SES625": lambda f: sender("mail.acme.test", f.zone(clean_zone("mail.acme.test", dmarc="v=DMARC1; p=reject; rua=mailto:d@acme.test",
                                                                   more={"_dmarc.acme.test TXT": "v=DMARC1; p=none"}))),
    "SES626": lambda f: sender("mail.acme.test", f.zone(clean_zone("mail.acme.test", more={"_dmarc.acme.test TXT": "v=DMARC1; p=none"})),
                               dkim=dkim_dns("mail.acme.test", {"mail.acme.test": "nxdomain", "acme.test": "nodata"})),
}
ROWS += [row(rule, "above-the-policy", build, (("_dmarc.acme.test", "TXT"), "DMARC")) for rule, build in sorted(ABOVE.items())]
ABOVE_IDS = {f"{rule}-above-the-policy" for rule in ABOVE}


def test_every_dns_rule_has_a_row():
    dns_rules = {code for code, r in load_rules().items() if r.stage is Stage.DNS}
    assert {r.rule for r in ROWS} == dns_rules - {"SES640"}


@functools.lru_cache(maxsize=None)
def fault_free(case: Row) -> list:
    """The row's findings without a fault (the same for every column)."""
    return shown(run_all(case.build(Faulter(None, case.faulted))))


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("case", ROWS, ids=[r.id for r in ROWS])
def test_a_fault_silences_the_rule_and_ses640_names_it(case: Row, kind: str):
    before = fault_free(case)
    if case.id in ABOVE_IDS:
        assert before == [], before  # acme.test is the organizational domain: all aligned, all internal
        assert case.rule not in [code for code, _, _ in before]
    else:
        assert case.rule in [code for code, _, _ in before], f"{case.id}: the facts do not fire {case.rule}: {before}"
    assert "SES640" not in [code for code, _, _ in before]
    subject = case.build(Faulter(kind, case.faulted))
    findings = run_all(subject)
    after = shown(findings)
    assert case.rule not in [code for code, _, _ in after], f"{case.rule} fired on unknown facts: {after}"
    unknown = [f for f in findings if f.code == "SES640"]
    for (name, rtype), purpose in case.faulted:
        label = f"{name} {rtype}"
        named = [f for f in unknown if f.message.startswith(f"`{label}`:")]
        assert [f.message for f in named] == [f"`{label}`: could not be checked: {FAULT_WORDS[kind]}; not checked: {purpose}"], after
        assert named[0].severity.value == "error" and named[0].extra["group"] == label
    new = [item for item in after if item not in before and item[0] != "SES640" and item[0] not in case.unmasked]
    assert not new, f"findings that only the fault produced: {new}"


def test_ses640_reports_each_name_and_type_once_with_its_detail():
    """The apex TXT is also the SPF tree's top answer: one finding, the first purpose; the detail of the
    fault (a referral's servers, a timeout's budget) follows its words."""
    referral = fault("acme.test", "TXT", "referral", "referred to ns.nowhere.invalid")
    subject = sender(zone={"acme.test TXT": referral, "_dmarc.acme.test TXT": "v=DMARC1; p=none"})
    assert shown(run_all(subject)) == [
        ("SES624", "info", "`_dmarc.acme.test TXT`: `p=none`: DMARC only monitors; failing mail is still delivered"),
        ("SES640", "error", "`acme.test TXT`: could not be checked: the server answered with a referral, not an answer (a lame delegation): "
                            "referred to ns.nowhere.invalid; not checked: the domain's existence and its SPF"),
    ]


def test_ses640_names_each_of_several_faults():
    subject = sender(zone={"acme.test TXT": "servfail", "acme.test SPF": "servfail", "_dmarc.acme.test TXT": "timeout"},
                     dkim=dkim_dns("acme.test", {"acme.test": "refused"}))
    assert [f.message.split("`")[1] for f in run("SES640", subject)] == ["acme.test TXT", "acme.test SPF", "_dmarc.acme.test TXT", "_domainkey.acme.test TXT"]


def test_no_fault_no_ses640():
    assert run("SES640", sender()) == []


@pytest.mark.parametrize("kind", FAULTS)
def test_a_failed_wildcard_probe_is_reported_as_not_checked(kind: str):
    """The gatherer's wildcard probe (a random name beside `_domainkey.<d>`, RFC 4592 §2.2) can fail: then
    whether the node exists is unknown, SES611 and SES626 stay silent, and SES640 names the probe as the
    wildcard it stands for (no random label in a finding) and the node it was for (fails before)."""
    node = answer("_domainkey.acme.test", "TXT", ["v=spf1 -all"])
    subject = sender(dkim=dkim_dns("acme.test", {"acme.test": node}, wildcard={"_domainkey.acme.test": None}, probe=kind))
    assert run("SES611", subject) == [] and run("SES626", subject) == []
    (finding,) = run("SES640", subject)
    assert finding.message == (f"`*.acme.test TXT`: could not be checked: {FAULT_WORDS[kind]}; not checked: DKIM: whether "
                               "`_domainkey.acme.test` exists or only a wildcard answers for it (RFC 4592 §2.2; a random name beside it was asked)")
    assert finding.extra["group"] == "*.acme.test TXT"


@pytest.mark.parametrize("kind", FAULTS)
def test_a_fault_in_the_destinations_walk_is_not_checked(kind: str):
    """A fault in a report destination's own tree walk (RFC 9989 §4.10.2) makes its Organizational Domain
    unknown: whether it is external is not checked, so no SES625 (it was taken as external before, a false
    SES625 for an internal destination) and SES640 names the failed lookup (silent before)."""
    records = {"_dmarc.acme.test TXT": "v=DMARC1; p=reject; rua=mailto:d@reports.acme.test"}
    assert shown(run_all(sender(zone=clean_zone("acme.test", dmarc=None, more=records)))) == []  # reports.acme.test is internal
    subject = sender(zone=clean_zone("acme.test", dmarc=None, more={**records, "_dmarc.reports.acme.test TXT": kind}))
    assert subject.facts.dmarc.authorizations == ()  # no authorization asked: external is unknown
    assert shown(run_all(subject)) == [
        ("SES640", "error", f"`_dmarc.reports.acme.test TXT`: could not be checked: {FAULT_WORDS[kind]}; not checked: DMARC report "
                            "authorization: whether `reports.acme.test` is another organization's (its Organizational Domain, RFC 9989 §4.10.2)")]


def test_a_fault_in_the_walk_of_a_destination_outside_the_organization_changes_nothing():
    """A destination's Organizational Domain is itself or an ancestor (RFC 9989 §4.10.2), so `reports.test`
    is another organization than `acme.test` whatever its walk says: its authorization is still asked, and
    the failed lookup was needed for nothing, so SES640 does not name it."""
    dmarc = "v=DMARC1; p=reject; rua=mailto:d@reports.test"
    assert shown(run_all(sender(dmarc=dmarc, records={"_dmarc.reports.test TXT": "timeout"}))) == shown(run_all(sender(dmarc=dmarc))) == [
        ("SES625", "warning", "`acme.test._report._dmarc.reports.test TXT`: `rua` sends reports to `reports.test`, which has not authorized "
                              "them (no `v=DMARC1` record at `acme.test._report._dmarc.reports.test`): no reports will arrive there")]


def test_an_unknown_organizational_domain_gives_no_verdict_for_either_rfc():
    """The `from` domain's own record is both RFCs' policy, but `_dmarc.acme.test` could not be read, so
    RFC 9989's Organizational Domain is unknown: SES626 says nothing, not even RFC 7489 receivers'
    verdict, which would read as if RFC 9989 receivers passed the mail."""
    zone = clean_zone("mail.acme.test", more={"_dmarc.acme.test TXT": "servfail"})
    subject = sender("mail.acme.test", zone, dkim=dkim_dns("mail.acme.test", {"mail.acme.test": "nxdomain", "acme.test": "nxdomain"}))
    assert subject.facts.dmarc.organizational_domain is None and subject.facts.dmarc.legacy_record is not None
    assert [code for code, _, _ in shown(run_all(subject))] == ["SES611", "SES640"]


def test_a_lookup_count_with_a_fault_is_a_lower_bound_reported_once_it_reaches_the_threshold():
    """SES604's docstring: when a lookup failed, the count is a lower bound, reported only if it already
    reaches the threshold (an error past 10, a warning from 8), as "at least"."""
    ses = f"v=spf1 {SES} -all"
    chain = {f"l{n}.acme.test TXT": f"v=spf1 include:l{n + 1}.acme.test -all" for n in range(1, 11)}
    over = sender(spf="v=spf1 include:l1.acme.test include:gone.acme.test -all", records={**chain, "l11.acme.test TXT": ses, "gone.acme.test TXT": "timeout"})
    assert shown(run("SES604", over)) == [
        ("SES604", "error", "`acme.test TXT`: the SPF record needs at least 13 DNS lookups, over the limit of 10: receivers return permerror; "
                            "the 11th lookup is `include:l11.acme.test` in `l10.acme.test` (reached by `include:l1.acme.test` -> "
                            "`include:l2.acme.test` -> ... -> `include:l10.acme.test`)")]
    short = {key: value for key, value in chain.items() if int(key.split(".")[0][1:]) < 7}
    near = sender(spf="v=spf1 include:l1.acme.test include:gone.acme.test -all", records={**short, "l7.acme.test TXT": ses, "gone.acme.test TXT": "timeout"})
    assert shown(run("SES604", near)) == [("SES604", "warning", "`acme.test TXT`: the SPF record needs at least 9 of the 10 DNS lookups allowed")]
    below = sender(spf="v=spf1 include:l1.acme.test include:gone.acme.test -all", records={"l1.acme.test TXT": ses, "gone.acme.test TXT": "timeout"})
    assert run("SES604", below) == []  # 3 known: the unread include could hold any number
    assert [f.message.split("`")[1] for f in run("SES640", below)] == ["gone.acme.test TXT"]
