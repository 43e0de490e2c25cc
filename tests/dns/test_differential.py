"""Differential accuracy: ses-lint's DNS stage against checkdmarc's Python API on the same zones.

One NSD on loopback serves the corpus of differential_zones.py (one sender domain per case). Both tools
judge each domain, and their judgements are compared aspect by aspect:

| aspect | ses-lint                          | checkdmarc (6.x, exception raised by its API)                                   |
|--------|-----------------------------------|----------------------------------------------------------------------------------|
| SES602 | SES602 multiple SPF records       | `query_spf_record` raises `MultipleSPFRTXTRecords` at the domain                 |
| SES603 | SES603 SPF syntax / permerror     | `get_spf_record` raises `SPFSyntaxError`, `MultipleSPFRTXTRecords` (a target) or `SPFRecordNotFound` for an include/redirect target |
| SES604 | SES604 at error severity (>10)    | `SPFTooManyDNSLookups` (also an `mx` of more than 10 hosts)                      |
| SES605 | SES605 at error (more than 2 voids) | `SPFTooManyVoidDNSLookups`                                                       |
| SES606 | SES606 at error (`+all`, `all`)   | never: checkdmarc has no verdict on the final `all`                              |
| SES608 | SES608 include/redirect loop      | `SPFIncludeLoop`, `SPFRedirectLoop`                                              |
| SES622 | SES622 invalid DMARC record       | `DMARCSyntaxError` and subclasses, `DMARCRecordStartsWithWhitespace`, `UnrelatedTXTRecordFoundAtDMARC` |
| SES623 | SES623 multiple DMARC records     | `MultipleDMARCRecords`                                                           |
| SES625 | SES625 unauthorized report domain | `verify_dmarc_report_destination` raises `UnverifiedDMARCURIDestination` for a rua/ruf URI |
| SES640 | SES640 not checked (a fault)      | `query_spf_record` raises `SPFRecordNotFound` caused by a DNS failure, not by NXDOMAIN/no answer |

Every case must agree, except those in KNOWN_DISAGREEMENTS, which must disagree (a fixed
disagreement shows up as a failure, so the table stays true). Each case also pins ses-lint's own
judgement (`Case.expect`), so the corpus exercises what its names say.

checkdmarc is an optional dependency (the `[bench]` extra): without it the module is skipped.
"""
from __future__ import annotations

import concurrent.futures

import pytest

checkdmarc = pytest.importorskip("checkdmarc")

import dns.nameserver  # noqa: E402
from checkdmarc import dmarc as cd_dmarc  # noqa: E402
from checkdmarc import spf as cd_spf  # noqa: E402
from checkdmarc import utils as cd_utils  # noqa: E402
from differential_zones import CASES, domain, from_domain, zone_records  # noqa: E402
from dnsfixtures import Nsd  # noqa: E402

import ses_lint  # noqa: E402
from ses_lint.core.findings import Severity  # noqa: E402

ASPECTS = ("SES602", "SES603", "SES604", "SES605", "SES606", "SES608", "SES622", "SES623", "SES625", "SES640")
# these rules also warn below the limit (SES605: over it only as pyspf and Mail::SPF count); only the error is compared
ERROR_ONLY = ("SES604", "SES605", "SES606")
TIMEOUT = 2.0

# Every case where the two tools judge differently, and why. "BUG:" marks a ses-lint bug.
KNOWN_DISAGREEMENTS: dict[str, str] = {
    "spf-plus-all": "checkdmarc accepts `+all` silently (no error, no warning); ses-lint SES606: anyone may send",
    "spf-bare-all": "a bare `all` means `+all` (RFC 7208 §4.6.2); checkdmarc has no verdict on it, ses-lint SES606",
    "spf-void-exists": "checkdmarc never queries `exists` targets, so it counts no void lookup for them; ses-lint "
                       "asks the A record of a macro-free `exists` name and counts NXDOMAIN as void (RFC 7208 §4.6.4)",
    "spf-void-ptr": "checkdmarc resolves the A/AAAA of each `ptr` target and counts a void when there is none; "
                    "`ptr` really asks the client IP's PTR (§5.5), unknown without a message, so ses-lint counts "
                    "the lookup but no void",
    "spf-void-and-lookups": "checkdmarc stops at the first limit it reaches (the third void lookup) and never "
                            "finishes the count; ses-lint walks the whole tree and reports both the 11 lookups and "
                            "the 3 voids",
    "spf-v6-only": "three `a` terms on a host with only AAAA records: RFC 7208 §5.3 asks the address type of the "
                   "client's connection, and SES sends over IPv4 only (SESv2 DedicatedIp.Ip is an IPv4 address; "
                   "amazonses.com's SPF lists ip4 ranges alone), so each A query is void (§4.6.4) and receivers "
                   "return permerror (pyspf and Mail::SPF ask A for an IPv4 client); checkdmarc asks A and AAAA "
                   "and counts none",
    "spf-single-label": "`include:localhost` breaks the RFC 7208 §12 grammar (domain-end needs `.toplabel`): "
                        "ses-lint SES603; checkdmarc only warns (it leaves invalid names to §4.8) and looks it up",
    "spf-junk-after-all": "RFC 7208 §4.6: a syntax error anywhere in the record is a permerror, so `-all foo` is "
                          "SES603 for ses-lint; checkdmarc parses only up to `all` and warns that the rest is ignored",
    "spf-upper-case": "`V=SPF1 INCLUDE:... -ALL` is valid: RFC 7208 §12's ABNF literals and §4.6.1's names are "
                      "case-insensitive; checkdmarc's grammar matches the version `v=spf1` case-sensitively and "
                      "raises SPFSyntaxError (a checkdmarc bug); ses-lint accepts it",
    "spf-null-mx": "three `mx` terms on null MX names (`MX 0 .`, RFC 7505): checkdmarc drops the null MX and counts "
                   "each as void (SES605); the answer holds a record, and RFC 7208 §4.6.4 calls void only an empty "
                   "answer or NXDOMAIN, so ses-lint counts none",
    "spf-include-plus-all": "an include whose record ends in `+all` matches every sender (RFC 7208 §5.2: the include "
                            "matches on a pass; §5.1: `all` always matches), so anyone may send: ses-lint SES606 names "
                            "the chain; checkdmarc has no verdict on `all`, in includes or not",
    "spf-lame": "a referral (NOERROR, no AA, NS records in the authority section, RFC 1034 §4.3.2 step 3b) is not an "
                "answer: ses-lint reports SES640 (not checked); checkdmarc (dnspython's resolver) reads it as "
                "\"no TXT records\" and reports a missing SPF record",
    "wildcard-dmarc": "`*.<d> TXT \"v=spf1 -all\"` synthesizes that TXT at `_dmarc.x.<d>` (RFC 4592 §2.2); RFC 9989 "
                      "§4.10 step 2 discards records that do not start with `v=DMARC1` and the walk takes `_dmarc.<d>`: "
                      "ses-lint nothing; checkdmarc calls any other TXT at `_dmarc` an error (SES622)",
    "dmarc-psd-rua": "the policy is the Public Suffix Domain's (psd=y, RFC 9989 §4.10.1) and its rua points to "
                     "`dmarc.svc.<d>`, whose Organizational Domain by the tree walk is `svc.<d>`, not the `from` "
                     "domain's (`town.<d>`, §4.10.2): external, so RFC 9990 §4 wants an authorization; checkdmarc "
                     "compares by public suffix list and finds both under `<d>`",
    "dmarc-bad-adkim": "checkdmarc follows RFC 9989 §4.8 (an invalid value is replaced by the default, a warning); "
                       "ses-lint reports it as SES622 because the alignment written is not the one applied",
    "dmarc-bad-pct": "checkdmarc no longer validates the tags RFC 9989 removed (pct, rf, ri: a warning); ses-lint "
                     "still checks them, since RFC 7489 receivers read them (SES622 for pct=150, SES627 as well)",
    "dmarc-unrelated-txt": "checkdmarc makes any other TXT at `_dmarc` an error (UnrelatedTXTRecordFoundAtDMARC); "
                           "RFC 9989 §4.10 discards non-DMARC records, so ses-lint says nothing",
    "dmarc-walk-vs-psl": "checkdmarc decides \"external\" with the public suffix list (its own comment calls it an "
                         "approximation); ses-lint uses the RFC 9989 tree walk, where the record at `_dmarc.a.<d>` "
                         "makes `a.<d>` the organizational domain, so reports to `<d>` need authorization (RFC 9990 §4)",
}


# -- the two judges -----------------------------------------------------------------------------
def ses_lint_judgements(tmp_path, server: Nsd) -> dict[str, frozenset]:
    """One `lint()` over a config with one provider per case: {case: aspects reported}."""
    body = ['version: "1.0"\nproviders:\n']
    for name in CASES:
        body.append(f"  {name}:\n    provider: email.ses\n    config:\n"
                    f"      from: alerts@{from_domain(name)}\n      region: eu-west-1\n")
    path = tmp_path / "differential.yaml"
    path.write_text("".join(body))
    report = ses_lint.lint([str(path)], dns=True, nameservers=[server.nameserver], timeout=TIMEOUT, select=list(ASPECTS))
    found: dict[str, set] = {name: set() for name in CASES}
    for finding in report.findings:
        if finding.code in ERROR_ONLY and finding.severity != Severity.ERROR:
            continue
        found[finding.provider].add(finding.code)
    return {name: frozenset(codes) for name, codes in found.items()}


def _dns_fault(error: BaseException) -> bool:
    """An SPFRecordNotFound caused by a failed lookup (REFUSED, timeout), not by a missing record."""
    while error is not None:
        inner = getattr(error, "error", None)
        if isinstance(inner, BaseException) and not isinstance(inner, (cd_spf.SPFError,)):
            import dns.resolver

            return not isinstance(inner, (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer))
        error = error.__cause__
    return False


def checkdmarc_spf(name: str, **dns_args) -> set:
    try:
        cd_spf.query_spf_record(name, **dns_args)
    except cd_spf.MultipleSPFRTXTRecords:
        return {"SES602"}
    except cd_spf.SPFRecordNotFound as error:
        return {"SES640"} if _dns_fault(error) else set()
    try:
        cd_spf.get_spf_record(name, **dns_args)
    except (cd_spf.SPFIncludeLoop, cd_spf.SPFRedirectLoop):
        return {"SES608"}
    except cd_spf.SPFTooManyDNSLookups:
        return {"SES604"}
    except cd_spf.SPFTooManyVoidDNSLookups:
        return {"SES605"}
    except (cd_spf.SPFSyntaxError, cd_spf.MultipleSPFRTXTRecords):
        return {"SES603"}
    except cd_spf.SPFRecordNotFound as error:  # an include/redirect target without a record
        return {"unknown"} if _dns_fault(error) else {"SES603"}
    return set()


def checkdmarc_dmarc(name: str, **dns_args) -> set:
    try:
        query = cd_dmarc.query_dmarc_record(name, **dns_args)
    except cd_dmarc.MultipleDMARCRecords:
        return {"SES623"}
    except (cd_dmarc.UnrelatedTXTRecordFoundAtDMARC, cd_dmarc.DMARCRecordStartsWithWhitespace):
        return {"SES622"}
    except cd_dmarc.DMARCError:  # not found, or in the wrong place (SES621's business)
        return set()
    location = query["location"]
    try:
        parsed = cd_dmarc.parse_dmarc_record(query["record"], location, **dns_args)
    except (cd_dmarc.DMARCSyntaxError, cd_dmarc.UnrelatedTXTRecordFoundAtDMARC):
        return {"SES622"}
    found = set()
    for tag in ("rua", "ruf"):
        for uri in parsed["tags"].get(tag, {}).get("value") or []:
            if uri["scheme"] != "mailto":
                continue
            destination = uri["address"].rsplit("@", 1)[-1].lower()
            if destination == location:
                continue
            try:  # what checkdmarc's _parse_report_uris does, with the typed exception kept
                cd_dmarc.verify_dmarc_report_destination(location, destination, **dns_args)
            except cd_dmarc.UnverifiedDMARCURIDestination:
                found.add("SES625")
    return found


def checkdmarc_judgement(name: str, port: int) -> frozenset:
    dns_args = {"nameservers": [dns.nameserver.Do53Nameserver("127.0.0.1", port)], "timeout": TIMEOUT}
    return frozenset(checkdmarc_spf(name, **dns_args) | checkdmarc_dmarc(name, **dns_args))


# -- fixtures and tests ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def judgements(tmp_path_factory):
    server = Nsd(tmp_path_factory.mktemp("nsd-differential"), zone_records())
    try:
        cd_utils.DNS_CACHE.clear()  # checkdmarc caches answers process-wide, by name only
        ses = ses_lint_judgements(tmp_path_factory.mktemp("differential"), server)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            peer = dict(zip(CASES, pool.map(lambda case: checkdmarc_judgement(from_domain(case), server.port), CASES)))
        cd_utils.DNS_CACHE.clear()
    finally:
        server.stop()
    return {case: (ses[case], peer[case]) for case in CASES}


def test_corpus_size():
    assert len(CASES) >= 40
    assert set(KNOWN_DISAGREEMENTS) <= set(CASES)
    assert {code for case in CASES.values() for code in case.expect} == set(ASPECTS)


@pytest.mark.parametrize("case", list(CASES))
def test_ses_lint_judges_as_expected(case, judgements):
    """The corpus check: each zone makes ses-lint report what the case says (and nothing else compared)."""
    ses, _ = judgements[case]
    assert ses == CASES[case].expect, f"{domain(case)}: ses-lint reported {sorted(ses)}"


@pytest.mark.parametrize("case", list(CASES))
def test_checkdmarc_agrees(case, judgements):
    ses, peer = judgements[case]
    assert "unknown" not in peer or case in KNOWN_DISAGREEMENTS, f"{domain(case)}: checkdmarc met a DNS fault"
    if case in KNOWN_DISAGREEMENTS:
        assert ses != peer, f"{domain(case)}: listed as a disagreement but both say {sorted(ses)}: update KNOWN_DISAGREEMENTS"
    else:
        assert ses == peer, f"{domain(case)}: ses-lint {sorted(ses)}, checkdmarc {sorted(peer)}"
