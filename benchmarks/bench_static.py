"""Static stage beside yamllint: the whole process, on 1 and on 1,000 generated configs.

Run by hand:  .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_static.py
Prints the median wall time of several runs of each command and the ratio ses-lint / yamllint.
"""
from __future__ import annotations

import argparse
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


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ses_lint, yamllint = tool("ses-lint"), tool("yamllint")
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one"
        many = Path(folder) / "many"
        one.mkdir()
        many.mkdir()
        (one / "config.yaml").write_text(TEMPLATE.format(n=0))
        for n in range(1000):
            (many / f"config{n:04d}.yaml").write_text(TEMPLATE.format(n=n))
        print(f"{'input':<14}{'ses-lint':>12}{'yamllint':>12}{'ratio':>8}")
        for label, target, runs in (("1 config", one / "config.yaml", args.runs), ("1,000 configs", many, max(3, args.runs // 2))):
            ours = median_seconds([ses_lint, "check", "--quiet", str(target)], runs)
            theirs = median_seconds([yamllint, "-d", "default", str(target)], runs)
            print(f"{label:<14}{ours:>11.3f}s{theirs:>11.3f}s{ours / theirs:>7.2f}x")


if __name__ == "__main__":
    main()
