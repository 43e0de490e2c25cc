"""The static stage beside yamllint and cfn-lint: the whole process, on 1 and on 1,000 generated configs.

Run by hand:  .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_static.py
Prints, for each tool, the median wall time of several runs, the peak memory (max RSS) of one run, and
the ratio of each peer's time to ses-lint's. cfn-lint judges CloudFormation, not these files: it is
timed for the cost of its whole pipeline on the same YAML, not for its findings.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = """version: "1.0"
providers:
  email-ses-{n}:
    name: AWS SES Email {n}
    description: Amazon SES email provider
    provider: email
    enabled: true
    config:
      platform: ses
      from: noreply{n}@mycompany{n}.io
      region: eu-west-1
      profile: production
workflows:
  - name: access-notification-{n}
    steps:
      - task: notify
        type: email
        config:
          provider: email-ses-{n}
          subject: "Access Granted"
          to:
            - user{n}@mycompany{n}.io
          body:
            text: "Your access request has been approved."
"""


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed: pip install -e '.[bench]'")
    return found


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds over `runs`, and the largest peak RSS (MiB) of any one run."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tools = {"ses-lint": [tool("ses-lint"), "check", "--quiet"], "yamllint": [tool("yamllint"), "-d", "default"]}
    cfn = Path(sys.executable).parent / "cfn-lint"
    if cfn.exists() or shutil.which("cfn-lint"):
        tools["cfn-lint"] = [tool("cfn-lint")]
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one"
        many = Path(folder) / "many"
        one.mkdir()
        many.mkdir()
        (one / "config.yaml").write_text(TEMPLATE.format(n=0))
        for n in range(1000):
            (many / f"config{n:04d}.yaml").write_text(TEMPLATE.format(n=n))
        print(f"{'input':<14}{'tool':<10}{'median':>9}{'peak RSS':>11}{'vs ses-lint':>13}")
        for label, target, runs in (("1 config", one / "config.yaml", args.runs), ("1,000 configs", many, max(3, args.runs // 2))):
            results = {}
            for name, command in tools.items():
                argument = [str(path) for path in sorted(target.glob("*.yaml"))] if name == "cfn-lint" and target.is_dir() else [str(target)]
                results[name] = measure(command + argument, runs)
            base = results["ses-lint"][0]
            for name, (seconds, peak) in results.items():
                print(f"{label:<14}{name:<10}{seconds:>8.3f}s{peak:>8.1f} MiB{seconds / base:>12.2f}x")

if __name__ == "__main__":
    main()
