"""Every answer conftest's gap-closers emulate must have the shape botocore's service model gives the
operation's output: no member the model lacks, every required member present, each value of the model's
type and, for enums, one of its values. The answers are the raw dicts the emulator produced during a run
of the whole aws stage and probe (STATE.answers), so a shape the code under test relies on but AWS never
sends cannot hide behind botocore's parser (which drops unknown members silently)."""
from __future__ import annotations

import copy
import datetime

import botocore.session
import pytest

from .conftest import STATE, Moto, config, provider, reset_emulator
from .helpers import check, step

SERVICES = {
    "GetAccount": "sesv2", "GetEmailIdentity": "sesv2", "GetConfigurationSet": "sesv2",
    "GetConfigurationSetEventDestinations": "sesv2", "GetSuppressedDestination": "sesv2", "ListRecommendations": "sesv2",
    "GetMessageInsights": "sesv2", "GetIdentityNotificationAttributes": "ses", "SimulatePrincipalPolicy": "iam",
    "GetContextKeysForPrincipalPolicy": "iam",
}
NUMBERS = (int, float)


def problems(value, shape, where: str = "") -> list[str]:
    """What is wrong with `value` as an instance of botocore `shape` (empty: it conforms)."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a structure"]
        found = [f"{where}.{name}: not in the model" for name in value if name not in shape.members]
        found += [f"{where}.{name}: required, missing" for name in shape.required_members if name not in value]
        for name, item in value.items():
            if name in shape.members:
                found += problems(item, shape.members[name], f"{where}.{name}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [problem for index, item in enumerate(value) for problem in problems(item, shape.member, f"{where}[{index}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: not a map"]
        return [problem for key, item in value.items() for problem in problems(item, shape.value, f"{where}[{key}]")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: {value!r} is not a string"]
        return [f"{where}: {value!r} not one of {shape.enum}"] if shape.enum and value not in shape.enum else []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: {value!r} is not a boolean"]
    if kind in ("integer", "long", "double", "float"):
        return [] if isinstance(value, NUMBERS) and not isinstance(value, bool) else [f"{where}: {value!r} is not a number"]
    if kind == "timestamp":
        return [] if isinstance(value, (datetime.datetime, str, *NUMBERS)) else [f"{where}: {value!r} is not a timestamp"]
    return []


def output_shape(operation: str):
    session = botocore.session.get_session()
    return session.get_service_model(SERVICES[operation]).operation_model(operation).output_shape


def test_the_checker_catches_shape_mistakes():
    shape = output_shape("SimulatePrincipalPolicy")
    assert problems({"EvaluationResults": [{"EvalActionName": "ses:SendEmail", "EvalDecision": "allowed"}]}, shape) == []
    assert problems({"EvaluationResults": [{"EvalActionName": "ses:SendEmail", "EvalDecision": "maybe"}]}, shape)
    assert problems({"EvaluationResults": [{"EvalActionName": "ses:SendEmail"}]}, shape)  # EvalDecision is required
    assert problems({"EvaluationResults": [{"EvalActionName": "a", "EvalDecision": "allowed", "ResourceName": "x"}]}, shape)


def _everything(moto) -> None:
    """One run that makes every gap-closer answer."""
    moto.verify("example.com", "noreply@example.com", "ops@example.com")
    moto.client("sesv2").create_configuration_set(ConfigurationSetName="tx", DeliveryOptions={"TlsPolicy": "REQUIRE"},
                                                  SuppressionOptions={"SuppressedReasons": ["BOUNCE"]})
    moto.identity("noreply@example.com", v2={"ConfigurationSetName": "tx"})
    moto.identity("example.com", v2={"VerificationInfo": {"ErrorType": "TYPE_NOT_FOUND"}})
    moto.client("ses").set_identity_notification_topic(Identity="example.com", NotificationType="Bounce",
                                                       SnsTopic="arn:aws:sns:us-east-1:123456789012:bounces")
    STATE.event_destinations[("us-east-1", "tx")] = [
        {"Name": "sns", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
         "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:events"}}]
    STATE.suppressed[("us-east-1", "gone@customer.org")] = {"Reason": "BOUNCE", "LastUpdateTime": 1764547200.0}
    account = STATE.account("us-east-1")
    account.vdm, account.review = True, {"Status": "DENIED", "CaseId": "1234567890"}
    STATE.recommendations["us-east-1"] = [
        {"ResourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com", "Type": kind, "Description": f"{kind} advice",
         "Status": "OPEN", "Impact": "HIGH", "CreatedTimestamp": 1764547200.0, "LastUpdatedTimestamp": 1764547200.0}
        for kind in ("DMARC", "SPF", "BIMI")]
    STATE.insights["*"] = [{"Destination": "success@simulator.amazonses.com", "Isp": "simulator",
                            "Events": [{"Timestamp": 1764547200.0, "Type": "DELIVERY"}]}]
    keys = moto.user("mailer", {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*",
                                "Condition": {"StringEquals": {"ses:FromAddress": "noreply@example.com"}}})
    path = moto.write(config(provider(endpoint=moto.url, keys=keys), workflows=step("email-ses", "gone@customer.org", "ops@example.com")))
    start = len(STATE.requests)
    report, _ = check(moto, path, probe=True)
    report.requests = [operation for _, operation in STATE.requests[start:]]
    report.answers = copy.deepcopy(STATE.answers)  # every raw answer the emulator produced in that run
    return report


@pytest.fixture(scope="module")
def everything(moto_server, tmp_path_factory):
    """The one run of `_everything` the tests below judge (what it reads, answers and sends), from a reset
    emulator; nothing of it is changed by the tests, which only read the report and its copies."""
    reset_emulator(moto_server)
    yield _everything(Moto(moto_server, tmp_path_factory.mktemp("aws-shapes")))
    reset_emulator(moto_server)


def test_every_emulated_answer_has_botocore_output_shape(everything):
    report = everything
    assert set(report.answers) == set(SERVICES), (set(SERVICES) ^ set(report.answers), "\n".join(f.code + " " + f.message for f in report.findings))
    for operation, answers in report.answers.items():
        shape = output_shape(operation)
        for answer in answers:
            assert problems(answer, shape) == [], (operation, answer)


@pytest.mark.parametrize("operation", ["SimulatePrincipalPolicy"])
def test_simulation_answers_per_resource_as_the_model_says(everything, operation):
    [answer, *_] = everything.answers[operation]
    for result in answer["EvaluationResults"]:
        # with ResourceArns the top level names the ARN template, the resources are in ResourceSpecificResults
        assert "${IdentityName}" in result["EvalResourceName"]
        assert {item["EvalResourceName"] for item in result["ResourceSpecificResults"]} >= {
            "arn:aws:ses:us-east-1:123456789012:identity/noreply@example.com"}


def test_read_only_but_the_probe_send(everything):
    """With every fact this stage reads present, it calls only Get/List/Describe/Simulate, plus the probe's one send."""
    operations = everything.requests
    assert operations.count("SendEmail") == 1
    assert all(operation.startswith(("Get", "List", "Describe", "Simulate")) for operation in operations if operation != "SendEmail"), operations
    assert {"GetSuppressedDestination", "ListRecommendations", "GetConfigurationSet", "GetMessageInsights"} <= set(operations)
