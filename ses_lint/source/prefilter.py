"""Which files cannot be provider configs, told from their bytes without parsing them.

A file found below a folder is checked only when it is a provider config: a top-level `providers` or
`workflows` key in its first document, or, when it is broken, a line starting `providers:` or
`workflows:` (`Document.is_config`). Parsing a large Kubernetes manifest or Helm values file only to
find neither costs far more than the rest of a run, so the bytes are looked at first. The answer errs
one way only: `False` means no parse could make the file a config; `True` means "parse it and see".

A top-level key can only start at the beginning of a line (after indentation, a BOM, an anchor or a
tag, a `?` or a quote) or after a flow indicator (`{providers: ...}`, `{a: 1, "workflows": []}`). It
can spell the word through a double-quoted escape (`"\\x70roviders"`, a `\\` line continuation) or be
an alias (`*name :`) of a scalar anchored elsewhere. Every one of these is a "maybe".
"""
from __future__ import annotations

import functools
import re

# Escapes that can write a letter of the words, or join two lines of a double-quoted key into one.
_ESCAPE = rb"\\[xuU\r\n]"
# A key starts after a blank, a line break (YAML's own NEL, LS, PS end in \x85, \xa8, \xa9; a BOM in
# \xbf), a flow indicator or its opening quote. Candidates: the word, an alias, a double-quoted scalar
# holding a backslash. Each pattern starts with one literal, so that it is searched at the speed of a
# byte scan (an alternation of two words is ten times slower).
_BEFORE = rb"[^ \t\r\n{,\[?\x85\xa8\xa9\xbf\"']"
_WORDS = tuple(word + rb"(?<!" + _BEFORE + rb".{9})" for word in (b"providers", b"workflows"))
_ALIASES = rb"\*(?<!" + _BEFORE + rb"\*)"
_ESCAPED_QUOTES = rb'"(?<!' + _BEFORE + rb'")(?=[^"\\]*\\)'
# What may stand on a line before a key: anything up to a flow indicator (then the rest is blanks and
# node properties), or indentation and node properties (anchor, tag).
_LINE_BEFORE_KEY = rb"(?P<flow>.*[{,\[?\x85\xa8\xa9\xbf])?(?P<indent>[ \t]*)(?:[&!][^ \t]*[ \t]+)*"
_LONG_PREFIX = 512  # a longer prefix is not examined (the answer is "maybe"): bounds the backtracking

# Where the root's indentation cannot be told from its first line.
_LONE_CR = rb"\r(?!\n)"
_EXPLICIT_KEY = rb"\?(?=[ \t\r\n]|\Z)"  # `? key`: the key itself may stand deeper, on the next lines
_WIDE_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
_BOM = b"\xef\xbb\xbf"
_NODE_PROPERTIES = rb"(?:[&!][^ \t]*(?:[ \t]+|\Z))*"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")


class _Compiled:
    """The patterns, compiled on the first folder search: a run on named files never compiles them."""

    def __init__(self) -> None:
        self.escape = re.compile(_ESCAPE)
        self.words = tuple(re.compile(word) for word in _WORDS)
        self.aliases = re.compile(_ALIASES)
        self.escaped_quotes = re.compile(_ESCAPED_QUOTES)
        self.line_before_key = re.compile(_LINE_BEFORE_KEY)
        self.lone_cr = re.compile(_LONE_CR)
        self.explicit_key = re.compile(_EXPLICIT_KEY)
        self.node_properties = re.compile(_NODE_PROPERTIES)


_compiled = functools.lru_cache(maxsize=1)(_Compiled)


def may_be_config(raw: bytes) -> bool:
    """False only when no YAML reading of `raw` has a top-level `providers` or `workflows` key, nor a
    line starting with either word."""
    if raw.startswith(_WIDE_BOMS):  # UTF-16/32: the words are not spelt in single bytes
        return True
    compiled = _compiled()
    escaped = b"\\" in raw and compiled.escape.search(raw) is not None
    if not escaped and b"providers" not in raw and b"workflows" not in raw:
        return False
    root_indent: list[int | None] = []
    patterns = [*compiled.words, *((compiled.aliases,) if b"*" in raw else ()), *((compiled.escaped_quotes,) if escaped else ())]
    for pattern in patterns:
        for match in pattern.finditer(raw):
            if _at_key_position(raw, match.start(), root_indent):
                return True
    return False


def _at_key_position(raw: bytes, start: int, root_indent: list[int | None]) -> bool:
    if raw[start:start + 1] in b"pw" and start and raw[start - 1] in b"\"'":
        start -= 1  # a quoted word: what stands before its quote
    line_start = max(raw.rfind(b"\n", 0, start), raw.rfind(b"\r", 0, start)) + 1
    if start - line_start > _LONG_PREFIX:
        return True
    before = _compiled().line_before_key.fullmatch(raw, line_start, start)
    if before is None:
        return False
    spaces = before.group("indent")
    if before.group("flow") is not None or not spaces or b"\t" in spaces:
        return True  # after a flow indicator; or at column 0, where a broken file's `providers:` counts
    if not root_indent:
        root_indent.append(_root_indent(raw))
    return root_indent[0] is None or root_indent[0] == len(spaces)


def _root_indent(raw: bytes) -> int | None:
    """The indentation of the first document's root node when it is a block node (all keys of a block
    mapping stand at its indentation); None when unknown or when the root is a flow node."""
    if any(mark in raw for mark in _WIDE_BREAKS) or _compiled().lone_cr.search(raw) or _compiled().explicit_key.search(raw) or raw.find(_BOM, 1) != -1:
        return None
    position = len(_BOM) if raw.startswith(_BOM) else 0
    while position < len(raw):
        end = raw.find(b"\n", position)
        end = len(raw) if end == -1 else end
        line = raw[position:end]
        position = end + 1
        content = line.lstrip(b" ").rstrip(b"\r")
        if not content.strip(b" \t") or content.startswith(b"#") or line.startswith(b"%"):
            continue
        if line.startswith((b"---", b"...")) and line[3:4] in (b"", b" ", b"\t", b"\r"):
            rest = line[3:].strip(b" \t\r")
            rest = rest[_compiled().node_properties.match(rest).end():]
            if not rest or rest.startswith(b"#"):
                continue
            return None
        node = content[_compiled().node_properties.match(content).end():]
        if not node.strip(b" \t") or node.startswith(b"#"):
            continue  # the root's anchor or tag alone on its line
        if content[:1] == b"\t" or node[:1] in (b"{", b"["):
            return None
        return len(line) - len(line.lstrip(b" "))
    return None
