"""The dns stage's collector end to end, against a real authoritative server (NSD on loopback), where
what it gathers goes beyond one rule's facts: the `--mail-from` domains it assigns to providers and their
MX and TXT, `--dkim-selector` names (CNAME, then the key's TXT in several strings), Easy DKIM tokens and
the regional DKIM zone from the aws stage's hints, TXT strings joined, a graded severity overridden, and
one finding per provider. Findings are checked for code, line, column and the record they name.

Each rule's verdicts, messages and severities are tested on facts built by hand (test_rules_on_facts.py),
and test_facts_match_collector.py serves those facts' zones to NSD and checks that the collector agrees."""
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
    # SES601, once per provider
    + '_dmarc.nospf.test. TXT "v=DMARC1; p=none"\nnospf.test. TXT "google-site-verification=abc"\n' + DKIM.format(d="nospf.test")
    # SPF split across two TXT strings: joined, it ends in -all
    + 'split.test. TXT "v=spf1 include:amazon" "ses.com -all"\n' + DMARC_REJECT.format(d="split.test") + DKIM.format(d="split.test")
    # SES604: 8 lookups (warning)
    + clean("warn.test", "v=spf1 " + " ".join(f"include:w{n}.warn.test" for n in range(1, 8)) + " include:amazonses.com -all")
    + "".join(f'w{n}.warn.test. TXT "v=spf1 ip4:192.0.2.{n} -all"\n' for n in range(1, 8))
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


def test_spf_strings_are_joined(tmp_path, server):
    assert lint_one(tmp_path, server, "a@split.test").findings == []


def test_ses604_severity_override_still_applies(tmp_path, server):
    report = lint_one(tmp_path, server, "a@warn.test", severity={"SES604": "info"})
    assert only(report, "SES604").severity.value == "info"


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
