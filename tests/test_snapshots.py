"""The static fixtures and the examples yield exactly their snapshots (tests/snapshots.py): the engine in
this process for every case, and the installed console script for one fixture folder, to show that a
snapshot is what a user sees. A stale snapshot fails naming the fixture and the diff; rewrite them with
`python scripts/update_snapshots.py` and review the diff."""
from __future__ import annotations

import difflib

import pytest
import snapshots
from support import ROOT, run_installed

CASES = snapshots.cases()


def _stale(case: snapshots.Case, actual: str) -> str:
    expected = case.snapshot.read_text(encoding="utf-8") if case.snapshot.is_file() else ""
    where = case.snapshot.relative_to(ROOT)
    diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                        f"{where} (snapshot)", f"{case.name} (this run)"))
    missing = "" if case.snapshot.is_file() else f" (no snapshot at {where})"
    return f"{case.name}: the snapshot is stale{missing}; run `python scripts/update_snapshots.py` and review:\n{diff}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_snapshot_is_current(case):
    actual = snapshots.render(case)
    expected = case.snapshot.read_text(encoding="utf-8") if case.snapshot.is_file() else None
    assert actual == expected, _stale(case, actual)


def test_every_snapshot_has_its_fixture():
    assert snapshots.orphans() == [], "snapshots without a fixture: run `python scripts/update_snapshots.py`"


@pytest.mark.parametrize("case", [case for case in CASES if case.code], ids=[case.name for case in CASES if case.code])
def test_a_bad_fixture_shows_its_rule_and_a_good_one_does_not(case):
    shown = [line.split(" ")[1] for line in case.snapshot.read_text(encoding="utf-8").splitlines()]
    assert (case.code in shown) == (case.kind == "bad"), (case.name, shown)


def test_the_installed_cli_prints_the_snapshots_of_a_fixture_folder():
    for case in (case for case in CASES if case.code == "SES301"):
        assert case.options == {}, "a folder whose fixtures need no options: the command line has the same run"
        result = run_installed("--quiet", *case.paths, cwd=case.folder)
        assert (result.code, result.err) == (1 if case.kind == "bad" else 0, "")
        assert result.out == case.snapshot.read_text(encoding="utf-8"), _stale(case, result.out)
