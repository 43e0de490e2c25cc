"""The DNS collector: an asynchronous, caching, bounded resolver whose every fault is a fact.

Each (name, type) is asked at most once per `DnsCollector` (one per run), however many providers,
files and SPF trees need it: concurrent askers share one in-flight query. At most `concurrency` queries
are in flight per server (`transport.py` sends them). Every lookup is bounded by `timeout`, and the
collector as a whole by a deadline (`stage_timeout`): a lookup that would start after the deadline is
reported as timed out.

Imported on the static path: the transport, and dnspython (for the system's resolver configuration
only), are imported when the stage runs.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import ipaddress
import random
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Optional, TypeVar

from ses_lint.facts.answer import ERROR, NXDOMAIN, TIMEOUT, Answer
from ses_lint.knowledge.names import normalize

T = TypeVar("T")

DEFAULT_CONCURRENCY = 1024  # chosen by benchmarks/bench_dns.py (README: DNS stage speed)
STAGE_TIMEOUT_FACTOR = 6  # the whole stage is bounded by this many per-lookup timeouts


@contextlib.contextmanager
def _fewer_collections():
    """The stage allocates objects per answer and frees few until it ends: the cyclic garbage collector
    would walk them again and again (a third of the stage's CPU for 1,000 domains, more for a fleet;
    benchmarks/bench_dns.py). It is paused for the stage's span; what the stage leaves is ordinary
    garbage afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        with _fewer_collections():
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
        from ses_lint.collect.dns.transport import Transport

        self._transport = Transport(servers, self.concurrency, self._deadline)

    # -- lookups -------------------------------------------------------------------------------
    def lookup(self, name: str, rtype: str) -> "asyncio.Future[Answer]":
        """The answer for (name, type): asked once; later and concurrent askers share it. A lookup that
        would start after the stage's deadline is answered as timed out."""
        key = (normalize(name), rtype.upper())
        future = self._cache.get(key)
        if future is None:
            future = self._cache[key] = self._ask(*key)
            if self.progress:
                future.add_done_callback(self._progressed)
        return future

    def _ask(self, name: str, rtype: str) -> "asyncio.Future[Answer]":
        remaining = self._deadline - time.monotonic()
        if self._setup_error or remaining <= 0 or self._transport is None:
            done = asyncio.get_running_loop().create_future()
            if self._setup_error or self._transport is None:
                done.set_result(Answer(name, rtype, ERROR, detail=self._setup_error or "no resolver"))
            else:
                done.set_result(Answer(name, rtype, TIMEOUT, detail="the DNS stage ran out of time"))
            return done
        self.asked.append((name, rtype))
        return self._transport.submit(name, rtype, min(self.timeout, remaining))

    def _progressed(self, _: "asyncio.Future[Answer]") -> None:
        self._done += 1
        if self.progress:
            self.progress(self._done, len(self._cache))

    async def gather(self, pairs: Iterable[tuple[str, str]]) -> list[Answer]:
        return list(await asyncio.gather(*(self.lookup(name, rtype) for name, rtype in pairs)))

    def probe_name(self, answer: Answer) -> Optional[str]:
        """The random name beside `answer`'s that `synthesized` asks, or None when it asks nothing (a
        fault, NXDOMAIN, an empty answer, a name with no parent). The lookup is cached: asking it again
        gives the probe's answer without a query."""
        parent = answer.name.partition(".")[2]
        if not parent or answer.fault or answer.status == NXDOMAIN or not answer.records:
            return None  # an empty answer: an empty non-terminal, as far as anyone can tell (no probe)
        return f"{self._probe_label}.{parent}"

    async def synthesized(self, answer: Answer) -> Optional[bool]:
        """Is `answer` synthesized from a wildcard (RFC 4592 §2.2)? A random label beside the name
        (asked once per parent and type) gets the same reply only from a wildcard; without DNSSEC no
        single query proves it, so an answer equal to the probe's is taken as synthesized. None when the
        probe failed. An empty answer is taken as real: an empty non-terminal and an empty wildcard look
        alike, and no probe tells them apart."""
        name = self.probe_name(answer)
        if name is None:
            return False
        probe = await self.lookup(name, answer.rtype)
        if probe.fault:
            return None
        if probe.status == NXDOMAIN:
            return False
        return probe.status == answer.status and probe.records == answer.records


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
