"""Findings: what a rule reports, and where."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, fields
from typing import Literal, Union

KeyPath = tuple[Union[str, int], ...]

# Compiled (and cached) by `re` when an AWS error text is first flattened: a static run never needs them.
_HTML_PAGE = r"(?i)<(?:!doctype|html|head|body)\b"
_MARKUP = r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>"
_SPACES = r"\s+"


LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\v": "\\v", "\f": "\\f", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def escape_line_breaks(text: str) -> str:
    """`text` on one line, its line breaks written as escapes (`bad\\nkey`): what a message quotes stays exact."""
    return text if text.isprintable() else text.translate(LINE_BREAKS)  # line breaks are not printable


def one_line(text: str, limit: int | None = None) -> str:
    """`text` on one line: whitespace runs (newlines included) become one space; an HTML page (the
    error page a proxy answers with) is reduced to its text; past `limit` characters it is cut with `…`."""
    if "<" in text and re.search(_HTML_PAGE, text):
        text = re.sub(_MARKUP, " ", text)
    if any(char in text for char in "\n\r\t\v\f\x85\u2028\u2029") or "  " in text:
        text = re.sub(_SPACES, " ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Stage(str, enum.Enum):
    STATIC = "static"
    DNS = "dns"
    AWS = "aws"
    PROBE = "probe"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
STATIC, DNS, AWS, PROBE = Stage.STATIC, Stage.DNS, Stage.AWS, Stage.PROBE


@dataclass(frozen=True)
class Fix:
    """A safe edit that makes a finding go away, applied by `--fix` (shown by `--diff`, carried in SARIF).

    `action` "value" replaces the scalar at `path` with `text` (in the same quotes as it was written
    when `keep_quotes`), "key" renames the key at `path` to `text`, "delete" removes the key at `path`
    with its value. `path` is the finding's own when empty. `ses_lint.core.fixes` turns it into an edit of
    the file's text at the recorded positions, and drops it when the result would not load cleanly.
    """

    action: Literal["value", "key", "delete"]
    description: str
    text: str = ""
    path: KeyPath = ()
    keep_quotes: bool = False


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    A rule gives the `file` and either a key `path` into the document (resolved to a line and column by
    the engine: the key's position when `at="key"`, the value's when `at="value"`) or an explicit
    `line`/`column`. The engine fills in the rule's code, name and stage, and its default severity
    unless the rule chose one for this finding.
    """

    message: str
    file: str
    path: KeyPath = ()
    at: Literal["key", "value"] = "value"
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    provider: str | None = None
    code: str = ""
    name: str = ""
    stage: Stage = Stage.STATIC
    severity: Severity | None = None  # None: the rule's default; a rule may grade a finding lower or higher
    suggestion: str | None = None
    fix: Fix | None = field(default=None, compare=False)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    # Written out, not generated: the dataclass's `__init__` sets each of 17 fields through
    # `object.__setattr__` (it is frozen) and took a fifth of a 184,000-finding run. A test checks that
    # this signature is the fields' own, with their defaults.
    def __init__(self, message: str, file: str, path: KeyPath = (), at: Literal["key", "value"] = "value", line: int | None = None,
                 column: int | None = None, end_line: int | None = None, end_column: int | None = None, provider: str | None = None,
                 code: str = "", name: str = "", stage: Stage = Stage.STATIC, severity: Severity | None = None,
                 suggestion: str | None = None, fix: Fix | None = None, extra: dict | None = None) -> None:
        self.__dict__.update(message=message, file=file, path=path, at=at, line=line, column=column, end_line=end_line,
                             end_column=end_column, provider=provider, code=code, name=name, stage=stage, severity=severity,
                             suggestion=suggestion, fix=fix, extra={} if extra is None else extra)

    @property
    def key(self) -> str | None:
        """The key path written with dots, as users read it (`providers.email-ses.config.region`)."""
        if not self.path:
            return None
        return ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in self.path).replace(".[", "[")

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.code, self.message)

    def evolve(self, **changes) -> "Finding":
        """A copy with `changes`. Every finding passes here four or five times (the rule's code, its
        place, masking), so it copies the fields directly: `dataclasses.replace` re-runs `__init__`
        and took most of a 184,000-finding run. Unknown field names are refused as `replace` does."""
        if not _FIELDS.issuperset(changes):
            raise TypeError(f"Finding has no field {', '.join(sorted(changes.keys() - _FIELDS))}")
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__, **changes)
        return new

    def grouped(self, key: str) -> "Finding":
        """This finding and the same rule's findings with the same `key` in other providers are one
        fact (a DNS name that failed to resolve, an AWS call that failed): the engine reports it once,
        at the first place, listing the providers it concerns."""
        return self.evolve(extra={**self.extra, "group": key})


_FIELDS = frozenset(item.name for item in fields(Finding))
