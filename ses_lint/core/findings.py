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


class _NoExtra(dict):
    """The `extra` of every finding that has none: one shared empty mapping (a dict each was 11 MiB of a
    184,000-finding run), which refuses to be filled: a finding is changed by `evolve(extra={...})`."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("a finding's extra is never changed in place: use evolve(extra={...})")

    __setitem__ = __delitem__ = __ior__ = update = setdefault = pop = popitem = clear = _refuse


NO_EXTRA: dict = _NoExtra()


# slots: a 2 MiB file can hold 184,000 findings; a dict each was 300 bytes more. Not frozen: a frozen
# dataclass sets each of its 16 fields through `object.__setattr__`, four times slower to make, and a
# run makes two a finding (the rule's, then `ruled`). Nothing assigns to a finding once made: `evolve`
# makes a changed copy (tests/test_findings_unchanged.py checks the sources).
@dataclass(slots=True, unsafe_hash=True)
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
    extra: dict = field(default_factory=lambda: NO_EXTRA, compare=False, hash=False)

    @property
    def key(self) -> str | None:
        """The key path written with dots, as users read it (`providers.email-ses.config.region`)."""
        if not self.path:
            return None
        return ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in self.path).replace(".[", "[")

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.code, self.message)

    def evolve(self, **changes) -> "Finding":
        """A copy with `changes`. Every finding passes here or through `ruled` (the rule's code and
        its place, in one copy), and again when masking changes it, so it copies the fields directly: `dataclasses.replace` re-runs `__init__`
        and took most of a 184,000-finding run. Unknown field names are refused as `replace` does;
        a test checks that every field is copied."""
        if not _FIELDS.issuperset(changes):
            raise TypeError(f"Finding has no field {', '.join(sorted(changes.keys() - _FIELDS))}")
        new, get = object.__new__(type(self)), changes.get  # one line a field: a loop took a third longer
        new.message = get("message", self.message)
        new.file = get("file", self.file)
        new.path = get("path", self.path)
        new.at = get("at", self.at)
        new.line = get("line", self.line)
        new.column = get("column", self.column)
        new.end_line = get("end_line", self.end_line)
        new.end_column = get("end_column", self.end_column)
        new.provider = get("provider", self.provider)
        new.code = get("code", self.code)
        new.name = get("name", self.name)
        new.stage = get("stage", self.stage)
        new.severity = get("severity", self.severity)
        new.suggestion = get("suggestion", self.suggestion)
        new.fix = get("fix", self.fix)
        new.extra = get("extra", self.extra)
        return new

    def ruled(self, code: str, name: str, stage: Stage, severity: Severity, place: tuple | None = None) -> "Finding":
        """A copy carrying its rule's code, name, stage and severity (its own when it chose one), at
        `place` (line, column, end line, end column) when given: what `evolve` with those changes
        makes, in one copy without its keyword handling, since every finding of a run passes here."""
        new = object.__new__(type(self))
        new.message = self.message
        new.file = self.file
        new.path = self.path
        new.at = self.at
        if place is None:
            new.line = self.line
            new.column = self.column
            new.end_line = self.end_line
            new.end_column = self.end_column
        else:
            new.line = place[0]
            new.column = place[1]
            new.end_line = place[2]
            new.end_column = place[3]
        new.provider = self.provider
        new.code = code
        new.name = name
        new.stage = stage
        new.severity = self.severity or severity
        new.suggestion = self.suggestion
        new.fix = self.fix
        new.extra = self.extra
        return new

    def grouped(self, key: str) -> "Finding":
        """This finding and the same rule's findings with the same `key` in other providers are one
        fact (a DNS name that failed to resolve, an AWS call that failed): the engine reports it once,
        at the first place, listing the providers it concerns."""
        return self.evolve(extra={**self.extra, "group": key})


_FIELDS = frozenset(item.name for item in fields(Finding))
