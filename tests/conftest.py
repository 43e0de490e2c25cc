"""Shared fixtures; the helpers themselves are in support.py (importable by name)."""
from __future__ import annotations

from pathlib import Path

import pytest
import support
from support import run_cli


def pytest_collection_finish(session):
    """Start the slow set-ups of the tests that will run now, so that they overlap the tests before them."""
    for item in session.items:
        if "runner" in getattr(item, "fixturenames", ()) and hasattr(getattr(item, "module", None), "start_install"):
            item.module.start_install()  # test_action.py: the action's install step (a real pip install)
            break


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
