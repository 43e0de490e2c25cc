"""Which files a run reads, and how: folders searched for `*.yaml`/`*.yml` past the excludes and the
`.gitignore` files, every file read within the size bound, and odd files never read at all.

Below a folder, only regular files are opened (a FIFO, socket or device named `*.yaml` would block or
never end), symbolic links to folders are not followed, and a dangling link, a link loop or a file or
folder that cannot be read becomes a `Source` with the reason it was not read: the run goes on. A path
named on the command line that cannot be read stops the run (exit 2) instead, as the user asked for it.
"""
from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ses_lint.source.document import MAX_BYTES
from ses_lint.source.patterns import Excludes, PatternSet, repository_root

YAML_SUFFIXES = (".yaml", ".yml")
DEFAULT_EXCLUDE = (".*/", "node_modules/", "venv/", "__pycache__/", "site-packages/")
GITIGNORE_BOUND = 1024 * 1024
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


class UsageError(Exception):
    """The run itself cannot happen (exit 2): a path that cannot be read, a bad option."""


@dataclass(frozen=True)
class Source:
    path: str  # as the user gave or as found below a folder they gave; "-" for standard input
    raw: bytes  # at most MAX_BYTES + 1 bytes: a larger file is refused without being read whole
    explicit: bool
    size: int | None = None  # the file's size when known (a regular file); None for a stream
    unread: str | None = None  # why it was not read (excluded, not a regular file, unreadable)
    excluded: bool = False  # passed over on purpose (an exclude pattern, .gitignore), not a fault


def discover(paths: Sequence[str], stdin: bytes | None = None, excludes: Excludes | None = None) -> list[Source]:
    """The sources of a run, in the order given, each file once."""
    excludes = excludes if excludes is not None else Excludes([PatternSet(os.getcwd(), DEFAULT_EXCLUDE, "default exclude")])
    sources: list[Source] = []
    seen: set[str] = set()
    for given in paths:
        if given == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read(MAX_BYTES + 1)
            sources.append(Source("-", data, True, size=len(data) if stdin is not None else None))
            continue
        try:
            status = os.stat(given)
        except OSError as error:
            raise UsageError(f"{given}: {_stat_problem(given, error)}") from None
        found = _walk(given, excludes) if stat.S_ISDIR(status.st_mode) else [_read_named(given, status)]
        for source in found:
            if source.path not in seen:
                seen.add(source.path)
                sources.append(source)
    return sources


def _stat_problem(path: str, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a symbolic link loop"
    if isinstance(error, FileNotFoundError):
        if os.path.islink(path):
            return f"a dangling symbolic link to {os.readlink(path)}"
        return "no such file or folder"
    return f"cannot be read ({error.strerror or error})"


def _kind(mode: int) -> str | None:
    return next((name for test, name in _KINDS if test(mode)), None)


def _read_named(path: str, status: os.stat_result) -> Source:
    """A file named on the command line: a FIFO or device is read like standard input (so `<(...)`
    works), within the bound; what cannot be read stops the run."""
    if stat.S_ISSOCK(status.st_mode):
        raise UsageError(f"{path}: is a socket, not a file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        raw = _read_bounded(fd)
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)
    return Source(path, raw, True, size=status.st_size if stat.S_ISREG(status.st_mode) else None)


def _read_found(path: str) -> Source:
    """A file found below a folder: opened only when it is a regular file, never waited on."""
    try:
        status = os.stat(path)
    except OSError as error:
        return Source(path, b"", False, unread=_stat_problem(path, error))
    kind = _kind(status.st_mode)
    if kind:
        return Source(path, b"", False, unread=f"not a regular file ({kind})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        return Source(path, b"", False, unread=f"cannot be read ({error.strerror or error})")
    try:
        status = os.fstat(fd)  # it may have been replaced since the stat
        kind = _kind(status.st_mode)
        if kind:
            return Source(path, b"", False, unread=f"not a regular file ({kind})")
        return Source(path, _read_bounded(fd), False, size=status.st_size)
    except OSError as error:
        return Source(path, b"", False, unread=f"cannot be read ({error.strerror or error})")
    finally:
        os.close(fd)


def _read_bounded(fd: int) -> bytes:
    chunks, left = [], MAX_BYTES + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _walk(given: str, excludes: Excludes) -> Iterator[Source]:
    """Depth first, names sorted, a folder's files before its subfolders (as `os.walk` goes)."""
    top = os.path.abspath(given)
    excludes = excludes.for_root(top)
    gitignores = _gitignores_above(top) if excludes.respect_gitignore else None
    stack: list[tuple[str, str, list[PatternSet] | None]] = [(str(Path(given)), top, gitignores)]
    while stack:
        shown, folder, ignores = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            if folder == top:
                raise UsageError(f"{given}: cannot be read ({error.strerror or error})") from None
            yield Source(shown + os.sep, b"", False, unread=f"folder cannot be read ({error.strerror or error})")
            continue
        if ignores is not None and any(entry.name == ".gitignore" for entry in entries):
            ignores = [*ignores, _gitignore(folder)]
        folders = []
        for entry in entries:
            name = entry.name
            path = name if shown == "." else shown + name if shown.endswith(os.sep) else shown + os.sep + name
            absolute = os.path.join(folder, name)
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
                linked_folder = not is_folder and entry.is_symlink() and entry.is_dir()
            except OSError:
                is_folder = linked_folder = False
            if is_folder or linked_folder:
                if name == ".git":
                    continue
                why = excludes.excluded(absolute, True, ignores or [])
                if why or linked_folder:
                    yield Source(path + os.sep, b"", False, unread=why or "a symbolic link to a folder, not followed", excluded=True)
                else:
                    folders.append((path, absolute))
            elif name.endswith(YAML_SUFFIXES):
                why = excludes.excluded(absolute, False, ignores or [])
                yield Source(path, b"", False, unread=why, excluded=True) if why else _read_found(path)
        stack.extend((path, absolute, ignores) for path, absolute in reversed(folders))


def _gitignores_above(folder: str) -> list[PatternSet] | None:
    """`.git/info/exclude` and the `.gitignore` files from the repository's root down to `folder`'s
    parent (its own is read when it is searched); None outside a git repository."""
    root = repository_root(folder)
    if root is None:
        return None
    sets = [_gitignore(os.path.join(root, ".git", "info"), base=root, name="exclude")]
    current = root
    for part in Path(os.path.relpath(os.path.dirname(folder), root)).parts if folder != root else ():
        sets.append(_gitignore(current))
        current = os.path.join(current, part)
    if folder != root:
        sets.append(_gitignore(current))
    return [pattern_set.without_those_covering(folder) for pattern_set in sets if pattern_set]


def _gitignore(folder: str, base: str | None = None, name: str = ".gitignore") -> PatternSet:
    path = os.path.join(folder, name)
    try:
        with open(path, "rb") as handle:
            text = handle.read(GITIGNORE_BOUND).decode("utf-8", "replace")
    except OSError:
        text = ""
    return PatternSet(base or folder, text.splitlines(), os.path.relpath(path), anywhere=False)
