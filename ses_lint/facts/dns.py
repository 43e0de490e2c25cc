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
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Optional, TypeVar

T = TypeVar("T")

OK, NXDOMAIN, NODATA = "ok", "nxdomain", "nodata"
SERVFAIL, REFUSED, TIMEOUT, ERROR = "servfail", "refused", "timeout", "error"
FAULTS = frozenset({SERVFAIL, REFUSED, TIMEOUT, ERROR})

EDNS_PAYLOAD = 1232
DEFAULT_CONCURRENCY = 64
STAGE_TIMEOUT_FACTOR = 6  # the whole stage is bounded by this many per-lookup timeouts

_FAULT_WORDS = {
    SERVFAIL: "the server failed (SERVFAIL)",
    REFUSED: "the server refused the query (REFUSED)",
    TIMEOUT: "the lookup timed out",
    ERROR: "the lookup failed",
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
    _resolver: Any = None
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
        return await coroutine_factory()

    def _setup(self) -> None:
        try:
            import dns.asyncresolver
            import dns.nameserver
        except ImportError as error:  # pragma: no cover - dnspython is a dependency
            self._setup_error = f"dnspython is not installed ({error})"
            return
        try:
            if self.nameservers:
                resolver = dns.asyncresolver.Resolver(configure=False)
                servers = []
                for text in self.nameservers:
                    address, port = parse_nameserver(text)
                    servers.append(dns.nameserver.Do53Nameserver(address, port))
                resolver.nameservers = servers
            else:
                resolver = dns.asyncresolver.Resolver(configure=True)
        except Exception as error:  # no /etc/resolv.conf, an unresolvable nameserver name, ...
            self._setup_error = f"no usable resolver ({error})"
            return
        resolver.use_edns(0, 0, EDNS_PAYLOAD)
        resolver.timeout = self.timeout
        resolver.lifetime = self.timeout
        resolver.retry_servfail = False
        resolver.cache = None
        self._resolver = resolver

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
                try:
                    # dnspython can overshoot its lifetime by up to one try: bound it here as well.
                    return await asyncio.wait_for(self._query(name, rtype, budget), budget + 0.25)
                except asyncio.TimeoutError:
                    return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s")
        finally:
            self._done += 1
            if self.progress:
                self.progress(self._done, len(self._cache))

    async def _query(self, name: str, rtype: str, budget: float) -> Answer:
        import dns.exception
        import dns.resolver

        try:
            answer = await self._resolver.resolve(name, rtype, lifetime=budget, raise_on_no_answer=False, tcp=False)
        except dns.resolver.NXDOMAIN:
            return Answer(name, rtype, NXDOMAIN)
        except dns.resolver.NoAnswer:
            return Answer(name, rtype, NODATA)
        except dns.resolver.NoNameservers as error:
            return _no_nameservers(name, rtype, error)
        except dns.exception.Timeout:
            return Answer(name, rtype, TIMEOUT, detail=f"no answer within {budget:g} s")
        except dns.exception.DNSException as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        except (OSError, ValueError) as error:
            return Answer(name, rtype, ERROR, detail=_short(error))
        if answer.rrset is None:
            return Answer(name, rtype, NODATA)
        return _records(name, rtype, answer.rrset)


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


def _no_nameservers(name: str, rtype: str, error: Exception) -> Answer:
    """Tell SERVFAIL, REFUSED and timeouts apart in dnspython's `NoNameservers` trace."""
    import dns.exception

    statuses = []
    for entry in getattr(error, "kwargs", {}).get("errors", []) or []:
        outcome = entry[3] if len(entry) > 3 else None
        if isinstance(outcome, str):
            statuses.append(SERVFAIL if outcome == "SERVFAIL" else REFUSED if outcome == "REFUSED" else ERROR)
            if statuses[-1] == ERROR:
                statuses[-1] = f"{ERROR}:{outcome}"
        elif isinstance(outcome, dns.exception.Timeout):
            statuses.append(TIMEOUT)
        elif outcome is not None:
            statuses.append(f"{ERROR}:{_short(outcome)}")
    for wanted in (SERVFAIL, REFUSED, TIMEOUT):
        if wanted in statuses:
            return Answer(name, rtype, wanted)
    detail = next((status.partition(":")[2] for status in statuses if status.startswith(ERROR)), "no server answered")
    return Answer(name, rtype, ERROR, detail=detail)


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
