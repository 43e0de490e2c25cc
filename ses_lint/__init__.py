"""ses-lint: will the Amazon SES email providers in this YAML configuration really deliver mail?

    >>> import ses_lint
    >>> report = ses_lint.lint(["examples/"])
    >>> [(f.code, f.file, f.line) for f in report.findings]
"""
from __future__ import annotations

import os
from typing import Any, Sequence

__version__ = "0.1.0"
__all__ = ["lint", "Report", "Finding", "Severity", "Stage", "Options", "__version__"]

from ses_lint.collect.files import DEFAULT_EXCLUDE
from ses_lint.core.engine import Report, discover, run_lint
from ses_lint.core.findings import Finding, Severity, Stage
from ses_lint.core.run import Options
from ses_lint.source.patterns import Excludes, PatternSet


def lint(paths: Sequence[str] | str, *, dns: bool = False, aws: bool = False, online: bool = False,
         probe: bool = False, stdin: bytes | None = None, environ: dict[str, str] | None = None,
         exclude: Sequence[str] | None = None, extend_exclude: Sequence[str] = (), respect_gitignore: bool = True,
         **options: Any) -> Report:
    """Lint files and folders as `ses-lint check` does and return the report.

    Keyword options are the fields of `ses_lint.Options` (`select`, `ignore`, `severity`, `nameservers`,
    `timeout`, `env`, ...); `dns`, `aws`, `online` and `probe` turn on the network stages. `exclude`
    (default: hidden folders, node_modules, ...), `extend_exclude` and `respect_gitignore` say what
    folder searches pass over (gitignore-style patterns, relative to the current folder).
    Raises `ses_lint.core.engine.UsageError` when a path cannot be read and `ValueError` for a bad option.
    """
    if isinstance(paths, str):
        paths = [paths]
    stages = {Stage.STATIC}
    if dns or online:
        stages.add(Stage.DNS)
    if aws or online or probe:
        stages.add(Stage.AWS)
    if probe:
        stages.add(Stage.PROBE)
    stages |= {Stage(stage) for stage in options.pop("stages", ())}
    if "severity" in options:
        options["severity"] = {code: Severity(level) for code, level in options["severity"].items()}
    if "fail_on" in options:
        options["fail_on"] = Severity(options["fail_on"])
    run_options = Options(stages=frozenset(stages), **options)
    here = os.getcwd()
    excludes = Excludes([PatternSet(here, DEFAULT_EXCLUDE if exclude is None else exclude, "exclude"),
                         PatternSet(here, extend_exclude, "extend_exclude")], respect_gitignore)
    return run_lint(discover(list(paths), stdin, excludes), run_options, environ)
