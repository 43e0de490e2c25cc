"""The send probe (stage probe, opt-in): one SES v2 SendEmail per enabled SES provider.

From the provider's `from` to `run.options.probe_to` (the SES mailbox simulator by default), never to a
workflow recipient, and only when the probe stage runs. The send is made once, without retries (a
retried send after a read timeout could deliver twice); its outcome is a fact, never an exception.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

from ..findings import Stage
from ..run import Run
from .aws import CALLS, CALLS_LOCK, AwsError, AwsProvider, classify

SUBJECT = "ses-lint probe"


@dataclass(eq=False)
class ProbeResult:
    """The outcome of one provider's probe send. Subject of SES801, SES802 and SES840."""

    aws: AwsProvider
    recipient: str
    message_id: Optional[str] = None
    latency: Optional[float] = None  # seconds
    error: Optional[AwsError] = None  # AWS answered with an error (SES801) ...
    not_attempted: Optional[str] = None  # ... or the send could not be made (SES840)

    @classmethod
    def gather(cls, run: Run) -> list["ProbeResult"]:
        if not run.stage_enabled(Stage.PROBE):
            return []
        subjects = run.subjects(AwsProvider)
        results = [cls(subject, run.options.probe_to) for subject in subjects]
        todo = [result for result in results if result.prepare()]
        if todo:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(8, len(todo)), thread_name_prefix="ses-lint-probe") as pool:
                list(pool.map(lambda result: result.send(), todo))
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
            self.not_attempted = "`from` is not a valid address"
        return self.not_attempted is None

    def send(self) -> None:
        aws = self.aws
        with CALLS_LOCK:
            CALLS["sesv2:SendEmail"] += 1
        started = time.monotonic()
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
        self.latency = time.monotonic() - started

    @property
    def file(self) -> str:
        return self.aws.file
