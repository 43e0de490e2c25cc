"""AWS regions and where SES is offered, read from botocore's bundled data without importing botocore."""
from __future__ import annotations

import difflib
import functools
import importlib.util
import json
from pathlib import Path


@functools.lru_cache(maxsize=1)
def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@functools.lru_cache(maxsize=1)
def all_regions() -> frozenset[str]:
    folder = _data_dir()
    if folder is None:
        return frozenset()
    partitions = json.loads((folder / "partitions.json").read_text())
    return frozenset(
        name for partition in partitions["partitions"] for name in partition.get("regions", {}) if not name.endswith("-global")
    )


@functools.lru_cache(maxsize=1)
def ses_regions() -> frozenset[str]:
    folder = _data_dir()
    if folder is None:
        return frozenset()
    endpoints = json.loads((folder / "endpoints.json").read_text())
    regions = set()
    for partition in endpoints["partitions"]:
        for name, info in partition.get("services", {}).get("email", {}).get("endpoints", {}).items():
            if name in partition.get("regions", {}) and not info.get("deprecated"):
                regions.add(name)
    return frozenset(regions)


def known() -> bool:
    """Whether botocore's data was found at all (without it, region rules stay silent)."""
    return bool(all_regions())


def closest(name: str) -> str | None:
    candidates = sorted(all_regions())
    normalised = name.strip().lower().replace("_", "-").replace(" ", "-")
    if normalised in all_regions():
        return normalised
    matches = difflib.get_close_matches(normalised, candidates, n=1, cutoff=0.75)
    return matches[0] if matches else None


def botocore_version() -> str:
    folder = _data_dir()
    if folder is None:
        return "unknown"
    try:
        from importlib.metadata import version

        return version("botocore")
    except Exception:  # noqa: BLE001 - metadata missing is not worth failing a lint over
        return "unknown"
