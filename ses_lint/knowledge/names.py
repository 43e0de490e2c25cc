"""Domain names compared as DNS compares them."""
from __future__ import annotations


def normalize(name: str) -> str:
    """`name` as a lookup key: no surrounding spaces, no trailing dot, lower case."""
    return name.strip().rstrip(".").lower()


def within(name: str, parent: str) -> bool:
    """`name` is `parent` or below it."""
    return name == parent or name.endswith("." + parent)
