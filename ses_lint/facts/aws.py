"""The aws stage's facts: what AWS says about each enabled SES provider, read-only and batched.

One `AwsProvider` per enabled SES provider, the subject of the SES7xx rules. Its registered collector
(collect/aws/gather.py `collect`, imported only when the stage runs) resolves each provider's
credentials as botocore does (collect/aws/credentials.py), then asks AWS in four concurrent
phases:

1. STS GetCallerIdentity, once per (credentials, endpoint).
2. Per (account, region, endpoint): SES v2 GetAccount (v1 GetSendQuota + GetAccountSendingEnabled when v2
   is not answered); v1 GetIdentityVerificationAttributes / GetIdentityDkimAttributes /
   GetIdentityMailFromDomainAttributes for every identity that could cover a `from` or a sandbox
   recipient of any provider in that unit (100 identities a call); CloudWatch reputation metrics (one
   GetMetricData). Per credentials: iam:GetRole for an assumed role (to keep the role's path).
3. v2 GetEmailIdentity and v1 GetIdentityNotificationAttributes (batched) for each candidate identity
   that exists (VerifiedForSendingStatus, default configuration set, DKIM origin and key length,
   signing zone; SNS topics, feedback forwarding); iam:GetContextKeysForPrincipalPolicy once per principal.
4. The default configuration sets (GetConfigurationSet, GetConfigurationSetEventDestinations); every
   literal workflow recipient on the account-level suppression list (GetSuppressedDestination); with VDM
   on, ListRecommendations paced to one call a second per region; the other SES regions, only for
   senders not covered in their own region; IAM SimulatePrincipalPolicy, once per (principal, request
   context), the context reduced to the condition keys the principal's policies test.

So the number of calls grows with accounts, regions and distinct senders, not with providers. Every call
uses the config's `endpoint`, bounded timeouts and small retries; every failed read becomes an unknown
(SES740) naming what was not checked. Nothing here writes: only Get/List/Simulate calls.

boto3/botocore are imported inside functions only: this module is imported on the static path.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from ses_lint.collect.aws.credentials import CredentialFacts
from ses_lint.core.findings import one_line
from ses_lint.facts.hints import DnsHints
from ses_lint.knowledge.aws import DEFAULT_REGION, error_kind
from ses_lint.source.config import NotifyStep, SesProvider

BATCH = 100  # identities per v1 Get*Attributes call (the API's limit)
WORKERS = 16
ATTEMPTS = 2  # total attempts per read call (botocore "standard" retry mode)
SEND_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")
# Which sends each action authorizes (Service Authorization Reference, "Actions, resources, and condition
# keys for Amazon SES" and "... SES v2"): v2 SendEmail with Simple content needs ses:SendEmail; Raw content
# (and SMTP, which SES authorizes as SendRawEmail) needs ses:SendRawEmail.
SEND_APIS = {"ses:SendEmail": "SendEmail with simple content", "ses:SendRawEmail": "raw messages and SMTP (SendRawEmail)"}
SIMULATOR_DOMAIN = "simulator.amazonses.com"
CALLS: Counter[str] = Counter()  # every AWS call this process made, by "service:Operation" (benchmarks read it)
CALLS_LOCK = threading.Lock()
AWS_MESSAGE_LIMIT = 300


# ---------------------------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class AwsError:
    """Why one call failed, in words: `kind` is auth, denied, throttled, unreachable, timeout, notfound or error."""

    kind: str
    code: str
    message: str  # AWS's text (or an error page a proxy answered with): kept on one line, bounded
    operation: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", one_line(self.message, AWS_MESSAGE_LIMIT))
        object.__setattr__(self, "code", one_line(self.code, 80))

    def describe(self) -> str:
        what = {
            "auth": "credentials rejected",
            "denied": "access denied",
            "throttled": f"throttled past {ATTEMPTS} attempts",
            "unreachable": "endpoint unreachable",
            "timeout": "timed out",
            "notfound": "not found",
        }.get(self.kind, "failed")
        detail = f"{self.code}: {self.message}" if self.code and self.code not in self.message else self.message
        detail = " ".join(detail.split())  # one line: an emulator's HTML error page has newlines
        if len(detail) > 300:
            detail = detail[:297] + "..."
        return f"{self.operation} {what} ({detail})"


@dataclass
class Unknown:
    """A fact that could not be read (SES740): what was not checked, and the config key it concerns."""

    key: tuple  # the config key path, ("config", "from")
    message: str


@dataclass
class IdentityFacts:
    """One SES identity in one region: v1 attribute calls (v1 spellings: `Success`, `Pending`, ...), refined
    by v2 GetEmailIdentity where it answered (`v2`)."""

    name: str
    status: Optional[str] = None
    dkim_enabled: Optional[bool] = None
    dkim_status: Optional[str] = None
    dkim_tokens: tuple[str, ...] = ()
    mail_from_domain: Optional[str] = None
    mail_from_status: Optional[str] = None
    mx_failure: Optional[str] = None  # v1 BehaviorOnMXFailure: UseDefaultValue / RejectMessage
    signing_hosted_zone: Optional[str] = None
    v2: bool = False  # GetEmailIdentity answered for it
    verified_for_sending: Optional[bool] = None  # v2 VerifiedForSendingStatus
    verification_error: Optional[str] = None  # v2 VerificationInfo.ErrorType
    dkim_origin: Optional[str] = None  # v2 DkimAttributes.SigningAttributesOrigin: AWS_SES, EXTERNAL, AWS_SES_<REGION>
    dkim_key_length: Optional[str] = None  # v2 DkimAttributes.CurrentSigningKeyLength: RSA_1024_BIT / RSA_2048_BIT
    configuration_set: Optional[str] = None  # v2 ConfigurationSetName: the identity's default configuration set
    notifications: Optional["NotificationFacts"] = None  # v1 GetIdentityNotificationAttributes

    @property
    def verified(self) -> bool:
        """May SES send from it: v2 VerifiedForSendingStatus when read, else v1 status Success."""
        if self.verified_for_sending is not None:
            return self.verified_for_sending
        return self.status == "Success"

    @property
    def is_domain(self) -> bool:
        return "@" not in self.name


@dataclass(frozen=True)
class NotificationFacts:
    """v1 GetIdentityNotificationAttributes of one identity: SNS topics and email feedback forwarding."""

    bounce_topic: Optional[str] = None
    complaint_topic: Optional[str] = None
    forwarding: Optional[bool] = None


@dataclass
class ConfigurationSetFacts:
    """A configuration set that applies to this provider's mail (the covering identity's default set)."""

    name: str
    identity: str  # whose default it is
    exists: Optional[bool] = None  # None: not read
    sending_enabled: Optional[bool] = None  # SendingOptions.SendingEnabled
    tls_policy: Optional[str] = None  # DeliveryOptions.TlsPolicy
    suppressed_reasons: Optional[tuple[str, ...]] = None  # SuppressionOptions.SuppressedReasons
    reputation_metrics: Optional[bool] = None  # ReputationOptions.ReputationMetricsEnabled
    event_types: Optional[frozenset[str]] = None  # MatchingEventTypes of its enabled event destinations; None: not read


@dataclass(frozen=True)
class Recommendation:
    """One open finding of SES's Virtual Deliverability Manager advisor (v2 ListRecommendations)."""

    type: str
    impact: str
    description: str
    resource: str


@dataclass
class AccountFacts:
    """The SES account in one region: from v2 GetAccount, or the v1 fallbacks (`source` says which)."""

    source: str  # "v2" or "v1"
    production: Optional[bool] = None  # v2 ProductionAccessEnabled; v1: guessed from the 200/1 quota
    sending_enabled: Optional[bool] = None
    enforcement: Optional[str] = None  # HEALTHY / PROBATION / SHUTDOWN (v2 only)
    max_24h: Optional[float] = None
    max_rate: Optional[float] = None
    sent_24h: Optional[float] = None
    review_status: Optional[str] = None  # v2 Details.ReviewDetails.Status: PENDING / FAILED / GRANTED / DENIED
    review_case: Optional[str] = None  # v2 Details.ReviewDetails.CaseId
    vdm_enabled: Optional[bool] = None  # v2 VdmAttributes.VdmEnabled == ENABLED

    @property
    def sandbox(self) -> Optional[bool]:
        return None if self.production is None else not self.production


@dataclass
class RecipientFact:
    """A workflow recipient of a step that uses this provider, and whether SES has it verified."""

    step: NotifyStep
    field: str  # "to", "cc" or "bcc"
    index: int
    address: str
    verified: Optional[bool] = None  # None: unknown
    covering: Optional[str] = None
    literal: bool = True  # written as an address (or expanded with --env), not an unresolved ${NAME}
    suppressed: Optional["Suppression"] = None  # on the account-level suppression list


@dataclass(frozen=True)
class Suppression:
    """v2 GetSuppressedDestination: why and since when SES suppresses an address."""

    reason: str
    since: Optional[str] = None  # ISO date of LastUpdateTime


@dataclass
class ActionVerdict:
    """SimulatePrincipalPolicy's verdict for one send action over every resource SES authorizes and every
    message context of this provider: `allowed`, `denied` (with the resources and decisions), or `unknown`
    (the decision hinges on context keys ses-lint cannot supply)."""

    action: str
    decision: str = "allowed"
    denied: list[tuple[str, str]] = field(default_factory=list)  # (resource ARN, decision)
    keys: list[str] = field(default_factory=list)  # unknown: the keys missing from the context


@dataclass
class IamFacts:
    """IAM's verdict on this provider's sends (ses:SendEmail and ses:SendRawEmail)."""

    principal: str
    resources: list[str]
    actions: dict[str, ActionVerdict] = field(default_factory=dict)
    note: Optional[str] = None

    @property
    def denied(self) -> list[ActionVerdict]:
        return [verdict for verdict in self.actions.values() if verdict.decision == "denied"]

    @property
    def unknown(self) -> list[ActionVerdict]:
        return [verdict for verdict in self.actions.values() if verdict.decision == "unknown"]

    @property
    def allowed(self) -> bool:
        return not self.denied and not self.unknown


@dataclass(eq=False)
class AwsProvider:
    """One enabled SES provider with what AWS says about it. Subject of the aws rules (SES7xx).

    `checked` is False when the aws stage is not running: then every fact is None and `dns_hints` too.
    """

    provider: SesProvider
    checked: bool = False
    region: str = DEFAULT_REGION
    endpoint: Optional[str] = None
    sender: Optional[str] = None  # the addr-spec of `from`
    from_value: Optional[str] = None  # `from` as written (display name kept), references expanded
    credentials: Optional[CredentialFacts] = None
    caller_arn: Optional[str] = None
    account: Optional[str] = None
    auth_error: Optional[str] = None
    unreachable: Optional[str] = None  # why no call could be made at all (probe: SES840)
    unknowns: list[Unknown] = field(default_factory=list)
    identities: Optional[dict[str, IdentityFacts]] = None  # candidate name -> facts (absent: no such identity)
    dkim_known: bool = False
    mail_from_known: bool = False
    other_regions: list[str] = field(default_factory=list)  # regions where `from` is verified
    other_regions_failed: list[str] = field(default_factory=list)
    account_facts: Optional[AccountFacts] = None
    recipients: list[RecipientFact] = field(default_factory=list)
    iam: Optional[IamFacts] = None
    bounce_rate: Optional[float] = None
    complaint_rate: Optional[float] = None
    configuration_sets: list[ConfigurationSetFacts] = field(default_factory=list)
    notifications_known: bool = False  # GetIdentityNotificationAttributes answered for the covering identity
    recommendations: Optional[list[Recommendation]] = None  # None: not read (VDM off, or the call failed)
    unit_lead: bool = False  # the first provider of its (account, credentials, region, endpoint): account-wide notes go here
    dns_hints: Optional[DnsHints] = None
    _clients: Any = field(default=None, repr=False)
    _raw: dict = field(default_factory=dict, repr=False)  # the collector's scratch: raw answers per call

    # ----- what the rules read
    @property
    def file(self) -> str:
        return self.provider.file

    def finding(self, key: tuple, message: str, at: str = "value"):
        """A finding at a config key path (`("config", "from")`); `()` is the provider's own key."""
        if key:
            return self.provider.finding(key, message, at)
        return self.provider.finding((), message, at="key")

    @property
    def display_name(self) -> Optional[str]:
        sender = self.provider.sender
        return sender.display_name if sender is not None and self.from_value is not None else None

    @property
    def sender_domain(self) -> Optional[str]:
        return self.sender.rsplit("@", 1)[1] if self.sender and "@" in self.sender else None

    @property
    def candidates(self) -> list[str]:
        return candidates(self.sender) if self.sender else []

    @property
    def ready(self) -> bool:
        """Credentials resolved and accepted, and the endpoint answered."""
        return bool(self.credentials and self.credentials.ok and not self.auth_error and not self.unreachable)

    @property
    def existing(self) -> list[IdentityFacts]:
        """The candidate identities that exist in `region`, most specific first."""
        if self.identities is None:
            return []
        return [self.identities[name] for name in self.candidates if name in self.identities]

    @property
    def covering(self) -> Optional[IdentityFacts]:
        """The most specific verified identity covering `from` (what SES authorizes the send against)."""
        return next((identity for identity in self.existing if identity.verified), None)

    @property
    def domain_identity(self) -> Optional[IdentityFacts]:
        """The most specific verified domain identity covering `from` (its DKIM signs the mail)."""
        return next((identity for identity in self.existing if identity.verified and identity.is_domain), None)

    def credential_key(self) -> tuple:
        return ("config", self.credentials.key) if self.credentials and self.credentials.key else ()

    def client(self, service: str, attempts: int = ATTEMPTS, region: Optional[str] = None) -> Any:
        return self._clients.get(self, service, region or self.region, attempts)


def candidates(address: str) -> list[str]:
    """The identities that could cover an address: itself, its domain, each parent domain (not the TLD)."""
    if "@" not in address:
        return []
    local, domain = address.rsplit("@", 1)
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    names = [f"{local}@{domain}"]
    names += [".".join(labels[index:]) for index in range(len(labels) - 1)]
    return names


def classify(error: BaseException, operation: str) -> AwsError:
    from botocore import exceptions as be

    if isinstance(error, be.ClientError):
        info = error.response.get("Error", {}) or {}
        code = str(info.get("Code") or "")
        message = str(info.get("Message") or error)
        status = (error.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        return AwsError(error_kind(code, status), code or str(status or ""), message, operation)
    if isinstance(error, (be.ConnectTimeoutError,)):
        return AwsError("unreachable", "ConnectTimeout", str(error), operation)
    if isinstance(error, be.ReadTimeoutError):
        return AwsError("timeout", "ReadTimeout", str(error), operation)
    if isinstance(error, (be.EndpointConnectionError, be.ConnectionClosedError, be.ConnectionError)):
        return AwsError("unreachable", type(error).__name__, str(error), operation)
    if isinstance(error, (be.NoCredentialsError, be.PartialCredentialsError)):
        return AwsError("auth", type(error).__name__, str(error), operation)
    return AwsError("error", type(error).__name__, str(error), operation)


def partition_of(region: str) -> str:
    for prefix, partition in (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"), ("eusc-", "aws-eusc"), ("us-isob-", "aws-iso-b"),
                              ("us-isof-", "aws-iso-f"), ("eu-isoe-", "aws-iso-e"), ("us-iso-", "aws-iso")):
        if region.startswith(prefix):
            return partition
    return "aws"


def identity_arn(partition: str, region: str, account: Optional[str], name: str, kind: str = "identity") -> str:
    """An SES resource ARN: `arn:<partition>:ses:<region>:<account>:identity/<name>` (or `configuration-set/`)."""
    return f"arn:{partition}:ses:{region}:{account}:{kind}/{name}"


class Pacer:
    """Spaces calls `interval` seconds apart (per key: a region's rate limit), across threads: a call made
    in `slot()` starts `interval` after the previous one's answer, so the service never sees two closer."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def slot(self):
        with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                yield
            finally:
                self._next = time.monotonic() + self.interval
