"""The DNS fault matrix (issue 5, item 4), on the wire: every kind of DNS fault, at every place the
collector reads an answer from, against the dnslib fault server on loopback.

Each row of `ROWS` is a zone that fires one rule, and the name(s) and type(s) that rule needs. The
verdict of every rule on every fault kind is tested on facts built by hand (test_unknowns_on_facts.py,
which has a row for each of these and more); here the collector is tested once per place it reads:
`WIRE` picks one row per place (the apex TXT, an include's TXT, a redirect's TXT, an `mx` term's MX,
the SPF RR type, the TXT/CNAME check, `_domainkey`, a selector's CNAME and TXT, an Easy DKIM token,
the DMARC tree walk, a level below the policy, a report authorization, a MAIL FROM's MX, TXT and
include, a large TXT), and every fault kind runs at each of them, except the two that only wait
(`timeout`, `slow`), which run at the five places in `TIMED`. Each column is a fault injected on
exactly the row's names:

- hard faults (`timeout`: no reply at all, `servfail`, `refused`, and `truncate-tcp-down`: a truncated
  UDP answer from a server whose TCP port is closed, so the retry over TCP fails): the rule must NOT fire, and it must
  not pass silently either: SES640 names every faulted `name TYPE`, at the provider's `from`. Nothing
  else may appear that the fault-free run did not report, except the codes a row lists in `unmasked`
  (facts that the fault made relevant and that were themselves read, explained per row).
- soft faults (`truncate`: UDP answer with TC=1, so the resolver must retry over TCP; `slow`: an answer
  well within `--timeout`): the findings are exactly those of the fault-free run, and no SES640.

Every run happens in a worker thread that must finish within a bound derived from `--timeout` (the
DNS stage's own deadline is 6 lookups' worth): `Thread.join(bound)`, then `is_alive()` decides; no
wall-clock arithmetic in the assertions. All traffic goes to 127.0.0.1.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Optional

import pytest
from dnsfixtures import FROM_COLUMN, FROM_LINE, rsa_spki, run_dns, txt, write_config

from ses_lint.collect.dns.resolver import STAGE_TIMEOUT_FACTOR
from ses_lint.facts.hints import DnsHints

HARD_TIMEOUT = 0.3  # --timeout for the hard faults: the `timeout` column waits this long per lookup
SOFT_TIMEOUT = 2.0  # --timeout for the soft faults: generous, the answers must arrive
SLOW = 0.15  # seconds the `slow` column delays each faulted answer (well within SOFT_TIMEOUT)
SLACK = 3.0  # seconds beyond the stage deadline for everything that is not DNS (loading, rules)

SES = "include:amazonses.com"
DKIM = "tok1._domainkey.{d}. CNAME tok1.dkim.amazonses.com.\n"
DMARC_REJECT = '_dmarc.{d}. TXT "v=DMARC1; p=reject"\n'


def clean(domain: str, spf: str = f"v=spf1 {SES} -all") -> str:
    """A domain with nothing to report (SPF with SES, DMARC reject, an Easy DKIM CNAME), SPF replaceable."""
    return f'{domain}. TXT "{spf}"\n' + DMARC_REJECT.format(d=domain) + DKIM.format(d=domain)


def spf_dmarc(domain: str, spf: str = f"v=spf1 {SES} -all") -> str:
    """SPF and the DKIM CNAME, no DMARC record (for the DMARC rows, which bring their own)."""
    return f'{domain}. TXT "{spf}"\n' + DKIM.format(d=domain)


def generic_txt(text: str) -> str:
    """TXT-shaped rdata in RFC 3597 generic syntax (dnslib's zone parser has no SPF (99) type of its own)."""
    data = bytes([len(text)]) + text.encode()
    return f"\\# {len(data)} {data.hex()}"


@dataclass(frozen=True)
class Row:
    rule: str
    variant: str
    zone: str
    sender: str
    faults: tuple[tuple[str, str], ...]  # (name, TYPE): where the fault is injected, what SES640 must name
    options: dict = field(default_factory=dict)
    hints: Optional[DnsHints] = None  # DNS hints as the aws stage would give them (Easy DKIM tokens)
    unmasked: frozenset = frozenset()  # codes the fault may legitimately add (see the row's comment)

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.variant}"


def row(rule, variant, zone, sender, *faults, unmasked=(), hints=None, **options) -> Row:
    return Row(rule, variant, zone, sender, tuple(faults), options, hints, frozenset(unmasked))


TOKENS = DnsHints(identity_domain="tokens.test", dkim_tokens=("tok1", "tok2", "tok3"),
                  signing_hosted_zone="dkim.amazonses.com", region="eu-west-1")
KEYS = (
    f's512._domainkey.keys.test. TXT {txt("v=DKIM1; k=rsa; p=" + rsa_spki(512))}\n'
    f'testing._domainkey.keys.test. TXT {txt("v=DKIM1; t=y; p=" + rsa_spki(2048))}\n'
    "wrongses._domainkey.keys.test. CNAME other.dkim.amazonses.com.\n"
)
MAIL_FROM = (
    "bad.mf.test. MX 10 mail.mf.test.\n"
    'bad.mf.test. TXT "v=spf1 -all"\n'
    "inc.mf.test. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"
    'inc.mf.test. TXT "v=spf1 include:_spf.mf.test ~all"\n'
    '_spf.mf.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
)

# rule, variant, zone, sender, faulted (name, TYPE)..., options
ROWS = [
    # A missing domain silences the other rules; once its apex TXT is unknown, the rules whose own
    # names answered NXDOMAIN (_domainkey: SES611; _dmarc: SES621) speak from those facts.
    row("SES600", "apex", "", "a@nothere.test", ("nothere.test", "TXT"), unmasked={"SES611", "SES621"}),
    row("SES601", "apex", clean("nospf.test", "google-site-verification=abc"), "a@nospf.test", ("nospf.test", "TXT")),
    row("SES602", "apex", clean("multi.test") + 'multi.test. TXT "v=spf1 -all"\n', "a@multi.test", ("multi.test", "TXT")),
    row("SES603", "apex", clean("badsyntax.test", f"v=spf1 {SES} ip4:192.0.2.300 -all"), "a@badsyntax.test",
        ("badsyntax.test", "TXT")),
    row("SES603", "include", clean("inclnone.test", f"v=spf1 include:nospf.inclnone.test {SES} -all")
        + 'nospf.inclnone.test. TXT "not spf"\n', "a@inclnone.test", ("nospf.inclnone.test", "TXT")),
    # the count is a lower bound once a lookup failed: failing the first include leaves 1 of 12
    row("SES604", "include-chain", clean("lim.test", "v=spf1 include:l1.lim.test -all")
        + "".join(f'l{n}.lim.test. TXT "v=spf1 include:l{n + 1}.lim.test -all"\n' for n in range(1, 11))
        + f'l11.lim.test. TXT "v=spf1 {SES} -all"\n', "a@lim.test", ("l1.lim.test", "TXT")),
    row("SES605", "void-mx", clean("void.test", f"v=spf1 a:gone1.void.test a:gone2.void.test mx:gone3.void.test {SES} -all"),
        "a@void.test", ("gone3.void.test", "MX")),
    row("SES606", "apex", clean("plusall.test", f"v=spf1 {SES} +all"), "a@plusall.test", ("plusall.test", "TXT")),
    row("SES606", "redirect", clean("redir.test", "v=spf1 redirect=_spf.redir.test") + '_spf.redir.test. TXT "v=spf1 +all"\n',
        "a@redir.test", ("_spf.redir.test", "TXT")),
    row("SES607", "apex", clean("noses.test", "v=spf1 ip4:192.0.2.0/24 -all"), "a@noses.test", ("noses.test", "TXT")),
    row("SES607", "include", clean("noses2.test", "v=spf1 include:_spf.noses2.test -all")
        + '_spf.noses2.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"\n', "a@noses2.test", ("_spf.noses2.test", "TXT")),
    row("SES608", "include", clean("loop.test", f"v=spf1 include:_spf.loop.test {SES} -all")
        + '_spf.loop.test. TXT "v=spf1 include:loop.test -all"\n', "a@loop.test", ("_spf.loop.test", "TXT")),
    row("SES609", "ptr", clean("ptr.test", f"v=spf1 include:_spf.ptr.test {SES} -all")
        + '_spf.ptr.test. TXT "v=spf1 ptr -all"\n', "a@ptr.test", ("_spf.ptr.test", "TXT")),
    row("SES609", "type99", clean("type99.test") + f"type99.test. SPF {generic_txt(f'v=spf1 {SES} -all')}\n", "a@type99.test",
        ("type99.test", "SPF")),
    row("SES610", "apex", clean("after.test", f"v=spf1 -all {SES}"), "a@after.test", ("after.test", "TXT"), unmasked={"SES607"}),
    row("SES628", "dmarc", spf_dmarc("conf.test") + DMARC_REJECT.format(d="conf.test") + "_dmarc.conf.test. CNAME _dmarc.other.test.\n",
        "a@conf.test", ("_dmarc.conf.test", "CNAME")),
    row("SES629", "apex", f"big.test. TXT {txt('v=spf1 ' + ' '.join(f'ip4:192.0.2.{n}' for n in range(1, 40)) + ' -all')}\n"
        + DMARC_REJECT.format(d="big.test") + DKIM.format(d="big.test"), "a@big.test", ("big.test", "TXT"), unmasked={"SES607"}),
    # p=reject and no _domainkey: SES611 and SES626 both hang on `_domainkey.<domain> TXT`
    row("SES611", "domainkey", f'nodkim.test. TXT "v=spf1 {SES} -all"\n' + DMARC_REJECT.format(d="nodkim.test"),
        "a@nodkim.test", ("_domainkey.nodkim.test", "TXT")),
    row("SES611", "selector", clean("keys.test") + KEYS, "a@keys.test", ("absent._domainkey.keys.test", "CNAME"),
        dkim_selectors=["absent"]),
    row("SES611", "token", clean("tokens.test") + "tok2._domainkey.tokens.test. CNAME tok2.dkim.amazonses.com.\n", "a@tokens.test", ("tok3._domainkey.tokens.test", "CNAME"), hints=TOKENS),
    row("SES612", "token", clean("tokens.test") + "tok2._domainkey.tokens.test. CNAME tok9.dkim.amazonses.com.\n"
        + "tok3._domainkey.tokens.test. CNAME tok3.dkim.amazonses.com.\n", "a@tokens.test",
        ("tok2._domainkey.tokens.test", "CNAME"), hints=TOKENS),
    row("SES612", "selector", clean("keys.test") + KEYS, "a@keys.test", ("wrongses._domainkey.keys.test", "CNAME"),
        dkim_selectors=["wrongses"]),
    row("SES613", "selector", clean("keys.test") + KEYS, "a@keys.test", ("s512._domainkey.keys.test", "TXT"),
        dkim_selectors=["s512"]),
    row("SES614", "selector", clean("keys.test") + KEYS, "a@keys.test", ("testing._domainkey.keys.test", "TXT"),
        dkim_selectors=["testing"]),
    row("SES621", "walk", spf_dmarc("nodmarc.test"), "a@nodmarc.test", ("_dmarc.nodmarc.test", "TXT"), ("_dmarc.test", "TXT")),
    row("SES621", "parent", spf_dmarc("nodmarc.test"), "a@nodmarc.test", ("_dmarc.test", "TXT")),
    row("SES622", "record", spf_dmarc("baddmarc.test") + '_dmarc.baddmarc.test. TXT "v=DMARC1; p=block"\n', "a@baddmarc.test",
        ("_dmarc.baddmarc.test", "TXT")),
    row("SES623", "record", clean("twodmarc.test") + '_dmarc.twodmarc.test. TXT "v=DMARC1; p=none"\n', "a@twodmarc.test",
        ("_dmarc.twodmarc.test", "TXT")),
    row("SES624", "record", spf_dmarc("monitor.test") + '_dmarc.monitor.test. TXT "v=DMARC1; p=none"\n', "a@monitor.test",
        ("_dmarc.monitor.test", "TXT")),
    # the policy is the parent's (sp=none), but the subdomain's own _dmarc could not be read: it might override
    row("SES624", "below-policy", spf_dmarc("mail.org.test") + '_dmarc.org.test. TXT "v=DMARC1; p=reject; sp=none"\n'
        + DKIM.format(d="org.test"), "a@mail.org.test", ("_dmarc.mail.org.test", "TXT")),
    row("SES625", "authorization", spf_dmarc("extrua.test") + '_dmarc.extrua.test. TXT "v=DMARC1; p=reject; rua=mailto:d@reports.test"\n',
        "a@extrua.test", ("extrua.test._report._dmarc.reports.test", "TXT")),
    row("SES626", "domainkey", f'nodkim.test. TXT "v=spf1 {SES} -all"\n' + DMARC_REJECT.format(d="nodkim.test"),
        "a@nodkim.test", ("_domainkey.nodkim.test", "TXT")),
    row("SES626", "dmarc", f'nodkim.test. TXT "v=spf1 {SES} -all"\n' + DMARC_REJECT.format(d="nodkim.test"),
        "a@nodkim.test", ("_dmarc.nodkim.test", "TXT")),
    # a custom MAIL FROM whose MX could not be read might align SPF: DMARC's outcome is unknown
    row("SES626", "mail-from-mx", f'nodkim.test. TXT "v=spf1 {SES} -all"\n' + DMARC_REJECT.format(d="nodkim.test")
        + "bounce.nodkim.test. MX 10 mail.nodkim.test.\n" + f'bounce.nodkim.test. TXT "v=spf1 {SES} ~all"\n',
        "a@nodkim.test", ("bounce.nodkim.test", "MX"), mail_from=["bounce.nodkim.test"]),
    row("SES627", "record", spf_dmarc("pct.test") + '_dmarc.pct.test. TXT "v=DMARC1; p=quarantine; pct=50"\n', "a@pct.test",
        ("_dmarc.pct.test", "TXT")),
    row("SES631", "mx", clean("mf.test") + MAIL_FROM, "a@mf.test", ("bad.mf.test", "MX"), mail_from=["bad.mf.test"]),
    row("SES632", "apex", clean("mf.test") + MAIL_FROM, "a@mf.test", ("bad.mf.test", "TXT"), mail_from=["bad.mf.test"]),
    row("SES632", "include", clean("mf.test") + MAIL_FROM, "a@mf.test", ("_spf.mf.test", "TXT"), mail_from=["inc.mf.test"]),
    row("SES633", "mx", clean("deco.test") + "bounce.deco.test. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"
        + f'bounce.deco.test. TXT "v=spf1 {SES} ~all"\n', "a@deco.test", ("bounce.deco.test", "MX"),
        mail_from=["bounce.deco.test"], hints=DnsHints(identity_domain="deco.test", region="eu-west-1")),
]

HARD = ("timeout", "servfail", "refused", "truncate-tcp-down")
SOFT = ("truncate", "slow")
WAITING = ("timeout", "slow")  # the columns that wait for the clock: at the places in TIMED only
# One row per place the collector reads an answer from (the other rows read the same place: their
# rules' verdicts on every fault kind are in test_unknowns_on_facts.py).
WIRE = ("SES601-apex", "SES603-include", "SES606-redirect", "SES605-void-mx", "SES609-type99", "SES628-dmarc", "SES629-apex",
        "SES611-domainkey", "SES611-selector", "SES613-selector", "SES611-token", "SES621-walk", "SES624-below-policy",
        "SES625-authorization", "SES631-mx", "SES632-apex", "SES632-include")
TIMED = ("SES601-apex", "SES603-include", "SES611-domainkey", "SES621-walk", "SES631-mx")


def columns(kinds: tuple) -> list:
    """(row, fault) for the rows of WIRE, the waiting kinds only at the rows of TIMED."""
    return [pytest.param(case, fault, id=f"{case.id}-{fault}") for case in ROWS if case.id in WIRE for fault in kinds
            if fault not in WAITING or case.id in TIMED]
FAULT_VALUE: dict[str, Any] = {"timeout": "timeout", "servfail": "servfail", "refused": "refused", "truncate-tcp-down": "truncate",
                               "truncate": "truncate", "slow": SLOW}
DESCRIBED = {"timeout": "timed out", "servfail": "SERVFAIL", "refused": "REFUSED", "truncate-tcp-down": "the lookup failed"}
DNS_RULES = {"SES600", "SES601", "SES602", "SES603", "SES604", "SES605", "SES606", "SES607", "SES608", "SES609", "SES611",
             "SES612", "SES613", "SES614", "SES621", "SES622", "SES623", "SES624", "SES625", "SES626", "SES627", "SES631",
             "SES632", "SES610", "SES628", "SES629", "SES633"}


def test_the_matrix_covers_every_dns_rule():
    from test_unknowns_on_facts import ROWS as FACT_ROWS

    from ses_lint.core.findings import Stage
    from ses_lint.rules import load_rules

    catalogue = {code for code, r in load_rules().items() if r.stage is Stage.DNS and code != "SES640"}
    assert catalogue == DNS_RULES
    assert {r.rule for r in ROWS} == DNS_RULES
    assert {r.rule for r in FACT_ROWS} == DNS_RULES  # every rule's verdict on every fault kind, on facts
    assert set(WIRE) <= {r.id for r in ROWS} and set(TIMED) <= set(WIRE)
    wire = [r for r in ROWS if r.id in WIRE]  # every place is read by a wire row
    assert {rtype for r in wire for _, rtype in r.faults} == {rtype for r in ROWS for _, rtype in r.faults}


# -- running -----------------------------------------------------------------------------------------
def bounded_run(path: str, server, timeout: float, **options):
    """Lint in a worker thread that must finish within the DNS stage's deadline plus slack."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["report"] = run_dns(path, server, timeout=timeout, **options)
        except BaseException as error:  # re-raised in the test thread: a traceback is a failure
            outcome["error"] = error

    worker = threading.Thread(target=work, daemon=True, name="fault-matrix")
    worker.start()
    bound = timeout * STAGE_TIMEOUT_FACTOR + SLACK
    worker.join(bound)
    assert not worker.is_alive(), f"the DNS stage did not finish within {bound:g} s (--timeout {timeout:g})"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["report"]


def lint(case: Row, faults, tmp_path, monkeypatch, fault: Optional[str], timeout: float):
    if case.hints is not None:
        from ses_lint.collect.dns import gather as collect

        monkeypatch.setattr(collect, "_aws_hints",
                            lambda run: {(p.file, p.key): case.hints for p in run.subjects(collect.SesProvider)})
    injected = {key: FAULT_VALUE[fault] for key in case.faults} if fault else {}
    faults.resolver.reset(case.zone, faults=injected)
    path = write_config(tmp_path, ("email-ses", case.sender, "eu-west-1"))
    return bounded_run(path, faults, timeout, **case.options)


def shown(report) -> list[tuple]:
    return sorted((f.code, f.severity.value, f.message, f.line, f.column) for f in report.findings)


@pytest.fixture(scope="module")
def udp_only():
    """A second fault server whose TCP twin is closed: a truncated answer cannot be completed."""
    from dnsfixtures import FaultServer

    server = FaultServer()
    server.tcp.stop()
    server.tcp.server.server_close()
    yield server
    server.udp.stop()
    server.udp.server.server_close()


@pytest.fixture(scope="module")
def baselines() -> dict:
    """Each row's fault-free findings, found once for all of its columns (the fault-free run of a zone is
    the same run whichever fault the column injects next)."""
    return {}


@pytest.fixture
def baseline(faults, tmp_path, monkeypatch, baselines):
    """The fault-free findings of a row; the row's rule must fire in them (else the row proves nothing)."""

    def get(case: Row):
        if case.id not in baselines:
            baselines[case.id] = run_baseline(case)
        return baselines[case.id]

    def run_baseline(case: Row):
        report = lint(case, faults, tmp_path, monkeypatch, None, SOFT_TIMEOUT)
        fired = [f.code for f in report.findings]
        assert case.rule in fired, f"{case.id}: the zone does not fire {case.rule}: {shown(report)}"
        assert "SES640" not in fired, shown(report)
        return shown(report)

    return get


# -- the matrix --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case, fault", columns(HARD))
def test_hard_fault_silences_the_rule_and_is_reported(case, fault, faults, udp_only, baseline, tmp_path, monkeypatch):
    before = baseline(case)
    server = udp_only if fault == "truncate-tcp-down" else faults
    report = lint(case, server, tmp_path, monkeypatch, fault, HARD_TIMEOUT)
    fired = [f.code for f in report.findings]
    assert case.rule not in fired, f"{case.rule} fired on unknown facts: {shown(report)}"
    unknown = [f for f in report.findings if f.code == "SES640"]
    for name, rtype in case.faults:
        named = [f for f in unknown if f"`{name} {rtype}`" in f.message]
        assert named, f"no SES640 names `{name} {rtype}`: {shown(report)}"
        assert all(DESCRIBED[fault] in f.message and "not checked" in f.message for f in named), shown(report)
        assert all((f.line, f.column) == (FROM_LINE, FROM_COLUMN) for f in named)
    # nothing else appears that the fault-free run did not report (a fault is never a finding of its own)
    new = [item for item in shown(report) if item not in before and item[0] != "SES640" and item[0] not in case.unmasked]
    assert not new, f"findings that only the fault produced: {new}"


@pytest.mark.parametrize("case, fault", columns(SOFT))
def test_soft_fault_changes_nothing(case, fault, faults, baseline, tmp_path, monkeypatch):
    before = baseline(case)
    report = lint(case, faults, tmp_path, monkeypatch, fault, SOFT_TIMEOUT)
    assert shown(report) == before
    if fault == "truncate":
        for name, rtype in case.faults:
            key = (name, rtype)
            assert faults.resolver.by_proto[(key, "udp")] >= 1, f"`{name} {rtype}` was not asked"
            assert faults.resolver.by_proto[(key, "tcp")] >= 1, f"`{name} {rtype}` was not retried over TCP"


# -- a fault ABOVE the policy record ---------------------------------------------------------------------
# RFC 9989 §4.10.2 takes the organizational domain from every level of the walk (the valid record with
# the fewest labels). With `_dmarc.org.test` unread it is unknown, so the rules that read it (relaxed
# alignment in SES626, "external" report destinations in SES625) stay silent and SES640 names the lookup.
# On facts, for every fault kind: test_unknowns_on_facts.py (the `above-the-policy` rows); here once on the wire.
ABOVE = {
    "SES625": ('_dmarc.mail.org.test. TXT "v=DMARC1; p=reject; rua=mailto:d@org.test"\n'
               "tok1._domainkey.mail.org.test. CNAME tok1.dkim.amazonses.com.\n"),
    "SES626": ('_dmarc.mail.org.test. TXT "v=DMARC1; p=reject"\n'
               "tok1._domainkey.org.test. CNAME tok1.dkim.amazonses.com.\n"),
}
@pytest.mark.parametrize("fault", ("servfail",))
@pytest.mark.parametrize("rule", sorted(ABOVE))
def test_fault_above_the_policy_record_leaves_the_organizational_domain_unknown(rule, fault, faults, tmp_path):
    zone = f'mail.org.test. TXT "v=spf1 {SES} -all"\n_dmarc.org.test. TXT "v=DMARC1; p=none"\n' + ABOVE[rule]
    path = write_config(tmp_path, ("email-ses", "a@mail.org.test", "eu-west-1"))
    faults.resolver.reset(zone)
    assert bounded_run(path, faults, SOFT_TIMEOUT).findings == []  # org.test is the organizational domain: all aligned
    faults.resolver.reset(zone, faults={("_dmarc.org.test", "TXT"): FAULT_VALUE[fault]})
    report = bounded_run(path, faults, HARD_TIMEOUT)
    assert any("`_dmarc.org.test TXT`" in f.message for f in report.findings if f.code == "SES640")
    assert [f.code for f in report.findings] == ["SES640"], shown(report)
