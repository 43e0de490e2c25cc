"""The static stage beside yamllint (and cfn-lint): the whole process, on the growth curve of 1 to
10,000 generated configs and on two generated monorepos of Kubernetes manifests with 5 SES configs.

Run by hand:  .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_static.py
Prints, for each input and tool, the median wall time of several runs (fewer on the large inputs), the
peak memory (max RSS) of one run, and each peer's time as a multiple of ses-lint's. cfn-lint judges
CloudFormation, not these files: it is timed (on 1 and 1,000 configs) for the cost of its pipeline.

The last lines check the bounds of the growth curve (10,000 configs in at most 30 s and at most 15
times the 1,000-config time: generous, for a loaded machine); the exit code is 1 when one is missed.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

CURVE = (1, 10, 100, 1_000, 10_000)
BOUND_SECONDS, BOUND_GROWTH = 30.0, 15.0


def tool(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def measure(command: list[str], runs: int, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Median wall seconds over `runs`, and the largest peak RSS (MiB) of any one run."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        _, _, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="runs of each small input (large ones get fewer)")
    parser.add_argument("--no-peers-on-large", action="store_true", help="skip yamllint on 10,000 configs and the monorepos (minutes)")
    args = parser.parse_args()
    ses_lint, yamllint, cfn_lint = tool("ses-lint"), tool("yamllint"), tool("cfn-lint")
    if not ses_lint or not yamllint:
        raise SystemExit("ses-lint and yamllint must be installed: pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        inputs: list[tuple[str, Path, int, bool]] = []  # label, target, runs, large
        for count in CURVE:
            target = corpus.write_configs(root / f"configs-{count}", count)
            if count == 1:
                target = target / "config00000.yaml"
            runs = args.runs if count <= 100 else max(3, args.runs // 2) if count <= 1_000 else 1
            inputs.append((f"{count:,} config{'s' if count > 1 else ''}", target, runs, count > 1_000))
        inputs.append(("10,000 manifests ~1 KB + 5 configs", corpus.write_monorepo(root / "mono-small", 10_000, 2), 3, True))
        inputs.append(("2,000 manifests ~21 KB + 5 configs", corpus.write_monorepo(root / "mono-large", 2_000, 60), 3, True))
        print(f"{'input':<36}{'tool':<22}{'median':>9}{'peak RSS':>12}{'vs ses-lint':>13}", flush=True)
        times: dict[str, float] = {}
        # Every tool runs in the temporary folder, where none finds a configuration of its own to read.
        for label, target, runs, large in inputs:
            rows = {"ses-lint": measure([ses_lint, "check", "--quiet", str(target)], runs, cwd=root)}
            if not (large and args.no_peers_on_large):
                rows["yamllint"] = measure([yamllint, "-d", "default", str(target)], 1 if large else runs, cwd=root)
            if cfn_lint and label in ("1 config", "1,000 configs"):
                files = [str(path) for path in sorted(target.glob("*.yaml"))] if target.is_dir() else [str(target)]
                rows["cfn-lint"] = measure([cfn_lint, *files], max(1, runs // 2), cwd=root)
            base = rows["ses-lint"][0]
            times[label] = base
            for name, (seconds, peak) in rows.items():
                print(f"{label:<36}{name:<22}{seconds:>8.3f}s{peak:>8.1f} MiB{seconds / base:>12.2f}x", flush=True)
    large, small = times["10,000 configs"], times["1,000 configs"]
    growth = large / small
    ok = large <= BOUND_SECONDS and growth <= BOUND_GROWTH
    print(f"\n10,000 configs: {large:.2f} s (bound {BOUND_SECONDS:.0f} s), {growth:.1f}x the 1,000-config time (bound {BOUND_GROWTH:.0f}x): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
