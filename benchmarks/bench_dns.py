"""DNS stage benchmark: 100 sender domains behind a loopback forwarder that delays every answer by 100 ms.

    .venv/bin/python benchmarks/bench_dns.py [--domains 100] [--delay 0.1]

NSD (Debian package `nsd`) serves the zones on 127.0.0.1; a dnslib forwarder in this process sleeps
`--delay` seconds on every query, then forwards it to NSD, and counts the queries per (name, type).
Prints the wall time of `ses_lint.lint(..., dns=True)` and of the whole `ses-lint check --dns` process,
with the queries per domain. Target: under 3 s (issue 3), each name and type asked once.
Nothing leaves 127.0.0.1. The same zones beside checkdmarc's Python API: bench_peers_dns.py; every
benchmark at once: run_all.py.
"""
from __future__ import annotations

import argparse
import shutil
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

from dnsfixtures import Nsd, _QuietLogger  # noqa: E402

import ses_lint  # noqa: E402


class DelayingForwarder:
    """Sleep, then forward to NSD; count every query by (name, type)."""

    def __init__(self, upstream_port: int, delay: float):
        self.upstream_port = upstream_port
        self.delay = delay
        self.counts: Counter = Counter()
        self.lock = threading.Lock()

    def resolve(self, request, handler):
        from dnslib import QTYPE, DNSRecord

        with self.lock:
            self.counts[(str(request.q.qname).lower(), QTYPE[request.q.qtype])] += 1
        time.sleep(self.delay)
        data = request.send("127.0.0.1", self.upstream_port, tcp=handler.protocol == "tcp", timeout=5)
        return DNSRecord.parse(data)


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


def config(count: int) -> str:
    body = ['version: "1.0"\nproviders:\n']
    for index in range(count):
        body.append(
            f"  ses-{index:03d}:\n    provider: email.ses\n    config:\n"
            f"      from: alerts@d{index:03d}.bench.test\n      region: eu-west-1\n"
        )
    return "".join(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.1)
    args = parser.parse_args()

    from dnslib.server import DNSServer

    folder = Path(tempfile.mkdtemp(prefix="bench-dns-"))
    nsd = Nsd(folder, zone(args.domains))
    forwarder = DelayingForwarder(nsd.port, args.delay)
    udp = DNSServer(forwarder, address="127.0.0.1", port=0, logger=_QuietLogger())
    port = udp.server.server_address[1]
    tcp = DNSServer(forwarder, address="127.0.0.1", port=port, tcp=True, logger=_QuietLogger())
    udp.start_thread()
    tcp.start_thread()
    path = folder / "providers.yaml"
    path.write_text(config(args.domains))
    nameserver = f"127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        report = ses_lint.lint([str(path)], dns=True, nameservers=[nameserver], timeout=5.0, select=["SES6"])
        api_seconds = time.perf_counter() - started
        queries = sum(forwarder.counts.values())
        distinct = len(forwarder.counts)
        repeated = sum(1 for n in forwarder.counts.values() if n > 1)
        by_type = Counter(rtype for _, rtype in forwarder.counts.elements())

        forwarder.counts.clear()
        script = shutil.which("ses-lint", path=str(Path(sys.executable).parent))
        cli_seconds = None
        if script:
            started = time.perf_counter()
            subprocess.run([script, "check", "--dns", "--nameserver", nameserver, "--select", "SES6", "--quiet", str(path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            cli_seconds = time.perf_counter() - started
    finally:
        for server in (udp, tcp):
            server.stop()
            server.server.server_close()
        nsd.stop()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"domains: {args.domains}, delay per answer: {args.delay * 1000:.0f} ms")
    print(f"lint(dns=True): {api_seconds:.2f} s wall")
    if cli_seconds is not None:
        print(f"ses-lint check --dns (whole process): {cli_seconds:.2f} s wall")
    print(f"queries: {queries} ({queries / args.domains:.2f} per domain), distinct (name, type): {distinct}, asked more than once: {repeated}")
    print("by type: " + ", ".join(f"{rtype} {count}" for rtype, count in sorted(by_type.items())))
    print(f"findings: {len(report.findings)} ({', '.join(sorted(set(f.code for f in report.findings))) or 'none'})")
    print(f"a sequential checker at {args.delay * 1000:.0f} ms per query: >= {queries * args.delay:.0f} s")


if __name__ == "__main__":
    main()
