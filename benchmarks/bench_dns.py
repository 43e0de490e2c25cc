"""DNS stage benchmark: sender domains behind a loopback forwarder that delays every answer.

    .venv/bin/python benchmarks/bench_dns.py [--domains 10,100,1000,10000] [--delay 100] [--concurrency N] [--runs 1]

NSD (Debian package `nsd`) serves the zones on 127.0.0.1. With `--delay` above 0 an asyncio forwarder
(a thread of this process, no parsing beyond the question) holds every query that long, then forwards
it to NSD, and counts the queries per (name, type); with `--delay 0` ses-lint asks NSD directly and
the queries are not counted. Printed per domain count: the wall time of the whole `ses-lint check
--dns` process (what a user waits for), of `ses_lint.lint(..., dns=True)` in this process, the domains
per second, and the queries per domain. Targets (issue 11, quiet machine): 100 domains at 100 ms under
1.0 s whole process, 1,000 under 3 s, 10,000 against NSD with no delay at 1,000 domains/s or more; each
(name, type) asked once. Configs hold at most 1,000 providers per file (a file of 10,000 would pass the
loader's 100,000-node bound). The same zones beside checkdmarc's Python API: bench_peers_dns.py.
Nothing leaves 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "dns"))
sys.path.insert(0, str(ROOT))

from dnsfixtures import Nsd  # noqa: E402

import ses_lint  # noqa: E402
from ses_lint.collect.dns import wire as dnswire  # noqa: E402

PER_FILE = 1000


class DelayingForwarder:
    """A UDP and TCP forwarder on 127.0.0.1 that holds each query `delay` seconds, then relays it to
    NSD; it counts every query by (name, type). Runs its own event loop in a thread."""

    def __init__(self, upstream_port: int, delay: float):
        self.upstream = ("127.0.0.1", upstream_port)
        self.delay = delay
        self.counts: Counter = Counter()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="delaying-forwarder")
        self._thread.start()
        self._ready.wait(5)

    def _serve(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._start())
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._close())
        self.loop.close()

    async def _start(self) -> None:
        loop = asyncio.get_running_loop()
        forwarder = self
        pending: dict[int, tuple] = {}  # upstream query ID -> (client address, client's query ID)
        ids = iter(range(1, 1 << 62))

        class Back(asyncio.DatagramProtocol):
            def datagram_received(self, reply, _):
                client = pending.pop(int.from_bytes(reply[:2], "big"), None)
                if client is not None:
                    forwarder.front.sendto(client[1] + reply[2:], client[0])

        class Front(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                forwarder._count(data)
                loop.call_later(forwarder.delay, relay, data, addr)

        def relay(data: bytes, addr) -> None:
            upstream_id = next(ids) & 0xFFFF
            pending[upstream_id] = (addr, data[:2])
            back.sendto(upstream_id.to_bytes(2, "big") + data[2:])

        for attempt in range(20):  # the UDP port's TCP twin may be taken: try another pair
            self.front, _ = await loop.create_datagram_endpoint(Front, local_addr=("127.0.0.1", 0))
            self.port = self.front.get_extra_info("sockname")[1]
            try:
                self.tcp = await asyncio.start_server(self._tcp_client, "127.0.0.1", self.port)
                break
            except OSError:
                self.front.close()
                if attempt == 19:
                    raise
        back, _ = await loop.create_datagram_endpoint(Back, remote_addr=self.upstream)
        self.back = back
        sock = back.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)

    def _count(self, data: bytes) -> None:
        try:
            query = dnswire.parse(data)
            self.counts[(query.qname, query.qtype)] += 1
        except ValueError:
            pass

    async def _tcp_client(self, reader, writer) -> None:
        try:
            length = int.from_bytes(await reader.readexactly(2), "big")
            data = await reader.readexactly(length)
            self._count(data)
            await asyncio.sleep(self.delay)
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            up_writer.write(length.to_bytes(2, "big") + data)
            size = await up_reader.readexactly(2)
            writer.write(size + await up_reader.readexactly(int.from_bytes(size, "big")))
            await writer.drain()
            up_writer.close()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _close(self) -> None:
        self.front.close()
        self.back.close()
        self.tcp.close()
        await self.tcp.wait_closed()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


def zone(count: int) -> str:
    lines = ['_spf.bench.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"\n', '_dmarc.bench.test. TXT "v=DMARC1; p=none"\n']
    for index in range(count):
        domain = f"d{index:03d}.bench.test"
        lines += [
            f'{domain}. TXT "v=spf1 include:_spf.bench.test include:amazonses.com -all"\n',
            f'_dmarc.{domain}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{domain}"\n',
            f"tok1._domainkey.{domain}. CNAME tok1.dkim.amazonses.com.\n",
        ]
    return "".join(lines)


def config(count: int, start: int = 0) -> str:
    body = ['version: "1.0"\nproviders:\n']
    for index in range(start, start + count):
        body.append(
            f"  ses-{index:03d}:\n    provider: email.ses\n    config:\n"
            f"      from: alerts@d{index:03d}.bench.test\n      region: eu-west-1\n"
        )
    return "".join(body)


def write_configs(folder: Path, count: int) -> list[str]:
    """The providers in files of at most PER_FILE each."""
    paths = []
    for start in range(0, count, PER_FILE):
        path = folder / f"providers-{start // PER_FILE:03d}.yaml"
        path.write_text(config(min(PER_FILE, count - start), start))
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", default="100", help="domain counts, comma-separated (e.g. 10,100,1000,10000)")
    parser.add_argument("--delay", type=float, default=100, help="milliseconds per answer (0: ask NSD directly)")
    parser.add_argument("--concurrency", type=int, default=None, help="--dns-concurrency (default: ses-lint's)")
    parser.add_argument("--runs", type=int, default=1, help="runs per measurement (the median is printed)")
    parser.add_argument("--api", action="store_true", help="also time ses_lint.lint() in this process")
    args = parser.parse_args()
    counts = [int(text) for text in args.domains.split(",")]
    script = shutil.which("ses-lint", path=str(Path(sys.executable).parent))
    extra = ["--dns-concurrency", str(args.concurrency)] if args.concurrency else []
    options = {"dns_concurrency": args.concurrency} if args.concurrency else {}

    print(f"DNS stage: NSD on loopback, {args.delay:g} ms per answer, --dns-concurrency {args.concurrency or 'default'}")
    print(f"{'domains':>8}{'process':>10}{'CPU':>8}{'domains/s':>11}{'lint()':>9}{'queries/domain':>16}{'asked twice':>13}  findings")
    folder = Path(tempfile.mkdtemp(prefix="bench-dns-"))
    try:
        for count in counts:
            (folder / f"nsd-{count}").mkdir()
            nsd = Nsd(folder / f"nsd-{count}", zone(count))
            forwarder = DelayingForwarder(nsd.port, args.delay / 1000) if args.delay > 0 else None
            nameserver = f"127.0.0.1:{forwarder.port if forwarder else nsd.port}"
            paths = write_configs(folder / f"nsd-{count}", count)
            try:
                cli, cpu = [], []
                for _ in range(args.runs):
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    if forwarder:
                        forwarder.counts.clear()
                    started = time.perf_counter()
                    result = subprocess.run([script, "check", "--dns", "--nameserver", nameserver, "--select", "SES6", "--quiet",
                                             *extra, *paths], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
                    cli.append(time.perf_counter() - started)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                process = statistics.median(cli)
                queries = sum(forwarder.counts.values()) if forwarder else None
                twice = sum(1 for n in forwarder.counts.values() if n > 1) if forwarder else None
                api = None
                if args.api:
                    started = time.perf_counter()
                    ses_lint.lint(paths, dns=True, nameservers=[nameserver], timeout=5.0, select=["SES6"], **options)
                    api = time.perf_counter() - started
                findings = sorted({line.split()[1] for line in result.stdout.splitlines() if " SES" in line})
            finally:
                if forwarder:
                    forwarder.stop()
                nsd.stop()
            per_domain = f"{queries / count:.2f}" if queries is not None else "-"
            print(f"{count:>8}{process:>9.2f}s{statistics.median(cpu):>7.2f}s{count / process:>11.0f}{(f'{api:.2f}s' if api else '-'):>9}{per_domain:>16}"
                  f"{(twice if twice is not None else '-'):>13}  {', '.join(findings) or 'none'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
