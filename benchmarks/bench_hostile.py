"""Hostile files at the 2 MiB size bound (benchmarks/hostile.py), each through the installed CLI: the
whole process's CPU time (user + system), wall time and peak RSS, as `/usr/bin/time -v` reports them.

Run by hand:  .venv/bin/python benchmarks/bench_hostile.py [--runs 1] [--format json] [--max-per-rule N]
Each class is run `--runs` times (default 1: the machine is shared); the row shows the median CPU
(user + system; the range after the exit code) and wall time, and the largest peak RSS of all runs.
The target (issue 9) is well under 3 s of CPU and 300 MB for every file within the size bound; the
exit code is 1 when a class misses it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402

CPU_TARGET, RSS_TARGET_MB = 3.0, 300.0
TIME = "/usr/bin/time"


def ses_lint() -> str:
    local = Path(sys.executable).parent / "ses-lint"
    found = str(local) if local.exists() else shutil.which("ses-lint")
    if not found:
        raise SystemExit("ses-lint must be installed in this interpreter's environment")
    return found


def run(command: list[str]) -> tuple[float, float, float, int]:
    """(CPU seconds, wall seconds, peak RSS in MB, exit code) of one run, from `/usr/bin/time -v` when
    installed, else from `os.wait4`."""
    if os.path.exists(TIME):
        result = subprocess.run([TIME, "-v", *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        report = dict(re.findall(r"^\s*(.+?): (.+)$", result.stderr, re.MULTILINE))
        wall = sum(float(part) * 60 ** index for index, part in enumerate(reversed(report["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))))
        cpu = float(report["User time (seconds)"]) + float(report["System time (seconds)"])
        return cpu, wall, int(report["Maximum resident set size (kbytes)"]) / 1024, int(report["Exit status"])
    import time

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1, help="runs of each class (default 1)")
    parser.add_argument("--format", default="json", help="the report's format (default json, written to a file)")
    parser.add_argument("--max-per-rule", type=int, help="passed on to ses-lint (default: its own, 100)")
    parser.add_argument("--only", help="run only the classes whose name contains this text")
    args = parser.parse_args()
    command = [ses_lint(), "check", "--format", args.format]
    if args.max_per_rule is not None:
        command += ["--max-per-rule", str(args.max_per_rule)]
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"load average {load:.1f}; {' '.join(command[1:])}", flush=True)
    print(f"{'class':<40}{'bytes':>10}{'findings':>10}{'shown':>7}{'CPU':>8}{'wall':>8}{'peak RSS':>11}  exit", flush=True)
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        for name, generate in hostile.CLASSES.items():
            if args.only and args.only not in name:
                continue
            path = Path(folder) / "hostile.yaml"
            path.write_text(generate(), encoding="utf-8")
            output = Path(folder) / "report.out"
            runs = [run([*command, "--output", str(output), str(path)]) for _ in range(args.runs)]
            cpus = sorted(row[0] for row in runs)
            cpu, wall, code = statistics.median(cpus), statistics.median(row[1] for row in runs), runs[0][3]
            spread = f" ({cpus[0]:.2f}-{cpus[-1]:.2f})" if len(runs) > 1 else ""
            peak = max(row[2] for row in runs)
            total = shown = "-"
            if args.format == "json":
                report = json.loads(output.read_text(encoding="utf-8"))
                summary = report["summary"]
                total = f"{summary['errors'] + summary['warnings'] + summary['infos']:,}"
                shown = f"{len(report['findings']):,}"
            ok = cpu < CPU_TARGET and peak < RSS_TARGET_MB
            if not ok:
                missed.append(name)
            print(f"{name:<40}{path.stat().st_size:>10,}{total:>10}{shown:>7}{cpu:>7.2f}s{wall:>7.2f}s{peak:>7.0f} MiB  {code}{spread}{'' if ok else '  MISSED'}", flush=True)
    print(f"\ntarget: under {CPU_TARGET:g} s of CPU and {RSS_TARGET_MB:g} MB for each: {'met' if not missed else 'missed by ' + ', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
