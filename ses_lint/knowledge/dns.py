"""DNS and mail-authentication limits, with the RFC sections that set them."""
from __future__ import annotations

from typing import Optional

# RFC 7208 §4.6.4: an SPF evaluation may make at most 10 DNS-querying terms (include, a, mx, ptr, exists,
# redirect), at most 2 void lookups (NXDOMAIN or no records), and an `mx` term at most 10 MX hosts.
LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MX_LIMIT = 10
# RFC 7208 §3.4: a reply over 512 bytes does not fit a plain UDP reply; a receiver that cannot retry over TCP
# gets temperror. The record itself should stay under 450 bytes so that the reply fits.
UDP_LIMIT = 512
RECORD_ADVICE = 450

# RFC 8301 §3.2: verifiers MUST NOT accept RSA keys under 1024 bits; signers SHOULD use 2048 or more.
MIN_RSA_BITS = 1024
GOOD_RSA_BITS = 2048


def key_too_short(algorithm: str, bits: Optional[int]) -> bool:
    """An RSA key whose size is known and under MIN_RSA_BITS: receivers ignore its signatures. Ed25519
    keys (RFC 8463) have no such minimum."""
    return algorithm == "rsa" and bits is not None and bits < MIN_RSA_BITS
