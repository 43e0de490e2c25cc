"""The DNS stage's transport: queries over UDP (EDNS0, payload 1232) to the configured servers, over TCP
when a reply is truncated (RFC 7766 §5), driven by callbacks on the event loop rather than by a task per
query, since a fleet asks tens of thousands of them.

- A few connected, non-blocking UDP sockets per server; replies are matched to queries by ID and must
  answer the question asked. A socket carries at most PER_SOCKET queries at a time (a burst of replies
  beyond its receive buffer would be dropped by the kernel).
- A query not answered in time is sent again (RFC 1035 §4.2.1), until its budget ends: after the server's
  retransmission timeout, estimated from its round trips as RFC 6298 does (at first a fifth of the budget).
- Each server gets a window of queries in flight that grows by one per reply and halves when a query had
  to be sent again, between FLOOR and the run's `--dns-concurrency` (TCP's slow start and back-off).
- SERVFAIL, REFUSED and errors move the query to the next server while its budget lasts.
"""
from __future__ import annotations

import asyncio
import random
import socket
import time
from collections import deque
from typing import Any, Optional

from ses_lint.collect.dns import wire
from ses_lint.facts.answer import (
    ERROR,
    NODATA,
    NXDOMAIN,
    OK,
    REFERRAL,
    REFUSED,
    SERVFAIL,
    TIMEOUT,
    Answer,
)

EDNS_PAYLOAD = 1232
PER_SOCKET = 32
START, FLOOR = 128, 8


def retry_interval(budget: float) -> float:
    """How long to wait for a reply before sending the query again: a fifth of the budget, 0.2 to 1 s."""
    return min(1.0, max(0.2, budget / 5))


class _Query:
    __slots__ = ("name", "rtype", "code", "wire_name", "future", "deadline", "budget", "server", "sent", "timer", "qid", "socket",
                 "first_sent")

    def __init__(self, name: str, rtype: str, code: int, wire_name: bytes, future: asyncio.Future, budget: float):
        self.name, self.rtype, self.code, self.wire_name = name, rtype, code, wire_name
        self.future, self.budget = future, budget
        self.deadline = 0.0  # set when it is first sent: waiting for the window costs no budget
        self.server = 0
        self.sent = 0
        self.timer: Any = None
        self.qid = 0
        self.socket: Optional[_Socket] = None
        self.first_sent = 0.0


class _Socket:
    def __init__(self, transport: "Transport", server: tuple[str, int]):
        family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        self.sock.connect(server)
        self.pending: dict[int, _Query] = {}
        transport.loop.add_reader(self.sock.fileno(), transport.readable, self)

    def close(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.remove_reader(self.sock.fileno())
        self.sock.close()


class _Window:
    """One server's queries in flight (see the module's docstring) and its retransmission timeout,
    estimated from the replies' round trips as RFC 6298 §2 does for TCP (Karn: only queries sent once)."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.size = float(min(START, self.limit))
        self.inflight = 0
        self.waiting: deque = deque()
        self.srtt: Optional[float] = None
        self.rttvar = 0.0

    def sample(self, rtt: float) -> None:
        if self.srtt is None:
            self.srtt, self.rttvar = rtt, rtt / 2
        else:
            self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - rtt)
            self.srtt = 0.875 * self.srtt + 0.125 * rtt

    def rto(self, budget: float, sent: int) -> float:
        """How long to wait before sending again: twice the smoothed round trip plus four deviations
        (at least 200 ms, so that a server's jitter is not taken for a loss), doubled per resend, at most
        the initial guess, a fifth of the budget (0.2 to 1 s)."""
        initial = retry_interval(budget)
        if self.srtt is None:
            return initial
        return min(initial, max(0.2, 2 * self.srtt + 4 * self.rttvar) * (1 << max(0, sent - 1)))

    def release(self, lost: bool) -> None:
        self.inflight -= 1
        if lost:
            self.size = max(float(min(FLOOR, self.limit)), self.size / 2)
        else:
            self.size = min(float(self.limit), self.size + 1)


class Transport:
    def __init__(self, servers: list[tuple[str, int]], limit: int, stage_deadline: float = float("inf")):
        self.loop = asyncio.get_running_loop()
        self.stage_deadline = stage_deadline
        self.servers = servers
        self.windows = [_Window(limit) for _ in servers]
        self.sockets: list[list[_Socket]] = [[] for _ in servers]
        self.tcp_tasks: set[asyncio.Task] = set()
        self._pumping = False

    # -- asking -------------------------------------------------------------------------------------
    def submit(self, name: str, rtype: str, budget: float) -> "asyncio.Future[Answer]":
        future = self.loop.create_future()
        try:
            query = _Query(name, rtype, wire.TYPES[rtype], wire.encode_name(name), future, budget)
        except (KeyError, UnicodeError, ValueError) as error:  # a name no query can carry
            future.set_result(Answer(name, rtype, ERROR, detail=short(error)))
            return future
        self._enqueue(query)
        return future

    def _enqueue(self, query: _Query) -> None:
        window = self.windows[query.server]
        if window.inflight < int(window.size):
            self._start(query)
        else:
            window.waiting.append(query)

    def _start(self, query: _Query) -> None:
        self.windows[query.server].inflight += 1
        now = time.monotonic()
        if not query.deadline:
            query.budget = min(query.budget, self.stage_deadline - now)
            query.deadline = now + query.budget
        if query.deadline - now <= 0.01:
            why = "the DNS stage ran out of time" if query.deadline >= self.stage_deadline - 0.01 else f"no answer within {query.budget:g} s"
            self._finish(query, Answer(query.name, query.rtype, TIMEOUT, detail=why))
            return
        try:
            udp = self._socket(query.server)
        except OSError as error:
            self._finish(query, Answer(query.name, query.rtype, ERROR, detail=short(error)))
            return
        qid = random.getrandbits(16)
        while qid in udp.pending:
            qid = random.getrandbits(16)
        query.qid, query.socket = qid, udp
        udp.pending[qid] = query
        self._send(query)

    def _socket(self, index: int) -> _Socket:
        pool = self.sockets[index]
        if pool and len(pool[-1].pending) < PER_SOCKET:
            return pool[-1]
        for udp in pool:
            if len(udp.pending) < PER_SOCKET:
                pool.remove(udp)
                pool.append(udp)  # the next query tries it first
                return udp
        udp = _Socket(self, self.servers[index])
        pool.append(udp)
        return udp

    def _send(self, query: _Query) -> None:
        """Send (again) and arm the retransmission timer; past the budget, time out."""
        remaining = query.deadline - time.monotonic()
        if remaining <= 0.01:
            self._drop(query)
            self._finish(query, Answer(query.name, query.rtype, TIMEOUT, detail=f"no answer within {query.budget:g} s"))
            return
        assert query.socket is not None
        try:
            query.socket.sock.send(wire.query(query.qid, query.wire_name, query.code, EDNS_PAYLOAD))
        except BlockingIOError:
            pass  # the send buffer is full: as good as lost, the timer sends again
        except OSError as error:
            self._drop(query)
            self._finish(query, Answer(query.name, query.rtype, ERROR, detail=short(error)))
            return
        query.sent += 1
        if query.sent == 1:
            query.first_sent = time.monotonic()
        interval = self.windows[query.server].rto(query.budget, query.sent)
        query.timer = self.loop.call_later(min(interval, remaining), self._send, query)

    def _drop(self, query: _Query) -> None:
        if query.timer is not None:
            query.timer.cancel()
            query.timer = None
        if query.socket is not None and query.socket.pending.get(query.qid) is query:
            del query.socket.pending[query.qid]

    # -- replies ------------------------------------------------------------------------------------
    def readable(self, udp: _Socket) -> None:
        while True:
            try:
                data = udp.sock.recv(65535)
            except BlockingIOError:
                return
            except OSError as error:  # e.g. ICMP port unreachable: no server there
                for query in list(udp.pending.values()):
                    self._drop(query)
                    self._finish(query, Answer(query.name, query.rtype, ERROR, detail=short(error)))
                return
            query = udp.pending.get(int.from_bytes(data[:2], "big")) if len(data) >= 12 else None
            if query is None:
                continue
            self._drop(query)
            if query.sent == 1:
                self.windows[query.server].sample(time.monotonic() - query.first_sent)
            try:
                reply = wire.parse(data)
            except ValueError as error:
                self._finish(query, Answer(query.name, query.rtype, ERROR, detail=short(error)))
                continue
            if reply.truncated:
                task = self.loop.create_task(self._tcp(query))
                self.tcp_tasks.add(task)
                task.add_done_callback(self.tcp_tasks.discard)
                continue
            self._finish(query, answer(query.name, query.rtype, query.code, reply))

    async def _tcp(self, query: _Query) -> None:
        """The whole reply over TCP, within what is left of the query's budget."""
        message = wire.query(query.qid, query.wire_name, query.code, EDNS_PAYLOAD)

        async def exchange() -> bytes:
            reader, writer = await asyncio.open_connection(*self.servers[query.server])
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
            data = await asyncio.wait_for(exchange(), max(query.deadline - time.monotonic(), 0.05))
            result = answer(query.name, query.rtype, query.code, wire.parse(data))
        except asyncio.TimeoutError:
            result = Answer(query.name, query.rtype, TIMEOUT, detail=f"no answer within {query.budget:g} s over TCP")
        except asyncio.IncompleteReadError:
            result = Answer(query.name, query.rtype, ERROR, detail="the server closed the TCP connection")
        except (OSError, ValueError) as error:
            result = Answer(query.name, query.rtype, ERROR, detail=short(error))
        self._finish(query, result)

    def _finish(self, query: _Query, result: Answer) -> None:
        window = self.windows[query.server]
        window.release(lost=query.sent > 1)
        self._pump(window)
        if result.status in (SERVFAIL, REFUSED, ERROR) and query.server + 1 < len(self.servers) and query.deadline > time.monotonic():
            query.server += 1
            query.sent, query.socket = 0, None
            self._enqueue(query)
            return
        if not query.future.done():
            query.future.set_result(result)

    def _pump(self, window: _Window) -> None:
        if self._pumping:  # a query started here may finish at once: the outer loop goes on
            return
        self._pumping = True
        try:
            while window.waiting and window.inflight < int(window.size):
                query = window.waiting.popleft()
                if not query.future.done():
                    self._start(query)
        finally:
            self._pumping = False

    def close(self) -> None:
        for pool in self.sockets:
            for udp in pool:
                for query in list(udp.pending.values()):
                    self._drop(query)
                udp.close(self.loop)


def answer(name: str, rtype: str, code: int, reply: "wire.Reply") -> Answer:
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
        return Answer(name, rtype, ERROR, detail=short(error))
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


def short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
