"""SPF (RFC 7208): the record parser and the walk of a domain's SPF tree through the run's resolver.

The walk does not evaluate a message (there is no client IP): it follows the whole record tree the way a
receiver could and records what RFC 7208 bounds (ses_lint/facts/spf.py says what). No dnspython here:
the walk asks through a `DnsCollector`.
"""
from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Optional

from ses_lint.collect.dns.resolver import DnsCollector
from ses_lint.facts.answer import Answer
from ses_lint.facts.spf import (
    MAX_INCLUDES,
    MECHANISMS,
    SpfNode,
    SpfProblem,
    SpfRecord,
    SpfTree,
    Term,
    is_spf,
)
from ses_lint.knowledge.dns import MX_LIMIT, RECORD_ADVICE, UDP_LIMIT
from ses_lint.knowledge.names import normalize

_MACRO_RE = re.compile(r"%\{([slodiphcrtvSLODIPHCRTV])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-", re.IGNORECASE)
_MACRO_LITERAL = re.compile(r"[\x21-\x24\x26-\x7e]")
_TOPLABEL = re.compile(r"^(?=.*[a-z])[a-z0-9]+$|^[a-z0-9]+-[a-z0-9-]*[a-z0-9]$", re.IGNORECASE)
_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$", re.IGNORECASE)
_CIDR_TAIL = re.compile(r"(?:/(\d+))?(?://(\d+))?$")


class SpfSyntaxError(ValueError):
    pass


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


@dataclass(eq=False)
class _Node:
    """An `SpfNode` while the walk fills it in."""

    domain: str
    term: str
    target: Optional[str] = None
    lookups: int = 0
    voids: int = 0
    void_hosts: list[str] = field(default_factory=list)
    result: str = ""
    children: list["_Node"] = field(default_factory=list)


class _Draft:
    """An `SpfTree` while the walk fills it in (`freeze` makes the fact)."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.answer: Optional[Answer] = None
        self.status, self.syntax_error = "unknown", ""
        self.record: Optional[SpfRecord] = None
        self.records: tuple[str, ...] = ()
        self.root: Optional[_Node] = None
        self.loops: list[list[str]] = []
        self.loop_terms: list[_Node] = []
        self.dynamic: list[str] = []
        self.mx_over: list[tuple[str, int]] = []
        self.errors: list[SpfProblem] = []
        self.ptr: list[str] = []
        self.includes: set[str] = set()
        self.faults: list[Answer] = []
        self.final_all: Optional[str] = None
        self.final_all_domain: Optional[str] = None
        self.all_terms: dict[str, str] = {}  # domain -> its `all` term as written (`all`, `+all`, `-ALL`)
        self.redirect_chain: list[str] = []
        self.pass_all: list[list[str]] = []
        self.ignored: list[tuple[str, str, list[str]]] = []
        self.large: list[tuple[Answer, int]] = []
        self.truncated = False

    def freeze(self) -> SpfTree:
        frozen: dict[int, SpfNode] = {}

        def node(draft: _Node) -> SpfNode:
            made = SpfNode(draft.domain, draft.term, draft.target, draft.lookups, draft.voids, tuple(draft.void_hosts),
                           draft.result, tuple(node(child) for child in draft.children))
            frozen[id(draft)] = made
            return made

        root = node(self.root) if self.root is not None else None
        return SpfTree(
            self.domain, self.answer, self.status, self.record, tuple(self.records), self.syntax_error, root,
            loops=tuple(tuple(path) for path in self.loops),
            loop_terms=tuple(frozen[id(term)] for term in self.loop_terms),
            dynamic=tuple(self.dynamic), mx_over=tuple(self.mx_over), errors=tuple(self.errors), ptr=tuple(self.ptr),
            includes=frozenset(self.includes), faults=tuple(self.faults), final_all=self.final_all,
            final_all_domain=self.final_all_domain, final_all_term=self.all_terms.get(self.final_all_domain or ""),
            redirect_chain=tuple(self.redirect_chain),
            pass_all=tuple(tuple(chain) for chain in self.pass_all),
            ignored=tuple((domain, all_text, tuple(terms)) for domain, all_text, terms in self.ignored),
            large=tuple(self.large), truncated=self.truncated,
        )


async def evaluate(collector: DnsCollector, domain: str, top: Optional[Answer] = None) -> SpfTree:
    """Walk the SPF tree of `domain`. `top` is its TXT answer if already asked."""
    return (await _evaluate(collector, domain, top)).freeze()


async def _evaluate(collector: DnsCollector, domain: str, top: Optional[Answer]) -> _Draft:
    domain = normalize(domain)
    tree = _Draft(domain)
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
    tree.root = _Node(domain, "", domain)
    walker = _Walker(collector, tree)
    final = await walker.walk(domain, record, [domain], tree.root, [])
    tree.final_all, tree.final_all_domain = final
    return tree


def _check_size(tree: _Draft, answer: Answer, records) -> None:
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
    def __init__(self, collector: DnsCollector, tree: _Draft):
        self.collector = collector
        self.tree = tree
        self.followed = 0

    async def walk(self, domain: str, record: SpfRecord, path: list[str], parent: _Node, chain: list[str]) -> tuple[Optional[str], Optional[str]]:
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
            node = _Node(domain, term.text, target, lookups=1)
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
            tree.all_terms[domain] = all_term.text
            return all_term.qualifier, domain
        if redirect_job is not None and results:
            return results[-1]
        return None, None

    async def _follow(self, parent: str, term: Term, target: str, path: list[str], node: _Node, chain: list[str]):
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

    async def _address(self, target: str, node: _Node) -> None:
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

    async def _mx(self, target: str, node: _Node) -> None:
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
