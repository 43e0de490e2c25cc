"""Shared fixtures; the helpers themselves are in support.py (importable by name)."""
from __future__ import annotations

from pathlib import Path

import pytest
import support
from support import run_cli


def _slow_setup(item) -> bool:
    return "runner" in getattr(item, "fixturenames", ()) and hasattr(getattr(item, "module", None), "start_install")


def pytest_collection_modifyitems(items):
    """The tests whose set-up starts in the background run last, so it has the whole run to finish in."""
    items.sort(key=_slow_setup)  # stable: every other test keeps its place


def pytest_collection_finish(session):
    """Start the slow set-ups of the tests that will run now, so that they overlap the tests before them."""
    if session.config.option.collectonly:
        return
    for item in session.items:
        if _slow_setup(item):
            # test_action.py: the action's install step (a real pip install), in the session's temporary folder
            item.module.start_install(getattr(session.config, "_tmp_path_factory", None))
            break


def pytest_sessionfinish(session):
    for item in session.items:
        if _slow_setup(item):
            item.module.stop_install()
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
