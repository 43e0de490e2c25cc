"""The aws stage's collector: resolves credentials, then asks AWS in concurrent, batched phases and
fills each `AwsProvider` (facts/aws.py) with what it learned. Imported only when the aws stage runs."""
from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from .. import references
from ..run import Run
from ..subjects import NotifyStep
from .aws import (
    ATTEMPTS,
    BATCH,
    CALLS,
    CALLS_LOCK,
    DEFAULT_REGION,
    SEND_ACTIONS,
    SIMULATOR_DOMAIN,
    WORKERS,
    AccountFacts,
    AwsError,
    AwsProvider,
    IamFacts,
    IdentityFacts,
    RecipientFact,
    Unknown,
    candidates,
    classify,
    partition_of,
    sender_address,
)
from .credentials import CredentialFacts, resolve
from .hints import DnsHints


class Clients:
    """botocore clients per (credentials, service, region, endpoint, attempts), created under a lock."""

    def __init__(self, timeout: float) -> None:
        self.timeout = max(0.1, float(timeout))
        self._cache: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def get(self, subject: AwsProvider, service: str, region: str, attempts: int = ATTEMPTS) -> Any:
        assert subject.credentials is not None and subject.credentials.botocore_session is not None
        session = subject.credentials.botocore_session
        key = (id(session), service, region, subject.endpoint, attempts)
        with self._lock:
            client = self._cache.get(key)
            if client is None:
                from botocore.config import Config

                config = Config(
                    connect_timeout=self.timeout,
                    read_timeout=self.timeout,
                    retries={"mode": "standard", "total_max_attempts": attempts},
                    user_agent_extra="ses-lint",
                )
                client = session.create_client(service, region_name=region, endpoint_url=subject.endpoint, config=config)
                self._cache[key] = client
            return client


@dataclass
class Outcome:
    value: Any = None
    error: Optional[AwsError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


# ------------------------------------------------------------------------------------------ collector
class Collector:
    """Gathers the facts of every AwsProvider of one run. Turns every fault into a fact."""

    def __init__(self, run: Run, subjects: list[AwsProvider]) -> None:
        self.run = run
        self.subjects = subjects
        self.environ: Mapping[str, str] = run.environ
        self.clients = Clients(run.options.timeout)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._credential_cache: dict[tuple, CredentialFacts] = {}
        self.principals: dict[tuple, tuple[Optional[str], Optional[str]]] = {}
        self.needs_sender: dict[tuple, bool] = {}
        self.pool: Optional[ThreadPoolExecutor] = None

    # ----- plumbing
    def call(self, subject: AwsProvider, service: str, operation: str, region: Optional[str] = None, **params: Any) -> Outcome:
        label = f"{service}:{operation}"
        with self.lock:
            self.calls[label] += 1
        try:
            client = subject.client(service, region=region)
            method = getattr(client, _snake(operation))
            return Outcome(value=method(**params))
        except Exception as error:  # every fault is a fact
            return Outcome(error=classify(error, label))

    def parallel(self, jobs: list[Callable[[], Any]]) -> list[Any]:
        if not jobs:
            return []
        assert self.pool is not None
        return [future.result() for future in [self.pool.submit(job) for job in jobs]]

    def progress(self, text: str) -> None:
        if self.run.options.progress:
            import sys

            print(f"ses-lint: aws: {text}", file=sys.stderr, flush=True)

    # ----- the phases
    def collect(self) -> None:
        started = time.monotonic()
        for subject in self.subjects:
            self.prepare(subject)
        ready = [subject for subject in self.subjects if subject.credentials and subject.credentials.ok and not subject.unreachable]
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ses-lint-aws") as pool:
            self.pool = pool
            self.progress(f"{len(self.subjects)} provider(s): checking credentials")
            ready = self.phase_sts(ready)
            units = self.units(ready)
            self.progress(f"{len(units)} account/region unit(s): reading SES, CloudWatch and IAM")
            self.phase_regional(units, ready)
            self.phase_dependent(units, ready)
        self.pool = None
        for subject in self.subjects:
            subject.dns_hints = hints_for(subject)
        self.progress(f"done in {time.monotonic() - started:.1f}s, {sum(self.calls.values())} call(s)")
        with CALLS_LOCK:
            CALLS.update(self.calls)

    def prepare(self, subject: AwsProvider) -> None:
        provider = subject.provider
        subject.checked = True
        subject._clients = self.clients
        region = _expanded(provider.region, self.environ)
        subject.region = region or DEFAULT_REGION
        endpoint = provider.endpoint
        subject.endpoint = _expanded(endpoint, self.environ) if endpoint else None
        subject.from_value = _expanded(provider.sender, self.environ) if provider.sender else None
        subject.sender = sender_address(subject.from_value)
        for name, written, value in (("endpoint", endpoint, subject.endpoint), ("region", provider.region, region)):
            if written and value is None:
                why = "is a template, not known until rendered" if references.is_template(written) else "references an unset environment variable"
                subject.unreachable = f"`{name}` `{written}` {why}"
                subject.unknowns.append(Unknown(f"config.{name}", f"nothing checked in AWS: {subject.unreachable}"))
                return
        subject.credentials = self.credentials_for(subject)
        if subject.credentials.ok:
            from botocore.utils import validate_region_name

            try:
                validate_region_name(subject.region)
            except Exception:
                subject.unreachable = f"region `{subject.region}` is not a usable region name"
                subject.unknowns.append(Unknown("config.region", f"nothing checked in AWS: {subject.unreachable}"))

    def credentials_for(self, subject: AwsProvider) -> CredentialFacts:
        provider = subject.provider
        key = tuple(str(provider.field(name)) for name in ("access_key_id", "secret_access_key", "profile", "imds_disable"))
        cache = self._credential_cache
        if key not in cache:
            cache[key] = resolve(provider, self.environ, self.clients.timeout)
        return cache[key]

    def phase_sts(self, ready: list[AwsProvider]) -> list[AwsProvider]:
        groups: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in ready:
            groups[(id(subject.credentials), subject.endpoint, partition_of(subject.region))].append(subject)

        def ask(members: list[AwsProvider]) -> tuple[list[AwsProvider], Outcome]:
            return members, self.call(members[0], "sts", "GetCallerIdentity")

        passed = []
        for members, outcome in self.parallel([lambda m=m: ask(m) for m in groups.values()]):
            for subject in members:
                if outcome.ok:
                    subject.caller_arn = outcome.value.get("Arn")
                    subject.account = outcome.value.get("Account")
                    passed.append(subject)
                elif outcome.error.kind == "auth":
                    subject.auth_error = outcome.error.describe()
                else:
                    subject.unreachable = outcome.error.describe()
                    subject.unknowns.append(Unknown(
                        subject.credential_key() or "config.region",
                        f"nothing checked in AWS (credentials, identity, sandbox, quota, IAM): {outcome.error.describe()}",
                    ))
        return passed

    def units(self, ready: list[AwsProvider]) -> dict[tuple, list[AwsProvider]]:
        units: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in ready:
            units[(subject.account, id(subject.credentials), subject.region, subject.endpoint)].append(subject)
        return units

    # phase 2: per unit, concurrently: account, identity attributes, reputation; per principal: GetRole
    def phase_regional(self, units: dict[tuple, list[AwsProvider]], ready: list[AwsProvider]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in units.values():
            for subject in members:
                subject.recipients = list(self.recipients_of(subject))
            names = _unique(name for subject in members for name in subject.candidates + [
                candidate for recipient in subject.recipients for candidate in candidates(recipient.address)])
            jobs.append(lambda m=members: self.account(m))
            jobs.append(lambda m=members: self.reputation(m))
            for start in range(0, len(names), BATCH):
                chunk = names[start:start + BATCH]
                jobs.append(lambda m=members, c=chunk: self.verification(m, c))
                jobs.append(lambda m=members, c=chunk: self.dkim(m, c))
                jobs.append(lambda m=members, c=chunk: self.mail_from(m, c))
        for subject in _unique_by(ready, lambda s: (id(s.credentials), s.endpoint, s.caller_arn)):
            jobs.append(lambda s=subject: self.principal(s))
        self.parallel(jobs)
        for members in units.values():
            for subject in members:
                self.finish_recipients(subject)

    # phase 3: signing zones, other regions, IAM simulation
    def phase_dependent(self, units: dict[tuple, list[AwsProvider]], ready: list[AwsProvider]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in units.values():
            domains = _unique(subject.domain_identity.name for subject in members
                              if subject.domain_identity is not None and subject.domain_identity.dkim_tokens)
            for domain in domains:
                jobs.append(lambda m=members, d=domain: self.signing_zone(m, d))
        uncovered = [subject for subject in ready if subject.identities is not None and subject.sender and subject.covering is None]
        by_account: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in uncovered:
            by_account[(subject.account, id(subject.credentials), subject.endpoint, partition_of(subject.region))].append(subject)
        for members in by_account.values():
            for region in self.ses_regions(members[0]):
                askers = [subject for subject in members if subject.region != region]
                if askers:
                    jobs.append(lambda m=askers, r=region: self.other_region(m, r))
        principals: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in ready:
            if subject.sender:
                principals[(id(subject.credentials), subject.endpoint, subject.caller_arn)].append(subject)
        for key, members in principals.items():
            jobs.append(lambda k=key, m=members: self.context_keys(k, m[0]))
        self.parallel(jobs)
        # one simulation per principal when its policies do not test ses:FromAddress; else one per sender
        simulations: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for key, members in principals.items():
            per_sender = self.needs_sender.get(key, True)
            for subject in members:
                simulations[key + ((subject.sender or "").lower() if per_sender else "",)].append(subject)
        self.parallel([lambda m=members, c=key[-1] != "": self.simulate(m, c) for key, members in simulations.items()])

    # ----- the reads
    def account(self, members: list[AwsProvider]) -> None:
        lead = members[0]
        v2 = self.call(lead, "sesv2", "GetAccount")
        if v2.ok:
            data = v2.value
            quota = data.get("SendQuota") or {}
            facts = AccountFacts(
                "v2", production=data.get("ProductionAccessEnabled"), sending_enabled=data.get("SendingEnabled"),
                enforcement=data.get("EnforcementStatus"), max_24h=quota.get("Max24HourSend"),
                max_rate=quota.get("MaxSendRate"), sent_24h=quota.get("SentLast24Hours"),
            )
            for subject in members:
                subject.account_facts = facts
            return
        if v2.error.kind in ("unreachable", "timeout"):
            quota = enabled = v2  # the same endpoint: do not wait for it twice more
        else:
            quota, enabled = self.call(lead, "ses", "GetSendQuota"), self.call(lead, "ses", "GetAccountSendingEnabled")
        facts = AccountFacts("v1")
        missing = ["enforcement status (probation, shutdown)"]
        if quota.ok:
            facts.max_24h = quota.value.get("Max24HourSend")
            facts.max_rate = quota.value.get("MaxSendRate")
            facts.sent_24h = quota.value.get("SentLast24Hours")
            # v1 has no sandbox flag: the sandbox's fixed 200/day and 1/s quota is the tell
            facts.production = not (facts.max_24h == 200 and facts.max_rate == 1)
        else:
            missing[:0] = ["sandbox status", "24-hour quota"]
        if enabled.ok:
            facts.sending_enabled = enabled.value.get("Enabled")
        else:
            missing.insert(len(missing) - 1, "whether sending is enabled")
        failed = _unique(outcome.error.describe() for outcome in (v2, quota, enabled) if outcome.error)
        for subject in members:
            subject.account_facts = facts
            subject.unknowns.append(Unknown("config.region", f"{', '.join(missing)} in {subject.region} not checked: " + "; ".join(failed)))

    def verification(self, members: list[AwsProvider], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityVerificationAttributes", Identities=names)
        with self.lock:
            for subject in members:
                raw = subject._raw
                if not outcome.ok:
                    raw.setdefault("failed", set()).update(names)
                    if any(name in names for name in subject.candidates):
                        recipients = len(subject.recipients)
                        also = f" and of its {recipients} workflow recipient(s)" if recipients else ""
                        subject.unknowns.append(Unknown("config.from", f"identity verification of `{subject.sender}`{also} in {subject.region} not checked: {outcome.error.describe()}"))
                    continue
                raw.setdefault("verification", {}).update(
                    {name: (_lower_keys(outcome.value.get("VerificationAttributes") or {})).get(name.lower()) for name in names})

    def dkim(self, members: list[AwsProvider], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityDkimAttributes", Identities=names)
        self._attributes(members, names, outcome, "DkimAttributes", "DKIM status", self._apply_dkim)

    def mail_from(self, members: list[AwsProvider], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityMailFromDomainAttributes", Identities=names)
        self._attributes(members, names, outcome, "MailFromDomainAttributes", "custom MAIL FROM status", self._apply_mail_from)

    def _attributes(self, members, names, outcome: Outcome, field_name: str, what: str, apply) -> None:
        with self.lock:
            for subject in members:
                mine = [name for name in names if name in subject.candidates]
                if not mine:
                    continue
                if not outcome.ok:
                    subject._raw[field_name + "-failed"] = True
                    subject.unknowns.append(Unknown("config.from", f"{what} of the identities covering `{subject.sender}` in {subject.region} not checked: {outcome.error.describe()}"))
                    continue
                subject._raw.setdefault(field_name, {}).update(_lower_keys(outcome.value.get(field_name) or {}))

    @staticmethod
    def _apply_dkim(identity: IdentityFacts, attributes: dict) -> None:
        identity.dkim_enabled = attributes.get("DkimEnabled")
        identity.dkim_status = attributes.get("DkimVerificationStatus")
        identity.dkim_tokens = tuple(attributes.get("DkimTokens") or ())

    @staticmethod
    def _apply_mail_from(identity: IdentityFacts, attributes: dict) -> None:
        identity.mail_from_domain = attributes.get("MailFromDomain") or None
        identity.mail_from_status = attributes.get("MailFromDomainStatus")
        identity.mx_failure = attributes.get("BehaviorOnMXFailure")

    def reputation(self, members: list[AwsProvider]) -> None:
        import datetime

        now = datetime.datetime.now(datetime.timezone.utc)
        queries = [
            {"Id": metric_id, "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": "AWS/SES", "MetricName": name}, "Period": 3600, "Stat": "Maximum"}}
            for metric_id, name in (("bounce", "Reputation.BounceRate"), ("complaint", "Reputation.ComplaintRate"))
        ]
        outcome = self.call(members[0], "cloudwatch", "GetMetricData", MetricDataQueries=queries,
                            StartTime=now - datetime.timedelta(days=1), EndTime=now, ScanBy="TimestampDescending")
        if not outcome.ok:
            for subject in members:
                subject.unknowns.append(Unknown("config.region", f"bounce and complaint rates in {subject.region} not checked: {outcome.error.describe()}"))
            return
        latest = {}
        for result in outcome.value.get("MetricDataResults") or []:
            values = result.get("Values") or []
            if values:  # "where present": an account that never sent has no reputation datapoints
                latest[result.get("Id")] = float(values[0])
        for subject in members:
            subject.bounce_rate = latest.get("bounce")
            subject.complaint_rate = latest.get("complaint")

    def principal(self, subject: AwsProvider) -> None:
        arn = subject.caller_arn or ""
        key = (id(subject.credentials), subject.endpoint, subject.caller_arn)
        parts = arn.split(":", 5)
        if len(parts) < 6:
            self.principals[key] = (None, f"caller ARN `{arn}` is not an ARN")
            return
        partition, service, account, resource = parts[1], parts[2], parts[4], parts[5]
        if service == "iam" and resource == "root":
            self.principals[key] = (None, "root")
            return
        if resource.startswith("user/"):
            self.principals[key] = (f"arn:{partition}:iam::{account}:{resource}", None)
            return
        if service == "sts" and resource.startswith("assumed-role/"):
            role = resource.split("/")[1]
            fallback = f"arn:{partition}:iam::{account}:role/{role}"
            outcome = self.call(subject, "iam", "GetRole", RoleName=role)
            if outcome.ok:
                self.principals[key] = (outcome.value["Role"]["Arn"], None)
            else:
                self.principals[key] = (fallback, f"the role's path could not be read ({outcome.error.describe()}), so `{fallback}` was simulated")
            return
        if resource.startswith("role/"):
            self.principals[key] = (arn, None)
            return
        self.principals[key] = (None, f"caller `{arn}` is not an IAM user or role, which the IAM policy simulator cannot evaluate")

    def finish_recipients(self, subject: AwsProvider) -> None:
        """Turn the unit's raw answers into this provider's identity and recipient facts."""
        raw = subject._raw
        failed: set = raw.get("failed", set())
        table: dict = raw.get("verification", {})
        if any(name in failed for name in subject.candidates):
            subject.identities = None
        elif subject.candidates:
            subject.identities = {
                name: IdentityFacts(name, status=table[name].get("VerificationStatus"))
                for name in subject.candidates if table.get(name) is not None
            }
        else:
            subject.identities = {}
        # DKIM and MAIL FROM attributes only for identities that exist (moto makes DKIM ones up for unknown names)
        subject.dkim_known = "DkimAttributes" in raw and not raw.get("DkimAttributes-failed")
        subject.mail_from_known = "MailFromDomainAttributes" in raw and not raw.get("MailFromDomainAttributes-failed")
        for name, identity in (subject.identities or {}).items():
            dkim = raw.get("DkimAttributes", {}).get(name.lower())
            if dkim and subject.dkim_known:
                self._apply_dkim(identity, dkim)
            mail_from = raw.get("MailFromDomainAttributes", {}).get(name.lower())
            if mail_from and subject.mail_from_known:
                self._apply_mail_from(identity, mail_from)
        for recipient in subject.recipients:
            if recipient.address.lower().endswith("@" + SIMULATOR_DOMAIN):
                recipient.verified = True
                continue
            names = candidates(recipient.address)
            if not names or any(name in failed or name not in table for name in names):
                continue  # unknown
            covering = next((name for name in names if (table.get(name) or {}).get("VerificationStatus") == "Success"), None)
            recipient.verified, recipient.covering = covering is not None, covering

    def signing_zone(self, members: list[AwsProvider], domain: str) -> None:
        outcome = self.call(members[0], "sesv2", "GetEmailIdentity", EmailIdentity=domain)
        zone = ((outcome.value or {}).get("DkimAttributes") or {}).get("SigningHostedZone") if outcome.ok else None
        for subject in members:
            identity = subject.domain_identity
            if identity is None or identity.name != domain:
                continue
            if outcome.ok:
                identity.signing_hosted_zone = zone
            elif outcome.error.kind != "notfound":
                subject.unknowns.append(Unknown("config.from", f"DKIM signing hosted zone of `{domain}` in {subject.region} not read (the DNS check uses the region's default zone): {outcome.error.describe()}"))

    def ses_regions(self, subject: AwsProvider) -> list[str]:
        session = subject.credentials.botocore_session
        try:
            return sorted(session.get_available_regions("sesv2", partition_of(subject.region)))
        except Exception:
            return []

    def other_region(self, members: list[AwsProvider], region: str) -> None:
        names = _unique(name for subject in members for name in subject.candidates)
        found: dict[str, Any] = {}
        error = None
        for start in range(0, len(names), BATCH):
            outcome = self.call(members[0], "ses", "GetIdentityVerificationAttributes", region=region, Identities=names[start:start + BATCH])
            if not outcome.ok:
                error = outcome.error
                break
            found.update(_lower_keys(outcome.value.get("VerificationAttributes") or {}))
        with self.lock:
            for subject in members:
                if error is not None:
                    subject.other_regions_failed.append(region)
                elif any((found.get(name.lower()) or {}).get("VerificationStatus") == "Success" for name in subject.candidates):
                    subject.other_regions.append(region)
                    subject.other_regions.sort()

    def context_keys(self, key: tuple, subject: AwsProvider) -> None:
        """Whether the principal's policies test `ses:FromAddress` (then each sender is simulated apart)."""
        principal = self.principals.get(key, (None, None))[0]
        if principal is None:
            return
        outcome = self.call(subject, "iam", "GetContextKeysForPrincipalPolicy", PolicySourceArn=principal)
        if outcome.ok:  # a failure only costs calls: every sender is then simulated with its own context
            names = {str(name).lower() for name in outcome.value.get("ContextKeyNames") or []}
            self.needs_sender[key] = "ses:fromaddress" in names

    def simulate(self, members: list[AwsProvider], with_sender: bool = True) -> None:
        lead = members[0]
        principal, note = self.principals.get((id(lead.credentials), lead.endpoint, lead.caller_arn), (None, "caller unknown"))
        if principal is None:
            if note != "root":  # the account root may do anything: nothing to check
                for subject in members:
                    subject.unknowns.append(Unknown(subject.credential_key() or "config.from", f"IAM permission to send as `{subject.sender}` not checked: {note}"))
            return
        partition = partition_of(lead.region)
        resources: dict[AwsProvider, list[str]] = {}
        for subject in members:
            covering = subject.covering
            names = [covering.name] if covering else [name for name in subject.candidates[:2]]
            resources[subject] = [f"arn:{partition}:ses:{subject.region}:{subject.account}:identity/{name}" for name in names]
        arns = _unique(arn for values in resources.values() for arn in values)
        results: list[dict] = []
        marker = None
        outcome = Outcome()
        for _ in range(10):
            params: dict[str, Any] = {"PolicySourceArn": principal, "ActionNames": list(SEND_ACTIONS), "ResourceArns": arns}
            if with_sender:
                params["ContextEntries"] = [{"ContextKeyName": "ses:FromAddress", "ContextKeyValues": [lead.sender], "ContextKeyType": "string"}]
            if marker:
                params["Marker"] = marker
            outcome = self.call(lead, "iam", "SimulatePrincipalPolicy", **params)
            if not outcome.ok:
                break
            results += outcome.value.get("EvaluationResults") or []
            marker = outcome.value.get("Marker") if outcome.value.get("IsTruncated") else None
            if not marker:
                break
        if not outcome.ok:
            for subject in members:
                extra = f"; {note}" if note else ""
                subject.unknowns.append(Unknown(subject.credential_key() or "config.from", f"IAM permission to send as `{subject.sender}` not checked: {outcome.error.describe()}{extra}"))
            return
        for subject in members:
            facts = IamFacts(principal, resources[subject], note=note)
            for result in results:
                resource = result.get("EvalResourceName") or "*"
                if resource not in resources[subject] and resource != "*":
                    continue
                facts.missing_context += [key for key in result.get("MissingContextValues") or [] if key not in facts.missing_context]
                if result.get("EvalDecision") != "allowed":
                    facts.denied.append((result.get("EvalActionName"), resource, result.get("EvalDecision")))
            subject.iam = facts

    # ----- workflow recipients
    def recipients_of(self, subject: AwsProvider) -> Iterator[RecipientFact]:
        for step in self.run.subjects(NotifyStep):
            if step.target is not subject.provider.entry:
                continue
            for name in ("to", "cc", "bcc"):
                values = step.config.get(name)
                if not isinstance(values, list):
                    continue
                for index, value in enumerate(values):
                    address = sender_address(_expanded(value, self.environ)) if isinstance(value, str) else None
                    if address:
                        yield RecipientFact(step, name, index, address)


def hints_for(subject: AwsProvider) -> Optional[DnsHints]:
    """What the DNS stage should check for this provider, from AWS's answers (None when unknown)."""
    if not subject.checked or subject.identities is None:
        return None
    domain = subject.domain_identity
    mail_from = next((identity for identity in subject.existing if identity.verified and identity.mail_from_domain), None)
    if domain is None and mail_from is None:
        return None
    return DnsHints(
        identity_domain=domain.name if domain else None,
        dkim_tokens=domain.dkim_tokens if domain and domain.dkim_enabled is not False else (),
        signing_hosted_zone=domain.signing_hosted_zone if domain else None,
        mail_from_domain=mail_from.mail_from_domain if mail_from else None,
        region=subject.region,
    )


# ---------------------------------------------------------------------------------------------- utils
def _expanded(value: Any, environ: Mapping[str, str]) -> Optional[str]:
    if not isinstance(value, str) or references.is_template(value):
        return None
    if references.has_reference(value):
        return references.expand(value, environ)
    return value


def _snake(operation: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _unique_by(values: Iterable[AwsProvider], key: Callable[[AwsProvider], Any]) -> list[AwsProvider]:
    seen: dict[Any, AwsProvider] = {}
    for value in values:
        seen.setdefault(key(value), value)
    return list(seen.values())


def _lower_keys(mapping: dict) -> dict:
    return {str(name).lower(): value for name, value in mapping.items()}
