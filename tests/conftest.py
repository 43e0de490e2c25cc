"""Shared fixtures; the helpers themselves are in support.py (importable by name)."""
from __future__ import annotations

from pathlib import Path

import pytest
import support
from support import run_cli


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
    return lambda name, text: support.write(workdir / name, text)
