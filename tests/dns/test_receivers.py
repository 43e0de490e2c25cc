"""Issue 11: what a receiver sees, end to end, on zones served by NSD on loopback (the TXT/CNAME conflict,
which NSD refuses to load, by the dnslib fault server), where the collector does more than ask one name:
DMARC policy discovery (RFC 9989 §4.10) beside RFC 7489's, wildcards (RFC 4592) and the gatherer's probe
for them, referrals, IDNA 2008, the TXT/CNAME check, decorative MAIL FROM with the aws stage's hints,
and the explained SPF tree through the installed CLI.

The verdicts themselves (the intermediate DMARC record, report destinations by Organizational Domain,
SPF as evaluated: terms after `all`, `+all` through includes, void lookups of AAAA-only and MX hosts,
large records, the lookup that crossed the limit) are tested on facts built by hand
(test_rules_on_facts.py); test_facts_match_collector.py serves those zones to NSD and checks that the
collector agrees, reply sizes included."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dnsfixtures import FROM_COLUMN, FROM_LINE, Nsd, codes, run_dns, write_config
from support import run_cli

from ses_lint.facts.hints import DnsHints

SES = "include:amazonses.com"
DKIM = "tok1._domainkey.{d}. CNAME tok1.dkim.amazonses.com.\n"
SCRIPT = shutil.which("ses-lint", path=str(Path(sys.executable).parent))

ZONE = (
    # psd=n makes mktg.corp2.test the Organizational Domain; RFC 7489's PSL says corp2.test
    f'alerts.mktg.corp2.test. TXT "v=spf1 {SES} -all"\n'
    '_dmarc.mktg.corp2.test. TXT "v=DMARC1; p=none; psd=n"\n'
    '_dmarc.corp2.test. TXT "v=DMARC1; p=reject"\n'
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
    # the explained SPF tree: an include whose chain ends in +all
    + f'incall.test. TXT "v=spf1 include:_spf.incall.test {SES} -all"\n_spf.incall.test. TXT "v=spf1 include:old.incall.test -all"\n'
    'old.incall.test. TXT "v=spf1 redirect=lapsed.incall.test"\nlapsed.incall.test. TXT "v=spf1 +all"\n'
    '_dmarc.incall.test. TXT "v=DMARC1; p=reject"\n' + DKIM.format(d="incall.test")
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
def test_psd_n_organizational_domain_and_what_rfc7489_receivers_do(tmp_path, server):
    report = lint_one(tmp_path, server, "a@alerts.mktg.corp2.test")
    monitor = found(report, "SES624", "info")
    assert "`_dmarc.mktg.corp2.test TXT`" in monitor.message and "RFC 7489 receivers read `_dmarc.corp2.test`" in monitor.message
    legacy = found(report, "SES626", "error")
    assert legacy.message.startswith("RFC 7489 receivers (Organizational Domain `corp2.test` by the Public Suffix List")
    assert "p=reject" in legacy.message and "RFC 9989 receivers apply `p=none` from `_dmarc.mktg.corp2.test`" in legacy.message


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


# -- a TXT and a CNAME at one name ---------------------------------------------------------------------
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
    result = run_cli(*base[1:], "--format", "json", timeout=60)  # in-process: test_dns_cli runs --dns JSON through the script
    assert result.code == 1, result.err
    (domain,) = json.loads(result.out)["dns"]["domains"]
    spf = domain["spf"]
    assert (domain["domain"], spf["lookups"], spf["voids"]) == ("incall.test", 4, 0)
    first = spf["tree"][0]
    assert (first["term"], first["target"], first["lookups"]) == ("include:_spf.incall.test", "_spf.incall.test", 3)
    assert first["children"][0]["result"] == "matches every sender (`+all` in `lapsed.incall.test`)"
    text = subprocess.run(base + ["--verbose"], capture_output=True, text=True, timeout=60).stdout
    assert "SPF of incall.test: 4 DNS lookups" in text
    assert "\n    include:old.incall.test (_spf.incall.test; 2 lookups): matches every sender" in text


def test_dns_concurrency_is_checked(tmp_path):
    path = write_config(tmp_path, ("email-ses", "a@x.test", "eu-west-1"))
    result = run_cli("check", "--dns-concurrency", "0", path)  # a usage error: test_cli runs one through the script
    assert result.code == 2 and "--dns-concurrency must be a number from 1 to 4096" in result.err
