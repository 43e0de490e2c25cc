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
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Optional, TypeVar

from . import dnswire as wire

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
        outcome: list[T] = []
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self._main(coroutine_factory, outcome))
            return outcome[0]
        import concurrent.futures

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, self._main(coroutine_factory, outcome)).result()
        return outcome[0]

    async def _main(self, coroutine_factory: Callable[[], Awaitable[T]], outcome: list[T]) -> None:
        # The result is handed over in `outcome`, not returned: asyncio.run on Python 3.11 formats the
        # main task's repr (its result included) when it restores the SIGINT handler, which for a fleet's
        # facts costs seconds.
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self._cache = {}
        self._deadline = time.monotonic() + float(self.stage_timeout or self.timeout)
        self._setup()
        try:
            outcome.append(await coroutine_factory())
        finally:
            if self._transport is not None:
                self._transport.close()

    def _setup(self) -> None:
        try:
            if self.nameservers:
                servers = [parse_nameserver(text) for text in self.nameservers]
            else:
                import dns.resolver  # dnspython reads the system's resolver configuration

                servers = [(str(server), 53) for server in dns.resolver.Resolver(configure=True).nameservers]
                if not servers:
                    raise ValueError("no nameserver configured")
        except Exception as error:  # no /etc/resolv.conf, an unresolvable nameserver name, ...
            self._setup_error = f"no usable resolver ({error})"
            return
        self._transport = _Transport(servers, self.concurrency)

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
        probe failed. An empty answer is taken as real: an empty non-terminal and an empty wildcard look
        alike, and no probe tells them apart."""
        parent = answer.name.partition(".")[2]
        if not parent or answer.fault or answer.status == NXDOMAIN:
            return False
        if not answer.records:
            return False  # an empty answer: an empty non-terminal, as far as anyone can tell (no probe)
        probe = await self.lookup(f"{self._probe_label}.{parent}", answer.rtype)
        if probe.fault:
            return None
        if probe.status == NXDOMAIN:
            return False
        return probe.status == answer.status and probe.records == answer.records

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


class _Window:
    """How many queries one server gets at a time: grows by one per reply (doubling per round trip, as
    TCP's slow start), halves when a query had to be sent again (a loss: the server or the path is
    full). Between START and the run's `--dns-concurrency`."""

    START, FLOOR = 128, 8

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.size = float(min(self.START, self.limit))
        self.inflight = 0
        self._waiters: deque = deque()

    async def acquire(self) -> None:
        while self.inflight >= int(self.size):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        self.inflight += 1

    def release(self, lost: bool) -> None:
        self.inflight -= 1
        if lost:
            self.size = max(float(min(self.FLOOR, self.limit)), self.size / 2)
        else:
            self.size = min(float(self.limit), self.size + 1)
        room = int(self.size) - self.inflight
        while room > 0 and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                room -= 1


class _Transport:
    """Queries over a few UDP sockets per server (EDNS0, payload 1232), over TCP when a reply is truncated.
    Replies are parsed by `dnswire`; the question of each reply must match the query. A socket carries at
    most PER_SOCKET queries at a time: a burst of replies beyond what its receive buffer holds would be
    dropped by the kernel. Each server's share of queries in flight follows a `_Window`."""

    PER_SOCKET = 32

    def __init__(self, servers: list[tuple[str, int]], limit: int = DEFAULT_CONCURRENCY):
        self.servers = servers
        self.limit = limit
        self._sockets: dict[tuple[str, int], list[_Udp]] = {}
        self._opening: dict[tuple[str, int], "asyncio.Future[_Udp]"] = {}
        self._windows: dict[tuple[str, int], _Window] = {}

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
        try:
            wire_name = wire.encode_name(name)
            code = wire.TYPES[rtype]
        except (KeyError, UnicodeError, ValueError) as error:  # a name no query can carry
            return Answer(name, rtype, ERROR, detail=_short(error))
        deadline = time.monotonic() + budget
        answer = Answer(name, rtype, ERROR, detail="no server answered")
        for server in self.servers:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s")
            answer = await self._query_server(server, name, rtype, wire_name, code, remaining)
            if answer.status not in (SERVFAIL, REFUSED, ERROR):
                return answer
        return answer

    async def _query_server(self, server: tuple[str, int], name: str, rtype: str, wire_name: bytes, code: int, budget: float) -> Answer:
        window = self._windows.get(server)
        if window is None:
            window = self._windows[server] = _Window(self.limit)
        await window.acquire()
        sent = [0]
        try:
            return await self._exchange(server, name, rtype, wire_name, code, budget, sent)
        finally:
            window.release(lost=sent[0] > 1)

    async def _exchange(self, server: tuple[str, int], name: str, rtype: str, wire_name: bytes, code: int, budget: float,
                        sent: list[int]) -> Answer:
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
        message = wire.query(qid, wire_name, code, EDNS_PAYLOAD)
        deadline = time.monotonic() + budget
        interval = _retry_interval(budget)
        timer: list[Any] = [None]

        def send() -> None:  # UDP may lose a query or its reply: send again, as stub resolvers do (RFC 1536 §1)
            if future.done():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0.01:
                future.set_exception(asyncio.TimeoutError())
                return
            udp.transport.sendto(message)
            sent[0] += 1
            timer[0] = loop.call_later(min(interval, remaining), send)

        try:
            send()
            data = await future
        except asyncio.TimeoutError:
            return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s")
        except OSError as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        finally:
            if timer[0] is not None:
                timer[0].cancel()
            if udp.pending.get(qid) is future:
                del udp.pending[qid]
        try:
            reply = wire.parse(data)
            if reply.truncated:  # TC: the whole answer only over TCP (RFC 7766 §5)
                reply = wire.parse(await self._tcp(server, message, max(deadline - time.monotonic(), 0.05)))
        except asyncio.TimeoutError:
            return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s over TCP")
        except (OSError, ValueError) as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        return _answer(name, rtype, code, reply)

    @staticmethod
    async def _tcp(server: tuple[str, int], message: bytes, budget: float) -> bytes:
        async def exchange() -> bytes:
            reader, writer = await asyncio.open_connection(*server)
            try:
                writer.write(len(message).to_bytes(2, "big") + message)
                length = int.from_bytes(await reader.readexactly(2), "big")
                return await reader.readexactly(length)
            finally:
                writer.close()
                try:
                    await writer.wait_closed()
                except OSError:
                    pass

        try:
            return await asyncio.wait_for(exchange(), budget)
        except asyncio.IncompleteReadError as error:
            raise ConnectionError("the server closed the TCP connection") from error


def _retry_interval(budget: float) -> float:
    """How long to wait for a reply before sending the query again: a fifth of the budget, 0.2 to 1 s."""
    return min(1.0, max(0.2, budget / 5))


def _answer(name: str, rtype: str, code: int, reply: "wire.Reply") -> Answer:
    """A reply as an `Answer`: rcode, the records at the name (following CNAMEs in the reply, as
    resolvers do), and a referral (no AA, NS in authority, no SOA: a lame delegation) as a fault."""
    if reply.qtype != code or reply.qname != name:
        return Answer(name, rtype, ERROR, detail="the reply does not answer the question")
    if reply.rcode == wire.NXDOMAIN:
        return Answer(name, rtype, NXDOMAIN)
    if reply.rcode == wire.SERVFAIL:
        return Answer(name, rtype, SERVFAIL)
    if reply.rcode == wire.REFUSED:
        return Answer(name, rtype, REFUSED)
    if reply.rcode != wire.NOERROR:
        return Answer(name, rtype, ERROR, detail=f"rcode {reply.rcode}")
    try:
        canonical, records = reply.chain()
    except ValueError as error:
        return Answer(name, rtype, ERROR, detail=_short(error))
    # TXT: the smallest reply a server can give, header, question and answer (RFC 1035 §4.1)
    size = 12 + len(name) + 2 + 4 + sum(record.size for record in reply.answer) if rtype == "TXT" else 0
    if not records:
        authority = {record.rtype for record in reply.authority}
        if not reply.authoritative and wire.NS in authority and wire.SOA not in authority and canonical == name:
            servers = sorted({str(record.value) for record in reply.authority if record.rtype == wire.NS})
            return Answer(name, rtype, REFERRAL, detail=f"referred to {', '.join(servers[:3])}")
        return Answer(name, rtype, NODATA, size=size, canonical=canonical)
    if rtype in ("TXT", "SPF"):
        texts = tuple(bytes(record.value).decode("utf-8", "replace") for record in records)  # type: ignore[arg-type]
        return Answer(name, rtype, OK, texts, size=size, canonical=canonical)
    if rtype == "MX":
        mx = tuple(sorted((int(pref), host) for pref, host in (record.value for record in records)))  # type: ignore[misc]
        return Answer(name, rtype, OK, tuple(host for _, host in mx), mx, canonical=canonical)
    return Answer(name, rtype, OK, tuple(str(record.value) for record in records), canonical=canonical)


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
