"""The aws stage's collector: resolves credentials, then asks AWS in concurrent, batched phases and
fills each `AwsProvider` (facts/aws.py) with what it learned. Imported only when the aws stage runs."""
from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from ses_lint.collect.aws.credentials import CredentialFacts, resolve
from ses_lint.core.findings import Stage
from ses_lint.core.run import Run
from ses_lint.facts.aws import (
    ATTEMPTS,
    BATCH,
    CALLS,
    CALLS_LOCK,
    SEND_ACTIONS,
    SEND_APIS,
    SIMULATOR_DOMAIN,
    WORKERS,
    AccountFacts,
    ActionVerdict,
    AwsError,
    AwsProvider,
    ConfigurationSetFacts,
    IamFacts,
    IdentityFacts,
    NotificationFacts,
    Pacer,
    RecipientFact,
    Recommendation,
    Suppression,
    Unknown,
    candidates,
    classify,
    identity_arn,
    partition_of,
)
from ses_lint.facts.hints import DnsHints
from ses_lint.knowledge.aws import DEFAULT_REGION
from ses_lint.source import references
from ses_lint.source.addresses import split
from ses_lint.source.config import NotifyStep, SesProvider


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


def collect(run: Run) -> list[AwsProvider]:
    """The aws stage's facts: one `AwsProvider` per enabled SES provider (registered in ses_lint.collect;
    `run` is the collector's `Inputs`)."""
    subjects = [AwsProvider(provider) for provider in run.subjects(SesProvider) if provider.enabled]
    if not run.stage_enabled(Stage.AWS) or not subjects:
        return subjects
    Collector(run, subjects).collect()
    return subjects


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
        self.used_keys: dict[tuple, Optional[set[str]]] = {}  # principal -> condition keys its policies test (None: unknown)
        self.pacers: dict[tuple, Pacer] = {}
        self._pacers_lock = threading.Lock()
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
            self.phase_identities(units, ready)
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
        # every value as the static and dns stages judge it (`references.resolve`): a reference is known under --env only
        subject.region = provider.resolved("region") or DEFAULT_REGION
        subject.endpoint = provider.resolved("endpoint") or None
        sender = provider.sender
        subject.from_value = sender.value if sender else None
        subject.sender = sender.address if sender else None
        for name in ("endpoint", "region"):
            written = provider.field(name)
            if written and not provider.known(name):
                subject.unreachable = f"`{name}` `{written}` {references.unknown_reason(written, self.run.environ if self.run.options.env else None)}"
                subject.unknowns.append(Unknown(("config", name), f"nothing checked in AWS: {subject.unreachable}"))
                return
        subject.credentials = self.credentials_for(subject)
        if subject.credentials.ok:
            from botocore.utils import validate_region_name

            try:
                validate_region_name(subject.region)
            except Exception:
                subject.unreachable = f"region `{subject.region}` is not a usable region name"
                subject.unknowns.append(Unknown(("config", "region"), f"nothing checked in AWS: {subject.unreachable}"))

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
                        subject.credential_key() or ("config", "region"),
                        f"nothing checked in AWS (credentials, identity, sandbox, quota, IAM): {outcome.error.describe()}",
                    ))
        return passed

    def units(self, ready: list[AwsProvider]) -> dict[tuple, list[AwsProvider]]:
        units: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in ready:
            units[(subject.account, id(subject.credentials), subject.region, subject.endpoint)].append(subject)
        for members in units.values():
            members[0].unit_lead = True
        return units

    # phase 2: per unit, concurrently: account, identity attributes, reputation; per principal: GetRole
    def phase_regional(self, units: dict[tuple, list[AwsProvider]], ready: list[AwsProvider]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in units.values():
            for subject in members:
                subject.recipients = list(self.recipients_of(subject))
            names = _unique(name for subject in members for name in subject.candidates + [
                candidate for recipient in subject.recipients if recipient.literal for candidate in candidates(recipient.address)])
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

    # phase 3: v2 GetEmailIdentity and v1 notification attributes of every existing candidate; context keys
    def phase_identities(self, units: dict[tuple, list[AwsProvider]], ready: list[AwsProvider]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in units.values():
            names = _unique(identity.name for subject in members for identity in subject.existing)
            for name in names:
                jobs.append(lambda m=members, n=name: self.email_identity(m, n))
            for start in range(0, len(names), BATCH):
                jobs.append(lambda m=members, c=names[start:start + BATCH]: self.notifications(m, c))
        for key, members in self.principal_groups(ready).items():
            jobs.append(lambda k=key, m=members: self.context_keys(k, m[0]))
        self.parallel(jobs)

    # phase 4: configuration sets, suppression list, advisor, other regions, IAM simulation
    def phase_dependent(self, units: dict[tuple, list[AwsProvider]], ready: list[AwsProvider]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in units.values():
            for name in _unique(subject.covering.configuration_set for subject in members
                                if subject.covering is not None and subject.covering.configuration_set):
                jobs.append(lambda m=members, n=name: self.configuration_set(m, n))
            addresses = _unique(recipient.address.lower() for subject in members for recipient in subject.recipients
                                if recipient.literal and not recipient.address.lower().endswith("@" + SIMULATOR_DOMAIN))
            for address in addresses:
                jobs.append(lambda m=members, a=address: self.suppressed(m, a))
            facts = members[0].account_facts
            if facts is not None and facts.vdm_enabled:
                jobs.append(lambda m=members: self.recommendations(m))
        uncovered = [subject for subject in ready if subject.identities is not None and subject.sender and subject.covering is None]
        by_account: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in uncovered:
            by_account[(subject.account, id(subject.credentials), subject.endpoint, partition_of(subject.region))].append(subject)
        for members in by_account.values():
            for region in self.ses_regions(members[0]):
                askers = [subject for subject in members if subject.region != region]
                if askers:
                    jobs.append(lambda m=askers, r=region: self.other_region(m, r))
        simulations = self.simulations(ready)
        jobs += [lambda k=key, e=entries: self.simulate(k, e) for key, entries in simulations.items()]
        self.parallel(jobs)
        self.judge_iam(ready, simulations)
        for subject in ready:
            failed = subject._raw.get("suppression-failed")
            if failed:  # one finding per provider, not one per recipient
                names = ", ".join(f"`{address}`" for address, _ in failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
                subject.unknowns.append(Unknown(("config", "from"), f"the account-level suppression list in {subject.region} not checked for "
                                                f"{len(failed)} recipient(s) ({names}): {failed[0][1].describe()}"))

    @staticmethod
    def principal_groups(ready: list[AwsProvider]) -> dict[tuple, list[AwsProvider]]:
        principals: dict[tuple, list[AwsProvider]] = defaultdict(list)
        for subject in ready:
            if subject.sender:
                principals[(id(subject.credentials), subject.endpoint, subject.caller_arn)].append(subject)
        return principals

    # ----- the reads
    def account(self, members: list[AwsProvider]) -> None:
        lead = members[0]
        v2 = self.call(lead, "sesv2", "GetAccount")
        if v2.ok:
            data = v2.value
            quota = data.get("SendQuota") or {}
            review = (data.get("Details") or {}).get("ReviewDetails") or {}
            vdm = (data.get("VdmAttributes") or {}).get("VdmEnabled")
            facts = AccountFacts(
                "v2", production=data.get("ProductionAccessEnabled"), sending_enabled=data.get("SendingEnabled"),
                enforcement=data.get("EnforcementStatus"), max_24h=quota.get("Max24HourSend"),
                max_rate=quota.get("MaxSendRate"), sent_24h=quota.get("SentLast24Hours"),
                review_status=review.get("Status"), review_case=review.get("CaseId"),
                vdm_enabled=None if vdm is None else vdm == "ENABLED",
            )
            for subject in members:
                subject.account_facts = facts
            return
        if v2.error.kind in ("unreachable", "timeout"):
            quota = enabled = v2  # the same endpoint: do not wait for it twice more
        else:
            quota, enabled = self.call(lead, "ses", "GetSendQuota"), self.call(lead, "ses", "GetAccountSendingEnabled")
        facts = AccountFacts("v1")
        missing = ["enforcement status (probation, shutdown), production access review, VDM advisor"]
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
            subject.unknowns.append(Unknown(("config", "region"), f"{', '.join(missing)} in {subject.region} not checked: " + "; ".join(failed)))

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
                        subject.unknowns.append(Unknown(("config", "from"), f"identity verification of `{subject.sender}`{also} in {subject.region} not checked: {outcome.error.describe()}"))
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
                    subject.unknowns.append(Unknown(("config", "from"), f"{what} of the identities covering `{subject.sender}` in {subject.region} not checked: {outcome.error.describe()}"))
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
                subject.unknowns.append(Unknown(("config", "region"), f"bounce and complaint rates in {subject.region} not checked: {outcome.error.describe()}"))
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
            if not recipient.literal:
                continue
            if recipient.address.lower().endswith("@" + SIMULATOR_DOMAIN):
                recipient.verified = True
                continue
            names = candidates(recipient.address)
            if not names or any(name in failed or name not in table for name in names):
                continue  # unknown
            covering = next((name for name in names if (table.get(name) or {}).get("VerificationStatus") == "Success"), None)
            recipient.verified, recipient.covering = covering is not None, covering

    def email_identity(self, members: list[AwsProvider], name: str) -> None:
        """v2 GetEmailIdentity: whether SES may send from it, why verification failed, DKIM origin and key
        length, signing zone, default configuration set (sesv2 model, GetEmailIdentityResponse)."""
        outcome = self.call(members[0], "sesv2", "GetEmailIdentity", EmailIdentity=name)
        with self.lock:
            for subject in members:
                identity = (subject.identities or {}).get(name)
                if identity is None:
                    continue
                if outcome.ok:
                    _apply_v2(identity, outcome.value)
                elif outcome.error.kind != "notfound":
                    subject.unknowns.append(Unknown(("config", "from"), f"SES v2 state of identity `{name}` in {subject.region} not read "
                                                    f"(sending status, default configuration set, DKIM origin and key length, DKIM signing hosted zone): {outcome.error.describe()}"))

    def notifications(self, members: list[AwsProvider], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityNotificationAttributes", Identities=names)
        table = _lower_keys(outcome.value.get("NotificationAttributes") or {}) if outcome.ok else {}
        with self.lock:
            for subject in members:
                for identity in (subject.identities or {}).values():
                    attributes = table.get(identity.name.lower())
                    if attributes is not None:
                        identity.notifications = NotificationFacts(
                            attributes.get("BounceTopic") or None, attributes.get("ComplaintTopic") or None, attributes.get("ForwardingEnabled"))
                if not outcome.ok and any(identity.name in names for identity in subject.existing):
                    subject.unknowns.append(Unknown(("config", "from"), f"bounce and complaint notifications of the identities covering `{subject.sender}` "
                                                    f"in {subject.region} not checked: {outcome.error.describe()}"))

    def configuration_set(self, members: list[AwsProvider], name: str) -> None:
        """v2 GetConfigurationSet and GetConfigurationSetEventDestinations of an identity's default set."""
        found = self.call(members[0], "sesv2", "GetConfigurationSet", ConfigurationSetName=name)
        events = self.call(members[0], "sesv2", "GetConfigurationSetEventDestinations", ConfigurationSetName=name) if found.ok else found
        with self.lock:
            for subject in members:
                covering = subject.covering
                if covering is None or covering.configuration_set != name:
                    continue
                facts = ConfigurationSetFacts(name, covering.name)
                subject.configuration_sets.append(facts)
                if found.ok:
                    data = found.value
                    facts.exists = True
                    facts.sending_enabled = (data.get("SendingOptions") or {}).get("SendingEnabled")
                    facts.tls_policy = (data.get("DeliveryOptions") or {}).get("TlsPolicy")
                    suppression = data.get("SuppressionOptions")
                    facts.suppressed_reasons = tuple(suppression.get("SuppressedReasons") or ()) if suppression is not None else None
                    facts.reputation_metrics = (data.get("ReputationOptions") or {}).get("ReputationMetricsEnabled")
                elif found.error.kind == "notfound":
                    facts.exists = False
                else:
                    subject.unknowns.append(Unknown(("config", "from"), f"configuration set `{name}` (default of `{covering.name}`) in {subject.region} not read: {found.error.describe()}"))
                if events.ok:
                    facts.event_types = frozenset(
                        str(kind).upper() for destination in events.value.get("EventDestinations") or []
                        if destination.get("Enabled") for kind in destination.get("MatchingEventTypes") or [])
                elif found.ok:
                    subject.unknowns.append(Unknown(("config", "from"), f"event destinations of configuration set `{name}` in {subject.region} not read: {events.error.describe()}"))

    def suppressed(self, members: list[AwsProvider], address: str) -> None:
        """v2 GetSuppressedDestination (account-level suppression list): NotFoundException means not listed."""
        outcome = self.call(members[0], "sesv2", "GetSuppressedDestination", EmailAddress=address)
        entry = None
        if outcome.ok:
            data = outcome.value.get("SuppressedDestination") or {}
            since = data.get("LastUpdateTime")
            entry = Suppression(str(data.get("Reason") or "unknown reason"), since.date().isoformat() if hasattr(since, "date") else None)
        with self.lock:
            for subject in members:
                mine = [recipient for recipient in subject.recipients if recipient.literal and recipient.address.lower() == address]
                for recipient in mine:
                    recipient.suppressed = entry
                if mine and not outcome.ok and outcome.error.kind != "notfound":
                    subject._raw.setdefault("suppression-failed", []).append((address, outcome.error))

    def recommendations(self, members: list[AwsProvider]) -> None:
        """v2 ListRecommendations (VDM advisor), open ones, at most 1 call a second per region (SES quota)."""
        lead = members[0]
        pacer = self.pacer(("ListRecommendations", lead.account, lead.region, lead.endpoint), 1.0)
        found: list[dict] = []
        token = None
        outcome = Outcome()
        for _ in range(20):
            params: dict[str, Any] = {"Filter": {"STATUS": "OPEN"}, "PageSize": 100}
            if token:
                params["NextToken"] = token
            with pacer.slot():
                outcome = self.call(lead, "sesv2", "ListRecommendations", **params)
            if not outcome.ok:
                break
            found += outcome.value.get("Recommendations") or []
            token = outcome.value.get("NextToken")
            if not token:
                break
        for subject in members:
            if not outcome.ok:
                subject.unknowns.append(Unknown(("config", "region"), f"SES advisor recommendations in {subject.region} not read: {outcome.error.describe()}"))
                continue
            arns = {identity_arn(partition_of(subject.region), subject.region, subject.account, name) for name in subject.candidates}
            subject.recommendations = [
                Recommendation(str(item.get("Type") or "?"), str(item.get("Impact") or "?"), " ".join(str(item.get("Description") or "").split()), str(item.get("ResourceArn") or ""))
                for item in found if item.get("ResourceArn") in arns and (item.get("Status") or "OPEN") == "OPEN"]

    def pacer(self, key: tuple, interval: float) -> Pacer:
        with self._pacers_lock:
            return self.pacers.setdefault(key, Pacer(interval))

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
        """The condition keys the principal's policies test (iam:GetContextKeysForPrincipalPolicy): a key they
        never test need not split the simulations. On failure every key is assumed tested (it costs calls)."""
        principal = self.principals.get(key, (None, None))[0]
        if principal is None:
            return
        outcome = self.call(subject, "iam", "GetContextKeysForPrincipalPolicy", PolicySourceArn=principal)
        self.used_keys[key] = {str(name).lower() for name in outcome.value.get("ContextKeyNames") or []} if outcome.ok else None

    def contexts(self, key: tuple, subject: AwsProvider) -> list[tuple[tuple[str, tuple[str, ...]], ...]]:
        """The request contexts SES would evaluate this provider's sends in, one per message shape: the keys
        SES supplies (Service Authorization Reference, SES condition keys; aws:RequestedRegion, a global
        key). The sender's keys and the region are always supplied: SCPs, which the simulator evaluates
        with their conditions, do not show in GetContextKeysForPrincipalPolicy or MissingContextValues,
        and a missing key flips a negated condition. ses:Recipients is one context per workflow step (each
        step is one message), supplied only when the principal's policies test it (or that is unknown):
        otherwise every step would cost a simulation; left out for a step whose recipients are not all
        known, so a policy testing it reports it in MissingContextValues (SES740)."""
        used = self.used_keys.get(key)
        base: dict[str, tuple[str, ...]] = {"aws:RequestedRegion": (subject.region,)}
        if subject.sender:
            base["ses:FromAddress"] = (subject.sender,)
        if subject.display_name:
            base["ses:FromDisplayName"] = (subject.display_name,)
        steps: dict[int, list[RecipientFact]] = defaultdict(list)
        for recipient in subject.recipients:
            steps[id(recipient.step)].append(recipient)
        contexts = []
        if used is None or "ses:recipients" in used:
            for recipients in steps.values():
                if all(recipient.literal for recipient in recipients):
                    contexts.append(tuple(sorted({**base, "ses:Recipients": tuple(sorted({r.address.lower() for r in recipients}))}.items())))
                else:  # a step whose recipients are not all known: simulated without them (MissingContextValues)
                    contexts.append(tuple(sorted(base.items())))
        return _unique(contexts) or [tuple(sorted(base.items()))]

    def resources(self, subject: AwsProvider) -> list[str]:
        """The ARNs SES authorizes a send against: the identity covering `from` (the most specific verified
        one: the address identity wins over its domain's), the default configuration set when one applies,
        and in the sandbox the recipients' identities."""
        partition = partition_of(subject.region)
        covering = subject.covering
        names = [covering.name] if covering else list(subject.candidates[:2])
        arns = [identity_arn(partition, subject.region, subject.account, name) for name in names]
        if covering is not None and covering.configuration_set:
            arns.append(identity_arn(partition, subject.region, subject.account, covering.configuration_set, "configuration-set"))
        facts = subject.account_facts
        if facts is not None and facts.sandbox:
            arns += [identity_arn(partition, subject.region, subject.account, recipient.covering)
                     for recipient in subject.recipients if recipient.covering and not recipient.address.lower().endswith("@" + SIMULATOR_DOMAIN)]
        return _unique(arns)

    def simulations(self, ready: list[AwsProvider]) -> dict[tuple, list[tuple[AwsProvider, list[str]]]]:
        """One SimulatePrincipalPolicy per (principal, context), over the union of its providers' resources."""
        groups: dict[tuple, list[tuple[AwsProvider, list[str]]]] = defaultdict(list)
        for key, members in self.principal_groups(ready).items():
            for subject in members:
                resources = self.resources(subject)
                subject._raw["iam-contexts"] = self.contexts(key, subject)
                subject._raw["iam-resources"] = resources
                for context in subject._raw["iam-contexts"]:
                    groups[key + (context,)].append((subject, resources))
        return groups

    def simulate(self, key: tuple, entries: list[tuple[AwsProvider, list[str]]]) -> None:
        lead = entries[0][0]
        principal, note = self.principals.get(key[:3], (None, "caller unknown"))
        if principal is None:
            return
        context = key[3]
        arns = _unique(arn for _, resources in entries for arn in resources)
        results: list[dict] = []
        marker = None
        outcome = Outcome()
        for _ in range(10):
            params: dict[str, Any] = {"PolicySourceArn": principal, "ActionNames": list(SEND_ACTIONS), "ResourceArns": arns,
                                      "ContextEntries": [{"ContextKeyName": name, "ContextKeyValues": list(values),
                                                          "ContextKeyType": "stringList" if name == "ses:Recipients" else "string"}
                                                         for name, values in context]}
            if marker:
                params["Marker"] = marker
            outcome = self.call(lead, "iam", "SimulatePrincipalPolicy", **params)
            if not outcome.ok:
                break
            results += outcome.value.get("EvaluationResults") or []
            marker = outcome.value.get("Marker") if outcome.value.get("IsTruncated") else None
            if not marker:
                break
        with self.lock:
            for subject, _ in entries:
                subject._raw.setdefault("iam-results", []).append((context, results if outcome.ok else None, outcome.error))

    def judge_iam(self, ready: list[AwsProvider], simulations: dict) -> None:
        """Per action, over every context and resource: denied where a resource's decision is not `allowed`
        and no context key was missing; unknown where keys were missing (the decision hinges on them)."""
        for key, members in self.principal_groups(ready).items():
            principal, note = self.principals.get(key, (None, "caller unknown"))
            for subject in members:
                if principal is None:
                    if note != "root":  # the account root may do anything: nothing to check
                        subject.unknowns.append(Unknown(subject.credential_key() or ("config", "from"), f"IAM permission to send as `{subject.sender}` not checked: {note}"))
                    continue
                answers = subject._raw.get("iam-results", [])
                failed = next((error for _, results, error in answers if results is None), None)
                if failed is not None:
                    extra = f"; {note}" if note else ""
                    how = (f"; allow `iam:SimulatePrincipalPolicy` on `{principal}` to the credentials running ses-lint to check it"
                           if failed.kind == "denied" else "")
                    subject.unknowns.append(Unknown(subject.credential_key() or ("config", "from"), f"IAM permission to send as `{subject.sender}` not checked: {failed.describe()}{how}{extra}"))
                    continue
                resources = subject._raw.get("iam-resources", [])
                facts = IamFacts(principal, resources, {action: ActionVerdict(action) for action in SEND_ACTIONS}, note=note)
                for context, results, _ in answers:
                    answered = set()
                    for result in results or []:
                        verdict = facts.actions.get(result.get("EvalActionName"))
                        if verdict is not None:
                            answered.add(verdict.action)
                            _judge(verdict, result, resources)
                    for verdict in facts.actions.values():
                        if verdict.action not in answered and verdict.decision != "denied":  # no answer is not a pass
                            verdict.decision = "unknown"
                            verdict.keys += [] if "(no answer for the action)" in verdict.keys else ["(no answer for the action)"]
                by_keys: dict[tuple, list[str]] = defaultdict(list)
                for verdict in facts.unknown:
                    by_keys[tuple(verdict.keys)].append(f"{verdict.action} ({SEND_APIS[verdict.action]})")
                for keys, actions in by_keys.items():
                    names = [name for name in keys if not name.startswith("(")]
                    why = (f"the decision of `{principal}`'s policies hinges on {', '.join(f'`{name}`' for name in names)}, "
                           "which ses-lint cannot know for this provider's sends") if names else ""
                    gaps = [name.strip("()") for name in keys if name.startswith("(")]
                    why += ("; " if why and gaps else "") + (f"iam:SimulatePrincipalPolicy gave {' and '.join(gaps)}" if gaps else "")
                    subject.unknowns.append(Unknown(subject.credential_key() or ("config", "from"),
                                                    f"IAM permission for {' and '.join(actions)} as `{subject.sender}` not checked: {why}"))
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
                    if not isinstance(value, str):
                        continue
                    judged = step.value("config", name, index)  # expanded under --env only, as every stage reads it
                    address = split(judged)[1] if isinstance(judged, str) else None
                    # an unresolved ${NAME}: kept (not literal) so the IAM check knows a step's recipients are incomplete
                    yield RecipientFact(step, name, index, address or value, literal=address is not None)


def hints_for(subject: AwsProvider) -> Optional[DnsHints]:
    """What the DNS stage should check for this provider, from AWS's answers (None when unknown)."""
    if not subject.checked or subject.identities is None:
        return None
    domain = subject.domain_identity
    mail_from = next((identity for identity in subject.existing if identity.verified and identity.mail_from_domain), None)
    if domain is None and mail_from is None:
        return None
    signs = domain is not None and domain.dkim_enabled is not False
    external = signs and domain.dkim_origin == "EXTERNAL"
    return DnsHints(
        identity_domain=domain.name if domain else None,
        dkim_tokens=domain.dkim_tokens if signs and not external else (),
        dkim_selectors=domain.dkim_tokens if external else (),
        signing_hosted_zone=domain.signing_hosted_zone if domain else None,
        mail_from_domain=mail_from.mail_from_domain if mail_from else None,
        region=subject.region,
    )


def _judge(verdict: ActionVerdict, result: dict, resources: list[str]) -> None:
    """Fold one EvaluationResult into the action's verdict. With ResourceArns, the per-ARN decisions and
    missing keys are in ResourceSpecificResults; the top-level EvalResourceName is only the ARN template
    (botocore iam model, EvaluationResult.EvalResourceName and ResourceSpecificResults; IAM API Reference,
    "EvaluationResult" and "ResourceSpecificResult")."""
    specific = result.get("ResourceSpecificResults")
    if specific is None:  # no per-resource answer: the top-level decision covers every resource
        specific = [{"EvalResourceName": arn, "EvalResourceDecision": result.get("EvalDecision"),
                     "MissingContextValues": result.get("MissingContextValues") or []} for arn in resources]
    seen = set()
    for item in specific:
        arn = item.get("EvalResourceName")
        if arn not in resources:
            continue
        seen.add(arn)
        missing = [str(name) for name in item.get("MissingContextValues") or []]
        if missing:
            if verdict.decision != "denied":
                verdict.decision = "unknown"
            verdict.keys += [name for name in missing if name not in verdict.keys]
        elif item.get("EvalResourceDecision") != "allowed":
            verdict.decision = "denied"
            verdict.denied.append((arn, str(item.get("EvalResourceDecision"))))
    for arn in resources:
        if arn not in seen and verdict.decision != "denied":  # an ARN the answer does not mention is not a pass
            verdict.decision = "unknown"
            if "(no answer for the resource)" not in verdict.keys:
                verdict.keys.append("(no answer for the resource)")


def _apply_v2(identity: IdentityFacts, data: dict) -> None:
    """GetEmailIdentity's fields (sesv2 model): VerifiedForSendingStatus decides whether SES sends from it."""
    identity.v2 = True
    identity.verified_for_sending = data.get("VerifiedForSendingStatus")
    identity.verification_error = (data.get("VerificationInfo") or {}).get("ErrorType")
    dkim = data.get("DkimAttributes") or {}
    identity.dkim_origin = dkim.get("SigningAttributesOrigin")
    identity.dkim_key_length = dkim.get("CurrentSigningKeyLength")
    if dkim.get("SigningHostedZone"):
        identity.signing_hosted_zone = dkim.get("SigningHostedZone")
    if dkim.get("SigningAttributesOrigin") == "EXTERNAL":
        identity.dkim_tokens = tuple(dkim.get("Tokens") or ())  # BYODKIM: the tokens are the selectors
    identity.configuration_set = data.get("ConfigurationSetName") or None


# ---------------------------------------------------------------------------------------------- utils
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
