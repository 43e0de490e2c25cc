"""The DNS collector: an asynchronous, caching, bounded resolver whose every fault is a fact.

Each (name, type) is asked at most once per `DnsCollector` (one per run), however many providers,
files and SPF trees need it: concurrent askers share one in-flight query. At most `concurrency` queries
are in flight at a time. Every lookup is bounded by `timeout`, and the collector as a whole by a
deadline (`stage_timeout`): a lookup that would start after the deadline is reported as timed out.

dnspython is imported only inside functions: this module is imported on the static path.
"""
from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Optional, TypeVar

T = TypeVar("T")

OK, NXDOMAIN, NODATA = "ok", "nxdomain", "nodata"
SERVFAIL, REFUSED, TIMEOUT, ERROR = "servfail", "refused", "timeout", "error"
REFERRAL = "referral"  # a non-authoritative reply pointing elsewhere: a lame delegation
FAULTS = frozenset({SERVFAIL, REFUSED, TIMEOUT, ERROR, REFERRAL})

EDNS_PAYLOAD = 1232
DEFAULT_CONCURRENCY = 256  # chosen by benchmarks/bench_dns.py (README: DNS stage speed)
STAGE_TIMEOUT_FACTOR = 6  # the whole stage is bounded by this many per-lookup timeouts

_FAULT_WORDS = {
    SERVFAIL: "the server failed (SERVFAIL)",
    REFUSED: "the server refused the query (REFUSED)",
    TIMEOUT: "the lookup timed out",
    ERROR: "the lookup failed",
    REFERRAL: "the server answered with a referral, not an answer (a lame delegation)",
}


def normalize(name: str) -> str:
    return name.strip().rstrip(".").lower()


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


def parse_nameserver(text: str) -> tuple[str, int]:
    """`HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address -> (address, port)."""
    text = text.strip()
    host, port = text, 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = int(port_text)
    if not 0 < port < 65536:
        raise ValueError(f"nameserver {text!r}: port out of range")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host = socket.getaddrinfo(host, port, proto=socket.IPPROTO_UDP)[0][4][0]
    return host, port


@dataclass
class DnsCollector:
    """One run's resolver and cache."""

    nameservers: list[str] = field(default_factory=list)
    timeout: float = 5.0
    concurrency: int = DEFAULT_CONCURRENCY
    stage_timeout: Optional[float] = None
    progress: Optional[Callable[[int, int], None]] = None
    _cache: dict[tuple[str, str], "asyncio.Future[Answer]"] = field(default_factory=dict)
    _transport: Any = None
    _probe_label: str = field(default_factory=lambda: f"ses-lint-{random.getrandbits(40):010x}")
    _setup_error: str = ""
    _semaphore: Optional[asyncio.Semaphore] = None
    _deadline: float = 0.0
    _done: int = 0
    asked: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.stage_timeout is None:
            self.stage_timeout = self.timeout * STAGE_TIMEOUT_FACTOR

    # -- running -------------------------------------------------------------------------------
    def run(self, coroutine_factory: Callable[[], Awaitable[T]]) -> T:
        """Run `coroutine_factory()` on a fresh event loop (in a thread if one is already running)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._main(coroutine_factory))
        import concurrent.futures

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._main(coroutine_factory)).result()

    async def _main(self, coroutine_factory: Callable[[], Awaitable[T]]) -> T:
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self._cache = {}
        self._deadline = time.monotonic() + float(self.stage_timeout or self.timeout)
        self._setup()
        try:
            return await coroutine_factory()
        finally:
            if self._transport is not None:
                self._transport.close()

    def _setup(self) -> None:
        try:
            import dns.message  # noqa: F401 - dnspython parses and builds the messages
        except ImportError as error:  # pragma: no cover - dnspython is a dependency
            self._setup_error = f"dnspython is not installed ({error})"
            return
        try:
            if self.nameservers:
                servers = [parse_nameserver(text) for text in self.nameservers]
            else:
                import dns.resolver

                servers = [(str(server), 53) for server in dns.resolver.Resolver(configure=True).nameservers]
                if not servers:
                    raise ValueError("no nameserver configured")
        except Exception as error:  # no /etc/resolv.conf, an unresolvable nameserver name, ...
            self._setup_error = f"no usable resolver ({error})"
            return
        self._transport = _Transport(servers)

    # -- lookups -------------------------------------------------------------------------------
    def lookup(self, name: str, rtype: str) -> "asyncio.Future[Answer]":
        """The answer for (name, type): asked once; later and concurrent askers share it."""
        key = (normalize(name), rtype.upper())
        future = self._cache.get(key)
        if future is None:
            future = asyncio.ensure_future(self._ask(*key))
            self._cache[key] = future
        return future

    async def gather(self, pairs: Iterable[tuple[str, str]]) -> list[Answer]:
        return list(await asyncio.gather(*(self.lookup(name, rtype) for name, rtype in pairs)))

    async def synthesized(self, answer: Answer) -> Optional[bool]:
        """Is `answer` synthesized from a wildcard (RFC 4592 §2.2.1)? A random label beside the name
        (asked once per parent and type) gets the same reply only from a wildcard; without DNSSEC no
        single query proves it, so an answer equal to the probe's is taken as synthesized. None when the
        probe failed or both answers are empty (a real empty non-terminal looks like an empty wildcard)."""
        parent = answer.name.partition(".")[2]
        if not parent or answer.fault or answer.status == NXDOMAIN:
            return False
        probe = await self.lookup(f"{self._probe_label}.{parent}", answer.rtype)
        if probe.fault:
            return None
        if probe.status == NXDOMAIN:
            return False
        if probe.status != answer.status or probe.records != answer.records:
            return False
        return None if not answer.records else True

    async def _ask(self, name: str, rtype: str) -> Answer:
        assert self._semaphore is not None
        try:
            async with self._semaphore:
                remaining = self._deadline - time.monotonic()
                if self._setup_error:
                    return Answer(name, rtype, ERROR, detail=self._setup_error)
                if remaining <= 0:
                    return Answer(name, rtype, TIMEOUT, detail="the DNS stage ran out of time")
                self.asked.append((name, rtype))
                budget = min(self.timeout, remaining)
                assert self._transport is not None
                return await self._transport.query(name, rtype, budget)
        finally:
            self._done += 1
            if self.progress:
                self.progress(self._done, len(self._cache))


class _Udp(asyncio.DatagramProtocol):
    """One connected UDP socket to one server; replies are matched to queries by their ID."""

    def __init__(self) -> None:
        self.pending: dict[int, asyncio.Future] = {}
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) >= 12:
            future = self.pending.pop(int.from_bytes(data[:2], "big"), None)
            if future is not None and not future.done():
                future.set_result(data)

    def error_received(self, exc: Exception) -> None:  # e.g. ICMP port unreachable: no server there
        self._fail(exc)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._fail(exc or ConnectionError("socket closed"))

    def _fail(self, exc: Exception) -> None:
        pending, self.pending = self.pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(exc)


class _Transport:
    """Queries over a few UDP sockets per server (EDNS0, payload 1232), over TCP when a reply is truncated.
    dnspython parses the replies; the question of each reply must match the query. A socket carries at
    most PER_SOCKET queries at a time: a burst of replies beyond what its receive buffer holds would be
    dropped by the kernel."""

    PER_SOCKET = 32

    def __init__(self, servers: list[tuple[str, int]]):
        self.servers = servers
        self._sockets: dict[tuple[str, int], list[_Udp]] = {}
        self._opening: dict[tuple[str, int], "asyncio.Future[_Udp]"] = {}

    async def _socket(self, server: tuple[str, int]) -> _Udp:
        pool = self._sockets.setdefault(server, [])
        if pool:
            best = min(pool, key=lambda udp: len(udp.pending))
            if len(best.pending) < self.PER_SOCKET:
                return best
        opening = self._opening.get(server)
        if opening is not None:
            return await opening
        loop = asyncio.get_running_loop()
        opening = self._opening[server] = loop.create_future()
        try:
            _, protocol = await loop.create_datagram_endpoint(_Udp, remote_addr=server)
            pool.append(protocol)
            opening.set_result(protocol)
            return protocol
        except Exception as error:
            opening.set_exception(error)
            opening.exception()  # retrieved: the caller gets it raised below
            raise
        finally:
            del self._opening[server]

    def close(self) -> None:
        for pool in self._sockets.values():
            for udp in pool:
                if udp.transport is not None:
                    udp.transport.close()

    async def query(self, name: str, rtype: str, budget: float) -> Answer:
        import dns.rdatatype

        try:
            wire_name = _wire_name(name)
            code = dns.rdatatype.from_text(rtype)
        except (ValueError, UnicodeError, Exception) as error:  # a name no query can carry
            return Answer(name, rtype, ERROR, detail=_short(error))
        deadline = time.monotonic() + budget
        answer = Answer(name, rtype, ERROR, detail="no server answered")
        for server in self.servers:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s")
            answer = await self._query_server(server, name, rtype, wire_name, int(code), remaining)
            if answer.status not in (SERVFAIL, REFUSED, ERROR):
                return answer
        return answer

    async def _query_server(self, server: tuple[str, int], name: str, rtype: str, wire_name: bytes, code: int, budget: float) -> Answer:
        import dns.exception
        import dns.message

        try:
            udp = await self._socket(server)
        except OSError as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        qid = random.getrandbits(16)
        while qid in udp.pending:
            qid = random.getrandbits(16)
        udp.pending[qid] = future
        wire = _QUERY_HEAD.pack(qid, 0x0100, 1, 0, 0, 1) + wire_name + _QUERY_TAIL.pack(code, 1) + _OPT
        deadline = time.monotonic() + budget
        try:
            while True:  # UDP may lose a query or its reply: send again, as stub resolvers do (RFC 1536 §1)
                udp.transport.sendto(wire)
                remaining = deadline - time.monotonic()
                try:
                    data = await asyncio.wait_for(asyncio.shield(future), min(remaining, _retry_interval(budget)))
                    break
                except asyncio.TimeoutError:
                    if deadline - time.monotonic() <= 0.01:
                        raise
        except asyncio.TimeoutError:
            return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s")
        except OSError as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        finally:
            if udp.pending.get(qid) is future:
                del udp.pending[qid]
        try:
            response = dns.message.from_wire(data)
            if response.flags & 0x0200:  # TC: the whole answer only over TCP (RFC 7766)
                data, response = await self._tcp(server, name, rtype, budget)
        except asyncio.TimeoutError:
            return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s over TCP")
        except (dns.exception.DNSException, OSError, ValueError) as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        return _answer(name, rtype, code, response, len(data))

    async def _tcp(self, server: tuple[str, int], name: str, rtype: str, budget: float):
        import dns.asyncquery
        import dns.message

        query = dns.message.make_query(name, rtype, use_edns=0, payload=EDNS_PAYLOAD)
        response = await dns.asyncquery.tcp(query, server[0], timeout=budget, port=server[1])
        return response.to_wire(), response


_QUERY_HEAD = struct.Struct("!HHHHHH")
_QUERY_TAIL = struct.Struct("!HH")
_OPT = b"\x00" + struct.pack("!HHIH", 41, EDNS_PAYLOAD, 0, 0)  # RFC 6891 §6.1.2: root, OPT, payload, no flags


def _retry_interval(budget: float) -> float:
    """How long to wait for a reply before sending the query again: a third of the budget, 0.25 to 1.5 s."""
    return min(1.5, max(0.25, budget / 3))


def _wire_name(name: str) -> bytes:
    wire = b""
    for label in name.split("."):
        raw = label.encode("ascii")
        if not raw or len(raw) > 63:
            raise ValueError(f"`{name}` is not a valid DNS name")
        wire += bytes([len(raw)]) + raw
    if len(wire) > 254:
        raise ValueError(f"`{name}` is longer than 255 octets")
    return wire + b"\x00"


def _answer(name: str, rtype: str, code: int, response: Any, size: int) -> Answer:
    """A reply as an `Answer`: rcode, the records at the name (following CNAMEs in the reply, as
    resolvers do), and a referral (no AA, NS in authority, no SOA: a lame delegation) as a fault."""
    import dns.rcode
    import dns.rdatatype

    question = response.question[0] if response.question else None
    if question is None or question.rdtype != code or normalize(question.name.to_text()) != name:
        return Answer(name, rtype, ERROR, detail="the reply does not answer the question")
    rcode = response.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        return Answer(name, rtype, NXDOMAIN)
    if rcode == dns.rcode.SERVFAIL:
        return Answer(name, rtype, SERVFAIL)
    if rcode == dns.rcode.REFUSED:
        return Answer(name, rtype, REFUSED)
    if rcode != dns.rcode.NOERROR:
        return Answer(name, rtype, ERROR, detail=f"rcode {dns.rcode.to_text(rcode)}")
    if rtype == "TXT":  # the smallest reply a server can give: header, question, answer (RFC 1035 §4.1)
        size = 12 + len(name) + 2 + 4 + sum(12 + len(rdata.to_digestable()) for rrset in response.answer for rdata in rrset)
    try:
        chain = response.resolve_chaining()
    except Exception as error:  # a CNAME loop or a chain too long
        return Answer(name, rtype, ERROR, detail=_short(error))
    canonical = normalize(chain.canonical_name.to_text())
    if chain.answer is None:
        authority = {rrset.rdtype for rrset in response.authority}
        if not response.flags & 0x0400 and dns.rdatatype.NS in authority and dns.rdatatype.SOA not in authority and canonical == name:
            servers = sorted({normalize(rdata.target.to_text()) for rrset in response.authority if rrset.rdtype == dns.rdatatype.NS for rdata in rrset})
            return Answer(name, rtype, REFERRAL, detail=f"referred to {', '.join(servers[:3])}", size=size)
        return Answer(name, rtype, NODATA, size=size, canonical=canonical)
    answer = _records(name, rtype, chain.answer)
    return Answer(name, rtype, OK, answer.records, answer.mx, size=size, canonical=canonical)


def _records(name: str, rtype: str, rrset: Any) -> Answer:
    records: list[str] = []
    mx: list[tuple[int, str]] = []
    for rdata in rrset:
        if rtype in ("TXT", "SPF"):
            records.append(b"".join(rdata.strings).decode("utf-8", "replace"))
        elif rtype == "MX":
            host = normalize(rdata.exchange.to_text())
            mx.append((int(rdata.preference), host))
            records.append(host)
        elif rtype == "CNAME":
            records.append(normalize(rdata.target.to_text()))
        else:
            records.append(rdata.to_text())
    return Answer(name, rtype, OK, tuple(records), tuple(sorted(mx)))


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def progress_printer(enabled: bool) -> Optional[Callable[[int, int], None]]:
    """Progress on standard error, only when asked for and standard error is a terminal."""
    if not enabled or not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        sys.stderr.write(f"\rses-lint: dns lookups {done}/{total}")
        sys.stderr.flush()

    return show
