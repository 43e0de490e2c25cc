"""Every aws rule (SES701-SES740) and probe rule (SES801-SES840) judged on facts built by hand (issue 10,
step 6): firing, silent and not-checked cases, graded severities, exact messages and lines.

No emulator, no socket, no boto3 client: the facts come from `factkit` (the one builder), the config
is parsed by the static path, and the rules run through the engine's own dispatch. What the collector
makes of AWS's answers (each read, pagination, throttling, faults, pacing, the emulated shapes) is
tested against moto in the other modules of this folder, once per collector, and end to end.

Each table row is (id, overrides of `factkit.healthy()`, expected findings as (severity, needle,
message)), the needle naming the line and column the finding points at (`Config.at`); an empty
expectation is a silent case.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any, Callable, Union

import pytest

from ses_lint.core.findings import Stage
from ses_lint.rules import load_rules

from . import factkit as kit
from .factkit import Config, entry, step

Facts = Union[dict, Callable[[Config], dict]]
DEFAULT = Config()
ARN = f"arn:aws:ses:us-east-1:{kit.ACCOUNT}:identity/"
USER = kit.USER
RECIPIENTS = Config(entry(), workflows=step("email-ses", "ops@example.com", "someone@customer.org", kit.SIMULATOR, cc=["cc@customer.org"]))
PROFILE = Config(entry(keys=False, extra="profile: dev"))
CHAIN = Config(entry(keys=False))
SUBDOMAIN = Config(entry(sender="alerts@mail.example.com"))
DISPLAY = Config(entry(sender='"Ops Bot <noreply@example.com>"'))
ENDPOINT = Config(entry(endpoint="http://127.0.0.1:4566"))
TWO = Config(entry("first"), entry("second"))


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch):
    """These tables never touch the network: any connection attempt fails the test."""
    def refuse(self, address):
        raise AssertionError(f"a fact table tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@dataclass(frozen=True)
class Case:
    id: str
    facts: Facts
    expected: tuple[tuple[str, str, str], ...] = ()  # (severity, line needle, message); () = silent
    config: Config = DEFAULT


def case(id: str, facts: Facts, *expected: tuple[str, str, str], config: Config = DEFAULT) -> Case:
    return Case(id, facts, tuple(expected), config)


def facts_of(item: Case) -> dict:
    return item.facts(item.config) if callable(item.facts) else dict(item.facts)


def judged(config: Config, code: str, *subjects: Any) -> list[tuple[str, tuple[int, int], str]]:
    return [(severity, line, message) for _, severity, _, line, message in kit.rows(kit.judge(config, subjects, select=[code]))]


def expected_rows(config: Config, expected) -> list[tuple[str, tuple[int, int], str]]:
    return [(severity, config.at(needle), message) for severity, needle, message in expected]


# ================================================================================ SES701-SES713: who
NO_PROFILE = Config(entry(keys=False, extra="profile: prod"))
CHAIN_TRIED = ["environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)", "shared credentials file", "shared config file",
               "container role (ECS/EKS: AWS_CONTAINER_CREDENTIALS_*_URI)", "instance role: off (AWS_EC2_METADATA_DISABLED=true)"]
REJECTED = kit.error("auth", "InvalidClientTokenId", "The security token included in the request is invalid.", "sts:GetCallerIdentity").describe()

CASES: dict[str, list[Case]] = {}
CASES["SES701"] = [
    case("profile-not-defined", {"credentials": kit.credentials("profile", error="profile `prod` is not defined", tried=["profile `prod`"])},
         ("error", "profile:", "no AWS credentials: profile `prod` is not defined; tried, in order: profile `prod`"), config=NO_PROFILE),
    case("chain-exhausted-at-the-provider-key",
         {"credentials": kit.credentials("chain", error="none of the sources had credentials", tried=CHAIN_TRIED)},
         ("error", "email-ses:", "no AWS credentials: none of the sources had credentials; tried, in order: " + ", ".join(CHAIN_TRIED)),
         config=CHAIN),
    case("static-reference-unset", {"credentials": kit.credentials("static", error="`secret_access_key` references unset `SES_SECRET`")},
         ("error", "access_key_id:", "no AWS credentials: `secret_access_key` references unset `SES_SECRET`")),
    case("resolved", {}),
    case("never-resolved", {"credentials": None}),  # nothing checked before credentials (an unexpanded endpoint): SES740 says so
    case("stage-not-run", {"checked": False}),
]
CASES["SES702"] = [
    case("rejected-static-keys", {"auth_error": REJECTED},
         ("error", "access_key_id:", "AWS rejected the credentials from static keys in the config (access_key_id/secret_access_key): "
          "sts:GetCallerIdentity credentials rejected (InvalidClientTokenId: The security token included in the request is invalid.)")),
    case("rejected-profile", {"credentials": kit.credentials("profile", profile="dev"), "auth_error": "sts:GetCallerIdentity credentials rejected (ExpiredToken)"},
         ("error", "profile:", "AWS rejected the credentials from profile `dev` (shared credentials file): sts:GetCallerIdentity credentials rejected (ExpiredToken)"),
         config=PROFILE),
    case("accepted", {}),
    case("no-credentials-to-reject", {"credentials": None, "auth_error": REJECTED}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES713"] = [
    case("static-keys", {}, ("info", "access_key_id:", f"credentials from static keys in the config (access_key_id/secret_access_key); caller {USER}")),
    case("profile", {"credentials": kit.credentials("profile", profile="dev")},
         ("info", "profile:", f"credentials from profile `dev` (shared credentials file); caller {USER}"), config=PROFILE),
    case("environment-at-the-provider-key", {"credentials": kit.credentials("chain")},
         ("info", "email-ses:", f"credentials from environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); caller {USER}"), config=CHAIN),
    case("instance-role", {"credentials": kit.credentials("chain", method="iam-role"), "caller_arn": "arn:aws:sts::123456789012:assumed-role/mailer/i-0abc"},
         ("info", "email-ses:", "credentials from instance role (EC2 instance metadata, IMDS); caller arn:aws:sts::123456789012:assumed-role/mailer/i-0abc"),
         config=CHAIN),
    case("a-source-botocore-adds-later", {"credentials": kit.credentials("chain", method="future-source")},
         ("info", "email-ses:", f"credentials from future-source; caller {USER}"), config=CHAIN),
    case("caller-not-known", {"caller_arn": None},
         ("info", "access_key_id:", "credentials from static keys in the config (access_key_id/secret_access_key); "
          "caller not known (STS GetCallerIdentity failed: see SES740)")),
    case("rejected", {"auth_error": REJECTED}),
    case("not-resolved", {"credentials": kit.credentials("static", error="unset")}),
    case("never-resolved", {"credentials": None}),
    case("stage-not-run", {"checked": False}),
]


def denied(action: str, *pairs: tuple[str, str]) -> kit.ActionVerdict:
    return kit.verdict(action, "denied", pairs)


def hinges(action: str, *keys: str) -> kit.ActionVerdict:
    return kit.verdict(action, "unknown", keys=keys)


SEND_DENIED = denied("ses:SendEmail", (ARN + "example.com", "implicitDeny"))
RAW_DENIED = denied("ses:SendRawEmail", (ARN + "example.com", "implicitDeny"), (f"arn:aws:ses:us-east-1:{kit.ACCOUNT}:configuration-set/tx", "explicitDeny"))
CASES["SES710"] = [
    case("both-denied-error-at-the-credentials", {"iam": kit.iam(send_email=SEND_DENIED, send_raw=RAW_DENIED)},
         ("error", "access_key_id:", f"`{USER}` may not send as `noreply@example.com` (ses:SendEmail on {ARN}example.com: implicitDeny; "
          f"ses:SendRawEmail on {ARN}example.com: implicitDeny; ses:SendRawEmail on arn:aws:ses:us-east-1:{kit.ACCOUNT}:configuration-set/tx: explicitDeny)")),
    case("raw-denied-is-a-warning", {"iam": kit.iam(send_raw=denied("ses:SendRawEmail", (ARN + "example.com", "explicitDeny")))},
         ("warning", "access_key_id:", f"`{USER}` may not send as `noreply@example.com` (ses:SendRawEmail on {ARN}example.com: explicitDeny): "
          "raw messages and SMTP (SendRawEmail) would fail; ses:SendEmail (SendEmail with simple content) is allowed")),
    case("simple-denied-raw-not-known", {"iam": kit.iam(send_email=SEND_DENIED, send_raw=hinges("ses:SendRawEmail", "ses:ApiVersion"))},
         ("warning", "access_key_id:", f"`{USER}` may not send as `noreply@example.com` (ses:SendEmail on {ARN}example.com: implicitDeny): "
          "SendEmail with simple content would fail; ses:SendRawEmail (raw messages and SMTP (SendRawEmail)) is not checked (see SES740)")),
    case("chain-credentials-at-from", {"credentials": kit.credentials("chain"), "iam": kit.iam(send_email=SEND_DENIED, send_raw=RAW_DENIED)},
         ("error", "from:", f"`{USER}` may not send as `noreply@example.com` (ses:SendEmail on {ARN}example.com: implicitDeny; "
          f"ses:SendRawEmail on {ARN}example.com: implicitDeny; ses:SendRawEmail on arn:aws:ses:us-east-1:{kit.ACCOUNT}:configuration-set/tx: explicitDeny)"),
         config=CHAIN),
    case("allowed", {}),
    case("hinges-on-keys-is-no-verdict", {"iam": kit.iam(send_email=hinges("ses:SendEmail", "ses:ApiVersion"), send_raw=hinges("ses:SendRawEmail", "ses:ApiVersion"))}),
    case("not-simulated", {"iam": None}),
    case("stage-not-run", {"checked": False}),
]

# ============================================================================ SES703-SES718: identity
PENDING = kit.identity("example.com", "Pending")
CASES["SES703"] = [
    case("nowhere", {"identities": {}},
         ("error", "from:", "`noreply@example.com` is not covered by any SES identity in us-east-1 (looked up: noreply@example.com, example.com); "
          "no other SES region has it verified either")),
    case("verified-in-other-regions", {"identities": {}, "other_regions": ["eu-west-1", "us-west-2"]},
         ("error", "from:", "`noreply@example.com` is not covered by any SES identity in us-east-1 (looked up: noreply@example.com, example.com); "
          "it is verified in eu-west-1, us-west-2: set `region` to that region or verify it in us-east-1")),
    case("other-regions-not-all-asked", {"identities": {}, "other_regions_failed": ["eu-west-1"]},
         ("error", "from:", "`noreply@example.com` is not covered by any SES identity in us-east-1 (looked up: noreply@example.com, example.com); "
          "the other regions could not all be asked (eu-west-1)")),
    case("subdomain-sender-looks-up-parents", lambda c: {"identities": {}},
         ("error", "from:", "`alerts@mail.example.com` is not covered by any SES identity in us-east-1 "
          "(looked up: alerts@mail.example.com, mail.example.com, example.com); no other SES region has it verified either"), config=SUBDOMAIN),
    case("parent-domain-covers", {"identities": kit.identities(kit.identity("example.com"))}, config=SUBDOMAIN),
    case("address-identity-covers", {"identities": kit.identities(kit.identity("noreply@example.com"))}),
    case("exists-but-pending-is-SES704", {"identities": kit.identities(PENDING)}),
    case("not-read", {"identities": None}),
    case("from-not-an-address", {"sender": None, "identities": {}}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES704"] = [
    case("pending", {"identities": kit.identities(PENDING)},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is pending")),
    case("failed-with-its-remedy", {"identities": kit.identities(kit.identity("example.com", "Failed", verification_error="DNS_SERVER_ERROR"))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is failed "
          "(DNS_SERVER_ERROR: the domain's DNS server failed to answer SES: fix the authoritative servers)")),
    case("temporary-failure", {"identities": kit.identities(kit.identity("example.com", "TemporaryFailure"))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is temporarily failed")),
    case("not-started", {"identities": kit.identities(kit.identity("example.com", "NotStarted"))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is not started")),
    case("status-not-given", {"identities": kit.identities(kit.identity("example.com", None))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is unknown")),
    case("v1-success-but-not-verified-for-sending",
         {"identities": kit.identities(kit.identity("example.com", verified_for_sending=False, verification_error="TYPE_NOT_FOUND"))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is not verified for sending "
          "(VerifiedForSendingStatus false) (TYPE_NOT_FOUND: the name exists but has no record of the type SES looks for: "
          "publish the CNAME (or TXT) records SES gave)")),
    case("an-error-type-without-a-known-remedy", {"identities": kit.identities(kit.identity("example.com", "Failed", verification_error="NEW_KIND"))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `example.com` is failed (NEW_KIND)")),
    case("every-existing-identity-most-specific-first",
         {"identities": kit.identities(kit.identity("example.com", "Failed"), kit.identity("noreply@example.com", "Pending"))},
         ("error", "from:", "no verified SES identity covers `noreply@example.com` in us-east-1: `noreply@example.com` is pending, `example.com` is failed")),
    case("v1-verified-when-v2-did-not-answer", {"identities": kit.identities(kit.identity("example.com", v2=False))}),
    case("a-verified-one-covers", {"identities": kit.identities(kit.identity("noreply@example.com", "Pending"), kit.identity("example.com"))}),
    case("none-exists-is-SES703", {"identities": {}}),
    case("not-read", {"identities": None}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES705"] = [
    case("only-the-address-is-verified", {"identities": kit.identities(kit.identity("noreply@example.com"))},
         ("warning", "from:", "only the address identity `noreply@example.com` is verified in us-east-1: no domain identity with DKIM "
          "signs mail from `noreply@example.com`")),
    case("signing-disabled", {"identities": kit.identities(kit.identity("example.com", dkim_enabled=False))},
         ("warning", "from:", "DKIM signing is disabled for `example.com` in us-east-1")),
    case("pending", {"identities": kit.identities(kit.identity("example.com", dkim_status="Pending"))},
         ("warning", "from:", "DKIM status of `example.com` in us-east-1 is Pending, not Success")),
    case("status-not-given", {"identities": kit.identities(kit.identity("example.com", dkim_status=None))},
         ("warning", "from:", "DKIM status of `example.com` in us-east-1 is unknown, not Success")),
    case("the-most-specific-domain-is-named", lambda c: {"identities": kit.identities(
        kit.identity("mail.example.com", dkim_status="Pending"), kit.identity("example.com", dkim_enabled=False))},
         ("warning", "from:", "DKIM status of `mail.example.com` in us-east-1 is Pending, not Success"), config=SUBDOMAIN),
    case("a-parent-domain-signs", lambda c: {"identities": kit.identities(
        kit.identity("mail.example.com", dkim_status="Pending"), kit.identity("example.com"))}, config=SUBDOMAIN),
    case("address-and-signing-domain", {"identities": kit.identities(kit.identity("noreply@example.com"), kit.identity("example.com"))}),
    case("signs", {}),
    case("not-covered", {"identities": kit.identities(kit.identity("example.com", "Pending", dkim_status="Pending"))}),
    case("dkim-not-read", {"identities": kit.identities(kit.identity("example.com", dkim_status=None, dkim_enabled=None)), "dkim_known": False}),
    case("identities-not-read", {"identities": None}),
    case("stage-not-run", {"checked": False}),
]
MAIL_FROM = {"mail_from_domain": "bounce.example.com"}
CASES["SES711"] = [
    case("reject-message-is-an-error", {"identities": kit.identities(kit.identity(mail_from_status="Pending", mx_failure="RejectMessage", **MAIL_FROM))},
         ("error", "from:", "custom MAIL FROM `bounce.example.com` of `example.com` in us-east-1 is Pending, not Success: "
          "SES rejects mail from it until it is (MailFromDomainNotVerifiedException)")),
    case("use-default-value-is-a-warning", {"identities": kit.identities(kit.identity(mail_from_status="Failed", mx_failure="UseDefaultValue", **MAIL_FROM))},
         ("warning", "from:", "custom MAIL FROM `bounce.example.com` of `example.com` in us-east-1 is Failed, not Success: "
          "SES sends with its default MAIL FROM (amazonses.com) meanwhile, so SPF does not align")),
    case("behaviour-and-status-not-given", {"identities": kit.identities(kit.identity(**MAIL_FROM))},
         ("warning", "from:", "custom MAIL FROM `bounce.example.com` of `example.com` in us-east-1 is not verified, not Success")),
    case("the-address-identity-wins", {"identities": kit.identities(
        kit.identity("noreply@example.com", mail_from_domain="mf.example.com", mail_from_status="Pending", mx_failure="RejectMessage"),
        kit.identity(mail_from_status="Success", **MAIL_FROM))},
         ("error", "from:", "custom MAIL FROM `mf.example.com` of `noreply@example.com` in us-east-1 is Pending, not Success: "
          "SES rejects mail from it until it is (MailFromDomainNotVerifiedException)")),
    case("ready", {"identities": kit.identities(kit.identity(mail_from_status="Success", mx_failure="RejectMessage", **MAIL_FROM))}),
    case("no-custom-mail-from", {}),
    case("on-an-unverified-identity", {"identities": kit.identities(kit.identity(status="Pending", mail_from_status="Pending", **MAIL_FROM))}),
    case("not-read", {"identities": kit.identities(kit.identity()), "mail_from_known": False}),
    case("identities-not-read", {"identities": None}),
    case("stage-not-run", {"checked": False}),
]
TX = {"identities": kit.identities(kit.identity(configuration_set="tx"))}
CASES["SES714"] = [
    case("deleted", {**TX, "configuration_sets": [kit.configuration_set(exists=False)]},
         ("error", "from:", "configuration set `tx`, the default of `example.com` in us-east-1, does not exist: SES rejects every send from it "
          "(ConfigurationSetDoesNotExist)")),
    case("exists", {**TX, "configuration_sets": [kit.configuration_set()]}),
    case("not-read", {**TX, "configuration_sets": [kit.configuration_set(exists=None)]}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES715"] = [
    case("paused", {**TX, "configuration_sets": [kit.configuration_set(sending_enabled=False)]},
         ("error", "from:", "sending is paused for configuration set `tx` (default of `example.com`) in us-east-1: every send through it fails")),
    case("sending", {**TX, "configuration_sets": [kit.configuration_set()]}),
    case("sending-not-given", {**TX, "configuration_sets": [kit.configuration_set(sending_enabled=None)]}),
    case("deleted-is-SES714", {**TX, "configuration_sets": [kit.configuration_set(exists=False, sending_enabled=False)]}),
    case("not-read", {**TX, "configuration_sets": [kit.configuration_set(exists=None, sending_enabled=False)]}),
    case("stage-not-run", {"checked": False}),
]
TLS = "configuration set `tx` (default of `example.com`) requires TLS: receivers without TLS never get this provider's mail"
CASES["SES716"] = [
    case("require-with-its-options", {**TX, "configuration_sets": [kit.configuration_set(
        tls_policy="REQUIRE", suppressed_reasons=("BOUNCE", "COMPLAINT"), reputation_metrics=True)]},
         ("info", "from:", TLS + " (suppression: BOUNCE, COMPLAINT; reputation metrics on)")),
    case("require-suppressing-nothing", {**TX, "configuration_sets": [kit.configuration_set(
        tls_policy="REQUIRE", suppressed_reasons=(), reputation_metrics=False)]},
         ("info", "from:", TLS + " (suppression: none; reputation metrics off)")),
    case("require-options-not-given", {**TX, "configuration_sets": [kit.configuration_set(tls_policy="REQUIRE")]}, ("info", "from:", TLS)),
    case("optional", {**TX, "configuration_sets": [kit.configuration_set()]}),
    case("not-read", {**TX, "configuration_sets": [kit.configuration_set(exists=None, tls_policy="REQUIRE")]}),
    case("stage-not-run", {"checked": False}),
]
NOWHERE = kit.notifications(None, None, False)
UNHANDLED = "reach no SNS topic, no event destination and no feedback forwarding: set up SNS notifications (provider docs, Bounce and Complaint Issues)"
CASES["SES717"] = [
    case("neither-handled", {"identities": kit.identities(kit.identity(notifications=NOWHERE))},
         ("warning", "from:", f"bounces and complaints of `example.com` in us-east-1 {UNHANDLED}")),
    case("bounces-to-a-topic", {"identities": kit.identities(kit.identity(notifications=kit.notifications(complaint=None)))},
         ("warning", "from:", f"complaints of `example.com` in us-east-1 {UNHANDLED}")),
    case("complaints-to-a-topic", {"identities": kit.identities(kit.identity(notifications=kit.notifications(bounce=None)))},
         ("warning", "from:", f"bounces of `example.com` in us-east-1 {UNHANDLED}")),
    case("an-event-destination-for-bounces", {"identities": kit.identities(kit.identity(notifications=NOWHERE, configuration_set="tx")),
                                              "configuration_sets": [kit.configuration_set(event_types=frozenset({"BOUNCE", "DELIVERY"}))]},
         ("warning", "from:", f"complaints of `example.com` in us-east-1 {UNHANDLED}")),
    case("the-address-identity-wins", {"identities": kit.identities(kit.identity("noreply@example.com", notifications=NOWHERE), kit.identity())},
         ("warning", "from:", f"bounces and complaints of `noreply@example.com` in us-east-1 {UNHANDLED}")),
    case("a-deleted-set-handles-nothing", {"identities": kit.identities(kit.identity(notifications=NOWHERE, configuration_set="tx")),
                                           "configuration_sets": [kit.configuration_set(exists=False)]},
         ("warning", "from:", f"bounces and complaints of `example.com` in us-east-1 {UNHANDLED}")),
    case("topics", {}),
    case("feedback-forwarding", {"identities": kit.identities(kit.identity(notifications=kit.notifications(None, None, True)))}),
    case("event-destinations-for-both", {"identities": kit.identities(kit.identity(notifications=NOWHERE, configuration_set="tx")),
                                         "configuration_sets": [kit.configuration_set(event_types=frozenset({"BOUNCE", "COMPLAINT"}))]}),
    case("destinations-not-read", {"identities": kit.identities(kit.identity(notifications=NOWHERE, configuration_set="tx")),
                                   "configuration_sets": [kit.configuration_set(event_types=None)]}),
    case("notifications-not-read", {"identities": kit.identities(kit.identity(notifications=None))}),
    case("default-set-not-known-without-v2", {"identities": kit.identities(kit.identity(v2=False, notifications=NOWHERE))}),
    case("not-covered", {"identities": kit.identities(kit.identity(status="Pending", notifications=NOWHERE))}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES718"] = [
    case("1024-bits", {"identities": kit.identities(kit.identity(dkim_key_length="RSA_1024_BIT"))},
         ("warning", "from:", "`example.com` in us-east-1 signs with a 1024-bit DKIM key: move to 2048 bits")),
    case("the-signing-parent-domain", lambda c: {"identities": kit.identities(kit.identity(dkim_key_length="RSA_1024_BIT"))},
         ("warning", "from:", "`example.com` in us-east-1 signs with a 1024-bit DKIM key: move to 2048 bits"), config=SUBDOMAIN),
    case("2048-bits", {}),
    case("length-not-read", {"identities": kit.identities(kit.identity(v2=False))}),
    case("address-identity-only", {"identities": kit.identities(kit.identity("noreply@example.com", dkim_key_length="RSA_1024_BIT"))}),
    case("not-covered", {"identities": kit.identities(kit.identity(status="Pending", dkim_key_length="RSA_1024_BIT"))}),
    case("stage-not-run", {"checked": False}),
]

# ============================================================================= SES706-SES722: account
SANDBOX_TAIL = "200 messages a day, 1 a second, and only to verified recipients"
CASES["SES706"] = [
    case("sandbox", {"account_facts": kit.sandbox()}, ("warning", "region:", f"the SES account 123456789012 is in the sandbox in us-east-1: {SANDBOX_TAIL}")),
    case("guessed-from-the-v1-quota", {"account_facts": kit.sandbox(source="v1")},
         ("warning", "region:", "the SES account 123456789012 is in the sandbox in us-east-1 (guessed from its 200/day, 1/s quota: "
          f"SES v2 GetAccount was not answered): {SANDBOX_TAIL}")),
    case("account-id-not-known", {"account_facts": kit.sandbox(), "account": None},
         ("warning", "region:", f"the SES account is in the sandbox in us-east-1: {SANDBOX_TAIL}")),
    case("in-the-provider-region", lambda c: {"account_facts": kit.sandbox()},
         ("warning", "region:", f"the SES account 123456789012 is in the sandbox in eu-west-1: {SANDBOX_TAIL}"), config=Config(entry(region="eu-west-1"))),
    case("production", {}),
    case("sandbox-not-known", {"account_facts": kit.account("v1", production=None)}),
    case("not-read", {"account_facts": None}),
    case("stage-not-run", {"checked": False}),
]
REJECTS = "is not a verified identity in us-east-1, and the account is in the SES sandbox there: SES will reject messages to it through `email-ses`"
CASES["SES707"] = [
    case("an-unverified-recipient", lambda c: {"account_facts": kit.sandbox(),
                                               "recipients": kit.recipients(c, verified={"someone@customer.org": False})},
         ("error", "someone@customer.org", f"`someone@customer.org` {REJECTS}"), config=RECIPIENTS),
    case("each-field-at-its-line", lambda c: {"account_facts": kit.sandbox(),
                                              "recipients": kit.recipients(c, verified={"someone@customer.org": False, "cc@customer.org": False})},
         ("error", "someone@customer.org", f"`someone@customer.org` {REJECTS}"), ("error", "cc@customer.org", f"`cc@customer.org` {REJECTS}"),
         config=RECIPIENTS),
    case("verified", lambda c: {"account_facts": kit.sandbox()}, config=RECIPIENTS),
    case("not-known", lambda c: {"account_facts": kit.sandbox(),
                                 "recipients": kit.recipients(c, verified={"someone@customer.org": None})}, config=RECIPIENTS),
    case("production", lambda c: {"recipients": kit.recipients(c, verified={"someone@customer.org": False})}, config=RECIPIENTS),
    case("account-not-read", lambda c: {"account_facts": None,
                                        "recipients": kit.recipients(c, verified={"someone@customer.org": False})}, config=RECIPIENTS),
    case("stage-not-run", {"checked": False}, config=RECIPIENTS),
]
PROBATION = ("the SES account in us-east-1 is under review (EnforcementStatus PROBATION): sending continues, but AWS pauses it if the bounce "
             "or complaint rate does not improve")
CASES["SES708"] = [
    case("sending-disabled", {"account_facts": kit.account(sending_enabled=False)},
         ("error", "region:", "sending is disabled for the SES account in us-east-1: every send fails")),
    case("shut-down", {"account_facts": kit.account(enforcement="SHUTDOWN")},
         ("error", "region:", "the SES account in us-east-1 is shut down (EnforcementStatus SHUTDOWN): every send fails")),
    case("probation-is-a-warning", {"account_facts": kit.account(enforcement="PROBATION")}, ("warning", "region:", PROBATION)),
    case("status-in-any-case", {"account_facts": kit.account(enforcement="probation")}, ("warning", "region:", PROBATION)),
    case("disabled-and-on-probation", {"account_facts": kit.account(sending_enabled=False, enforcement="PROBATION")},
         ("error", "region:", "sending is disabled for the SES account in us-east-1: every send fails"), ("warning", "region:", PROBATION)),
    case("v1-disabled", {"account_facts": kit.account("v1", sending_enabled=False)},
         ("error", "region:", "sending is disabled for the SES account in us-east-1: every send fails")),
    case("healthy", {}),
    case("not-known", {"account_facts": kit.account("v1", sending_enabled=None)}),
    case("not-read", {"account_facts": None}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES709"] = [
    case("90-percent", {"account_facts": kit.account(max_24h=50000.0, sent_24h=45000.0)},
         ("warning", "region:", "90% of the 24-hour sending quota in us-east-1 is used (45000 of 50000)")),
    case("exactly-80-percent", {"account_facts": kit.account(max_24h=200.0, sent_24h=160.0)},
         ("warning", "region:", "80% of the 24-hour sending quota in us-east-1 is used (160 of 200)")),
    case("used-up-is-an-error", {"account_facts": kit.account(max_24h=200.0, sent_24h=200.0)},
         ("error", "region:", "the 24-hour sending quota in us-east-1 is used up (200 of 200): SES rejects every send until the window moves on")),
    case("over", {"account_facts": kit.account(max_24h=200.0, sent_24h=230.0)},
         ("error", "region:", "the 24-hour sending quota in us-east-1 is used up (230 of 200): SES rejects every send until the window moves on")),
    case("just-under-80-percent", {"account_facts": kit.account(max_24h=50000.0, sent_24h=39999.0)}),
    case("unlimited", {"account_facts": kit.account(max_24h=-1.0, sent_24h=1e9)}),
    case("no-quota", {"account_facts": kit.account(max_24h=0.0, sent_24h=0.0)}),
    case("quota-not-read", {"account_facts": kit.account("v1", max_24h=None, sent_24h=None)}),
    case("sent-not-given", {"account_facts": kit.account(sent_24h=None)}),
    case("not-read", {"account_facts": None}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES712"] = [
    case("bounce-rate", {"bounce_rate": 0.07}, ("warning", "region:", "bounce rate in us-east-1 is 7.00% (AWS reviews accounts at 5%)")),
    case("bounce-rate-at-the-limit", {"bounce_rate": 0.05}, ("warning", "region:", "bounce rate in us-east-1 is 5.00% (AWS reviews accounts at 5%)")),
    case("complaint-rate", {"complaint_rate": 0.0015}, ("warning", "region:", "complaint rate in us-east-1 is 0.150% (AWS reviews accounts at 0.1%)")),
    case("complaint-rate-at-the-limit", {"complaint_rate": 0.001},
         ("warning", "region:", "complaint rate in us-east-1 is 0.100% (AWS reviews accounts at 0.1%)")),
    case("both", {"bounce_rate": 0.1, "complaint_rate": 0.002}, ("warning", "region:", "bounce rate in us-east-1 is 10.00% (AWS reviews accounts at 5%)"),
         ("warning", "region:", "complaint rate in us-east-1 is 0.200% (AWS reviews accounts at 0.1%)")),
    case("under-the-limits", {"bounce_rate": 0.0499, "complaint_rate": 0.00099}),
    case("no-datapoints", {"bounce_rate": None, "complaint_rate": None}),
    case("stage-not-run", {"checked": False}),
]
SUPPRESSED_TAIL = "SES will accept messages to it through `email-ses` and never deliver them"
CASES["SES719"] = [
    case("bounced", lambda c: {"recipients": kit.recipients(c, suppressed={"someone@customer.org": kit.suppression()})},
         ("warning", "someone@customer.org", "`someone@customer.org` is on the SES account-level suppression list in us-east-1 (BOUNCE since 2025-10-02): "
          + SUPPRESSED_TAIL), config=RECIPIENTS),
    case("complained-date-not-given", lambda c: {"recipients": kit.recipients(c, suppressed={
        "cc@customer.org": kit.suppression("COMPLAINT", None)})},
         ("warning", "cc@customer.org", "`cc@customer.org` is on the SES account-level suppression list in us-east-1 (COMPLAINT): " + SUPPRESSED_TAIL),
         config=RECIPIENTS),
    case("in-the-sandbox-too", lambda c: {"account_facts": kit.sandbox(),
                                          "recipients": kit.recipients(c, suppressed={"ops@example.com": kit.suppression()})},
         ("warning", "ops@example.com", "`ops@example.com` is on the SES account-level suppression list in us-east-1 (BOUNCE since 2025-10-02): "
          + SUPPRESSED_TAIL), config=RECIPIENTS),
    case("none-suppressed", {}, config=RECIPIENTS),
    case("stage-not-run", {"checked": False}, config=RECIPIENTS),
]
CASES["SES720"] = [
    case("high-impact-is-a-warning", {"recommendations": [kit.recommendation()]},
         ("warning", "from:", "SES advisor, DMARC (HIGH impact) for example.com: No DMARC record found")),
    case("low-impact-is-info", {"recommendations": [kit.recommendation("BIMI", "LOW", "No BIMI record")]},
         ("info", "from:", "SES advisor, BIMI (LOW impact) for example.com: No BIMI record")),
    case("no-description", {"recommendations": [kit.recommendation("SPF", "HIGH", "")]},
         ("warning", "from:", "SES advisor, SPF (HIGH impact) for example.com: see the SES console")),
    case("each-one", {"recommendations": [kit.recommendation(), kit.recommendation("COMPLAINT", "HIGH", "complaints", "noreply@example.com")]},
         ("warning", "from:", "SES advisor, COMPLAINT (HIGH impact) for noreply@example.com: complaints"),  # sorted by line, then message
         ("warning", "from:", "SES advisor, DMARC (HIGH impact) for example.com: No DMARC record found")),
    case("none-open", {"recommendations": []}),
    case("not-read", {"recommendations": None}),
    case("stage-not-run", {"checked": False}),
]
VDM_OFF = "Virtual Deliverability Manager is off in us-east-1: SES's advisor recommendations were not consulted"
CASES["SES721"] = [
    case("off", {"account_facts": kit.account(vdm_enabled=False), "recommendations": None}, ("info", "region:", VDM_OFF)),
    case("absent-means-off", {"account_facts": kit.account(vdm_enabled=None), "recommendations": None}, ("info", "region:", VDM_OFF)),
    case("said-once-per-unit", {"account_facts": kit.account(vdm_enabled=False), "recommendations": None, "unit_lead": False}),
    case("on", {}),
    case("v1-cannot-tell", {"account_facts": kit.account("v1"), "recommendations": None}),
    case("not-read", {"account_facts": None}),
    case("stage-not-run", {"checked": False}),
]
CASES["SES722"] = [
    case("denied-is-a-warning", {"account_facts": kit.sandbox(review_status="DENIED", review_case="1234567890")},
         ("warning", "region:", "the request for SES production access in us-east-1 was denied (support case 1234567890): the account stays in the sandbox")),
    case("pending-is-info", {"account_facts": kit.sandbox(review_status="PENDING", review_case="42")},
         ("info", "region:", "the request for SES production access in us-east-1 is pending (support case 42)")),
    case("pending-without-a-case", {"account_facts": kit.sandbox(review_status="PENDING")},
         ("info", "region:", "the request for SES production access in us-east-1 is pending")),
    case("granted", {"account_facts": kit.sandbox(review_status="GRANTED", review_case="42")}),
    case("production-already", {"account_facts": kit.account(review_status="DENIED", review_case="43")}),
    case("no-request", {"account_facts": kit.sandbox()}),
    case("not-read", {"account_facts": None}),
    case("stage-not-run", {"checked": False}),
]

# ============================================================================== SES740: not checked
IDENTITY_DENIED = ("identity verification of `noreply@example.com` in us-east-1 not checked: ses:GetIdentityVerificationAttributes access denied "
                   "(AccessDenied: User is not authorized)")
RATES_THROTTLED = "bounce and complaint rates in us-east-1 not checked: cloudwatch:GetMetricData throttled past 2 attempts (Throttling: Rate exceeded)"
NOTHING = "nothing checked in AWS (credentials, identity, sandbox, quota, IAM): sts:GetCallerIdentity endpoint unreachable (Could not connect)"
CASES["SES740"] = [
    case("at-from", {"identities": None, "unknowns": [kit.unknown("config.from", IDENTITY_DENIED)]}, ("error", "from:", IDENTITY_DENIED)),
    case("at-region", {"bounce_rate": None, "unknowns": [kit.unknown("config.region", RATES_THROTTLED)]}, ("error", "region:", RATES_THROTTLED)),
    case("at-the-credentials", {"unknowns": [kit.unknown("config.access_key_id", NOTHING)]}, ("error", "access_key_id:", NOTHING)),
    case("at-the-provider-key", {"credentials": kit.credentials("chain"), "unknowns": [kit.unknown("", NOTHING)]}, ("error", "email-ses:", NOTHING),
         config=CHAIN),
    case("each-one", {"unknowns": [kit.unknown("config.from", IDENTITY_DENIED), kit.unknown("config.region", RATES_THROTTLED)]},
         ("error", "from:", IDENTITY_DENIED), ("error", "region:", RATES_THROTTLED)),
    case("everything-read", {}),
    case("stage-not-run", {"checked": False}),
]


# ====================================================================================== the aws tables
AWS_CASES = [(code, item) for code, items in CASES.items() for item in items]


@pytest.mark.parametrize("code, item", AWS_CASES, ids=[f"{code}-{item.id}" for code, item in AWS_CASES])
def test_aws_rule_on_facts(code, item):
    subject = kit.aws(item.config, **facts_of(item))
    assert judged(item.config, code, subject) == expected_rows(item.config, item.expected)


def test_an_unchecked_provider_has_no_finding():
    assert kit.judge(DEFAULT, [kit.unchecked(DEFAULT), kit.probe(kit.unchecked(DEFAULT))]) == []


def test_a_healthy_provider_only_says_where_its_credentials_come_from():
    assert [f.code for f in kit.judge(DEFAULT, [kit.aws(DEFAULT)])] == ["SES713"]


def test_the_same_failure_of_several_providers_is_one_finding_listing_them():
    shared = NOTHING.replace("sts:", "sesv2:")
    first, second = (kit.aws(TWO, key, unknowns=[kit.unknown("config.region", shared), kit.unknown("config.from", f"only {key}")])
                     for key in ("first", "second"))
    assert [(line, message) for _, _, _, line, message in kit.rows(kit.judge(TWO, [first, second], select=["SES740"]))] == [
        (TWO.at("from:", 1), "only first"),
        (TWO.at("region:", 1), f"{shared} (concerns providers `first`, `second`)"),
        (TWO.at("from:", 2), "only second"),
    ]


# ------------------------------------------- not checked: an unknown read silences its rule, SES740 names it
@dataclass(frozen=True)
class Unread:
    """A read that failed: `fires` makes `code` fire; `unread` is the same facts as the collector leaves
    them when the read fails, with the unknown it records."""

    code: str
    fires: Facts
    unread: Facts
    key: str  # the config key the unknown concerns
    message: str
    config: Config = DEFAULT


def unread(code: str, fires: Facts, unread_: Facts, key: str, message: str, config: Config = DEFAULT) -> Unread:
    return Unread(code, fires, unread_, key, message, config)


def _merge(config: Config, *parts: Facts) -> dict:
    merged: dict = {}
    for part in parts:
        merged.update(part(config) if callable(part) else part)
    return merged


def _denied(operation: str, what: str) -> str:
    return f"{what} not checked: {kit.error('denied', 'AccessDenied', 'User is not authorized', operation).describe()}"


SANDBOXED = lambda c: {"account_facts": kit.sandbox(), "recipients": kit.recipients(c, verified={"someone@customer.org": False})}  # noqa: E731
V1_UNREAD = kit.account("v1", production=None, sending_enabled=None, max_24h=None, max_rate=None, sent_24h=None)
ENDPOINT_REF = Config(entry(endpoint="${ENDPOINT}"))


def account_unread(*v1: str) -> str:
    """SES740's words when GetAccount fails, and the v1 fallbacks `v1` too (as the collector puts them)."""
    missing = (["sandbox status", "24-hour quota"] if "ses:GetSendQuota" in v1 else []) + (
        ["whether sending is enabled"] if "ses:GetAccountSendingEnabled" in v1 else [])
    missing.append("enforcement status (probation, shutdown), production access review, VDM advisor")
    failed = "; ".join(kit.error("denied", "AccessDenied", "User is not authorized", operation).describe() for operation in ("sesv2:GetAccount", *v1))
    return f"{', '.join(missing)} in us-east-1 not checked: {failed}"


ACCOUNT_UNREAD = account_unread("ses:GetSendQuota", "ses:GetAccountSendingEnabled")
UNREAD = [
    unread("SES703", {"identities": {}}, {"identities": None}, "config.from", IDENTITY_DENIED),
    unread("SES704", {"identities": kit.identities(PENDING)}, {"identities": None}, "config.from", IDENTITY_DENIED),
    unread("SES705", {"identities": kit.identities(kit.identity(dkim_status="Pending"))},
           {"identities": kit.identities(kit.identity(dkim_status=None, dkim_enabled=None)), "dkim_known": False}, "config.from",
           _denied("ses:GetIdentityDkimAttributes", "DKIM status of the identities covering `noreply@example.com` in us-east-1")),
    unread("SES706", {"account_facts": kit.sandbox()}, {"account_facts": V1_UNREAD}, "config.region", ACCOUNT_UNREAD),
    unread("SES707", SANDBOXED, {"account_facts": V1_UNREAD}, "config.region", ACCOUNT_UNREAD, RECIPIENTS),
    unread("SES707", SANDBOXED, lambda c: {"recipients": kit.recipients(c, verified={"someone@customer.org": None}), "identities": None},
           "config.from", IDENTITY_DENIED.replace("` in", "` and of its 4 workflow recipient(s) in"), RECIPIENTS),
    unread("SES708", {"account_facts": kit.account(sending_enabled=False)}, {"account_facts": kit.account("v1", sending_enabled=None)}, "config.region",
           account_unread("ses:GetAccountSendingEnabled")),
    unread("SES709", {"account_facts": kit.account(sent_24h=45000.0)},
           {"account_facts": kit.account("v1", production=None, max_24h=None, max_rate=None, sent_24h=None)}, "config.region",
           account_unread("ses:GetSendQuota")),
    unread("SES710", {"iam": kit.iam(send_email=SEND_DENIED, send_raw=RAW_DENIED)}, {"iam": None}, "config.access_key_id",
           _denied("iam:SimulatePrincipalPolicy", "IAM permission to send as `noreply@example.com`")),
    unread("SES710", {"iam": kit.iam(send_email=SEND_DENIED, send_raw=RAW_DENIED)},
           {"iam": kit.iam(send_email=hinges("ses:SendEmail", "ses:ApiVersion"), send_raw=hinges("ses:SendRawEmail", "ses:ApiVersion"))},
           "config.access_key_id", "IAM permission for ses:SendEmail (SendEmail with simple content) and ses:SendRawEmail (raw messages and SMTP "
           f"(SendRawEmail)) as `noreply@example.com` not checked: the decision of `{USER}`'s policies hinges on `ses:ApiVersion`, which ses-lint "
           "cannot know for this provider's sends"),
    unread("SES711", {"identities": kit.identities(kit.identity(mail_from_status="Pending", **MAIL_FROM))},
           {"identities": kit.identities(kit.identity()), "mail_from_known": False}, "config.from",
           _denied("ses:GetIdentityMailFromDomainAttributes", "custom MAIL FROM status of the identities covering `noreply@example.com` in us-east-1")),
    unread("SES712", {"bounce_rate": 0.07}, {"bounce_rate": None, "complaint_rate": None}, "config.region",
           _denied("cloudwatch:GetMetricData", "bounce and complaint rates in us-east-1")),
    unread("SES713", {}, {"credentials": None, "endpoint": None, "unreachable": "`endpoint` `${ENDPOINT}` references an unset environment variable"},
           "config.endpoint", "nothing checked in AWS: `endpoint` `${ENDPOINT}` references an unset environment variable", ENDPOINT_REF),
    unread("SES714", {**TX, "configuration_sets": [kit.configuration_set(exists=False)]},
           {"identities": kit.identities(kit.identity(v2=False)), "configuration_sets": []}, "config.from",
           "SES v2 state of identity `example.com` in us-east-1 not read (sending status, default configuration set, DKIM origin and key length, "
           "DKIM signing hosted zone): sesv2:GetEmailIdentity access denied (AccessDenied: User is not authorized)"),
    unread("SES715", {**TX, "configuration_sets": [kit.configuration_set(sending_enabled=False)]},
           {**TX, "configuration_sets": [kit.configuration_set(exists=None)]}, "config.from",
           "configuration set `tx` (default of `example.com`) in us-east-1 not read: sesv2:GetConfigurationSet access denied (AccessDenied: User is not authorized)"),
    unread("SES716", {**TX, "configuration_sets": [kit.configuration_set(tls_policy="REQUIRE")]},
           {**TX, "configuration_sets": [kit.configuration_set(exists=None)]}, "config.from",
           "configuration set `tx` (default of `example.com`) in us-east-1 not read: sesv2:GetConfigurationSet access denied (AccessDenied: User is not authorized)"),
    unread("SES717", {"identities": kit.identities(kit.identity(notifications=NOWHERE, configuration_set="tx")), "configuration_sets": [kit.configuration_set()]},
           {"identities": kit.identities(kit.identity(notifications=NOWHERE, configuration_set="tx")), "configuration_sets": [kit.configuration_set(event_types=None)]},
           "config.from", "event destinations of configuration set `tx` in us-east-1 not read: sesv2:GetConfigurationSetEventDestinations access denied "
           "(AccessDenied: User is not authorized)"),
    unread("SES717", {"identities": kit.identities(kit.identity(notifications=NOWHERE))}, {"identities": kit.identities(kit.identity(notifications=None))},
           "config.from", _denied("ses:GetIdentityNotificationAttributes",
                                  "bounce and complaint notifications of the identities covering `noreply@example.com` in us-east-1")),
    unread("SES718", {"identities": kit.identities(kit.identity(dkim_key_length="RSA_1024_BIT"))}, {"identities": kit.identities(kit.identity(v2=False))},
           "config.from", "SES v2 state of identity `example.com` in us-east-1 not read (sending status, default configuration set, DKIM origin and "
           "key length, DKIM signing hosted zone): sesv2:GetEmailIdentity access denied (AccessDenied: User is not authorized)"),
    unread("SES719", lambda c: {"recipients": kit.recipients(c, suppressed={"someone@customer.org": kit.suppression()})},
           lambda c: {"recipients": kit.recipients(c)}, "config.from",
           "the account-level suppression list in us-east-1 not checked for 3 recipient(s) (`ops@example.com`, `someone@customer.org`, "
           "`cc@customer.org`): sesv2:GetSuppressedDestination access denied (AccessDenied: User is not authorized)", RECIPIENTS),
    unread("SES720", {"recommendations": [kit.recommendation()]}, {"recommendations": None}, "config.region",
           "SES advisor recommendations in us-east-1 not read: sesv2:ListRecommendations access denied (AccessDenied: User is not authorized)"),
    unread("SES721", {"account_facts": kit.account(vdm_enabled=False), "recommendations": None}, {"account_facts": V1_UNREAD}, "config.region",
           ACCOUNT_UNREAD),
    unread("SES722", {"account_facts": kit.sandbox(review_status="DENIED", review_case="1")}, {"account_facts": kit.sandbox(source="v1")},
           "config.region", account_unread()),
]


@pytest.mark.parametrize("item", UNREAD, ids=[f"{item.code}-{item.key.rsplit('.', 1)[-1]}" for item in UNREAD])
def test_an_unknown_read_silences_its_rule_and_SES740_names_it(item):
    config = item.config
    firing = kit.judge(config, [kit.aws(config, **_merge(config, kit.healthy, item.fires))], select=[item.code])
    assert item.code in {f.code for f in firing}, "the facts before the fault must make the rule fire"
    subject = kit.aws(config, **_merge(config, kit.healthy, item.fires, item.unread, {"unknowns": [kit.unknown(item.key, item.message)]}))
    line = config.at(item.key.rsplit(".", 1)[-1] + ":")
    assert [(code, line_, message) for code, _, _, line_, message in kit.rows(kit.judge(config, [subject], select=[item.code, "SES740"]))] == [
        ("SES740", line, item.message)]


# ============================================================================== SES801-SES840: probe
REMEDY_VERIFICATION = ("remedy [provider docs, Troubleshooting > Verification Issues]: Verify email address or domain in SES console; Check verification "
                       "status: `aws ses get-identity-verification-attributes`; Ensure using correct AWS region; Wait for domain DNS propagation (up to 72 hours)")
REMEDY_SANDBOX = ("remedy [provider docs, Troubleshooting > Sandbox Limitations]: Request production access from SES console; Verify recipient "
                  "addresses for testing in sandbox; Check account is out of sandbox: SES Console > Account Dashboard")
REMEDY_AUTH = ("remedy [provider docs, Troubleshooting > Authentication Errors]: Verify IAM permissions include `ses:SendEmail`; Check AWS credentials "
               "are correctly configured; Ensure region matches SES setup region; Test credentials: `aws ses get-send-quota --region us-east-1`")
REMEDY_RATE = ("remedy [provider docs, Troubleshooting > Sending Rate Exceeded]: Check current limits: `aws ses get-send-quota`; Implement "
               "exponential backoff retry logic; Request sending limit increase; Distribute sending over time")
REMEDY_MAIL_FROM = ("remedy: (not in the provider docs) publish the custom MAIL FROM domain's MX `feedback-smtp.<region>.amazonses.com` and SPF "
                    "records, or set BehaviorOnMXFailure to UseDefaultValue")
REMEDY_PAUSED = ("remedy: (not in the provider docs) sending is paused for the account or configuration set: see the SES console's account "
                 "dashboard and AWS's notice")
REMEDY_OTHER = "remedy: see the error message; run `ses-lint --aws` for the account, identity and IAM checks"
NOT_VERIFIED = "Email address is not verified. The following identities failed the check in region US-EAST-1: noreply@example.com"
REJECTED_PROBE = f"probe send from `noreply@example.com` to {kit.SIMULATOR} rejected: "


@dataclass(frozen=True)
class Probe:
    id: str
    outcome: dict  # ProbeResult fields
    expected: tuple[tuple[str, str, str], ...] = ()
    facts: Facts = field(default_factory=dict)  # overrides of the provider's healthy aws facts
    config: Config = DEFAULT
    recipient: str = kit.SIMULATOR


def probe(id: str, outcome: dict, *expected, facts: Facts | None = None, config: Config = DEFAULT, recipient: str = kit.SIMULATOR) -> Probe:
    return Probe(id, outcome, tuple(expected), facts or {}, config, recipient)


def rejected(code: str, message: str, kind: str = "error") -> dict:
    return {"error": kit.error(kind, code, message)}


PROBES: dict[str, list[Probe]] = {}
PROBES["SES801"] = [
    probe("sender-not-verified", rejected("MessageRejected", NOT_VERIFIED), ("error", "from:", f"{REJECTED_PROBE}MessageRejected: {NOT_VERIFIED}; {REMEDY_VERIFICATION}"),
          facts={"identities": {}}),
    probe("sender-verified-elsewhere", rejected("MessageRejected", NOT_VERIFIED),
          ("error", "from:", f"{REJECTED_PROBE}MessageRejected: {NOT_VERIFIED}; {REMEDY_VERIFICATION} (the sender is verified in eu-west-1, not in us-east-1)"),
          facts={"identities": {}, "other_regions": ["eu-west-1"]}),
    probe("recipient-not-verified", rejected("MessageRejected", "Email address is not verified: someone@customer.org"),
          ("error", "from:", "probe send from `noreply@example.com` to someone@customer.org rejected: MessageRejected: Email address is not verified: "
           f"someone@customer.org; {REMEDY_SANDBOX}"), recipient="someone@customer.org"),
    probe("covered-in-the-sandbox", rejected("MessageRejected", "Email address is not verified."),
          ("error", "from:", f"{REJECTED_PROBE}MessageRejected: Email address is not verified.; {REMEDY_SANDBOX}"), facts={"account_facts": kit.sandbox()}),
    probe("covered-in-production-is-verification", rejected("MessageRejected", "Email address is not verified."),
          ("error", "from:", f"{REJECTED_PROBE}MessageRejected: Email address is not verified.; {REMEDY_VERIFICATION}")),
    probe("denied", rejected("AccessDeniedException", "not authorized to perform ses:SendEmail", "denied"),
          ("error", "from:", f"{REJECTED_PROBE}AccessDeniedException: not authorized to perform ses:SendEmail; {REMEDY_AUTH}")),
    probe("credentials-rejected", rejected("UnrecognizedClientException", "The security token included in the request is invalid", "auth"),
          ("error", "from:", f"{REJECTED_PROBE}UnrecognizedClientException: The security token included in the request is invalid; {REMEDY_AUTH}")),
    probe("rate-exceeded", rejected("TooManyRequestsException", "Maximum sending rate exceeded."),
          ("error", "from:", f"{REJECTED_PROBE}TooManyRequestsException: Maximum sending rate exceeded.; {REMEDY_RATE}")),
    probe("throttled-by-any-code", rejected("SlowDown", "Please reduce your request rate", "throttled"),
          ("error", "from:", f"{REJECTED_PROBE}SlowDown: Please reduce your request rate; {REMEDY_RATE}")),
    probe("mail-from-not-verified", rejected("MailFromDomainNotVerifiedException", "MAIL FROM domain not verified"),
          ("error", "from:", f"{REJECTED_PROBE}MailFromDomainNotVerifiedException: MAIL FROM domain not verified; {REMEDY_MAIL_FROM}")),
    probe("sending-paused", rejected("AccountSendingPausedException", "Account sending paused"),
          ("error", "from:", f"{REJECTED_PROBE}AccountSendingPausedException: Account sending paused; {REMEDY_PAUSED}")),
    probe("configuration-set-paused", rejected("ConfigurationSetSendingPausedException", "Sending paused for tx"),
          ("error", "from:", f"{REJECTED_PROBE}ConfigurationSetSendingPausedException: Sending paused for tx; {REMEDY_PAUSED}")),
    probe("an-error-the-docs-do-not-cover", rejected("InvalidParameterValue", "Missing final '@domain'"),
          ("error", "from:", f"{REJECTED_PROBE}InvalidParameterValue: Missing final '@domain'; {REMEDY_OTHER}")),
    probe("sent", {"message_id": "0100-abc", "latency": 0.1}),
    probe("not-attempted", {"not_attempted": "no AWS credentials"}),
]
SENT = f"probe sent from `noreply@example.com` to {kit.SIMULATOR}: message id 0100-abc, 182 ms, "
PROBES["SES802"] = [
    probe("delivered", {"message_id": "0100-abc", "latency": 0.182, "delivery": "delivered"}, ("info", "from:", SENT + "delivered")),
    probe("complained", {"message_id": "0100-abc", "latency": 0.182, "delivery": "complained"},
          ("info", "from:", SENT + "delivered (and the recipient complained)")),
    probe("bounced-is-a-warning", {"message_id": "0100-abc", "latency": 0.182, "delivery": "bounced", "bounce_type": "PERMANENT"},
          ("warning", "from:", SENT + "bounced (PERMANENT)")),
    probe("bounced-type-not-given", {"message_id": "0100-abc", "latency": 0.182, "delivery": "bounced"},
          ("warning", "from:", SENT + "bounced (bounce type not given)")),
    probe("not-confirmed-says-why", {"message_id": "0100-abc", "latency": 0.182,
                                     "unconfirmed": "VDM is off, so SES keeps no per-message events ses-lint can read"},
          ("info", "from:", SENT + "accepted by SES; delivery not confirmed (VDM is off, so SES keeps no per-message events ses-lint can read)")),
    probe("not-confirmed-no-reason", {"message_id": "0100-abc", "latency": 0.182},
          ("info", "from:", SENT + "accepted by SES; delivery not confirmed (no delivery event)")),
    probe("latency-not-measured", {"message_id": "0100-abc", "delivery": "delivered"},
          ("info", "from:", f"probe sent from `noreply@example.com` to {kit.SIMULATOR}: message id 0100-abc, unknown latency, delivered")),
    probe("retried-after-the-rate-limit", {"message_id": "0100-abc", "latency": 0.182, "delivery": "delivered", "retried": True},
          ("info", "from:", SENT + "delivered; retried once after SES's rate limit refused the first attempt")),
    probe("names-the-bare-address", {"message_id": "0100-abc", "latency": 0.182, "delivery": "delivered"},
          ("info", "from:", SENT + "delivered"), config=DISPLAY),
    probe("to-probe-to", {"message_id": "0100-abc", "latency": 0.182, "delivery": "delivered"},
          ("info", "from:", "probe sent from `noreply@example.com` to ops@example.com: message id 0100-abc, 182 ms, delivered"), recipient="ops@example.com"),
    probe("rejected", rejected("MessageRejected", NOT_VERIFIED)),
    probe("not-attempted", {"not_attempted": "no AWS credentials"}),
]
PROBES["SES840"] = [
    probe("no-credentials-at-their-key", {"not_attempted": "no AWS credentials (profile `prod` is not defined)"},
          ("error", "profile:", "probe not sent: no AWS credentials (profile `prod` is not defined)"),
          facts={"credentials": kit.credentials("profile", error="profile `prod` is not defined")}, config=NO_PROFILE),
    probe("credentials-rejected", {"not_attempted": f"AWS rejected the credentials ({REJECTED})"},
          ("error", "access_key_id:", f"probe not sent: AWS rejected the credentials ({REJECTED})"), facts={"auth_error": REJECTED}),
    probe("unreachable-at-the-endpoint", {"not_attempted": "sts:GetCallerIdentity endpoint unreachable (Could not connect)"},
          ("error", "endpoint:", "probe not sent: sts:GetCallerIdentity endpoint unreachable (Could not connect)"),
          facts={"unreachable": "sts:GetCallerIdentity endpoint unreachable (Could not connect)"}, config=ENDPOINT),
    probe("unreachable-without-an-endpoint", {"not_attempted": "`region` `${REGION}` references an unset environment variable"},
          ("error", "from:", "probe not sent: `region` `${REGION}` references an unset environment variable"),
          facts={"unreachable": "`region` `${REGION}` references an unset environment variable", "credentials": None}),
    probe("from-not-an-address", {"not_attempted": "`from` is not a valid address"}, ("error", "from:", "probe not sent: `from` is not a valid address"),
          facts={"sender": None}),
    probe("the-aws-stage-did-not-run", {"not_attempted": "the aws stage did not run"}, ("error", "from:", "probe not sent: the aws stage did not run"),
          facts={"checked": False}),
    probe("timed-out-waiting", {"not_attempted": "sesv2:SendEmail timed out (ReadTimeout: Read timeout on endpoint URL)"},
          ("error", "from:", "probe not sent: sesv2:SendEmail timed out (ReadTimeout: Read timeout on endpoint URL)")),
    probe("sent", {"message_id": "0100-abc"}),
    probe("rejected", rejected("MessageRejected", NOT_VERIFIED)),
]
PROBE_CASES = [(code, item) for code, items in PROBES.items() for item in items]


@pytest.mark.parametrize("code, item", PROBE_CASES, ids=[f"{code}-{item.id}" for code, item in PROBE_CASES])
def test_probe_rule_on_facts(code, item):
    facts = item.facts(item.config) if callable(item.facts) else item.facts
    subject = kit.aws(item.config, **facts)
    result = kit.probe(subject, item.recipient, **item.outcome)
    assert judged(item.config, code, result) == expected_rows(item.config, item.expected)


def test_a_probe_that_could_not_run_for_several_providers_is_one_finding():
    results = [kit.probe(kit.aws(TWO, key, unreachable="endpoint unreachable"), not_attempted="sts:GetCallerIdentity endpoint unreachable")
               for key in ("first", "second")]
    assert kit.rows(kit.judge(TWO, results, select=["SES840"])) == [
        ("SES840", "error", "first", TWO.at("from:", 1), "probe not sent: sts:GetCallerIdentity endpoint unreachable (concerns providers `first`, `second`)")]


# =========================================================================== every rule, every kind of case
def test_every_aws_and_probe_rule_has_firing_and_silent_cases():
    catalogue = {code for code, found in load_rules({Stage.AWS, Stage.PROBE}).items()}
    tables = {**{code: [item.expected for item in items] for code, items in CASES.items()},
              **{code: [item.expected for item in items] for code, items in PROBES.items()}}
    assert set(tables) == catalogue
    for code, expectations in tables.items():
        assert any(expectations) and not all(expectations), f"{code} needs both a firing and a silent case"
    graded = {code for code, expectations in tables.items() if len({severity for rows_ in expectations for severity, _, _ in rows_}) > 1}
    assert graded >= {"SES708", "SES709", "SES710", "SES711", "SES720", "SES722", "SES802"}
    assert {item.code for item in UNREAD} == {code for code in CASES if code not in ("SES701", "SES702", "SES740")}


# ============================================================== one world where every aws rule fires
WORLD = Config(entry("unverified"), entry("pending", sender="noreply@pending.org"), entry("dkim", sender="noreply@dkim.org"),
               entry("sets", sender="noreply@sets.org"), workflows=step("unverified", "someone@customer.org"))
DKIM_ORG = kit.identity("dkim.org", dkim_status="Pending", dkim_key_length="RSA_1024_BIT", mail_from_status="Pending", mx_failure="RejectMessage",
                        mail_from_domain="bounce.dkim.org", configuration_set="paused", notifications=NOWHERE)


def world(**unread_: dict) -> list:
    """The fault matrix's scenario (test_fault_matrix.py) as facts: every aws rule but SES721 fires."""
    shared = {"account_facts": kit.sandbox(sending_enabled=False, enforcement="PROBATION", sent_24h=190.0, vdm_enabled=True,
                                           review_status="DENIED", review_case="1234567890"),
              "iam": kit.iam(send_email=SEND_DENIED, send_raw=RAW_DENIED), "bounce_rate": 0.07}
    own = {
        "unverified": {"identities": {}, "recipients": kit.recipients(WORLD, "unverified", verified={"someone@customer.org": False},
                                                                      suppressed={"someone@customer.org": kit.suppression()})},
        "pending": {"identities": kit.identities(kit.identity("pending.org", "Pending"))},
        "dkim": {"identities": kit.identities(DKIM_ORG), "recommendations": [kit.recommendation(name="dkim.org")],
                 "configuration_sets": [kit.configuration_set("paused", "dkim.org", sending_enabled=False, tls_policy="REQUIRE")]},
        "sets": {"identities": kit.identities(kit.identity("sets.org", configuration_set="gone")),
                 "configuration_sets": [kit.configuration_set("gone", "sets.org", exists=False)]},
    }
    return [kit.aws(WORLD, key, **{**kit.healthy(WORLD, key), **shared, **facts, **unread_.get(key, {}), "unit_lead": key == "unverified"})
            for key, facts in own.items()]


def test_one_world_fires_every_aws_rule_at_once():
    pairs = {(f.code, f.provider) for f in kit.judge(WORLD, world())}
    expected = {("SES703", "unverified"), ("SES704", "pending"), ("SES705", "dkim"), ("SES707", "unverified"), ("SES711", "dkim"),
                ("SES714", "sets"), ("SES715", "dkim"), ("SES716", "dkim"), ("SES717", "dkim"), ("SES718", "dkim"), ("SES719", "unverified"),
                ("SES720", "dkim")} | {(code, name) for code in ("SES706", "SES708", "SES709", "SES710", "SES712", "SES713", "SES722")
                                       for name in ("unverified", "pending", "dkim", "sets")}
    assert pairs == expected, sorted(pairs ^ expected)


def _v1(_key: str) -> dict:
    return {"account_facts": V1_UNREAD, "recommendations": None}  # VDM not known: ListRecommendations is not asked


def _no_identities(key: str) -> dict:
    verified = {"someone@customer.org": None} if key == "unverified" else {}
    return {"identities": None, "configuration_sets": [], "dkim_known": False, "mail_from_known": False,
            "recipients": kit.recipients(WORLD, key, verified=verified, suppressed={"someone@customer.org": kit.suppression()})}


def _no_v2(key: str) -> dict:
    found = {"pending": kit.identity("pending.org", "Pending", v2=False), "sets": kit.identity("sets.org", v2=False),
             "dkim": kit.identity("dkim.org", v2=False, dkim_status="Pending", mail_from_status="Pending", mx_failure="RejectMessage",
                                  mail_from_domain="bounce.dkim.org", notifications=NOWHERE)}
    return {"identities": kit.identities(found[key]), "configuration_sets": []} if key in found else {}


def _sets_unread(key: str) -> dict:
    """GetConfigurationSet failed: each default set is listed, nothing of it read (its destinations are not asked)."""
    sets = {"dkim": ("paused", "dkim.org"), "sets": ("gone", "sets.org")}
    return {"configuration_sets": [kit.configuration_set(*sets[key], exists=None)]} if key in sets else {}


# the fault matrix's CALLS (test_fault_matrix.py), as the collector leaves the facts when each read fails:
# (id, what each provider's facts become, the rules that must then be silent)
WORLD_UNREAD = [
    ("account-and-fallbacks", _v1, {"SES706", "SES707", "SES708", "SES709", "SES720", "SES722"}),
    ("account-v2-only", lambda key: {"account_facts": kit.sandbox("v1", sending_enabled=False, sent_24h=190.0), "recommendations": None},
     {"SES720", "SES722"}),  # v1 answers: the sandbox guessed from the quota, sending disabled; probation, review and VDM unknown
    ("identity-verification", _no_identities, {"SES703", "SES704", "SES705", "SES707", "SES711", "SES714", "SES715", "SES716", "SES717", "SES718"}),
    ("dkim-attributes", lambda key: {"dkim_known": False, "identities": kit.identities(kit.replace(DKIM_ORG, dkim_status=None, dkim_enabled=None))}
     if key == "dkim" else {"dkim_known": False}, {"SES705"}),
    ("mail-from-attributes", lambda key: {"mail_from_known": False, "identities": kit.identities(kit.replace(
        DKIM_ORG, mail_from_domain=None, mail_from_status=None, mx_failure=None))} if key == "dkim" else {"mail_from_known": False}, {"SES711"}),
    ("simulation", lambda key: {"iam": None}, {"SES710"}),
    ("metric-data", lambda key: {"bounce_rate": None, "complaint_rate": None}, {"SES712"}),
    ("email-identity-v2", _no_v2, {"SES714", "SES715", "SES716", "SES717", "SES718"}),
    ("configuration-set", _sets_unread, {"SES714", "SES715", "SES716", "SES717"}),
    ("event-destinations", lambda key: {"configuration_sets": [kit.configuration_set("paused", "dkim.org", sending_enabled=False, tls_policy="REQUIRE",
                                                                                      event_types=None)]} if key == "dkim" else {}, {"SES717"}),
    ("notification-attributes", lambda key: {"identities": kit.identities(kit.replace(DKIM_ORG, notifications=None))} if key == "dkim" else {}, {"SES717"}),
    ("suppressed-destination", lambda key: {"recipients": kit.recipients(WORLD, key, verified={"someone@customer.org": False})}, {"SES719"}),
    ("recommendations", lambda key: {"recommendations": None}, {"SES720"}),
]


@pytest.mark.parametrize("id_, change, silent", WORLD_UNREAD, ids=[item[0] for item in WORLD_UNREAD])
def test_an_unread_fact_silences_exactly_the_rules_that_read_it(id_, change, silent):
    """The rules' half of the fault matrix: with one fact unread, its rules are silent and every other rule
    says what it said before (the collector's half, which fact a failed call leaves unread and the SES740
    it records, is tests/aws/test_fault_matrix.py against moto)."""
    baseline = {(f.code, f.provider) for f in kit.judge(WORLD, world())}
    knocked = world(**{key: change(key) for key in ("unverified", "pending", "dkim", "sets")})
    after = {(f.code, f.provider) for f in kit.judge(WORLD, knocked)}
    assert {pair for pair in baseline if pair[0] in silent}, "the fact must matter to the scenario"
    assert after == {pair for pair in baseline if pair[0] not in silent}, sorted(after ^ {pair for pair in baseline if pair[0] not in silent})


# ================================================================ the probe's own pre-check (no I/O)
NO_CREDENTIALS = kit.credentials("static", error="`secret_access_key` references unset `SES_SECRET`")
PREPARE = [
    ("stage-not-run", {"checked": False}, "the aws stage did not run"),
    ("no-credentials", {"credentials": NO_CREDENTIALS}, "no AWS credentials (`secret_access_key` references unset `SES_SECRET`)"),
    ("rejected", {"auth_error": REJECTED}, f"AWS rejected the credentials ({REJECTED})"),
    ("unreachable", {"unreachable": "sts:GetCallerIdentity endpoint unreachable (Could not connect)"},
     "sts:GetCallerIdentity endpoint unreachable (Could not connect)"),
    ("from-not-an-address", {"sender": None}, "`from` is not a valid address"),
    ("ready", {}, None),
    ("unresolved-region-is-not-missing-credentials",
     {"credentials": None, "unreachable": "`region` `${REGION}` references an unset environment variable"},
     "`region` `${REGION}` references an unset environment variable"),
]


@pytest.mark.parametrize("id_, facts, why", PREPARE, ids=[(item.values if hasattr(item, "marks") else item)[0] for item in PREPARE])
def test_why_a_probe_is_not_attempted(id_, facts, why):
    subject = kit.aws(DEFAULT, **facts)
    assert kit.not_attempted(kit.probe(subject)) == why


# ====================================================== how a failed call reads in SES702, SES740, SES840
LONG = "x" * 400
DESCRIBED = [
    ("denied", "AccessDenied", "User is not authorized", "ses:GetAccount access denied (AccessDenied: User is not authorized)"),
    ("auth", "ExpiredToken", "The security token included in the request is expired",
     "ses:GetAccount credentials rejected (ExpiredToken: The security token included in the request is expired)"),
    ("throttled", "Throttling", "Rate exceeded", "ses:GetAccount throttled past 2 attempts (Throttling: Rate exceeded)"),
    ("unreachable", "EndpointConnectionError", "Could not connect", "ses:GetAccount endpoint unreachable (EndpointConnectionError: Could not connect)"),
    ("timeout", "ReadTimeout", "Read timeout on endpoint URL", "ses:GetAccount timed out (ReadTimeout: Read timeout on endpoint URL)"),
    ("notfound", "NotFoundException", "no such identity", "ses:GetAccount not found (NotFoundException: no such identity)"),
    ("error", "InternalFailure", "try again", "ses:GetAccount failed (InternalFailure: try again)"),
    ("error", "Throttling", "Throttling: Rate exceeded", "ses:GetAccount failed (Throttling: Rate exceeded)"),  # the code is not said twice
    ("error", "", "no code", "ses:GetAccount failed (no code)"),
    ("error", "E", "a page\n  over\tlines", "ses:GetAccount failed (E: a page over lines)"),
    ("error", "E", LONG, "ses:GetAccount failed (E: " + ("x" * 294) + "...)"),  # AWS's text bounded to 300, the detail to 300
]


@pytest.mark.parametrize("kind, code, message, described", DESCRIBED, ids=[f"{item[0]}-{item[1] or 'no-code'}" for item in DESCRIBED])
def test_a_failed_call_is_described_on_one_bounded_line(kind, code, message, described):
    assert kit.error(kind, code, message, "ses:GetAccount").describe() == described
