"""DMARC: a record parser accepting RFC 7489 and RFC 9989 records, the RFC 9989 §4.10 DNS tree walk,
and the external report authorization of RFC 7489 §7.1 / RFC 9990 §4.

No dnspython here: lookups go through a `DnsCollector`.
"""
from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

from ses_lint.collect.dns.resolver import Answer, DnsCollector
from ses_lint.knowledge.names import normalize, within

WALK_LIMIT = 8  # RFC 9989 §4.10: at most 8 queries
POLICIES = ("none", "quarantine", "reject")
OBSOLETE_TAGS = ("pct", "rf", "ri")  # removed by RFC 9989
KNOWN_TAGS = ("v", "p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "psd", "t", *OBSOLETE_TAGS)
_TAG_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$", re.DOTALL)


@dataclass
class DmarcRecord:
    domain: str  # where it was found (without `_dmarc.`)
    text: str
    tags: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def policy(self, for_domain: str, exists: bool = True) -> Optional[str]:
        """The policy applying to `for_domain` (RFC 9989 §4.10.1): `p` at the record's own domain; for a
        domain below it `sp` if the domain exists, `np` (then `sp`) if it does not, else `p`. No `p` = none."""
        p = self.tags.get("p", "none").lower()
        if normalize(for_domain) != self.domain:
            for tag in ("sp",) if exists else ("np", "sp"):
                value = self.tags.get(tag, "").lower()
                if value in POLICIES:
                    return value
        return p if p in POLICIES else None

    def policy_tag(self, for_domain: str) -> str:
        """The tag `policy(for_domain)` read (for messages)."""
        if normalize(for_domain) != self.domain and self.tags.get("sp", "").lower() in POLICIES:
            return "sp"
        return "p"

    @property
    def adkim(self) -> str:
        return self.tags.get("adkim", "r").lower()

    @property
    def aspf(self) -> str:
        return self.tags.get("aspf", "r").lower()

    @property
    def psd(self) -> str:
        return self.tags.get("psd", "u").lower()

    @property
    def testing(self) -> bool:
        return self.tags.get("t", "n").lower() == "y"

    def report_uris(self) -> list[tuple[str, str]]:
        """(tag, uri) for every rua/ruf URI."""
        uris = []
        for tag in ("rua", "ruf"):
            for uri in self.tags.get(tag, "").split(","):
                if uri.strip():
                    uris.append((tag, uri.strip()))
        return uris

    @property
    def obsolete(self) -> list[str]:
        return [tag for tag in OBSOLETE_TAGS if tag in self.tags]


def looks_like_dmarc(text: str) -> bool:
    """A TXT that was meant as DMARC (`v=DMARC1` somewhere, in any case), valid or not."""
    return "v=dmarc1" in text.replace(" ", "").lower()


def is_dmarc(text: str) -> bool:
    """RFC 9989 §4.7: the record starts with the tag `v=DMARC1` (spaces around `=` allowed). The tag name
    is case-insensitive like every ABNF literal (RFC 5234 §2.3); the value `DMARC1` is exact."""
    match = re.match(r"^[vV]\s*=\s*DMARC1\s*(;|$)", text)
    return match is not None


def parse(domain: str, text: str) -> DmarcRecord:
    """Parse a DMARC record; `errors` lists each syntax problem (an empty list means valid)."""
    record = DmarcRecord(normalize(domain), text)
    if not is_dmarc(text):
        record.errors.append("`v=DMARC1` must come first, exactly so (RFC 9989 §4.7)")
    parts = [part.strip() for part in text.split(";")]
    for index, part in enumerate(parts):
        if not part:
            if index != len(parts) - 1:
                record.errors.append("empty tag between `;;`")
            continue
        match = _TAG_RE.match(part)
        if not match:
            record.errors.append(f"`{part}` is not `tag=value`")
            continue
        tag, value = match.group(1).lower(), match.group(2).strip()
        if tag in record.tags:
            record.errors.append(f"tag `{tag}` given twice")
            continue
        record.tags[tag] = value
        problem = _check_value(tag, value)
        if problem:
            record.errors.append(problem)
    return record


def _check_value(tag: str, value: str) -> Optional[str]:
    lowered = value.lower()
    if tag == "v":
        return None if value == "DMARC1" else f"`v={value}`: the version must be exactly `DMARC1`"
    if tag in ("p", "sp", "np"):
        return None if lowered in POLICIES else f"`{tag}={value}`: must be none, quarantine or reject"
    if tag in ("adkim", "aspf"):
        return None if lowered in ("r", "s") else f"`{tag}={value}`: must be r or s"
    if tag == "t":
        return None if lowered in ("y", "n") else f"`t={value}`: must be y or n"
    if tag == "psd":
        return None if lowered in ("y", "n", "u") else f"`psd={value}`: must be y, n or u"
    if tag == "fo":
        options = [option.strip() for option in lowered.split(":")]
        return None if options and all(option in ("0", "1", "d", "s") for option in options) else f"`fo={value}`: must be 0, 1, d, s or a `:` list of them"
    if tag == "pct":
        return None if value.isdigit() and 0 <= int(value) <= 100 else f"`pct={value}`: must be a number from 0 to 100"
    if tag == "ri":
        return None if value.isdigit() else f"`ri={value}`: must be a number of seconds"
    if tag == "rf":
        return None if all(part.strip().lower() == "afrf" for part in value.split(":")) else f"`rf={value}`: must be afrf"
    if tag in ("rua", "ruf"):
        for uri in value.split(","):
            uri = uri.strip()
            if not uri:
                return f"`{tag}`: empty URI in the list"
            address = uri.split("!", 1)[0]
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:.+", address):
                return f"`{tag}`: `{uri}` is not a URI (write `mailto:reports@example.org`)"
            if address.lower().startswith("mailto:") and "@" not in address:
                return f"`{tag}`: `{uri}` has no address"
        return None
    return None  # unknown tags are ignored (RFC 9989 §4.7)


def mailto_domain(uri: str) -> Optional[str]:
    address = uri.split("!", 1)[0]
    if not address.lower().startswith("mailto:") or "@" not in address:
        return None
    return normalize(address.rsplit("@", 1)[1].split("?", 1)[0])


def walk_targets(domain: str) -> list[str]:
    """RFC 9989 §4.10 tree walk: the names asked, from `domain` up to its TLD, at most 8 of them."""
    labels = normalize(domain).split(".")
    targets = [".".join(labels)]
    if len(labels) >= WALK_LIMIT:
        labels = labels[-(WALK_LIMIT - 1):]
        targets.append(".".join(labels))
    else:
        labels = labels[1:]
        if labels:
            targets.append(".".join(labels))
    while len(labels) > 1:
        labels = labels[1:]
        targets.append(".".join(labels))
    return targets


@dataclass
class WalkLevel:
    domain: str
    answer: Answer
    records: list[DmarcRecord]  # the TXT strings starting as DMARC (valid or not)
    lookalikes: list[str]  # meant as DMARC but not starting with v=DMARC1: discarded


@dataclass
class Authorization:
    tag: str
    uri: str
    destination: str
    name: str  # <policy-domain>._report._dmarc.<destination>
    answer: Optional[Answer] = None

    @property
    def authorized(self) -> Optional[bool]:
        if self.answer is None or self.answer.fault:
            return None
        return any(is_dmarc(text) for text in self.answer.records)


@dataclass
class DmarcFacts:
    """The tree walk for one domain and what it decides."""

    domain: str
    levels: list[WalkLevel] = field(default_factory=list)
    faults: list[Answer] = field(default_factory=list)
    record: Optional[DmarcRecord] = None  # the policy record (RFC 9989 §4.10.1)
    multiple: Optional[WalkLevel] = None  # the first level with several DMARC records
    known: bool = False  # the walk reached a decision without a fault in the way
    organizational_domain: Optional[str] = None
    psd_domain: Optional[str] = None  # where a psd=y record was found, if one was
    legacy_domain: Optional[str] = None  # RFC 7489 §3.2: the Organizational Domain by the Public Suffix List
    legacy_record: Optional[DmarcRecord] = None  # the record an RFC 7489 §6.6.3 receiver applies
    legacy_known: bool = False
    authorizations: list[Authorization] = field(default_factory=list)

    @property
    def lookalikes(self) -> list[tuple[str, str]]:
        found = []
        for level in self.levels:
            found += [(level.domain, text) for text in level.lookalikes]
            if self.record is not None and level.domain == self.record.domain:
                break
        return found

    def record_at(self, domain: Optional[str]) -> Optional[DmarcRecord]:
        for level in self.levels:
            if level.domain == domain and len(level.records) == 1:
                return level.records[0]
        return None


async def discover(collector: DnsCollector, domain: str) -> DmarcFacts:
    """Ask every name of the tree walk at once (they are few and shared), then decide as RFC 9989 §4.10."""
    domain = normalize(domain)
    facts = DmarcFacts(domain)
    targets = walk_targets(domain)
    answers = await collector.gather((f"_dmarc.{target}", "TXT") for target in targets)
    walk(facts, targets, answers)
    _legacy(facts, dict(zip(targets, answers)))
    if facts.record is not None and facts.known:
        facts.authorizations = await _authorizations(collector, facts)
    return facts


def _level(target: str, answer: Answer) -> WalkLevel:
    texts = answer.records if answer.ok else ()
    dmarc = [parse(target, text) for text in texts if is_dmarc(text)]
    lookalikes = [text for text in texts if not is_dmarc(text) and looks_like_dmarc(text)]
    return WalkLevel(target, answer, dmarc, lookalikes)


def walk(facts: DmarcFacts, targets: list[str], answers: list[Answer]) -> None:
    """RFC 9989 §4.10: the levels up to the one that stops the walk (psd=n, or psd=y above the start),
    the Organizational Domain (§4.10.2) and the policy record (§4.10.1): the `from` domain's, else the
    Organizational Domain's, else the Public Suffix Domain's. A record between the `from` domain and
    the Organizational Domain is not the policy. A fault at a level that could change the outcome
    leaves it unknown."""
    for index, (target, answer) in enumerate(zip(targets, answers)):
        if answer.fault:
            facts.faults.append(answer)
            facts.levels.append(WalkLevel(target, answer, [], []))
            continue
        level = _level(target, answer)
        facts.levels.append(level)
        if len(level.records) > 1:
            facts.multiple = facts.multiple or level
            continue  # RFC 9989 §4.10 step 2: all discarded, the walk goes on
        if len(level.records) == 1 and (level.records[0].psd == "n" or (level.records[0].psd == "y" and index > 0)):
            break
    facts.organizational_domain = organizational_domain(facts.domain, facts.levels)
    first_fault = next((index for index, level in enumerate(facts.levels) if level.answer.fault), None)
    own = facts.record_at(facts.domain)
    if own is not None:
        facts.record, facts.known = own, True
        return
    if first_fault is not None or facts.organizational_domain is None:
        return
    psd = next((level for level in facts.levels[1:] if len(level.records) == 1 and level.records[0].psd == "y"), None)
    facts.psd_domain = psd.domain if psd is not None else None
    facts.record = facts.record_at(facts.organizational_domain) or (psd.records[0] if psd is not None else None)
    facts.known = True


def organizational_domain(domain: str, levels: list[WalkLevel]) -> Optional[str]:
    """RFC 9989 §4.10.2: from the longest name to the shortest with one valid record: psd=n is it;
    psd=y (other than at the start) makes it the name one label below; else the valid record with the
    fewest labels; with no record, the `from` domain itself. None when a lookup that could change the
    answer failed."""
    valid = []
    for index, level in enumerate(levels):
        if level.answer is not None and level.answer.fault:
            return None
        if len(level.records) != 1:
            continue
        record = level.records[0]
        if record.psd == "n":
            return level.domain
        if record.psd == "y" and index > 0:
            labels = domain.split(".")
            return ".".join(labels[-(len(level.domain.split(".")) + 1):])
        valid.append(level.domain)
    if valid:
        return min(valid, key=lambda name: len(name.split(".")))
    return domain


def registrable(domain: str) -> Optional[str]:
    """The registrable domain by the Public Suffix List (RFC 7489 §3.2's Organizational Domain)."""
    psl = _public_suffix_list()
    return psl.privatesuffix(domain) if psl is not None else None


def _public_suffix_list() -> Any:
    global _PSL
    with _PSL_LOCK:
        if _PSL is None:
            try:
                from publicsuffixlist import PublicSuffixList
            except ImportError:  # pragma: no cover - a dependency
                return None
            _PSL = PublicSuffixList()
        return _PSL


def warm_public_suffix_list() -> None:
    """Load the list in a thread, so that the first caller waits less (or not at all)."""
    if _PSL is None:
        threading.Thread(target=_public_suffix_list, daemon=True, name="public-suffix-list").start()


_PSL: Any = None
_PSL_LOCK = threading.Lock()


def _legacy(facts: DmarcFacts, answers: dict[str, Answer]) -> None:
    """RFC 7489 §6.6.3: the `from` domain's record; if there is none, the Organizational Domain's (by the
    Public Suffix List, §3.2); several records at the asked name: no DMARC at all (step 5)."""
    organization = registrable(facts.domain) or facts.domain
    facts.legacy_domain = organization
    for name in dict.fromkeys([facts.domain, organization]):
        answer = answers.get(name)
        if answer is None or answer.fault:
            return
        level = next((known for known in facts.levels if known.domain == name), None) or _level(name, answer)
        if len(level.records) > 1:
            facts.legacy_known = True
            return
        if level.records:
            facts.legacy_record, facts.legacy_known = level.records[0], True
            return
    facts.legacy_known = True


async def _authorizations(collector: DnsCollector, facts: DmarcFacts) -> list[Authorization]:
    """RFC 9990 §4 (RFC 7489 §7.1): a report address whose Organizational Domain differs from the policy
    domain's needs the destination's authorization. The destination's Organizational Domain comes from its
    own tree walk (RFC 9989 §4.10.2): `dmarc.service.gov.uk` is not internal to `gov.uk`."""
    record = facts.record
    organization = facts.organizational_domain
    if record is None or organization is None:
        return []  # which destinations are external is unknown: the fault is reported as SES640
    destinations = sorted({mailto_domain(uri) for _, uri in record.report_uris()} - {None})
    theirs = await asyncio.gather(*(_organization_of(collector, destination, facts) for destination in destinations))
    external = {destination for destination, found in zip(destinations, theirs) if found is None or found != organization}
    checks = []
    for tag, uri in record.report_uris():
        destination = mailto_domain(uri)
        if destination is None or destination not in external:
            continue
        checks.append(Authorization(tag, uri, destination, f"{record.domain}._report._dmarc.{destination}"))
    if checks:
        answers = await collector.gather((check.name, "TXT") for check in checks)
        for check, answer in zip(checks, answers):
            check.answer = answer
    return checks


async def _organization_of(collector: DnsCollector, domain: str, known: DmarcFacts) -> Optional[str]:
    """A report destination's Organizational Domain by its own tree walk; the `from` domain's is known."""
    if domain == known.domain:
        return known.organizational_domain
    targets = walk_targets(domain)
    answers = await collector.gather((f"_dmarc.{target}", "TXT") for target in targets)
    facts = DmarcFacts(domain)
    walk(facts, targets, answers)
    return facts.organizational_domain
