"""Per-file isolation: an error of ses-lint's own while gathering or judging one file's subjects marks
that file as not judged (`Run.unjudged`, reported by SES013) and the run goes on with the others."""
from __future__ import annotations

import os
from typing import Callable

from ses_lint.core.findings import Finding, Stage
from ses_lint.core.registry import Rule
from ses_lint.core.run import Run


def judge_rule(rule: Rule, run: Run, place: Callable[[Finding], Finding] | None = None, where: Callable | None = None) -> list[Finding]:
    """The findings of one rule over its subjects, each placed by `place`, or by `where` as the rule
    makes them (`Rule.judge`). An error gathering, judging or placing one file's subjects marks that file
    as not judged (SES013) and the run goes on."""
    def failed(subject: object, error: Exception) -> None:
        reraise_when_debugging()
        for path in _subject_files(subject, run):
            run.unjudged.setdefault(path, describe(error, f"running {rule.code}"))

    subjects = _gather(rule, run)
    if place is None:
        return rule.judge(subjects, where or _nowhere, failed)
    found: list[Finding] = []
    for subject in subjects:
        try:
            found += [place(finding) for finding in rule.run(subject, where)]
        except Exception as error:  # noqa: BLE001 - a rule bug costs a finding, never the run
            failed(subject, error)
    return found


def _nowhere(finding: Finding) -> None:
    """Every finding where its rule put it."""
    return None


def _gather(rule: Rule, run: Run) -> list:
    try:
        return run.subjects(rule.subject)
    except Exception as error:  # noqa: BLE001
        if rule.stage != Stage.STATIC:  # a collector's facts span files (and may not be asked twice)
            for document in run.documents:
                run.unjudged.setdefault(document.path, describe(error, f"gathering the facts of {rule.code}"))
            return []
    # Static subjects are pure functions of the files: find the files that fail alone, and go on without them.
    for document in list(run.documents):
        try:
            Run(run.options, [document], environ=run.environ, selected_codes=run.selected_codes).subjects(rule.subject)
        except Exception as error:  # noqa: BLE001
            run.unjudged.setdefault(document.path, describe(error, f"gathering the facts of {rule.code}"))
    run.exclude(set(run.unjudged))
    try:
        return run.subjects(rule.subject)
    except Exception as error:  # noqa: BLE001 - only the files together fail: none is judged by this rule
        for document in run.documents:
            run.unjudged.setdefault(document.path, describe(error, f"gathering the facts of {rule.code} across files"))
        return []


def _subject_files(subject: object, run: Run) -> list[str]:
    """The file a subject comes from (its `file`, its document's, or its provider's or entry's); every
    file of the run when that cannot be told."""
    for _ in range(4):
        file = getattr(subject, "file", None)
        if isinstance(file, str):
            return [file]
        document = getattr(subject, "document", None)
        if isinstance(getattr(document, "path", None), str):
            return [document.path]
        subject = getattr(subject, "provider", None) or getattr(subject, "entry", None)
        if subject is None:
            break
    return [document.path for document in run.documents]


def reraise_when_debugging() -> None:
    if os.environ.get("SES_LINT_DEBUG"):
        raise  # noqa: PLE0704 - called from an except block: re-raises what it handles


def describe(error: BaseException, doing: str) -> str:
    detail = str(error).splitlines()[0][:120] if str(error) else ""
    return f"{doing}: {type(error).__name__}" + (f" ({detail})" if detail else "")
