"""The send probe (stage probe, opt-in): one SES v2 SendEmail per enabled SES provider.

From the provider's `from` to `run.options.probe_to` (the SES mailbox simulator by default), never to a
workflow recipient, and only when the probe stage runs. Sends are paced per account and region to the
account's MaxSendRate (the sandbox allows one a second). A send is never retried after a timeout (it could
deliver twice); a definite throttle ("Maximum sending rate exceeded": SES refused it, nothing was sent) is
retried once after the rate's interval. After an accepted send, with VDM enabled, GetMessageInsights is
polled within `--timeout` for the message's DELIVERY or BOUNCE event; without the event the message only
says "accepted". Its outcome is a fact, never an exception.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

from ses_lint.core.findings import Stage
from ses_lint.core.run import Run
from ses_lint.facts.aws import (
    CALLS,
    CALLS_LOCK,
    AwsError,
    AwsProvider,
    Pacer,
    classify,
)
from ses_lint.knowledge.aws import THROTTLE_CODES

SUBJECT = "ses-lint probe"
POLL = 0.5  # seconds between GetMessageInsights polls


@dataclass(eq=False)
class ProbeResult:
    """The outcome of one provider's probe send. Subject of SES801, SES802 and SES840."""

    aws: AwsProvider
    recipient: str
    message_id: Optional[str] = None
    latency: Optional[float] = None  # seconds
    error: Optional[AwsError] = None  # AWS answered with an error (SES801) ...
    not_attempted: Optional[str] = None  # ... or the send could not be made (SES840)
    delivery: Optional[str] = None  # "delivered" / "bounced" / "complained": from GetMessageInsights events
    bounce_type: Optional[str] = None
    unconfirmed: Optional[str] = None  # why delivery is not confirmed
    retried: bool = False  # a definite throttle was retried once

    @classmethod
    def gather(cls, run: Run) -> list["ProbeResult"]:
        if not run.stage_enabled(Stage.PROBE):
            return []
        subjects = run.subjects(AwsProvider)
        results = [cls(subject, run.options.probe_to) for subject in subjects]
        todo = [result for result in results if result.prepare()]
        if todo:
            from concurrent.futures import ThreadPoolExecutor

            pacers: dict[tuple, Pacer] = {}
            for result in todo:
                aws = result.aws
                rate = aws.account_facts.max_rate if aws.account_facts is not None and aws.account_facts.max_rate else 1.0
                pacers.setdefault((aws.account, aws.region, aws.endpoint), Pacer(1.0 / max(rate, 0.001)))
            timeout = float(run.options.timeout)
            with ThreadPoolExecutor(max_workers=min(8, len(todo)), thread_name_prefix="ses-lint-probe") as pool:
                list(pool.map(lambda result: result.send(pacers[(result.aws.account, result.aws.region, result.aws.endpoint)], timeout), todo))
        return results

    def prepare(self) -> bool:
        """Whether the probe can be attempted; if not, say why (SES840)."""
        aws = self.aws
        if not aws.checked:
            self.not_attempted = "the aws stage did not run"
        elif aws.credentials is None or aws.credentials.error:
            self.not_attempted = "no AWS credentials" + (f" ({aws.credentials.error})" if aws.credentials else "")
        elif aws.auth_error:
            self.not_attempted = f"AWS rejected the credentials ({aws.auth_error})"
        elif aws.unreachable:
            self.not_attempted = aws.unreachable
        elif not aws.sender:
            sender = aws.provider.sender
            self.not_attempted = f"`from` `{sender.written}` {sender.unknown}" if sender and sender.unknown else "`from` is not a valid address"
        return self.not_attempted is None

    def send(self, pacer: "Pacer", timeout: float) -> None:
        started = time.monotonic()
        for attempt in range(2):
            with pacer.slot():
                self.retried = attempt > 0
                self.error = None
                started = time.monotonic()
                self._send_once()
            if self.error is None or not _definite_throttle(self.error):
                break
        self.latency = time.monotonic() - started
        if self.message_id is not None:
            self.confirm(timeout)

    def _send_once(self) -> None:
        aws = self.aws
        with CALLS_LOCK:
            CALLS["sesv2:SendEmail"] += 1
        try:
            client = aws.client("sesv2", attempts=1)
            answer = client.send_email(
                FromEmailAddress=aws.from_value or aws.sender,
                Destination={"ToAddresses": [self.recipient]},
                Content={"Simple": {
                    "Subject": {"Data": SUBJECT},
                    "Body": {"Text": {"Data": f"ses-lint --probe: provider `{aws.provider.key}` in {aws.region} can send through Amazon SES."}},
                }},
            )
            self.message_id = answer.get("MessageId")
        except Exception as error:
            found = classify(error, "sesv2:SendEmail")
            if found.kind in ("unreachable", "timeout"):
                self.not_attempted = found.describe()
            else:
                self.error = found

    def confirm(self, timeout: float) -> None:
        """Poll GetMessageInsights (VDM) within `timeout` for a DELIVERY, BOUNCE or COMPLAINT event."""
        facts = self.aws.account_facts
        if facts is None or not facts.vdm_enabled:
            self.unconfirmed = "VDM is off, so SES keeps no per-message events ses-lint can read" if facts is not None and facts.vdm_enabled is False \
                else "whether VDM is on is not known (GetAccount not answered)"
            return
        deadline = time.monotonic() + timeout
        while True:
            with CALLS_LOCK:
                CALLS["sesv2:GetMessageInsights"] += 1
            try:
                answer = self.aws.client("sesv2", attempts=1).get_message_insights(MessageId=self.message_id)
            except Exception as error:
                found = classify(error, "sesv2:GetMessageInsights")
                if found.kind != "notfound":  # not found yet: insights appear after the send
                    self.unconfirmed = found.describe()
                    return
                answer = {}
            events = [event for insight in answer.get("Insights") or [] for event in insight.get("Events") or []]
            kinds = {str(event.get("Type")): event for event in events}
            if "BOUNCE" in kinds:
                self.delivery = "bounced"
                self.bounce_type = ((kinds["BOUNCE"].get("Details") or {}).get("Bounce") or {}).get("BounceType")
                return
            if "DELIVERY" in kinds:
                self.delivery = "complained" if "COMPLAINT" in kinds else "delivered"
                return
            if time.monotonic() + POLL > deadline:
                self.unconfirmed = f"no delivery event from GetMessageInsights within {timeout:g} s"
                return
            time.sleep(POLL)

    @property
    def file(self) -> str:
        return self.aws.file


def _definite_throttle(error: AwsError) -> bool:
    """SES refused the send for the rate ("Maximum sending rate exceeded"): nothing was sent."""
    return error.code in THROTTLE_CODES and "rate exceeded" in error.message.lower()

