"""The fact tables are only as good as their builder: this checks it against the real collector.

Every case of test_rules_on_facts.py whose facts all come from its zone (DKIM from `_domainkey` names
alone, no MAIL FROM, no aws hints, no TXT/CNAME pair, no fault) is served by one NSD on loopback, each under its own domain, and linted in one
run with one provider per case: the findings, messages included, must be those the table pins. So the
collector end to end (TXT strings joined, multiple records, MX, AAAA, type SPF, NXDOMAIN and NODATA,
reply sizes, the SPF walk and the DMARC tree walk over the wire) agrees with the facts built by hand.
"""
from __future__ import annotations

import re

import pytest
from dnsfixtures import Nsd, run_dns, write_config
from factkit import ZONES, zone_file
from test_rules_on_facts import CASES, ORDER

BASE = "acme.test"


def _served():
    """(case, slug, from domain, zone text) for every case the collector can be asked about."""
    served = []
    for index, case in enumerate(CASES):
        subject = case.build()
        zone = ZONES.get(subject)
        dkim = subject.dkim
        if (zone is None or not subject.domain.endswith(BASE) or subject.hints is not None or subject.mail_from
                or subject.facts.conflicts or dkim.source != "dns" or dkim.checks or any(dkim.wildcard.values())
                or any(node.status not in ("nxdomain", "nodata") for node in dkim.nodes)):
            continue
        slug = f"k{index:03d}.test"
        rename = lambda text, slug=slug: re.sub(r"(?<![\w-])acme\.test\b", slug, text)
        names = [name for name, _ in zone.table if name != "amazonses.com"]
        if any(slug not in rename(name) for name in names):
            continue  # a name outside the case's domain could clash with another case's
        text = zone_file(zone, rename)
        if text is None:
            continue
        domain = rename(subject.domain)
        if dkim.node_domain:  # `_domainkey.<node>` exists: a name below it makes it an empty non-terminal
            text += f"tok1._domainkey.{rename(dkim.node_domain)}. CNAME tok1.dkim.amazonses.com.\n"
        served.append((case, slug, domain, text))
    return served


SERVED = _served()


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    """One lint over every served case: {provider: [(code, severity, message with `acme.test` back)]}."""
    server = Nsd(tmp_path_factory.mktemp("nsd-facts"), "".join(text for _, _, _, text in SERVED))
    try:
        folder = tmp_path_factory.mktemp("facts-config")
        path = write_config(folder, *((slug.split(".")[0], f"a@{domain}") for _, slug, domain, _ in SERVED))
        report = run_dns(path, server)
    finally:
        server.stop()
    found: dict[str, list] = {slug.split(".")[0]: [] for _, slug, _, _ in SERVED}
    back = {slug.split(".")[0]: slug for _, slug, _, _ in SERVED}
    for finding in report.findings:
        slug = back[finding.provider]
        found[finding.provider].append((finding.code, finding.severity.value, finding.message.replace(slug, BASE)))
    return found


def test_most_cases_are_served():
    assert len(SERVED) >= 60, len(SERVED)


@pytest.mark.parametrize("served", SERVED, ids=[case.id for case, _, _, _ in SERVED])
def test_the_collector_gives_what_the_table_pins(served, findings):
    case, slug, _, _ = served
    expect = sorted(case.expect, key=lambda item: ORDER[item[0]])
    got = sorted(findings[slug.split(".")[0]], key=lambda item: ORDER[item[0]])
    assert got == expect
