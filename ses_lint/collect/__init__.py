"""Collectors: every I/O of a run, each registered here with the fact type it produces and the ones it
reads. The engine (`ses_lint.core.collectors`) resolves the order from the selected rules' subject types
and imports a collector's module only when its facts are asked for: this module imports nothing heavy.

To add a fact type: write its frozen dataclass in `ses_lint/facts/` (or `source/` for the static stage),
a `collect(inputs)` function beside the I/O it does, and one entry below.
"""
from __future__ import annotations

from ses_lint.core.collectors import Collector, Phase
from ses_lint.core.findings import Stage

# the fact types, by qualified name (no fact module is imported here)
SOURCE_FILE = "ses_lint.source.config.SourceFile"
SCHEMA_PROBLEM = "ses_lint.source.config.SchemaProblem"
MISSING_FIELD = "ses_lint.source.config.MissingField"
WRONG_TYPE = "ses_lint.source.config.WrongType"
UNKNOWN_KEY = "ses_lint.source.config.UnknownKey"
CONFIGURATION = "ses_lint.source.config.Configuration"
PROVIDER_ENTRY = "ses_lint.source.config.ProviderEntry"
SES_PROVIDER = "ses_lint.source.config.SesProvider"
NOTIFY_STEP = "ses_lint.source.config.NotifyStep"
ADDRESS_USE = "ses_lint.source.config.AddressUse"
PROVIDER_VALUE = "ses_lint.source.config.ProviderValue"
CREDENTIAL_SITE = "ses_lint.source.credential_sites.CredentialSite"
SENDER_DOMAIN = "ses_lint.facts.sender.SenderDomain"
DNS_HINTS = "ses_lint.facts.hints.DnsHints"
SES_IDENTITIES = "ses_lint.facts.aws.SesIdentities"
AWS_PROVIDER = "ses_lint.facts.aws.AwsProvider"
PROBE_RESULT = "ses_lint.facts.probe.ProbeResult"
UNUSED_SUPPRESSION = "ses_lint.facts.unused.UnusedSuppression"
UNJUDGED_FILE = "ses_lint.facts.unjudged.UnjudgedFile"
STALE_ENTRY = "ses_lint.core.baseline.StaleEntry"

_CONFIG = "ses_lint.source.config"  # the static subjects' own reading of the files (Configuration.read)

COLLECTORS: tuple[Collector, ...] = (
    # the static stage: pure functions of the files read, each its subject type's `gather`
    Collector(SOURCE_FILE, f"{_CONFIG}:SourceFile.gather", Stage.STATIC),
    Collector(CONFIGURATION, f"{_CONFIG}:Configuration.gather", Stage.STATIC),
    Collector(PROVIDER_ENTRY, f"{_CONFIG}:ProviderEntry.gather", Stage.STATIC, needs=(CONFIGURATION,)),
    Collector(NOTIFY_STEP, f"{_CONFIG}:NotifyStep.gather", Stage.STATIC, needs=(CONFIGURATION,)),
    Collector(SES_PROVIDER, f"{_CONFIG}:SesProvider.gather", Stage.STATIC, needs=(PROVIDER_ENTRY,)),
    Collector(SCHEMA_PROBLEM, f"{_CONFIG}:SchemaProblem.gather", Stage.STATIC, needs=(PROVIDER_ENTRY, NOTIFY_STEP)),
    Collector(MISSING_FIELD, f"{_CONFIG}:MissingField.gather", Stage.STATIC, needs=(SCHEMA_PROBLEM,)),
    Collector(WRONG_TYPE, f"{_CONFIG}:WrongType.gather", Stage.STATIC, needs=(SCHEMA_PROBLEM,)),
    Collector(UNKNOWN_KEY, f"{_CONFIG}:UnknownKey.gather", Stage.STATIC, needs=(SCHEMA_PROBLEM,)),
    Collector(ADDRESS_USE, f"{_CONFIG}:AddressUse.gather", Stage.STATIC, needs=(SES_PROVIDER, NOTIFY_STEP)),
    Collector(PROVIDER_VALUE, f"{_CONFIG}:ProviderValue.gather", Stage.STATIC, needs=(PROVIDER_ENTRY, NOTIFY_STEP)),
    Collector(CREDENTIAL_SITE, "ses_lint.source.credential_sites:CredentialSite.gather", Stage.STATIC, needs=(SES_PROVIDER,)),
    # the dns stage; the DKIM tokens, selectors and MAIL FROM domain SES knows come from the aws stage when it runs
    Collector(SENDER_DOMAIN, "ses_lint.collect.dns.gather:collect", Stage.DNS, needs=(SES_PROVIDER,), optional=(DNS_HINTS,)),
    # the hints: the identity reads alone (credentials, STS, identity attributes), which the aws stage extends
    Collector(DNS_HINTS, "ses_lint.collect.aws.dns_hints:collect", Stage.AWS, needs=(SES_IDENTITIES,)),
    # the aws stage and the probe
    Collector(SES_IDENTITIES, "ses_lint.collect.aws.identities:collect", Stage.AWS, needs=(SES_PROVIDER, NOTIFY_STEP)),
    Collector(AWS_PROVIDER, "ses_lint.collect.aws.gather:collect", Stage.AWS, needs=(SES_IDENTITIES,)),
    Collector(PROBE_RESULT, "ses_lint.collect.probe:collect", Stage.PROBE, needs=(AWS_PROVIDER,)),
    # late phases: what the run found decides these facts
    Collector(UNUSED_SUPPRESSION, "ses_lint.collect.late:unused_suppressions", Stage.STATIC, phase=Phase.AFTER_SUPPRESSIONS),
    Collector(UNJUDGED_FILE, "ses_lint.collect.late:unjudged_files", Stage.STATIC, phase=Phase.AFTER_SUPPRESSIONS),
    Collector(STALE_ENTRY, "ses_lint.collect.late:stale_entries", Stage.STATIC, phase=Phase.AFTER_BASELINE),
)
