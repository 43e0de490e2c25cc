"""The dns stage's gatherer: plans the lookups of every enabled SES provider and runs them in one
event loop, sharing facts between providers of the same domain. Imported only when the stage runs."""
from __future__ import annotations

import asyncio
import dataclasses
import sys
from dataclasses import dataclass
from typing import Any, Optional

from ses_lint.collect.dns.dkim import is_dkim_key, parse_key
from ses_lint.collect.dns.dmarc import discover, registrable, warm_public_suffix_list
from ses_lint.collect.dns.resolver import (
    STAGE_TIMEOUT_FACTOR,
    DnsCollector,
    progress_printer,
)
from ses_lint.collect.dns.spf import evaluate
from ses_lint.core.collectors import Inputs
from ses_lint.facts.answer import Answer
from ses_lint.facts.hints import DnsHints
from ses_lint.facts.sender import (
    DkimCheck,
    DkimFacts,
    DomainFacts,
    MailFromFacts,
    SenderDomain,
)
from ses_lint.knowledge.aws import DEFAULT_REGION, dkim_zone
from ses_lint.knowledge.names import normalize, within
from ses_lint.source.addresses import a_label
from ses_lint.source.config import SesProvider

FLEET_STEP = 1000  # sender domains per stage bound (see _Gatherer.gather)


def collect(inputs: Inputs) -> list[SenderDomain]:
    """The dns stage's facts (registered in ses_lint.collect): one `SenderDomain` per enabled SES provider
    with a `from` domain. Reads `SesProvider` and, when the aws stage runs, `DnsHints`."""
    return _Gatherer(inputs).gather()


@dataclass
class _Plan:
    provider: SesProvider
    domain: str
    region: str
    hints: Optional[DnsHints]
    mail_from: list[tuple[str, str]]  # (domain, source)


class _Gatherer:
    def __init__(self, inputs: Inputs):
        self.inputs = inputs
        options = inputs.options
        self.collector = DnsCollector(
            nameservers=list(options.nameservers),
            timeout=float(options.timeout),
            concurrency=int(options.dns_concurrency),
            progress=progress_printer(options.progress),
        )
        self.domains: dict[str, asyncio.Task] = {}
        self.dkims: dict[tuple, asyncio.Task] = {}
        self.mail_froms: dict[tuple, asyncio.Task] = {}

    def gather(self) -> list[SenderDomain]:
        plans = self._plans()
        if not plans:
            return []
        warm_public_suffix_list()  # in a thread: its 70 ms of parsing overlap the first round trip
        # a fleet needs time in proportion: the stage's bound is 6 x --timeout per started 1,000 domains
        domains = len({plan.domain for plan in plans})
        self.collector.stage_timeout = self.collector.timeout * STAGE_TIMEOUT_FACTOR * -(-domains // FLEET_STEP)
        try:
            return self.collector.run(lambda: self._gather_all(plans))
        finally:
            if self.collector.progress and self.collector.asked:
                sys.stderr.write("\n")

    def _plans(self) -> list[_Plan]:
        hints = _aws_hints(self.inputs)
        plans = []
        for provider in self.inputs.get(SesProvider):
            if not provider.enabled:
                continue
            domain = provider.sender.a_label if provider.sender else None  # None too when `from` is not known (a template; a reference without --env)
            if domain is None:
                continue
            region = provider.resolved("region")  # expanded under --env; a template or unset reference is not a region
            region = region if isinstance(region, str) and region.strip() else DEFAULT_REGION
            hint = hints.get((provider.file, provider.key))
            plans.append(_Plan(provider, domain, region.lower(), hint, []))
        self._assign_mail_from(plans)
        return plans

    def _assign_mail_from(self, plans: list[_Plan]) -> None:
        for plan in plans:
            if plan.hints is not None and plan.hints.mail_from_domain:
                domain = a_label(normalize(plan.hints.mail_from_domain))
                if domain:
                    plan.mail_from.append((domain, "aws"))
        options = [domain for domain in (a_label(normalize(text)) for text in self.inputs.options.mail_from) if domain]
        for domain in options:
            owners = [plan for plan in plans if _related(domain, plan)]
            for plan in owners or plans:  # a MAIL FROM matching no provider's domain is checked for all
                if domain not in [existing for existing, _ in plan.mail_from]:
                    plan.mail_from.append((domain, "option"))

    async def _gather_all(self, plans: list[_Plan]) -> list[SenderDomain]:
        return list(await asyncio.gather(*(self._subject(plan) for plan in plans)))

    async def _subject(self, plan: _Plan) -> SenderDomain:
        facts_task = self._task(self.domains, plan.domain, lambda: self._domain_facts(plan.domain))
        dkim_key, dkim_factory = self._dkim_plan(plan)
        dkim_task = self._task(self.dkims, dkim_key, dkim_factory)
        mail_tasks = [
            self._task(self.mail_froms, (domain, plan.region, source), lambda d=domain, s=source: self._mail_from(d, plan.region, s))
            for domain, source in plan.mail_from
        ]
        facts = await facts_task
        dkim = await dkim_task
        mail_from = tuple([await task for task in mail_tasks])
        default_mail_from = plan.hints is not None and not plan.hints.mail_from_domain
        return SenderDomain(plan.provider, plan.domain, plan.region, facts, dkim, mail_from, plan.hints, default_mail_from)

    @staticmethod
    def _task(cache: dict, key: Any, factory) -> asyncio.Task:
        if key not in cache:
            cache[key] = asyncio.ensure_future(factory())
        return cache[key]

    async def _domain_facts(self, domain: str) -> DomainFacts:
        collector = self.collector
        apex_future = collector.lookup(domain, "TXT")
        spf99_future = collector.lookup(domain, "SPF")
        dmarc_task = asyncio.ensure_future(self._dmarc(domain))
        apex = await apex_future
        apex_conflict = asyncio.ensure_future(self._conflict(apex))
        spf = await evaluate(collector, domain, apex)
        dmarc, dmarc_conflict = await dmarc_task
        conflicts = tuple(pair for pair in (await apex_conflict, dmarc_conflict) if pair)
        return DomainFacts(domain, apex, spf, await spf99_future, dmarc, conflicts)

    async def _dmarc(self, domain: str):
        """The DMARC facts, and the CNAME check of the policy record's name, asked as soon as it is known."""
        dmarc = await discover(self.collector, domain)
        if dmarc.record is None:
            return dmarc, None
        policy = next(level.answer for level in dmarc.levels if level.domain == dmarc.record.domain)
        return dmarc, await self._conflict(policy)

    async def _conflict(self, txt: Answer) -> Optional[tuple[Answer, Answer]]:
        """(TXT, CNAME at the same name) when the TXT records are owned by the name itself, so that a
        CNAME there would break RFC 1034 §3.6.2; the caller tells conflict from fault by the CNAME answer."""
        if not txt.ok or not txt.records or txt.canonical not in ("", txt.name):
            return None
        return txt, await self.collector.lookup(txt.name, "CNAME")

    def _dkim_plan(self, plan: _Plan):
        hints = plan.hints
        selectors = tuple(sorted({normalize(s) for s in [*self.inputs.options.dkim_selectors, *(hints.dkim_selectors if hints else ())] if s.strip()}))
        if hints is not None and hints.dkim_tokens:
            domain = normalize(hints.identity_domain or plan.domain)
            zone = normalize(hints.signing_hosted_zone or dkim_zone(hints.region or plan.region))
            tokens = tuple(normalize(token) for token in hints.dkim_tokens)
            key = ("aws", domain, zone, tokens, selectors)
            return key, lambda: self._dkim(domain, "aws", zone, tokens, selectors, plan.domain)
        domain = normalize(hints.identity_domain) if hints is not None and hints.identity_domain else plan.domain
        zone = dkim_zone(plan.region)
        key = ("dns", domain, plan.domain, zone, selectors)
        return key, lambda: self._dkim(domain, "dns", zone, (), selectors, plan.domain)

    async def _dkim(self, domain: str, source: str, zone: str, tokens: tuple, selectors: tuple, from_domain: str) -> DkimFacts:
        collector = self.collector
        nodes: tuple[Answer, ...] = ()
        wildcard: dict[str, Optional[bool]] = {}
        probes: dict[str, Answer] = {}
        node_domain = None
        if source == "dns":
            candidates = _dkim_candidates(from_domain, domain)
            nodes = tuple(await collector.gather((f"_domainkey.{name}", "TXT") for name in candidates))
            for name, answer in zip(candidates, nodes):
                if answer.status != "nxdomain" and not answer.fault:
                    wildcard[answer.name] = await collector.synthesized(answer)
                    probe = collector.probe_name(answer)
                    if wildcard[answer.name] is None and probe:  # the probe failed: keep its (cached) answer for SES640
                        probes[answer.name] = await collector.lookup(probe, answer.rtype)
                    if wildcard[answer.name] is not False:
                        continue  # a wildcard's answer is no `_domainkey` name (RFC 4592 §2.2)
                    node_domain = name
                    break
            if node_domain and domain == from_domain:
                domain = node_domain
        checks = [DkimCheck("token", token, f"{token}._domainkey.{domain}", f"{token}.{zone}") for token in tokens]
        checks += [DkimCheck("selector", selector, f"{selector}._domainkey.{domain}", f"{selector}.{zone}") for selector in selectors]
        checked = await asyncio.gather(*(self._dkim_check(check) for check in checks))
        return DkimFacts(domain, source, zone, nodes, tuple(checked), node_domain, wildcard, probes)

    async def _dkim_check(self, check: DkimCheck) -> DkimCheck:
        check = dataclasses.replace(check, cname=await self.collector.lookup(check.name, "CNAME"))
        if check.kind == "token" or check.cname.fault:
            return check
        if check.points_at_ses:
            return check  # an Easy DKIM token used as selector: the key lives at SES
        check = dataclasses.replace(check, txt=await self.collector.lookup(check.name, "TXT"))
        if check.txt.ok:
            keys = [text for text in check.txt.records if is_dkim_key(text)]
            if keys:
                check = dataclasses.replace(check, key=parse_key(check.name, keys[0]))
        return check

    async def _mail_from(self, domain: str, region: str, source: str) -> MailFromFacts:
        mx_future = self.collector.lookup(domain, "MX")
        txt = await self.collector.lookup(domain, "TXT")
        conflict = asyncio.ensure_future(self._conflict(txt))
        spf = await evaluate(self.collector, domain, txt)
        found = await conflict
        return MailFromFacts(domain, region, source, await mx_future, spf, (found,) if found else ())


def _related(mail_from: str, plan: _Plan) -> bool:
    """A MAIL FROM domain belongs to a provider when it is the from domain or lies under it or under a
    parent of it (a custom MAIL FROM is a subdomain of the SES identity, which may be a parent)."""
    labels = plan.domain.split(".")
    parents = [".".join(labels[index:]) for index in range(len(labels) - 1)]
    return any(within(mail_from, parent) for parent in parents)


def _dkim_candidates(from_domain: str, identity: str) -> list[str]:
    """`from` domain and its parents up to its registrable domain (public suffix list), deepest first."""
    if identity != from_domain:
        return [identity]
    top = registrable(from_domain) or from_domain
    labels = from_domain.split(".")
    names = []
    for index in range(len(labels)):
        name = ".".join(labels[index:])
        names.append(name)
        if name == top:
            break
    return names


def _aws_hints(inputs: Inputs) -> dict[tuple[str, str], DnsHints]:
    """The SES identity facts per provider (file, key), when the aws stage runs (the collector's optional
    `DnsHints`; [] otherwise). A failed AWS read is a fact of the aws stage (SES740): the DNS checks then
    fall back to what DNS alone shows."""
    return {(hint.file, hint.key): hint for hint in inputs.get(DnsHints)}
