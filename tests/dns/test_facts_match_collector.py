"""The fact tables are only as good as their builder: this checks it against the real collector.

Every case of test_rules_on_facts.py whose facts can be served as they are (records, NXDOMAIN and
NODATA, but no fault, no wildcard, no TXT beside a CNAME) is served by one NSD on loopback, each case
under its own domain, and linted with one provider per case: the findings, messages included, must be
those the table pins. The aws stage's hints of a case (Easy DKIM tokens, the identity's MAIL FROM) are
handed to the gatherer as the aws stage hands them; `--mail-from` and `--dkim-selector` are options of
a run, so the cases are linted in one run per set of selectors. So the collector end to end (TXT strings
joined, several records, MX, AAAA, type SPF, CNAME, NXDOMAIN and NODATA, reply sizes, the SPF walk and
the DMARC tree walk over the wire, the `_domainkey` names, selectors' keys, MAIL FROM domains) gives the
facts factkit.py builds by hand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import pytest
from dnsfixtures import Nsd, run_dns, write_config
from factkit import ZONES, DnsHints, SenderDomain, dkim_zone, zone_file, zone_txt
from test_rules_on_facts import CASES, ORDER

BASE = "acme.test"


@dataclass
class Served:
    id: str
    expect: list
    key: str  # the provider's key
    slug: str  # the case's domain in place of acme.test
    domain: str
    region: str
    text: str  # zone records
    hints: Optional[DnsHints] = None
    mail_from: list = field(default_factory=list)  # --mail-from domains
    selectors: tuple = ()  # --dkim-selector names


def _lines(name: str, rtype: str, found, rename) -> Optional[list]:
    """Zone lines that make `name TYPE` answer as `found` does (None if no zone line can)."""
    owner = rename(name) + "."
    if found.fault:
        return None
    if found.status in ("nxdomain", "nodata"):
        return []  # nothing of the type at the name (the caller makes the name exist for no data)
    if rtype == "CNAME":
        return [f"{owner} CNAME {rename(found.records[0])}."]
    if rtype == "MX":
        return [f"{owner} MX {pref} {rename(host) + '.' if host else '.'}" for pref, host in found.mx]
    return [f"{owner} {rtype} {zone_txt(rename(text))}" for text in found.records]


def _serve(index: int, case, subject: SenderDomain) -> Optional[Served]:
    zone = ZONES.get(subject)
    if zone is None or not subject.domain.endswith(BASE) or subject.facts.conflicts:
        return None
    slug = f"k{index:03d}.test"

    def rename(text: str) -> str:
        return re.sub(r"(?<![\w-])acme\.test\b", slug, text)

    names = [name for name, _ in zone.table if name != "amazonses.com"]
    if any(slug not in rename(name) for name in names):
        return None  # a name outside the case's domain could clash with another case's
    text = zone_file(zone, rename)
    if text is None:
        return None
    lines = [text]
    hints = subject.hints
    dkim = subject.dkim
    selectors = ()
    if dkim.source == "dns":
        if any(dkim.wildcard.values()) or any(node.status not in ("nxdomain", "nodata") for node in dkim.nodes):
            return None
        if hints is not None and (hints.dkim_tokens or hints.identity_domain not in (None, subject.domain)):
            return None
        if dkim.node_domain and not dkim.checks:  # `_domainkey.<node>` exists: a name below it makes it an empty non-terminal
            lines.append(f"tok1._domainkey.{rename(dkim.node_domain)}. CNAME tok1.dkim.amazonses.com.\n")
    else:
        tokens = tuple(check.selector for check in dkim.checks if check.kind == "token")
        if (hints is None or hints.dkim_tokens != tokens or (hints.identity_domain or subject.domain) != dkim.domain
                or (hints.signing_hosted_zone or dkim_zone(hints.region or subject.region)) != dkim.zone):
            return None
    for check in dkim.checks:
        if check.kind == "token":
            served = _lines(check.name, "CNAME", check.cname, rename)
            if served is None:
                return None
            if check.cname.status == "nodata":  # the name exists, with no CNAME
                served = [f"{rename(check.name)}. TXT \"not a CNAME\""]
            lines += [line + "\n" for line in served]
            continue
        selectors += (check.selector,)
        # the TXT of a name with a CNAME is the target's (the CNAME is followed)
        txt_at = check.cname.records[0] if check.cname is not None and check.cname.ok else check.name
        if check.txt is not None and slug not in rename(txt_at):
            return None
        for name, found, rtype in ((check.name, check.cname, "CNAME"), (txt_at, check.txt, "TXT")):
            served = _lines(name, rtype, found, rename) if found is not None else []
            if served is None:
                return None
            lines += [line + "\n" for line in served]
    selectors = tuple(sorted(selectors))
    mail_from = []
    for facts in subject.mail_from:
        spf_zone = ZONES.get(facts)
        if spf_zone is None or facts.conflicts or facts.region != subject.region or slug not in rename(facts.domain):
            return None
        if facts.source == "aws" and (hints is None or hints.mail_from_domain != facts.domain):
            return None
        spf_text = zone_file(spf_zone, rename)
        mx = _lines(facts.domain, "MX", facts.mx, rename)
        if spf_text is None or mx is None or (facts.mx.status == "nodata" and not spf_text.strip()):
            return None
        if facts.mx.status == "nxdomain" and spf_text.strip():
            return None
        lines += [spf_text] + [line + "\n" for line in mx]
        if facts.source == "option":
            mail_from.append(rename(facts.domain))
    if hints is not None:
        hints = DnsHints(
            identity_domain=rename(hints.identity_domain) if hints.identity_domain else None,
            dkim_tokens=hints.dkim_tokens, signing_hosted_zone=hints.signing_hosted_zone,
            mail_from_domain=rename(hints.mail_from_domain) if hints.mail_from_domain else None, region=hints.region)
        if hints.identity_domain and slug not in hints.identity_domain:
            return None
    return Served(case.id, case.expect, slug.split(".")[0], slug, rename(subject.domain), subject.region, "".join(lines),
                  hints, mail_from, selectors)


def _served() -> list[Served]:
    found = []
    for index, case in enumerate(CASES):
        served = _serve(index, case, case.build())
        if served is not None:
            found.append(served)
    return found


SERVED = _served()


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    """{provider: [(code, severity, message with `acme.test` back)]} over all served cases: one NSD, one
    run per set of `--dkim-selector` names."""
    from ses_lint.collect.dns import gather

    server = Nsd(tmp_path_factory.mktemp("nsd-facts"), "".join(served.text for served in SERVED))
    hints = {served.key: served.hints for served in SERVED if served.hints is not None}
    found: dict[str, list] = {served.key: [] for served in SERVED}
    slugs = {served.key: served.slug for served in SERVED}
    try:
        with pytest.MonkeyPatch.context() as patch:  # the aws stage's hints, per provider, as it hands them over
            patch.setattr(gather, "_aws_hints", lambda run: {(p.file, p.key): hints[p.key] for p in run.subjects(gather.SesProvider) if p.key in hints})
            for selectors in sorted({served.selectors for served in SERVED}):
                group = [served for served in SERVED if served.selectors == selectors]
                folder = tmp_path_factory.mktemp("facts-config")
                path = write_config(folder, *((served.key, f"a@{served.domain}", served.region) for served in group))
                mail_from = [domain for served in group for domain in served.mail_from]
                report = run_dns(path, server, mail_from=mail_from, dkim_selectors=list(selectors))
                for finding in report.findings:
                    message = finding.message.replace(slugs[finding.provider], BASE)
                    found[finding.provider].append((finding.code, finding.severity.value, message))
    finally:
        server.stop()
    return found


def test_most_cases_are_served():
    assert len(SERVED) >= 90, len(SERVED)


@pytest.mark.parametrize("served", SERVED, ids=[served.id for served in SERVED])
def test_the_collector_gives_what_the_table_pins(served, findings):
    expect = sorted(served.expect, key=lambda item: (ORDER[item[0]], item))
    got = sorted(findings[served.key], key=lambda item: (ORDER[item[0]], item))  # the gatherer sorts the selectors
    assert got == expect
