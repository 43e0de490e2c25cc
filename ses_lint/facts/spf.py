"""SPF (RFC 7208) facts: a parsed record and the evaluated tree of one domain, as a receiver could walk it.

The tree counts what RFC 7208 bounds:
- DNS-querying terms (§4.6.4): `include`, `a`, `mx`, `ptr`, `exists` and the `redirect` modifier, counted
  recursively through includes and redirects; at most 10.
- void lookups (§4.6.4): lookups answered NXDOMAIN or with no records; at most 2.
- an `mx` whose MX set has more than 10 hosts (§4.6.4).
- include/redirect loops: a name already on the current path.
Terms that contain macros (§7) depend on the message and are reported as dynamic, never guessed; each
still counts as one lookup. `ptr` is counted but not asked (it needs the client IP).

Plain data: the parser and the walk that asks DNS are in ses_lint/collect/dns/spf.py.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from ses_lint.facts.answer import Answer
from ses_lint.knowledge.names import normalize

MAX_INCLUDES = 40  # bounds the walk of a hostile tree; far beyond any valid record

MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists")


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


@dataclass(frozen=True)
class SpfProblem:
    domain: str  # where the problem is (the record's owner)
    message: str


@dataclass(frozen=True)
class SpfNode:
    """One evaluated term and what it cost: the tree a receiver walks, in evaluation order (§4.6.2:
    mechanisms left to right, then `redirect`)."""

    domain: str  # the record holding the term
    term: str
    target: Optional[str] = None  # the name the term asks about
    lookups: int = 0  # 1 for a DNS-querying term (§4.6.4), else 0
    voids: int = 0  # its own void lookups: the term's query answered NXDOMAIN or with no records
    void_hosts: tuple[str, ...] = ()  # `mx`: MX hosts whose address lookup returned nothing
    result: str = ""  # what evaluating the term found; "" when unremarkable
    children: tuple["SpfNode", ...] = ()

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


@dataclass(frozen=True)
class SpfTree:
    """What the walk of one domain's SPF tree found. Counts are lower bounds when `faults` is not empty."""

    domain: str
    answer: Optional[Answer] = None  # the TXT answer at the top domain
    status: str = "unknown"  # ok | none | multiple | syntax | nxdomain | unknown
    record: Optional[SpfRecord] = None
    records: tuple[str, ...] = ()  # every v=spf1 TXT string at the top domain
    syntax_error: str = ""
    root: Optional[SpfNode] = None
    loops: tuple[tuple[str, ...], ...] = ()
    loop_terms: tuple[SpfNode, ...] = ()
    dynamic: tuple[str, ...] = ()
    mx_over: tuple[tuple[str, int], ...] = ()
    errors: tuple[SpfProblem, ...] = ()  # permerrors below the top record
    ptr: tuple[str, ...] = ()
    includes: frozenset[str] = frozenset()  # every evaluated include/redirect target
    faults: tuple[Answer, ...] = ()
    final_all: Optional[str] = None  # qualifier of the `all` that ends evaluation ("+", "-", "~", "?")
    final_all_domain: Optional[str] = None
    final_all_term: Optional[str] = None  # that `all` as written: `all` is `+all` (§4.6.2), but the message quotes the record
    redirect_chain: tuple[str, ...] = ()
    pass_all: tuple[tuple[str, ...], ...] = ()  # include chains ending in a record that passes everyone
    ignored: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (domain, the `all`, terms after it)
    large: tuple[tuple[Answer, int], ...] = ()  # (TXT answer, length of its SPF record)
    truncated: bool = False

    @property
    def known(self) -> bool:
        return self.status in ("ok", "none", "multiple", "syntax", "nxdomain")

    def includes_domain(self, domain: str) -> bool:
        return normalize(domain) in self.includes

    def nodes(self) -> list[SpfNode]:
        """Every evaluated term, in evaluation order (computed once)."""
        return self._nodes

    @functools.cached_property
    def _nodes(self) -> list[SpfNode]:
        return list(self.root.walk()) if self.root is not None else []

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
