"""`${NAME}` references to environment variables inside configuration values."""
from __future__ import annotations

import re
from typing import Mapping

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BROKEN = (
    (re.compile(r"\$\{\}"), "empty reference `${}`"),
    (re.compile(r"\$\{[^}]*$"), "reference opened with `${` but never closed"),
    (re.compile(r"(?<!\{)\$[A-Za-z_][A-Za-z0-9_]*\}"), "reference closed with `}` but opened with `$` alone; write `${NAME}`"),
    (re.compile(r"\$\{(?![A-Za-z_][A-Za-z0-9_]*\})[^}]*\}"), "reference names must be letters, digits and `_`, not starting with a digit"),
)


def is_reference(value: object) -> bool:
    """The whole value is one `${NAME}` reference."""
    return isinstance(value, str) and REFERENCE.fullmatch(value.strip()) is not None


def has_reference(value: object) -> bool:
    return isinstance(value, str) and REFERENCE.search(value) is not None


def names(value: object) -> list[str]:
    return REFERENCE.findall(value) if isinstance(value, str) else []


def malformation(value: object) -> str | None:
    """What is wrong with a broken reference in `value`, or None."""
    if not isinstance(value, str) or "$" not in value:
        return None
    for pattern, message in _BROKEN:
        if pattern.search(value):
            return message
    return None


def expand(value: str, environ: Mapping[str, str]) -> str | None:
    """`value` with every reference replaced from `environ`; None when one is unset."""
    missing = [name for name in names(value) if name not in environ]
    if missing:
        return None
    return REFERENCE.sub(lambda match: environ[match.group(1)], value)
