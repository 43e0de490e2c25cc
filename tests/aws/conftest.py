"""The aws and probe stages against a real emulator: moto in server mode on loopback.

One `ThreadedMotoServer(ip_address="127.0.0.1", port=0)` per test session, reset between tests
(`reset_emulator`; a module that shares one scenario between its tests builds it after the same reset). ses-lint
reaches it ONLY through the config's `endpoint` (dummy keys, as in the provider documentation's LocalStack
example); boto3 is not patched. moto lacks some calls and differs from SES in places: those gaps are
closed here, inside the test process, by extending moto's own response classes and backends. Each
extension says which behaviour is SES's (what we emulate) and which is moto's (what we replace).

A socket guard makes every test fail that tries to connect anywhere but loopback (IMDS at
169.254.169.254 included).
"""
from __future__ import annotations

import fnmatch
import json
import logging
import os
import socket
import textwrap
import time
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest

warnings.filterwarnings("ignore", message=r".*does not match an error shape")  # moto, for the faults tests inject
# botocore's region list is newer than moto's: let moto answer any region (asked before moto is imported).
os.environ["MOTO_ALLOW_NONEXISTENT_REGION"] = "true"

from moto.core.exceptions import ServiceException  # noqa: E402
from moto.core.responses import ActionResult, BaseResponse  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

ACCOUNT_ID = "123456789012"
DUMMY = {"key": "test", "secret": "test"}  # the provider docs' LocalStack keys; moto accepts any keys while auth is off
SIMULATOR = "success@simulator.amazonses.com"


# ------------------------------------------------------------------------ the emulated SES/IAM state
@dataclass
class AccountState:
    """What SES's GetAccount would say for one region. moto has no such call (sesv2 GetAccount: 404)."""

    production: bool = False  # SES: a new account is in the sandbox in every region
    sending_enabled: bool = True
    enforcement: str = "HEALTHY"
    max_24h: float = 200.0
    max_rate: float = 1.0
    sent_24h: Optional[float] = None  # None: moto's own count of recipients sent
    review: Optional[dict] = None  # Details.ReviewDetails {Status, CaseId}
    vdm: bool = False  # VdmAttributes.VdmEnabled


@dataclass
class State:
    accounts: dict[str, AccountState] = field(default_factory=dict)
    faults: dict[Any, tuple[str, str]] = field(default_factory=dict)  # operation or (region, operation) -> (code, message)
    fault_counts: dict[str, int] = field(default_factory=dict)
    fault_budget: dict[str, int] = field(default_factory=dict)  # operation -> how many times its fault applies (absent: always)
    signing_zone: str = "dkim.amazonses.com"
    enforce_sandbox: bool = True
    requests: list[tuple[str, str]] = field(default_factory=list)  # (region or "", operation) seen by moto
    identities: dict[tuple[str, str], dict[str, dict]] = field(default_factory=dict)  # (region, name) -> overrides
    suppressed: dict[tuple[str, str], dict] = field(default_factory=dict)  # (region, address) -> SuppressedDestination
    recommendations: dict[str, list[dict]] = field(default_factory=dict)  # region -> Recommendations
    event_destinations: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # (region, set) -> EventDestinations
    insights: dict[str, list[dict]] = field(default_factory=dict)  # message id ("*": any) -> Insights (default: none yet)
    enforce_rate: bool = False  # SES's MaxSendRate on sends (moto: none)
    sends: list[tuple[str, float]] = field(default_factory=list)  # (region, time) of every accepted send
    calls: list[tuple[str, str, float]] = field(default_factory=list)  # (region, operation, time)
    answers: dict[str, list[dict]] = field(default_factory=dict)  # operation -> the raw answers emulated (shape tests)

    def answered(self, operation: str, answer: dict) -> dict:
        self.answers.setdefault(operation, []).append(answer)
        return answer

    def account(self, region: str) -> AccountState:
        return self.accounts.setdefault(region, AccountState())


STATE = State()


class Fault(ServiceException):
    """An error a test injects (defined outside moto's packages, so moto serializes it for any service)."""


V1_TO_V2 = {"Success": "SUCCESS", "Pending": "PENDING", "Failed": "FAILED", "TemporaryFailure": "TEMPORARY_FAILURE", "NotStarted": "NOT_STARTED"}
DKIM_TOKENS = ("tokena1b2c3", "tokend4e5f6", "tokeng7h8i9")


def _region(response: BaseResponse) -> str:
    return getattr(response, "region", "us-east-1")


def _ses_backend(region: str):
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT_ID][region]


def _fast_dispatch() -> None:
    """moto's server, per request, asks `list_of_moto_modules()` whether the Host header names a backend:
    a listdir of moto's package and an isdir of each of its ~175 entries, under the dispatcher's lock,
    about 40% of the server's time per request. The listing cannot change while the tests run, so it is
    read once. (Speed only: the same names in the same order, the same dispatch.)"""
    import moto.backends

    names = tuple(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: iter(names)


def _install_gap_closers() -> None:
    import moto.sesv2.urls as v2urls
    from moto.iam.responses import IamResponse
    from moto.ses.exceptions import MessageRejectedError
    from moto.ses.models import SESBackend
    from moto.ses.responses import EmailResponse
    from moto.sesv2.responses import SESV2Response

    # -- every request: record it, and inject the faults a test asked for (throttling, access denied)
    original_call_action = BaseResponse.call_action

    def call_action(self):
        try:
            action = self._get_action()
        except Exception:
            action = "?"
        STATE.requests.append((_region(self), action))
        STATE.calls.append((_region(self), action, time.monotonic()))
        fault = STATE.faults.get((_region(self), action)) or STATE.faults.get(action)
        if fault and STATE.fault_budget.get(action, 1) > 0:
            if action in STATE.fault_budget:
                STATE.fault_budget[action] -= 1
            STATE.fault_counts[action] = STATE.fault_counts.get(action, 0) + 1
            return self.serialized(ActionResult(Fault(*fault)))
        return original_call_action(self)

    BaseResponse.call_action = call_action

    # -- SES v2 GetAccount. moto: no route (404). SES: sandbox, sending, enforcement status and quota.
    def get_account(self):
        state = STATE.account(_region(self))
        sent = state.sent_24h if state.sent_24h is not None else float(_ses_backend(_region(self)).sent_message_count)
        answer = {
            "ProductionAccessEnabled": state.production, "SendingEnabled": state.sending_enabled,
            "EnforcementStatus": state.enforcement, "DedicatedIpAutoWarmupEnabled": False,
            "SendQuota": {"Max24HourSend": state.max_24h, "MaxSendRate": state.max_rate, "SentLast24Hours": sent},
            "VdmAttributes": {"VdmEnabled": "ENABLED" if state.vdm else "DISABLED"},
        }
        if state.review is not None:
            answer["Details"] = {"MailType": "TRANSACTIONAL", "WebsiteURL": "https://example.com", "ReviewDetails": dict(state.review)}
        return json.dumps(STATE.answered("GetAccount", answer))

    SESV2Response.get_account = get_account
    v2urls.url_paths["{0}/v2/email/account$"] = SESV2Response.dispatch  # moto's "/v2/.*" catch-all does not route it

    # -- SES v1 GetAccountSendingEnabled. moto: NotImplemented (500). SES: {Enabled}.
    EmailResponse.get_account_sending_enabled = lambda self: ActionResult({"Enabled": STATE.account(_region(self)).sending_enabled})

    # -- SES v1 GetSendQuota. moto: always 200/1. SES: the account's quota in that region.
    def get_send_quota(self):
        state = STATE.account(_region(self))
        sent = state.sent_24h if state.sent_24h is not None else float(_ses_backend(_region(self)).sent_message_count)
        return ActionResult({"Max24HourSend": state.max_24h, "MaxSendRate": state.max_rate, "SentLast24Hours": sent})

    EmailResponse.get_send_quota = get_send_quota

    # -- Identity states. moto: every identity is verified at once, DKIM and custom MAIL FROM succeed at
    #    once. SES: Pending until DNS is published, and Failed/TemporaryFailure happen. A test sets the
    #    state it needs per (region, identity) and the v1 attribute calls report it.
    for method_name, key in (("get_identity_verification_attributes", "VerificationAttributes"),
                             ("get_identity_dkim_attributes", "DkimAttributes"),
                             ("get_identity_mail_from_domain_attributes", "MailFromDomainAttributes")):
        def attributes(self, _original=getattr(EmailResponse, method_name), _key=key):
            table = {name: dict(values) for name, values in _original(self).result[_key].items()}
            for name, values in table.items():
                values.update(STATE.identities.get((_region(self), name.lower()), {}).get(_key, {}))
            return ActionResult({_key: table})

        setattr(EmailResponse, method_name, attributes)

    # -- SES v2 GetEmailIdentity. moto: VerifiedForSendingStatus always false, DKIM NOT_STARTED, no Tokens,
    #    SigningHostedZone, MailFromAttributes or ConfigurationSetName. SES (sesv2 model,
    #    GetEmailIdentityResponse; SES API Reference, GetEmailIdentity): the v2 view of the same identity as
    #    the v1 calls, with VerifiedForSendingStatus true when verified. Built from the v1 state a test set
    #    (v1 spellings mapped to v2 enums) plus v2-only overrides under "v2".
    def get_email_identity(self):
        name = self._get_param("EmailIdentity")
        backend = _ses_backend(_region(self))
        if name not in backend.email_identities and name.lower() not in backend.email_identities:
            raise Fault("NotFoundException", f"Email identity {name} does not exist.")
        overrides = STATE.identities.get((_region(self), name.lower()), {})
        status = overrides.get("VerificationAttributes", {}).get("VerificationStatus", "Success")
        dkim = overrides.get("DkimAttributes", {})
        v2_status = V1_TO_V2.get(status, status.upper())
        answer = {
            "IdentityType": "EMAIL_ADDRESS" if "@" in name else "DOMAIN",
            "FeedbackForwardingStatus": True,
            "VerifiedForSendingStatus": v2_status == "SUCCESS",
            "DkimAttributes": {
                "SigningEnabled": dkim.get("DkimEnabled", True),
                "Status": V1_TO_V2.get(dkim.get("DkimVerificationStatus", "Success"), "SUCCESS"),
                "Tokens": [] if "@" in name else list(DKIM_TOKENS),
                "SigningHostedZone": STATE.signing_zone,
                "SigningAttributesOrigin": "AWS_SES",
                "CurrentSigningKeyLength": "RSA_2048_BIT",
                "NextSigningKeyLength": "RSA_2048_BIT",
            },
            "Policies": {},
            "Tags": [],
            "VerificationStatus": v2_status,
        }
        v2 = overrides.get("v2", {})
        answer["DkimAttributes"].update(v2.get("DkimAttributes", {}))
        answer.update({key: value for key, value in v2.items() if key != "DkimAttributes"})
        return json.dumps(STATE.answered("GetEmailIdentity", answer))

    SESV2Response.get_email_identity = get_email_identity

    # -- SES v2 GetConfigurationSet. moto: SendingOptions.SendingEnabled holds the whole SendingOptions,
    #    ConfigurationSetDoesNotExist when missing. SES (sesv2 model, GetConfigurationSetResponse): unset options absent; NotFoundException.
    def get_configuration_set(self):
        name = self._get_param("ConfigurationSetName")
        stored = _ses_backend(_region(self)).config_sets.get(name)
        if stored is None:
            raise Fault("NotFoundException", f"Configuration set <{name}> does not exist.")
        enabled = stored.enabled  # moto keeps v2's whole SendingOptions here (and v1's bool)
        sending = enabled.get("SendingEnabled", True) if isinstance(enabled, dict) else bool(enabled) if enabled != {} else True
        answer = {"ConfigurationSetName": name, "SendingOptions": {"SendingEnabled": sending}}
        for key, attribute in (("DeliveryOptions", "delivery_options"), ("ReputationOptions", "reputation_options"),
                               ("SuppressionOptions", "suppression_options"), ("TrackingOptions", "tracking_options")):
            if getattr(stored, attribute, None):
                answer[key] = getattr(stored, attribute)
        return json.dumps(STATE.answered("GetConfigurationSet", answer))

    SESV2Response.get_configuration_set = get_configuration_set

    # -- SES v2 GetConfigurationSetEventDestinations. moto: none. SES (sesv2 model): {EventDestinations}.
    def get_configuration_set_event_destinations(self):
        name = self._get_param("ConfigurationSetName")
        if name not in _ses_backend(_region(self)).config_sets:
            raise Fault("NotFoundException", f"Configuration set <{name}> does not exist.")
        answer = {"EventDestinations": STATE.event_destinations.get((_region(self), name), [])}
        return json.dumps(STATE.answered("GetConfigurationSetEventDestinations", answer))

    SESV2Response.get_configuration_set_event_destinations = get_configuration_set_event_destinations

    # -- SES v2 GetSuppressedDestination. moto: no route (404 HTML). SES (sesv2 model; SES API Reference,
    #    GetSuppressedDestination): {SuppressedDestination{EmailAddress, Reason, LastUpdateTime}}, or
    #    NotFoundException when the address is not on the account-level suppression list.
    def get_suppressed_destination(self):
        address = urllib.parse.unquote(self._get_param("EmailAddress"))
        entry = STATE.suppressed.get((_region(self), address.lower()))
        if entry is None:
            raise Fault("NotFoundException", f"Email address {address} does not exist on your suppression list.")
        return json.dumps(STATE.answered("GetSuppressedDestination", {"SuppressedDestination": dict(entry, EmailAddress=address)}))

    SESV2Response.get_suppressed_destination = get_suppressed_destination

    # -- SES v2 ListRecommendations. moto: none. SES (sesv2 model; "no more than once per second"):
    #    {Recommendations[{ResourceArn, Type, Description, Status, CreatedTimestamp, LastUpdatedTimestamp,
    #    Impact}], NextToken}; Filter by STATUS. Pages of 2 here, so paging is exercised.
    def list_recommendations(self):
        body = json.loads(self.body or "{}")
        wanted = (body.get("Filter") or {}).get("STATUS")
        items = [item for item in STATE.recommendations.get(_region(self), []) if not wanted or item.get("Status") == wanted]
        start = int(body.get("NextToken") or 0)
        answer: dict = {"Recommendations": items[start:start + 2]}
        if start + 2 < len(items):
            answer["NextToken"] = str(start + 2)
        return json.dumps(STATE.answered("ListRecommendations", answer))

    SESV2Response.list_recommendations = list_recommendations

    # -- SES v2 GetMessageInsights. moto: none. SES (sesv2 model, GetMessageInsightsResponse): the message's
    #    Insights[{Destination, Isp, Events[{Timestamp, Type, Details}]}]; NotFoundException for an unknown id.
    def get_message_insights(self):
        message_id = self._get_param("MessageId")
        backend = _ses_backend(_region(self))
        if not any(message.id == message_id for message in backend.sent_messages):
            raise Fault("NotFoundException", f"Message {message_id} not found.")
        answer = {"MessageId": message_id, "Insights": STATE.insights.get(message_id) or STATE.insights.get("*", [])}
        return json.dumps(STATE.answered("GetMessageInsights", answer))

    SESV2Response.get_message_insights = get_message_insights

    for route in ("{0}/v2/email/configuration-sets/(?P<ConfigurationSetName>[^/]+)/event-destinations$",
                  "{0}/v2/email/suppression/addresses/(?P<EmailAddress>[^/]+)$",
                  "{0}/v2/email/vdm/recommendations$",
                  "{0}/v2/email/insights/(?P<MessageId>[^/]+)/$"):
        v2urls.url_paths[route] = SESV2Response.dispatch

    # -- SES v2 SendEmail's rate. moto: unlimited. SES: at most MaxSendRate messages a second, else the send
    #    is rejected (SES Developer Guide, "Managing your Amazon SES sending limits": "Maximum sending rate
    #    exceeded"; sesv2 model, SendEmail errors: TooManyRequestsException). Enforced when a test asks.
    original_v2_send = SESV2Response.send_email

    def v2_send_email(self):
        region = _region(self)
        now = time.monotonic()
        if STATE.enforce_rate:
            recent = [at for where, at in STATE.sends if where == region and now - at < 1.0]
            if len(recent) >= STATE.account(region).max_rate:
                raise Fault("TooManyRequestsException", "Maximum sending rate exceeded.")
        answer = original_v2_send(self)
        STATE.sends.append((region, now))
        return answer

    SESV2Response.send_email = v2_send_email

    # -- SES v1 GetIdentityNotificationAttributes. moto: ForwardingEnabled only, the topics a test set
    #    are left out. SES (ses model, IdentityNotificationAttributes): BounceTopic, ComplaintTopic,
    #    DeliveryTopic (required members), ForwardingEnabled, the three Headers...Enabled flags.
    def get_identity_notification_attributes(self):
        backend = self.backend
        table = {}
        for identity in self._get_param("Identities") or []:
            config = backend.sns_topics.get(identity, {})
            entry = {"ForwardingEnabled": config.get("feedback_forwarding_enabled", True),
                     "HeadersInBounceNotificationsEnabled": False, "HeadersInComplaintNotificationsEnabled": False,
                     "HeadersInDeliveryNotificationsEnabled": False}
            for kind in ("Bounce", "Complaint", "Delivery"):  # required members: empty when no topic is set
                entry[f"{kind}Topic"] = config.get(kind) or ""
            table[identity] = entry
        return ActionResult(STATE.answered("GetIdentityNotificationAttributes", {"NotificationAttributes": table}))

    EmailResponse.get_identity_notification_attributes = get_identity_notification_attributes

    # -- Who may send. moto: the address or its exact domain only. SES: a verified domain also covers
    #    every subdomain (user@mail.example.com when example.com is verified).
    def is_verified(self, source: str) -> bool:
        from email.utils import parseaddr

        address = parseaddr(source)[1]
        if address in self.email_identities:
            return True
        labels = address.rsplit("@", 1)[-1].lower().split(".")
        return any(".".join(labels[index:]) in self.email_identities for index in range(len(labels)))

    SESBackend._is_verified_address = is_verified

    # -- The sandbox recipient rule. moto: not enforced. SES: in the sandbox every recipient must be a
    #    verified identity (or the mailbox simulator), else MessageRejected.
    def sandbox_check(backend, recipients) -> None:
        if not STATE.enforce_sandbox or STATE.account(backend.region_name).production:
            return
        for recipient in recipients:
            if recipient.lower().endswith("@simulator.amazonses.com") or backend._is_verified_address(recipient):
                continue
            raise MessageRejectedError(
                "Email address is not verified. The following identities failed the check in region "
                f"{backend.region_name.upper()}: {recipient}")

    original_send_email = SESBackend.send_email
    original_send_raw = SESBackend.send_raw_email

    def send_email(self, source, subject, body, destinations):
        if self._is_verified_address(source):
            sandbox_check(self, [address for addresses in destinations.values() for address in addresses])
        return original_send_email(self, source, subject, body, destinations)

    def send_raw_email(self, source, destinations, raw_data):
        if source and self._is_verified_address(source):
            sandbox_check(self, destinations)
        return original_send_raw(self, source, destinations, raw_data)

    SESBackend.send_email = send_email
    SESBackend.send_raw_email = send_raw_email

    # -- IAM SimulatePrincipalPolicy. moto: NotImplemented (500). IAM (botocore iam model,
    #    SimulatePrincipalPolicyResponse / EvaluationResult / ResourceSpecificResult; IAM API Reference,
    #    "EvaluationResult", "ResourceSpecificResult"): one EvaluationResult per action; with ResourceArns,
    #    EvalResourceName is the action's ARN template and each ARN's decision and missing context keys are
    #    in ResourceSpecificResults; the top-level EvalDecision is the most restrictive of them and the
    #    top-level MissingContextValues their deduplicated union. Emulated for identity policies (inline,
    #    attached, group): explicit Deny > Allow > implicit deny (IAM User Guide, "Policy evaluation logic").
    def simulate_principal_policy(self):
        params = self._get_params()
        documents = _policies_of(self.backend, params.get("PolicySourceArn"))
        answer = simulate(documents, params.get("ActionNames") or [], params.get("ResourceArns") or [], params.get("ContextEntries") or [])
        return ActionResult(STATE.answered("SimulatePrincipalPolicy", answer))

    IamResponse.simulate_principal_policy = simulate_principal_policy

    # -- IAM GetContextKeysForPrincipalPolicy. moto: NotImplemented. IAM: the condition keys the
    #    principal's policies use (GetContextKeysForPolicyResponse {ContextKeyNames}).
    def get_context_keys_for_principal_policy(self):
        documents = _policies_of(self.backend, self._get_params().get("PolicySourceArn"))
        keys = sorted({key for document in documents for statement in _listify(document.get("Statement", []))
                       for tests in (statement.get("Condition") or {}).values() for key in tests})
        return ActionResult(STATE.answered("GetContextKeysForPrincipalPolicy", {"ContextKeyNames": keys}))

    IamResponse.get_context_keys_for_principal_policy = get_context_keys_for_principal_policy


# The ARN templates of the Service Authorization Reference ("Resource types defined by Amazon SES").
ARN_TEMPLATES = {"ses:SendEmail": "arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}",
                 "ses:SendRawEmail": "arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}"}
RESTRICTIVE = {"allowed": 0, "implicitDeny": 1, "explicitDeny": 2}


def simulate(documents: list[dict], actions: list[str], resources: list[str], entries: list[dict]) -> dict:
    """SimulatePrincipalPolicy's answer for these policies, in the model's shape (see above)."""
    context = {entry["ContextKeyName"].lower(): list(entry.get("ContextKeyValues") or []) for entry in entries}
    results = []
    for action in actions:
        specific = []
        for resource in resources or ["*"]:
            decision, missing = _decide(documents, action, resource, context)
            specific.append({"EvalResourceName": resource, "EvalResourceDecision": decision, "MatchedStatements": [],
                             "MissingContextValues": missing, "EvalDecisionDetails": {}})
        result = {
            "EvalActionName": action,
            "EvalResourceName": ARN_TEMPLATES.get(action, "*") if resources else "*",
            "EvalDecision": max((item["EvalResourceDecision"] for item in specific), key=RESTRICTIVE.__getitem__),
            "MatchedStatements": [],
            "MissingContextValues": sorted({key for item in specific for key in item["MissingContextValues"]}),
        }
        if resources:
            result["EvalDecisionDetails"] = {}  # same-account simulation with ResourceArns: present and empty
            result["ResourceSpecificResults"] = specific
        results.append(result)
    return {"EvaluationResults": results, "IsTruncated": False}


def _policies_of(backend, arn: str) -> list[dict]:
    name = arn.rsplit("/", 1)[-1]
    entities = []
    if ":user/" in arn:
        user = backend.users.get(name)
        if user is None:
            raise ServiceException("NoSuchEntity", f"The user with name {name} cannot be found.")
        entities = [user, *backend.get_groups_for_user(name)]
    elif ":role/" in arn:
        role = next((role for role in backend.roles.values() if role.arn == arn), None)
        if role is None:
            raise ServiceException("NoSuchEntity", f"The role with ARN {arn} cannot be found.")
        entities = [role]
    documents = []
    for entity in entities:
        documents += [json.loads(document) for document in entity.policies.values()]
        for policy in entity.managed_policies.values():
            documents += [json.loads(version.document) if isinstance(version.document, str) else version.document
                          for version in policy.versions if version.is_default]
    return documents


def _listify(value) -> list:
    return value if isinstance(value, list) else [value]


def _decide(documents: list[dict], action: str, resource: str, context: dict) -> tuple[str, list[str]]:
    """(decision, missing context keys) for one action on one resource."""
    decision, missing = "implicitDeny", []
    for document in documents:
        for statement in _listify(document.get("Statement", [])):
            if not any(fnmatch.fnmatch(action.lower(), pattern.lower()) for pattern in _listify(statement.get("Action", []))):
                continue
            if not any(fnmatch.fnmatch(resource, pattern) for pattern in _listify(statement.get("Resource", "*"))):
                continue
            conditions = statement.get("Condition") or {}
            missing += [key for tests in conditions.values() for key in tests
                        if key.lower() not in context and not _tests_absence(conditions, key) and key not in missing]
            if not _conditions(conditions, context):
                continue
            if statement.get("Effect") == "Deny":
                return "explicitDeny", missing
            decision = "allowed"
    return decision, missing


def _tests_absence(conditions: dict, key: str) -> bool:
    return any(operator == "Null" and key in tests for operator, tests in conditions.items())


def _conditions(conditions: dict, context: dict) -> bool:
    """IAM User Guide, "IAM JSON policy elements: Condition operators" and "Set operators for
    multivalued context keys": String(Not)Equals, String(Not)Like, Null; ForAllValues is true for an
    absent key, ForAnyValue false; a negated operator is true for an absent key."""
    for operator, tests in conditions.items():
        qualifier, _, base = operator.rpartition(":")
        for key, expected in tests.items():
            values = context.get(key.lower())
            expected = [str(value) for value in _listify(expected)]
            if base == "Null":
                ok = (values is None) == (expected[0].lower() == "true")
            else:
                ok = _test(qualifier, base, values, expected)
            if not ok:
                return False
    return True


def _test(qualifier: str, base: str, values: Optional[list], expected: list[str]) -> bool:
    negated = "Not" in base
    match = {"StringEquals": lambda value: value in expected, "StringNotEquals": lambda value: value in expected,
             "StringLike": lambda value: any(fnmatch.fnmatchcase(value, pattern) for pattern in expected),
             "StringNotLike": lambda value: any(fnmatch.fnmatchcase(value, pattern) for pattern in expected)}.get(base)
    if match is None:
        return False  # an operator this emulation does not know never matches
    if qualifier == "ForAllValues":
        return all((not match(value)) if negated else match(value) for value in values or [])
    if qualifier == "ForAnyValue":
        return any((not match(value)) if negated else match(value) for value in values or [])
    if values is None:
        return negated
    return (not any(match(value) for value in values)) if negated else any(match(value) for value in values)


_fast_dispatch()
_install_gap_closers()


# ----------------------------------------------------------------------------------- network guard
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback_only(address) -> None:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise ConnectionRefusedError(f"test guard: connection to non-loopback {host} refused")


def _guarded_connect(self, address):
    _loopback_only(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _loopback_only(address)
    return _real_connect_ex(self, address)


@pytest.fixture(scope="session", autouse=True)
def loopback_only():
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


# ---------------------------------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def quiet_moto_fault_warnings():
    warnings.filterwarnings("ignore", message=r".*does not match an error shape")  # moto, about the faults tests inject
    yield


@pytest.fixture(scope="session")
def moto_server():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _post(url: str, body: bytes = b"") -> bytes:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.read()


class Moto:
    """One test's view of the emulator: setup clients, config files, a clean environment, moto's state."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.tmp_path = tmp_path
        self.state = STATE
        self.key, self.secret = DUMMY["key"], DUMMY["secret"]

    def client(self, service: str, region: str = "us-east-1", key: Optional[str] = None, secret: Optional[str] = None):
        import boto3
        from botocore.config import Config

        return boto3.client(service, region_name=region, endpoint_url=self.url, aws_access_key_id=key or self.key,
                            aws_secret_access_key=secret or self.secret, config=Config(retries={"max_attempts": 1}))

    def verify(self, *identities: str, region: str = "us-east-1") -> None:
        ses = self.client("ses", region)
        for identity in identities:
            if "@" in identity:
                ses.verify_email_identity(EmailAddress=identity)
            else:
                ses.verify_domain_identity(Domain=identity)
                ses.verify_domain_dkim(Domain=identity)

    def environ(self, **extra: str) -> dict[str, str]:
        """A clean environment: no AWS credentials, shared files in tmp_path, no instance metadata."""
        config, credentials = self.tmp_path / "aws-config", self.tmp_path / "aws-credentials"
        config.touch()
        credentials.touch()
        env = {
            "HOME": str(self.tmp_path), "AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_EC2_METADATA_DISABLED": "true", "PATH": os.environ.get("PATH", ""),
        }
        env.update(extra)
        return env

    def write(self, text: str, name: str = "ses.yaml") -> Path:
        path = self.tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def data(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=5) as answer:
            return json.loads(answer.read())

    def snapshot(self) -> dict:
        """moto's stored state (backends, in process), not /moto-api/data.json: that one lists every model
        object ever constructed, and moto's GetIdentityDkimAttributes constructs throwaway identities."""
        from moto.iam.models import iam_backends
        from moto.ses.models import ses_backends

        state: dict = {}
        for region, backend in ses_backends[ACCOUNT_ID].items():
            state[("ses", region)] = (sorted(backend.email_identities), len(backend.sent_messages), backend.sent_message_count,
                                      sorted(backend.identity_mail_from_domains))
        iam = iam_backends[ACCOUNT_ID]["aws"]
        state["iam"] = (sorted(iam.users), sorted(role.name for role in iam.roles.values()), sorted(iam.managed_policies),
                        {name: sorted(user.policies) for name, user in iam.users.items()})
        return state

    def sent(self) -> list[dict]:
        ses = self.data().get("ses", {})
        return list(ses.get("Message", [])) + list(ses.get("RawMessage", []))

    def identity(self, name: str, region: str = "us-east-1", *, status: Optional[str] = None, dkim: Optional[str] = None,
                 dkim_enabled: Optional[bool] = None, mail_from_status: Optional[str] = None, v2: Optional[dict] = None) -> None:
        """Give an identity a state moto cannot reach by itself (Pending, Failed, DKIM off, ...); `v2`: fields
        of GetEmailIdentity's answer only SES v2 has (ConfigurationSetName, VerificationInfo, DkimAttributes)."""
        entry = STATE.identities.setdefault((region, name.lower()), {})
        if v2 is not None:
            entry.setdefault("v2", {}).update(v2)
        if status is not None:
            entry.setdefault("VerificationAttributes", {})["VerificationStatus"] = status
        if dkim is not None:
            entry.setdefault("DkimAttributes", {})["DkimVerificationStatus"] = dkim
        if dkim_enabled is not None:
            entry.setdefault("DkimAttributes", {})["DkimEnabled"] = dkim_enabled
        if mail_from_status is not None:
            entry.setdefault("MailFromDomainAttributes", {})["MailFromDomainStatus"] = mail_from_status

    def user(self, name: str = "mailer", *statements: dict) -> tuple[str, str]:
        """An IAM user with an inline policy of `statements` (default: may send) and its access key."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        statements = statements or ({"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*"},)
        iam.put_user_policy(UserName=name, PolicyName="send", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def auth(self, on: bool) -> None:
        _post(f"{self.url}/moto-api/reset-auth", b"0" if on else b"inf")


def reset_emulator(moto_server: str) -> None:
    """moto's backends and auth, and every table of STATE, as a fresh emulator has them."""
    _post(f"{moto_server}/moto-api/reset")
    _post(f"{moto_server}/moto-api/reset-auth", b"inf")
    STATE.accounts.clear()
    STATE.faults.clear()
    STATE.fault_counts.clear()
    STATE.fault_budget.clear()
    STATE.requests.clear()
    STATE.identities.clear()
    for table in (STATE.suppressed, STATE.recommendations, STATE.event_destinations, STATE.insights, STATE.answers):
        table.clear()
    STATE.sends.clear()
    STATE.calls.clear()
    STATE.enforce_rate = False
    STATE.signing_zone = "dkim.amazonses.com"
    STATE.enforce_sandbox = True


@pytest.fixture
def moto(moto_server, tmp_path):
    reset_emulator(moto_server)
    yield Moto(moto_server, tmp_path)
    _post(f"{moto_server}/moto-api/reset-auth", b"inf")
    STATE.faults.clear()


def provider(name: str = "email-ses", *, sender: str = "noreply@example.com", region: Optional[str] = "us-east-1",
             endpoint: Optional[str] = None, keys: Any = True, extra: str = "", enabled: bool = True) -> str:
    """One provider entry, as YAML lines indented for `providers:`."""
    lines = [f"  {name}:", "    provider: email.ses", f"    enabled: {'true' if enabled else 'false'}", "    config:",
             f"      from: {sender}"]
    if region:
        lines.append(f"      region: {region}")
    if endpoint:
        lines.append(f"      endpoint: {endpoint}")
    if keys:
        key, secret = keys if isinstance(keys, tuple) else ("test", "test")
        lines += [f"      access_key_id: {key}", f"      secret_access_key: {secret}"]
    lines += ["      " + line for line in textwrap.dedent(extra).strip().splitlines()] if extra.strip() else []
    return "\n".join(lines) + "\n"


def config(*providers: str, workflows: str = "") -> str:
    text = 'version: "1.0"\nproviders:\n' + "".join(providers)
    if workflows:
        text += "workflows:\n" + textwrap.indent(textwrap.dedent(workflows).strip(), "  ") + "\n"
    return text


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")
