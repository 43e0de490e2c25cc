"""The probe's collector: one send per enabled SES provider the aws stage checked (facts/probe.py)."""
from __future__ import annotations

from typing import Iterable

from ses_lint.core.collectors import Inputs
from ses_lint.facts.probe import ProbeResult


def collect(inputs: Inputs) -> Iterable[ProbeResult]:
    return ProbeResult.gather(inputs)  # type: ignore[arg-type]
