"""`secrets.ASSIGNMENT` starts a match only where a run of name characters starts (a lookbehind that
keeps a long run from being tried at each of its positions). It finds exactly what the pattern without
the lookbehind finds, on any text made of name characters, secret names, separators and quotes."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ses_lint.core import secrets

UNANCHORED = re.compile(secrets.ASSIGNMENT.pattern.replace("(?<![A-Za-z0-9_.-])", "", 1))
PIECES = st.sampled_from([*secrets.SECRET_NAMES, "SECRET", "Key", "x", "a1", "_", ".", "-", ":", "=", " ", "\t", "\n",
                          '"', "'", ",", "}", "]", "#", "/", "+", "wJalrXUtnFEMI/K7MDENG", "${A}"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_the_lookbehind_changes_no_match(text):
    assert [match.groupdict() for match in secrets.ASSIGNMENT.finditer(text)] == [match.groupdict() for match in UNANCHORED.finditer(text)]


def test_the_lookbehind_is_there():
    assert UNANCHORED.pattern != secrets.ASSIGNMENT.pattern
    assert [m["bare"] for m in secrets.ASSIGNMENT.finditer("xsecret_key: abc12345, my.password=hunter22")] == ["abc12345", "hunter22"]
