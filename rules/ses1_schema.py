"""SES1xx: the schema: required fields, types, unknown keys, unused providers."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import ERROR, INFO, STATIC, WARNING, Finding, Fix
from ses_lint.core.registry import rule
from ses_lint.source.config import MissingField, ProviderEntry, UnknownKey, WrongType


@rule("SES101", "missing-field", stage=STATIC, severity=ERROR)
def missing_field(problem: MissingField) -> Iterator[Finding]:
    """A required field is missing or empty: a provider's `provider` or `config`, an SES config's `from`,
    a notify step's `config` or its `provider`.

    Details: the finding points at the mapping that lacks the field (its key), or at the key of the
    empty field. When a provider's `config` is missing or empty, its `from` is not reported as well.
    Why: the provider cannot start without it; with no `from`, SES has no verified sender to send as.
    Fix: add the field.
    Bad:
        email-ses:
          provider: email.ses
          config: {region: us-east-1}
    Good:
        email-ses:
          provider: email.ses
          config: {from: noreply@mycompany.com, region: us-east-1}
    """
    yield problem.finding(problem.issue.message)


@rule("SES102", "wrong-type", stage=STATIC, severity=ERROR)
def wrong_type(problem: WrongType) -> Iterator[Finding]:
    """A field has the wrong type: `enabled: "true"` (a string), `imds_disable: 1`, `providers` as a
    list, a notify step's `to` as a single string.

    Details: types are checked strictly: a quoted `"true"` is a string, not a boolean. Keys must be
    strings too: a key written as a number (`2: x`) is reported at the key. A `${NAME}` reference or a
    template may stand in any field (`enabled: ${SES_ENABLED}`): it is not known, so not judged;
    with `--env` the expanded value is judged as if written in its place (unquoted, `true` is a
    boolean; quoted, a string) and the message names the variable.
    Why: the provider either refuses to start or reads a different value than the one you meant.
    Fix: write the type the field expects.
    Bad:
        enabled: "true"
        to: user@mycompany.com
    Good:
        enabled: true
        to: [user@mycompany.com]
    """
    yield problem.finding(problem.issue.message)


@rule("SES103", "unknown-key", stage=STATIC, severity=ERROR)
def unknown_key(problem: UnknownKey) -> Iterator[Finding]:
    """A key that a provider entry or an SES config does not have, with a "did you mean" for near misses
    (`acces_key_id`, `aws_region`, `from_address`, `secret_key`).

    Details: checked in provider entries and SES configs; the configs of other providers (SMTP, ACS,
    ...) and workflow steps may carry keys ses-lint does not know and are not judged.
    `--fix` renames the key when the suggestion is confident (a known alias such as `aws_region`, or
    a single close spelling) and the result loads without a duplicate key.
    Why: an unknown key is silently ignored, so the setting you meant to make is never made.
    Fix: correct the key's spelling, or remove it.
    Bad:
        config: {from: noreply@mycompany.com, aws_region: eu-west-1}
    Good:
        config: {from: noreply@mycompany.com, region: eu-west-1}
    """
    finding = problem.finding(problem.issue.message)
    if problem.issue.confident:
        finding = finding.evolve(fix=Fix("key", f"rename to `{problem.issue.suggestion}`", problem.issue.suggestion or "", keep_quotes=True))
    yield finding


@rule("SES104", "unused-provider", stage=STATIC, severity=INFO)
def unused_provider(entry: ProviderEntry) -> Iterator[Finding]:
    """An email provider that no workflow step uses, when the files checked together contain workflows.

    Details: workflow references are resolved across every file of the run, so check the provider
    files and the workflow files in one run (the pre-commit hook does).
    Why: an unused provider is dead configuration, often a leftover of a rename that left the
    workflows pointing elsewhere.
    Fix: point a notify step at it, or delete it.
    Bad:
        providers: {email-ses: ..., email-old: ...}
        workflows: [{steps: [{task: notify, config: {provider: email-ses}}]}]
    Good:
        providers: {email-ses: ...}
        workflows: [{steps: [{task: notify, config: {provider: email-ses}}]}]
    """
    if entry.is_email and entry.run_has_workflows and not entry.used_by:
        yield entry.finding((), f"provider `{entry.key}` is not used by any workflow step", at="key")


@rule("SES105", "provider-defined-twice", stage=STATIC, severity=WARNING)
def provider_defined_twice(entry: ProviderEntry) -> Iterator[Finding]:
    """A provider key is defined in two files of one run (a generated copy, a file copied to another
    environment's folder); the finding is at the later definition and names the first.

    Details: files are taken in run order: the paths as given on the command line, a folder's files in
    sorted order. A notify step uses the definition in its own file when there is one, else the first
    definition in run order; the message says which. Two definitions in one file are SES002.
    Why: which of the two a workflow gets depends on which files are deployed and in what order; a
    change made to one copy silently does nothing.
    Fix: keep one definition, or give the copies different keys.
    Bad:
        # deploy/providers.yaml and deploy/generated/providers.yaml
        providers: {email-ses: {provider: email.ses, config: {from: noreply@mycompany.com}}}
    Good:
        # deploy/providers.yaml only
        providers: {email-ses: {provider: email.ses, config: {from: noreply@mycompany.com}}}
    """
    if entry.defined_before is not None:
        first, where = entry.defined_before
        yield entry.finding(
            (),
            f"provider `{entry.key}` is also defined at {where}; a workflow step uses the definition in its own file, else the first one, in {first.file}",
            at="key",
        )
