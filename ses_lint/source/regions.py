"""AWS regions and where SES is offered, from the tables `scripts/generate_regions.py` derives from
botocore's data at build time (`ses_lint/knowledge/aws_regions.py`). Nothing here reads botocore,
its data files or any cache, and nothing is written."""
from __future__ import annotations

import functools

from ses_lint.core.suggest import confident_match
from ses_lint.knowledge.aws_regions import BOTOCORE, PARTITIONS


@functools.lru_cache(maxsize=1)
def all_regions() -> frozenset[str]:
    return frozenset(name for _, regions, _ in PARTITIONS.values() for name in regions)


@functools.lru_cache(maxsize=1)
def ses_regions() -> frozenset[str]:
    """Regions with an SES (`email`) endpoint."""
    return frozenset(name for _, _, ses in PARTITIONS.values() for name in ses)


@functools.lru_cache(maxsize=1)
def _region_patterns() -> tuple:
    import re

    return tuple(re.compile(pattern) for pattern, _, _ in PARTITIONS.values() if pattern)


def aws_form(name: str) -> bool:
    """The name has the form of a region of a partition (partitions.json `regionRegex`, e.g.
    `^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$`): a region newer than these tables may look like this."""
    return any(pattern.match(name) for pattern in _region_patterns())


def known() -> bool:
    """Whether there is a region list at all (without one, region rules stay silent)."""
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
    """The botocore release the tables were generated from (the messages name it)."""
    return BOTOCORE
