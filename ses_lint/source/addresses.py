"""Email addresses: syntax (RFC 5322 addr-spec or `Name <addr>`, IDN aware), reserved domains, the
parts of a `Name <addr>` value and a domain's A-label form."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "home.arpa")
RESERVED_TLDS = ("test", "example", "invalid", "localhost", "local", "onion", "alt", "internal")
# The common case, judged without loading email-validator: a dot-atom local part at an ASCII domain
# whose labels are 1-63 letters, digits and inner hyphens, under an alphabetic top-level label.
_PLAIN = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9])"
)


@dataclass(frozen=True)
class Address:
    text: str
    address: str | None  # the addr-spec, when valid
    domain: str | None
    error: str | None


@functools.lru_cache(maxsize=4096)
def split(text: str) -> tuple[str | None, str | None]:
    """(display name, addr-spec) of `Name <a@b>` or `a@b`, as the mail libraries read them: each None
    when absent (an addr-spec without `@` is none). Not a syntax check: that is `parse`."""
    if not text.strip():
        return None, None
    from email.utils import parseaddr

    name, address = parseaddr(text)
    return name or None, address if "@" in address else None


def a_label(domain: str) -> str | None:
    """The A-label form as registries and receivers compute it: IDNA 2008 with the UTS #46 mapping,
    non-transitional (`straße.de` is `xn--strae-oqa.de`, not `strasse.de` as Python's IDNA 2003 codec
    says; RFC 5891 §5, RFC 9989 §5.3.1 converts the author domain to A-labels)."""
    if not domain or any(char.isspace() for char in domain):
        return None
    if not domain.isascii():
        import idna

        try:
            domain = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    domain = domain.lower()
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or any(not label or len(label) > 63 for label in labels):
        return None
    return domain


def is_reserved(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return domain.rsplit(".", 1)[-1] in RESERVED_TLDS or any(domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS)


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Address:
    candidate = text.strip()
    plain = _PLAIN.fullmatch(candidate)
    if plain and len(plain.group("local")) <= 64 and len(candidate) <= 254:
        return Address(text, candidate, plain.group("domain").lower(), None)
    from email_validator import EmailNotValidError, validate_email

    if "<" in candidate and candidate.endswith(">"):
        bare = candidate[candidate.rfind("<") + 1 : -1]
    else:
        bare = candidate
    local, at, domain = bare.rpartition("@")
    # Reserved domains are judged by SES502, so they are swapped for a neutral one to check the syntax.
    checked = candidate.replace("@" + domain, "@mail.invalid-check.org") if at and domain and is_reserved(domain) else candidate
    try:
        result = validate_email(checked, check_deliverability=False, allow_display_name=True)
    except EmailNotValidError as error:
        return Address(text, None, None, str(error))
    except Exception as error:  # noqa: BLE001 - a validator bug must not crash a lint run
        return Address(text, None, None, f"could not be parsed ({type(error).__name__})")
    real_domain = domain if checked != candidate else result.domain
    return Address(text, f"{result.local_part}@{real_domain}", real_domain, None)
