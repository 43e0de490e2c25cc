"""SPF (RFC 7208): a record parser and a recursive, static evaluator.

The evaluator does not evaluate a message (there is no client IP): it walks the whole record tree the
way a receiver could, and counts what RFC 7208 bounds:
- DNS-querying terms (§4.6.4): `include`, `a`, `mx`, `ptr`, `exists` and the `redirect` modifier, counted
  recursively through includes and redirects; at most 10.
- void lookups (§4.6.4): lookups answered NXDOMAIN or with no records; at most 2.
- an `mx` whose MX set has more than 10 hosts (§4.6.4).
- include/redirect loops: a name already on the current path.
Terms that contain macros (§7) depend on the message and are reported as dynamic, never guessed; each
still counts as one lookup. `ptr` is counted but not asked (it needs the client IP).

No dnspython here: the evaluator asks through a `DnsCollector`.
"""
from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Optional

from .dns import Answer, DnsCollector, normalize

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MX_LIMIT = 10
MAX_INCLUDES = 40  # bounds the walk of a hostile tree; far beyond any valid record

MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists")

_MACRO_RE = re.compile(r"%\{([slodiphcrtvSLODIPHCRTV])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-", re.IGNORECASE)
_MACRO_LITERAL = re.compile(r"[\x21-\x24\x26-\x7e]")
_TOPLABEL = re.compile(r"^(?=.*[a-z])[a-z0-9]+$|^[a-z0-9]+-[a-z0-9-]*[a-z0-9]$", re.IGNORECASE)
_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$", re.IGNORECASE)
_CIDR_TAIL = re.compile(r"(?:/(\d+))?(?://(\d+))?$")


class SpfSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # a mechanism name, "redirect", "exp" or "modifier"
    qualifier: str = "+"
    value: Optional[str] = None  # domain-spec or network
    dynamic: bool = False  # contains a macro

    @property
    def is_lookup(self) -> bool:
        return self.kind in LOOKUP_TERMS or self.kind == "redirect"


@dataclass(frozen=True)
class SpfRecord:
    text: str
    terms: tuple[Term, ...]

    @property
    def mechanisms(self) -> list[Term]:
        return [term for term in self.terms if term.kind in MECHANISMS]

    @property
    def all_term(self) -> Optional[Term]:
        return next((term for term in self.terms if term.kind == "all"), None)

    @property
    def redirect(self) -> Optional[Term]:
        return next((term for term in self.terms if term.kind == "redirect"), None)


def is_spf(text: str) -> bool:
    """RFC 7208 §4.5: `v=spf1` (any case) followed by a space or the end."""
    return text[:6].lower() == "v=spf1" and (len(text) == 6 or text[6] == " ")


def check_macro_string(text: str, exp: bool = False) -> bool:
    """Validate a macro-string (§7.1); return whether it holds a macro. Raises SpfSyntaxError."""
    position, dynamic = 0, False
    while position < len(text):
        if text[position] == "%":
            match = _MACRO_RE.match(text, position)
            if not match:
                raise SpfSyntaxError(f"bad macro at `{text[position:position + 8]}` (RFC 7208 §7.1)")
            letter = (match.group(1) or "").lower()
            if letter in ("c", "r", "t") and not exp:
                raise SpfSyntaxError(f"macro `%{{{letter}}}` is allowed only in `exp` (RFC 7208 §7.2)")
            if match.group(1):
                dynamic = True
            position = match.end()
        elif _MACRO_LITERAL.match(text[position]):
            position += 1
        else:
            raise SpfSyntaxError(f"character {text[position]!r} not allowed in `{text}`")
    return dynamic


def check_domain_spec(text: str) -> bool:
    """domain-spec = macro-string domain-end (§7.1); return whether it holds a macro."""
    if not text:
        raise SpfSyntaxError("empty domain")
    dynamic = check_macro_string(text)
    if text.endswith("}") and dynamic:
        return dynamic  # domain-end = macro-expand
    labels = text.rstrip(".").split(".")
    if len(labels) < 2 and not dynamic or not _TOPLABEL.match(labels[-1]):
        raise SpfSyntaxError(f"`{text}` is not a domain name (RFC 7208 §7.1 domain-end)")
    if any(not label for label in labels):
        raise SpfSyntaxError(f"`{text}` has an empty label")
    return dynamic


def parse(text: str) -> SpfRecord:
    """Parse one SPF record. Raises SpfSyntaxError with a message naming the bad term."""
    if not is_spf(text):
        raise SpfSyntaxError("the record does not start with `v=spf1`")
    terms: list[Term] = []
    seen_modifiers: set[str] = set()
    for raw in text[6:].split(" "):
        if not raw:
            continue
        terms.append(_parse_term(raw, seen_modifiers))
    return SpfRecord(text, tuple(terms))


def _parse_term(raw: str, seen_modifiers: set[str]) -> Term:
    try:
        return _parse_term_inner(raw, seen_modifiers)
    except SpfSyntaxError as error:
        raise SpfSyntaxError(f"`{raw}`: {error}") from None


def _parse_term_inner(raw: str, seen_modifiers: set[str]) -> Term:
    name_part = re.match(r"^([a-zA-Z][a-zA-Z0-9\-_.]*)=", raw)
    if name_part:  # a modifier
        name = name_part.group(1).lower()
        value = raw[name_part.end():]
        if name in ("redirect", "exp"):
            if name in seen_modifiers:
                raise SpfSyntaxError(f"`{name}` given more than once (RFC 7208 §6)")
            seen_modifiers.add(name)
            dynamic = check_domain_spec(value)
            return Term(raw, name, value=value, dynamic=dynamic)
        check_macro_string(value)
        return Term(raw, "modifier", value=value)
    qualifier = "+"
    body = raw
    if raw[0] in "+-?~":
        qualifier, body = raw[0], raw[1:]
    name, sep, value = body.partition(":")
    lowered = name.lower()
    cidr = ""
    if sep == "" and "/" in body and lowered.split("/")[0] in ("a", "mx"):
        lowered, _, rest = lowered.partition("/")
        cidr = "/" + rest
    if lowered not in MECHANISMS:
        if "=" in raw and raw[0] in "+-?~":
            raise SpfSyntaxError("a modifier takes no qualifier")
        raise SpfSyntaxError("unknown mechanism (RFC 7208 §5)")
    if lowered == "all":
        if sep or cidr:
            raise SpfSyntaxError("`all` takes no argument")
        return Term(raw, "all", qualifier)
    if lowered in ("include", "exists"):
        if not sep:
            raise SpfSyntaxError(f"`{lowered}` needs `:domain`")
        return Term(raw, lowered, qualifier, value, check_domain_spec(value))
    if lowered in ("ip4", "ip6"):
        if not sep or not value:
            raise SpfSyntaxError(f"`{lowered}` needs an address")
        _check_network(lowered, value)
        return Term(raw, lowered, qualifier, value)
    if lowered == "ptr":
        if sep and not value:
            raise SpfSyntaxError("empty domain after `ptr:`")
        return Term(raw, "ptr", qualifier, value or None, check_domain_spec(value) if value else False)
    # a / mx with optional domain-spec and dual-cidr-length
    domain: Optional[str] = None
    if sep:
        match = _CIDR_TAIL.search(value)
        cidr = value[match.start():] if match else ""
        domain = value[: match.start()] if match else value
        if not domain:
            raise SpfSyntaxError(f"empty domain after `{lowered}:`")
    _check_dual_cidr(cidr)
    dynamic = check_domain_spec(domain) if domain else False
    return Term(raw, lowered, qualifier, domain, dynamic)


def _check_dual_cidr(cidr: str) -> None:
    if not cidr:
        return
    match = re.fullmatch(r"(?:/(\d+))?(?://(\d+))?", cidr)
    if not match:
        raise SpfSyntaxError(f"bad CIDR length `{cidr}`")
    v4, v6 = match.group(1), match.group(2)
    for digits, top in ((v4, 32), (v6, 128)):
        if digits is not None and (int(digits) > top or (len(digits) > 1 and digits[0] == "0")):
            raise SpfSyntaxError(f"bad CIDR length `{cidr}`")


def _check_network(kind: str, value: str) -> None:
    address, _, length = value.partition("/")
    top = 32 if kind == "ip4" else 128
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise SpfSyntaxError(f"`{address}` is not an IPv{4 if kind == 'ip4' else 6} address") from None
    if (kind == "ip4") != (parsed.version == 4):
        raise SpfSyntaxError(f"`{address}` is an IPv{parsed.version} address, not {kind}")
    if length and (not length.isdigit() or int(length) > top or (len(length) > 1 and length[0] == "0")):
        raise SpfSyntaxError(f"bad CIDR length `/{length}`")


# -- evaluation ------------------------------------------------------------------------------------
@dataclass
class SpfProblem:
    domain: str  # where the problem is (the record's owner)
    message: str


@dataclass
class SpfTree:
    """What the walk of one domain's SPF tree found. Counts are lower bounds when `faults` is not empty."""

    domain: str
    answer: Optional[Answer] = None  # the TXT answer at the top domain
    status: str = "unknown"  # ok | none | multiple | syntax | nxdomain | unknown
    record: Optional[SpfRecord] = None
    records: tuple[str, ...] = ()  # every v=spf1 TXT string at the top domain
    syntax_error: str = ""
    lookups: int = 0
    lookup_terms: list[str] = field(default_factory=list)  # "domain: term"
    voids: list[str] = field(default_factory=list)  # "name TYPE"
    loops: list[list[str]] = field(default_factory=list)
    dynamic: list[str] = field(default_factory=list)
    mx_over: list[tuple[str, int]] = field(default_factory=list)
    errors: list[SpfProblem] = field(default_factory=list)  # permerrors below the top record
    ptr: list[str] = field(default_factory=list)
    includes: set[str] = field(default_factory=set)  # every include/redirect target in the tree
    faults: list[Answer] = field(default_factory=list)
    final_all: Optional[str] = None  # qualifier of the `all` that ends evaluation ("+", "-", "~", "?")
    final_all_domain: Optional[str] = None
    redirect_chain: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def known(self) -> bool:
        return self.status in ("ok", "none", "multiple", "syntax", "nxdomain")

    def includes_domain(self, domain: str) -> bool:
        return normalize(domain) in self.includes


async def evaluate(collector: DnsCollector, domain: str, top: Optional[Answer] = None) -> SpfTree:
    """Walk the SPF tree of `domain`. `top` is its TXT answer if already asked."""
    domain = normalize(domain)
    tree = SpfTree(domain)
    answer = top or await collector.lookup(domain, "TXT")
    tree.answer = answer
    if answer.fault:
        tree.status = "unknown"
        tree.faults.append(answer)
        return tree
    if answer.status == "nxdomain":
        tree.status = "nxdomain"
        return tree
    records = tuple(text for text in answer.records if is_spf(text))
    tree.records = records
    if not records:
        tree.status = "none"
        return tree
    if len(records) > 1:
        tree.status = "multiple"
        return tree
    try:
        record = parse(records[0])
    except SpfSyntaxError as error:
        tree.status = "syntax"
        tree.syntax_error = str(error)
        return tree
    tree.status = "ok"
    tree.record = record
    walker = _Walker(collector, tree)
    await walker.walk(domain, record, [domain], top_level=True)
    return tree


class _Walker:
    def __init__(self, collector: DnsCollector, tree: SpfTree):
        self.collector = collector
        self.tree = tree
        self.followed = 0

    async def walk(self, domain: str, record: SpfRecord, path: list[str], top_level: bool) -> None:
        tree = self.tree
        redirect = record.redirect
        all_term = record.all_term
        if redirect is not None and all_term is not None:
            redirect = None  # §6.1: redirect is ignored when `all` is present
        if top_level and all_term is not None:
            tree.final_all = all_term.qualifier
            tree.final_all_domain = domain
        children: list = []
        for term in record.terms:
            if term.kind == "redirect" and redirect is None:
                continue
            if not term.is_lookup:
                continue
            tree.lookups += 1
            tree.lookup_terms.append(f"{domain}: {term.text}")
            if term.kind == "ptr":
                tree.ptr.append(f"{domain}: {term.text}")
            if term.dynamic:
                tree.dynamic.append(f"{domain}: {term.text}")
                continue
            target = normalize(term.value) if term.value else domain
            if term.kind in ("include", "redirect"):
                tree.includes.add(target)
                if target in path:
                    tree.loops.append(path + [target])
                    continue
                children.append(self._follow(domain, term, target, path, top_level and term.kind == "redirect"))
            elif term.kind == "a":
                children.append(self._address(target))
            elif term.kind == "exists":
                children.append(self._exists(target))
            elif term.kind == "mx":
                children.append(self._mx(target))
        if children:
            await asyncio.gather(*children)

    async def _follow(self, parent: str, term: Term, target: str, path: list[str], final: bool) -> None:
        tree = self.tree
        self.followed += 1
        if self.followed > MAX_INCLUDES:
            tree.truncated = True
            return
        answer = await self.collector.lookup(target, "TXT")
        if answer.fault:
            tree.faults.append(answer)
            return
        if answer.empty:
            tree.voids.append(answer.label)
        records = [text for text in answer.records if is_spf(text)]
        section = "§5.2" if term.kind == "include" else "§6.1"
        if not records:
            tree.errors.append(SpfProblem(parent, f"`{term.text}`: `{target}` publishes no SPF record, a permanent error (RFC 7208 {section})"))
            return
        if len(records) > 1:
            tree.errors.append(SpfProblem(parent, f"`{term.text}`: `{target}` publishes {len(records)} SPF records, a permanent error (RFC 7208 §4.5)"))
            return
        try:
            record = parse(records[0])
        except SpfSyntaxError as error:
            tree.errors.append(SpfProblem(target, f"`{target}` (reached by `{term.text}`): {error}"))
            return
        if final:
            tree.redirect_chain.append(target)
            all_term = record.all_term
            if all_term is not None:
                tree.final_all, tree.final_all_domain = all_term.qualifier, target
        await self.walk(target, record, path + [target], top_level=final)

    async def _address(self, target: str) -> None:
        answer = await self.collector.lookup(target, "A")
        if answer.fault:
            self.tree.faults.append(answer)
            return
        if answer.status == "nodata":
            answer = await self.collector.lookup(target, "AAAA")  # an IPv6-only host is not void
            if answer.fault:
                self.tree.faults.append(answer)
                return
        if answer.empty:
            self.tree.voids.append(f"{target} A")

    async def _exists(self, target: str) -> None:
        answer = await self.collector.lookup(target, "A")
        if answer.fault:
            self.tree.faults.append(answer)
        elif answer.empty:
            self.tree.voids.append(answer.label)

    async def _mx(self, target: str) -> None:
        answer = await self.collector.lookup(target, "MX")
        if answer.fault:
            self.tree.faults.append(answer)
        elif answer.empty:
            self.tree.voids.append(answer.label)
        elif len(answer.mx) > MX_LIMIT:
            self.tree.mx_over.append((target, len(answer.mx)))
