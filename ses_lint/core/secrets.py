"""Secrets: where a file holds them, and masking every string ses-lint writes so none is ever printed.

A secret is recognised wherever it is written: the value of a key the schema marks secret
(`source.schema.is_secret_key`: `secret_access_key` and its misspellings, and keys the schemas do not
type whose name says secret, password or token, anywhere in the tree), an assignment of such a name written
anywhere in the text (`aws_secret_access_key=…` pasted from `~/.aws/credentials`, a comment
`# secret_access_key: …`, a flow key `{secret_access_key:…}`, a quoted string), and anything shaped like
an AWS secret access key. `${NAME}` references, placeholders and emulator dummies are not secrets.

`Masker` replaces, in one pass per string: every piece of 11 or more characters of a known secret (so a
secret shortened by a message is still masked), every short secret whole, and every AWS-secret-shaped
string. Its cost is linear in the secrets' length and in the text's: the long secrets' 8-character
pieces are indexed, and the text is looked up every 4 characters.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from ses_lint.core.findings import Finding
from ses_lint.source import references
from ses_lint.source.credentials_shape import is_dummy, is_placeholder
from ses_lint.source.document import iter_scalars
from ses_lint.source.schema import SECRET_KEYS, SECRET_WORDS, is_secret_key

if TYPE_CHECKING:
    from ses_lint.source.document import Document

MASK = "****"
# What names a secret in raw text (comments, pasted credential lines), where no schema applies: the
# schema's secret keys and the words of secret names, each found inside longer names (`aws_secret_access_key=`),
# so a name holding another (`secret_access_key` holds `secret`) adds nothing to search for.
_NAMES = (*SECRET_WORDS, *sorted(SECRET_KEYS))
SECRET_NAMES = tuple(name for name in _NAMES if not any(other != name and other in name for other in _NAMES))
AWS_SECRET_SHAPE = re.compile(r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*[0-9/+])(?=[A-Za-z0-9/+]*[A-Za-z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")
# `name: value`, `name=value`, `"name": "value"`, with a name that contains a secret word. The name
# starts where a run of name characters does (the lookbehind): a match can start nowhere else, since
# the leading `[...]*` would take in what precedes it, and without it every position of a long run is
# tried, each backtracking over the rest of the run (a 2 MiB file of secrets: 0.4 s, now 0.1 s).
ASSIGNMENT = re.compile(
    r"(?i)(?<![A-Za-z0-9_.-])(?P<name>[A-Za-z0-9_.-]*(?:" + "|".join(map(re.escape, SECRET_NAMES)) + r")[A-Za-z0-9_.-]*)[\"']?[ \t]*[:=][ \t]*"
    r"(?:\"(?P<double>[^\"\n]*)\"|'(?P<single>[^'\n]*)'|(?P<bare>[^\s\"',}\]#]+))"
)
SHAPE_LENGTH = 40  # an AWS secret access key's length: AWS_SECRET_SHAPE matches nothing shorter
MIN_LENGTH = 4  # shorter values are masked nowhere (they would mask half of every message)
PIECE = 8  # long secrets are indexed by their pieces of this length ...
STRIDE = 4  # ... and text is looked up every STRIDE characters: any shared run of PIECE + STRIDE - 1 is found
LONG = PIECE + STRIDE - 1  # secrets this long or longer are masked piece by piece; shorter ones whole
_TOKEN_SPLIT = re.compile(r"[\s`'\",;:=()\[\]{}<>]+")
_FEW = 64  # up to this many short secrets are searched as substrings; beyond, as whole tokens
_MEMO_LENGTH, _MEMO_SIZE = 64, 65_536  # strings up to this long are masked once per run, up to this many


def is_secret_name(name: object) -> bool:
    """The schema says a value under this key is a secret."""
    return is_secret_key(name)


def candidates(value: object) -> Iterator[str]:
    """The secret parts of a value written for a secret: nothing for a reference (or a broken one, which
    SES311 reports), a placeholder or a dummy; the literal text around any `${NAME}` reference otherwise."""
    if not isinstance(value, str) or is_placeholder(value) or is_dummy(value) or references.malformation(value):
        return
    for part in references.REFERENCE.split(value)[::2] if references.has_reference(value) else [value]:
        part = part.strip()
        if len(part) >= MIN_LENGTH and not is_placeholder(part):
            yield part


def in_text(text: str) -> Iterator[str]:
    """Secrets written in raw text: assigned to a secret-named key (anywhere: comments, keys, quoted
    strings, pasted credential lines) or shaped like an AWS secret access key."""
    if _names_a_secret(text.lower()):
        for match in ASSIGNMENT.finditer(text):
            yield from (value for value in candidates(assigned(match)) if _not_a_word(value))
    yield from AWS_SECRET_SHAPE.findall(text)


def _names_a_secret(lowered: str) -> bool:
    return any(name in lowered for name in SECRET_NAMES)


def _not_a_word(value: str) -> bool:
    """Prose in a comment or a description (`# secret: rotate monthly`) is not masked: what follows a
    secret's name in free text counts as a secret when it is 8 characters or more and not a plain word."""
    return len(value) >= 8 and (not value.isalpha() or len(value) >= 16)


def assigned(match: re.Match) -> str:
    """The value of an ASSIGNMENT match, without its quotes."""
    return match.group("double") or match.group("single") or match.group("bare") or ""


class Masker:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._pieces: set[str] = set()
        self._short: set[str] = set()
        self._known: set[str] = set()
        self._paths: set[str] = set()  # secret-shaped runs of the run's file paths: paths are shown as they are
        self._memo: dict[str, str] = {}  # short strings masked so far: every finding repeats its rule's name, its path's keys
        # the length of the shortest string masking can change: an AWS-secret-shaped run, a known
        # secret's piece, or a short secret of its own
        self.shortest = SHAPE_LENGTH
        for secret in secrets:
            self.add(secret)

    def add(self, secret: object) -> None:
        if not isinstance(secret, str) or len(secret) < MIN_LENGTH or secret in self._known:
            return
        self._known.add(secret)
        self._memo.clear()
        if len(secret) < LONG:
            self._short.add(secret)
            self.shortest = MIN_LENGTH
        else:
            self._pieces.update(secret[start : start + PIECE] for start in range(len(secret) - PIECE + 1))
            self.shortest = min(self.shortest, LONG)

    def allow_path(self, path: str) -> None:
        """A file path of the run is never a secret: a message that names it (SES105) shows it whole."""
        self._paths.update(AWS_SECRET_SHAPE.findall(path))
        self._memo.clear()

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        if len(text) < SHAPE_LENGTH and not self._short and (len(text) < LONG or not self._pieces):
            return text  # too short to hold a known secret's piece or an AWS-secret-shaped string
        if len(text) > _MEMO_LENGTH:
            return self._mask(text)
        masked = self._memo.get(text)
        if masked is None:
            masked = self._mask(text)
            if len(self._memo) < _MEMO_SIZE:
                self._memo[text] = masked
        return masked

    def _mask(self, text: str) -> str:
        spans = [match.span() for match in AWS_SECRET_SHAPE.finditer(text) if match[0] not in self._paths]
        if self._pieces:
            spans += self._long_spans(text)
        if self._short:
            spans += self._short_spans(text)
        if not spans:
            return text
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        parts, position = [], 0
        for start, end in merged:
            parts += [text[position:start], MASK]
            position = end
        parts.append(text[position:])
        return "".join(parts)

    def _long_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Runs of text made of consecutive indexed pieces, LONG characters or more."""
        pieces = self._pieces
        if not pieces or len(text) < LONG:
            return
        covered_to = 0
        for probe in range(0, len(text) - PIECE + 1, STRIDE):
            if probe < covered_to or text[probe : probe + PIECE] not in pieces:
                continue
            start = probe
            while start > covered_to and text[start - 1 : start - 1 + PIECE] in pieces:
                start -= 1
            end = probe
            while end + 1 + PIECE <= len(text) and text[end + 1 : end + 1 + PIECE] in pieces:
                end += 1
            covered_to = end + PIECE
            if covered_to - start >= LONG:
                yield start, covered_to

    def _short_spans(self, text: str) -> Iterator[tuple[int, int]]:
        if not self._short:
            return
        if len(self._short) <= _FEW:
            for secret in self._short:
                start = text.find(secret)
                while start >= 0:
                    yield start, start + len(secret)
                    start = text.find(secret, start + 1)
            return
        position = 0
        for token in _TOKEN_SPLIT.split(text):
            start = text.find(token, position) if token else position
            if token in self._short:
                yield start, start + len(token)
            position = start + len(token)


def collect(documents: "list[Document]", environ: "Mapping[str, str] | None" = None) -> Masker:
    """Every secret of every file: written in its text anywhere (comments, keys, quoted strings, pasted
    credential lines), and the values of secret-named keys in its tree (decoded, and expanded from
    `environ` when references are resolved, with --env)."""
    masker = Masker()
    for document in documents:
        masker.allow_path(document.path)
        for secret in in_text(document.text):
            masker.add(secret)
        lowered = document.text.lower()
        if "\\" not in lowered and not _names_a_secret(lowered):
            continue  # no key can name a secret (an escape could spell one)
        root = document.root if document.loaded else None
        for path, node in iter_scalars(root):
            if path and is_secret_name(path[-1]):
                for value in {node.text, node.value if isinstance(node.value, str) else ""}:
                    for secret in candidates(value):
                        masker.add(secret)
                if environ is not None and isinstance(node.value, str):
                    for secret in candidates(references.expand(node.value, environ)):
                        masker.add(secret)
    return masker


_MASKED_FIELDS = ("message", "name", "suggestion", "provider")


def mask_finding(finding: Finding, mask: Masker, **changes) -> Finding:
    """The finding with every string a formatter may write masked: message, rule name, suggestion,
    provider, the key path's parts, and strings in `extra` (and any other `changes`). The finding itself
    when nothing changes (most findings hold no secret)."""
    changed = {name: value for name, value in changes.items() if value != getattr(finding, name)} if changes else None
    shortest = mask.shortest  # a string shorter than this is never changed: most of a finding's strings
    for name in _MASKED_FIELDS:
        value = getattr(finding, name)
        if value and len(value) >= shortest and (masked := mask(value)) != value:
            changed = changed or {}
            changed[name] = masked
    for part in finding.path:
        if type(part) is str and len(part) >= shortest and mask(part) != part:
            changed = changed or {}
            changed["path"] = tuple(mask(part) if isinstance(part, str) else part for part in finding.path)
            break
    if finding.extra and (extra := _mask_value(finding.extra, mask)) != finding.extra:
        changed = changed or {}
        changed["extra"] = extra
    return finding.evolve(**changed) if changed else finding


def _mask_value(value: Any, mask: Masker) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _mask_value(item, mask) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_mask_value(item, mask) for item in value)
    return value
