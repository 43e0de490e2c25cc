"""The aws stage against moto: 50 SES providers in 3 regions, one run; API calls by operation and wall time.

Run by hand:  .venv/bin/python benchmarks/bench_aws.py [--providers 50] [--regions 3] [--probe]

moto runs in server mode on loopback, in this process, with the same gap closers as tests/aws (SES v2
GetAccount, IAM SimulatePrincipalPolicy, ...). ses-lint reaches it only through each provider's
`endpoint`, as a user's LocalStack config would. The target: calls grow with accounts and regions, not
with providers. Printed: calls by operation (counted by ses-lint, and requests seen by moto), the wall
time of the whole `lint()` call, and the same for a run with 3x fewer providers for comparison.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]


def write_config(folder: Path, url: str, keys: tuple[str, str], providers: int, regions: list[str]) -> Path:
    lines = ['version: "1.0"', "providers:"]
    for index in range(providers):
        region = regions[index % len(regions)]
        lines += [
            f"  ses-{index}:", "    provider: email.ses", "    config:",
            f"      from: sender{index}@team{index % 5}.example.com",  # 50 senders on 5 subdomains of one verified domain
            f"      region: {region}", f"      endpoint: {url}",
            f"      access_key_id: {keys[0]}", f"      secret_access_key: {keys[1]}",
        ]
    lines += ["workflows:", "  - name: notify", "    steps:"]
    for index in range(providers):
        lines += ["      - task: notify", "        type: email", "        config:", f"          provider: ses-{index}",
                  "          subject: hi", f"          to: [user{index}@customer.example.org, ops@example.com]",
                  "          body: {text: hi}"]
    path = folder / f"bench-{providers}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def measure(path: Path, environ: dict, probe: bool, state) -> tuple[float, Counter, Counter, int]:
    import ses_lint
    from ses_lint.collect.aws import clients as facts

    before = Counter(facts.CALLS)
    seen_before = len(state.requests)
    started = time.perf_counter()
    report = ses_lint.lint([str(path)], aws=True, probe=probe, environ=environ, timeout=5, select=["SES7", "SES8"])
    wall = time.perf_counter() - started
    calls = Counter(facts.CALLS)
    calls.subtract(before)
    requests = Counter(operation for _, operation in state.requests[seen_before:])
    return wall, +calls, requests, len(report.findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--probe", action="store_true", help="also send the probe (one message per provider, to moto)")
    args = parser.parse_args()

    import logging
    import urllib.request

    from aws.conftest import (  # installs moto's gap closers (and sets MOTO_ALLOW_NONEXISTENT_REGION)
        STATE,
        Moto,
    )
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    regions = REGIONS[: args.regions]
    try:
        with tempfile.TemporaryDirectory() as folder:
            moto = Moto(url, Path(folder))
            for region in regions:
                moto.verify("example.com", region=region)
                STATE.account(region).production = region != regions[-1]  # one region still in the sandbox (1 send a second)
                STATE.account(region).max_rate = 14.0 if STATE.account(region).production else 1.0
            keys = moto.user()
            environ = moto.environ()
            # warm-up (imports, botocore's service models, moto's lazy backends), not measured
            measure(write_config(Path(folder), url, keys, 3, regions), environ, False, STATE)
            small = max(1, args.providers // 3)
            results = []
            for count in (small, args.providers):
                path = write_config(Path(folder), url, keys, count, regions)
                results.append((count, *measure(path, environ, args.probe, STATE)))
            for count, wall, calls, requests, findings in results:
                print(f"\n{count} providers in {len(regions)} regions ({', '.join(regions)}), one account: "
                      f"{wall:.2f} s wall, {sum(calls.values())} API calls ({sum(requests.values())} HTTP requests seen by moto), {findings} findings")
                width = max(len(name) for name in calls)
                for operation, number in sorted(calls.items()):
                    print(f"  {operation:<{width}}  {number:>4}")
            print("\n(HTTP requests exceed calls only by retries; moto's requests by operation: "
                  + ", ".join(f"{name} {number}" for name, number in sorted(results[-1][3].items())) + ")")
            urllib.request.urlopen(f"{url}/moto-api/reset", data=b"", timeout=5).read()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
