"""What the aws stage tells the dns stage about one provider's SES identity."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DnsHints:
    """DNS names that only AWS knows: filled by the aws stage, read by the dns stage's gatherer."""

    identity_domain: str | None = None  # the verified domain identity that covers `from` (may be a parent)
    dkim_tokens: tuple[str, ...] = field(default_factory=tuple)  # Easy DKIM tokens: <token>._domainkey.<domain>
    signing_hosted_zone: str | None = None  # e.g. "dkim.amazonses.com": CNAME target <token>.<zone>
    mail_from_domain: str | None = None  # custom MAIL FROM domain, if configured
    region: str | None = None
    dkim_selectors: tuple[str, ...] = field(default_factory=tuple)  # bring-your-own DKIM (origin EXTERNAL): TXT keys to check
