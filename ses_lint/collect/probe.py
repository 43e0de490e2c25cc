"""The send probe's collector (stage probe, opt-in): one SES v2 SendEmail per enabled SES provider.

From the provider's `from` to `options.probe_to` (the SES mailbox simulator by default), never to a
workflow recipient, and only when the probe stage runs. Sends are paced per account and region to the
account's MaxSendRate (the sandbox allows one a second). A send is never retried after a timeout (it could
deliver twice); a definite throttle ("Maximum sending rate exceeded": SES refused it, nothing was sent) is
retried once after the rate's interval. After an accepted send, with VDM enabled, GetMessageInsights is
polled within `--timeout` for the message's DELIVERY or BOUNCE event; without the event the message only
says "accepted". Its outcome is a fact (`ProbeResult`, facts/probe.py), never an exception.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

from ses_lint.collect.aws.clients import Pacer, call, count
from ses_lint.core.findings import Stage
from ses_lint.facts.aws import AwsError, AwsProvider
from ses_lint.facts.probe import ProbeResult
from ses_lint.knowledge.aws import THROTTLE_CODES

SUBJECT = "ses-lint probe"
POLL = 0.5  # seconds between GetMessageInsights polls


def collect(inputs: Any) -> list[ProbeResult]:
    if not inputs.stage_enabled(Stage.PROBE):
        return []
    probes = [Probe(aws, inputs.options.probe_to) for aws in inputs.get(AwsProvider)]
    todo = [probe for probe in probes if probe.fields["not_attempted"] is None]
    if todo:
        pacers: dict[tuple, Pacer] = {}
        for probe in todo:
            aws = probe.aws
            rate = aws.account_facts.max_rate if aws.account_facts is not None and aws.account_facts.max_rate else 1.0
            pacers.setdefault(_unit(aws), Pacer(1.0 / max(rate, 0.001)))
        timeout = float(inputs.options.timeout)
        with ThreadPoolExecutor(max_workers=min(8, len(todo)), thread_name_prefix="ses-lint-probe") as pool:
            list(pool.map(lambda probe: probe.send(pacers[_unit(probe.aws)], timeout), todo))
    return [ProbeResult(probe.aws, probe.recipient, **probe.fields) for probe in probes]


def not_attempted(aws: AwsProvider) -> Optional[str]:
    """Why the probe cannot be attempted (SES840), None when it can."""
    if not aws.checked:
        return "the aws stage did not run"
    if aws.credentials is None and aws.unreachable:
        return aws.unreachable  # the credentials were never resolved: `region` or `endpoint` is not known
    if aws.credentials is None or aws.credentials.error:
        return "no AWS credentials" + (f" ({aws.credentials.error})" if aws.credentials else "")
    if aws.auth_error:
        return f"AWS rejected the credentials ({aws.auth_error})"
    if aws.unreachable:
        return aws.unreachable
    if not aws.sender:
        sender = aws.provider.sender
        return f"`from` `{sender.written}` {sender.unknown}" if sender and sender.unknown else "`from` is not a valid address"
    return None


class Probe:
    """One provider's send while it is made; `fields` become its ProbeResult."""

    def __init__(self, aws: AwsProvider, recipient: str) -> None:
        self.aws = aws
        self.recipient = recipient
        self.fields: dict[str, Any] = {"not_attempted": not_attempted(aws)}

    def send(self, pacer: Pacer, timeout: float) -> None:
        started = time.monotonic()
        for attempt in range(2):
            with pacer.slot():
                self.fields["retried"] = attempt > 0
                self.fields["error"] = None
                started = time.monotonic()
                self._send_once()
            error = self.fields.get("error")
            if error is None or not _definite_throttle(error):
                break
        self.fields["latency"] = time.monotonic() - started
        if self.fields.get("message_id") is not None:
            self.confirm(timeout)

    def _call(self, operation: str, **params: Any):
        aws = self.aws
        count(f"sesv2:{operation}")
        return call(aws.credentials, "sesv2", operation, aws.region, aws.endpoint, attempts=1, **params)

    def _send_once(self) -> None:
        aws = self.aws
        outcome = self._call(
            "SendEmail",
            FromEmailAddress=aws.from_value or aws.sender,
            Destination={"ToAddresses": [self.recipient]},
            Content={"Simple": {
                "Subject": {"Data": SUBJECT},
                "Body": {"Text": {"Data": f"ses-lint --probe: provider `{aws.provider.key}` in {aws.region} can send through Amazon SES."}},
            }},
        )
        if outcome.ok:
            self.fields["message_id"] = outcome.value.get("MessageId")
        elif outcome.error.kind in ("unreachable", "timeout"):
            self.fields["not_attempted"] = outcome.error.describe()
        else:
            self.fields["error"] = outcome.error

    def confirm(self, timeout: float) -> None:
        """Poll GetMessageInsights (VDM) within `timeout` for a DELIVERY, BOUNCE or COMPLAINT event."""
        facts = self.aws.account_facts
        if facts is None or not facts.vdm_enabled:
            self.fields["unconfirmed"] = "VDM is off, so SES keeps no per-message events ses-lint can read" if facts is not None and facts.vdm_enabled is False \
                else "whether VDM is on is not known (GetAccount not answered)"
            return
        deadline = time.monotonic() + timeout
        while True:
            outcome = self._call("GetMessageInsights", MessageId=self.fields["message_id"])
            answer = outcome.value if outcome.ok else {}
            if not outcome.ok and outcome.error.kind != "notfound":  # not found yet: insights appear after the send
                self.fields["unconfirmed"] = outcome.error.describe()
                return
            events = [event for insight in answer.get("Insights") or [] for event in insight.get("Events") or []]
            kinds = {str(event.get("Type")): event for event in events}
            if "BOUNCE" in kinds:
                self.fields["delivery"] = "bounced"
                self.fields["bounce_type"] = ((kinds["BOUNCE"].get("Details") or {}).get("Bounce") or {}).get("BounceType")
                return
            if "DELIVERY" in kinds:
                self.fields["delivery"] = "complained" if "COMPLAINT" in kinds else "delivered"
                return
            if time.monotonic() + POLL > deadline:
                self.fields["unconfirmed"] = f"no delivery event from GetMessageInsights within {timeout:g} s"
                return
            time.sleep(POLL)


def _unit(aws: AwsProvider) -> tuple:
    return (aws.account, aws.region, aws.endpoint)


def _definite_throttle(error: AwsError) -> bool:
    """SES refused the send for the rate ("Maximum sending rate exceeded"): nothing was sent."""
    return error.code in THROTTLE_CODES and "rate exceeded" in error.message.lower()
