"""The send probe's facts (stage probe, opt-in): one `ProbeResult` per enabled SES provider.

The send is collect/probe.py's: one SES v2 SendEmail from the provider's `from` to `--probe-to` (the SES
mailbox simulator by default), never to a workflow recipient, paced per account and region; after an
accepted send, with VDM on, GetMessageInsights is polled for the message's DELIVERY or BOUNCE event.
Its outcome is a fact, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_lint.facts.aws import AwsError, AwsProvider


@dataclass(frozen=True, eq=False)
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

    @property
    def file(self) -> str:
        return self.aws.file
