"""YAML text -> a tree of nodes that keep their line and column, loaded safely and within bounds.

The loader reads PyYAML's event stream (the C parser when available) and builds the tree itself, without
recursion, so that depth, aliases and tags are judged before anything is composed or expanded: a hostile
file becomes a list of load problems, never a crash. Problems found while loading (syntax errors,
duplicate keys, unsafe constructs, YAML 1.1 booleans, extra documents) are facts that the document rules
report.
"""
from __future__ import annotations

import bisect
from array import array
import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without LibYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 100_000

YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
# every way of writing them (`Yes`, `OFF`, `oN`): a value is looked up as written, without a call
_YAML11_WRITTEN = frozenset("".join(letters) for word in YAML11_BOOLEANS for letters in itertools.product(*((c.lower(), c.upper()) for c in word)))
SAFE_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq")
) | {"!"}
_CONFIG_HINT = re.compile(r"^(providers|workflows)[ \t]*:", re.MULTILINE)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
# the first characters of a plain scalar that an implicit resolver may read as something else than a string
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers) if None not in _RESOLVER.yaml_implicit_resolvers else frozenset(map(chr, range(0x110000)))
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:null": _CONSTRUCTOR.construct_yaml_null,
}

PathPart = Union[str, int]


@dataclass(eq=False, slots=True)  # slots: a 2 MiB file is 370,000 nodes; a dict each was half its memory
class Node:
    """A YAML node. Lines and columns count from 1; `end_*` is the position just after the node."""

    kind: str  # "map" | "seq" | "scalar"
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0
    value: Any = None  # scalar: the resolved Python value; seq: list[Node]; map: list[tuple[Node, Node]]
    tag: str = ""  # the resolved tag of a scalar ("tag:yaml.org,2002:str", ...)
    plain: bool = False  # an unquoted scalar
    text: str = ""  # a scalar's text as written (without quotes)
    index: "dict | None" = field(default=None, repr=False)  # a mapping's scalar keys -> their last pair

    def items(self) -> list[tuple["Node", "Node"]]:
        return self.value if self.kind == "map" else []

    def get(self, key: str) -> "Node | None":
        """The value node of `key` in a mapping (the last one, as YAML loaders keep)."""
        match = self.lookup(key)
        return match[1] if match else None

    def indexed(self) -> dict:
        """A mapping's scalar keys -> the last (key node, value node) pair of each, built once."""
        if self.index is None:
            self.index = {}
            for pair in self.value:
                if pair[0].kind == "scalar" and _hashable(pair[0].value):
                    self.index[pair[0].value] = pair
        return self.index

    def lookup(self, key: Any, depth: int = 0) -> "tuple[Node, Node] | None":
        """(key node, value node) of a scalar key in a mapping, the last one, or where a merge key (`<<`)
        brings it from; indexed once, so finding every key of a 15,000-key mapping stays linear."""
        if self.kind != "map":
            return None
        try:
            found = self.indexed().get(key)
        except TypeError:  # an unhashable path part
            return None
        if found is None and "<<" in self.index and depth < MAX_DEPTH:  # a merged key is found in its source
            merge = self.index["<<"][1]
            for source in merge.value if merge.kind == "seq" else [merge]:  # the first source wins
                found = source.lookup(key, depth + 1)
                if found:
                    break
        return found


@dataclass(frozen=True)
class LoadProblem:
    """What went wrong loading a file, where: a fact the document rules report."""

    kind: str  # "syntax" | "duplicate-key" | "unsafe" | "yaml11-boolean" | "multiple-documents"
    message: str
    line: int
    column: int


class _Abort(Exception):
    """Loading stops here: the problem is recorded, nothing further is built."""


@dataclass(eq=False)
class Document:
    """One file as ses-lint sees it: its text, its node tree, and what went wrong loading it."""

    path: str
    text: str
    root: Node | None = None
    problems: list[LoadProblem] = field(default_factory=list)
    top_keys: list[str] = field(default_factory=list)
    _data: Any = None
    nodes: int = 0  # nodes written in the first document (aliases not counted)
    # Every scalar's start and end, in file order, as `line << 32 | column` in arrays: a 2 MiB file has
    # 370,000 scalars, and two tuples each were 45 MB.
    _span_starts: array = field(default_factory=lambda: array("q"), repr=False)
    _span_ends: array = field(default_factory=lambda: array("q"), repr=False)
    _heads: dict = field(default_factory=dict, repr=False)  # a path -> what `find` reached along it (its parents')

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def is_config(self) -> bool:
        """A provider config has a top-level `providers` or `workflows` key (or looks like it, when broken)."""
        if any(key in ("providers", "workflows") for key in self.top_keys):
            return True
        return self.root is None and bool(self.problems) and bool(_CONFIG_HINT.search(self.text))

    @property
    def loaded(self) -> bool:
        return self.root is not None and not any(p.kind in ("syntax", "unsafe") for p in self.problems)

    def inside_scalar(self, line: int, column: int) -> bool:
        """Whether (line, column) lies inside a scalar as written (a quoted string, a block `|`/`>`): a `#`
        there is text, not a comment. Scalars never overlap, so a bisection over their spans answers."""
        position = line << 32 | column
        index = bisect.bisect_right(self._span_starts, position) - 1
        return index >= 0 and position < self._span_ends[index]

    def data(self) -> Any:
        """The first document as plain Python values, aliases expanded within a bound."""
        if self._data is None and self.loaded:
            self._data = to_python(self.root, self.nodes)
        return self._data

    def find(self, path: tuple[PathPart, ...]) -> tuple[Node | None, Node | None]:
        """(key node, value node) at `path`; the deepest existing ancestor when the path runs out. The
        parent's is remembered: a file's findings ask for thousands of keys of the same few mappings."""
        if len(path) < 2:
            return self._walk(path, None, self.root)[:2]
        head = path[:-1]
        try:
            walked = self._heads.get(head)
        except TypeError:  # an unhashable path part (a mapping used as a key)
            return self._walk(path, None, self.root)[:2]
        if walked is None:
            walked = self._heads[head] = self._walk(head, None, self.root)
        if not walked[2]:  # the parent's path runs out: so does this one, where the parent's does
            return walked[:2]
        parent = walked[1]
        if parent is not None and parent.kind == "map":  # the commonest last step, taken here
            match = parent.lookup(path[-1])
            return match if match is not None else walked[:2]
        return self._walk(path[-1:], walked[0], parent)[:2]

    def _walk(self, path: tuple[PathPart, ...], key_node: Node | None, node: Node | None) -> tuple[Node | None, Node | None, bool]:
        """`find` from (key node, node) down `path`: the nodes reached, and whether all of `path` was."""
        for part in path:
            if node is None:
                break
            if node.kind == "map":
                match = node.lookup(part)
                if match is None:
                    break
                key_node, node = match
            elif node.kind == "seq" and isinstance(part, int) and 0 <= part < len(node.value):
                key_node, node = node.value[part], node.value[part]
            else:
                break
        else:
            return key_node, node, True
        return key_node, node, False

    def exact(self, path: tuple[PathPart, ...]) -> Node | None:
        """The value node at exactly `path`, or None when the path does not exist."""
        node = self.root
        for part in path:
            if node is None:
                return None
            if node.kind == "map":
                try:
                    pair = node.indexed().get(part)  # no merge key followed: what is written here
                except TypeError:  # an unhashable path part equals no scalar key
                    pair = None
                node = pair[1] if pair is not None and pair[0].value == part else None
            elif node.kind == "seq" and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node

    def locate(self, path: tuple[PathPart, ...], at: str = "value") -> tuple[int, int, int, int]:
        """Line, column, end line, end column of the key or value at `path` (1-based)."""
        key_node, value_node = self.find(path)
        node = key_node if (at == "key" and key_node is not None) else (value_node or key_node)
        if node is None:
            return 1, 1, 1, 1
        return node.line, node.column, node.end_line or node.line, node.end_column or node.column


def load(path: str, raw: bytes, size: int | None = None) -> Document:
    """Decode and parse one file. Never raises for any input. `size` is the file's size when `raw` holds
    only its start (a file over the bound is refused without being read whole)."""
    if max(len(raw), size or 0) > MAX_BYTES:
        how_big = f"{size:,} bytes, over" if size is not None and size >= len(raw) else "larger than"
        document = Document(path=path, text=raw[:MAX_BYTES].decode("utf-8", "replace"))
        document.problems.append(LoadProblem("unsafe", f"file is {how_big} the {MAX_BYTES:,}-byte bound; not parsed", 1, 1))
        return document
    text, decode_problem = decode(raw)
    document = Document(path=path, text=text)
    if decode_problem:
        document.problems.append(decode_problem)
        return document
    _Builder(document).build()
    if document.loaded:
        try:
            document._data = to_python(document.root, document.nodes)
        except ExpansionError as error:
            where = f"the value of `{error.node.text}`" if error.node is not document.root and error.node.text else "the document"
            document.problems.append(
                LoadProblem(
                    "unsafe",
                    f"{where} expands past {MAX_EXPANDED_NODES:,} more nodes than written, or {MAX_DEPTH} levels, through aliases (an alias bomb, or an alias inside its own anchor); the file is not expanded",
                    error.node.line,
                    error.node.column,
                )
            )
            document.root = None
    return document


def decode(raw: bytes) -> tuple[str, LoadProblem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        text = raw.decode(encoding, errors="replace")
        return text, LoadProblem("syntax", f"invalid {encoding.replace('-sig', '').upper()} byte 0x{raw[error.start]:02x}", line, column)


class _Builder:
    """Builds the first document's tree from the event stream, checking bounds as it goes."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.stack: list[list] = []  # [container node, pending key node or None]
        self.anchors: dict[str, Node] = {}
        self.documents = 0

    def build(self) -> None:
        try:
            # the parser's events one by one (what `yaml.parse` yields, without its generator), the
            # scalars' (most of any file's events) handled here, the rest by `handle`
            loader = _Loader(self.document.text)
            try:
                self.events(loader.get_event)
            finally:
                loader.dispose()
        except _Abort:
            self.document.root = None
        except yaml.YAMLError as error:
            problem = _syntax_problem(error, self.document.text)
            if "maximum nesting depth" in problem.message:
                # LibYAML (bundled since PyYAML 6.0.2's wheels) refuses deep nesting in its scanner, ahead
                # of the events this builder bounds: the same refusal, whichever layer makes it.
                problem = LoadProblem("unsafe", f"nesting deeper than {MAX_DEPTH} levels; the file is not loaded", problem.line, problem.column)
            self.document.problems.append(problem)
            self.document.root = None
        except (RecursionError, MemoryError, ValueError) as error:  # defensive: never crash on input
            self.document.problems.append(LoadProblem("unsafe", f"could not be loaded safely: {type(error).__name__}", 1, 1))
            self.document.root = None

    def events(self, next_event: Any) -> None:
        """Every event of the stream, in order. A scalar's and a container's start and end are handled
        here (all but a few events of any file, 940,000 in a 2 MiB one, so their path makes no call it
        can avoid), the rest by `handle`, which gives the node of an alias; each node is attached here."""
        scalar, alias, handle, safe, stack = yaml.ScalarEvent, yaml.AliasEvent, self.handle, SAFE_TAGS, self.stack
        map_start, map_end, seq_start, seq_end = yaml.MappingStartEvent, yaml.MappingEndEvent, yaml.SequenceStartEvent, yaml.SequenceEndEvent
        starts, ends, booleans = self.document._span_starts.append, self.document._span_ends.append, _YAML11_WRITTEN
        built = 0  # the first document's nodes (aliases not counted)
        # the line of the last node made: the nodes of a line share its int (a line past 256 is an object
        # of its own, and 7,600 lines of 60-deep keys held 56 MiB of them)
        previous = 0
        try:
            while (event := next_event()) is not None:
                kind = type(event)
                if kind is scalar:
                    if event.tag and event.tag not in safe:
                        self.check_tag(event)
                    mark, end = event.start_mark, event.end_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    end_line, end_column = (end.line + 1, end.column + 1) if end is not None else (1, 1)
                    if line == previous:
                        line = previous
                    else:
                        previous = line
                    if end_line == line:
                        end_line = line
                    plain = not event.style and bool(event.implicit[0])
                    value = event.value
                    if event.tag is None and (not plain or (value and value[0] not in _RESOLVED_FIRST)):
                        tag = _STR  # what `_resolve` answers, without its cache: most keys of a large file are distinct
                    else:
                        tag, value = _resolve(event.tag, plain, value)
                    node = Node("scalar", line, column, end_line, end_column, value, tag, plain, event.value)
                    starts(line << 32 | column)
                    ends(end_line << 32 | end_column)
                    if event.anchor:
                        self.anchors[event.anchor] = node
                elif kind is map_end or kind is seq_end:
                    container = stack.pop()[0]
                    mark = event.end_mark
                    end_line, container.end_column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    container.end_line = previous if end_line == previous else end_line
                    if kind is map_end and len(container.value) > 1:
                        self.check_duplicates(container)
                    continue
                elif kind is map_start or kind is seq_start:
                    if event.tag and event.tag not in safe:
                        self.check_tag(event)
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    if line == previous:
                        line = previous
                    else:
                        previous = line
                    node = Node("map" if kind is map_start else "seq", line, column, 0, 0, [])
                    if event.anchor:
                        self.anchors[event.anchor] = node
                elif (node := handle(event)) is None:
                    continue
                if self.documents <= 1:  # the first document is built; the others are only parsed
                    built += kind is not alias
                    if not stack:
                        self.document.root = node
                    elif (entry := stack[-1])[0].kind == "seq":
                        entry[0].value.append(node)
                        if node.plain and node.text in booleans:
                            self.check_boolean(node)
                    elif entry[1] is None:
                        entry[1] = node  # a key, waiting for its value
                    else:
                        entry[0].value.append((entry[1], node))
                        entry[1] = None
                        if node.plain and node.text in booleans:
                            self.check_boolean(node)
                if kind is not scalar and kind is not alias:
                    if len(stack) >= MAX_DEPTH:
                        self.fail("unsafe", f"nesting deeper than {MAX_DEPTH} levels; the file is not loaded", event)
                    stack.append([node, None])
        finally:
            self.document.nodes += built
            for entry in stack:  # mappings the load stopped inside
                if entry[0].kind == "map":
                    self.check_duplicates(entry[0])
            root = self.document.root
            if root is not None and root.kind == "map":
                self.document.top_keys = [key.value for key, _ in root.value if key.kind == "scalar" and isinstance(key.value, str)]

    def fail(self, kind: str, message: str, event: yaml.Event) -> None:
        line, column = _position(event.start_mark)
        self.document.problems.append(LoadProblem(kind, message, line, column))
        raise _Abort

    def handle(self, event: yaml.Event) -> Node | None:
        """What an alias, a document's start and the stream's events do; the node of an alias."""
        kind = type(event)
        if kind is yaml.AliasEvent:
            # Aliases cost nothing here (the node is shared); what they expand to is bounded in to_python.
            node = self.anchors.get(event.anchor)
            if node is None:
                self.fail("syntax", f"found undefined alias '{event.anchor}'", event)
            return node
        if kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents == 2:
                line, column = _position(event.start_mark)
                self.document.problems.append(
                    LoadProblem("multiple-documents", "the file holds more than one YAML document; only the first is read", line, column)
                )
        return None  # the stream's start and end, a document's end

    def check_duplicates(self, mapping: Node) -> None:
        """A scalar key written twice in `mapping` (as YAML compares keys: the same tag and value) is a
        problem at the repeat, naming the first; the keys are compared at once when the mapping ends."""
        keys = [(key.tag, key.value) for key, _ in mapping.value if key.kind == "scalar"]
        try:
            if len(set(keys)) == len(keys):
                return
        except TypeError:  # an unhashable value (none of the scalar constructors makes one)
            pass
        first: dict = {}
        for key, _ in mapping.value:
            if key.kind != "scalar":
                continue
            try:
                earlier = first.get((key.tag, key.value))
                if earlier is None:
                    first[(key.tag, key.value)] = key
                    continue
            except TypeError:
                continue
            self.document.problems.append(
                LoadProblem("duplicate-key", f"duplicate key `{key.text}` (first at line {earlier.line}); YAML loaders silently keep the last one", key.line, key.column)
            )

    def check_tag(self, event: yaml.Event) -> None:
        tag = getattr(event, "tag", None)
        if not tag or tag in SAFE_TAGS:
            return
        if isinstance(event, yaml.ScalarEvent) and (event.implicit[0] or event.implicit[1]) and not tag.startswith("!"):
            return
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        self.fail("unsafe", f"tag `{shown}` is not allowed: ses-lint never constructs tagged objects", event)

    def check_boolean(self, node: Node) -> None:
        if node.kind == "scalar" and node.plain and node.text.lower() in YAML11_BOOLEANS:
            meant = "true" if node.text.lower() in ("yes", "on", "y") else "false"
            self.document.problems.append(
                LoadProblem(
                    "yaml11-boolean",
                    f"`{node.text}` is a boolean in YAML 1.1 but a string in YAML 1.2; write `{meant}`, or quote it if you meant the text",
                    node.line,
                    node.column,
                )
            )


def _resolve_scalar(event: yaml.ScalarEvent) -> tuple[str, Any]:
    return _resolve(event.tag, not event.style and bool(event.implicit[0]), event.value)


@functools.lru_cache(maxsize=4096)  # the same few values recur in every file of a large run
def _resolve(tag: str | None, plain: bool, value: str) -> tuple[str, Any]:
    if not tag or tag == "!":
        if plain:
            tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
        else:
            tag = "tag:yaml.org,2002:str"
    construct = _SCALAR_CONSTRUCTORS.get(tag)
    if construct is None:
        return tag, value
    try:
        return tag, construct(yaml.ScalarNode(tag, value))
    except Exception:  # noqa: BLE001 - `!!bool "True "` (KeyError), `!!int ""` (IndexError), `!!int x`: a string
        return "tag:yaml.org,2002:str", value


def plain_scalar(text: str) -> Any:
    """What the loader reads for `text` written unquoted: `true` a boolean, `12` a number, `` null."""
    return _resolve_scalar(yaml.ScalarEvent(None, None, (True, False), text))[1]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _syntax_problem(error: yaml.YAMLError, text: str) -> LoadProblem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        line, column = _position(mark)
    elif getattr(error, "position", None) is not None:
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    else:
        line, column = 1, 1
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    message = f"{context}: {problem}" if context and problem and context not in problem else problem
    if getattr(error, "character", None) is not None and not mark:
        message = f"unacceptable character #x{ord(error.character):04x}" if isinstance(error.character, str) else f"unacceptable byte #x{error.character:02x}"
    return LoadProblem("syntax", message or "invalid YAML", line, column)


class ExpansionError(Exception):
    """Aliases expand past the bounds; `node` is the top-level key whose value did (or the root)."""

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.node = node


class ComplexKey:
    """A mapping or sequence used as a key (`? {a: b}`). Never expanded nor turned into text: it stands
    for its node, shows as `{…}`/`[…]`, and equals only itself, so nesting such keys costs nothing."""

    __slots__ = ("node",)
    shown = "…"

    def __init__(self, node: Node) -> None:
        self.node = node

    def __str__(self) -> str:
        return self.shown

    __repr__ = __str__

    @staticmethod
    def of(node: Node) -> "ComplexKey":
        return (_MappingKey if node.kind == "map" else _SequenceKey if node.kind == "seq" else ComplexKey)(node)


# Named as the schema's messages name types: "key `{…}` must be a string, not mapping".
_MappingKey = type("mapping", (ComplexKey,), {"__slots__": (), "shown": "{…}"})
_SequenceKey = type("list", (ComplexKey,), {"__slots__": (), "shown": "[…]"})


def to_python(root: Node, written: int = 0) -> Any:
    """Plain Python values from a node tree; merge keys honoured. Aliases may add MAX_EXPANDED_NODES nodes
    to the `written` ones: what is bounded is what they build, not how many there are."""
    budget = [written + MAX_EXPANDED_NODES]
    top_key = [root]

    def convert(node: Node, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise ExpansionError(top_key[0])
        if node.kind == "scalar":
            return node.value
        inner = depth + 1
        if inner > MAX_DEPTH and node.value:  # what converting a child would find: scalars are converted here
            raise ExpansionError(top_key[0])
        if node.kind == "seq":
            result = [item.value if item.kind == "scalar" else convert(item, inner) for item in node.value]
            budget[0] -= sum(1 for item in node.value if item.kind == "scalar")
            if budget[0] < 0:
                raise ExpansionError(top_key[0])
            return result
        result: dict = {}
        merged: dict = {}
        for key_node, value_node in node.value:
            if key_node.kind == "scalar" and key_node.plain and key_node.text == "<<":
                sources = value_node.value if value_node.kind == "seq" else [value_node]
                for source in sources:
                    value = convert(source, inner)
                    if isinstance(value, dict):
                        merged = {**value, **merged}
                continue
            if depth == 0:
                top_key[0] = key_node
            if key_node.kind == "scalar":
                budget[0] -= 1
                key = key_node.value
            else:
                key = ComplexKey.of(key_node)
            if value_node.kind == "scalar":
                budget[0] -= 1
                value = value_node.value
            else:
                value = convert(value_node, inner)
            if budget[0] < 0:
                raise ExpansionError(top_key[0])
            try:
                result[key] = value
            except TypeError:  # an unhashable key (none of the scalar constructors makes one)
                result[ComplexKey.of(key_node)] = value
        return {**merged, **result} if merged else result

    return convert(root, 0)


def iter_scalars(node: Node | None, path: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple[PathPart, ...], Node]]:
    """Every scalar value in the tree with its key path (each node once: aliases are not followed twice)."""
    if node is None:
        return
    stack = [(node, path)]
    seen: set[int] = set()
    while stack:
        current, current_path = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.kind == "scalar":
            yield current_path, current
        elif current.kind == "seq":
            stack.extend(reversed([(item, current_path + (index,)) for index, item in enumerate(current.value)]))
        else:
            stack.extend(reversed([(value, current_path + (key.value,)) for key, value in current.value if key.kind == "scalar"]))
