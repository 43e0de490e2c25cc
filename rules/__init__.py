"""ses-lint's rules, one module per family, each family of one stage. `load(stages)` imports (and so
registers) the families of those stages only: a static run never imports the network stages' rules
nor their subjects (a test checks that every rule's stage is its family's)."""
from __future__ import annotations

import importlib
from typing import Collection

FAMILIES = {
    "document": "static",
    "schema": "static",
    "platform": "static",
    "credentials": "static",
    "region": "static",
    "addresses": "static",
    "workflows": "static",
    "spf": "dns",
    "dkim": "dns",
    "dmarc": "dns",
    "mail_from": "dns",
    "identity": "aws",
    "account": "aws",
    "iam": "aws",
    "probe": "probe",
}


def load(stages: Collection[str] | None = None) -> None:
    """Import the families of `stages` (stage names; every family when None)."""
    for family, stage in FAMILIES.items():
        if stages is None or stage in stages:
            importlib.import_module(f"{__name__}.{family}")
