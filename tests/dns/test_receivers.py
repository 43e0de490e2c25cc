"""Issue 11: the verdicts a receiver reaches, on zones served by NSD on loopback (the TXT/CNAME conflict,
which NSD refuses to load, by the dnslib fault server): DMARC policy discovery (RFC 9989 §4.10) beside
RFC 7489's, report destinations by Organizational Domain, wildcards (RFC 4592), SPF as evaluated (RFC
7208), referrals, IDNA 2008, decorative MAIL FROM, and the explained SPF tree."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dnsfixtures import FROM_COLUMN, FROM_LINE, Nsd, codes, run_dns, txt, write_config

from ses_lint.facts.hints import DnsHints

SES = "include:amazonses.com"
DKIM = "tok1._domainkey.{d}. CNAME tok1.dkim.amazonses.com.\n"
SCRIPT = shutil.which("ses-lint", path=str(Path(sys.executable).parent))

BIG2 = "v=spf1 " + " ".join(f"ip4:198.51.100.{n}" for n in range(10, 33)) + f" ip4:192.0.2.1 {SES} -all"  # 461 bytes
ZONE = (
    # RFC 9989 §4.10.1: the record at an intermediate name is not the policy (the example)
    f'alerts.mktg.corp.test. TXT "v=spf1 {SES} -all"\n'
    '_dmarc.mktg.corp.test. TXT "v=DMARC1; p=none"\n'
    '_dmarc.corp.test. TXT "v=DMARC1; p=reject; sp=reject"\n'
    # psd=n makes mktg.corp2.test the Organizational Domain; RFC 7489's PSL says corp2.test
    f'alerts.mktg.corp2.test. TXT "v=spf1 {SES} -all"\n'
    '_dmarc.mktg.corp2.test. TXT "v=DMARC1; p=none; psd=n"\n'
    '_dmarc.corp2.test. TXT "v=DMARC1; p=reject"\n'
    # a Public Suffix Domain's policy (psd=y) applies when the Organizational Domain has none; its rua
    # destination is another organization: dmarc.service.gov.test is not internal to gov.test
    f'town.gov.test. TXT "v=spf1 {SES} -all"\n' + DKIM.format(d="town.gov.test")
    + '_dmarc.gov.test. TXT "v=DMARC1; p=reject; psd=y; rua=mailto:d@dmarc.service.gov.test"\n'
    "dmarc.service.gov.test. MX 10 mx.service.gov.test.\n"
    # wildcards: _domainkey.wild.test answers only through *.wild.test
    "*.wild.test. TXT \"v=spf1 -all\"\n"
    f'wild.test. TXT "v=spf1 {SES} -all"\n_dmarc.wild.test. TXT "v=DMARC1; p=reject"\n'
    # a real empty non-terminal beside a wildcard: a DKIM key exists
    "*.wild2.test. TXT \"v=spf1 -all\"\n"
    f'wild2.test. TXT "v=spf1 {SES} -all"\n_dmarc.wild2.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="wild2.test")
    # a lame delegation: the parent refers to servers that do not answer for it
    + "lame.test. NS ns.nowhere.invalid.\n"
    # IDNA 2008: straße.test is xn--strae-oqa.test, not strasse.test
    f'xn--strae-oqa.test. TXT "v=spf1 {SES} -all"\n_dmarc.xn--strae-oqa.test. TXT "v=DMARC1; p=none"\n'
    + DKIM.format(d="xn--strae-oqa.test")
    + f'strasse.test. TXT "v=spf1 {SES} +all"\n_dmarc.strasse.test. TXT "v=DMARC1; p=reject"\n'
    # SPF as evaluated
    + f'after.test. TXT "v=spf1 ~all {SES}"\n_dmarc.after.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="after.test")
    + "bounce.after.test. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"
    f'bounce.after.test. TXT "v=spf1 ~all {SES}"\n'
    + f'incall.test. TXT "v=spf1 include:_spf.incall.test {SES} -all"\n_spf.incall.test. TXT "v=spf1 include:old.incall.test -all"\n'
    'old.incall.test. TXT "v=spf1 redirect=lapsed.incall.test"\nlapsed.incall.test. TXT "v=spf1 +all"\n'
    '_dmarc.incall.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="incall.test")
    + f'v6.test. TXT "v=spf1 a:h6.v6.test a:h6b.v6.test a {SES} -all"\nh6.v6.test. AAAA 2001:db8::1\nh6b.v6.test. AAAA 2001:db8::2\n'
    "v6.test. AAAA 2001:db8::3\n"
    '_dmarc.v6.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="v6.test")
    + f'mxvoid.test. TXT "v=spf1 mx a:gone.mxvoid.test {SES} -all"\nmxvoid.test. MX 10 m1.mxvoid.test.\nmxvoid.test. MX 20 m2.mxvoid.test.\n'
    "m1.mxvoid.test. AAAA 2001:db8::1\n"
    '_dmarc.mxvoid.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="mxvoid.test")
    + f"big.test. TXT {txt('v=spf1 ' + ' '.join(f'ip4:192.0.2.{n}' for n in range(1, 40)) + ' ' + SES + ' -all')}\n"
    '_dmarc.big.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="big.test")
    + f"big2.test. TXT {txt(BIG2)}\n" + '_dmarc.big2.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="big2.test")
    + f'lim.test. TXT "v=spf1 include:l1.lim.test {SES} -all"\n'
    + "".join(f'l{n}.lim.test. TXT "v=spf1 include:l{n + 1}.lim.test -all"\n' for n in range(1, 10))
    + 'l10.lim.test. TXT "v=spf1 ip4:192.0.2.1 -all"\n_dmarc.lim.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="lim.test")
    # decorative MAIL FROM: the bounce domain is ready, the identity does not use it
    + f'deco.test. TXT "v=spf1 {SES} -all"\n_dmarc.deco.test. TXT "v=DMARC1; p=reject"\n'
    "bounce.deco.test. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"
    f'bounce.deco.test. TXT "v=spf1 {SES} ~all"\n'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    nsd = Nsd(tmp_path_factory.mktemp("nsd-receivers"), ZONE)
    yield nsd
    nsd.stop()


def lint_one(tmp_path, server, sender: str, **options):
    return run_dns(write_config(tmp_path, ("email-ses", sender, "eu-west-1")), server, **options)


def found(report, code: str, severity: str | None = None):
    hits = [f for f in report.findings if f.code == code and (severity is None or f.severity.value == severity)]
    assert len(hits) == 1, [(f.code, f.severity.value, f.message) for f in report.findings]
    assert (hits[0].line, hits[0].column) == (FROM_LINE, FROM_COLUMN)
    return hits[0]


# -- DMARC policy discovery ---------------------------------------------------------------------------
def test_an_intermediate_record_is_not_the_policy(tmp_path, server):
    report = lint_one(tmp_path, server, "a@alerts.mktg.corp.test")
    finding = found(report, "SES626", "error")
    assert "`_dmarc.corp.test TXT`" in finding.message and "sp=reject" in finding.message
    assert "will fail DMARC" in finding.message
    assert "SES624" not in codes(report)  # p=none at _dmarc.mktg.corp.test is not what receivers apply


def test_psd_n_organizational_domain_and_what_rfc7489_receivers_do(tmp_path, server):
    report = lint_one(tmp_path, server, "a@alerts.mktg.corp2.test")
    monitor = found(report, "SES624", "info")
    assert "`_dmarc.mktg.corp2.test TXT`" in monitor.message and "RFC 7489 receivers read `_dmarc.corp2.test`" in monitor.message
    legacy = found(report, "SES626", "error")
    assert legacy.message.startswith("RFC 7489 receivers (Organizational Domain `corp2.test` by the Public Suffix List")
    assert "p=reject" in legacy.message and "RFC 9989 receivers apply `p=none` from `_dmarc.mktg.corp2.test`" in legacy.message


def test_public_suffix_domain_policy_and_its_external_report_destination(tmp_path, server):
    report = lint_one(tmp_path, server, "a@town.gov.test")
    assert codes(report) == ["SES625"]  # DKIM exists: the PSD's p=reject passes; the rua is another org
    finding = found(report, "SES625", "warning")
    assert "`gov.test._report._dmarc.dmarc.service.gov.test TXT`" in finding.message


# -- wildcards (RFC 4592) ------------------------------------------------------------------------------
def test_a_wildcard_answer_is_no_domainkey_name(tmp_path, server):
    report = lint_one(tmp_path, server, "a@wild.test")
    assert codes(report) == ["SES611", "SES626"]
    dkim = found(report, "SES611", "error")
    assert "`_domainkey.wild.test` answers only through a wildcard" in dkim.message and "RFC 4592" in dkim.message
    assert "wildcard" in found(report, "SES626").message


def test_a_name_below_the_wildcard_gets_its_spf_and_the_parents_policy(tmp_path, server):
    report = lint_one(tmp_path, server, "a@alerts.wild.test")  # synthesized: TXT "v=spf1 -all"
    assert "SES600" not in codes(report) and "SES601" not in codes(report)
    assert "`_dmarc.wild.test TXT`" in found(report, "SES626").message


def test_an_empty_non_terminal_beside_a_wildcard_exists(tmp_path, server):
    assert lint_one(tmp_path, server, "a@wild2.test").findings == []


# -- referrals, IDNA ---------------------------------------------------------------------------------
def test_a_referral_is_not_an_answer(tmp_path, server):
    report = lint_one(tmp_path, server, "a@lame.test")
    assert set(codes(report)) == {"SES640"}
    apex = next(f for f in report.findings if "`lame.test TXT`" in f.message)
    assert "referral" in apex.message and "lame delegation" in apex.message and "ns.nowhere.invalid" in apex.message


def test_idna_2008_from_domain(tmp_path, server):
    report = lint_one(tmp_path, server, "a@straße.test")
    assert codes(report) == ["SES624"]  # not strasse.test's +all and p=reject
    assert "`_dmarc.xn--strae-oqa.test TXT`" in report.findings[0].message


# -- SPF as evaluated ----------------------------------------------------------------------------------
def test_terms_after_all_count_for_nothing(tmp_path, server):
    report = lint_one(tmp_path, server, "a@after.test", mail_from=["bounce.after.test"])
    ignored = [f for f in report.findings if f.code == "SES610"]
    assert sorted(f.message.split("`")[1] for f in ignored) == ["after.test TXT", "bounce.after.test TXT"]
    assert all(f.severity.value == "warning" and "RFC 7208 §5.1" in f.message for f in ignored)
    mail_from = found(report, "SES632", "error")
    assert "after `~all`" in mail_from.message and "never evaluate" in mail_from.message
    assert "SES607" in codes(report)  # the from domain's include is not evaluated either


def test_plus_all_through_an_include_names_the_chain(tmp_path, server):
    finding = found(lint_one(tmp_path, server, "a@incall.test"), "SES606", "error")
    assert "`include:_spf.incall.test` -> `include:old.incall.test` -> `+all` (in `lapsed.incall.test`)" in finding.message
    assert "anyone may send as `incall.test`" in finding.message


def test_hosts_with_only_aaaa_are_void_for_ses_ipv4(tmp_path, server):
    finding = found(lint_one(tmp_path, server, "a@v6.test"), "SES605", "error")
    assert "3 void lookups" in finding.message and "`h6.v6.test A`" in finding.message
    assert "the 3rd void lookup is `a` in `v6.test`" in finding.message


def test_mx_host_voids_as_pyspf_and_mail_spf_count_them(tmp_path, server):
    finding = found(lint_one(tmp_path, server, "a@mxvoid.test"), "SES605", "warning")
    assert "pyspf and Mail::SPF" in finding.message and "`m1.mxvoid.test A`, `m2.mxvoid.test A`" in finding.message
    assert "see 1" in finding.message


def test_a_large_record_is_a_warning(tmp_path, server):
    finding = found(lint_one(tmp_path, server, "a@big.test"), "SES629", "warning")
    assert "`big.test TXT`: the TXT reply is" in finding.message and "over the 512 bytes" in finding.message
    assert "RFC 7208 §3.4" in finding.message
    assert len(BIG2) == 461
    finding = found(lint_one(tmp_path, server, "a@big2.test"), "SES629", "warning")
    assert "`big2.test TXT`: the SPF record is 461 bytes, over the 450 bytes" in finding.message


def test_the_lookup_that_crossed_the_limit_is_named(tmp_path, server):
    finding = found(lint_one(tmp_path, server, "a@lim.test"), "SES604", "error")
    assert "11 DNS lookups" in finding.message
    assert "the 11th lookup is `include:amazonses.com` in `lim.test`" in finding.message


def test_txt_and_cname_at_one_name(tmp_path, faults):
    faults.resolver.reset(f'conf.test. TXT "v=spf1 {SES} -all"\n' + DKIM.format(d="conf.test")
                          + '_dmarc.conf.test. TXT "v=DMARC1; p=reject"\n_dmarc.conf.test. CNAME _dmarc.other.test.\n')
    finding = found(lint_one(tmp_path, faults, "a@conf.test"), "SES628", "error")
    assert "`_dmarc.conf.test`" in finding.message and "CNAME to `_dmarc.other.test`" in finding.message
    assert faults.resolver.count("_dmarc.conf.test", "CNAME") == 1


# -- decorative MAIL FROM (with the aws stage's hints) ----------------------------------------------------
def test_decorative_mail_from(tmp_path, server, monkeypatch):
    from ses_lint.collect.dns import gather as collect

    hints = DnsHints(identity_domain="deco.test", region="eu-west-1")
    monkeypatch.setattr(collect, "_aws_hints", lambda run: {(p.file, p.key): hints for p in run.subjects(collect.SesProvider)})
    report = lint_one(tmp_path, server, "a@deco.test", mail_from=["bounce.deco.test"])
    finding = found(report, "SES633", "warning")
    assert "`bounce.deco.test MX`" in finding.message and "`deco.test` has no custom MAIL FROM" in finding.message
    assert "SES626" in codes(report)  # no DKIM, and the unused MAIL FROM does not align SPF
    monkeypatch.setattr(collect, "_aws_hints", lambda run: {})
    assert "SES633" not in codes(lint_one(tmp_path, server, "a@deco.test", mail_from=["bounce.deco.test"]))


# -- the explained verdict through the installed CLI ----------------------------------------------------
@pytest.mark.skipif(SCRIPT is None, reason="the ses-lint console script is not installed")
def test_json_carries_the_spf_tree_and_verbose_shows_it(tmp_path, server):
    path = write_config(tmp_path, ("email-ses", "a@incall.test", "eu-west-1"))
    base = [SCRIPT, "check", "--dns", "--nameserver", server.nameserver, "--timeout", "2", "--select", "SES6",
            "--dns-concurrency", "8", path]
    result = subprocess.run(base + ["--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    (domain,) = json.loads(result.stdout)["dns"]["domains"]
    spf = domain["spf"]
    assert (domain["domain"], spf["lookups"], spf["voids"]) == ("incall.test", 4, 0)
    first = spf["tree"][0]
    assert (first["term"], first["target"], first["lookups"]) == ("include:_spf.incall.test", "_spf.incall.test", 3)
    assert first["children"][0]["result"] == "matches every sender (`+all` in `lapsed.incall.test`)"
    text = subprocess.run(base + ["--verbose"], capture_output=True, text=True, timeout=60).stdout
    assert "SPF of incall.test: 4 DNS lookups" in text
    assert "\n    include:old.incall.test (_spf.incall.test; 2 lookups): matches every sender" in text


@pytest.mark.skipif(SCRIPT is None, reason="the ses-lint console script is not installed")
def test_dns_concurrency_is_checked(tmp_path):
    path = write_config(tmp_path, ("email-ses", "a@x.test", "eu-west-1"))
    result = subprocess.run([SCRIPT, "check", "--dns-concurrency", "0", path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--dns-concurrency must be a number from 1 to 4096" in result.stderr
