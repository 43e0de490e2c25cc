"""DMARC facts: records as RFC 7489 and RFC 9989 write them, the RFC 9989 §4.10 DNS tree walk of one
domain and what it decides, and the external report authorizations of RFC 7489 §7.1 / RFC 9990 §4.

Plain data: the parser and the walk that asks DNS are in ses_lint/collect/dns/dmarc.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ses_lint.facts.answer import Answer
from ses_lint.knowledge.names import normalize

WALK_LIMIT = 8  # RFC 9989 §4.10: at most 8 queries
POLICIES = ("none", "quarantine", "reject")
OBSOLETE_TAGS = ("pct", "rf", "ri")  # removed by RFC 9989
KNOWN_TAGS = ("v", "p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "psd", "t", *OBSOLETE_TAGS)


@dataclass(frozen=True)
class DmarcRecord:
    domain: str  # where it was found (without `_dmarc.`)
    text: str
    tags: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class WalkLevel:
    domain: str
    answer: Answer
    records: tuple[DmarcRecord, ...]  # the TXT strings starting as DMARC (valid or not)
    lookalikes: tuple[str, ...]  # meant as DMARC but not starting with v=DMARC1: discarded


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class DmarcFacts:
    """The tree walk for one domain and what it decides."""

    domain: str
    levels: tuple[WalkLevel, ...] = ()
    faults: tuple[Answer, ...] = ()
    record: Optional[DmarcRecord] = None  # the policy record (RFC 9989 §4.10.1)
    multiple: Optional[WalkLevel] = None  # the first level with several DMARC records
    known: bool = False  # the walk reached a decision without a fault in the way
    organizational_domain: Optional[str] = None
    psd_domain: Optional[str] = None  # where a psd=y record was found, if one was
    legacy_domain: Optional[str] = None  # RFC 7489 §3.2: the Organizational Domain by the Public Suffix List
    legacy_record: Optional[DmarcRecord] = None  # the record an RFC 7489 §6.6.3 receiver applies
    legacy_known: bool = False
    authorizations: tuple[Authorization, ...] = ()
    # (report destination, a failed lookup of its own tree walk): its Organizational Domain is unknown, so
    # whether it is external (and needs an authorization) is not checked
    destination_faults: tuple[tuple[str, Answer], ...] = ()

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
