"""SES0xx: the file itself: YAML syntax, duplicate keys, version, unsafe constructs, suppressions."""
from __future__ import annotations

import os
from pathlib import PurePath
from typing import Iterator

from ses_lint.core.baseline import StaleEntry
from ses_lint.core.findings import ERROR, INFO, STATIC, WARNING, Finding, Fix
from ses_lint.core.registry import rule
from ses_lint.facts.unjudged import UnjudgedFile
from ses_lint.facts.unused import UnusedSuppression
from ses_lint.source.config import SourceFile

KNOWN_VERSIONS = ("1.0",)


@rule("SES001", "yaml-syntax", stage=STATIC, severity=ERROR)
def yaml_syntax(file: SourceFile) -> Iterator[Finding]:
    """The file is not valid YAML (or not valid UTF-8), so nothing in it can be checked.

    Details: the position is the parser's. A file that is not YAML at all is reported only when it was
    named on the command line or looks like a provider config (a line starting `providers:` or
    `workflows:`); other broken YAML files found in a folder are skipped like any non-config file. A
    template under a `templates/` folder is reported by SES012 instead.
    Why: the provider would fail to start, or a lenient loader would read something other than what
    you wrote.
    Fix: correct the YAML at the position shown (an unclosed bracket, a tab, a bad indent).
    Bad:
        providers:
          email-ses: [provider: email.ses
    Good:
        providers:
          email-ses: {provider: email.ses}
    """
    if file.template_folder is not None:
        return
    for problem in file.problems("syntax"):
        yield file.at_problem(problem, f"invalid YAML: {problem.message}")


@rule("SES002", "duplicate-key", stage=STATIC, severity=ERROR)
def duplicate_key(file: SourceFile) -> Iterator[Finding]:
    """A mapping holds the same key twice.

    Why: YAML loaders keep the last value silently, so the first one, the one a reviewer reads, is
    never used.
    Fix: delete one of the two keys.
    Bad:
        config:
          region: us-east-1
          region: eu-west-1
    Good:
        config:
          region: eu-west-1
    """
    for problem in file.problems("duplicate-key"):
        yield file.at_problem(problem)


@rule("SES003", "unsupported-version", stage=STATIC, severity=ERROR)
def unsupported_version(file: SourceFile) -> Iterator[Finding]:
    """The top-level `version` is missing, or is not a version ses-lint knows (`"1.0"`).

    Details: a file that holds only `workflows` (no `providers`) may leave `version` out, as the
    provider documentation's workflow example does; a version that is present is always checked.

    Why: the configuration format is versioned; a file without a version, or with an unknown one, may
    be read by rules other than the ones checked here.
    Fix: start the file with `version: "1.0"`.
    Bad:
        providers: {}
    Good:
        version: "1.0"
        providers: {}
    """
    if not file.document.loaded:
        return
    version = file.document.root.get("version") if file.document.root.kind == "map" else None
    if version is None and "providers" in file.document.top_keys:
        yield file.finding((), 'no `version`; add `version: "1.0"` at the top')
    elif version is not None and str(version.value) not in KNOWN_VERSIONS:
        yield file.finding(("version",), f'unsupported version `{version.text}`; ses-lint knows {", ".join(KNOWN_VERSIONS)}')


@rule("SES004", "version-not-string", stage=STATIC, severity=WARNING)
def version_not_string(file: SourceFile) -> Iterator[Finding]:
    """`version` is written as a number (`version: 1.0`) rather than a string.

    Details: `--fix` quotes it.
    Why: YAML reads `1.0` as the float 1.0, which a strict reader may reject and which prints as `1`
    in some languages.
    Fix: quote it.
    Bad:
        version: 1.0
    Good:
        version: "1.0"
    """
    version = file.node("version")
    if version is not None and version.kind == "scalar" and isinstance(version.value, (int, float)) and not isinstance(version.value, bool):
        quoted = f'"{version.text}"'
        finding = file.finding(("version",), f"`version: {version.text}` is a number; write `version: {quoted}`")
        yield finding.evolve(suggestion=quoted, fix=Fix("value", f"quote it: {quoted}", quoted))


@rule("SES005", "unsafe-yaml", stage=STATIC, severity=ERROR)
def unsafe_yaml(file: SourceFile) -> Iterator[Finding]:
    """The file uses a construct ses-lint refuses to load: a tag (`!!python/...`, a custom `!tag`),
    aliases that expand past a bound, nesting deeper than 64 levels, or a size over 2 MiB.

    Details: the file is reported at the construct and never expanded or constructed. A file over the
    size bound is refused from its size and never read past the bound.
    Why: such constructs run code in unsafe loaders or exhaust memory (a "billion laughs" alias bomb);
    a provider config never needs them.
    Fix: write plain mappings, lists and scalars.
    Bad:
        providers: !!python/object/apply:os.system ["id"]
    Good:
        providers: {}
    """
    for problem in file.problems("unsafe"):
        yield file.at_problem(problem)


@rule("SES006", "yaml11-boolean", stage=STATIC, severity=WARNING)
def yaml11_boolean(file: SourceFile) -> Iterator[Finding]:
    """A value is written `yes`, `no`, `on`, `off`, `y` or `n` (any case), unquoted.

    Details: `--fix` rewrites the value as `true` or `false` where the field is a boolean (`enabled`,
    `imds_disable`); elsewhere it cannot know which was meant and leaves it.
    Why: YAML 1.1 parsers (PyYAML) read `yes`/`no`/`on`/`off` as booleans, YAML 1.2 parsers (Go's
    yaml.v3, for one) read all of them as strings: two programs see two different configs.
    Fix: write `true` or `false`, or quote the value if you meant the string.
    Bad:
        enabled: yes
    Good:
        enabled: true
    """
    for problem in file.problems("yaml11-boolean"):
        finding = file.at_problem(problem)
        path = file.path_at(problem.line, problem.column)
        if path is not None and _boolean_field(path):
            written = file.document.exact(path).text  # type: ignore[union-attr]
            meant = "true" if written.lower() in ("yes", "on", "y") else "false"
            finding = finding.evolve(suggestion=meant, fix=Fix("value", f"write `{meant}`", meant, path))
        yield finding


def _boolean_field(path: tuple) -> bool:
    """`providers.<key>.enabled` and `providers.<key>.config.imds_disable`: the booleans of the format."""
    return (len(path) == 3 and path[0] == "providers" and path[2] == "enabled") or (
        len(path) == 4 and path[0] == "providers" and path[2] == "config" and path[3] == "imds_disable")


@rule("SES007", "multiple-documents", stage=STATIC, severity=WARNING)
def multiple_documents(file: SourceFile) -> Iterator[Finding]:
    """The file holds more than one YAML document (a `---` after content); only the first is configuration.

    Why: everything after the second `---` is silently ignored by the provider loader.
    Fix: merge the documents into one, or split them into separate files.
    Bad:
        providers: {}
        ---
        workflows: []
    Good:
        providers: {}
        workflows: []
    """
    for problem in file.problems("multiple-documents"):
        yield file.at_problem(problem)


@rule("SES008", "useless-suppression", stage=STATIC, severity=INFO)
def useless_suppression(suppression: UnusedSuppression) -> Iterator[Finding]:
    """A `# ses-lint: disable=` comment suppresses nothing, or names a code that does not exist.

    Details: only codes whose rules ran are judged: a suppression of a DNS rule is not reported in a
    static-only run. A reason after ` -- ` is not a code (`# ses-lint: disable=SES302 -- revoked test
    key`).
    Why: stale suppressions hide the next real problem on that line.
    Fix: delete the comment, or correct the code.
    Bad:
        region: us-east-1  # ses-lint: disable=SES403
    Good:
        region: us-east-1
    """
    yield suppression.finding()


@rule("SES012", "template-file", stage=STATIC, severity=INFO)
def template_file(file: SourceFile) -> Iterator[Finding]:
    """A template (a Helm chart's `templates/` file, with `{{ ... }}` or `{% ... %}`) that is not valid
    YAML until it is rendered: nothing in it can be checked as written. Reported once per file, instead
    of SES001.

    Details: a file is a template when a folder on its path is named `templates` and it holds `{{` or
    `{%`. Like SES001, it is reported when it was named on the command line or looks like a provider
    config; other templates found in a folder are skipped. A template file that is valid YAML is
    checked, and its template values (`from: "{{ .Values.ses.from }}"`) are not known until rendered:
    not judged, like an unexpanded `${NAME}`.
    Why: the YAML that is deployed is the rendered output, not the template.
    Fix: render the template and check the output, e.g.
    `helm template CHART --show-only templates/providers.yaml | ses-lint check -`.
    Bad:
        providers:
          email-ses:
        {{- include "ses.provider" . | nindent 4 }}
    Good:
        providers:
          email-ses:
            provider: email.ses
            config: {from: "{{ .Values.ses.from }}", region: eu-west-1}
    """
    folder = file.template_folder
    if folder is None or not file.problems("syntax"):
        return
    text = file.document.text
    first = min(index for index in (text.find("{{"), text.find("{%")) if index >= 0)
    line = text.count("\n", 0, first) + 1
    column = first - (text.rfind("\n", 0, first) + 1) + 1
    chart = PurePath(os.path.relpath(folder.parent)).as_posix()
    shown = f"templates/{PurePath(os.path.abspath(file.path)).relative_to(folder).as_posix()}"
    yield Finding(
        f"a template, not YAML until rendered: render it and check the output (`helm template {chart} --show-only {shown} | ses-lint check -`)",
        file.path, line=line, column=column,
    )


@rule("SES014", "stale-baseline-entry", stage=STATIC, severity=INFO)
def stale_baseline_entry(stale: StaleEntry) -> Iterator[Finding]:
    """An entry of the `--baseline` file matches no finding of this run: the problem it recorded is gone.

    Details: entries match findings by code, file, key path and a hash of the value there (not by
    line), so an entry goes stale when the problem is fixed, its value changes or its key moves. The
    finding points at the entry's line in the baseline file. Reported only with `--baseline`.
    Why: a stale entry would silently accept the same problem if it came back.
    Fix: rewrite the baseline with `--write-baseline FILE`, or delete the entry.
    Bad:
        {"code": "SES301", "file": "deploy/ses.yaml", "key": "providers.email-ses.config.secret_access_key", "hash": "…"}
    Good:
        {"tool": "ses-lint", "format": 1, "entries": []}
    """
    yield stale.finding()


@rule("SES013", "could-not-judge", stage=STATIC, severity=ERROR)
def could_not_judge(file: UnjudgedFile) -> Iterator[Finding]:
    """ses-lint could not judge this file: an error of its own while loading it or running a rule on it.

    Details: the other files of the run are judged all the same, and so are this file's other rules
    where they could run; this finding runs whatever `--select` says (only `--ignore SES013` silences
    it), so a file that was not judged never looks clean. `SES_LINT_DEBUG=1` shows the traceback.
    Why: a file ses-lint could not read to the end may hold any problem; passing it would be a verdict
    nobody made.
    Fix: report it to the ses-lint maintainers with the file (secrets removed); until then, check the
    file by hand.
    Bad:
        enabled: !!bool "True "   # once crashed the loader
    Good:
        enabled: true
    """
    yield file.finding()
