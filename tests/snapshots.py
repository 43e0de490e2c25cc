"""Snapshots of what the static fixtures and the examples yield, kept beside them for review.

Beside each rule fixture `tests/fixtures/static/<CODE>/<kind>.yaml` (a template rule's in `templates/`),
`<kind>.expected.txt` holds what `ses-lint --quiet <kind>.yaml` prints in that folder, one finding per
line in the text format (`file:line:column: CODE [severity] message`), run with the options the rule
needs (static_rules/helpers.py: RUN_OPTIONS, GOOD_OPTIONS, COMPANIONS). Each examples folder
(`examples/seed`, `examples/broken`) has `expected.txt`: what `ses-lint --quiet .` prints there.

`python scripts/update_snapshots.py` writes them; tests/test_snapshots.py fails, naming the fixture and
the diff, when one is stale.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "static"
EXAMPLES = ROOT / "examples"
SUFFIX = ".expected.txt"


@dataclass(frozen=True)
class Case:
    name: str  # the pytest id: `SES301/bad`, `examples/seed`
    folder: Path  # the run's current folder
    paths: tuple[str, ...]  # what the run checks, relative to `folder`
    snapshot: Path
    options: dict[str, Any] = field(default_factory=dict, compare=False)  # ses_lint.lint's keyword options
    code: str | None = None  # the rule of a fixture
    kind: str | None = None  # bad or good


def _fixture_cases() -> list[Case]:
    from static_rules.helpers import COMPANIONS, GOOD_OPTIONS, RUN_OPTIONS

    cases = []
    for folder in sorted(path for path in FIXTURES.iterdir() if path.is_dir()):
        code = folder.name
        for kind in ("bad", "good"):
            fixture = next(path for path in (folder / "templates" / f"{kind}.yaml", folder / f"{kind}.yaml") if path.is_file())
            options = RUN_OPTIONS.get(code, {}) if kind == "bad" else GOOD_OPTIONS.get(code, RUN_OPTIONS.get(code, {}))
            paths = tuple(COMPANIONS.get(code, [])) + (fixture.relative_to(folder).as_posix(),)
            cases.append(Case(f"{code}/{kind}", folder, paths, fixture.with_name(kind + SUFFIX), options, code, kind))
    return cases


def cases() -> list[Case]:
    examples = [Case(f"examples/{folder.name}", folder, (".",), folder / "expected.txt")
                for folder in sorted(path for path in EXAMPLES.iterdir() if path.is_dir())]
    return _fixture_cases() + examples


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def render(case: Case) -> str:
    """What `ses-lint --quiet` prints for the case: the engine run in this process, the text renderer."""
    import ses_lint
    from ses_lint.report import Context
    from ses_lint.report import render as render_format

    with _inside(case.folder):
        options = dict(case.options)
        if options.get("baseline") is not None:  # read as `--baseline NAME` reads it here: the name, not the checkout's path
            from ses_lint.core.baseline import Baseline

            options["baseline"] = Baseline.read(Path(os.path.relpath(options["baseline"].path)))
        report = ses_lint.lint(list(case.paths), **options)
    return render_format("text", report, Context(ses_lint.__version__, quiet=True))


def orphans() -> list[Path]:
    """Snapshot files no case writes (a fixture renamed or removed)."""
    written = {case.snapshot for case in cases()}
    found = set(FIXTURES.rglob("*" + SUFFIX)) | set(EXAMPLES.glob("*/expected.txt"))
    return sorted(found - written)
