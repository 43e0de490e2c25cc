"""SES2xx: provider type and platform consistency."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import ERROR, INFO, STATIC, Finding, Fix
from ses_lint.core.registry import rule
from ses_lint.source import schema
from ses_lint.source.config import ProviderEntry, suggest_provider

_EXPLICIT = {"email.ses": "ses", "email.smtp": "smtp", "email.acs": "acs"}


@rule("SES201", "platform-conflict", stage=STATIC, severity=ERROR)
def platform_conflict(entry: ProviderEntry) -> Iterator[Finding]:
    """The provider type names one platform and `config.platform` another (`provider: email.ses` with
    `platform: smtp`, or `email.smtp` with `platform: ses`).

    Why: one of the two settings is ignored, and a reader cannot tell which one the service follows.
    Fix: use `provider: email.ses` with no platform, or `provider: email` with `platform: ses`.
    Bad:
        provider: email.ses
        config: {platform: smtp, from: noreply@mycompany.com}
    Good:
        provider: email.ses
        config: {from: noreply@mycompany.com}
    """
    implied = _EXPLICIT.get(entry.provider_type or "")
    if implied and entry.platform and entry.platform != implied:
        yield entry.finding(("config", "platform"), f"`provider: {entry.provider_type}` conflicts with `platform: {entry.platform}`")


@rule("SES202", "platform-missing", stage=STATIC, severity=ERROR)
def platform_missing(entry: ProviderEntry) -> Iterator[Finding]:
    """`provider: email` without `platform`, but with SES settings (`region`, `profile`, keys, `endpoint`,
    `imds_disable`) or without SMTP's `host`.

    Why: the platform defaults to `smtp`, so this provider runs as SMTP and the SES settings are never
    used; with no `host` it cannot even connect.
    Fix: add `platform: ses`, or use `provider: email.ses`.
    Bad:
        provider: email
        config: {from: noreply@mycompany.com, region: us-east-1}
    Good:
        provider: email
        config: {platform: ses, from: noreply@mycompany.com, region: us-east-1}
    """
    if entry.provider_type != "email" or "platform" in entry.config:
        return
    ses_settings = [name for name in schema.SES_ONLY_SETTINGS if name in entry.config]
    if ses_settings:
        yield entry.finding(("provider",), f"no `platform` given, so it defaults to `smtp`, but the config has SES settings ({', '.join(ses_settings)}); add `platform: ses`", suggestion="platform: ses")
    elif "host" not in entry.config:
        yield entry.finding(("provider",), "no `platform` given, so it defaults to `smtp`, but there is no SMTP `host`; add `platform: ses` or a `host`", suggestion="platform: ses")


@rule("SES203", "platform-redundant", stage=STATIC, severity=INFO)
def platform_redundant(entry: ProviderEntry) -> Iterator[Finding]:
    """`provider: email.ses` together with `platform: ses`: the platform is already implied.

    Details: `--fix` removes the `platform` line (only when nothing else, a comment included, shares
    its line).
    Why: harmless, but the two settings can drift apart in a later edit (then SES201 fires).
    Fix: drop `platform`, or use `provider: email`.
    Bad:
        provider: email.ses
        config: {platform: ses, from: noreply@mycompany.com}
    Good:
        provider: email.ses
        config: {from: noreply@mycompany.com}
    """
    implied = _EXPLICIT.get(entry.provider_type or "")
    if implied and entry.platform == implied:
        finding = entry.finding(("config", "platform"), f"`platform: {entry.platform}` is implied by `provider: {entry.provider_type}`")
        yield finding.evolve(fix=Fix("delete", "remove `platform`"))


@rule("SES204", "unknown-platform", stage=STATIC, severity=ERROR)
def unknown_platform(entry: ProviderEntry) -> Iterator[Finding]:
    """An email provider type or platform ses-lint does not know (`SES`, `aws-ses`, `email.aws`,
    `platform: amazon`), with a suggestion.

    Details: known types are `email`, `email.ses`, `email.smtp`, `email.acs`; known platforms `ses`,
    `smtp`, `acs`. Provider types that are not about email (chat, paging, ...) are left alone.
    Why: the service refuses to start an unknown provider, or falls back to a default you did not mean.
    Fix: use one of the known values.
    Bad:
        provider: aws-ses
    Good:
        provider: email.ses
    """
    kind = entry.provider_type
    if kind is not None and kind not in schema.KNOWN_PROVIDERS:
        suggestion = suggest_provider(kind)
        if suggestion:
            yield entry.finding(("provider",), f"unknown provider `{kind}`; did you mean `{suggestion}`?", suggestion=suggestion)
    if kind in ("email", "email.ses", "email.smtp", "email.acs") and entry.platform is not None and entry.platform not in schema.KNOWN_PLATFORMS:
        suggestion = schema.suggest_key(entry.platform.lower(), list(schema.KNOWN_PLATFORMS)) or ("ses" if "aws" in entry.platform.lower() or "amazon" in entry.platform.lower() else None)
        hint = f"; did you mean `{suggestion}`?" if suggestion else f"; use one of {', '.join(schema.KNOWN_PLATFORMS)}"
        yield entry.finding(("config", "platform"), f"unknown platform `{entry.platform}`{hint}", suggestion=suggestion)


@rule("SES205", "disabled-provider", stage=STATIC, severity=INFO)
def disabled_provider(entry: ProviderEntry) -> Iterator[Finding]:
    """An email provider has `enabled: false`; the online stages skip it.

    Why: a disabled provider sends nothing; workflows that name it (SES505) will not notify anyone.
    Fix: enable it, or remove it and its references.
    Bad:
        enabled: false
    Good:
        enabled: true
    """
    if entry.is_email and entry.disabled:
        yield entry.finding(("enabled",), f"provider `{entry.key}` is disabled; online checks skip it")
