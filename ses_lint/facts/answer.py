"""The outcome of one DNS lookup, as the dns stage's collector returns it and its facts keep it."""
from __future__ import annotations

from dataclasses import dataclass

OK, NXDOMAIN, NODATA = "ok", "nxdomain", "nodata"
SERVFAIL, REFUSED, TIMEOUT, ERROR = "servfail", "refused", "timeout", "error"
REFERRAL = "referral"  # a non-authoritative reply pointing elsewhere: a lame delegation
FAULTS = frozenset({SERVFAIL, REFUSED, TIMEOUT, ERROR, REFERRAL})

_FAULT_WORDS = {
    SERVFAIL: "the server failed (SERVFAIL)",
    REFUSED: "the server refused the query (REFUSED)",
    TIMEOUT: "the lookup timed out",
    ERROR: "the lookup failed",
    REFERRAL: "the server answered with a referral, not an answer (a lame delegation)",
}


@dataclass(frozen=True)
class Answer:
    """The outcome of one lookup: records (`ok`), a definite absence (`nxdomain`, `nodata`) or a fault.

    `records` hold text: a TXT record's strings joined with no separator (RFC 7208 §3.3, RFC 7489
    §6.4, RFC 6376 §3.6.2.2); an MX as `(preference, host)` in `mx`; a CNAME's target; an address.
    """

    name: str
    rtype: str
    status: str
    records: tuple[str, ...] = ()
    mx: tuple[tuple[int, str], ...] = ()
    detail: str = ""
    size: int = 0  # TXT: bytes of the smallest reply that carries the answer (what a plain UDP client needs)
    canonical: str = ""  # the owner of the records when a CNAME in the reply led elsewhere

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def fault(self) -> bool:
        return self.status in FAULTS

    @property
    def empty(self) -> bool:
        """A definite "nothing here": NXDOMAIN or no data (a void lookup in RFC 7208 §4.6.4 terms)."""
        return self.status in (NXDOMAIN, NODATA) or (self.status == OK and not self.records)

    @property
    def label(self) -> str:
        """The record as findings name it: `_dmarc.example.org TXT`."""
        return f"{self.name} {self.rtype}"

    def describe_fault(self) -> str:
        words = _FAULT_WORDS.get(self.status, self.status)
        return f"{words}{': ' + self.detail if self.detail else ''}"
