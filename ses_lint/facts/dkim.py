"""A DKIM key record (RFC 6376 §3.6.1, RFC 8301, RFC 8463): its tags and the key's size.

Plain data: the tag parser and the DER reader that sizes the key are in ses_lint/collect/dns/dkim.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class DkimKey:
    """A DKIM key record: its tags and, for RSA, the key size."""

    name: str  # <selector>._domainkey.<domain>
    text: str
    tags: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    algorithm: str = "rsa"
    bits: Optional[int] = None

    @property
    def revoked(self) -> bool:
        return "p" in self.tags and self.tags["p"] == ""

    @property
    def testing(self) -> bool:
        return "y" in [flag.strip().lower() for flag in self.tags.get("t", "").split(":")]

    @property
    def hashes(self) -> list[str]:
        return [part.strip().lower() for part in self.tags.get("h", "").split(":") if part.strip()]

    @property
    def sha1_only(self) -> bool:
        return bool(self.hashes) and all(name == "sha1" for name in self.hashes)
