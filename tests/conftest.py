"""Shared fixtures of the CLI tests; the helpers themselves are in cli_support.py (importable by name)."""
from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import *  # noqa: F401,F403
from cli_support import run_cli


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty project folder (no ses-lint configuration above it but what a test writes)."""
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


@pytest.fixture
def write(workdir: Path):
    """write(name, text) -> Path: a file in the project folder (subfolders created)."""

    def _write(name: str, text: str | bytes) -> Path:
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write
