"""Every DNS rule against a real authoritative server (NSD on loopback): a zone that fires it and one
that does not. Findings are checked for code, line, column and the record they name."""
from __future__ import annotations

import base64

import pytest
from dnsfixtures import (
    FROM_COLUMN,
    FROM_LINE,
    Nsd,
    codes,
    rsa_spki,
    run_dns,
    txt,
    write_config,
)

from ses_lint.facts.hints import DnsHints

DKIM = 'tok1._domainkey.{d}. CNAME tok1.dkim.amazonses.com.\n'
DMARC_REJECT = '_dmarc.{d}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{d}"\n'


def clean(domain: str, spf: str = "v=spf1 include:amazonses.com -all") -> str:
    """A domain with nothing to report: SPF with SES, DMARC reject, Easy DKIM CNAME."""
    return f'{domain}. TXT "{spf}"\n' + DMARC_REJECT.format(d=domain) + DKIM.format(d=domain)


ZONE = (
    clean("good.test")
    # SES601 / SES602 / SES603
    + '_dmarc.nospf.test. TXT "v=DMARC1; p=none"\nnospf.test. TXT "google-site-verification=abc"\n' + DKIM.format(d="nospf.test")
    + clean("multi.test") + 'multi.test. TXT "v=spf1 -all"\n'
    + clean("badsyntax.test", "v=spf1 include:amazonses.com ip4:192.0.2.300 -all")
    + clean("inclnone.test", "v=spf1 include:nospf.test include:amazonses.com -all")
    # SPF split across two TXT strings: joined, it ends in -all
    + 'split.test. TXT "v=spf1 include:amazon" "ses.com -all"\n' + DMARC_REJECT.format(d="split.test") + DKIM.format(d="split.test")
    # SES604: 11 lookups through nested includes; 8 lookups (warning)
    + clean("lim.test", "v=spf1 include:l1.lim.test -all")
    + "".join(f'l{n}.lim.test. TXT "v=spf1 include:l{n + 1}.lim.test -all"\n' for n in range(1, 11))
    + 'l11.lim.test. TXT "v=spf1 include:amazonses.com -all"\n'
    + clean("warn.test", "v=spf1 " + " ".join(f"include:w{n}.warn.test" for n in range(1, 8)) + " include:amazonses.com -all")
    + "".join(f'w{n}.warn.test. TXT "v=spf1 ip4:192.0.2.{n} -all"\n' for n in range(1, 8))
    # SES605: three void lookups
    + clean("void.test", "v=spf1 a:gone1.void.test a:gone2.void.test mx:gone3.void.test include:amazonses.com -all")
    # SES606
    + clean("plusall.test", "v=spf1 include:amazonses.com +all")
    + clean("bareall.test", "v=spf1 include:amazonses.com all")
    + clean("qall.test", "v=spf1 include:amazonses.com ?all")
    + clean("noall.test", "v=spf1 include:amazonses.com")
    + clean("redir.test", "v=spf1 redirect=_spf.redir.test") + '_spf.redir.test. TXT "v=spf1 include:amazonses.com -all"\n'
    # SES607
    + clean("noses.test", "v=spf1 ip4:192.0.2.0/24 -all")
    # SES608
    + clean("loop.test", "v=spf1 include:_spf.loop.test include:amazonses.com -all")
    + '_spf.loop.test. TXT "v=spf1 include:loop.test -all"\n'
    # SES609
    + clean("ptr.test", "v=spf1 ptr include:amazonses.com -all")
    + clean("type99.test") + 'type99.test. SPF "v=spf1 include:amazonses.com -all"\n'
    # SES611 / SES626: p=reject and no _domainkey at all
    + 'nodkim.test. TXT "v=spf1 include:amazonses.com -all"\n' + DMARC_REJECT.format(d="nodkim.test")
    # the same, rescued by an aligned custom MAIL FROM
    + 'nodkim2.test. TXT "v=spf1 include:amazonses.com -all"\n' + DMARC_REJECT.format(d="nodkim2.test")
    + "bounce.nodkim2.test. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"
    + 'bounce.nodkim2.test. TXT "v=spf1 include:amazonses.com ~all"\n'
    # SES626 adkim=s with `from` on a subdomain of the DKIM domain
    + clean("strict.test") + 'mail.strict.test. TXT "v=spf1 include:amazonses.com -all"\n'
    + '_dmarc.mail.strict.test. TXT "v=DMARC1; p=reject; adkim=s"\n'
    # SES621: no DMARC; DMARC only at the organizational domain
    + 'nodmarc.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="nodmarc.test")
    + clean("org.test") + 'mail.sub.org.test. TXT "v=spf1 include:amazonses.com -all"\n'
    # SES622 / SES623 / SES624 / SES627
    + 'baddmarc.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="baddmarc.test")
    + '_dmarc.baddmarc.test. TXT "v=DMARC1; p=block; adkim=x"\n'
    + 'notfirst.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="notfirst.test")
    + '_dmarc.notfirst.test. TXT "p=reject; v=DMARC1"\n'
    + clean("twodmarc.test") + '_dmarc.twodmarc.test. TXT "v=DMARC1; p=none"\n'
    + 'monitor.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="monitor.test")
    + '_dmarc.monitor.test. TXT "v=DMARC1; p=none; rua=mailto:d@monitor.test"\n'
    + 'pct.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="pct.test")
    + '_dmarc.pct.test. TXT "v=DMARC1; p=quarantine; pct=50; ri=3600"\n'
    # SES625: rua at another domain, unauthorized / authorized
    + 'extrua.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="extrua.test")
    + '_dmarc.extrua.test. TXT "v=DMARC1; p=reject; rua=mailto:d@reports.test,mailto:d@extrua.test"\n'
    + 'authrua.test. TXT "v=spf1 include:amazonses.com -all"\n' + DKIM.format(d="authrua.test")
    + '_dmarc.authrua.test. TXT "v=DMARC1; p=reject; rua=mailto:d@reports2.test"\n'
    + 'authrua.test._report._dmarc.reports2.test. TXT "v=DMARC1"\n'
    # SES631 / SES632: MAIL FROM domains
    + clean("mf.test")
    + "bounce.mf.test. MX 10 feedback-smtp.eu-west-1.amazonses.com.\n"
    + 'bounce.mf.test. TXT "v=spf1 include:amazonses.com ~all"\n'
    + "wrongregion.mf.test. MX 10 feedback-smtp.us-east-1.amazonses.com.\n"
    + 'wrongregion.mf.test. TXT "v=spf1 include:amazonses.com ~all"\n'
    + "bad.mf.test. MX 10 mail.mf.test.\n"
    + 'bad.mf.test. TXT "v=spf1 -all"\n'
    # DKIM keys for --dkim-selector (SES613 / SES614) and Easy DKIM tokens (SES611 / SES612)
    + clean("keys.test")
    + f's512._domainkey.keys.test. TXT {txt("v=DKIM1; k=rsa; p=" + rsa_spki(512))}\n'
    + f's1024._domainkey.keys.test. TXT {txt("v=DKIM1; k=rsa; p=" + rsa_spki(1024))}\n'
    + f's2048._domainkey.keys.test. TXT {txt("v=DKIM1; k=rsa; p=" + rsa_spki(2048))}\n'
    + 'revoked._domainkey.keys.test. TXT "v=DKIM1; k=rsa; p="\n'
    + f'sha1._domainkey.keys.test. TXT {txt("v=DKIM1; h=sha1; p=" + rsa_spki(2048))}\n'
    + f'testing._domainkey.keys.test. TXT {txt("v=DKIM1; t=y; p=" + rsa_spki(2048))}\n'
    + "wrongses._domainkey.keys.test. CNAME other.dkim.amazonses.com.\n"
    + clean("tokens.test")
    + "tok2._domainkey.tokens.test. CNAME tok9.dkim.amazonses.com.\n"
    # SES613 and SES626 judge key sizes alike: an Ed25519 key (256 bits, RFC 8463) is usable
    + 'edkey.test. TXT "v=spf1 include:amazonses.com -all"\n' + DMARC_REJECT.format(d="edkey.test")
    + f'ed._domainkey.edkey.test. TXT "v=DKIM1; k=ed25519; p={base64.b64encode(bytes(range(32))).decode()}"\n'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    nsd = Nsd(tmp_path_factory.mktemp("nsd-rules"), ZONE)
    yield nsd
    nsd.stop()


def lint_one(tmp_path, server, sender: str, region: str = "eu-west-1", **options):
    path = write_config(tmp_path, ("email-ses", sender, region))
    return run_dns(path, server, **options)


def only(report, code: str):
    found = [finding for finding in report.findings if finding.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in report.findings]
    finding = found[0]
    assert (finding.line, finding.column) == (FROM_LINE, FROM_COLUMN)
    assert finding.key == "providers.email-ses.config.from"
    assert finding.provider == "email-ses"
    return finding


def test_clean_domain_has_no_findings(tmp_path, server):
    report = lint_one(tmp_path, server, "Alerts <alerts@good.test>", mail_from=["bounce.mf.test"])
    assert report.findings == []


def test_ses600_domain_not_found(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@nothere.test"), "SES600")
    assert "`nothere.test TXT`" in finding.message and "does not exist" in finding.message
    assert finding.severity.value == "error" and finding.stage.value == "dns"
    assert codes(lint_one(tmp_path, server, "a@nothere.test")) == ["SES600"]  # the others stay silent


def test_ses601_spf_missing(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@nospf.test"), "SES601")
    assert "`nospf.test TXT`" in finding.message and "no SPF record" in finding.message
    assert "SES601" not in codes(lint_one(tmp_path, server, "a@good.test"))


def test_ses602_spf_multiple(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@multi.test"), "SES602")
    assert "2 SPF records" in finding.message and "`multi.test TXT`" in finding.message


def test_ses603_spf_syntax(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@badsyntax.test"), "SES603")
    assert "ip4:192.0.2.300" in finding.message and "`badsyntax.test TXT`" in finding.message
    finding = only(lint_one(tmp_path, server, "a@inclnone.test"), "SES603")
    assert "`nospf.test` publishes no SPF record" in finding.message and "§5.2" in finding.message


def test_spf_strings_are_joined(tmp_path, server):
    assert lint_one(tmp_path, server, "a@split.test").findings == []


def test_ses604_lookup_limit(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@lim.test"), "SES604")
    assert finding.severity.value == "error" and "12 DNS lookups" in finding.message and "limit of 10" in finding.message
    finding = only(lint_one(tmp_path, server, "a@warn.test"), "SES604")
    assert finding.severity.value == "warning" and "8 of the 10" in finding.message
    assert "SES604" not in codes(lint_one(tmp_path, server, "a@good.test"))


def test_ses604_severity_override_still_applies(tmp_path, server):
    report = lint_one(tmp_path, server, "a@warn.test", severity={"SES604": "info"})
    assert only(report, "SES604").severity.value == "info"


def test_ses605_void_lookups(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@void.test"), "SES605")
    assert "3 void lookups" in finding.message and "gone3.void.test MX" in finding.message


def test_ses606_spf_permissive(tmp_path, server):
    for domain in ("plusall.test", "bareall.test"):
        finding = only(lint_one(tmp_path, server, f"a@{domain}"), "SES606")
        assert finding.severity.value == "error" and "anyone may send" in finding.message
    finding = only(lint_one(tmp_path, server, "a@qall.test"), "SES606")
    assert finding.severity.value == "warning" and "`?all`" in finding.message
    finding = only(lint_one(tmp_path, server, "a@noall.test"), "SES606")
    assert finding.severity.value == "warning" and "no `all`" in finding.message
    assert lint_one(tmp_path, server, "a@redir.test").findings == []  # -all through redirect


def test_ses607_no_amazonses(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@noses.test"), "SES607")
    assert finding.severity.value == "info" and "amazonses.com" in finding.message and "harmless" in finding.message


def test_ses608_loop(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@loop.test"), "SES608")
    assert "loop.test -> _spf.loop.test -> loop.test" in finding.message


def test_ses609_deprecated(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@ptr.test"), "SES609")
    assert "`ptr`" in finding.message
    finding = only(lint_one(tmp_path, server, "a@type99.test"), "SES609")
    assert "`type99.test SPF`" in finding.message


def test_ses611_and_ses626_without_domainkey(tmp_path, server):
    report = lint_one(tmp_path, server, "a@nodkim.test")
    assert codes(report) == ["SES611", "SES626"]
    assert "`_domainkey.nodkim.test TXT`" in only(report, "SES611").message
    message = only(report, "SES626").message
    assert "p=reject" in message and "will fail DMARC" in message and "`_dmarc.nodkim.test TXT`" in message


def test_ses626_rescued_by_aligned_mail_from(tmp_path, server):
    report = lint_one(tmp_path, server, "a@nodkim2.test", mail_from=["bounce.nodkim2.test"])
    assert codes(report) == ["SES611"]


def test_ses626_strict_dkim_on_subdomain(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@mail.strict.test"), "SES626")
    assert "adkim=s" in finding.message and "`strict.test`" in finding.message
    assert lint_one(tmp_path, server, "a@strict.test").findings == []


def test_ses621_dmarc_missing(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@nodmarc.test"), "SES621")
    assert "`_dmarc.nodmarc.test TXT`" in finding.message and "_dmarc.test" in finding.message
    # the record at the organizational domain covers the subdomain
    assert lint_one(tmp_path, server, "a@mail.sub.org.test").findings == []


def test_ses622_dmarc_syntax(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@baddmarc.test"), "SES622")
    assert "`p=block`" in finding.message and "`adkim=x`" in finding.message
    finding = only(lint_one(tmp_path, server, "a@notfirst.test"), "SES622")
    assert "does not start with `v=DMARC1`" in finding.message


def test_ses623_dmarc_multiple(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@twodmarc.test"), "SES623")
    assert "2 DMARC records" in finding.message and "`_dmarc.twodmarc.test TXT`" in finding.message
    assert "SES621" not in codes(lint_one(tmp_path, server, "a@twodmarc.test"))


def test_ses624_monitor_only(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@monitor.test"), "SES624")
    assert "`p=none`" in finding.message
    assert codes(lint_one(tmp_path, server, "a@monitor.test")) == ["SES624"]


def test_ses625_report_unauthorized(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@extrua.test"), "SES625")
    assert "`extrua.test._report._dmarc.reports.test TXT`" in finding.message
    assert lint_one(tmp_path, server, "a@authrua.test").findings == []


def test_ses627_obsolete_tags(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@pct.test"), "SES627")
    assert "`pct=50`" in finding.message and "`ri=3600`" in finding.message and "RFC 9989" in finding.message


def test_ses631_ses632_mail_from(tmp_path, server):
    report = lint_one(tmp_path, server, "a@mf.test", mail_from=["bad.mf.test"])
    assert codes(report) == ["SES631", "SES632"]
    assert "`bad.mf.test MX`" in only(report, "SES631").message and "feedback-smtp.eu-west-1.amazonses.com" in only(report, "SES631").message
    assert "`bad.mf.test TXT`" in only(report, "SES632").message
    report = lint_one(tmp_path, server, "a@mf.test", mail_from=["wrongregion.mf.test"])
    assert codes(report) == ["SES631"] and "feedback-smtp.us-east-1" in report.findings[0].message
    assert lint_one(tmp_path, server, "a@mf.test", region="us-east-1", mail_from=["wrongregion.mf.test"]).findings == []
    report = lint_one(tmp_path, server, "a@mf.test", mail_from=["missing.mf.test"])
    assert codes(report) == ["SES631", "SES632"] and "does not exist" in report.findings[0].message


def test_ses613_ses614_dkim_keys(tmp_path, server):
    selectors = ["s512", "s1024", "s2048", "revoked", "sha1", "testing", "absent"]
    report = lint_one(tmp_path, server, "a@keys.test", dkim_selectors=selectors)
    found = {(f.code, f.severity.value, f.message.split("`")[1]) for f in report.findings}
    assert found == {
        ("SES613", "error", "s512._domainkey.keys.test TXT"),
        ("SES613", "warning", "s1024._domainkey.keys.test TXT"),
        ("SES613", "error", "revoked._domainkey.keys.test TXT"),
        ("SES613", "error", "sha1._domainkey.keys.test TXT"),
        ("SES614", "warning", "testing._domainkey.keys.test TXT"),
        ("SES611", "error", "absent._domainkey.keys.test TXT"),
    }
    messages = " ".join(f.message for f in report.findings)
    assert "512 bits" in messages and "1024 bits" in messages and "revoked" in messages and "t=y" in messages


def test_ses612_selector_pointing_at_the_wrong_ses_target(tmp_path, server):
    finding = only(lint_one(tmp_path, server, "a@keys.test", dkim_selectors=["wrongses"]), "SES612")
    assert "`other.dkim.amazonses.com`" in finding.message and "wrongses.dkim.amazonses.com" in finding.message


def test_easy_dkim_tokens_from_the_aws_stage(tmp_path, server, monkeypatch):
    """With hints from the aws stage: tok1 right, tok2 pointing at another token, tok3 missing."""
    from ses_lint.collect.dns import gather as collect

    hints = DnsHints(identity_domain="tokens.test", dkim_tokens=("tok1", "tok2", "tok3"), signing_hosted_zone="dkim.amazonses.com", region="eu-west-1")
    monkeypatch.setattr(collect, "_aws_hints", lambda run: {(p.file, p.key): hints for p in run.subjects(collect.SesProvider)})
    report = lint_one(tmp_path, server, "a@tokens.test")
    assert codes(report) == ["SES611", "SES612"]
    assert "`tok3._domainkey.tokens.test CNAME`" in only(report, "SES611").message
    message = only(report, "SES612").message
    assert "`tok2._domainkey.tokens.test CNAME`" in message and "`tok9.dkim.amazonses.com`" in message and "`tok2.dkim.amazonses.com`" in message


def test_regional_dkim_zone(tmp_path, server, monkeypatch):
    """Without SigningHostedZone, a region with its own zone expects dkim.<region>.amazonses.com."""
    from ses_lint.collect.dns import gather as collect

    hints = DnsHints(identity_domain="good.test", dkim_tokens=("tok1",), region="eu-south-1")
    monkeypatch.setattr(collect, "_aws_hints", lambda run: {(p.file, p.key): hints for p in run.subjects(collect.SesProvider)})
    finding = only(lint_one(tmp_path, server, "a@good.test", region="eu-south-1"), "SES612")
    assert "tok1.dkim.eu-south-1.amazonses.com" in finding.message


def test_an_ed25519_key_is_usable_for_dmarc_as_for_ses613(tmp_path, server, monkeypatch):
    """One key-size threshold: SES613 accepts an Ed25519 selector key, so SES626 counts it as aligned DKIM
    (it used to require 1024 bits of any key, and reported the DMARC failure SES613 did not see)."""
    from ses_lint.collect.dns import gather as collect

    hints = DnsHints(identity_domain="edkey.test", dkim_tokens=("tok1",), signing_hosted_zone="dkim.amazonses.com", region="eu-west-1")
    monkeypatch.setattr(collect, "_aws_hints", lambda run: {(p.file, p.key): hints for p in run.subjects(collect.SesProvider)})
    report = lint_one(tmp_path, server, "a@edkey.test", dkim_selectors=["ed"])
    assert codes(report) == ["SES611"]  # the Easy DKIM token's CNAME is missing; the Ed25519 key is fine
    assert "`tok1._domainkey.edkey.test CNAME`" in only(report, "SES611").message


def test_each_provider_gets_its_own_finding(tmp_path, server):
    path = write_config(tmp_path, ("first", "a@nospf.test"), ("second", "b@nospf.test"), ("off", "c@nospf.test", "eu-west-1", False))
    report = run_dns(path, server, select=["SES601"])
    assert [(f.provider, f.line, f.column) for f in report.findings] == [("first", 7, 13), ("second", 13, 13)]
