"""Faults are facts: SERVFAIL, REFUSED, timeouts, truncation and slow answers from a dnslib server on
loopback that counts every query, so that "each name and type is asked once" is asserted, not hoped."""
from __future__ import annotations

import time

from dnsfixtures import codes, run_dns, write_config

CLEAN = (
    '{d}. TXT "v=spf1 include:_spf.shared.test include:amazonses.com -all"\n'
    '_dmarc.{d}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{d}"\n'
    "tok1._domainkey.{d}. CNAME tok1.dkim.amazonses.com.\n"
)
SHARED = '_spf.shared.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'


def zone(*domains: str) -> str:
    return SHARED + "".join(CLEAN.format(d=domain) for domain in domains)


def test_each_name_and_type_is_asked_once_across_providers_and_files(tmp_path, faults):
    faults.resolver.reset(zone("one.test", "two.test"))
    first = write_config(tmp_path, ("a", "a@one.test"), ("b", "b@two.test"), name="first.yaml")
    second = write_config(tmp_path, ("c", "Ops <c@one.test>"), ("d", "d@two.test"), name="second.yaml")
    report = run_dns([first, second], faults, mail_from=["one.test"], dkim_selectors=["tok1"])
    assert codes(report) == ["SES631", "SES631"]  # one.test as MAIL FROM has no MX: for a and c
    counts = faults.resolver.counts
    assert counts and max(counts.values()) == 1, {key: n for key, n in counts.items() if n > 1}
    assert faults.resolver.count("_spf.shared.test", "TXT") == 1
    assert faults.resolver.count("amazonses.com", "TXT") == 1
    assert faults.resolver.count("_dmarc.test", "TXT") == 1
    assert faults.resolver.count("one.test", "TXT") == 1  # for SPF of the from domain and of the MAIL FROM


def test_edns_payload_is_1232(tmp_path, faults):
    faults.resolver.reset(zone("one.test"))
    run_dns(write_config(tmp_path, ("a", "a@one.test")), faults)
    assert faults.resolver.payloads and set(faults.resolver.payloads) == {1232}


def test_servfail_is_reported_and_spf_rules_stay_silent(tmp_path, faults):
    faults.resolver.reset("_dmarc.sf.test. TXT \"v=DMARC1; p=none\"\n", faults={"sf.test": "servfail"})
    report = run_dns(write_config(tmp_path, ("a", "a@sf.test")), faults)
    unknown = [f for f in report.findings if f.code == "SES640"]
    labels = sorted(f.message.split("`")[1] for f in unknown)
    assert labels == ["sf.test SPF", "sf.test TXT"]
    assert all("SERVFAIL" in f.message and (f.line, f.column) == (7, 13) for f in unknown)
    assert "SPF" in next(f.message for f in unknown if "sf.test TXT" in f.message)
    assert not {"SES600", "SES601", "SES602", "SES603", "SES604", "SES606", "SES607"} & set(codes(report))
    assert "SES624" in codes(report)  # the DMARC facts are known: their rules still speak


def test_refused_dmarc_lookup_silences_dmarc_missing(tmp_path, faults):
    faults.resolver.reset('rf.test. TXT "v=spf1 include:amazonses.com -all"\ntok1._domainkey.rf.test. CNAME tok1.dkim.amazonses.com.\n',
                          faults={("_dmarc.rf.test", "TXT"): "refused"})
    report = run_dns(write_config(tmp_path, ("a", "a@rf.test")), faults)
    assert codes(report) == ["SES640"]
    message = report.findings[0].message
    assert "`_dmarc.rf.test TXT`" in message and "REFUSED" in message and "DMARC" in message


def test_timeout_silences_dkim_rules(tmp_path, faults):
    faults.resolver.reset('to.test. TXT "v=spf1 include:amazonses.com -all"\n_dmarc.to.test. TXT "v=DMARC1; p=reject"\n',
                          faults={"_domainkey.to.test": "timeout"})
    started = time.monotonic()
    report = run_dns(write_config(tmp_path, ("a", "a@to.test")), faults, timeout=0.4)
    assert time.monotonic() - started < 2.0
    assert codes(report) == ["SES640"]  # neither SES611 nor SES626: their facts are unknown
    assert "`_domainkey.to.test TXT`" in report.findings[0].message and "timed out" in report.findings[0].message


def test_fault_inside_an_include(tmp_path, faults):
    faults.resolver.reset(zone("inc.test"), faults={"_spf.shared.test": "servfail"})
    report = run_dns(write_config(tmp_path, ("a", "a@inc.test")), faults)
    assert codes(report) == ["SES640"]
    assert "`_spf.shared.test TXT`" in report.findings[0].message


def test_truncated_udp_answer_is_retried_over_tcp(tmp_path, faults):
    faults.resolver.reset(zone("tc.test"), faults={("tc.test", "TXT"): "truncate"})
    report = run_dns(write_config(tmp_path, ("a", "a@tc.test")), faults)
    assert report.findings == []
    key = ("tc.test", "TXT")
    assert faults.resolver.by_proto[(key, "udp")] == 1 and faults.resolver.by_proto[(key, "tcp")] == 1


def test_slow_answer_within_the_timeout(tmp_path, faults):
    faults.resolver.reset(zone("slow.test"), faults={("slow.test", "TXT"): 0.3})
    assert run_dns(write_config(tmp_path, ("a", "a@slow.test")), faults, timeout=2.0).findings == []


def test_the_stage_as_a_whole_is_bounded(tmp_path, faults):
    faults.resolver.reset(zone("a.test"), delay=0.25)
    senders = [(f"p{n}", f"x@d{n}.test") for n in range(4)]
    started = time.monotonic()
    report = run_dns(write_config(tmp_path, *senders), faults, timeout=0.2)
    elapsed = time.monotonic() - started
    assert elapsed < 0.2 * 6 + 1.5
    assert set(codes(report)) == {"SES640"}


def test_dmarc_tree_walk_asks_at_most_eight_names(tmp_path, faults):
    deep = "a.b.c.d.e.f.g.h.deep.test"
    faults.resolver.reset(f'{deep}. TXT "v=spf1 include:amazonses.com -all"\n_dmarc.deep.test. TXT "v=DMARC1; p=none"\n')
    report = run_dns(write_config(tmp_path, ("a", f"a@{deep}")), faults, select=["SES621", "SES624"])
    asked = sorted(name for (name, rtype) in faults.resolver.counts if name.startswith("_dmarc.") and rtype == "TXT")
    assert len(asked) == 8
    assert f"_dmarc.{deep}" in asked and "_dmarc.d.e.f.g.h.deep.test" in asked and "_dmarc.test" in asked
    assert codes(report) == ["SES624"]
    assert "`_dmarc.deep.test TXT`" in report.findings[0].message


def test_a_lost_query_is_sent_again_within_its_budget(tmp_path, faults):
    faults.resolver.reset(zone("lost.test"), faults={("lost.test", "TXT"): "drop-once"})
    started = time.monotonic()
    report = run_dns(write_config(tmp_path, ("a", "a@lost.test")), faults, timeout=2.0)
    assert report.findings == []  # answered on the second try: no SES640
    assert faults.resolver.count("lost.test", "TXT") == 2
    assert time.monotonic() - started < 2.0  # the retry came after a fifth of the budget, not at its end


def test_a_failed_wildcard_probe_is_named_by_ses640(tmp_path, faults):
    """`_domainkey.wp.test` answers with records, so the gatherer probes a random name beside it for a
    wildcard (RFC 4592 §2.2); the probe gets SERVFAIL: whether the node exists is unknown, so SES611 and
    SES626 stay silent and SES640 names the wildcard the probe stands for (fails before: nothing said)."""
    faults.resolver.reset('wp.test. TXT "v=spf1 include:amazonses.com -all"\n_dmarc.wp.test. TXT "v=DMARC1; p=reject"\n'
                          '_domainkey.wp.test. TXT "v=spf1 -all"\n', faults={"ses-lint-*.wp.test": "servfail"})
    report = run_dns(write_config(tmp_path, ("a", "a@wp.test")), faults)
    assert [(f.code, f.message, f.line, f.column) for f in report.findings] == [
        ("SES640", "`*.wp.test TXT`: could not be checked: the server failed (SERVFAIL); not checked: DKIM: whether `_domainkey.wp.test` "
                   "exists or only a wildcard answers for it (RFC 4592 §2.2; a random name beside it was asked)", 7, 13)]
    probes = [name for name, rtype in faults.resolver.counts if name.startswith("ses-lint-")]
    assert len(probes) == 1 and faults.resolver.count(probes[0], "TXT") == 1  # asked once: the fact reads the cached answer


def test_a_fault_in_a_report_destinations_walk_is_not_checked(tmp_path, faults):
    """`reports.dst.test` is internal to `dst.test` only if its own tree walk (RFC 9989 §4.10.2) says so;
    with `_dmarc.reports.dst.test` failing, that is unknown: no SES625 (a false one before), and SES640
    names the lookup (silent before)."""
    records = CLEAN.format(d="dst.test").replace("rua=mailto:dmarc@dst.test", "rua=mailto:d@reports.dst.test") + SHARED
    faults.resolver.reset(records, faults={("_dmarc.reports.dst.test", "TXT"): "servfail"})
    report = run_dns(write_config(tmp_path, ("a", "a@dst.test")), faults)
    assert [(f.code, f.message) for f in report.findings] == [
        ("SES640", "`_dmarc.reports.dst.test TXT`: could not be checked: the server failed (SERVFAIL); not checked: DMARC report "
                   "authorization: whether `reports.dst.test` is another organization's (its Organizational Domain, RFC 9989 §4.10.2)")]
    assert faults.resolver.count("dst.test._report._dmarc.reports.dst.test", "TXT") == 0
    faults.resolver.reset(records)
    assert run_dns(write_config(tmp_path, ("a", "a@dst.test")), faults).findings == []  # internal: nothing to authorize
