"""The one builder of the dns stage's facts for tests: every table test makes its `SenderDomain` here.

The facts are built by hand, with no resolver and no socket. Where a fact is the outcome of an
evaluation a receiver makes (the SPF tree of RFC 7208, the DMARC tree walk of RFC 9989 §4.10), the
pure evaluator runs over an in-memory `Zone`: a table of answers keyed by name and type, which the
evaluator asks through the three methods it needs of a collector (`lookup`, `gather`, `synthesized`).
The facts the gatherer assembles (DKIM checks and `_domainkey` nodes, MAIL FROM, TXT/CNAME pairs) are
built directly from `Answer`s.

When a fact's shape changes (module, field or constructor), only this file changes: the tests import
the fact types they name (`DnsHints`, `SenderDomain`) from here too.
"""
from __future__ import annotations

import asyncio
import dataclasses
import weakref
from typing import Callable, Iterable, Mapping, Optional, Union

from ses_lint.collect.dns.dkim import is_dkim_key, parse_key
from ses_lint.collect.dns.dmarc import discover
from ses_lint.collect.dns.spf import evaluate
from ses_lint.core.findings import Finding
from ses_lint.facts.answer import Answer
from ses_lint.facts.dmarc import DmarcFacts
from ses_lint.facts.hints import DnsHints
from ses_lint.facts.sender import DkimCheck, DkimFacts, DomainFacts, MailFromFacts, SenderDomain
from ses_lint.facts.spf import SpfTree
from ses_lint.knowledge.aws import dkim_zone, feedback_host
from ses_lint.rules import load_rules
from ses_lint.source.config import ProviderEntry, SesProvider

FILE = "ses.yaml"
PROVIDER = "email-ses"
FROM_PATH = ("providers", PROVIDER, "config", "from")
SES = "include:amazonses.com"
AMAZONSES_SPF = "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 ip4:69.169.224.0/20 -all"
FAULTS = ("servfail", "refused", "timeout", "error", "referral")
FAULT_WORDS = {  # what SES640 says of each fault (resolver._FAULT_WORDS)
    "servfail": "the server failed (SERVFAIL)",
    "refused": "the server refused the query (REFUSED)",
    "timeout": "the lookup timed out",
    "error": "the lookup failed",
    "referral": "the server answered with a referral, not an answer (a lame delegation)",
}

Records = Union[str, Iterable[str], Answer]


# -- answers ---------------------------------------------------------------------------------------
def answer(name: str, rtype: str = "TXT", records: Iterable[str] = (), *, status: Optional[str] = None,
           fault: Optional[str] = None, mx: Iterable[tuple[int, str]] = (), size: int = 0, canonical: str = "",
           detail: str = "") -> Answer:
    """One lookup's outcome. `records` (TXT strings already joined, a CNAME target, an address) or `mx`
    make it `ok`; else `status` says (`nxdomain`, `nodata`); `fault` (servfail, refused, timeout, error,
    referral) makes it a fault with `detail`."""
    mx = tuple(sorted(mx))
    records = tuple(records) or tuple(host for _, host in mx)
    if fault is not None:
        assert fault in FAULTS, fault
        return Answer(name, rtype, fault, detail=detail)
    if status is None:
        status = "ok" if records else "nodata"
    if rtype == "TXT" and status == "ok" and not size:
        size = txt_reply_size(name, records)
    return Answer(name, rtype, status, records=records, mx=mx, detail=detail, size=size, canonical=canonical)


def txt_reply_size(name: str, records: Iterable[str]) -> int:
    """The bytes of a plain reply carrying these TXT records, each split into strings of at most 255
    bytes as zone files split them: header, question, and per record a 2-byte owner pointer, 10 bytes
    of fixed fields and the strings with their length octets (what the transport measures)."""
    total = 12 + len(name) + 2 + 4
    for text in records:
        data = len(text.encode("utf-8"))
        total += 12 + data + max(1, -(-data // 255))
    return total


def nx(name: str, rtype: str = "TXT") -> Answer:
    return answer(name, rtype, status="nxdomain")


def nodata(name: str, rtype: str = "TXT") -> Answer:
    return answer(name, rtype, status="nodata")


def fault(name: str, rtype: str = "TXT", kind: str = "servfail", detail: str = "") -> Answer:
    return answer(name, rtype, fault=kind, detail=detail)


def mx_answer(name: str, *hosts: Union[str, tuple[int, str]]) -> Answer:
    """MX records: `"host"` (preference 10) or `(preference, host)`; `""` is the null MX (RFC 7505)."""
    pairs = [host if isinstance(host, tuple) else (10, host) for host in hosts]
    return answer(name, "MX", mx=pairs) if pairs else nodata(name, "MX")


# -- an in-memory zone for the evaluators ------------------------------------------------------------
class Zone:
    """Answers by (name, TYPE). `records` maps `"name TYPE"` to a string or strings (records), an
    `Answer` (as is: a fault, a status), or a fault name (`"servfail"`, ...). A name that is asked
    but not listed is NXDOMAIN unless some listed name lies below it (then NODATA, as for an empty
    non-terminal). `amazonses.com TXT` answers with SES's record unless listed. `asked` records the
    (name, TYPE) pairs the evaluator asked, in order."""

    def __init__(self, records: Optional[Mapping[str, object]] = None):
        self.table: dict[tuple[str, str], Answer] = {}
        self.asked: list[tuple[str, str]] = []
        self.add({"amazonses.com TXT": AMAZONSES_SPF})
        self.add(records or {})

    def add(self, records: Mapping[str, object]) -> "Zone":
        for key, value in records.items():
            name, _, rtype = key.rpartition(" ")
            name, rtype = name.strip().rstrip(".").lower(), rtype.upper()
            self.table[(name, rtype)] = self._answer(name, rtype, value)
        return self

    @staticmethod
    def _answer(name: str, rtype: str, value: object) -> Answer:
        if isinstance(value, Answer):
            return value
        if isinstance(value, str) and value in FAULTS:
            return fault(name, rtype, value)
        if isinstance(value, str) and value in ("nxdomain", "nodata"):
            return answer(name, rtype, status=value)
        texts = (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]
        if rtype == "MX":
            return mx_answer(name, *texts)
        return answer(name, rtype, texts)

    def get(self, name: str, rtype: str) -> Answer:
        name, rtype = name.strip().rstrip(".").lower(), rtype.upper()
        found = self.table.get((name, rtype))
        if found is not None:
            return found
        if any(known == name or known.endswith("." + name) for known, _ in self.table):
            return nodata(name, rtype)
        return nx(name, rtype)

    # what the evaluators need of a DnsCollector
    def lookup(self, name: str, rtype: str):
        self.asked.append((name, rtype.upper()))
        future = asyncio.get_running_loop().create_future()
        future.set_result(self.get(name, rtype))
        return future

    async def gather(self, pairs) -> list[Answer]:
        return [await self.lookup(name, rtype) for name, rtype in pairs]

    async def synthesized(self, found: Answer) -> Optional[bool]:
        """No wildcards here: the evaluators never ask; `_domainkey` nodes are built with `dkim_dns(wildcard=...)`."""
        return False


def _zone(zone: Union[Zone, Mapping[str, object], None]) -> Zone:
    return zone if isinstance(zone, Zone) else Zone(zone)


def spf_tree(domain: str, zone: Union[Zone, Mapping[str, object], None] = None) -> SpfTree:
    """The SPF tree of `domain` as the evaluator walks it (RFC 7208) over `zone`."""
    return asyncio.run(evaluate(_zone(zone), domain))  # type: ignore[arg-type]


def dmarc_facts(domain: str, zone: Union[Zone, Mapping[str, object], None] = None) -> DmarcFacts:
    """The DMARC tree walk (RFC 9989 §4.10), RFC 7489's view and report authorizations over `zone`."""
    return asyncio.run(discover(_zone(zone), domain))  # type: ignore[arg-type]


# -- DKIM ------------------------------------------------------------------------------------------
def token(name: str, selector: str, expected: str, cname: Optional[Answer]) -> DkimCheck:
    return DkimCheck("token", selector, name, expected, cname=cname)


def selector_check(domain: str, selector: str, *, cname: Optional[Answer] = None, txt: Optional[Records] = None,
                   zone: Optional[str] = None) -> DkimCheck:
    """A `--dkim-selector` name: its CNAME (default: no CNAME there) and TXT (a key's text, or an Answer);
    the key is parsed as the gatherer parses it (the first TXT that is a DKIM key)."""
    name = f"{selector}._domainkey.{domain}"
    check = DkimCheck("selector", selector, name, f"{selector}.{zone or 'dkim.amazonses.com'}",
                      cname=cname if cname is not None else nodata(name, "CNAME"))
    if check.cname.fault or check.points_at_ses:
        return check
    if not isinstance(txt, Answer):
        texts = (txt,) if isinstance(txt, str) else tuple(txt or ())
        txt = answer(name, "TXT", texts) if texts else nx(name)
    keys = [text for text in txt.records if is_dkim_key(text)] if txt.ok else []
    return dataclasses.replace(check, txt=txt, key=parse_key(name, keys[0]) if keys else None)


def dkim_aws(domain: str, tokens: Mapping[str, Union[str, Answer, None]], *, zone: str = "dkim.amazonses.com",
             checks: Iterable[DkimCheck] = ()) -> DkimFacts:
    """Easy DKIM as the aws stage knows it: `tokens` maps each token to its CNAME: a target, an Answer,
    or None (the target SES expects)."""
    made = []
    for selector, target in tokens.items():
        name = f"{selector}._domainkey.{domain}"
        expected = f"{selector}.{zone}"
        cname = target if isinstance(target, Answer) else answer(name, "CNAME", [target or expected])
        made.append(token(name, selector, expected, cname))
    return DkimFacts(domain, "aws", zone, checks=(*made, *checks))


def easy_dkim(domain: str, tokens: Mapping[str, Union[str, Answer, None]], *, signing_zone: Optional[str] = "dkim.amazonses.com",
              region: Optional[str] = None, mail_from_domain: Optional[str] = None) -> dict:
    """`hints=` and `dkim=` for `sender()`: the aws stage's Easy DKIM tokens of the identity `domain`
    (each token's CNAME as `dkim_aws` takes it) and the DKIM facts the gatherer makes of them: the
    CNAMEs must point into `signing_zone`, or without one into the region's zone."""
    hints = DnsHints(identity_domain=domain, dkim_tokens=tuple(tokens), signing_hosted_zone=signing_zone, region=region,
                     mail_from_domain=mail_from_domain)
    return {"hints": hints, "dkim": dkim_aws(domain, tokens, zone=signing_zone or dkim_zone(region))}


def dkim_dns(domain: str, nodes: Optional[Mapping[str, Union[str, Answer]]] = None, *, region: Optional[str] = None,
             wildcard: Optional[Mapping[str, Optional[bool]]] = None, checks: Iterable[DkimCheck] = (),
             node_domain: Optional[str] = None, probe: str = "servfail") -> DkimFacts:
    """DKIM without the aws stage (RFC 8020 fallback): `nodes` maps each domain asked (the `from` domain,
    then its parents) to the `_domainkey.<name> TXT` answer: an Answer or a status ("nxdomain",
    "nodata", a fault name). Default: `_domainkey.<domain>` exists with no records (keys below it).
    `wildcard` maps node names to "synthesized?" as the gatherer's probe found; unset: False for every
    node that exists; None: the probe beside it failed with the fault `probe` (kept as the gatherer keeps
    it, at a random name beside the node). `node_domain` is the deepest domain whose node exists
    (derived unless given)."""
    nodes = {domain: "nodata"} if nodes is None else nodes
    asked: list[Answer] = []
    seen: dict[str, Optional[bool]] = {}
    probes: dict[str, Answer] = {}
    deepest = None
    for name, value in nodes.items():
        node = f"_domainkey.{name}"
        found = value if isinstance(value, Answer) else (fault(node, "TXT", value) if value in FAULTS else answer(node, "TXT", status=value))
        asked.append(found)
        if found.status != "nxdomain" and not found.fault:
            synthesized = (wildcard or {}).get(node, False)
            seen[node] = synthesized
            if synthesized is None:
                probes[node] = fault(f"ses-lint-0123456789.{name}", "TXT", probe)
            if synthesized is False:
                deepest = deepest or name
                break
    return DkimFacts(domain, "dns", dkim_zone(region), tuple(asked), tuple(checks),
                     node_domain if node_domain is not None else deepest, seen, probes)


# -- MAIL FROM --------------------------------------------------------------------------------------
def mail_from(domain: str, region: str = "eu-west-1", source: str = "option", *, mx: Union[str, Answer, None] = "right",
              spf: Union[str, Mapping[str, object], SpfTree, None] = f"v=spf1 {SES} ~all",
              conflicts: Iterable[tuple[Answer, Answer]] = ()) -> MailFromFacts:
    """A custom MAIL FROM domain: `mx` "right" (the region's feedback host), a host, an Answer, or None
    (NXDOMAIN); `spf` its TXT text, a zone for its SPF tree, a tree, or None (no TXT at all: NXDOMAIN)."""
    if mx == "right":
        mx_found = mx_answer(domain, feedback_host(region))
    elif isinstance(mx, Answer):
        mx_found = mx
    elif mx is None:
        mx_found = nx(domain, "MX")
    else:
        mx_found = mx_answer(domain, mx)
    zone = None
    if isinstance(spf, SpfTree):
        tree = spf
    else:
        zone = Zone({f"{domain} TXT": spf} if isinstance(spf, str) else (spf or {}))
        tree = spf_tree(domain, zone)
    facts = MailFromFacts(domain, region, source, mx_found, tree, tuple(conflicts))
    if zone is not None:
        ZONES[facts] = zone
    return facts


# -- the subject ------------------------------------------------------------------------------------
def provider(key: str = PROVIDER, file: str = FILE) -> SesProvider:
    """An SES provider entry, enough for a finding at its `config.from`."""
    return SesProvider(ProviderEntry(file, key, {}, {}, [], {}))  # no run: static subjects are plain data


def domain_facts(domain: str, zone: Union[Zone, Mapping[str, object], None] = None, *, spf99: Union[Answer, None] = None,
                 conflicts: Iterable[tuple[Answer, Answer]] = ()) -> DomainFacts:
    """The `from` domain's facts from `zone`: the apex TXT, its SPF tree, the type-99 record (default: no
    data), the DMARC walk."""
    zone = _zone(zone)
    apex = zone.get(domain, "TXT")
    tree = asyncio.run(evaluate(zone, domain, apex))  # type: ignore[arg-type]
    dmarc = dmarc_facts(domain, zone)
    return DomainFacts(domain, apex, tree, spf99 if spf99 is not None else zone.get(domain, "SPF"), dmarc, tuple(conflicts))


def clean_zone(domain: str, *, spf: Optional[str] = f"v=spf1 {SES} -all", dmarc: Optional[str] = "v=DMARC1; p=reject",
               **more: object) -> dict[str, object]:
    """A domain with nothing to report: SPF with SES, DMARC reject. `spf=None` / `dmarc=None` leave the
    record out; `more` adds `"name TYPE"` entries (keyword form: `more={"x TXT": ...}` for dotted names)."""
    records: dict[str, object] = {}
    if spf is not None:
        records[f"{domain} TXT"] = spf
    if dmarc is not None:
        records[f"_dmarc.{domain} TXT"] = dmarc
    records.update(more.pop("more", {}))  # type: ignore[arg-type]
    records.update(more)
    return records


def sender(domain: str = "acme.test", zone: Union[Zone, Mapping[str, object], None] = None, *, region: str = "eu-west-1",
           spf: Optional[str] = f"v=spf1 {SES} -all", dmarc: Optional[str] = "v=DMARC1; p=reject",
           records: Optional[Mapping[str, object]] = None, dkim: Optional[DkimFacts] = None,
           mail_froms: Iterable[MailFromFacts] = (), hints: Optional[DnsHints] = None,
           spf99: Optional[Answer] = None, conflicts: Iterable[tuple[Answer, Answer]] = (),
           facts: Optional[DomainFacts] = None, key: str = PROVIDER) -> SenderDomain:
    """One provider sending from `domain`. Without `zone`, the domain is clean (`spf`, `dmarc`, and
    `records` added to the zone); DKIM defaults to `_domainkey.<domain>` existing (RFC 8020 fallback)."""
    if zone is None:
        zone = clean_zone(domain, spf=spf, dmarc=dmarc, more=dict(records or {}))
    zone = _zone(zone)
    built = facts is None
    facts = facts or domain_facts(domain, zone, spf99=spf99, conflicts=conflicts)
    dkim = dkim if dkim is not None else dkim_dns(domain, region=region)
    default_mail_from = hints is not None and not hints.mail_from_domain
    subject = SenderDomain(provider(key), domain, region, facts, dkim, tuple(mail_froms), hints, default_mail_from)
    if built:
        ZONES[subject] = zone
    return subject


# the zone each subject's domain facts, and each MAIL FROM's SPF, were built from
# (test_facts_match_collector.py serves them)
ZONES: "weakref.WeakKeyDictionary[object, Zone]" = weakref.WeakKeyDictionary()


def zone_file(zone: Zone, rename: Callable[[str], str]) -> Optional[str]:
    """The zone's records (but SES's own) in zone-file syntax, names and texts passed through `rename`;
    None when a record cannot be served as it is (a fault, a status)."""
    lines = []
    for (name, rtype), found in sorted(zone.table.items()):
        if name == "amazonses.com":
            continue
        if not found.ok:
            return None
        owner = rename(name) + "."
        if rtype == "MX":
            lines += [f"{owner} MX {pref} {rename(host) + '.' if host else '.'}" for pref, host in found.mx]
        elif rtype in ("TXT", "SPF"):
            lines += [f"{owner} {rtype} {zone_txt(rename(text))}" for text in found.records]
        else:
            lines += [f"{owner} {rtype} {text}" for text in found.records]
    return "\n".join(lines) + "\n"


def zone_txt(text: str) -> str:
    """TXT rdata in zone syntax, split into strings of at most 255 bytes (RFC 1035 §3.3.14)."""
    chunks = [text[index:index + 255] for index in range(0, len(text), 255)] or [""]
    return " ".join('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"' for chunk in chunks)


# -- running rules ----------------------------------------------------------------------------------
def run(code: str, subject: SenderDomain) -> list[Finding]:
    """The findings of one rule on one subject, as the engine stamps them (code, stage, severity)."""
    return list(load_rules()[code].run(subject))


def run_all(subject: SenderDomain, prefix: str = "SES6") -> list[Finding]:
    """Every DNS rule on the subject."""
    found: list[Finding] = []
    for code, rule in sorted(load_rules().items()):
        if code.startswith(prefix) and rule.subject is SenderDomain:
            found += list(rule.run(subject))
    return found


def shown(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    """(code, severity, message) of each finding, in the rules' order."""
    return [(finding.code, finding.severity.value, finding.message) for finding in findings]  # type: ignore[union-attr]
