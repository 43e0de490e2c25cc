"""Small helpers for the aws-stage tests."""
from __future__ import annotations

import time
from pathlib import Path

import ses_lint
from support import closed_port, found  # noqa: F401  (shared helpers, imported from here by the aws tests)
from support import code_set as codes  # noqa: F401


def check(moto, path: Path, *, environ=None, timeout: float = 3, select=("SES7", "SES8"), **options):
    """Run the aws stage (and the probe, with probe=True) through the Python API; return (report, seconds)."""
    started = time.monotonic()
    report = ses_lint.lint([str(path)], aws=True, environ=environ if environ is not None else moto.environ(),
                           timeout=timeout, select=list(select), **options)
    return report, time.monotonic() - started


def step(provider_key: str, *recipients: str) -> str:
    """A workflow (for conftest's `config(workflows=...)`) with one notify step of `provider_key` to `recipients`."""
    return f"""
    - name: w-{provider_key}
      steps:
        - task: notify
          type: email
          config: {{provider: {provider_key}, subject: s, to: [{', '.join(recipients)}], body: {{text: t}}}}
    """
