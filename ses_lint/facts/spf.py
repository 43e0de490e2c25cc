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

from ses_lint.collect.dns.resolver import Answer, DnsCollector
from ses_lint.knowledge.dns import MX_LIMIT, RECORD_ADVICE, UDP_LIMIT
from ses_lint.knowledge.names import normalize

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
class SpfNode:
    """One evaluated term and what it cost: the tree a receiver walks, in evaluation order (§4.6.2:
    mechanisms left to right, then `redirect`)."""

    domain: str  # the record holding the term
    term: str
    target: Optional[str] = None  # the name the term asks about
    lookups: int = 0  # 1 for a DNS-querying term (§4.6.4), else 0
    voids: int = 0  # its own void lookups: the term's query answered NXDOMAIN or with no records
    void_hosts: list[str] = field(default_factory=list)  # `mx`: MX hosts whose address lookup returned nothing
    result: str = ""  # what evaluating the term found; "" when unremarkable
    children: list["SpfNode"] = field(default_factory=list)

    def walk(self):
        """This node and every node below it, in evaluation order (depth first)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def as_dict(self) -> dict:
        total = list(self.walk())
        return {
            "term": self.term,
            "domain": self.domain,
            "target": self.target,
            "lookups": sum(node.lookups for node in total),
            "voids": sum(node.voids for node in total),
            "mx_host_voids": sum(len(node.void_hosts) for node in total),
            "result": self.result,
            "children": [child.as_dict() for child in self.children],
        }


@dataclass
class SpfTree:
    """What the walk of one domain's SPF tree found. Counts are lower bounds when `faults` is not empty."""

    domain: str
    answer: Optional[Answer] = None  # the TXT answer at the top domain
    status: str = "unknown"  # ok | none | multiple | syntax | nxdomain | unknown
    record: Optional[SpfRecord] = None
    records: tuple[str, ...] = ()  # every v=spf1 TXT string at the top domain
    syntax_error: str = ""
    root: Optional[SpfNode] = None
    loops: list[list[str]] = field(default_factory=list)
    loop_terms: list[SpfNode] = field(default_factory=list)
    dynamic: list[str] = field(default_factory=list)
    mx_over: list[tuple[str, int]] = field(default_factory=list)
    errors: list[SpfProblem] = field(default_factory=list)  # permerrors below the top record
    ptr: list[str] = field(default_factory=list)
    includes: set[str] = field(default_factory=set)  # every evaluated include/redirect target
    faults: list[Answer] = field(default_factory=list)
    final_all: Optional[str] = None  # qualifier of the `all` that ends evaluation ("+", "-", "~", "?")
    final_all_domain: Optional[str] = None
    redirect_chain: list[str] = field(default_factory=list)
    pass_all: list[list[str]] = field(default_factory=list)  # include chains ending in a record that passes everyone
    ignored: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (domain, the `all`, terms after it)
    large: list[tuple[Answer, int]] = field(default_factory=list)  # (TXT answer, length of its SPF record)
    truncated: bool = False
    _nodes: Optional[list[SpfNode]] = field(default=None, repr=False)

    @property
    def known(self) -> bool:
        return self.status in ("ok", "none", "multiple", "syntax", "nxdomain")

    def includes_domain(self, domain: str) -> bool:
        return normalize(domain) in self.includes

    def nodes(self) -> list[SpfNode]:
        """Every evaluated term, in evaluation order (computed once: the walk is over when rules read it)."""
        if self._nodes is None:
            self._nodes = list(self.root.walk()) if self.root is not None else []
        return self._nodes

    @property
    def lookups(self) -> int:
        return sum(node.lookups for node in self.nodes())

    @property
    def lookup_terms(self) -> list[SpfNode]:
        return [node for node in self.nodes() if node.lookups]

    @property
    def voids(self) -> list[str]:
        """Void lookups by term, as RFC 7208 §4.6.4 words it: "name TYPE"."""
        return [f"{node.target} {_void_type(node)}" for node in self.nodes() if node.voids]

    @property
    def host_voids(self) -> list[str]:
        return [f"{host} A" for node in self.nodes() for host in node.void_hosts]

    def crossing(self, limit: int, count) -> Optional[SpfNode]:
        """The node at which `count(node)`, added up in evaluation order, first exceeds `limit`."""
        total = 0
        for node in self.nodes():
            total += count(node)
            if total > limit:
                return node
        return None

    def path_to(self, wanted: SpfNode) -> list[SpfNode]:
        """The include/redirect terms leading from the top record to `wanted` (outermost first)."""
        def search(node: SpfNode, trail: list[SpfNode]) -> Optional[list[SpfNode]]:
            if node is wanted:
                return trail
            for child in node.children:
                found = search(child, trail + ([node] if node.term else []))
                if found is not None:
                    return found
            return None

        return (search(self.root, []) or []) if self.root is not None else []

    def as_dict(self) -> dict:
        return {
            "domain": self.domain,
            "status": self.status,
            "record": self.record.text if self.record is not None else None,
            "lookups": self.lookups,
            "voids": len(self.voids),
            "mx_host_voids": len(self.host_voids),
            "tree": [child.as_dict() for child in self.root.children] if self.root is not None else [],
        }


def _void_type(node: SpfNode) -> str:
    kind = node.term.lstrip("+-~?").split(":")[0].split("/")[0].split("=")[0].lower()
    return {"mx": "MX", "include": "TXT", "redirect": "TXT"}.get(kind, "A")


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
    _check_size(tree, answer, records)
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
    tree.root = SpfNode(domain, "", domain)
    walker = _Walker(collector, tree)
    final = await walker.walk(domain, record, [domain], tree.root, [])
    tree.final_all, tree.final_all_domain = final
    return tree


def _check_size(tree: SpfTree, answer: Answer, records) -> None:
    longest = max(len(text.encode("utf-8")) for text in records)
    if answer.size > UDP_LIMIT or longest > RECORD_ADVICE:
        tree.large.append((answer, longest))


def evaluated_terms(record: SpfRecord) -> tuple[list[Term], Optional[Term], list[Term]]:
    """(terms evaluated, the `all` if any, mechanisms after it). §5.1: mechanisms after `all` are never
    evaluated; §6.1: `redirect` is ignored when the record has an `all`; §4.6.2: redirect comes last."""
    evaluated: list[Term] = []
    after: list[Term] = []
    all_term: Optional[Term] = None
    for term in record.terms:
        if term.kind in MECHANISMS:
            if all_term is not None:
                after.append(term)
                continue
            if term.kind == "all":
                all_term = term
                continue
            evaluated.append(term)
    redirect = record.redirect
    if redirect is not None and all_term is None:
        evaluated.append(redirect)
    return evaluated, all_term, after


class _Walker:
    def __init__(self, collector: DnsCollector, tree: SpfTree):
        self.collector = collector
        self.tree = tree
        self.followed = 0

    async def walk(self, domain: str, record: SpfRecord, path: list[str], parent: SpfNode, chain: list[str]) -> tuple[Optional[str], Optional[str]]:
        """Walk one record below `parent`; return the qualifier and owner of the `all` that ends its
        evaluation (its own, or its redirect target's), or (None, None)."""
        tree = self.tree
        terms, all_term, after = evaluated_terms(record)
        if after:
            tree.ignored.append((domain, all_term.text if all_term else "all", [term.text for term in after]))
        children: list = []
        redirect_job = None
        for term in terms:
            if not term.is_lookup:
                continue
            target = normalize(term.value) if term.value and not term.dynamic else (None if term.dynamic else domain)
            node = SpfNode(domain, term.text, target, lookups=1)
            parent.children.append(node)
            if term.kind == "ptr":
                tree.ptr.append(f"{domain}: {term.text}")
                node.result = "not asked (needs the client address)"
            if term.dynamic:
                tree.dynamic.append(f"{domain}: {term.text}")
                node.result = "dynamic (macro): not followed"
                continue
            assert target is not None
            if term.kind in ("include", "redirect"):
                tree.includes.add(target)
                if target in path:
                    tree.loops.append(path + [target])
                    tree.loop_terms.append(node)
                    node.result = "loop"
                    continue
                job = self._follow(domain, term, target, path, node, chain + [f"{domain}: {term.text}"])
                if term.kind == "redirect":
                    redirect_job = job
                else:
                    children.append(job)
            elif term.kind in ("a", "exists"):
                children.append(self._address(target, node))
            elif term.kind == "mx":
                children.append(self._mx(target, node))
        if redirect_job is not None:
            children.append(redirect_job)
        results = await asyncio.gather(*children) if children else []
        if all_term is not None:
            return all_term.qualifier, domain
        if redirect_job is not None and results:
            return results[-1]
        return None, None

    async def _follow(self, parent: str, term: Term, target: str, path: list[str], node: SpfNode, chain: list[str]):
        tree = self.tree
        self.followed += 1
        if self.followed > MAX_INCLUDES:
            tree.truncated = True
            node.result = "not followed (too many includes)"
            return None, None
        answer = await self.collector.lookup(target, "TXT")
        if answer.fault:
            tree.faults.append(answer)
            node.result = f"unknown: {answer.describe_fault()}"
            return None, None
        if answer.empty:
            node.voids = 1
        records = [text for text in answer.records if is_spf(text)]
        section = "§5.2" if term.kind == "include" else "§6.1"
        if not records:
            node.result = "permerror: no SPF record"
            tree.errors.append(SpfProblem(parent, f"`{term.text}`: `{target}` publishes no SPF record, a permanent error (RFC 7208 {section})"))
            return None, None
        _check_size(tree, answer, records)
        if len(records) > 1:
            node.result = f"permerror: {len(records)} SPF records"
            tree.errors.append(SpfProblem(parent, f"`{term.text}`: `{target}` publishes {len(records)} SPF records, a permanent error (RFC 7208 §4.5)"))
            return None, None
        try:
            record = parse(records[0])
        except SpfSyntaxError as error:
            node.result = "permerror: syntax"
            tree.errors.append(SpfProblem(target, f"`{target}` (reached by `{term.text}`): {error}"))
            return None, None
        if term.kind == "redirect":
            tree.redirect_chain.append(target)
        qualifier, owner = await self.walk(target, record, path + [target], node, chain)
        if term.kind == "include" and qualifier == "+":
            # §5.2: the include matches when the included record passes, and `+all` passes everyone
            node.result = f"matches every sender (`+all` in `{owner}`)"
            tree.pass_all.append(chain + [f"{owner}: +all"])
        elif qualifier is not None and term.kind == "redirect":
            node.result = f"ends in `{qualifier}all` (`{owner}`)"
        return qualifier, owner

    async def _address(self, target: str, node: SpfNode) -> None:
        # SES sends over IPv4 only (its dedicated IPs are IPv4, SESv2 DedicatedIp.Ip; amazonses.com's SPF
        # lists ip4 ranges alone), so receivers ask A for `a` and `exists` (§5.3, §5.7): a host with only
        # AAAA records is a void lookup for them.
        answer = await self.collector.lookup(target, "A")
        if answer.fault:
            self.tree.faults.append(answer)
            node.result = f"unknown: {answer.describe_fault()}"
        elif answer.empty:
            node.voids = 1
            node.result = "void: no A record" + (" (the name does not exist)" if answer.status == "nxdomain" else "")

    async def _mx(self, target: str, node: SpfNode) -> None:
        answer = await self.collector.lookup(target, "MX")
        if answer.fault:
            self.tree.faults.append(answer)
            node.result = f"unknown: {answer.describe_fault()}"
            return
        if answer.empty:
            node.voids = 1
            node.result = "void: no MX record"
            return
        if len(answer.mx) > MX_LIMIT:
            self.tree.mx_over.append((target, len(answer.mx)))
            node.result = f"permerror: {len(answer.mx)} MX hosts"
            return
        hosts = [host for _, host in answer.mx if host]
        addresses = await self.collector.gather((host, "A") for host in hosts)
        empty = []
        for host, address in zip(hosts, addresses):
            if address.fault:
                self.tree.faults.append(address)
            elif address.empty:
                empty.append(host)
        if empty:
            node.void_hosts = empty
            node.result = "MX hosts without an A record: " + ", ".join(empty)
