"""Safe fixes: a finding's `Fix` becomes an edit spliced into the file's original text.

Only the span of the node the fix names is rewritten, so comments, quoting, order and layout stay as
they were. Edits are applied from the end of the file backwards; after each one the text is loaded
again, and an edit whose result does not load as cleanly as before (a syntax error, a duplicate key,
an unsafe construct, a file that is no longer a provider config) is dropped. Applying the fixes of a
fixed file again changes nothing, because the findings that carried them are gone.
"""
from __future__ import annotations

import bisect
import difflib
import functools
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from ses_lint.core.findings import Finding
from ses_lint.source.document import Document, Node, load

_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_CLEAN_KINDS = ("syntax", "unsafe", "duplicate-key")
_NOT_LITERAL = ("${", "{{", "{%")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")  # a plain scalar in any context: no indicator, no space
_BEFORE_A_VALUE = (" ", "\t", "[", ",")  # what may precede a value that a word takes the place of
_AFTER_A_VALUE = ("", " ", "\t", "\r", "\n", ",", "]", "}")  # where a word ends as the value did


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text`; the positions (1-based, end exclusive) are for SARIF."""

    start: int
    end: int
    text: str
    line: int
    column: int
    end_line: int
    end_column: int
    description: str


class _Text:
    """Offsets <-> lines and columns of a document's text, with YAML's line breaks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _BREAK.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        return min(self.starts[min(line, len(self.starts)) - 1] + column - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_end(self, offset: int) -> int:
        """The offset of the line break ending the line of `offset` (or the end of the text)."""
        match = _BREAK.search(self.text, offset)
        return match.start() if match else len(self.text)

    def after_break(self, offset: int) -> int:
        match = _BREAK.match(self.text, offset)
        return match.end() if match else offset


@functools.lru_cache(maxsize=8)
def _text_of(text: str) -> _Text:
    """One index of a text's lines however many fixes it has (a str caches its hash: the key is cheap)."""
    return _Text(text)


def edit_for(finding: Finding, document: Optional[Document]) -> Optional[Edit]:
    """The edit of `finding`'s fix in `document`'s text, or None when it cannot be made safely here."""
    fix = finding.fix
    if fix is None or document is None or not document.loaded:
        return None
    path = fix.path or finding.path
    key_node, value_node = _pair(document, path)
    if key_node is None or value_node is None:
        return None
    text = _text_of(document.text)
    if fix.action == "delete":
        span = _deletion(document, text, path, key_node, value_node)
        if span is None:
            return None
        (start, end), replacement = span, ""
    else:
        node = key_node if fix.action == "key" else value_node
        if node.kind != "scalar" or node.end_line != node.line or any(mark in node.text for mark in _NOT_LITERAL):
            return None  # a reference or a template is not the value itself: never overwrite it
        start, end = text.offset(node.line, node.column), text.offset(node.end_line, node.end_column)
        replacement = _quoted(document.text[start:end], fix.text) if fix.keep_quotes else fix.text
    line, column = text.position(start)
    end_line, end_column = text.position(end)
    return Edit(start, end, replacement, line, column, end_line, end_column, fix.description)


def _pair(document: Document, path: tuple) -> tuple[Optional[Node], Optional[Node]]:
    """(key node, value node) at exactly `path` in a mapping, else (None, None)."""
    if not path or document.exact(path) is None:
        return None, None
    parent = document.exact(path[:-1])
    if parent is None or parent.kind != "map":
        return None, None
    return next(((k, v) for k, v in reversed(parent.items()) if k.kind == "scalar" and k.value == path[-1]), (None, None))


def _quoted(original: str, text: str) -> str:
    quote = original[:1]
    return f"{quote}{text}{quote}" if quote in ("'", '"') and original.endswith(quote) else text


def _deletion(document: Document, text: _Text, path: tuple, key: Node, value: Node) -> Optional[tuple[int, int]]:  # noqa: C901
    """The span that removes the pair `key: value`: its whole line in a block mapping (only when nothing
    else shares the line), the pair and one comma in a flow mapping. None when it cannot be done safely."""
    if value.kind != "scalar" or value.end_line != key.line:
        return None
    parent = document.exact(path[:-1])
    assert parent is not None
    pairs = parent.items()
    if len(pairs) < 2:
        return None  # removing the only key would leave an empty (null) mapping
    start = text.offset(key.line, key.column)
    end = text.offset(value.end_line, value.end_column)
    if document.text[text.offset(parent.line, parent.column):][:1] == "{":
        index = next(i for i, (k, _) in enumerate(pairs) if k is key)
        if index + 1 < len(pairs):
            following = pairs[index + 1][0]
            return start, text.offset(following.line, following.column)
        before = pairs[index - 1][1]
        return text.offset(before.end_line, before.end_column), end
    line_start = text.starts[key.line - 1]
    line_end = text.line_end(end)
    if document.text[line_start:start].strip() or document.text[end:line_end].strip():
        return None  # a comment, a `- ` or another node on the line: leave it to a person
    return line_start, text.after_break(line_end)


@dataclass
class FileFix:
    path: str
    before: str
    after: str
    fixed: list[Finding]
    edits: dict[int, Edit]  # id(finding) -> the edit applied for it


def plan(findings: Iterable[Finding], documents: dict[str, Document]) -> list[FileFix]:
    """Per file, the text after every safe fix that keeps it loading as cleanly as before."""
    by_file: dict[str, list[tuple[Finding, Edit]]] = {}
    for finding in findings:
        document = documents.get(finding.file)
        edit = edit_for(finding, document) if finding.file != "-" else None
        if edit is not None:
            by_file.setdefault(finding.file, []).append((finding, edit))
    result = []
    for path, edits in by_file.items():
        document = documents[path]
        chosen: list[tuple[Finding, Edit]] = []
        for finding, edit in sorted(edits, key=lambda item: (item[1].start, item[1].end), reverse=True):
            if not _overlaps(edit, chosen):
                chosen.append((finding, edit))  # an edit that overlaps one already taken is left out
        if all(_keeps_the_load(document.text, finding, edit) for finding, edit in chosen):
            accepted = chosen  # loading the fixed text again could only say what these edits cannot change
        else:
            accepted = _settle(path, document.text, _problems(document), chosen)
        if accepted:
            after = _apply(document.text, [edit for _, edit in accepted])
            result.append(FileFix(path, document.text, after, sorted((finding for finding, _ in accepted), key=Finding.sort_key),
                                  {id(finding): edit for finding, edit in accepted}))
    return result


def _keeps_the_load(text: str, finding: Finding, edit: Edit) -> bool:
    """Whether an edit surely leaves the file loading as it did (`_CLEAN_KINDS` unchanged) without loading
    it again: it writes a plain word (letters, digits, `.`, `_`, `-`, in the quotes it had) over a
    one-line scalar *value*, after a space, a `[` or a `,` and before the line's end, a space or a flow
    indicator. A key, a deletion or any other text is checked by loading the result."""
    if finding.fix is None or finding.fix.action != "value" or not _WORD.match(finding.fix.text):
        return False
    if edit.text not in (finding.fix.text, _quoted(text[edit.start:edit.end], finding.fix.text)):
        return False
    return text[edit.start - 1:edit.start] in _BEFORE_A_VALUE and text[edit.end:edit.end + 1] in _AFTER_A_VALUE


def _overlaps(edit: Edit, chosen: list[tuple[Finding, Edit]]) -> bool:
    """Whether `edit` overlaps one of `chosen`, which run by decreasing start: only the last few can."""
    for _, other in reversed(chosen):
        if other.start >= edit.end:
            return False
        if edit.start < other.end:
            return True
    return False


def _settle(path: str, text: str, baseline: int, chosen: list[tuple[Finding, Edit]]) -> list[tuple[Finding, Edit]]:
    """The edits kept: a group is tried at once on top of those already kept, and split in two only when
    the result would not load as cleanly, so a file with thousands of fixes is loaded a few times, not
    once per fix."""
    accepted: list[tuple[Finding, Edit]] = []
    pending = [chosen] if chosen else []
    while pending:
        group = pending.pop()
        if _loads_as_cleanly(path, _apply(text, [edit for _, edit in accepted + group]), baseline):
            accepted += group
        elif len(group) > 1:
            middle = len(group) // 2
            pending += [group[middle:], group[:middle]]  # the first half is tried first
    return accepted


def _apply(text: str, edits: list[Edit]) -> str:
    """The text with non-overlapping edits spliced in, in one pass."""
    parts, position = [], 0
    for edit in sorted(edits, key=lambda edit: edit.start):
        parts += [text[position:edit.start], edit.text]
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def safe_edits(findings: Iterable[Finding], documents: dict[str, Document]) -> dict[int, Edit]:
    """id(finding) -> its edit, for the findings whose fix `plan` would apply (SARIF's `fixes`)."""
    return {key: edit for file_fix in plan(findings, documents) for key, edit in file_fix.edits.items()}


def _problems(document: Document) -> int:
    return sum(1 for problem in document.problems if problem.kind in _CLEAN_KINDS)


def _loads_as_cleanly(path: str, text: str, before: int) -> bool:
    document = load(path, text.encode("utf-8", "surrogatepass"))
    return document.loaded and document.is_config and _problems(document) <= before


def unified_diff(file_fix: FileFix) -> str:
    lines = difflib.unified_diff(
        file_fix.before.splitlines(keepends=True), file_fix.after.splitlines(keepends=True),
        fromfile=f"a/{file_fix.path}", tofile=f"b/{file_fix.path}",
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def write(file_fix: FileFix) -> bool:
    """Write the fixed text over the file, keeping a UTF-8 byte order mark; False when the file changed
    since it was read (then nothing is written)."""
    from pathlib import Path

    target = Path(file_fix.path)
    raw = target.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    if raw[len(bom):].decode("utf-8", "surrogateescape") != file_fix.before:
        return False
    target.write_bytes(bom + file_fix.after.encode("utf-8", "surrogatepass"))
    return True
