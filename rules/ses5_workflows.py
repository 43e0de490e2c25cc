"""SES504–SES507: workflow notify steps and the providers they name."""
from __future__ import annotations

from typing import Iterator

from ses_lint.core.findings import ERROR, STATIC, WARNING, Finding
from ses_lint.core.registry import rule
from ses_lint.source import references
from ses_lint.source.config import NotifyStep


@rule("SES504", "unknown-provider-reference", stage=STATIC, severity=ERROR)
def unknown_provider_reference(step: NotifyStep) -> Iterator[Finding]:
    """A notify step names a provider that no file of the run defines, with a "did you mean".

    Details: references are resolved across every file checked in one run, so a workflow file may
    name a provider defined in another file checked with it. A name that is a template
    (`{{ .Values.provider }}`) or a `${NAME}` reference is not known until run time and is not judged.
    Why: the workflow fails when it reaches this step, usually long after deployment.
    Fix: correct the name, or check the file that defines the provider in the same run.
    Bad:
        config: {provider: email-sse}
    Good:
        config: {provider: email-ses}
    """
    key = step.provider_key
    if key and step.target is None and not references.unresolved(key):
        import difflib  # only for a step naming no provider

        close = difflib.get_close_matches(key, step.provider_keys, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        yield step.finding(("config", "provider"), f"no provider `{key}` is defined in the files checked{hint}", suggestion=close[0] if close else None)


@rule("SES505", "disabled-provider-reference", stage=STATIC, severity=WARNING)
def disabled_provider_reference(step: NotifyStep) -> Iterator[Finding]:
    """A notify step names a provider that has `enabled: false`.

    Why: the step sends nothing; whoever waits for the notification never gets it.
    Fix: enable the provider, or point the step at one that is enabled.
    Bad:
        providers: {email-ses: {enabled: false, ...}}
        workflows: [{steps: [{task: notify, config: {provider: email-ses}}]}]
    Good:
        providers: {email-ses: {enabled: true, ...}}
    """
    if step.target is not None and not step.target.enabled:
        yield step.finding(("config", "provider"), f"provider `{step.target.key}` is disabled (`enabled: false` in {step.target.file})")


@rule("SES506", "provider-type-mismatch", stage=STATIC, severity=ERROR)
def provider_type_mismatch(step: NotifyStep) -> Iterator[Finding]:
    """A step of `type: email` names a provider that is not an email provider.

    Why: the step cannot send an email through a chat or paging provider; it fails at run time.
    Fix: point the step at an email provider.
    Bad:
        {task: notify, type: email, config: {provider: slack-alerts}}
    Good:
        {task: notify, type: email, config: {provider: email-ses}}
    """
    if step.data.get("type") == "email" and step.target is not None and step.target.provider_type and not step.target.is_email:
        yield step.finding(("config", "provider"), f"`type: email` step names `{step.target.key}`, a `{step.target.provider_type}` provider")


@rule("SES507", "empty-message", stage=STATIC, severity=ERROR)
def empty_message(step: NotifyStep) -> Iterator[Finding]:
    """A notify step has no `subject`, a `body` with neither `text` nor `html`, or no recipients.

    Details: a recipient field written with the wrong type (`to: user@mycompany.com`, a string) is
    reported by SES102, not here as "no recipients".

    Why: SES rejects a message without a subject or body, and a message to nobody is never sent.
    Fix: give every notify step a subject, a body and at least one recipient.
    Bad:
        config: {provider: email-ses, to: [], body: {}}
    Good:
        config: {provider: email-ses, subject: Hi, to: [ops@mycompany.com], body: {text: Hello}}
    """
    if step.data.get("type") not in (None, "email"):
        return
    config = step.config
    if not config:
        return
    if not (isinstance(config.get("subject"), str) and config["subject"].strip()):
        yield step.finding(("config",), "no `subject`", at="key")
    body = config.get("body")
    if not isinstance(body, dict) or not any(isinstance(body.get(part), str) and body[part].strip() for part in ("text", "html")):
        yield step.finding(("config", "body") if "body" in config else ("config",), "the body has neither `text` nor `html`", at="key")
    mistyped = any(config.get(name) is not None and not isinstance(config.get(name), list) for name in ("to", "cc", "bcc"))
    if not mistyped and not any(isinstance(config.get(name), list) and config[name] for name in ("to", "cc", "bcc")):
        yield step.finding(("config", "to") if "to" in config else ("config",), "no recipients (`to`, `cc` or `bcc`)", at="key")
