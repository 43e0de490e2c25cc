"""Every benchmark in benchmarks/, one after another, with their tables.

    .venv/bin/pip install -e '.[test,bench]' && .venv/bin/python benchmarks/run_all.py [--quick] [--only static,peers_dns]

Runs bench_static.py (beside yamllint and cfn-lint), bench_dns.py (100 domains at 100 ms per answer),
bench_peers_dns.py (beside checkdmarc's API at 0 and 100 ms), bench_aws.py (against moto), then any
other benchmarks/bench_*.py, each in its own process with this interpreter. Before each, it says what
is skipped because a peer tool or a test server is missing. `--quick` makes fewer runs (for a smoke
test; the figures are noisier). Exit code: the number of benchmarks that failed.
"""
from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["bench_static.py", "bench_dns.py", "bench_peers_dns.py", "bench_aws.py"]
QUICK_ARGS = {
    "bench_static.py": ["--runs", "3", "--no-peers-on-large"],
    "bench_peers_dns.py": ["--runs", "1", "--slow-runs", "0"],
    "bench_aws.py": ["--providers", "15"],
}


def _module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _tool(name: str) -> bool:
    return (Path(sys.executable).parent / name).exists() or shutil.which(name) is not None


def _nsd() -> bool:
    return shutil.which("nsd") is not None or Path("/usr/sbin/nsd").exists()


def requirements(script: str) -> tuple[list[str], list[str]]:
    """(missing things that make the whole benchmark impossible, missing peers whose rows are skipped)."""
    fatal, partial = [], []
    if script == "bench_static.py":
        if not _tool("ses-lint"):
            fatal.append("the ses-lint command (pip install -e .)")
        if not _tool("yamllint"):
            fatal.append("yamllint (pip install -e '.[bench]')")
        if not _tool("cfn-lint"):
            partial.append("cfn-lint (pip install -e '.[bench]'): its rows are skipped")
    elif script in ("bench_dns.py", "bench_peers_dns.py"):
        if not _nsd():
            fatal.append("nsd (Debian package `nsd`)")
        if not _module("dnslib"):
            fatal.append("dnslib (pip install -e '.[test]')")
        if script == "bench_peers_dns.py" and not _module("checkdmarc"):
            fatal.append("checkdmarc (pip install -e '.[bench]'): the DNS comparison with its API")
        if script == "bench_dns.py" and not _tool("ses-lint"):
            partial.append("the ses-lint command: the whole-process row is skipped")
    elif script == "bench_aws.py":
        if not _module("moto"):
            fatal.append("moto[server] (pip install -e '.[test]')")
    return fatal, partial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: a smoke test, noisier figures")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. static,peers_dns")
    args = parser.parse_args(argv)
    scripts = [name for name in ORDER if (HERE / name).exists()]
    scripts += sorted(path.name for path in HERE.glob("bench_*.py") if path.name not in ORDER)
    if args.only:
        wanted = {f"bench_{name.strip().removeprefix('bench_').removesuffix('.py')}.py" for name in args.only.split(",")}
        scripts = [name for name in scripts if name in wanted]
    failed, skipped = [], []
    for script in scripts:
        print(f"\n=== {script} " + "=" * max(0, 70 - len(script)), flush=True)
        fatal, partial = requirements(script)
        for item in partial:
            print(f"  note: missing {item}", flush=True)
        if fatal:
            print(f"  skipped: missing {'; '.join(fatal)}", flush=True)
            skipped.append(script)
            continue
        command = [sys.executable, str(HERE / script)] + (QUICK_ARGS.get(script, []) if args.quick else [])
        started = time.perf_counter()
        result = subprocess.run(command, cwd=HERE.parent, check=False)
        print(f"  ({script}: {time.perf_counter() - started:.1f} s, exit code {result.returncode})", flush=True)
        if result.returncode != 0:
            failed.append(script)
    print(f"\n{len(scripts) - len(failed) - len(skipped)} ran, {len(skipped)} skipped"
          + (f" ({', '.join(skipped)})" if skipped else "") + f", {len(failed)} failed" + (f" ({', '.join(failed)})" if failed else ""))
    return len(failed)


if __name__ == "__main__":
    raise SystemExit(main())
