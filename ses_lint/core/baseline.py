"""Baselines: record today's findings (`--write-baseline FILE`), then report only new ones (`--baseline FILE`).

An entry matches a finding by its code, its file (relative to the baseline's folder, so the baseline
works from any current folder), its key path and a hash of the value there, never by line, so entries
survive edits above them. A finding with no key path (a YAML syntax error, a duplicate key) is matched
by the hash of the text of its line. Entries are counted: two equal findings need two entries. Entries
that match nothing are reported as SES014 at their own line of the baseline file.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ses_lint.core.findings import Finding
from ses_lint.core.run import Run
from ses_lint.source.document import Document

FORMAT = 1
FIELDS = ("code", "file", "key", "hash")


class BaselineError(Exception):
    """The baseline file cannot be read or written (exit 2)."""


@dataclass(frozen=True)
class Entry:
    code: str
    file: str
    key: str
    hash: str
    line: int = field(default=1, compare=False)  # its place in the baseline file
    column: int = field(default=1, compare=False)

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.code, self.file, self.key, self.hash)


def _value_text(finding: Finding, document: Optional[Document]) -> str:
    if document is None or not document.loaded:
        return finding.message
    if finding.path:
        node = document.exact(finding.path)
        return node.text if node is not None and node.kind == "scalar" else finding.message
    lines = document.lines
    if finding.line and 0 < finding.line <= len(lines):
        return lines[finding.line - 1].strip()
    return finding.message


def _relative(file: str, folder: Path) -> str:
    if file == "-":
        return file
    try:
        return Path(os.path.relpath(os.path.abspath(file), folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(os.path.abspath(file)).as_posix()


def entry_of(finding: Finding, documents: dict[str, Document], folder: Path) -> Entry:
    import hashlib  # with a baseline only: OpenSSL's loading costs every other run

    text = _value_text(finding, documents.get(finding.file))
    digest = hashlib.sha256(f"{finding.code}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Entry(finding.code, _relative(finding.file, folder), finding.key or "", digest)


def write(path: Path, findings: Iterable[Finding], documents: dict[str, Document]) -> int:
    """Write a baseline of these findings; one entry a line, so SES014 can point at a stale one."""
    import json

    folder = path.resolve().parent
    entries = sorted(entry_of(finding, documents, folder).identity for finding in findings if finding.code != "SES014")
    lines = [json.dumps(dict(zip(FIELDS, identity)), ensure_ascii=False) for identity in entries]
    body = ",\n    ".join(lines)
    text = f'{{\n  "tool": "ses-lint",\n  "format": {FORMAT},\n  "entries": [\n    {body}\n  ]\n}}\n' if lines else f'{{\n  "tool": "ses-lint",\n  "format": {FORMAT},\n  "entries": []\n}}\n'
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"--write-baseline {path}: {error.strerror or error}") from None
    return len(lines)


@dataclass
class Baseline:
    path: str
    entries: list[Entry]

    @classmethod
    def read(cls, path: Path) -> "Baseline":
        import json

        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError) as error:
            raise BaselineError(f"--baseline {path}: cannot be read ({getattr(error, 'strerror', None) or error})") from None
        except json.JSONDecodeError as error:
            raise BaselineError(f"--baseline {path}: not a ses-lint baseline (invalid JSON at line {error.lineno})") from None
        if not isinstance(data, dict) or data.get("tool") != "ses-lint" or not isinstance(data.get("entries"), list):
            raise BaselineError(f"--baseline {path}: not a ses-lint baseline (write one with --write-baseline)")
        places = _entry_places(text)
        entries = []
        for index, item in enumerate(data["entries"]):
            if not isinstance(item, dict) or not all(isinstance(item.get(name), str) for name in FIELDS):
                raise BaselineError(f"--baseline {path}: entry {index + 1} must have the string fields {', '.join(FIELDS)}")
            line, column = places[index] if index < len(places) else (1, 1)
            entries.append(Entry(*(item[name] for name in FIELDS), line=line, column=column))
        return cls(str(path), entries)

    def apply(self, findings: list[Finding], documents: list[Document], run: Run) -> list[Finding]:
        """The findings the baseline does not hold; the entries that held none go to `run.stale_baseline`."""
        folder = Path(self.path).resolve().parent
        by_path = {document.path: document for document in documents}
        remaining = Counter(entry.identity for entry in self.entries)
        kept = []
        for finding in findings:
            identity = entry_of(finding, by_path, folder).identity
            if remaining[identity] > 0:
                remaining[identity] -= 1
            else:
                kept.append(finding)
        stale = []
        for entry in reversed(self.entries):  # the last copies of a repeated entry are the stale ones
            if remaining[entry.identity] > 0:
                remaining[entry.identity] -= 1
                stale.append(entry)
        run.stale_baseline = [StaleEntry(self.path, entry) for entry in reversed(stale)]
        return kept


def _entry_places(text: str) -> list[tuple[int, int]]:
    """Line and column of each entry object inside `"entries": [...]`, in order (its opening `{`).
    Braces inside strings are skipped."""
    start = text.find('"entries"')
    places, depth, in_string, escaped = [], 0, False, False
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    for offset in range(start, len(text)):
        char = text[offset]
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char == "\n":
            line, line_start = line + 1, offset + 1
        elif char == "{":
            depth += 1
            if depth == 1:
                places.append((line, offset - line_start + 1))
        elif char == "}":
            depth -= 1
    return places


@dataclass(eq=False)
class StaleEntry:
    """A baseline entry that no finding of this run matched (the subject of SES014)."""

    baseline: str
    entry: Entry

    def finding(self) -> Finding:
        entry = self.entry
        where = f"`{entry.key}` in {entry.file}" if entry.key else entry.file
        return Finding(
            f"baseline entry {entry.code} at {where} no longer occurs; remove it (or rewrite the baseline with --write-baseline)",
            self.baseline, line=entry.line, column=entry.column,
        )
