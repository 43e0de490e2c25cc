"""What SES knows about one provider's identity that the dns stage checks (the SES identity facts)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DnsHints:
    """DNS names that only AWS knows, for one provider (`file`, `key`): produced by the aws stage's
    identity reads (collect/aws/dns_hints.py), read by the dns stage's collector when the aws stage runs."""

    identity_domain: str | None = None  # the verified domain identity that covers `from` (may be a parent)
    dkim_tokens: tuple[str, ...] = field(default_factory=tuple)  # Easy DKIM tokens: <token>._domainkey.<domain>
    signing_hosted_zone: str | None = None  # e.g. "dkim.amazonses.com": CNAME target <token>.<zone>
    mail_from_domain: str | None = None  # custom MAIL FROM domain, if configured
    region: str | None = None
    dkim_selectors: tuple[str, ...] = field(default_factory=tuple)  # bring-your-own DKIM (origin EXTERNAL): TXT keys to check
    file: str | None = None  # the provider these hints are for: its file ...
    key: str | None = None  # ... and its key under `providers`
