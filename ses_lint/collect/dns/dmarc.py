"""DMARC: the record parser (RFC 7489 and RFC 9989 records), the RFC 9989 §4.10 DNS tree walk, and the
external report authorization of RFC 7489 §7.1 / RFC 9990 §4, asked through the run's resolver.

No dnspython here: lookups go through a `DnsCollector`.
"""
from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
from typing import Any, Optional

from ses_lint.collect.dns.resolver import DnsCollector
from ses_lint.facts.answer import Answer
from ses_lint.facts.dmarc import (
    POLICIES,
    WALK_LIMIT,
    Authorization,
    DmarcFacts,
    DmarcRecord,
    WalkLevel,
    is_dmarc,
    looks_like_dmarc,
)
from ses_lint.knowledge.names import normalize, within

_TAG_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$", re.DOTALL)


def parse(domain: str, text: str) -> DmarcRecord:
    """Parse a DMARC record; `errors` lists each syntax problem (an empty list means valid)."""
    tags: dict[str, str] = {}
    errors: list[str] = []
    if not is_dmarc(text):
        errors.append("`v=DMARC1` must come first, exactly so (RFC 9989 §4.7)")
    parts = [part.strip() for part in text.split(";")]
    for index, part in enumerate(parts):
        if not part:
            if index != len(parts) - 1:
                errors.append("empty tag between `;;`")
            continue
        match = _TAG_RE.match(part)
        if not match:
            errors.append(f"`{part}` is not `tag=value`")
            continue
        tag, value = match.group(1).lower(), match.group(2).strip()
        if tag in tags:
            errors.append(f"tag `{tag}` given twice")
            continue
        tags[tag] = value
        problem = _check_value(tag, value)
        if problem:
            errors.append(problem)
    return DmarcRecord(normalize(domain), text, tags, tuple(errors))


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


async def discover(collector: DnsCollector, domain: str) -> DmarcFacts:
    """Ask every name of the tree walk at once (they are few and shared), then decide as RFC 9989 §4.10."""
    domain = normalize(domain)
    targets = walk_targets(domain)
    answers = await collector.gather((f"_dmarc.{target}", "TXT") for target in targets)
    facts = _legacy(walk(domain, targets, answers), dict(zip(targets, answers)))
    if facts.record is not None and facts.known:
        checks, unknown = await _authorizations(collector, facts)
        facts = dataclasses.replace(facts, authorizations=tuple(checks), destination_faults=unknown)
    return facts


def _level(target: str, answer: Answer) -> WalkLevel:
    texts = answer.records if answer.ok else ()
    dmarc = tuple(parse(target, text) for text in texts if is_dmarc(text))
    lookalikes = tuple(text for text in texts if not is_dmarc(text) and looks_like_dmarc(text))
    return WalkLevel(target, answer, dmarc, lookalikes)


def walk(domain: str, targets: list[str], answers: list[Answer]) -> DmarcFacts:
    """RFC 9989 §4.10: the levels up to the one that stops the walk (psd=n, or psd=y above the start),
    the Organizational Domain (§4.10.2) and the policy record (§4.10.1): the `from` domain's, else the
    Organizational Domain's, else the Public Suffix Domain's. A record between the `from` domain and
    the Organizational Domain is not the policy. A fault at a level that could change the outcome
    leaves it unknown."""
    levels: list[WalkLevel] = []
    faults: list[Answer] = []
    multiple: Optional[WalkLevel] = None
    for index, (target, answer) in enumerate(zip(targets, answers)):
        if answer.fault:
            faults.append(answer)
            levels.append(WalkLevel(target, answer, (), ()))
            continue
        level = _level(target, answer)
        levels.append(level)
        if len(level.records) > 1:
            multiple = multiple or level
            continue  # RFC 9989 §4.10 step 2: all discarded, the walk goes on
        if len(level.records) == 1 and (level.records[0].psd == "n" or (level.records[0].psd == "y" and index > 0)):
            break
    facts = DmarcFacts(domain, tuple(levels), tuple(faults), multiple=multiple, organizational_domain=organizational_domain(domain, levels))
    first_fault = next((index for index, level in enumerate(levels) if level.answer.fault), None)
    own = facts.record_at(domain)
    if own is not None:
        return dataclasses.replace(facts, record=own, known=True)
    if first_fault is not None or facts.organizational_domain is None:
        return facts
    psd = next((level for level in levels[1:] if len(level.records) == 1 and level.records[0].psd == "y"), None)
    return dataclasses.replace(facts, psd_domain=psd.domain if psd is not None else None, known=True,
                               record=facts.record_at(facts.organizational_domain) or (psd.records[0] if psd is not None else None))


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


def _legacy(facts: DmarcFacts, answers: dict[str, Answer]) -> DmarcFacts:
    """RFC 7489 §6.6.3: the `from` domain's record; if there is none, the Organizational Domain's (by the
    Public Suffix List, §3.2); several records at the asked name: no DMARC at all (step 5)."""
    organization = registrable(facts.domain) or facts.domain
    for name in dict.fromkeys([facts.domain, organization]):
        answer = answers.get(name)
        if answer is None or answer.fault:
            return dataclasses.replace(facts, legacy_domain=organization)
        level = next((known for known in facts.levels if known.domain == name), None) or _level(name, answer)
        if len(level.records) > 1:
            return dataclasses.replace(facts, legacy_domain=organization, legacy_known=True)
        if level.records:
            return dataclasses.replace(facts, legacy_domain=organization, legacy_record=level.records[0], legacy_known=True)
    return dataclasses.replace(facts, legacy_domain=organization, legacy_known=True)


async def _authorizations(collector: DnsCollector, facts: DmarcFacts) -> tuple[list[Authorization], tuple[tuple[str, Answer], ...]]:
    """RFC 9990 §4 (RFC 7489 §7.1): a report address whose Organizational Domain differs from the policy
    domain's needs the destination's authorization. The destination's Organizational Domain comes from its
    own tree walk (RFC 9989 §4.10.2): `dmarc.service.gov.uk` is not internal to `gov.uk`."""
    record = facts.record
    organization = facts.organizational_domain
    if record is None or organization is None:
        return [], ()  # which destinations are external is unknown: the fault is reported as SES640
    destinations = sorted({mailto_domain(uri) for _, uri in record.report_uris()} - {None})
    theirs = await asyncio.gather(*(_organization_of(collector, destination, facts) for destination in destinations))
    # A destination's Organizational Domain is itself or an ancestor of it, so one outside the policy's
    # Organizational Domain is external whatever its walk says. Inside it, a fault in its own walk leaves
    # that unknown: neither internal nor external, so not checked (the failed lookups are facts, which
    # SES640 names), never a verdict.
    unknown = tuple((destination, answer) for destination, (found, faults) in zip(destinations, theirs)
                    if found is None and within(destination, organization) for answer in faults)
    external = {destination for destination, (found, _) in zip(destinations, theirs)
                if not within(destination, organization) or (found is not None and found != organization)}
    checks = []
    for tag, uri in record.report_uris():
        destination = mailto_domain(uri)
        if destination is None or destination not in external:
            continue
        checks.append(Authorization(tag, uri, destination, f"{record.domain}._report._dmarc.{destination}"))
    if checks:
        answers = await collector.gather((check.name, "TXT") for check in checks)
        checks = [dataclasses.replace(check, answer=answer) for check, answer in zip(checks, answers)]
    return checks, unknown


async def _organization_of(collector: DnsCollector, domain: str, known: DmarcFacts) -> tuple[Optional[str], tuple[Answer, ...]]:
    """A report destination's Organizational Domain by its own tree walk (the `from` domain's is known),
    and, when a fault leaves it unknown (None), the failed lookups of that walk."""
    if domain == known.domain:
        return known.organizational_domain, ()
    targets = walk_targets(domain)
    answers = await collector.gather((f"_dmarc.{target}", "TXT") for target in targets)
    found = walk(domain, targets, answers).organizational_domain
    return found, (() if found is not None else tuple(answer for answer in answers if answer.fault))
