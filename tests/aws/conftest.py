"""The aws and probe stages against a real emulator: moto in server mode on loopback.

One `ThreadedMotoServer(ip_address="127.0.0.1", port=0)` per test session, reset between tests. ses-lint
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


@dataclass
class State:
    accounts: dict[str, AccountState] = field(default_factory=dict)
    faults: dict[Any, tuple[str, str]] = field(default_factory=dict)  # operation or (region, operation) -> (code, message)
    fault_counts: dict[str, int] = field(default_factory=dict)
    signing_zone: str = "dkim.amazonses.com"
    enforce_sandbox: bool = True
    requests: list[tuple[str, str]] = field(default_factory=list)  # (region or "", operation) seen by moto
    identities: dict[tuple[str, str], dict[str, dict]] = field(default_factory=dict)  # (region, name) -> overrides

    def account(self, region: str) -> AccountState:
        return self.accounts.setdefault(region, AccountState())


STATE = State()


class Fault(ServiceException):
    """An error a test injects (defined outside moto's packages, so moto serializes it for any service)."""


def _region(response: BaseResponse) -> str:
    return getattr(response, "region", "us-east-1")


def _ses_backend(region: str):
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT_ID][region]


def _install_gap_closers() -> None:
    import moto.sesv2.urls as v2urls
    from moto.iam.responses import IamResponse
    from moto.ses.models import SESBackend
    from moto.ses.exceptions import MessageRejectedError
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
        fault = STATE.faults.get((_region(self), action)) or STATE.faults.get(action)
        if fault:
            STATE.fault_counts[action] = STATE.fault_counts.get(action, 0) + 1
            return self.serialized(ActionResult(Fault(*fault)))
        return original_call_action(self)

    BaseResponse.call_action = call_action

    # -- SES v2 GetAccount. moto: no route (404). SES: sandbox, sending, enforcement status and quota.
    def get_account(self):
        state = STATE.account(_region(self))
        sent = state.sent_24h if state.sent_24h is not None else float(_ses_backend(_region(self)).sent_message_count)
        return json.dumps({
            "ProductionAccessEnabled": state.production, "SendingEnabled": state.sending_enabled,
            "EnforcementStatus": state.enforcement, "DedicatedIpAutoWarmupEnabled": False,
            "SendQuota": {"Max24HourSend": state.max_24h, "MaxSendRate": state.max_rate, "SentLast24Hours": sent},
        })

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

    # -- SES v2 GetEmailIdentity. moto: VerifiedForSendingStatus always false, no SigningHostedZone.
    #    SES: VerifiedForSendingStatus true for a verified identity; DkimAttributes.SigningHostedZone.
    original_get_email_identity = SESV2Response.get_email_identity

    def get_email_identity(self):
        answer = json.loads(original_get_email_identity(self))
        answer["VerifiedForSendingStatus"] = answer.get("VerificationStatus") == "SUCCESS"
        answer.setdefault("DkimAttributes", {})["SigningHostedZone"] = STATE.signing_zone
        return json.dumps(answer)

    SESV2Response.get_email_identity = get_email_identity

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

    # -- IAM SimulatePrincipalPolicy. moto: NotImplemented (500). IAM: evaluates the principal's
    #    policies with the given context. Emulated here for identity policies (inline, attached, group):
    #    explicit Deny > Allow > implicit deny; Action/Resource globs; String(Not)Equals / StringLike.
    def simulate_principal_policy(self):
        params = self._get_params()
        source = params.get("PolicySourceArn")
        actions = params.get("ActionNames") or []
        resources = params.get("ResourceArns") or ["*"]
        context = {}
        for entry in params.get("ContextEntries") or []:
            context[entry["ContextKeyName"].lower()] = entry.get("ContextKeyValues") or []
        documents = _policies_of(self.backend, source)
        results = []
        for action in actions:
            for resource in resources:
                results.append({"EvalActionName": action, "EvalResourceName": resource,
                                "EvalDecision": _decide(documents, action, resource, context),
                                "MatchedStatements": [], "MissingContextValues": []})
        return ActionResult({"EvaluationResults": results, "IsTruncated": False})

    IamResponse.simulate_principal_policy = simulate_principal_policy

    # -- IAM GetContextKeysForPrincipalPolicy. moto: NotImplemented. IAM: the condition keys the
    #    principal's policies use.
    def get_context_keys_for_principal_policy(self):
        documents = _policies_of(self.backend, self._get_params().get("PolicySourceArn"))
        keys = sorted({key for document in documents for statement in _listify(document.get("Statement", []))
                       for tests in (statement.get("Condition") or {}).values() for key in tests})
        return ActionResult({"ContextKeyNames": keys})

    IamResponse.get_context_keys_for_principal_policy = get_context_keys_for_principal_policy


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


def _decide(documents: list[dict], action: str, resource: str, context: dict) -> str:
    decision = "implicitDeny"
    for document in documents:
        for statement in _listify(document.get("Statement", [])):
            if not any(fnmatch.fnmatch(action.lower(), pattern.lower()) for pattern in _listify(statement.get("Action", []))):
                continue
            if not any(fnmatch.fnmatch(resource, pattern) for pattern in _listify(statement.get("Resource", "*"))):
                continue
            if not _conditions(statement.get("Condition") or {}, context):
                continue
            if statement.get("Effect") == "Deny":
                return "explicitDeny"
            decision = "allowed"
    return decision


def _conditions(conditions: dict, context: dict) -> bool:
    for operator, tests in conditions.items():
        for key, expected in tests.items():
            values = context.get(key.lower(), [])
            expected = _listify(expected)
            if operator == "StringEquals":
                ok = bool(values) and all(value in expected for value in values)
            elif operator == "StringNotEquals":
                ok = all(value not in expected for value in values)
            elif operator == "StringLike":
                ok = bool(values) and all(any(fnmatch.fnmatch(value, pattern) for pattern in expected) for value in values)
            else:
                ok = False  # an operator this emulation does not know never matches
            if not ok:
                return False
    return True


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
                 dkim_enabled: Optional[bool] = None, mail_from_status: Optional[str] = None) -> None:
        """Give an identity a state moto cannot reach by itself (Pending, Failed, DKIM off, ...)."""
        entry = STATE.identities.setdefault((region, name.lower()), {})
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


@pytest.fixture
def moto(moto_server, tmp_path):
    _post(f"{moto_server}/moto-api/reset")
    _post(f"{moto_server}/moto-api/reset-auth", b"inf")
    STATE.accounts.clear()
    STATE.faults.clear()
    STATE.fault_counts.clear()
    STATE.requests.clear()
    STATE.identities.clear()
    STATE.signing_zone = "dkim.amazonses.com"
    STATE.enforce_sandbox = True
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
