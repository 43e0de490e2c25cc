"""Gitignore-style path patterns: `exclude`, `extend-exclude`, `.gitignore` files, `per-file-ignores`.

A pattern set belongs to one folder (the configuration's, the current folder for command-line flags, a
`.gitignore`'s own) and matches paths below it as git does: a pattern without a slash (other than a
trailing one) matches a name at any depth, one with a slash is anchored to the folder, `*` stays in one
folder, `**` crosses folders, a trailing `/` matches folders only, `!` re-includes, the last matching
pattern wins. pathspec parses them; it is imported only when a set needs it, because a set of plain
names (`node_modules/`, `.*/`, the defaults) is matched name by name without it.
"""
from __future__ import annotations

import fnmatch
import os
import re
from typing import Iterable


def _plain(pattern: str) -> bool:
    """A single name with `*` or `?` at most (`node_modules/`, `*.log`): fnmatch on the name is what
    git does with it."""
    body = pattern[:-1] if pattern.endswith("/") else pattern
    return bool(body) and "**" not in body and not any(char in body for char in "/\\[") and not body.startswith(("!", "#"))


def _lines(patterns: Iterable[str]) -> list[str]:
    """Patterns as git reads them: no blank lines or `#` comments, unescaped trailing spaces dropped."""
    lines = []
    for line in patterns:
        line = line.rstrip("\n\r")
        if not line.endswith("\\ "):
            line = line.rstrip(" ")
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _may_name_a_yaml_file(pattern: str) -> bool:
    """Whether the pattern can match a file itself (not only a folder) named `*.yaml` or `*.yml`: its
    last part's literal ending (after the last wildcard) must agree with one of those suffixes."""
    if pattern.endswith("/"):
        return False
    last = pattern.rsplit("/", 1)[-1].lstrip("!")
    if "\\" in last:
        return True
    tail = re.split(r"[*?\]]", last)[-1]
    return not tail or any(tail.endswith(suffix) or suffix.endswith(tail) for suffix in (".yaml", ".yml"))


class PatternSet:
    """Patterns from one origin (`.gitignore`, `--exclude`, `.ses-lint.yaml`), relative to `base`."""

    def __init__(self, base: str, patterns: Iterable[str], origin: str, anywhere: bool = True) -> None:
        self.base = os.path.abspath(base)
        self.origin = origin
        self.anywhere = anywhere  # outside `base`, match a path by its name (a `.gitignore` does not)
        self.patterns = _lines(patterns)
        self._spec = self._found = None
        if not all(_plain(pattern) for pattern in self.patterns):
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)
            # A folder search judges each folder before entering it, so a file it finds can only be
            # matched by its own name: the patterns that can match a YAML file are enough (and fewer).
            found = [pattern for pattern in self.patterns if _may_name_a_yaml_file(pattern)]
            self._found = (found, pathspec.GitIgnoreSpec.from_lines(found)) if found else None

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def relative(self, path: str) -> str | None:
        """`path` (absolute) relative to the set's folder, with `/`; None when it lies outside."""
        if path == self.base:
            return ""
        prefix = self.base.rstrip(os.sep) + os.sep
        if not path.startswith(prefix):
            return None
        return path[len(prefix):].replace(os.sep, "/")

    def verdict(self, path: str, is_dir: bool = False) -> str | None | bool:
        """The pattern that excludes `path` (absolute), False when a `!pattern` re-includes it, None
        when no pattern says anything. Outside the set's folder, a set that applies `anywhere` matches
        the path's name, so a pattern without a slash (`node_modules/`, `dev-*.yaml`) still applies."""
        rel = self.relative(path)
        if rel is None and self.anywhere:
            rel = os.path.basename(path)
        if not rel:
            return None
        if self._spec is None:
            name = rel.rsplit("/", 1)[-1]
            found = None
            for pattern in self.patterns:
                dir_only = pattern.endswith("/")
                if (is_dir or not dir_only) and fnmatch.fnmatchcase(name, pattern.rstrip("/")):
                    found = pattern
            return found
        return self._check(self.patterns, self._spec, rel + ("/" if is_dir else ""))

    def verdict_on_found_file(self, path: str) -> str | None | bool:
        """`verdict` for a YAML file found by a folder search, whose folders were judged on the way."""
        if self._spec is None:
            return self.verdict(path)
        rel = self.relative(path)
        if rel is None and self.anywhere:
            rel = os.path.basename(path)
        return self._check(*self._found, rel) if rel and self._found else None

    @staticmethod
    def _check(patterns: list[str], spec, rel: str) -> str | None | bool:
        result = spec.check_file(rel)
        if result.include is None:
            return None
        return patterns[result.index] if result.include else False

    def without_those_covering(self, folder: str) -> "PatternSet":
        """This set without the patterns that exclude `folder` (absolute) or a folder above it: naming a
        folder on the command line overrides the excludes that cover it, not those below it."""
        rel = self.relative(folder)
        if self._spec is None or not rel:
            return self
        kept = [pattern for pattern, parsed in zip(self.patterns, self._spec.patterns)
                if not (parsed.include and parsed.match_file(rel + "/"))]
        return PatternSet(self.base, kept, self.origin, self.anywhere)

    def matches(self, path: str) -> bool:
        """Whether the file `path` (absolute) matches."""
        return bool(self.verdict(path))


class Excludes:
    """What a folder search passes over: the `exclude` sets (any of them excludes) and, when respected,
    the `.gitignore` files of the git repository (the deepest one with an opinion decides)."""

    def __init__(self, sets: Iterable[PatternSet] = (), respect_gitignore: bool = True) -> None:
        self.sets = [pattern_set for pattern_set in sets if pattern_set]
        self.respect_gitignore = respect_gitignore

    def for_root(self, folder: str) -> "Excludes":
        """The excludes that apply below `folder`, a folder named on the command line."""
        return Excludes([pattern_set.without_those_covering(folder) for pattern_set in self.sets], self.respect_gitignore)

    def excluded(self, path: str, is_dir: bool, gitignores: list[PatternSet]) -> str | None:
        """Why `path` (absolute) is passed over (matches `build/` from .gitignore), or None."""
        for pattern_set in self.sets:
            pattern = pattern_set.verdict(path, True) if is_dir else pattern_set.verdict_on_found_file(path)
            if pattern:
                return f"matches `{pattern}` from {pattern_set.origin}"
        for pattern_set in reversed(gitignores):
            pattern = pattern_set.verdict(path, True) if is_dir else pattern_set.verdict_on_found_file(path)
            if pattern is False:
                return None
            if pattern:
                return f"matches `{pattern}` from {pattern_set.origin}"
        return None


def repository_root(folder: str) -> str | None:
    """The folder holding `.git` at or above `folder` (absolute), or None outside a git repository."""
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
