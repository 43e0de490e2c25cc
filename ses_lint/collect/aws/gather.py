"""The aws stage's collector: the account, IAM and deliverability facts of each enabled SES provider
(`AwsProvider`, facts/aws.py), on top of its `SesIdentities` (collect/aws/identities.py: credentials,
STS, the identities), which it extends without reading them again. Imported only when the aws stage runs.

Per (account, credentials, region, endpoint), concurrently:
1. SES v2 GetAccount (v1 GetSendQuota + GetAccountSendingEnabled when v2 is not answered); CloudWatch
   reputation metrics (one GetMetricData); v1 GetIdentityNotificationAttributes (batched) of the existing
   candidate identities (SNS topics, feedback forwarding). Per principal: iam:GetRole for an assumed role
   (to keep the role's path), then iam:GetContextKeysForPrincipalPolicy.
2. The default configuration sets (GetConfigurationSet, GetConfigurationSetEventDestinations); every
   literal workflow recipient on the account-level suppression list (GetSuppressedDestination); with VDM
   on, ListRecommendations paced to one call a second per region; the other SES regions, only for
   senders not covered in their own region; IAM SimulatePrincipalPolicy, once per (principal, request
   context), the context reduced to the condition keys the principal's policies test.

So the number of calls grows with accounts, regions and distinct senders, not with providers. Every call
uses the config's `endpoint`, bounded timeouts and small retries; every failed read becomes an unknown
(SES740) naming what was not checked. Nothing here writes: only Get/List/Simulate calls.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any, Callable, Optional

from ses_lint.collect.aws.clients import Outcome, Pacer, clients_of
from ses_lint.collect.aws.work import BATCH, Phases, Slot, lower_keys, unique, unique_by, units
from ses_lint.core.findings import Stage
from ses_lint.facts.aws import (
    SEND_ACTIONS,
    SEND_APIS,
    SIMULATOR_DOMAIN,
    AccountFacts,
    ActionVerdict,
    AwsProvider,
    ConfigurationSetFacts,
    IamFacts,
    NotificationFacts,
    RecipientFact,
    Recommendation,
    SesIdentities,
    Suppression,
    identity_arn,
    partition_of,
)


def collect(inputs: Any) -> list[AwsProvider]:
    """One `AwsProvider` per enabled SES provider, extending its `SesIdentities` (unchecked when the aws
    stage does not run)."""
    identities = inputs.get(SesIdentities)
    if not inputs.stage_enabled(Stage.AWS):
        return [AwsProvider.extending(facts) for facts in identities]
    return AccountReads(inputs, identities).collect()


class AccountReads(Phases):
    """Gathers the facts of every AwsProvider of one run. Turns every fault into a fact."""

    def __init__(self, inputs: Any, identities: list[SesIdentities]) -> None:
        super().__init__(inputs)
        # each provider gets its own copy of its identities: the notifications are added to them here
        self.slots = [Slot(AwsProvider.extending(facts, identities=None if facts.identities is None else dict(facts.identities)))
                      for facts in identities]
        self.principals: dict[tuple, tuple[Optional[str], Optional[str]]] = {}
        self.used_keys: dict[tuple, Optional[set[str]]] = {}  # principal -> condition keys its policies test (None: unknown)
        self.pacers: dict[tuple, Pacer] = {}
        self._pacers_lock = threading.Lock()

    def collect(self) -> list[AwsProvider]:
        started = time.monotonic()
        ready = [slot for slot in self.slots if slot.checked and slot.ready]
        with self.running():
            grouped = units(ready)
            self.progress(f"{len(grouped)} account/region unit(s): reading the SES account, CloudWatch and IAM")
            self.phase_regional(grouped, ready)
            self.phase_dependent(grouped, ready)
        self.done()
        self.progress(f"done in {time.monotonic() - started:.1f}s, {sum(self.calls.values())} call(s)")
        return [slot.frozen() for slot in self.slots]

    # phase 1: per unit, concurrently: account, reputation, notifications; per principal: GetRole, context keys
    def phase_regional(self, grouped: dict[tuple, list[Slot]], ready: list[Slot]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in grouped.values():
            jobs.append(lambda m=members: self.account(m))
            jobs.append(lambda m=members: self.reputation(m))
            names = unique(identity.name for slot in members for identity in slot.existing)
            for start in range(0, len(names), BATCH):
                jobs.append(lambda m=members, c=names[start:start + BATCH]: self.notifications(m, c))
        senders = self.principal_groups(ready)

        def principal(slot: Slot) -> None:
            self.principal(slot)
            key = (id(slot.credentials), slot.endpoint, slot.caller_arn)
            if key in senders:
                self.context_keys(key, senders[key][0])

        for slot in unique_by(ready, lambda s: (id(s.credentials), s.endpoint, s.caller_arn)):
            jobs.append(lambda s=slot: principal(s))
        self.parallel(jobs)

    # phase 2: configuration sets, suppression list, advisor, other regions, IAM simulation
    def phase_dependent(self, grouped: dict[tuple, list[Slot]], ready: list[Slot]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in grouped.values():
            for name in unique(subject.covering.configuration_set for subject in members
                                if subject.covering is not None and subject.covering.configuration_set):
                jobs.append(lambda m=members, n=name: self.configuration_set(m, n))
            addresses = unique(recipient.address.lower() for subject in members for recipient in subject.recipients
                                if recipient.literal and not recipient.address.lower().endswith("@" + SIMULATOR_DOMAIN))
            for address in addresses:
                jobs.append(lambda m=members, a=address: self.suppressed(m, a))
            facts = members[0].account_facts
            if facts is not None and facts.vdm_enabled:
                jobs.append(lambda m=members: self.recommendations(m))
        uncovered = [subject for subject in ready if subject.identities is not None and subject.sender and subject.covering is None]
        by_account: dict[tuple, list[Slot]] = defaultdict(list)
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
            failed = subject.raw.get("suppression-failed")
            if failed:  # one finding per provider, not one per recipient
                names = ", ".join(f"`{address}`" for address, _ in failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
                subject.unknown(("config", "from"), f"the account-level suppression list in {subject.region} not checked for "
                                f"{len(failed)} recipient(s) ({names}): {failed[0][1].describe()}")

    @staticmethod
    def principal_groups(ready: list[Slot]) -> dict[tuple, list[Slot]]:
        principals: dict[tuple, list[Slot]] = defaultdict(list)
        for subject in ready:
            if subject.sender:
                principals[(id(subject.credentials), subject.endpoint, subject.caller_arn)].append(subject)
        return principals

    # ----- the reads
    def account(self, members: list[Slot]) -> None:
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
                subject.set(account_facts=facts)
            return
        if v2.error.kind in ("unreachable", "timeout"):
            quota = enabled = v2  # the same endpoint: do not wait for it twice more
        else:
            quota, enabled = self.call(lead, "ses", "GetSendQuota"), self.call(lead, "ses", "GetAccountSendingEnabled")
        read: dict[str, Any] = {}
        missing = ["enforcement status (probation, shutdown), production access review, VDM advisor"]
        if quota.ok:
            read.update(max_24h=quota.value.get("Max24HourSend"), max_rate=quota.value.get("MaxSendRate"), sent_24h=quota.value.get("SentLast24Hours"))
            # v1 has no sandbox flag: the sandbox's fixed 200/day and 1/s quota is the tell
            read["production"] = not (read["max_24h"] == 200 and read["max_rate"] == 1)
        else:
            missing[:0] = ["sandbox status", "24-hour quota"]
        if enabled.ok:
            read["sending_enabled"] = enabled.value.get("Enabled")
        else:
            missing.insert(len(missing) - 1, "whether sending is enabled")
        facts = AccountFacts("v1", **read)
        failed = unique(outcome.error.describe() for outcome in (v2, quota, enabled) if outcome.error)
        for subject in members:
            subject.set(account_facts=facts)
            subject.unknown(("config", "region"), f"{', '.join(missing)} in {subject.region} not checked: " + "; ".join(failed))

    def reputation(self, members: list[Slot]) -> None:
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
                subject.unknown(("config", "region"), f"bounce and complaint rates in {subject.region} not checked: {outcome.error.describe()}")
            return
        latest = {}
        for result in outcome.value.get("MetricDataResults") or []:
            values = result.get("Values") or []
            if values:  # "where present": an account that never sent has no reputation datapoints
                latest[result.get("Id")] = float(values[0])
        for subject in members:
            subject.set(bounce_rate=latest.get("bounce"), complaint_rate=latest.get("complaint"))

    def principal(self, subject: Slot) -> None:
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

    def notifications(self, members: list[Slot], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityNotificationAttributes", Identities=names)
        table = lower_keys(outcome.value.get("NotificationAttributes") or {}) if outcome.ok else {}
        with self.lock:
            for subject in members:
                identities = subject.identities or {}
                for name, identity in identities.items():
                    attributes = table.get(identity.name.lower())
                    if attributes is not None:
                        identities[name] = replace(identity, notifications=NotificationFacts(
                            attributes.get("BounceTopic") or None, attributes.get("ComplaintTopic") or None, attributes.get("ForwardingEnabled")))
                if not outcome.ok and any(identity.name in names for identity in subject.existing):
                    subject.unknown(("config", "from"), f"bounce and complaint notifications of the identities covering `{subject.sender}` "
                                    f"in {subject.region} not checked: {outcome.error.describe()}")

    def configuration_set(self, members: list[Slot], name: str) -> None:
        """v2 GetConfigurationSet and GetConfigurationSetEventDestinations of an identity's default set."""
        found = self.call(members[0], "sesv2", "GetConfigurationSet", ConfigurationSetName=name)
        events = self.call(members[0], "sesv2", "GetConfigurationSetEventDestinations", ConfigurationSetName=name) if found.ok else found
        with self.lock:
            for subject in members:
                covering = subject.covering
                if covering is None or covering.configuration_set != name:
                    continue
                read: dict[str, Any] = {}
                if found.ok:
                    data = found.value
                    suppression = data.get("SuppressionOptions")
                    read.update(
                        exists=True,
                        sending_enabled=(data.get("SendingOptions") or {}).get("SendingEnabled"),
                        tls_policy=(data.get("DeliveryOptions") or {}).get("TlsPolicy"),
                        suppressed_reasons=tuple(suppression.get("SuppressedReasons") or ()) if suppression is not None else None,
                        reputation_metrics=(data.get("ReputationOptions") or {}).get("ReputationMetricsEnabled"),
                    )
                elif found.error.kind == "notfound":
                    read["exists"] = False
                else:
                    subject.unknown(("config", "from"), f"configuration set `{name}` (default of `{covering.name}`) in {subject.region} not read: {found.error.describe()}")
                if events.ok:
                    read["event_types"] = frozenset(
                        str(kind).upper() for destination in events.value.get("EventDestinations") or []
                        if destination.get("Enabled") for kind in destination.get("MatchingEventTypes") or [])
                elif found.ok:
                    subject.unknown(("config", "from"), f"event destinations of configuration set `{name}` in {subject.region} not read: {events.error.describe()}")
                subject.set(configuration_sets=subject.configuration_sets + (ConfigurationSetFacts(name, covering.name, **read),))

    def suppressed(self, members: list[Slot], address: str) -> None:
        """v2 GetSuppressedDestination (account-level suppression list): NotFoundException means not listed."""
        outcome = self.call(members[0], "sesv2", "GetSuppressedDestination", EmailAddress=address)
        entry = None
        if outcome.ok:
            data = outcome.value.get("SuppressedDestination") or {}
            since = data.get("LastUpdateTime")
            entry = Suppression(str(data.get("Reason") or "unknown reason"), since.date().isoformat() if hasattr(since, "date") else None)
        with self.lock:
            for subject in members:
                mine = [index for index, recipient in enumerate(subject.recipients) if recipient.literal and recipient.address.lower() == address]
                if mine:
                    subject.set(recipients=tuple(replace(recipient, suppressed=entry) if index in mine else recipient
                                                 for index, recipient in enumerate(subject.recipients)))
                if mine and not outcome.ok and outcome.error.kind != "notfound":
                    subject.raw.setdefault("suppression-failed", []).append((address, outcome.error))

    def recommendations(self, members: list[Slot]) -> None:
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
                subject.unknown(("config", "region"), f"SES advisor recommendations in {subject.region} not read: {outcome.error.describe()}")
                continue
            arns = {identity_arn(partition_of(subject.region), subject.region, subject.account, name) for name in subject.candidates}
            subject.set(recommendations=tuple(
                Recommendation(str(item.get("Type") or "?"), str(item.get("Impact") or "?"), " ".join(str(item.get("Description") or "").split()), str(item.get("ResourceArn") or ""))
                for item in found if item.get("ResourceArn") in arns and (item.get("Status") or "OPEN") == "OPEN"))

    def pacer(self, key: tuple, interval: float) -> Pacer:
        with self._pacers_lock:
            return self.pacers.setdefault(key, Pacer(interval))

    def ses_regions(self, subject: Slot) -> list[str]:
        try:
            return sorted(clients_of(subject.credentials).session.get_available_regions("sesv2", partition_of(subject.region)))
        except Exception:
            return []

    def other_region(self, members: list[Slot], region: str) -> None:
        names = unique(name for subject in members for name in subject.candidates)
        found: dict[str, Any] = {}
        error = None
        for start in range(0, len(names), BATCH):
            outcome = self.call(members[0], "ses", "GetIdentityVerificationAttributes", region=region, Identities=names[start:start + BATCH])
            if not outcome.ok:
                error = outcome.error
                break
            found.update(lower_keys(outcome.value.get("VerificationAttributes") or {}))
        with self.lock:
            for subject in members:
                if error is not None:
                    subject.set(other_regions_failed=subject.other_regions_failed + (region,))
                elif any((found.get(name.lower()) or {}).get("VerificationStatus") == "Success" for name in subject.candidates):
                    subject.set(other_regions=tuple(sorted(subject.other_regions + (region,))))

    def context_keys(self, key: tuple, subject: Slot) -> None:
        """The condition keys the principal's policies test (iam:GetContextKeysForPrincipalPolicy): a key they
        never test need not split the simulations. On failure every key is assumed tested (it costs calls)."""
        principal = self.principals.get(key, (None, None))[0]
        if principal is None:
            return
        outcome = self.call(subject, "iam", "GetContextKeysForPrincipalPolicy", PolicySourceArn=principal)
        self.used_keys[key] = {str(name).lower() for name in outcome.value.get("ContextKeyNames") or []} if outcome.ok else None

    def contexts(self, key: tuple, subject: Slot) -> list[tuple[tuple[str, tuple[str, ...]], ...]]:
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
        return unique(contexts) or [tuple(sorted(base.items()))]

    def resources(self, subject: Slot) -> list[str]:
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
        return unique(arns)

    def simulations(self, ready: list[Slot]) -> dict[tuple, list[tuple[Slot, list[str]]]]:
        """One SimulatePrincipalPolicy per (principal, context), over the union of its providers' resources."""
        groups: dict[tuple, list[tuple[Slot, list[str]]]] = defaultdict(list)
        for key, members in self.principal_groups(ready).items():
            for subject in members:
                resources = self.resources(subject)
                subject.raw["iam-contexts"] = self.contexts(key, subject)
                subject.raw["iam-resources"] = resources
                for context in subject.raw["iam-contexts"]:
                    groups[key + (context,)].append((subject, resources))
        return groups

    def simulate(self, key: tuple, entries: list[tuple[Slot, list[str]]]) -> None:
        lead = entries[0][0]
        principal, note = self.principals.get(key[:3], (None, "caller unknown"))
        if principal is None:
            return
        context = key[3]
        arns = unique(arn for _, resources in entries for arn in resources)
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
                subject.raw.setdefault("iam-results", []).append((context, results if outcome.ok else None, outcome.error))

    def judge_iam(self, ready: list[Slot], simulations: dict) -> None:
        """Per action, over every context and resource: denied where a resource's decision is not `allowed`
        and no context key was missing; unknown where keys were missing (the decision hinges on them)."""
        for key, members in self.principal_groups(ready).items():
            principal, note = self.principals.get(key, (None, "caller unknown"))
            for subject in members:
                if principal is None:
                    if note != "root":  # the account root may do anything: nothing to check
                        subject.unknown(subject.credential_key() or ("config", "from"), f"IAM permission to send as `{subject.sender}` not checked: {note}")
                    continue
                answers = subject.raw.get("iam-results", [])
                failed = next((error for _, results, error in answers if results is None), None)
                if failed is not None:
                    extra = f"; {note}" if note else ""
                    how = (f"; allow `iam:SimulatePrincipalPolicy` on `{principal}` to the credentials running ses-lint to check it"
                           if failed.kind == "denied" else "")
                    subject.unknown(subject.credential_key() or ("config", "from"), f"IAM permission to send as `{subject.sender}` not checked: {failed.describe()}{how}{extra}")
                    continue
                resources = subject.raw.get("iam-resources", [])
                verdicts = {action: _Verdict(action) for action in SEND_ACTIONS}
                for context, results, _ in answers:
                    answered = set()
                    for result in results or []:
                        verdict = verdicts.get(result.get("EvalActionName"))
                        if verdict is not None:
                            answered.add(verdict.action)
                            _judge(verdict, result, resources)
                    for verdict in verdicts.values():
                        if verdict.action not in answered and verdict.decision != "denied":  # no answer is not a pass
                            verdict.decision = "unknown"
                            verdict.keys += [] if "(no answer for the action)" in verdict.keys else ["(no answer for the action)"]
                by_keys: dict[tuple, list[str]] = defaultdict(list)
                for verdict in (verdict for verdict in verdicts.values() if verdict.decision == "unknown"):
                    by_keys[tuple(verdict.keys)].append(f"{verdict.action} ({SEND_APIS[verdict.action]})")
                for keys, actions in by_keys.items():
                    names = [name for name in keys if not name.startswith("(")]
                    why = (f"the decision of `{principal}`'s policies hinges on {', '.join(f'`{name}`' for name in names)}, "
                           "which ses-lint cannot know for this provider's sends") if names else ""
                    gaps = [name.strip("()") for name in keys if name.startswith("(")]
                    why += ("; " if why and gaps else "") + (f"iam:SimulatePrincipalPolicy gave {' and '.join(gaps)}" if gaps else "")
                    subject.unknown(subject.credential_key() or ("config", "from"),
                                    f"IAM permission for {' and '.join(actions)} as `{subject.sender}` not checked: {why}")
                subject.set(iam=IamFacts(principal, tuple(resources), {action: verdict.frozen() for action, verdict in verdicts.items()}, note=note))


class _Verdict:
    """An ActionVerdict while the simulations' answers are folded into it."""

    def __init__(self, action: str) -> None:
        self.action = action
        self.decision = "allowed"
        self.denied: list[tuple[str, str]] = []
        self.keys: list[str] = []

    def frozen(self) -> ActionVerdict:
        return ActionVerdict(self.action, self.decision, tuple(self.denied), tuple(self.keys))


def _judge(verdict: _Verdict, result: dict, resources: list[str]) -> None:
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
