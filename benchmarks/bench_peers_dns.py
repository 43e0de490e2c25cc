"""The DNS stage beside checkdmarc's Python API: the same loopback NSD domains, at 0 and 100 ms per answer.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_peers_dns.py [--domains 10,100,1000] [--runs 3]

NSD (Debian package `nsd`) serves the zones of bench_dns.py on 127.0.0.1; the asyncio forwarder of
bench_dns.py holds every query the given delay, forwards it to NSD and counts it. Both tools ask that
forwarder (checkdmarc through `nameservers=[dns.nameserver.Do53Nameserver("127.0.0.1", port)]`: its
command line reaches only port 53). Compared scope: SPF and DMARC of each domain, i.e.
`checkdmarc.spf.check_spf` + `checkdmarc.dmarc.check_dmarc` per domain, against
`ses_lint.lint(..., dns=True, select=["SES6"])` (which also checks DKIM and the obsolete SPF type).
checkdmarc runs as its `check_domains` does, one domain after another ("sequential"), and, to be fair
to a caller who parallelizes, in a pool of 16 threads. Its process-wide DNS cache is cleared before
each run (ses-lint's cache lives for one run). Printed: median wall time of `--runs` runs, queries per
domain (as the forwarder saw them), ratio to ses-lint. The sequential run at 100 ms takes minutes, so it
runs once (`--slow-runs`; 0 skips it); checkdmarc is measured up to `--peer-max` domains (its 16
threads need minutes beyond). The growth curve: `--domains 10,100,1000,10000`. Nothing leaves 127.0.0.1.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "tests" / "dns"))
sys.path.insert(0, str(ROOT.parent))

from bench_dns import DelayingForwarder, write_configs, zone  # noqa: E402
from dnsfixtures import Nsd  # noqa: E402

THREADS = 16


class Forwarder(DelayingForwarder):
    """The delaying, counting forwarder (bench_dns.py), with the interface this benchmark reads."""

    def __init__(self, upstream_port: int, delay: float):
        super().__init__(upstream_port, delay)
        self.resolver = self  # `.resolver.counts`, as the dnslib forwarder had


def run_ses_lint(paths: list[str], port: int, domains: list[str]) -> None:
    import ses_lint

    ses_lint.lint(paths, dns=True, nameservers=[f"127.0.0.1:{port}"], timeout=5.0, select=["SES6"])


def checkdmarc_one(domain: str, port: int) -> None:
    import dns.nameserver
    from checkdmarc.dmarc import check_dmarc
    from checkdmarc.spf import check_spf

    nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", port)]
    check_spf(domain, nameservers=nameservers, timeout=5.0)
    check_dmarc(domain, nameservers=nameservers, timeout=5.0)


def run_checkdmarc_sequential(paths: list[str], port: int, domains: list[str]) -> None:
    for domain in domains:
        checkdmarc_one(domain, port)


def run_checkdmarc_threads(paths: list[str], port: int, domains: list[str]) -> None:
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda domain: checkdmarc_one(domain, port), domains))


def measure(run: Callable, forwarder: Forwarder, paths: list[str], domains: list[str], runs: int) -> tuple[float, float]:
    """(median wall seconds, queries per domain of the last run)."""
    from checkdmarc import utils

    times = []
    queries = 0
    for _ in range(runs):
        utils.DNS_CACHE.clear()
        forwarder.resolver.counts.clear()
        started = time.perf_counter()
        run(paths, forwarder.port, domains)
        times.append(time.perf_counter() - started)
        queries = sum(forwarder.resolver.counts.values())
    return statistics.median(times), queries / len(domains)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", default="100", help="domain counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow-runs", type=int, default=1, help="runs of sequential checkdmarc at 100 ms (0: skip)")
    parser.add_argument("--delays", default="0,100", help="milliseconds per answer, comma-separated")
    parser.add_argument("--peer-max", type=int, default=1000, help="largest domain count checkdmarc is measured at")
    args = parser.parse_args(argv)
    try:
        import checkdmarc
    except ModuleNotFoundError:
        print("bench_peers_dns: skipped: checkdmarc is not installed (pip install -e '.[bench]')")
        return 0
    if not shutil.which("nsd") and not Path("/usr/sbin/nsd").exists():
        print("bench_peers_dns: skipped: nsd is not installed (Debian package `nsd`)")
        return 0

    rows = []
    for count in (int(text) for text in args.domains.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="bench-peers-dns-"))
        nsd = Nsd(folder, zone(count))
        paths = write_configs(folder, count)
        domains = [f"d{index:03d}.bench.test" for index in range(count)]
        try:
            warm = Forwarder(nsd.port, 0.0)  # warm-up: imports, parsers; not measured
            try:
                run_ses_lint(paths[:1], warm.port, domains[:2])
                run_checkdmarc_sequential(paths, warm.port, domains[:2])
            finally:
                warm.stop()
            for delay_ms in (int(text) for text in args.delays.split(",")):
                forwarder = Forwarder(nsd.port, delay_ms / 1000)
                try:
                    tools = [("ses-lint (lint, dns=True)", run_ses_lint, args.runs)]
                    if count <= args.peer_max:
                        tools.append((f"checkdmarc API, {THREADS} threads", run_checkdmarc_threads, args.runs))
                        slow = args.runs if delay_ms == 0 else args.slow_runs
                        if slow and (delay_ms == 0 or count <= 100):
                            tools.append(("checkdmarc API, sequential", run_checkdmarc_sequential, slow))
                    results = [(name, runs, *measure(run, forwarder, paths, domains, runs)) for name, run, runs in tools]
                finally:
                    forwarder.stop()
                base = results[0][2]
                for name, runs, seconds, per_domain in results:
                    rows.append((count, delay_ms, name, runs, seconds, per_domain, seconds / base))
        finally:
            nsd.stop()
            shutil.rmtree(folder, ignore_errors=True)

    print(f"DNS stage vs checkdmarc {checkdmarc.__version__}: loopback NSD, SPF + DMARC")
    print(f"{'domains':>8}{'delay':>7}  {'tool':<32}{'runs':>5}{'median wall':>13}{'domains/s':>11}{'queries/domain':>16}{'vs ses-lint':>13}")
    for count, delay_ms, name, runs, seconds, per_domain, ratio in rows:
        print(f"{count:>8}{delay_ms:>5}ms  {name:<32}{runs:>5}{seconds:>12.2f}s{count / seconds:>11.0f}{per_domain:>16.1f}{ratio:>12.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
