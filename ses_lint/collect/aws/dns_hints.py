"""The SES identity facts the dns stage reads (`DnsHints`: Easy DKIM tokens, bring-your-own DKIM
selectors, signing hosted zone, custom MAIL FROM domain), one per enabled SES provider whose identity
AWS knows.

Two collectors produce them (ses_lint.collect.COLLECTORS): `from_aws_providers` when the aws stage's
rules run anyway (the hints are then part of its facts), else `collect`, which makes only the identity
reads the hints need: per (credentials, region, endpoint), v1 GetIdentityVerificationAttributes,
GetIdentityDkimAttributes and GetIdentityMailFromDomainAttributes for the identities that could cover
each `from`, then v2 GetEmailIdentity for those that exist. No STS, account, CloudWatch or IAM call:
`--aws --select SES6` asks AWS only what the DNS checks need.

It reuses the aws stage's collector (collect/aws/gather.py) for credentials and those reads.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ses_lint.collect.aws.gather import Collector, hints_for
from ses_lint.core.collectors import Inputs
from ses_lint.core.findings import Stage
from ses_lint.facts.aws import BATCH, CALLS, CALLS_LOCK, WORKERS, AwsProvider
from ses_lint.facts.hints import DnsHints
from ses_lint.source.config import SesProvider


def from_aws_providers(inputs: Inputs) -> list[DnsHints]:
    """The hints the aws stage's collector already worked out."""
    return [_for(subject) for subject in inputs.get(AwsProvider) if subject.dns_hints is not None]


def collect(inputs: Inputs) -> list[DnsHints]:
    """The identity reads alone."""
    if not inputs.stage_enabled(Stage.AWS):
        return []
    subjects = [AwsProvider(provider) for provider in inputs.get(SesProvider) if provider.enabled]
    if not subjects:
        return []
    reads = _IdentityReads(inputs, subjects)  # type: ignore[arg-type]
    reads.collect()
    return [_for(subject) for subject in subjects if subject.dns_hints is not None]


def _for(subject: AwsProvider) -> DnsHints:
    return dataclasses.replace(subject.dns_hints, file=subject.provider.file, key=subject.provider.key)


class _IdentityReads(Collector):
    def collect(self) -> None:
        for subject in self.subjects:
            self.prepare(subject)
        ready = [subject for subject in self.subjects if subject.credentials and subject.credentials.ok and not subject.unreachable]
        units: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in ready:
            if subject.sender:
                units[(id(subject.credentials), subject.region, subject.endpoint)].append(subject)
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ses-lint-aws") as pool:
            self.pool = pool
            jobs: list[Callable[[], Any]] = []
            for members in units.values():
                names = list(dict.fromkeys(name for subject in members for name in subject.candidates))
                for start in range(0, len(names), BATCH):
                    chunk = names[start:start + BATCH]
                    jobs += [lambda m=members, c=chunk: self.verification(m, c),
                             lambda m=members, c=chunk: self.dkim(m, c),
                             lambda m=members, c=chunk: self.mail_from(m, c)]
            self.parallel(jobs)
            for members in units.values():
                for subject in members:
                    self.finish_recipients(subject)
            self.parallel([lambda m=members, n=name: self.email_identity(m, n) for members in units.values()
                           for name in dict.fromkeys(identity.name for subject in members for identity in subject.existing)])
        self.pool = None
        for subject in self.subjects:
            subject.dns_hints = hints_for(subject)
        with CALLS_LOCK:
            CALLS.update(self.calls)
