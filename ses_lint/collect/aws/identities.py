"""The identity collector: each enabled SES provider's connection to AWS and its SES identities
(`SesIdentities`, facts/aws.py). What the dns stage needs from AWS, and what the rest of the aws stage
(collect/aws/gather.py) starts from, so the identities are read once however many stages use them.

1. Resolve each provider's region, endpoint, `from` and credentials (collect/aws/credentials.py).
2. STS GetCallerIdentity, once per (credentials, endpoint, partition).
3. Per (account, credentials, region, endpoint): v1 GetIdentityVerificationAttributes /
   GetIdentityDkimAttributes / GetIdentityMailFromDomainAttributes for every identity that could cover a
   `from` or a literal workflow recipient of any provider of that unit (100 identities a call).
4. v2 GetEmailIdentity for each candidate identity that exists (VerifiedForSendingStatus, DKIM origin and
   key length, signing zone, default configuration set).

No IAM, CloudWatch or SES account call: those are the aws stage's (gather.py).
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace
from typing import Any, Callable, Iterator, Optional

from ses_lint.collect.aws.credentials import resolve
from ses_lint.collect.aws.work import BATCH, Phases, Slot, lower_keys, unique, units
from ses_lint.core.findings import Stage
from ses_lint.facts.aws import (
    SIMULATOR_DOMAIN,
    CredentialFacts,
    IdentityFacts,
    RecipientFact,
    SesIdentities,
    candidates,
    partition_of,
)
from ses_lint.knowledge.aws import DEFAULT_REGION
from ses_lint.source import references
from ses_lint.source.addresses import split
from ses_lint.source.config import NotifyStep, SesProvider


def collect(inputs: Any) -> list[SesIdentities]:
    """One `SesIdentities` per enabled SES provider (unchecked when the aws stage does not run)."""
    providers = [provider for provider in inputs.get(SesProvider) if provider.enabled]
    if not inputs.stage_enabled(Stage.AWS) or not providers:
        return [SesIdentities(provider) for provider in providers]
    return IdentityReads(inputs, providers).collect()


class IdentityReads(Phases):
    def __init__(self, inputs: Any, providers: list[SesProvider]) -> None:
        super().__init__(inputs)
        self.slots = [Slot(SesIdentities(provider)) for provider in providers]
        self.timeout = max(0.1, float(inputs.options.timeout))
        self._credential_cache: dict[tuple, CredentialFacts] = {}

    def collect(self) -> list[SesIdentities]:
        started = time.monotonic()
        for slot in self.slots:
            self.prepare(slot)
        ready = [slot for slot in self.slots if slot.credentials and slot.credentials.ok and not slot.unreachable]
        with self.running():
            self.progress(f"{len(self.slots)} provider(s): checking credentials")
            ready = self.phase_sts(ready)
            grouped = units(ready)
            for members in grouped.values():
                members[0].set(unit_lead=True)
            self.progress(f"{len(grouped)} account/region unit(s): reading SES identities")
            self.phase_attributes(grouped)
            self.phase_v2(grouped)
        self.done()
        self.progress(f"identities read in {time.monotonic() - started:.1f}s, {sum(self.calls.values())} call(s)")
        return [slot.frozen() for slot in self.slots]

    def prepare(self, slot: Slot) -> None:
        provider = slot.provider
        # every value as the static and dns stages judge it (`references.resolve`): a reference is known under --env only
        sender = provider.sender
        slot.set(checked=True, region=provider.resolved("region") or DEFAULT_REGION, endpoint=provider.resolved("endpoint") or None,
                 from_value=sender.value if sender else None, sender=sender.address if sender else None)
        for name in ("endpoint", "region"):
            written = provider.field(name)
            if written and not provider.known(name):
                environ = self.environ if self.inputs.options.env else None
                slot.set(unreachable=f"`{name}` `{written}` {references.unknown_reason(written, environ)}")
                slot.unknown(("config", name), f"nothing checked in AWS: {slot.unreachable}")
                return
        slot.set(credentials=self.credentials_for(slot))
        if slot.credentials.ok:
            from botocore.utils import validate_region_name

            try:
                validate_region_name(slot.region)
            except Exception:
                slot.set(unreachable=f"region `{slot.region}` is not a usable region name")
                slot.unknown(("config", "region"), f"nothing checked in AWS: {slot.unreachable}")

    def credentials_for(self, slot: Slot) -> CredentialFacts:
        provider = slot.provider
        key = tuple(str(provider.field(name)) for name in ("access_key_id", "secret_access_key", "profile", "imds_disable"))
        cache = self._credential_cache
        if key not in cache:
            cache[key] = resolve(provider, self.environ, self.timeout)
        return cache[key]

    def phase_sts(self, ready: list[Slot]) -> list[Slot]:
        groups: dict[tuple, list[Slot]] = defaultdict(list)
        for slot in ready:
            groups[(id(slot.credentials), slot.endpoint, partition_of(slot.region))].append(slot)

        def ask(members: list[Slot]) -> tuple[list[Slot], Any]:
            return members, self.call(members[0], "sts", "GetCallerIdentity")

        passed = []
        for members, outcome in self.parallel([lambda m=m: ask(m) for m in groups.values()]):
            for slot in members:
                if outcome.ok:
                    slot.set(caller_arn=outcome.value.get("Arn"), account=outcome.value.get("Account"))
                    passed.append(slot)
                elif outcome.error.kind == "auth":
                    slot.set(auth_error=outcome.error.describe())
                else:
                    slot.set(unreachable=outcome.error.describe())
                    slot.unknown(slot.credential_key() or ("config", "region"),
                                 f"nothing checked in AWS (credentials, identity, sandbox, quota, IAM): {outcome.error.describe()}")
        return passed

    # per unit, concurrently: the three v1 attribute calls, 100 identities a call
    def phase_attributes(self, grouped: dict[tuple, list[Slot]]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in grouped.values():
            for slot in members:
                slot.set(recipients=tuple(self.recipients_of(slot)))
            names = unique(name for slot in members for name in slot.candidates + [
                candidate for recipient in slot.recipients if recipient.literal for candidate in candidates(recipient.address)])
            for start in range(0, len(names), BATCH):
                chunk = names[start:start + BATCH]
                jobs.append(lambda m=members, c=chunk: self.verification(m, c))
                jobs.append(lambda m=members, c=chunk: self.dkim(m, c))
                jobs.append(lambda m=members, c=chunk: self.mail_from(m, c))
        self.parallel(jobs)
        for members in grouped.values():
            for slot in members:
                self.finish(slot)

    # v2 GetEmailIdentity of every existing candidate
    def phase_v2(self, grouped: dict[tuple, list[Slot]]) -> None:
        jobs: list[Callable[[], Any]] = []
        for members in grouped.values():
            for name in unique(identity.name for slot in members for identity in slot.existing):
                jobs.append(lambda m=members, n=name: self.email_identity(m, n))
        self.parallel(jobs)

    # ----- the reads
    def verification(self, members: list[Slot], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityVerificationAttributes", Identities=names)
        with self.lock:
            for slot in members:
                raw = slot.raw
                if not outcome.ok:
                    raw.setdefault("failed", set()).update(names)
                    if any(name in names for name in slot.candidates):
                        recipients = len(slot.recipients)
                        also = f" and of its {recipients} workflow recipient(s)" if recipients else ""
                        slot.unknown(("config", "from"), f"identity verification of `{slot.sender}`{also} in {slot.region} not checked: {outcome.error.describe()}")
                    continue
                raw.setdefault("verification", {}).update(
                    {name: (lower_keys(outcome.value.get("VerificationAttributes") or {})).get(name.lower()) for name in names})

    def dkim(self, members: list[Slot], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityDkimAttributes", Identities=names)
        self._attributes(members, names, outcome, "DkimAttributes", "DKIM status")

    def mail_from(self, members: list[Slot], names: list[str]) -> None:
        outcome = self.call(members[0], "ses", "GetIdentityMailFromDomainAttributes", Identities=names)
        self._attributes(members, names, outcome, "MailFromDomainAttributes", "custom MAIL FROM status")

    def _attributes(self, members: list[Slot], names: list[str], outcome: Any, field_name: str, what: str) -> None:
        with self.lock:
            for slot in members:
                mine = [name for name in names if name in slot.candidates]
                if not mine:
                    continue
                if not outcome.ok:
                    slot.raw[field_name + "-failed"] = True
                    slot.unknown(("config", "from"), f"{what} of the identities covering `{slot.sender}` in {slot.region} not checked: {outcome.error.describe()}")
                    continue
                slot.raw.setdefault(field_name, {}).update(lower_keys(outcome.value.get(field_name) or {}))

    def finish(self, slot: Slot) -> None:
        """Turn the unit's raw answers into this provider's identity and recipient facts."""
        raw = slot.raw
        failed: set = raw.get("failed", set())
        table: dict = raw.get("verification", {})
        identities: Optional[dict[str, IdentityFacts]]
        if any(name in failed for name in slot.candidates):
            identities = None
        elif slot.candidates:
            identities = {
                name: IdentityFacts(name, status=table[name].get("VerificationStatus"))
                for name in slot.candidates if table.get(name) is not None
            }
        else:
            identities = {}
        # DKIM and MAIL FROM attributes only for identities that exist (moto makes DKIM ones up for unknown names)
        dkim_known = "DkimAttributes" in raw and not raw.get("DkimAttributes-failed")
        mail_from_known = "MailFromDomainAttributes" in raw and not raw.get("MailFromDomainAttributes-failed")
        for name, identity in (identities or {}).items():
            dkim = raw.get("DkimAttributes", {}).get(name.lower())
            if dkim and dkim_known:
                identity = replace(identity, dkim_enabled=dkim.get("DkimEnabled"), dkim_status=dkim.get("DkimVerificationStatus"),
                                   dkim_tokens=tuple(dkim.get("DkimTokens") or ()))
            mail_from = raw.get("MailFromDomainAttributes", {}).get(name.lower())
            if mail_from and mail_from_known:
                identity = replace(identity, mail_from_domain=mail_from.get("MailFromDomain") or None,
                                   mail_from_status=mail_from.get("MailFromDomainStatus"), mx_failure=mail_from.get("BehaviorOnMXFailure"))
            identities[name] = identity  # type: ignore[index]
        slot.set(identities=identities, dkim_known=dkim_known, mail_from_known=mail_from_known,
                 recipients=tuple(_verified(recipient, failed, table) for recipient in slot.recipients))

    def email_identity(self, members: list[Slot], name: str) -> None:
        """v2 GetEmailIdentity: whether SES may send from it, why verification failed, DKIM origin and key
        length, signing zone, default configuration set (sesv2 model, GetEmailIdentityResponse)."""
        outcome = self.call(members[0], "sesv2", "GetEmailIdentity", EmailIdentity=name)
        with self.lock:
            for slot in members:
                identity = (slot.identities or {}).get(name)
                if identity is None:
                    continue
                if outcome.ok:
                    slot.identities[name] = _with_v2(identity, outcome.value)
                elif outcome.error.kind != "notfound":
                    slot.unknown(("config", "from"), f"SES v2 state of identity `{name}` in {slot.region} not read "
                                 f"(sending status, default configuration set, DKIM origin and key length, DKIM signing hosted zone): {outcome.error.describe()}")

    # ----- workflow recipients
    def recipients_of(self, slot: Slot) -> Iterator[RecipientFact]:
        for step in self.inputs.get(NotifyStep):
            if step.target is not slot.provider.entry:
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


def _verified(recipient: RecipientFact, failed: set, table: dict) -> RecipientFact:
    """A recipient with what the verification answers say of it (unchanged when they say nothing)."""
    if not recipient.literal:
        return recipient
    if recipient.address.lower().endswith("@" + SIMULATOR_DOMAIN):
        return replace(recipient, verified=True)
    names = candidates(recipient.address)
    if not names or any(name in failed or name not in table for name in names):
        return recipient  # unknown
    covering = next((name for name in names if (table.get(name) or {}).get("VerificationStatus") == "Success"), None)
    return replace(recipient, verified=covering is not None, covering=covering)


def _with_v2(identity: IdentityFacts, data: dict) -> IdentityFacts:
    """GetEmailIdentity's fields (sesv2 model): VerifiedForSendingStatus decides whether SES sends from it."""
    dkim = data.get("DkimAttributes") or {}
    return replace(
        identity,
        v2=True,
        verified_for_sending=data.get("VerifiedForSendingStatus"),
        verification_error=(data.get("VerificationInfo") or {}).get("ErrorType"),
        dkim_origin=dkim.get("SigningAttributesOrigin"),
        dkim_key_length=dkim.get("CurrentSigningKeyLength"),
        signing_hosted_zone=dkim.get("SigningHostedZone") or identity.signing_hosted_zone,
        # BYODKIM: the tokens are the selectors
        dkim_tokens=tuple(dkim.get("Tokens") or ()) if dkim.get("SigningAttributesOrigin") == "EXTERNAL" else identity.dkim_tokens,
        configuration_set=data.get("ConfigurationSetName") or None,
    )
