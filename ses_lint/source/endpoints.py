"""Endpoint URLs: parse, classify (loopback, emulator, AWS), and read the region out of an AWS host."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

EMULATOR_PORTS = {4566, 4579}
_AWS_HOST = (  # compiled by `re` when an endpoint is first read
    r"^email(?:-fips)?\.(?P<region>[a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|api\.aws)$"
)


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int | None

    @functools.cached_property  # five rules ask each provider's endpoint
    def loopback(self) -> bool:
        if self.host in ("localhost", "localhost.localdomain") or self.host.endswith(".localhost"):
            return True
        import ipaddress  # only for a configured endpoint

        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False

    @property
    def emulator(self) -> bool:
        return self.loopback or "localstack" in self.host or self.host in ("moto", "motoserver") or self.port in EMULATOR_PORTS

    @property
    def aws_region(self) -> str | None:
        match = re.match(_AWS_HOST, self.host)
        return match.group("region") if match else None


@functools.lru_cache(maxsize=1 << 15)  # five rules ask each provider's; 16,000 providers fit in a 2 MiB file
def parse(url: str) -> Endpoint | None:
    """An absolute http(s) URL with a host, or None (the same Endpoint for the same URL: it is frozen)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return Endpoint(parts.scheme, parts.hostname.lower(), port)
