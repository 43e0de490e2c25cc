"""The one place the aws and probe facts are built by hand, for the rule tables (test_rules_on_facts.py).

Every test that judges an aws or probe rule on hand-made facts builds them here, so that when the
shape of a fact changes (issue 10: facts become frozen plain data, I/O moves to `collect/`), only this
module changes. Nothing here opens a socket or makes a boto3 client: the config is parsed by the static
path (so findings have real lines), the facts are dataclasses filled with keyword arguments at
construction (never mutated after), and the rules run through the engine's own dispatch, placing and
grouping.

What the facts still need from elsewhere:
- `SesProvider` and `NotifyStep` come from a static `Run` of the written config (they carry it).
- `not_attempted()` asks the probe's collector (`collect/probe.py` `not_attempted`, a pure function of
  the aws facts) why it would not send.
- `judge()` hands the subjects to a `Run` (`Run.supply`) and uses the engine's `_place` and `_finish`, so
  findings are placed, grouped and sorted exactly as in a run.
"""
from __future__ import annotations

import dataclasses
import textwrap
from typing import Any, Iterable, Optional

from ses_lint.collect.probe import not_attempted as probe_not_attempted
from ses_lint.core import engine
from ses_lint.core.findings import Finding, Stage
from ses_lint.core.isolation import judge_rule
from ses_lint.core.run import Options, Run
from ses_lint.core.secrets import Masker
from ses_lint.core.selection import select_rules
from ses_lint.facts.aws import (
    AccountFacts,
    ActionVerdict,
    AwsError,
    AwsProvider,
    ConfigurationSetFacts,
    CredentialFacts,
    IamFacts,
    IdentityFacts,
    NotificationFacts,
    RecipientFact,
    Recommendation,
    Suppression,
    Unknown,
)
from ses_lint.facts.probe import ProbeResult
from ses_lint.rules import load_rules
from ses_lint.source.config import NotifyStep, SesProvider
from ses_lint.source.document import load

ACCOUNT = "123456789012"
USER = f"arn:aws:iam::{ACCOUNT}:user/mailer"
SIMULATOR = "success@simulator.amazonses.com"
FILE = "ses.yaml"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:feedback"


# ----------------------------------------------------------------------------------------- the config
def entry(key: str = "email-ses", *, sender: str = "noreply@example.com", region: Optional[str] = "us-east-1",
          endpoint: Optional[str] = None, keys: bool = True, extra: str = "") -> str:
    """One provider entry, as YAML lines under `providers:`."""
    lines = [f"  {key}:", "    provider: email.ses", "    enabled: true", "    config:", f"      from: {sender}"]
    if region:
        lines.append(f"      region: {region}")
    if endpoint:
        lines.append(f"      endpoint: {endpoint}")
    if keys:
        lines += ["      access_key_id: test", "      secret_access_key: test"]
    lines += ["      " + line for line in textwrap.dedent(extra).strip().splitlines()] if extra.strip() else []
    return "\n".join(lines) + "\n"


def step(provider_key: str, *to: str, cc: Iterable[str] = ()) -> str:
    """A workflow with one notify step of `provider_key` (for `Config(workflows=...)`), one recipient a line."""
    lines = [f"- name: w-{provider_key}", "  steps:", "    - task: notify", "      type: email", "      config:",
             f"        provider: {provider_key}", "        subject: s", "        to:"]
    lines += [f"          - {address}" for address in to]
    if cc:
        lines += ["        cc:"] + [f"          - {address}" for address in cc]
    lines.append("        body: {text: t}")
    return "\n".join(lines) + "\n"


class Config:
    """A config file parsed by the static path only: its SES providers and notify steps, and its lines."""

    def __init__(self, *entries: str, workflows: str = "") -> None:
        text = 'version: "1.0"\nproviders:\n' + "".join(entries or (entry(),))
        if workflows:
            text += "workflows:\n" + textwrap.indent(workflows, "  ")
        self.text = text
        self.run = Run(Options(stages=frozenset({Stage.STATIC})), [load(FILE, text.encode())], environ={})

    def provider(self, key: str = "email-ses") -> SesProvider:
        return next(provider for provider in self.run.subjects(SesProvider) if provider.key == key)

    def steps(self, provider_key: Optional[str] = None) -> list[NotifyStep]:
        return [item for item in self.run.subjects(NotifyStep) if provider_key is None or item.provider_key == provider_key]

    def line(self, needle: str, occurrence: int = 1) -> int:
        return self.at(needle, occurrence)[0]

    def at(self, needle: str, occurrence: int = 1) -> tuple[int, int]:
        """(line, column) a finding about `needle` points at: the value after `key:` (`from:`), or the text
        itself (a recipient; a key whose value is a block, as the provider's own key)."""
        seen = 0
        for number, text in enumerate(self.text.splitlines(), 1):
            start = text.find(needle)
            if start < 0:
                continue
            seen += 1
            if seen == occurrence:
                after = start + len(needle)
                value = len(text[after:]) - len(text[after:].lstrip())
                return number, (after + value + 1 if needle.endswith(":") and text[after:].strip() else start + 1)
        raise AssertionError(f"{needle!r} not in the config")


# ------------------------------------------------------------------------------------------ the facts
def credentials(mode: str = "static", *, method: Optional[str] = None, error: Optional[str] = None, tried: Iterable[str] = (),
                profile: Optional[str] = None) -> CredentialFacts:
    """What resolving credentials found: `static` keys (key access_key_id), a `profile`, or the default `chain`."""
    key = {"static": "access_key_id", "profile": "profile", "chain": ""}[mode]
    method = method or {"static": "explicit", "profile": "shared-credentials-file", "chain": "env"}[mode]
    return CredentialFacts(mode, key, tried=tuple(tried), method=None if error else method, error=error, profile=profile)


def identities(*items: IdentityFacts) -> dict[str, IdentityFacts]:
    """The candidate identities that exist, as the collector keys them (by name)."""
    return {item.name: item for item in items}


def notifications(bounce: Optional[str] = TOPIC, complaint: Optional[str] = TOPIC, forwarding: Optional[bool] = False) -> NotificationFacts:
    return NotificationFacts(bounce, complaint, forwarding)


def identity(name: str = "example.com", status: Optional[str] = "Success", *, v2: bool = True, **fields: Any) -> IdentityFacts:
    """An identity as both SES APIs answered it; by default verified, signing with a 2048-bit Easy DKIM key,
    bounces and complaints to an SNS topic. `v2=False`: GetEmailIdentity did not answer (its fields unset)."""
    domain = "@" not in name
    base: dict[str, Any] = {"dkim_enabled": True if domain else None, "dkim_status": "Success" if domain else None,
                            "notifications": notifications()}
    if v2:
        base.update(verified_for_sending=status == "Success", dkim_origin="AWS_SES" if domain else None,
                    dkim_key_length="RSA_2048_BIT" if domain else None)
    base.update(fields)
    return IdentityFacts(name, status=status, v2=v2, **base)


def account(source: str = "v2", **fields: Any) -> AccountFacts:
    """The SES account in a region; by default production access, healthy, VDM on, little of the quota used."""
    base: dict[str, Any] = {"production": True, "sending_enabled": True, "enforcement": "HEALTHY" if source == "v2" else None,
                            "max_24h": 50000.0, "max_rate": 14.0, "sent_24h": 1200.0, "vdm_enabled": True if source == "v2" else None}
    base.update(fields)
    return AccountFacts(source, **base)


def sandbox(source: str = "v2", **fields: Any) -> AccountFacts:
    """An account in the sandbox: no production access, the 200/day, 1/s quota."""
    return account(source, **{"production": False, "max_24h": 200.0, "max_rate": 1.0, "sent_24h": 0.0, **fields})


def verdict(action: str, decision: str = "allowed", denied: Iterable[tuple[str, str]] = (), keys: Iterable[str] = ()) -> ActionVerdict:
    return ActionVerdict(action, decision, tuple(denied), tuple(keys))


def iam(principal: str = USER, resources: Iterable[str] = (), *, send_email: ActionVerdict | None = None,
        send_raw: ActionVerdict | None = None) -> IamFacts:
    """IAM's verdict on both send actions (each allowed unless given)."""
    actions = {"ses:SendEmail": send_email or verdict("ses:SendEmail"), "ses:SendRawEmail": send_raw or verdict("ses:SendRawEmail")}
    return IamFacts(principal, tuple(resources), actions)


def configuration_set(name: str = "tx", identity_name: str = "example.com", exists: Optional[bool] = True, **fields: Any) -> ConfigurationSetFacts:
    """A covering identity's default set; by default it exists, sends, and its event destinations were read (none)."""
    base: dict[str, Any] = {"sending_enabled": True, "tls_policy": "OPTIONAL", "event_types": frozenset()} if exists else {}
    base.update(fields)
    return ConfigurationSetFacts(name, identity_name, exists=exists, **base)


def recipient(step_: NotifyStep, address: str, *, field: str = "to", index: int = 0, verified: Optional[bool] = True,
              covering: Optional[str] = None, literal: bool = True, suppressed: Optional[Suppression] = None) -> RecipientFact:
    return RecipientFact(step_, field, index, address, verified, covering, literal, suppressed)


def recipients(config: Config, provider_key: str = "email-ses", verified: Optional[dict[str, Optional[bool]]] = None,
               suppressed: Optional[dict[str, Suppression]] = None) -> list[RecipientFact]:
    """Every literal `to`/`cc`/`bcc` recipient of the notify steps using `provider_key`, as the collector lists them."""
    verified, suppressed = verified or {}, suppressed or {}
    found = []
    for item in config.steps(provider_key):
        for field in ("to", "cc", "bcc"):
            for index, address in enumerate(item.config.get(field) or []):
                found.append(recipient(item, address, field=field, index=index, verified=verified.get(address, True),
                                       suppressed=suppressed.get(address)))
    return found


def suppression(reason: str = "BOUNCE", since: Optional[str] = "2025-10-02") -> Suppression:
    return Suppression(reason, since)


def recommendation(kind: str = "DMARC", impact: str = "HIGH", description: str = "No DMARC record found", name: str = "example.com",
                   region: str = "us-east-1") -> Recommendation:
    return Recommendation(kind, impact, description, f"arn:aws:ses:{region}:{ACCOUNT}:identity/{name}")


def unknown(key: "str | tuple", message: str) -> Unknown:
    """An unread fact at a config key path: a tuple, or the tables' dotted shorthand (`"config.from"`)."""
    return Unknown(tuple(key.split(".")) if isinstance(key, str) and key else key or (), message)


def error(kind: str, code: str, message: str, operation: str = "sesv2:SendEmail") -> AwsError:
    return AwsError(kind, code, message, operation)


def healthy(config: Config, key: str = "email-ses") -> dict[str, Any]:
    """The facts of a provider AWS has nothing against: the keyword arguments `aws()` starts from."""
    provider = config.provider(key)
    sender = provider.sender  # `from`, parsed once (ses_lint.source.sender.Sender)
    domain = sender.domain
    return {
        "checked": True, "region": provider.region or "us-east-1", "endpoint": provider.endpoint,
        "sender": sender.address, "from_value": sender.value, "credentials": credentials(), "caller_arn": USER,
        "account": ACCOUNT, "identities": identities(identity(domain)), "dkim_known": True, "mail_from_known": True,
        "account_facts": account(), "iam": iam(), "bounce_rate": 0.001, "complaint_rate": 0.0,
        "recommendations": (), "unit_lead": True, "recipients": tuple(recipients(config, key)),
    }


def aws(config: Config, key: str = "email-ses", **facts: Any) -> AwsProvider:
    """One provider's aws facts: `healthy()` with `facts` replacing any of its fields (`checked=False`: the
    stage did not run, every fact unset)."""
    if facts.get("checked") is False:
        return unchecked(config, key)
    return AwsProvider(config.provider(key), **{**healthy(config, key), **facts})


def unchecked(config: Config, key: str = "email-ses") -> AwsProvider:
    """A provider the aws stage did not check (it did not run): no fact at all."""
    return AwsProvider(config.provider(key))


def probe(subject: AwsProvider, recipient_: str = SIMULATOR, **outcome: Any) -> ProbeResult:
    """One probe's outcome (message id, latency, error, not_attempted, delivery, bounce_type, unconfirmed, retried)."""
    return ProbeResult(subject, recipient_, **outcome)


def not_attempted(result: ProbeResult) -> Optional[str]:
    """Why the probe would not be attempted for this provider (None: it would be sent): its pre-check,
    which reads only the facts."""
    return probe_not_attempted(result.aws)


def replace(fact: Any, **changes: Any) -> Any:
    """A copy of a fact with some fields changed (facts are never mutated here)."""
    return dataclasses.replace(fact, **changes)


# ---------------------------------------------------------------------------------------- the judging
def judge(config: Config, subjects: Iterable[Any], select: Iterable[str] = ("SES7", "SES8")) -> list[Finding]:
    """Run the selected aws and probe rules on hand-made subjects as the engine runs them: each finding
    placed at its line, a fact shared by several providers reported once, sorted."""
    subjects = list(subjects)
    run = Run(Options(stages=frozenset({Stage.STATIC, Stage.AWS, Stage.PROBE})), config.run.documents, environ={})
    run.supply(AwsProvider, [subject for subject in subjects if isinstance(subject, AwsProvider)])
    run.supply(ProbeResult, [subject for subject in subjects if isinstance(subject, ProbeResult)])
    rules = load_rules({Stage.AWS, Stage.PROBE})
    chosen = select_rules(rules, {"aws", "probe"}, list(select), [], [])
    found = [finding for rule in chosen for finding in judge_rule(rule, run, lambda finding: engine._place(finding, run))]
    assert not run.unjudged, run.unjudged  # a rule that raised on these facts
    return engine._finish(found, Masker(), {})


def rows(findings: Iterable[Finding]) -> list[tuple[str, str, Optional[str], tuple[int, int], str]]:
    """(code, severity, provider, (line, column), message) of each finding: what the tables compare."""
    return [(f.code, f.severity.value, f.provider, (f.line, f.column), f.message) for f in findings]
