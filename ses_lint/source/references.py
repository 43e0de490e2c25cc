"""`${NAME}` references to environment variables, and template expressions, inside configuration values.

Both make a value "not known until run time": a reference until the environment expands it, a template
(`{{ .Values.ses.from }}`, `{{ user.email }}`, `{% ... %}`) until it is rendered. `resolve` is the one
policy the static stage applies to every scalar of every field.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Go templates (Helm), Jinja and Liquid: `{{ expression }}` and `{% statement %}`.
TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


@functools.lru_cache(maxsize=1)
def _broken() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compiled when a value holds a `$` at all: most runs never need them."""
    return (
        (re.compile(r"\$\{\}"), "empty reference `${}`"),
        (re.compile(r"\$\{[^}]*$"), "reference opened with `${` but never closed"),
        (re.compile(r"(?<!\{)\$[A-Za-z_][A-Za-z0-9_]*\}"), "reference closed with `}` but opened with `$` alone; write `${NAME}`"),
        (re.compile(r"\$\{(?![A-Za-z_][A-Za-z0-9_]*\})[^}]*\}"), "reference names must be letters, digits and `_`, not starting with a digit"),
        # The whole value a shell-style `$NAME` (an environment variable's upper-case name): never expanded.
        (re.compile(r"^\s*\$[A-Z_][A-Z0-9_]*\s*$"), "shell-style reference `$NAME` is not expanded: the text itself would be used; write `${NAME}`"),
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
    for pattern, message in _broken():
        if pattern.search(value):
            return message
    return None


def expand(value: str, environ: Mapping[str, str]) -> str | None:
    """`value` with every reference replaced from `environ`; None when one is unset."""
    missing = [name for name in names(value) if name not in environ]
    if missing:
        return None
    return REFERENCE.sub(lambda match: environ[match.group(1)], value)


def is_template(value: object) -> bool:
    """The value holds a template expression (`{{ ... }}`, `{% ... %}`): it is known only once rendered."""
    return isinstance(value, str) and ("{{" in value or "{%" in value) and TEMPLATE.search(value) is not None


def unresolved(value: object) -> bool:
    """The value is not known as written: it holds a reference, a broken reference or a template."""
    return has_reference(value) or malformation(value) is not None or is_template(value)


class _Unknown:
    """A value not known before run time."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Resolved:
    """How a written scalar is judged: `value` is UNKNOWN when it cannot be known statically; `source`
    is the written text when `value` came from expanding references."""

    value: Any
    source: str | None = None

    @property
    def origin(self) -> str:
        """` (from ${NAME})` for a value that came from references, for messages; else empty."""
        return f" (from {', '.join('${' + name + '}' for name in dict.fromkeys(names(self.source)))})" if self.source else ""


def resolve(written: Any, environ: Mapping[str, str] | None, read_plain: Callable[[str], Any] | None = None) -> Resolved:
    """The static stage's one expansion policy, for any scalar of any field.

    A template is never known. A reference (or a broken one, SES311's) is known only with `--env`
    (`environ` given) and every variable set (an unset one is SES312's): its expansion is then judged as
    if written in the reference's place, so an unquoted value is read as YAML reads a plain scalar
    (`read_plain`: `true` is a boolean, `12` a number, nothing at all null) and a quoted one stays a string.
    """
    if not isinstance(written, str) or not ("$" in written or "{" in written):
        return Resolved(written)
    if is_template(written) or malformation(written) is not None:
        return Resolved(UNKNOWN)
    if not has_reference(written):
        return Resolved(written)
    text = expand(written, environ) if environ is not None else None
    if text is None:
        return Resolved(UNKNOWN)
    return Resolved(read_plain(text) if read_plain is not None else text, written)


def unknown_reason(written: str, environ: Mapping[str, str] | None) -> str:
    """Why `resolve(written, environ)` is UNKNOWN, for messages: "`region` `${R}` <reason>"."""
    if is_template(written):
        return "is a template, not known until rendered"
    problem = malformation(written)
    if problem is not None:
        return f"holds a broken reference ({problem})"
    if environ is None:
        return "references an environment variable: known only with --env"
    unset = [name for name in dict.fromkeys(names(written)) if name not in environ]
    return f"references unset environment variable {', '.join(unset)}"
