"""ses-lint's rules, one module per family, each family of one stage. `load(stages)` imports (and so
registers) the families of those stages only: a static run never imports the network stages' rules
nor their subjects (a test checks that every rule's stage is its family's)."""
from __future__ import annotations

import importlib
from typing import Collection, Iterable

from ses_lint.core.findings import Stage
from ses_lint.core.registry import RULES, Rule

FAMILIES = {
    "ses0_document": "static",
    "ses1_schema": "static",
    "ses2_platform": "static",
    "ses3_credentials": "static",
    "ses4_region": "static",
    "ses5_addresses": "static",
    "ses5_workflows": "static",
    "ses60_spf": "dns",
    "ses61_dkim": "dns",
    "ses62_dmarc": "dns",
    "ses62_txt_records": "dns",
    "ses63_mail_from": "dns",
    "ses64_dns_unknown": "dns",
    "ses7_identity": "aws",
    "ses7_account": "aws",
    "ses7_iam": "aws",
    "ses74_aws_unknown": "aws",
    "ses8_probe": "probe",
}


def load(stages: Collection[str] | None = None) -> None:
    """Import the families of `stages` (stage names; every family when None)."""
    for family, stage in FAMILIES.items():
        if stages is None or stage in stages:
            importlib.import_module(f"{__name__}.{family}")


def load_rules(stages: Iterable[Stage | str] | None = None) -> dict[str, Rule]:
    """Import the rule modules of `stages` (every stage when None), registering their rules, and return
    those rules ordered by code."""
    wanted = None if stages is None else {Stage(stage) for stage in stages}
    load(None if wanted is None else {stage.value for stage in wanted})
    return dict(sorted((code, found) for code, found in RULES.items() if wanted is None or found.stage in wanted))


def is_rule_code(prefix: str) -> bool:
    """Whether any rule of any stage has a code starting with `prefix` (loads every family if needed)."""
    return any(code.startswith(prefix) for code in RULES) or any(code.startswith(prefix) for code in load_rules())
