"""No block of six or more lines stands twice in `ses_lint/` and `rules/` (issue #10): logic written
twice drifts apart (SES613 and SES626 once judged DKIM key sizes with two thresholds).

A block is six consecutive lines of code, compared after folding white space, with these passed over:
blank lines, comments, import statements, docstrings (a rule's docstring is its documentation, and the
`Bad:`/`Good:` examples of neighbouring rules look alike by design), decorators, and lines of closing
brackets alone. Generated data (`ses_lint/knowledge/aws_regions.py`) is not code and is left out.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 6
GENERATED = {"ses_lint/knowledge/aws_regions.py"}
_PUNCTUATION = re.compile(r"^[\s)\]},:;]*$")


def code_lines(source: str) -> list[tuple[int, str]]:
    """(line number, folded text) of the lines that count, in order."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skipped.update(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            skipped.update(range(node.lineno, node.end_lineno + 1))  # a docstring, or a string standing alone
        for decorator in getattr(node, "decorator_list", ()):
            skipped.update(range(decorator.lineno - 1, decorator.end_lineno + 1))  # with its `@`
    text: dict[int, list[str]] = defaultdict(list)
    ignored = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in ignored:
            text[token.start[0]].append(" ".join(token.string.split()))
    return [(number, " ".join(parts)) for number, parts in sorted(text.items())
            if number not in skipped and not _PUNCTUATION.match(" ".join(parts))]


def repeated_blocks(files: dict[str, str], size: int = BLOCK) -> list[tuple[str, int, str, int]]:
    """(file, line, file, line) for each block of `size` counted lines that stands again elsewhere
    (a later place in the same file counts only when the two blocks do not overlap)."""
    first: dict[tuple[str, ...], tuple[str, int, int]] = {}
    found = []
    for name, source in sorted(files.items()):
        lines = code_lines(source)
        for index in range(len(lines) - size + 1):
            key = tuple(text for _, text in lines[index:index + size])
            place = (name, lines[index][0], index)
            if key not in first:
                first[key] = place
                continue
            other = first[key]
            if other[0] == name and index - other[2] < size:
                continue  # the same lines repeating within one run (overlapping windows)
            found.append((other[0], other[1], name, lines[index][0]))
    return found


def _tree() -> dict[str, str]:
    files = {}
    for folder in ("ses_lint", "rules"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name not in GENERATED:
                files[name] = path.read_text(encoding="utf-8")
    return files


def test_no_block_of_six_lines_stands_twice():
    found = repeated_blocks(_tree())
    assert found == [], "\n".join(f"{a}:{la} stands again at {b}:{lb} (six or more lines: make it one helper)" for a, la, b, lb in found)


def test_the_check_finds_a_repeated_block_and_passes_over_boilerplate():
    body = "".join(f"    total = total + {n}\n" for n in range(6))
    twice = {"a.py": f"def f(total):\n{body}    return total\n", "b.py": f"import os\n\n\ndef g(total):\n    # a comment\n{body}"}
    assert repeated_blocks(twice) == [("a.py", 2, "b.py", 6)]
    docstring = '    """Doc.\n\n' + "".join(f"    Bad:\n        line {n}\n" for n in range(4)) + '    """\n'
    alike = {"a.py": f"def f():\n{docstring}    return 1\n", "b.py": f"def g():\n{docstring}    return 2\n"}
    assert repeated_blocks(alike) == []
    imports = "from x import (\n" + "".join(f"    name{n},\n" for n in range(8)) + ")\n"
    assert repeated_blocks({"a.py": imports + "A = 1\n", "b.py": imports + "B = 2\n"}) == []
