"""The AWS fault matrix (issue 5, item 4): every AWS failure against every AWS rule that depends on it.

One scenario fires every AWS rule SES703-SES722 at once (but SES721, VDM off, which the scenario's VDM
on excludes), in one account and region (one STS call, one unit), from four providers sharing one IAM
user:

- `unverified` (noreply@example.com, no identity): SES703; its workflow recipient someone@customer.org is
  unverified (SES707) and suppressed (SES719)
- `pending` (noreply@pending.org, identity Pending): SES704
- `dkim` (noreply@dkim.org, verified, DKIM Pending with a 1024-bit key, custom MAIL FROM Pending with
  RejectMessage, feedback forwarding off, default configuration set `paused`: paused and TLS required,
  no event destinations; an open DMARC recommendation): SES705, SES711, SES715, SES716, SES717, SES718,
  SES720
- `sets` (noreply@sets.org, verified, default configuration set `gone` that does not exist): SES714
- all four: the account is sandboxed (SES706) with its production access request denied (SES722),
  sending disabled and on PROBATION (SES708), 95% of its quota used (SES709), the user may send only as
  other@example.com (SES710), a 7% bounce rate (SES712), and static keys (SES713).

Two tables:

- `STAGE_FAILURES`: the whole stage fails (unreachable endpoint, silent endpoint, STS denied or
  throttled, an expired token, an unknown key under moto's auth mode, no credentials). No rule SES703-
  SES712 may speak; the failure is named by SES740, SES702 or SES701 as the catalogue says; the probe
  is SES840, never SES801/SES802.
- `CALLS` x `FAILURES`: one read call (or the fallback chain of one fact) fails with access denied
  (every call), throttling past the retries, or a token that expires mid-run (one call of each kind,
  `EVERY_WAY`). The rules that depend on that call stay silent, every provider they would have spoken
  for gets an SES740 naming the call and what was not checked, and every other rule says exactly what
  it said without the fault. (The rules' half alone, on facts: tests/aws/test_rules_on_facts.py.)

Every run happens in a worker thread that must finish within a bound derived from `--timeout`
(`Thread.join(bound)`, then `is_alive()`), not by wall-clock arithmetic. All traffic goes to 127.0.0.1
(conftest's socket guard enforces it).
"""
from __future__ import annotations

import datetime
import socket
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

import pytest

import ses_lint
from ses_lint.facts.aws import ATTEMPTS

from .conftest import ACCOUNT_ID, STATE, Moto, _post, config, line_of, provider, reset_emulator
from .helpers import closed_port

TIMEOUT = 1.0  # --timeout of every run against moto
SILENT_TIMEOUT = 0.25  # --timeout of the run against the silent endpoint: it costs ATTEMPTS of it
CALL_ROUNDS = 5  # sequential rounds: STS; account/identities; v2 identities/context keys; configuration set and its destinations; simulation
SLACK = 6.0  # seconds beyond the calls' own bound: credential resolution, throttling back-off, the rules


def bound(timeout: float) -> float:
    return CALL_ROUNDS * ATTEMPTS * timeout + SLACK

PROVIDERS = ("unverified", "pending", "dkim", "sets")
SENDERS = {"unverified": "noreply@example.com", "pending": "noreply@pending.org", "dkim": "noreply@dkim.org", "sets": "noreply@sets.org"}
ONLY_OTHER_SENDER = {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*",
                     "Condition": {"StringEquals": {"ses:FromAddress": "other@example.com"}}}
WORKFLOW = """
- name: notify
  steps:
    - task: notify
      type: email
      config:
        provider: unverified
        subject: hi
        to: [someone@customer.org]
        body: {text: hi}
"""
AWS_RULES = ("SES701", "SES702", "SES703", "SES704", "SES705", "SES706", "SES707", "SES708", "SES709", "SES710",
             "SES711", "SES712", "SES713", "SES714", "SES715", "SES716", "SES717", "SES718", "SES719", "SES720", "SES722")
NOT_IN_SCENARIO = {"SES721": "VDM off: the scenario has VDM on so that SES720 fires (tests/aws/test_states.py judges it)"}
FACT_RULES = frozenset(AWS_RULES[2:12] + AWS_RULES[13:]) | set(NOT_IN_SCENARIO)  # what AWS says: identities, account, IAM, reputation
# (rule, provider) the scenario fires without any fault
EXPECTED = {("SES703", "unverified"), ("SES704", "pending"), ("SES705", "dkim"), ("SES707", "unverified"), ("SES711", "dkim"),
            ("SES714", "sets"), ("SES715", "dkim"), ("SES716", "dkim"), ("SES717", "dkim"), ("SES718", "dkim"),
            ("SES719", "unverified"), ("SES720", "dkim")} | {
    (code, name) for code in ("SES706", "SES708", "SES709", "SES710", "SES712", "SES713", "SES722") for name in PROVIDERS}
MARKER = ("fault-matrix", "scenario")  # in conftest's STATE.identities: gone when another test reset the emulator


def test_the_matrix_covers_every_aws_rule():
    from ses_lint.rules import load_rules

    from ses_lint.core.findings import Stage

    catalogue = {code for code, r in load_rules().items() if r.stage is Stage.AWS and code != "SES740"}
    assert catalogue == set(AWS_RULES) | set(NOT_IN_SCENARIO)
    covered = {code for code, _ in EXPECTED} | {"SES701", "SES702"}
    assert covered == set(AWS_RULES)


# -- the scenario --------------------------------------------------------------------------------------
@dataclass
class Scenario:
    moto: Moto
    keys: tuple[str, str]
    path: Any
    baseline: set = field(default_factory=set)

    def write(self, name: str, *, endpoint: Optional[str] = None, keys: Any = None, extra: str = ""):
        entries = [provider(key, sender=SENDERS[key], endpoint=endpoint or self.moto.url, keys=keys if keys is not None else self.keys,
                            extra=extra) for key in PROVIDERS]
        return self.moto.write(config(*entries, workflows=WORKFLOW), name=name)


def _build(url: str, folder) -> Scenario:
    reset_emulator(url)
    moto = Moto(url, folder)
    moto.verify("pending.org", "dkim.org", "sets.org")
    moto.identity("pending.org", status="Pending")
    moto.client("sesv2").create_configuration_set(ConfigurationSetName="paused", SendingOptions={"SendingEnabled": False},
                                                  DeliveryOptions={"TlsPolicy": "REQUIRE"})
    moto.client("ses").set_identity_feedback_forwarding_enabled(Identity="dkim.org", ForwardingEnabled=False)
    moto.identity("dkim.org", v2={"ConfigurationSetName": "paused", "DkimAttributes": {"CurrentSigningKeyLength": "RSA_1024_BIT"}})
    moto.identity("sets.org", v2={"ConfigurationSetName": "gone"})
    STATE.suppressed[("us-east-1", "someone@customer.org")] = {"Reason": "BOUNCE", "LastUpdateTime": 1759363200.0}
    STATE.recommendations["us-east-1"] = [{"ResourceArn": "arn:aws:ses:us-east-1:123456789012:identity/dkim.org", "Type": "DMARC",
                                           "Description": "No DMARC record found", "Status": "OPEN", "Impact": "HIGH"}]
    moto.client("ses").set_identity_mail_from_domain(Identity="dkim.org", MailFromDomain="bounce.dkim.org",
                                                      BehaviorOnMXFailure="RejectMessage")
    moto.identity("dkim.org", dkim="Pending", mail_from_status="Pending")
    account = STATE.account("us-east-1")
    account.sending_enabled, account.enforcement, account.sent_24h = False, "PROBATION", 190.0
    account.vdm, account.review = True, {"Status": "DENIED", "CaseId": "1234567890"}
    now = datetime.datetime.now(datetime.timezone.utc)
    moto.client("cloudwatch").put_metric_data(Namespace="AWS/SES", MetricData=[
        {"MetricName": "Reputation.BounceRate", "Value": 0.07, "Timestamp": now - datetime.timedelta(minutes=5)}])
    STATE.identities[MARKER] = {}
    scenario = Scenario(moto, moto.user("matrix", ONLY_OTHER_SENDER), None)
    scenario.path = scenario.write("ses.yaml")
    report = bounded_lint(scenario.path, moto.environ())
    scenario.baseline = pairs(report)
    assert scenario.baseline == EXPECTED, sorted(scenario.baseline ^ EXPECTED)
    return scenario


def _intact() -> bool:
    from moto.iam.models import iam_backends

    return MARKER in STATE.identities and "matrix" in iam_backends[ACCOUNT_ID]["aws"].users


@pytest.fixture(scope="module")
def _scenario(moto_server, tmp_path_factory):
    holder = {"folder": tmp_path_factory.mktemp("aws-matrix")}
    holder["scenario"], holder["builds"] = _build(moto_server, holder["folder"]), 1
    yield holder
    STATE.faults.clear()
    _post(f"{moto_server}/moto-api/reset-auth", b"inf")


@pytest.fixture
def world(_scenario, moto_server) -> Scenario:
    """The scenario, rebuilt if another module's `moto` fixture reset the emulator; no faults injected."""
    if not _intact():
        _scenario["scenario"] = _build(moto_server, _scenario["folder"])
        _scenario["builds"] += 1
    STATE.faults.clear()
    STATE.fault_counts.clear()
    STATE.fault_budget.clear()
    STATE.requests.clear()
    yield _scenario["scenario"]
    STATE.faults.clear()
    _post(f"{moto_server}/moto-api/reset-auth", b"inf")


# -- running -------------------------------------------------------------------------------------------
def bounded_lint(path, environ, timeout: float = TIMEOUT, **options):
    """Lint (aws stage; probe with probe=True) with --timeout `timeout` in a worker thread that must finish
    within `bound(timeout)` seconds."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["report"] = ses_lint.lint([str(path)], aws=True, environ=environ, timeout=timeout,
                                              select=["SES7", "SES8"], **options)
        except BaseException as error:  # re-raised in the test thread: a traceback is a failure
            outcome["error"] = error

    worker = threading.Thread(target=work, daemon=True, name="aws-fault-matrix")
    worker.start()
    worker.join(bound(timeout))
    assert not worker.is_alive(), f"the aws stage did not finish within {bound(timeout):g} s (--timeout {timeout:g})"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["report"]


def pairs(report) -> set[tuple[str, str]]:
    return {(f.code, f.provider) for f in report.findings}


def of(report, code: str, name: Optional[str] = None) -> list:
    """The findings of `code` about provider `name`: its own, or one shared fact that lists it."""
    return [f for f in report.findings if f.code == code and (name is None or concerns(f, name))]


def concerns(finding, name: str) -> bool:
    """A fact shared by several providers is one finding, at the first of them, listing them all."""
    listed = finding.message.rpartition("(concerns providers ")[2]
    return finding.provider == name or (finding.message.endswith(")") and f"`{name}`" in listed)


class SilentEndpoint:
    """A loopback listener that accepts connections and never answers."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                self.held.append(self.server.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.server.close()
        for connection in self.held:
            connection.close()


# -- table 1: the whole stage fails --------------------------------------------------------------------
@dataclass(frozen=True)
class StageFailure:
    id: str
    code: str  # what names the failure for every provider: SES740, SES702 or SES701
    words: tuple[str, ...]  # in that finding's message
    key: str  # the line that finding points at
    probe_key: str  # the line SES840 points at
    caller_known: Optional[bool]  # SES713: True/False = fires (caller ARN known or not); None = silent


STAGE_FAILURES = [
    StageFailure("unreachable", "SES740", ("nothing checked", "endpoint unreachable"), "access_key_id:", "endpoint:", False),
    StageFailure("silent-endpoint", "SES740", ("nothing checked", "timed out"), "access_key_id:", "endpoint:", False),
    StageFailure("sts-denied", "SES740", ("nothing checked", "sts:GetCallerIdentity access denied"), "access_key_id:", "endpoint:", False),
    StageFailure("sts-throttled", "SES740", ("nothing checked", f"sts:GetCallerIdentity throttled past {ATTEMPTS} attempts"),
                 "access_key_id:", "endpoint:", False),
    StageFailure("sts-expired-token", "SES702", ("static keys", "ExpiredToken"), "access_key_id:", "access_key_id:", None),
    StageFailure("unknown-key-auth-mode", "SES702", ("static keys", "InvalidClientTokenId"), "access_key_id:", "access_key_id:", None),
    StageFailure("no-credentials", "SES701", ("no AWS credentials", "`absent`", "not defined"), "profile:", "profile:", None),
]


@pytest.mark.parametrize("failure", STAGE_FAILURES, ids=[item.id for item in STAGE_FAILURES])
def test_stage_failure_is_named_and_nothing_passes(failure, world):
    path, environ, listener, timeout = world.path, world.moto.environ(), None, TIMEOUT
    if failure.id == "unreachable":
        path = world.write("unreachable.yaml", endpoint=f"http://127.0.0.1:{closed_port()}")
    elif failure.id == "silent-endpoint":
        listener = SilentEndpoint()
        path, timeout = world.write("silent.yaml", endpoint=listener.url), SILENT_TIMEOUT  # the wait derives from --timeout
    elif failure.id == "sts-denied":
        STATE.faults["GetCallerIdentity"] = ("AccessDenied", "not authorized to perform: sts:GetCallerIdentity")
    elif failure.id == "sts-throttled":
        STATE.faults["GetCallerIdentity"] = ("Throttling", "Rate exceeded")
    elif failure.id == "sts-expired-token":
        STATE.faults["GetCallerIdentity"] = ("ExpiredToken", "The security token included in the request is expired")
    elif failure.id == "unknown-key-auth-mode":
        path = world.write("unknown-key.yaml", keys=("AKIAUNKNOWNUNKNOWN12", world.keys[1]))
        world.moto.auth(True)
    elif failure.id == "no-credentials":
        path = world.write("no-credentials.yaml", keys=False, extra="profile: absent")
    try:
        report = bounded_lint(path, environ, timeout, probe=True)
    finally:
        world.moto.auth(False)
        if listener is not None:
            listener.close()

    assert not {code for code, _ in pairs(report)} & (FACT_RULES | {"SES801", "SES802"}), sorted(pairs(report))
    operations = [operation for _, operation in STATE.requests]
    assert "SendEmail" not in operations  # the probe never sent
    for name in PROVIDERS:
        [named] = of(report, failure.code, name)
        assert all(word in named.message for word in failure.words), named.message
        first = PROVIDERS.index(named.provider) + 1  # a shared failure is reported at the first provider it concerns
        assert named.line == line_of(path, failure.key, first)
        [probe] = of(report, "SES840", name)
        assert "probe not sent" in probe.message and probe.line == line_of(path, failure.probe_key, PROVIDERS.index(probe.provider) + 1)
        source = of(report, "SES713", name)
        if failure.caller_known is None:
            assert not source, source
        else:
            [source] = source
            assert ("caller not known" in source.message) is not failure.caller_known
    if failure.code != "SES740":
        assert not of(report, "SES740")  # one finding names the failure, not two
    if failure.id == "sts-throttled":
        assert STATE.fault_counts["GetCallerIdentity"] == ATTEMPTS  # one call, retried
    if failure.id == "no-credentials":
        assert operations == []  # nothing was asked


# -- table 2: one read fails ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    id: str
    operations: tuple[str, ...]  # injected on each (a fact and its fallbacks)
    silent: frozenset  # the rules that depend on it: they must not speak
    words: Optional[str]  # what SES740 must say went unchecked (None: nothing goes unchecked)
    label: str  # the failed call SES740 names
    who: tuple[str, ...] = ()  # providers that must get the SES740 besides those a silenced rule spoke for


CALLS = [
    # SES v2 GetAccount, then v1 GetSendQuota and GetAccountSendingEnabled: the account's facts
    Call("account-and-fallbacks", ("GetAccount", "GetSendQuota", "GetAccountSendingEnabled"),
         frozenset({"SES706", "SES707", "SES708", "SES709", "SES720", "SES722"}), "sandbox status, 24-hour quota, whether sending is enabled",
         "sesv2:GetAccount"),
    # v1 GetSendQuota answers sandbox (guessed from 200/1) and quota; only the enforcement status is lost
    # without v2, the VDM advisor and the production access review are unknown too
    Call("GetAccount", ("GetAccount",), frozenset({"SES720", "SES722"}), "enforcement status (probation, shutdown), production access review, VDM advisor",
         "sesv2:GetAccount", PROVIDERS),
    Call("GetSendQuota", ("GetAccount", "GetSendQuota"), frozenset({"SES706", "SES707", "SES709", "SES720", "SES722"}),
         "sandbox status, 24-hour quota", "ses:GetSendQuota"),
    Call("GetAccountSendingEnabled", ("GetAccount", "GetAccountSendingEnabled"), frozenset({"SES708", "SES720", "SES722"}),
         "whether sending is enabled", "ses:GetAccountSendingEnabled"),
    Call("GetIdentityVerificationAttributes", ("GetIdentityVerificationAttributes",),
         frozenset({"SES703", "SES704", "SES705", "SES707", "SES711", "SES714", "SES715", "SES716", "SES717", "SES718"}),
         "identity verification", "ses:GetIdentityVerificationAttributes"),
    Call("GetIdentityDkimAttributes", ("GetIdentityDkimAttributes",), frozenset({"SES705"}), "DKIM status", "ses:GetIdentityDkimAttributes"),
    Call("GetIdentityMailFromDomainAttributes", ("GetIdentityMailFromDomainAttributes",), frozenset({"SES711"}),
         "custom MAIL FROM status", "ses:GetIdentityMailFromDomainAttributes"),
    Call("SimulatePrincipalPolicy", ("SimulatePrincipalPolicy",), frozenset({"SES710"}), "IAM permission to send", "iam:SimulatePrincipalPolicy"),
    # only saves calls: without it every sender is simulated with its own ses:FromAddress, nothing goes unchecked
    Call("GetContextKeysForPrincipalPolicy", ("GetContextKeysForPrincipalPolicy",), frozenset(), None,
         "iam:GetContextKeysForPrincipalPolicy"),
    Call("GetMetricData", ("GetMetricData",), frozenset({"SES712"}), "bounce and complaint rates", "cloudwatch:GetMetricData"),
    # the v2 view: default configuration set, key length (and the DNS stage's DKIM zone); named for every existing identity
    Call("GetEmailIdentity", ("GetEmailIdentity",), frozenset({"SES714", "SES715", "SES716", "SES717", "SES718"}),
         "default configuration set", "sesv2:GetEmailIdentity", ("pending", "dkim", "sets")),
    Call("GetConfigurationSet", ("GetConfigurationSet",), frozenset({"SES714", "SES715", "SES716", "SES717"}),
         "configuration set", "sesv2:GetConfigurationSet"),
    Call("GetConfigurationSetEventDestinations", ("GetConfigurationSetEventDestinations",), frozenset({"SES717"}),
         "event destinations", "sesv2:GetConfigurationSetEventDestinations"),
    Call("GetIdentityNotificationAttributes", ("GetIdentityNotificationAttributes",), frozenset({"SES717"}),
         "bounce and complaint notifications", "ses:GetIdentityNotificationAttributes", ("pending", "dkim", "sets")),
    Call("GetSuppressedDestination", ("GetSuppressedDestination",), frozenset({"SES719"}), "suppression list",
         "sesv2:GetSuppressedDestination"),
    Call("ListRecommendations", ("ListRecommendations",), frozenset({"SES720"}), "advisor recommendations",
         "sesv2:ListRecommendations", PROVIDERS),
]
FAILURES = {
    # id: (injected code, message, how SES740 describes it)
    "denied": ("AccessDenied", "User: arn:aws:iam::123456789012:user/matrix is not authorized", "access denied"),
    "throttled": ("Throttling", "Rate exceeded", f"throttled past {ATTEMPTS} attempts"),
    "expired-mid-run": ("ExpiredToken", "The security token included in the request is expired", "credentials rejected"),
}


# Every call is failed with access denied. Throttling and a token that expires mid-run go through the same
# path in the collector (one `call()`, `classify`, the same unknown per read; retries are the client's),
# so they are failed on one call of each kind: the account's fallback chain, the identities batch every
# identity fact depends on, a per-identity v2 read, a read that gates another (a set and its
# destinations), the paginated IAM simulation and the paced, paginated advisor. How the rules then judge
# each unread fact is tests/aws/test_rules_on_facts.py (tables on facts).
EVERY_WAY = ("account-and-fallbacks", "GetIdentityVerificationAttributes", "GetEmailIdentity", "GetConfigurationSet",
             "SimulatePrincipalPolicy", "ListRecommendations")
CASES = [(call, failure) for call in CALLS for failure in FAILURES if failure == "denied" or call.id in EVERY_WAY]


def test_every_call_fails_every_way_or_is_named_why_not():
    assert {call.id for call, _ in CASES} == {call.id for call in CALLS}
    assert {failure for _, failure in CASES} == set(FAILURES)
    assert set(EVERY_WAY) <= {call.id for call in CALLS}


@pytest.mark.parametrize("call, failure", CASES, ids=[f"{call.id}-{failure}" for call, failure in CASES])
def test_failed_read_silences_its_rules_and_is_named(call, failure, world):
    code, message, described = FAILURES[failure]
    for operation in call.operations:
        STATE.faults[operation] = (code, message)
    report = bounded_lint(world.path, world.moto.environ())
    found = pairs(report)

    spoke = sorted(pair for pair in found if pair[0] in call.silent)
    assert not spoke, f"rules that depend on {call.label} spoke on unknown facts: {spoke}"
    # every other rule says what it said without the fault
    assert {pair for pair in found if pair[0] != "SES740"} == {pair for pair in world.baseline if pair[0] not in call.silent}
    unknowns = of(report, "SES740")
    if call.words is None:
        assert not unknowns, [f.message for f in unknowns]
    else:
        owed = {name for rule, name in world.baseline if rule in call.silent} | set(call.who)
        assert owed
        for name in sorted(owed):
            named = [f for f in unknowns if concerns(f, name) and call.words in f.message and call.label in f.message]
            assert named, f"no SES740 for `{name}` names {call.label} ({call.words}): {[f.message for f in unknowns]}"
            assert all(described in f.message and ("not checked" in f.message or "not read" in f.message) for f in named)
    # every SES740 is about this fault, nothing else went unknown
    assert all(any(label in f.message for label in _labels(call)) for f in unknowns), [f.message for f in unknowns]
    counts = STATE.fault_counts
    if failure == "throttled":
        assert counts.get(call.operations[-1], 0) >= ATTEMPTS, counts  # retried, then given up
    else:
        assert counts.get(call.operations[-1], 0) >= 1, counts
    if call.id == "GetContextKeysForPrincipalPolicy":
        simulated = [operation for _, operation in STATE.requests if operation == "SimulatePrincipalPolicy"]
        assert len(simulated) == len(PROVIDERS)  # the safe fallback: one simulation per sender


def _labels(call: Call) -> list[str]:
    return [f"{service}:{operation}" for operation in call.operations
            for service in ("sesv2", "ses", "iam", "cloudwatch", "sts")]


def test_the_faults_leave_the_scenario_as_it_was(world, _scenario):
    """Run after every fault above (pytest keeps the file's order): with the faults reset, the scenario built
    once for them all answers exactly as when it was built, so no case leaked state into the cases after it."""
    assert _scenario["builds"] == 1  # not rebuilt in between: the cases above all ran on the one scenario
    assert not STATE.faults and not STATE.fault_budget
    assert pairs(bounded_lint(world.path, world.moto.environ())) == world.baseline == EXPECTED
