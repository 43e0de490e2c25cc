"""Shared fixtures: run the installed `ses-lint` console script end to end, and sample configs."""
from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "seed"
DATA = Path(__file__).resolve().parent / "data"

# AWS's documented example keys: shaped like real ones, so every rule and the masker treat them as such.
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"

CLEAN = """\
version: "1.0"
providers:
  email-ses:
    name: AWS SES Email
    provider: email.ses
    enabled: true
    config:
      from: noreply@mycompany.com
      region: eu-west-1
"""

# SES502 (warning) at 8:13: a reserved domain; nothing else.
RESERVED = CLEAN.replace("noreply@mycompany.com", "noreply@example.com")

# SES309 (info) 10:7, SES302 (error) 10:22, SES301 (error) 11:26.
HARDCODED = CLEAN + f"""\
      access_key_id: {ACCESS_KEY}
      secret_access_key: {SECRET}
"""

BROKEN_YAML = 'version: "1.0"\nproviders:\n  email-ses: [provider: email.ses\n'

NOT_A_CONFIG = "name: some other tool\nitems: [1, 2, 3]\n"

# A workflow with one notify step using `email-ses`.
NOTIFY_STEP = """\
workflows:
  - name: deploy
    steps:
      - task: notify
        config:
          provider: email-ses
          subject: Deployed
          to: [{to}]
          body: {{text: {body}}}
"""

# `${NAME}` in every field type: boolean, strings, a recipient (lines 5, 7-11, 19).
REFERENCED = """\
version: "1.0"
providers:
  email-ses:
    provider: email.ses
    enabled: ${SES_ENABLED}
    config:
      from: ${SES_FROM}
      region: ${SES_REGION}
      endpoint: ${SES_ENDPOINT}
      imds_disable: ${SES_IMDS}
      profile: ${SES_PROFILE}
""" + NOTIFY_STEP.format(to='"${ONCALL}"', body="done")


def _script() -> str:
    beside = Path(sys.executable).with_name("ses-lint")
    if beside.is_file():
        return str(beside)
    found = shutil.which("ses-lint")
    if found:
        return found
    pytest.fail("the ses-lint console script is not installed (pip install -e .)")


SES_LINT = _script()
BIN = str(Path(SES_LINT).parent)

# Variables that change ses-lint's defaults; a test that wants one passes it in `env`.
_SCRUB = ("GITHUB_ACTIONS", "GITHUB_WORKFLOW", "NO_COLOR", "FORCE_COLOR", "SES_LINT_DEBUG", "PRE_COMMIT")


class Result(NamedTuple):
    code: int
    out: str
    err: str


def base_env(extra: dict[str, str | None] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRUB}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.setdefault("LC_ALL", "C.UTF-8")
    env["PYTHONIOENCODING"] = "utf-8"
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_cli(*args: str, cwd: str | os.PathLike | None = None, input: str | bytes | None = None, env: dict[str, str | None] | None = None, timeout: float = 30) -> Result:
    """Run the installed `ses-lint` in a subprocess; (exit code, stdout, stderr)."""
    data = input.encode("utf-8") if isinstance(input, str) else input
    completed = subprocess.run(
        [SES_LINT, *map(str, args)],
        cwd=str(cwd or ROOT),
        input=data if data is not None else b"",
        capture_output=True,
        env=base_env(env),
        timeout=timeout,
    )
    return Result(completed.returncode, completed.stdout.decode("utf-8", "replace"), completed.stderr.decode("utf-8", "replace"))


def run_on_tty(args: list[str], cwd, env: dict) -> str:
    """Run the installed `ses-lint` with a pseudo-terminal as standard output; what it printed there."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    process = subprocess.Popen([SES_LINT, *args], cwd=cwd, stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=base_env(env))
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 20)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        process.wait(timeout=20)
    return b"".join(chunks).decode("utf-8", "replace")


def ran(*stages: str) -> str:
    """The summary's `stages: static N rules, ...` for a run of these stages with the default selection."""
    from ses_lint.rules import load_rules

    rules = load_rules().values()
    return "stages: " + ", ".join(f"{stage} {sum(1 for rule in rules if rule.stage.value == stage)} rules" for stage in (stages or ("static",)))
