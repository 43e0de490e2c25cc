"""The one module of shared test helpers (importable by name: `from support import run_cli, codes`).

- sample configs (CLEAN, RESERVED, HARDCODED, ...) and AWS's documented example keys;
- `write(path, text)`: a file, its folders created;
- `run_cli(*args)`: the command line, in this process (main() with its own streams, environment and
  folder: what the console script does, without starting Python); `run_installed(*args)`: the installed
  console script in a subprocess, for what only a process shows (the script itself, the interpreter's
  encoding, a terminal, a traceback); `run_on_tty`;
- reading results: `parse_text`, `codes`, `code_set`, `sorted_codes`, `code_counts`, `positions`, `found`,
  `notes`, `summary_line`, `ran`;
- `closed_port()`: a loopback port nothing listens on.
"""
from __future__ import annotations

import io
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, NamedTuple

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


# Variables the interpreter reads when it starts (encoding, locale, paths): a run that sets one needs a process.
_INTERPRETER = ("PYTHON", "LC_", "LANG")


def run_installed(*args: str, cwd: str | os.PathLike | None = None, input: str | bytes | None = None, env: dict[str, str | None] | None = None, timeout: float = 30) -> Result:
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


def run_cli(*args: str, cwd: str | os.PathLike | None = None, input: str | bytes | None = None, env: dict[str, str | None] | None = None, timeout: float = 30) -> Result:
    """The command line's (exit code, stdout, stderr), run in this process: `ses_lint.cli.main` with the
    environment `run_installed` would give the script (`base_env(env)`), `cwd` as the current folder and
    UTF-8 byte streams that are not terminals, as a subprocess's pipes are; `timeout` bounds it (a hang
    raises subprocess.TimeoutExpired, as from `run_installed`). A run whose `env` sets what
    the interpreter reads at start-up (PYTHON*, LC_*, LANG) or asks for tracebacks (SES_LINT_DEBUG) runs
    the installed script instead: only a process shows those."""
    if any(key.startswith(_INTERPRETER) or key == "SES_LINT_DEBUG" for key in (env or {})):
        return run_installed(*args, cwd=cwd, input=input, env=env, timeout=timeout)
    from ses_lint.cli import main

    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    stdout, stderr = io.BytesIO(), io.BytesIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(stdout, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(stderr, encoding="utf-8", write_through=True)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["code"] = main([str(arg) for arg in args])
        except BaseException as error:  # re-raised below, in the test's thread: a traceback is a failure
            outcome["error"] = error

    environment = base_env(env)
    try:
        os.environ.clear()
        os.environ.update(environment)
        os.chdir(str(cwd or ROOT))
        # In a thread, so that `timeout` bounds a hang as it bounds the subprocess's (the test fails).
        worker = threading.Thread(target=work, daemon=True, name="ses-lint-main")
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise subprocess.TimeoutExpired(["ses-lint", *map(str, args)], timeout)
        if "error" in outcome:
            raise outcome["error"]
        code = outcome["code"]
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        for stream in (sys.stdin, sys.stdout, sys.stderr):
            stream.detach()
        sys.stdin, sys.stdout, sys.stderr = streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Result(code, stdout.getvalue().decode("utf-8", "replace"), stderr.getvalue().decode("utf-8", "replace"))


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


def write(path: str | os.PathLike, text: str | bytes) -> Path:
    """Write `text` (UTF-8) or bytes to `path`, its folders created; the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def config_file(folder: str | os.PathLike, text: str, name: str = "p.yaml") -> str:
    """`text` written to `folder/name`; its path as a string (what `ses_lint.lint` takes)."""
    return str(write(Path(folder) / name, text))


# --- reading results ------------------------------------------------------------------------------

TEXT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>SES\d{3}) \[(?P<level>error|warning|info)\] (?P<message>.+)$")


def parse_text(out: str) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, code, severity) of each finding line of the text format, in output order."""
    rows = []
    for line in out.splitlines():
        match = TEXT_LINE.match(line)
        if match:
            rows.append((match["file"], int(match["line"]), int(match["col"]), match["code"], match["level"]))
    return rows


def _findings(found: Any) -> Iterable[Any]:
    return found.findings if hasattr(found, "findings") else found


def codes(found: Any) -> list[str]:
    """The codes, in order, of a Report, of findings, or of the text format's output."""
    if isinstance(found, str):
        return [row[3] for row in parse_text(found)]
    return [finding.code for finding in _findings(found)]


def sorted_codes(found: Any) -> list[str]:
    return sorted(codes(found))


def code_set(found: Any) -> set[str]:
    return set(codes(found))


def code_counts(found: Any) -> Counter:
    """How many findings of each code."""
    return Counter(codes(found))


def positions(found: Any, code: str | None = None) -> list[tuple[str, int, int]]:
    """(code, line, column) of each finding (of `code` only, if given), in order."""
    return [(f.code, f.line, f.column) for f in _findings(found) if code is None or f.code == code]


def found(report: Any, code: str) -> list:
    """The findings of `code`, in order."""
    return [finding for finding in _findings(report) if finding.code == code]


def notes(err: str) -> list[str]:
    """The `ses-lint: note: ...` lines of standard error."""
    return [line for line in err.splitlines() if line.startswith("ses-lint: note: ")]


def summary_line(out: str) -> str:
    return out.rstrip("\n").splitlines()[-1]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, read, released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
