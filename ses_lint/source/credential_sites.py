"""Where credentials are written: an SES provider's `access_key_id`/`secret_access_key`, or a comment.

A key left in a comment (`# secret_access_key: …` with a 40-character secret, an `AKIA…` id) is
committed all the same, so the credential rules judge both. A `#` inside a quoted string or a block scalar is text, not a comment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ses_lint.core import secrets
from ses_lint.core.findings import Finding
from ses_lint.core.run import Run
from ses_lint.source.config import SesProvider
from ses_lint.source.credentials_shape import SECRET_ACCESS_KEY
from ses_lint.source.document import Document

_COMMENT = re.compile(r"(?:^|(?<=\s))#")
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Z0-9])")


@dataclass(frozen=True, eq=False)
class CredentialSite:
    """One written credential: `kind` is "secret_access_key" or "access_key_id"."""

    kind: str
    value: str
    file: str
    provider: Optional[SesProvider] = None  # None: written in a comment, at `line`/`column`
    line: int = 1
    column: int = 1

    @classmethod
    def gather(cls, run: Run) -> Iterator["CredentialSite"]:
        for provider in run.subjects(SesProvider):
            for kind in ("secret_access_key", "access_key_id"):
                value = provider.field(kind)
                if isinstance(value, str):
                    yield cls(kind, value, provider.file, provider)
        for document in run.documents:
            yield from _in_comments(document)

    @property
    def where(self) -> str:
        """Said after "is committed": " in a comment", or nothing."""
        return " in a comment" if self.provider is None else ""

    def finding(self, message: str) -> Finding:
        if self.provider is not None:
            return self.provider.finding(("config", self.kind), message)
        return Finding(message, self.file, line=self.line, column=self.column)


def comments(document: Document) -> Iterator[tuple[int, int, str]]:
    """(line, column of `#`, comment text) of every comment of a file."""
    for number, line in enumerate(document.text.splitlines(), start=1):
        if "#" not in line:
            continue
        start = next((m.start() for m in _COMMENT.finditer(line) if not document.inside_scalar(number, m.start() + 1)), None)
        if start is not None:
            yield number, start + 1, line[start:]


def _in_comments(document: Document) -> Iterator[CredentialSite]:
    for line, column, text in comments(document):
        for match in secrets.ASSIGNMENT.finditer(text):
            value = secrets.assigned(match)
            # Only what is surely a secret key: prose after `secret:` in a comment is not reported.
            if "secret" in match.group("name").lower() and SECRET_ACCESS_KEY.fullmatch(value):
                start = next(match.start(group) for group in ("double", "single", "bare") if match.group(group))
                yield CredentialSite("secret_access_key", value, document.path, None, line, column + start)
        for match in _ACCESS_KEY.finditer(text):
            yield CredentialSite("access_key_id", match.group(), document.path, None, line, column + match.start())
