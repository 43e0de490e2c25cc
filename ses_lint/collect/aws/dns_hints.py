"""The SES identity facts the dns stage reads (`DnsHints`: Easy DKIM tokens, bring-your-own DKIM
selectors, signing hosted zone, custom MAIL FROM domain), one per enabled SES provider whose identity
AWS knows: each provider's `SesIdentities.dns_hints` (collect/aws/identities.py), with the provider's
file and key.

The identity collector makes only the reads these need (credentials, STS, the identity attributes,
GetEmailIdentity), so `--aws --select SES6` makes no account, CloudWatch or IAM call; and the aws stage's
collector extends the same `SesIdentities`, so with its rules selected too no identity is read twice.
"""
from __future__ import annotations

import dataclasses

from ses_lint.core.collectors import Inputs
from ses_lint.facts.aws import SesIdentities
from ses_lint.facts.hints import DnsHints


def collect(inputs: Inputs) -> list[DnsHints]:
    return [dataclasses.replace(facts.dns_hints, file=facts.provider.file, key=facts.provider.key)
            for facts in inputs.get(SesIdentities) if facts.dns_hints is not None]
