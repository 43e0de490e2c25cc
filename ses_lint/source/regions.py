"""AWS regions and where SES is offered, read from botocore's bundled data without importing botocore."""
from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path

from ses_lint.core.suggest import confident_match


@functools.lru_cache(maxsize=1)
def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@functools.lru_cache(maxsize=1)
def _partitions() -> list[dict]:
    import json

    folder = _data_dir()
    return json.loads((folder / "partitions.json").read_text())["partitions"] if folder is not None else []


def all_regions() -> frozenset[str]:
    return _tables()[0]


def ses_regions() -> frozenset[str]:
    """Regions with an SES (`email`) endpoint."""
    return _tables()[1]


@functools.lru_cache(maxsize=1)
def _region_patterns() -> tuple:
    import re

    return tuple(re.compile(partition["regionRegex"]) for partition in _partitions() if partition.get("regionRegex"))


def aws_form(name: str) -> bool:
    """The name has the form of a region of a partition (partitions.json `regionRegex`, e.g.
    `^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$`): a region newer than this botocore may look like this."""
    return any(pattern.match(name) for pattern in _region_patterns())


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], frozenset[str]]:
    """(every region, the regions with an SES endpoint), from botocore's partitions.json and
    endpoints.json. endpoints.json is over 1 MB, so both answers are cached in the user's cache folder
    as two lines of text (no JSON to import or parse on the static path), keyed by the data files' sizes
    and modification times."""
    folder = _data_dir()
    if folder is None:
        return frozenset(), frozenset()
    stats = [(folder / name).stat() for name in ("partitions.json", "endpoints.json")]
    key = "-".join(f"{stat.st_size}-{int(stat.st_mtime)}" for stat in stats)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ses-lint" / f"regions-{key}.txt"
    try:
        every, ses = cache.read_text(encoding="utf-8").split("\n")[:2]
        return frozenset(every.split()), frozenset(ses.split())
    except (OSError, ValueError):
        pass
    tables = _read_tables(folder)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("\n".join(" ".join(sorted(table)) for table in tables) + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only home only costs the next run the same parse
    return tables


def _read_tables(folder: Path) -> tuple[frozenset[str], frozenset[str]]:
    import json

    every = frozenset(name for partition in _partitions() for name in partition.get("regions", {}) if not name.endswith("-global"))
    endpoints = json.loads((folder / "endpoints.json").read_text())
    ses = set()
    for partition in endpoints["partitions"]:
        for name, info in partition.get("services", {}).get("email", {}).get("endpoints", {}).items():
            if name in partition.get("regions", {}) and not info.get("deprecated"):
                ses.add(name)
    return every, frozenset(ses)


def known() -> bool:
    """Whether botocore's data was found at all (without it, region rules stay silent)."""
    return bool(all_regions())


@functools.lru_cache(maxsize=4096)  # a file may repeat one misspelt region thousands of times
def closest(name: str) -> str | None:
    matches = candidates(name)
    return matches[0] if matches else None


def candidates(name: str, n: int = 2) -> list[str]:
    """The region names `name` may have been meant as, best first (at most `n`)."""
    import difflib  # only for a near miss

    normalised = _normalise(name)
    if normalised in all_regions():
        return [normalised]
    return difflib.get_close_matches(normalised, sorted(all_regions()), n=n, cutoff=0.75)


@functools.lru_cache(maxsize=4096)
def confident(name: str) -> str | None:
    """The region `name` was surely meant as (a case or separator slip, or one clearly closest name)."""
    normalised = _normalise(name)
    return normalised if normalised in all_regions() else confident_match(normalised, sorted(all_regions()))


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def botocore_version() -> str:
    folder = _data_dir()
    if folder is None:
        return "unknown"
    try:
        from importlib.metadata import version

        return version("botocore")
    except Exception:  # noqa: BLE001 - metadata missing is not worth failing a lint over
        return "unknown"
