"""The pure parsers: SPF grammar and macros (RFC 7208), DMARC records (RFC 7489 / RFC 9989), DKIM keys
and their size from the DER (RFC 6376, RFC 8301), the tree walk's names, the resolver's options."""
from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from dnsfixtures import rsa_spki

from ses_lint.collect.dns import dkim, dmarc, spf
from ses_lint.collect.dns.resolver import parse_nameserver
from ses_lint.facts.answer import Answer
from ses_lint.source.sender import Sender


@pytest.mark.parametrize("record", [
    "v=spf1 -all",
    "v=spf1",
    "V=SPF1 include:amazonses.com ~ALL",
    "v=spf1 a mx/24 a:mail.example.org/24//64 mx:example.org ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
    "v=spf1 exists:%{i}._spf.%{d} include:%{d2}.example.org redirect=_spf.example.org",
    "v=spf1 ptr:example.org ?all exp=explain.%{d} custom-mod=%{h}",
    "v=spf1  include:a.example.org   -all ",
])
def test_spf_valid(record):
    spf.parse(record)


@pytest.mark.parametrize("record, words", [
    ("v=spf1 ip4:192.0.2.300 -all", "192.0.2.300"),
    ("v=spf1 ip4:2001:db8::1 -all", "IPv6"),
    ("v=spf1 ip4:192.0.2.0/33 -all", "CIDR"),
    ("v=spf1 foo:example.org -all", "unknown mechanism"),
    ("v=spf1 include -all", "needs"),
    ("v=spf1 include:example -all", "not a domain"),
    ("v=spf1 redirect=a.example.org redirect=b.example.org", "more than once"),
    ("v=spf1 exists:%{c}.example.org -all", "only in `exp`"),
    ("v=spf1 include:%{x}.example.org -all", "bad macro"),
    ("v=spf1 all:example.org", "no argument"),
    ("v=spf1 a//129 -all", "CIDR"),
])
def test_spf_syntax_errors(record, words):
    with pytest.raises(spf.SpfSyntaxError) as caught:
        spf.parse(record)
    assert words in str(caught.value)


def test_spf_terms():
    record = spf.parse("v=spf1 include:%{d}.example.org a:host.example.org/24 -all")
    include, a, all_term = record.terms
    assert include.dynamic and include.is_lookup
    assert a.kind == "a" and a.value == "host.example.org" and not a.dynamic
    assert record.all_term is all_term and all_term.qualifier == "-"
    assert not spf.is_spf("v=spf10 -all") and spf.is_spf("v=spf1")


def test_dmarc_parse_both_rfcs():
    old = dmarc.parse("example.org", "v=DMARC1; p=quarantine; pct=50; rf=afrf; ri=86400; rua=mailto:a@example.org!10m")
    assert old.valid and old.obsolete == ["pct", "rf", "ri"]
    new = dmarc.parse("example.org", "v=DMARC1; rua=mailto:a@example.org; np=reject; psd=n; t=y")
    assert new.valid and new.policy("example.org") == "none" and new.testing and new.psd == "n"
    sub = dmarc.parse("example.org", "v=DMARC1; p=reject; sp=none")
    assert sub.policy("example.org") == "reject" and sub.policy("mail.example.org") == "none"


@pytest.mark.parametrize("record, words", [
    ("v=DMARC1; p=block", "`p=block`"),
    ("v=DMARC1; p=none; adkim=x", "`adkim=x`"),
    ("v=DMARC1; p=none; pct=150", "`pct=150`"),
    ("v=DMARC1; p=none; fo=2", "`fo=2`"),
    ("v=DMARC1; p=none; rua=dmarc@example.org", "not a URI"),
    ("v=DMARC1; p=none; p=reject", "twice"),
    ("v=dmarc1; p=none", "must come first"),
])
def test_dmarc_errors(record, words):
    parsed = dmarc.parse("example.org", record)
    assert any(words in error for error in parsed.errors), parsed.errors


def test_dmarc_unknown_tags_are_ignored():
    assert dmarc.parse("example.org", "v=DMARC1; p=none; future=1").valid


def test_tree_walk_names():
    assert dmarc.walk_targets("example.org") == ["example.org", "org"]
    names = dmarc.walk_targets("a.b.c.d.e.f.g.h.example.org")
    assert len(names) == 8 and names[1] == "d.e.f.g.h.example.org" and names[-1] == "org"
    assert len(dmarc.walk_targets("a.b.c.d.e.f.example.org")) == 8


def test_organizational_domain():
    def level(name, text=None):
        records = [dmarc.parse(name, text)] if text else []
        return dmarc.WalkLevel(name, None, records, [])

    levels = [level("a.mail.example.com"), level("mail.example.com", "v=DMARC1; p=none"), level("example.com", "v=DMARC1; p=none"), level("com")]
    assert dmarc.organizational_domain("a.mail.example.com", levels) == "example.com"
    levels = [level("a.mail.example.com"), level("mail.example.com"), level("example.com"), level("com", "v=DMARC1; p=none; psd=y")]
    assert dmarc.organizational_domain("a.mail.example.com", levels) == "example.com"
    levels = [level("a.mail.example.com"), level("mail.example.com", "v=DMARC1; psd=n"), level("example.com", "v=DMARC1; p=none")]
    assert dmarc.organizational_domain("a.mail.example.com", levels) == "mail.example.com"
    failed = dmarc.WalkLevel("example.com", Answer("_dmarc.example.com", "TXT", "servfail"), [], [])
    levels = [level("a.mail.example.com"), level("mail.example.com", "v=DMARC1; p=none"), failed, level("com")]
    assert dmarc.organizational_domain("a.mail.example.com", levels) is None  # the fewest-labels record may be the one not read


@pytest.mark.parametrize("bits", [512, 1024, 1536, 2048, 4096])
def test_dkim_key_size_from_der(bits):
    key = dkim.parse_key("s._domainkey.example.org", f"v=DKIM1; k=rsa; p={rsa_spki(bits)}")
    assert key.bits == bits and key.algorithm == "rsa" and not key.errors


def test_dkim_key_size_matches_a_real_key():
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    public = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1 = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    for der in (spki, pkcs1):
        assert dkim.key_info(der) == ("rsa", 1024)
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = dkim.parse_key("s", f"v=DKIM1; k=ed25519; p={base64.b64encode(raw).decode()}")
    assert key.algorithm == "ed25519" and key.bits == 256 and not key.errors


def test_dkim_flags_and_errors():
    assert dkim.parse_key("s", "v=DKIM1; p=").revoked
    assert dkim.parse_key("s", "v=DKIM1; t=y:s; p=" + rsa_spki(2048)).testing
    assert dkim.parse_key("s", "v=DKIM1; h=sha1; p=" + rsa_spki(2048)).sha1_only
    assert not dkim.parse_key("s", "v=DKIM1; h=sha1:sha256; p=" + rsa_spki(2048)).sha1_only
    assert dkim.parse_key("s", "v=DKIM1; p=!!!").errors
    assert dkim.parse_key("s", "v=DKIM1; p=" + base64.b64encode(b"\x30\x03\x02\x01").decode()).errors
    assert dkim.parse_key("s", "v=DKIM1; k=rsa").errors


def test_nameserver_and_from_parsing():
    assert parse_nameserver("127.0.0.1") == ("127.0.0.1", 53)
    assert parse_nameserver("127.0.0.1:5353") == ("127.0.0.1", 5353)
    assert parse_nameserver("[::1]:5353") == ("::1", 5353)
    assert parse_nameserver("::1") == ("::1", 53)
    domain = {text: Sender.of(text, text).a_label for text in ("Ops <ops@Mail.Example.ORG>", "ops@bücher.example", "not an address", "a@nodot")}
    assert domain == {"Ops <ops@Mail.Example.ORG>": "mail.example.org", "ops@bücher.example": "xn--bcher-kva.example",
                      "not an address": None, "a@nodot": None}


def test_static_path_never_imports_dnspython():
    code = "import sys, ses_lint.rules as r; r.load_rules(); print(sorted(m for m in sys.modules if m == 'dns' or m.startswith(('dns.', 'publicsuffixlist', 'ses_lint.collect.dns'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_parsers_never_raise_on_hostile_text():
    hypothesis = pytest.importorskip("hypothesis")
    strategies = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(strategies.text(alphabet=strategies.sampled_from(list("v=spf1 DMARC;:%{}/.-+~?!alxipmc0123456789@,_")), max_size=80))
    def check(text):
        try:
            spf.parse("v=spf1 " + text)
        except spf.SpfSyntaxError:
            pass
        dmarc.parse("example.org", "v=DMARC1; " + text)
        dkim.parse_key("s._domainkey.example.org", text)

    check()


# -- RFC 9989 §4.10: policy discovery and the Organizational Domain, on hand-built answers -------------
def _walk(domain: str, records: dict[str, str]):
    from ses_lint.collect.dns.dmarc import walk, walk_targets
    from ses_lint.facts.answer import Answer

    targets = walk_targets(domain)
    answers = [Answer(f"_dmarc.{t}", "TXT", "ok", (records[t],)) if t in records else Answer(f"_dmarc.{t}", "TXT", "nxdomain")
               for t in targets]
    return walk(domain, targets, answers)


def test_rfc9989_examples_of_the_organizational_domain():
    # §4.10.2's examples, for the starting domain a.mail.example.com
    facts = _walk("a.mail.example.com", {"mail.example.com": "v=DMARC1; p=none", "example.com": "v=DMARC1; p=reject"})
    assert facts.organizational_domain == "example.com"
    assert facts.record.domain == "example.com"  # §4.10.1: the intermediate record is not the policy
    facts = _walk("a.mail.example.com", {"mail.example.com": "v=DMARC1; p=none; psd=n", "example.com": "v=DMARC1; p=reject"})
    assert facts.organizational_domain == "mail.example.com" and facts.record.domain == "mail.example.com"
    facts = _walk("a.mail.example.com", {"com": "v=DMARC1; p=reject; psd=y"})
    assert facts.organizational_domain == "example.com"
    assert (facts.record.domain, facts.psd_domain) == ("com", "com")  # the Public Suffix Domain's policy


def test_the_from_domains_own_record_is_the_policy():
    facts = _walk("a.mail.example.com", {"a.mail.example.com": "v=DMARC1; p=none", "example.com": "v=DMARC1; p=reject"})
    assert facts.record.domain == "a.mail.example.com" and facts.organizational_domain == "example.com"
    assert facts.record.policy("a.mail.example.com") == "none"


def test_np_applies_to_a_domain_that_does_not_exist():
    from ses_lint.collect.dns.dmarc import parse

    record = parse("example.com", "v=DMARC1; p=none; sp=quarantine; np=reject")
    assert (record.policy("x.example.com"), record.policy("x.example.com", exists=False)) == ("quarantine", "reject")


# -- the wire format -------------------------------------------------------------------------------------
def test_a_compression_loop_is_a_malformed_reply_not_a_hang():
    import pytest

    from ses_lint.collect.dns import wire as dnswire

    header = (1).to_bytes(2, "big") + bytes.fromhex("8180 0001 0001 0000 0000")
    question = dnswire.encode_name("a.test") + (16).to_bytes(2, "big") + (1).to_bytes(2, "big")
    start = len(header + question)
    looping = header + question + (0xC000 | start).to_bytes(2, "big") + bytes(10)  # a name pointing at itself
    with pytest.raises(dnswire.WireError):
        dnswire.parse(looping)
    with pytest.raises(dnswire.WireError):
        dnswire.parse(header[:8])


def test_a_txt_reply_is_read_with_its_strings_joined():
    from ses_lint.collect.dns import wire as dnswire
    from ses_lint.collect.dns.transport import answer

    name = dnswire.encode_name("a.test")
    header = (7).to_bytes(2, "big") + bytes.fromhex("8400 0001 0001 0000 0000")  # AA
    question = name + (16).to_bytes(2, "big") + (1).to_bytes(2, "big")
    rdata = b"\x07v=spf1 " + b"\x04-all"
    record = bytes.fromhex("c00c 0010 0001 0000012c") + len(rdata).to_bytes(2, "big") + rdata
    result = answer("a.test", "TXT", 16, dnswire.parse(header + question + record))
    assert (result.status, result.records) == ("ok", ("v=spf1 -all",))
    assert result.size == 12 + len(name) + 4 + 12 + len(rdata)
