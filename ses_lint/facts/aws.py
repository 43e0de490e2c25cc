"""The aws stage's facts: what AWS says about each enabled SES provider, as plain data.

Two fact types per enabled SES provider, both frozen and without I/O (the calls are in `collect/aws/`):

- `SesIdentities` (collector `collect/aws/identities.py`): the provider's resolved region, endpoint,
  sender and credentials, STS GetCallerIdentity, and its SES identities in `region` (v1
  GetIdentityVerificationAttributes / GetIdentityDkimAttributes / GetIdentityMailFromDomainAttributes,
  100 identities a call, for every identity that could cover a `from` or a literal workflow recipient;
  v2 GetEmailIdentity for each that exists). Its `dns_hints` are what the dns stage reads, so the dns
  stage needs only these reads, not the rest of the aws stage.
- `AwsProvider` (collector `collect/aws/gather.py`), the subject of the SES7xx rules: the identity facts
  above plus the account (SES v2 GetAccount, or v1 GetSendQuota + GetAccountSendingEnabled), CloudWatch
  reputation, identity notifications, default configuration sets, the account-level suppression list,
  the VDM advisor, the other SES regions (only for senders not covered in their own region) and IAM's
  verdict on the sends (SimulatePrincipalPolicy, once per principal and request context).

Every failed read is an `Unknown` (SES740) naming what was not checked. This module imports only the
standard library and pure helpers (core.findings, facts.hints, knowledge.aws): it is imported whenever the aws rules load.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Mapping, Optional

from ses_lint.core.findings import one_line
from ses_lint.facts.hints import DnsHints
from ses_lint.knowledge.aws import DEFAULT_REGION

if TYPE_CHECKING:
    from ses_lint.source.config import NotifyStep, SesProvider

ATTEMPTS = 2  # total attempts per read call (botocore "standard" retry mode)
SEND_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")
# Which sends each action authorizes (Service Authorization Reference, "Actions, resources, and condition
# keys for Amazon SES" and "... SES v2"): v2 SendEmail with Simple content needs ses:SendEmail; Raw content
# (and SMTP, which SES authorizes as SendRawEmail) needs ses:SendRawEmail.
SEND_APIS = {"ses:SendEmail": "SendEmail with simple content", "ses:SendRawEmail": "raw messages and SMTP (SendRawEmail)"}
SIMULATOR_DOMAIN = "simulator.amazonses.com"
AWS_MESSAGE_LIMIT = 300
# botocore's credential provider METHOD -> what a user calls that source
SOURCE_NAMES = {
    "explicit": "static keys in the config (access_key_id/secret_access_key)",
    "env": "environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
    "assume-role": "assume-role profile (role_arn)",
    "assume-role-with-web-identity": "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE/web_identity_token_file)",
    "sso": "IAM Identity Center (SSO) profile",
    "shared-credentials-file": "shared credentials file",
    "login": "console login session (aws login)",
    "custom-process": "credential_process",
    "config-file": "shared config file",
    "ec2-credentials-file": "legacy EC2 credentials file (AWS_CREDENTIAL_FILE)",
    "boto-config": "boto2 config file (BOTO_CONFIG, ~/.boto)",
    "container-role": "container role (ECS/EKS: AWS_CONTAINER_CREDENTIALS_*_URI)",
    "iam-role": "instance role (EC2 instance metadata, IMDS)",
}
# botocore has no token for this: the METHOD of credentials loaded from an explicit profile's keys
PROFILE_METHODS = ("shared-credentials-file", "config-file", "assume-role", "sso", "custom-process", "login")


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


@dataclass(frozen=True, eq=False)
class CredentialFacts:
    """What resolving one provider's credentials found (collect/aws/credentials.py). Providers with the same
    credential settings share one (compared by identity: the collectors group calls by it)."""

    mode: str  # "static", "profile" or "chain"
    key: str  # the config key the credentials concern: "access_key_id", "profile" or "" (the provider)
    tried: tuple[str, ...] = ()  # sources, in the order botocore tries them
    method: Optional[str] = None  # botocore's METHOD of the source that won
    error: Optional[str] = None  # why no credentials resolved (SES701)
    access_key: Optional[str] = field(default=None, repr=False)  # the resolved access key id (grouping only; never printed)
    profile: Optional[str] = None
    imds: bool = True

    @property
    def ok(self) -> bool:
        return self.error is None and self.method is not None

    @property
    def source(self) -> str:
        name = SOURCE_NAMES.get(self.method or "", self.method or "unknown source")
        if self.mode == "profile" and self.method in PROFILE_METHODS:
            return f"profile `{self.profile}` ({name})"
        return name


@dataclass(frozen=True)
class Unknown:
    """A fact that could not be read (SES740): what was not checked, and the config key it concerns."""

    key: tuple  # the config key path, ("config", "from")
    message: str


@dataclass(frozen=True)
class NotificationFacts:
    """v1 GetIdentityNotificationAttributes of one identity: SNS topics and email feedback forwarding."""

    bounce_topic: Optional[str] = None
    complaint_topic: Optional[str] = None
    forwarding: Optional[bool] = None


@dataclass(frozen=True)
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
    notifications: Optional[NotificationFacts] = None  # v1 GetIdentityNotificationAttributes (aws stage only)

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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Suppression:
    """v2 GetSuppressedDestination: why and since when SES suppresses an address."""

    reason: str
    since: Optional[str] = None  # ISO date of LastUpdateTime


@dataclass(frozen=True)
class RecipientFact:
    """A workflow recipient of a step that uses this provider, and whether SES has it verified."""

    step: "NotifyStep"
    field: str  # "to", "cc" or "bcc"
    index: int
    address: str
    verified: Optional[bool] = None  # None: unknown
    covering: Optional[str] = None
    literal: bool = True  # written as an address (or expanded with --env), not an unresolved ${NAME}
    suppressed: Optional[Suppression] = None  # on the account-level suppression list (aws stage only)


@dataclass(frozen=True)
class ActionVerdict:
    """SimulatePrincipalPolicy's verdict for one send action over every resource SES authorizes and every
    message context of this provider: `allowed`, `denied` (with the resources and decisions), or `unknown`
    (the decision hinges on context keys ses-lint cannot supply)."""

    action: str
    decision: str = "allowed"
    denied: tuple[tuple[str, str], ...] = ()  # (resource ARN, decision)
    keys: tuple[str, ...] = ()  # unknown: the keys missing from the context


@dataclass(frozen=True)
class IamFacts:
    """IAM's verdict on this provider's sends (ses:SendEmail and ses:SendRawEmail)."""

    principal: str
    resources: tuple[str, ...]
    actions: Mapping[str, ActionVerdict] = field(default_factory=dict)
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


@dataclass(frozen=True, eq=False)
class SesIdentities:
    """One enabled SES provider's connection to AWS and its SES identities in `region`: what the dns stage
    needs (`dns_hints`) and what every aws rule starts from. `checked` is False when the aws stage is not
    running: then every fact is None or empty."""

    provider: "SesProvider"
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
    unknowns: tuple[Unknown, ...] = ()
    identities: Optional[Mapping[str, IdentityFacts]] = None  # candidate name -> facts (absent: no such identity)
    dkim_known: bool = False
    mail_from_known: bool = False
    recipients: tuple[RecipientFact, ...] = ()
    unit_lead: bool = False  # the first provider of its (account, credentials, region, endpoint): account-wide notes go here

    # ----- what the rules and the dns stage read
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

    @property
    def dns_hints(self) -> Optional[DnsHints]:
        """What the DNS stage should check for this provider, from AWS's answers (None when unknown)."""
        if not self.checked or self.identities is None:
            return None
        domain = self.domain_identity
        mail_from = next((identity for identity in self.existing if identity.verified and identity.mail_from_domain), None)
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
            region=self.region,
        )


@dataclass(frozen=True, eq=False)
class AwsProvider(SesIdentities):
    """One enabled SES provider with what AWS says about it: its `SesIdentities` and the account, IAM and
    deliverability facts. Subject of the aws rules (SES7xx)."""

    other_regions: tuple[str, ...] = ()  # regions where `from` is verified
    other_regions_failed: tuple[str, ...] = ()
    account_facts: Optional[AccountFacts] = None
    iam: Optional[IamFacts] = None
    bounce_rate: Optional[float] = None
    complaint_rate: Optional[float] = None
    configuration_sets: tuple[ConfigurationSetFacts, ...] = ()
    recommendations: Optional[tuple[Recommendation, ...]] = None  # None: not read (VDM off, or the call failed)

    @classmethod
    def extending(cls, base: SesIdentities, /, **facts: Any) -> "AwsProvider":
        """The provider's `SesIdentities` with the aws stage's other facts."""
        own = {item.name: getattr(base, item.name) for item in fields(SesIdentities)}
        return cls(**{**own, **facts})


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


def partition_of(region: str) -> str:
    for prefix, partition in (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"), ("eusc-", "aws-eusc"), ("us-isob-", "aws-iso-b"),
                              ("us-isof-", "aws-iso-f"), ("eu-isoe-", "aws-iso-e"), ("us-iso-", "aws-iso")):
        if region.startswith(prefix):
            return partition
    return "aws"


def identity_arn(partition: str, region: str, account: Optional[str], name: str, kind: str = "identity") -> str:
    """An SES resource ARN: `arn:<partition>:ses:<region>:<account>:identity/<name>` (or `configuration-set/`)."""
    return f"arn:{partition}:ses:{region}:{account}:{kind}/{name}"
