"""The dns stage's subject: one `SenderDomain` per enabled SES provider, holding the DNS facts of its
`from` domain (SPF, DMARC, existence), of its DKIM domain and of its custom MAIL FROM domains.

Providers that share a domain share its facts (one collector, one cache, one walk per domain); each
provider still gets its own findings, at its own `config.from`. All lookups of the run happen in one
event loop, concurrently, bounded by `--timeout` per lookup and by a deadline for the stage.

Plain data, imported on the static path (the rules import it): the collector that fills it in is
ses_lint/collect/dns/gather.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ses_lint.core.findings import Finding, Severity
from ses_lint.facts.answer import Answer
from ses_lint.facts.dkim import DkimKey
from ses_lint.facts.dmarc import DmarcFacts
from ses_lint.facts.hints import DnsHints
from ses_lint.facts.spf import SpfTree
from ses_lint.knowledge.aws import AMAZONSES, feedback_host
from ses_lint.knowledge.names import normalize, within
from ses_lint.source.config import SesProvider


@dataclass(frozen=True, eq=False)
class DomainFacts:
    """DNS facts of one `from` domain, shared by every provider sending from it."""

    domain: str
    apex: Answer  # TXT at the domain: existence and SPF
    spf: SpfTree
    spf99: Answer  # an RR of type SPF (99), obsolete
    dmarc: DmarcFacts
    conflicts: tuple[tuple[Answer, Answer], ...] = ()  # (TXT, CNAME asked at the same name)

    @property
    def exists(self) -> Optional[bool]:
        if self.apex.fault:
            return None
        return self.apex.status != "nxdomain"


@dataclass(frozen=True)
class DkimCheck:
    """One DKIM name: an Easy DKIM token's CNAME, or a `--dkim-selector` key."""

    kind: str  # "token" | "selector"
    selector: str
    name: str  # <selector>._domainkey.<domain>
    expected: Optional[str]  # the CNAME target SES wants (tokens), if known
    cname: Optional[Answer] = None
    txt: Optional[Answer] = None
    key: Optional[DkimKey] = None

    @property
    def target(self) -> Optional[str]:
        return self.cname.records[0] if self.cname is not None and self.cname.ok and self.cname.records else None

    @property
    def points_at_ses(self) -> bool:
        return self.target is not None and within(self.target, AMAZONSES)


@dataclass(frozen=True, eq=False)
class DkimFacts:
    """What DNS says about DKIM for one signing domain."""

    domain: str  # the DKIM (d=) domain: the SES identity's domain when known, else the `from` domain
    source: str  # "aws" (tokens from the aws stage) | "dns" (RFC 8020 fallback)
    zone: str  # the SES DKIM hosted zone CNAMEs must point into
    nodes: tuple[Answer, ...] = ()  # `_domainkey.<d>` for the from domain and its parents
    checks: tuple[DkimCheck, ...] = ()
    node_domain: Optional[str] = None  # the deepest domain whose `_domainkey` exists (fallback)
    wildcard: dict[str, Optional[bool]] = field(default_factory=dict)  # node name -> synthesized? (None: cannot tell)
    probes: dict[str, Answer] = field(default_factory=dict)  # node name -> the failed wildcard probe beside it (wildcard None)

    @property
    def nodes_known(self) -> bool:
        return not any(answer.fault for answer in self.nodes) and None not in self.wildcard.values()

    @property
    def synthesized(self) -> list[str]:
        """`_domainkey` names that answer only through a wildcard (RFC 4592): they do not exist."""
        return [name for name, synthesized in self.wildcard.items() if synthesized]

    @property
    def any_node(self) -> Optional[bool]:
        """Does `_domainkey` exist under the from domain or a parent? None if a fault hides it. A name
        answered only by a wildcard does not exist (RFC 4592 §2.2), so no key can lie below it."""
        if any(answer.status != "nxdomain" and not answer.fault and self.wildcard.get(answer.name) is False for answer in self.nodes):
            return True
        return None if not self.nodes_known else False

    def faults(self) -> list[Answer]:
        answers = list(self.nodes)
        for check in self.checks:
            answers += [answer for answer in (check.cname, check.txt) if answer is not None]
        return [answer for answer in answers if answer.fault]

    def failed_probes(self) -> list[tuple[str, Answer]]:
        """(node name, the wildcard probe's answer shown as `*.<parent>`) for each node whose probe failed:
        whether the node exists or only a wildcard answers for it (RFC 4592 §2.2) is unknown. The probe
        asks a random name beside the node; it stands for the wildcard, so that findings name no random label."""
        shown = []
        for node, probe in self.probes.items():
            if probe.fault:
                parent = node.partition(".")[2]
                shown.append((node, Answer(f"*.{parent}", probe.rtype, probe.status, detail=probe.detail)))
        return shown


@dataclass(frozen=True, eq=False)
class MailFromFacts:
    domain: str
    region: str
    source: str  # "aws" | "option"
    mx: Answer
    spf: SpfTree
    conflicts: tuple[tuple[Answer, Answer], ...] = ()

    @property
    def expected_mx(self) -> str:
        return feedback_host(self.region)

    @property
    def mx_ok(self) -> Optional[bool]:
        if self.mx.fault:
            return None
        return self.mx.ok and {host for _, host in self.mx.mx} == {self.expected_mx}

    @property
    def spf_ok(self) -> Optional[bool]:
        if not self.spf.known or (self.spf.faults and not self.spf.includes_domain(AMAZONSES)):
            return None
        return self.spf.status == "ok" and self.spf.includes_domain(AMAZONSES)


@dataclass(frozen=True, eq=False)
class SenderDomain:
    """One enabled SES provider and the DNS facts of the domains it sends from."""

    provider: SesProvider
    domain: str
    region: str
    facts: DomainFacts
    dkim: DkimFacts
    mail_from: tuple[MailFromFacts, ...]
    hints: Optional[DnsHints] = None
    default_mail_from: bool = False  # the aws stage says: no custom MAIL FROM (SES's own domain is used)

    @classmethod
    def describe(cls, senders: list["SenderDomain"]) -> dict:
        """The evaluated SPF trees (RFC 7208), per `from` domain and MAIL FROM domain, each domain once:
        term, target, lookups, voids and result of every term, for `--format json` and `--verbose`."""
        domains: dict[str, dict] = {}
        for sender in senders:
            entry = domains.setdefault(sender.domain, {"domain": sender.domain, "spf": sender.facts.spf.as_dict(), "mail_from": {}})
            for mail_from in sender.mail_from:
                entry["mail_from"].setdefault(mail_from.domain, mail_from.spf.as_dict())
        return {"dns": {"domains": [{**entry, "mail_from": list(entry["mail_from"].values())} for entry in domains.values()]}}

    def spf_trees(self) -> list[SpfTree]:
        """The SPF trees a receiver evaluates for this provider: the `from` domain's and each MAIL FROM's."""
        trees = [self.facts.spf] if self.exists else []
        return trees + [mail_from.spf for mail_from in self.mail_from if mail_from.spf.domain != self.domain]

    def finding(self, message: str, severity: Optional[Severity] = None) -> Finding:
        """A finding at the provider's `config.from`. `severity` grades it below the rule's default
        (a rule such as SES604 is an error past the limit and a warning near it)."""
        return self.provider.finding(("config", "from"), message).evolve(severity=severity)

    @property
    def exists(self) -> bool:
        """The from domain is not known to be missing. Rules about its records stay silent for a
        missing domain (SES600 says it); when the apex lookup failed, each rule's own facts decide."""
        return self.facts.exists is not False

    def mail_from_used(self, mail_from: MailFromFacts) -> Optional[bool]:
        """Does SES use this MAIL FROM domain for this provider? True for the identity's own (aws stage);
        False for a `--mail-from` domain the identity does not have (the aws stage says it has none or
        another); None without the aws stage."""
        if mail_from.source == "aws":
            return True
        if self.hints is None:
            return None
        return normalize(self.hints.mail_from_domain or "") == mail_from.domain

    def _cname_checks(self) -> list[tuple[Answer, Answer]]:
        found = list(self.facts.conflicts) if self.exists else []
        for mail_from in self.mail_from:
            found += mail_from.conflicts
        return list({txt.name: (txt, cname) for txt, cname in found}.values())

    def conflicts(self) -> list[tuple[Answer, Answer]]:
        """(TXT, CNAME) at one name (RFC 1034 §3.6.2), each name once."""
        return [(txt, cname) for txt, cname in self._cname_checks() if cname.ok and cname.records]

    def faults(self) -> list[tuple[Answer, str]]:
        """Every lookup that failed, with what it was needed for, each name and type once."""
        found: list[tuple[Answer, str]] = []
        facts = self.facts
        if facts.apex.fault:
            found.append((facts.apex, "the domain's existence and its SPF"))
        found += [(answer, "SPF") for answer in facts.spf.faults if answer.fault]
        if facts.spf99.fault:
            found.append((facts.spf99, "the obsolete SPF record type"))
        found += [(answer, "DMARC") for answer in facts.dmarc.faults]
        found += [(auth.answer, "DMARC report authorization") for auth in facts.dmarc.authorizations if auth.answer is not None and auth.answer.fault]
        found += [(answer, f"DMARC report authorization: whether `{destination}` is another organization's (its Organizational "
                           "Domain, RFC 9989 §4.10.2)") for destination, answer in facts.dmarc.destination_faults]
        found += [(answer, "DKIM") for answer in self.dkim.faults()]
        found += [(probe, f"DKIM: whether `{node}` exists or only a wildcard answers for it (RFC 4592 §2.2; a random name "
                          f"beside it was asked)") for node, probe in self.dkim.failed_probes()]
        found += [(cname, "the TXT/CNAME conflict check") for _, cname in self._cname_checks() if cname.fault]
        for mail_from in self.mail_from:
            if mail_from.mx.fault:
                found.append((mail_from.mx, f"MAIL FROM MX of `{mail_from.domain}`"))
            found += [(answer, f"MAIL FROM SPF of `{mail_from.domain}`") for answer in [mail_from.spf.answer, *mail_from.spf.faults] if answer is not None and answer.fault]
        unique: dict[str, tuple[Answer, str]] = {}
        for answer, purpose in found:
            unique.setdefault(answer.label, (answer, purpose))
        return list(unique.values())
