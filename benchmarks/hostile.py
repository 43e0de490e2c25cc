"""Hostile files at the 2 MiB size bound, one per class of issue 9 ("every input is bounded"): each is
the largest file of its shape that ses-lint still parses. Used by bench_hostile.py (the whole process)
and by tests/test_bounds.py (smaller, through `size=`).

Each generator repeats a unit until the file would pass `size` bytes, so every class fills the bound
with its own kind of work: findings of one rule on one line, findings of many rules in many providers,
suppressions, literal secrets, complex keys, merge keys.
"""
from __future__ import annotations

import random
import string
from typing import Callable, Iterator

BOUND = 2 * 1024 * 1024  # ses_lint.source.document.MAX_BYTES
HEAD = 'version: "1.0"\nproviders:\n'


def _fill(head: str, units: Iterator[str], tail: str = "", size: int = BOUND, separator: str = "") -> str:
    """`head`, then as many units as fit in `size` bytes with `tail` (separated by `separator`)."""
    parts, used = [], len(head.encode()) + len(tail.encode())
    for unit in units:
        cost = len(unit.encode()) + (len(separator) if parts else 0)
        if used + cost > size:
            break
        parts.append(unit)
        used += cost
    return head + separator.join(parts) + tail


def _count() -> Iterator[int]:
    index = 0
    while True:
        yield index
        index += 1


def _provider(index: int, config: str) -> str:
    return f"  p{index}:\n    provider: email.ses\n    config:\n{config}"


def flow_unknown_keys(size: int = BOUND) -> str:
    """One provider whose config is a flow mapping of unknown keys on one line: ~184,000 SES103."""
    head = HEAD + "  p0:\n    provider: email.ses\n    config: {from: a@mycompany.com, region: us-east-1, "
    return _fill(head, (f"a{i}: 1" for i in _count()), "}\n", size, ", ")


def block_unknown_keys(size: int = BOUND) -> str:
    """One provider's config with an unknown key a line: ~150,000 SES103."""
    head = HEAD + _provider(0, "      from: a@mycompany.com\n      region: us-east-1\n")
    return _fill(head, (f"      k{i}: v\n" for i in _count()), "", size)


def providers_with_findings(size: int = BOUND) -> str:
    """Providers with three findings each (SES401 region, SES405 endpoint, SES502 reserved domain)."""
    units = (_provider(i, f"      from: a{i}@example.com\n      region: us-east{i % 7}\n      endpoint: http://x{i}.io\n") for i in _count())
    return _fill(HEAD, units, "", size)


def suppressions(size: int = BOUND) -> str:
    """Half the file providers whose finding is suppressed on its line, half file-wide suppressions that
    suppress nothing (each an SES008)."""
    providers = (_provider(i, "      from: a@mycompany.com\n      region: us-east1  # ses-lint: disable=SES401\n") for i in _count())
    text = _fill(HEAD, providers, "", size // 2)
    return _fill(text, ("# ses-lint: disable-file=SES104\n" for _ in _count()), "", size)


def literal_secrets(size: int = BOUND, seed: int = 1) -> str:
    """Providers with a literal secret key each (SES301, SES302) and a key holding a piece of it (SES103):
    every message is masked against every secret of the file."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "/+"

    def units() -> Iterator[str]:
        for i in _count():
            secret = "".join(rng.choice(alphabet) for _ in range(39)) + "7"
            yield _provider(i, f"      from: a@mycompany.com\n      region: us-east-1\n      access_key_id: AKIAIOSFODNN7EXAMPL{i % 10}\n"
                               f"      secret_access_key: {secret}\n      x{secret[:30]}: 1\n")

    return _fill(HEAD, units(), "", size)


def complex_keys(size: int = BOUND, levels: int = 60) -> str:
    """Providers keyed by mappings nested `levels` deep (`? {? {? ...}}`), each an SES102 at its key."""
    units = (f"  ? {'{? ' * levels}k{i}{'}' * levels}\n  : {{provider: email.ses}}\n" for i in _count())
    return _fill(HEAD, units, "", size)


def deep_nesting(size: int = BOUND, levels: int = 56) -> str:
    """Providers whose config holds an unknown key with mappings nested `levels` deep under it, just
    inside the depth bound (64 with the file's own levels)."""
    def unit(i: int) -> str:
        nested = "".join(f"{'  ' * (3 + level)}n{level}:\n" for level in range(levels))
        return _provider(i, "      from: a@mycompany.com\n      region: us-east-1\n" + nested + f"{'  ' * (3 + levels)}leaf: {i}\n")
    return _fill(HEAD, (unit(i) for i in _count()), "", size)


def merge_keys(size: int = BOUND, count: int = 11_000) -> str:
    """Providers sharing one `<<: *defaults` with a finding in it (SES502), each adding an unknown key:
    11,000 of them is what the alias bound allows (each expands to 9 nodes; 100,000 more than written)."""
    head = HEAD + "  base: &defaults\n    provider: email.ses\n    config: {from: a@example.com, region: us-east-1}\n"
    return _fill(head, (f"  p{i}:\n    <<: *defaults\n    name: p{i}\n    x{i}: 1\n" for i in range(count)), "", size)


CLASSES: dict[str, Callable[..., str]] = {
    "flow mapping of unknown keys, one line": flow_unknown_keys,
    "block mapping of unknown keys": block_unknown_keys,
    "providers with three findings each": providers_with_findings,
    "suppressions (used and unused)": suppressions,
    "literal secrets": literal_secrets,
    "complex keys, 60 levels": complex_keys,
    "nesting under the depth bound": deep_nesting,
    "merge keys": merge_keys,
}
