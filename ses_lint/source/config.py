"""The static stage's subjects: what the offline rules look at, gathered from the loaded files.

Each subject type has `gather(run)`; the engine calls it once per run when a selected rule wants that
type (`Configuration.read(documents, environ)` is the gathering itself, a function of the files). The
subjects are plain data: they hold the document, the values as judged and, where a rule needs it, the
environment `--env` reads (None without `--env`), never the run. Workflow references are resolved here
across every file of the run. Every value is seen twice: as written (what the credential rules judge:
is a secret committed?) and as the static stage judges it (`_Values`: `${NAME}` expanded under `--env`,
templates and unexpanded references unknown), which is what the schema, region, endpoint and address
rules judge. An SES provider's `from` is its `sender` (`ses_lint.source.sender.Sender`), parsed once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, Iterator, Mapping, Optional

from ses_lint.core.findings import Finding
from ses_lint.core.run import Run
from ses_lint.source import references
from ses_lint.source import schema as model
from ses_lint.source.document import (
    Document,
    LoadProblem,
    Node,
    iter_scalars,
    plain_scalar,
)
from ses_lint.source.sender import Sender


@dataclass(frozen=True, eq=False)
class SourceFile:
    """One provider-config file, as loaded."""

    document: Document

    @classmethod
    def gather(cls, run: Run) -> list["SourceFile"]:
        return [cls(document) for document in run.documents]

    @property
    def path(self) -> str:
        return self.document.path

    def problems(self, kind: str) -> list[LoadProblem]:
        return [problem for problem in self.document.problems if problem.kind == kind]

    @property
    def template_folder(self) -> Optional[PurePath]:
        """The `templates/` folder a template file lies in (a Helm chart's): the file holds `{{` or `{%`
        and a folder on its path is named `templates`; None for any other file."""
        if self.path == "-" or not ("{{" in self.document.text or "{%" in self.document.text):
            return None
        path = PurePath(os.path.abspath(self.path))
        folders = [index for index, part in enumerate(path.parts[:-1]) if part == "templates"]
        return PurePath(*path.parts[: folders[-1] + 1]) if folders else None

    def at_problem(self, problem: LoadProblem, message: str | None = None) -> Finding:
        return Finding(message or problem.message, self.path, line=problem.line, column=problem.column)

    def finding(self, path: tuple, message: str, at: str = "value") -> Finding:
        return Finding(message, self.path, path=path, at=at)  # type: ignore[arg-type]

    def path_at(self, line: int, column: int) -> Optional[tuple]:
        """The key path of the scalar value that starts at this line and column."""
        if not self.document.loaded:
            return None
        return next((path for path, node in iter_scalars(self.document.root) if (node.line, node.column) == (line, column)), None)

    def node(self, *path: Any) -> Optional[Node]:
        if not self.document.loaded:
            return None
        key, value = self.document.find(path)
        return value if key is not None else None


@dataclass(frozen=True, eq=False, slots=True)  # slots: one per schema error, 184,000 in a 2 MiB file
class SchemaProblem:
    """A schema error found by validating a file against the schemas of ses_lint.source.schema."""

    file: str
    issue: model.SchemaIssue
    provider: Optional[str] = None

    @classmethod
    def gather(cls, run: Run) -> list["SchemaProblem"]:
        """Every schema problem of the run, each as the type of its kind (`MissingField`, `WrongType`,
        `UnknownKey`); asked of a kind, that kind's alone: a rule meets only the problems it judges."""
        if cls is not SchemaProblem:
            return [problem for problem in run.subjects(SchemaProblem) if type(problem) is cls]
        problems = []
        for document in run.documents:
            data = document.data() if document.loaded else None
            if isinstance(data, dict):
                problems += [_of_kind(issue)(document.path, issue) for issue in model.validate(model.FileModel, data)[1]]
        for entry in run.subjects(ProviderEntry):
            problems += [_of_kind(issue)(entry.file, issue, entry.key) for issue in entry.issues]
        for step in run.subjects(NotifyStep):
            problems += [_of_kind(issue)(step.file, issue) for issue in step.issues]
        return problems

    def finding(self, message: str) -> Finding:
        at = "value" if self.issue.kind == "wrong-type" and not self.issue.on_key else "key"
        return Finding(message, self.file, path=self.issue.path, at=at, provider=self.provider, suggestion=self.issue.suggestion)  # type: ignore[arg-type]


class MissingField(SchemaProblem):
    """A required field missing or empty (SES101's subject)."""

    __slots__ = ()


class WrongType(SchemaProblem):
    """A value or a key of the wrong type (SES102's subject)."""

    __slots__ = ()


class UnknownKey(SchemaProblem):
    """A key the schema does not have (SES103's subject)."""

    __slots__ = ()


# The kinds add no field: plain subclasses of the frozen dataclass (a @dataclass each costs import time).
_KINDS = {"missing": MissingField, "wrong-type": WrongType, "unknown-key": UnknownKey}


def _of_kind(issue: model.SchemaIssue) -> type[SchemaProblem]:
    return _KINDS.get(issue.kind, SchemaProblem)


@dataclass(eq=False)
class ProviderEntry:
    """One entry under `providers:`, of any provider type. Not frozen: `link` points it at the steps
    that name it, and those steps at it (a cycle no constructor can build)."""

    file: str
    key: str
    data: Any
    fields: dict[str, Any]
    issues: list[model.SchemaIssue]
    config: dict[str, Any]
    used_by: list["NotifyStep"] = field(default_factory=list)
    run_has_workflows: bool = False
    ses_fields: dict[str, Any] = field(default_factory=dict)  # the SES config's fields that validated, as written
    values: "_Values | None" = None  # how the static stage judges the entry's values
    defined_before: Optional[tuple["ProviderEntry", str]] = None  # the same key in an earlier file of the run, and where

    @classmethod
    def gather(cls, run: Run) -> list["ProviderEntry"]:
        return run.subjects(Configuration)[0].entries

    @classmethod
    def read(cls, document: Document, environ: Optional[Mapping[str, str]]) -> list["ProviderEntry"]:
        """The entries of one file; `environ` is what `${NAME}` expands from (None: without `--env`)."""
        data = document.data() if document.loaded else None
        providers = data.get("providers") if isinstance(data, dict) else None
        if not isinstance(providers, dict):
            return []
        values = _Values(document, environ)
        entries = []
        for key, value in providers.items():
            path = ("providers", key)
            fields, issues = values.validate(model.ProviderModel, value, path)
            config = value.get("config") if isinstance(value, dict) and isinstance(value.get("config"), dict) else {}
            entry = cls(document.path, str(key), value, fields, issues, config, values=values)
            if entry.is_ses and config:  # a missing, empty or mistyped `config` is reported once, by ProviderModel
                entry.ses_fields, ses_issues = values.validate(model.SesConfigModel, config, path + ("config",))
                entry.issues.extend(ses_issues)
            entries.append(entry)
        return entries

    def value(self, *relative: Any) -> Any:
        """The value at `relative` as judged (expanded under `--env`); None when absent, UNKNOWN when not known."""
        return self.values.at(self.path + relative) if self.values else None

    def origin(self, *relative: Any) -> str:
        """` (from ${NAME})` when the value at `relative` came from references, for messages."""
        return self.values.origin(self.path + relative) if self.values else ""

    @property
    def path(self) -> tuple:
        return ("providers", self.key)

    @property
    def provider_type(self) -> Optional[str]:
        value = self.value("provider")
        return value if isinstance(value, str) else None

    @property
    def platform(self) -> Optional[str]:
        value = self.value("config", "platform")
        return value if isinstance(value, str) else None

    @property
    def disabled(self) -> bool:
        """`enabled: false` (after expansion); an `enabled` not known before run time is not."""
        return "enabled" in self.fields and self.value("enabled") is False

    @property
    def enabled(self) -> bool:
        return not self.disabled

    @property
    def is_email(self) -> bool:
        return self.provider_type is not None and (self.provider_type in model.KNOWN_PROVIDERS or suggest_provider(self.provider_type) is not None)

    @property
    def is_ses(self) -> bool:
        """Meant as SES: `email.ses`, `email` with `platform: ses`, or `email` with only SES settings, or a near miss of these."""
        kind = self.provider_type
        if kind is None:
            return False
        if kind not in model.KNOWN_PROVIDERS:
            return suggest_provider(kind) == "email.ses"
        if kind == "email.ses":
            return True
        if kind != "email":
            return False
        if self.platform is not None:
            return self.platform == "ses" or model.suggest_key(self.platform.lower(), list(model.KNOWN_PLATFORMS)) == "ses"
        return any(setting in self.config for setting in model.SES_ONLY_SETTINGS)

    def finding(self, relative: tuple, message: str, at: str = "value", suggestion: str | None = None) -> Finding:
        return Finding(message, self.file, path=self.path + relative, at=at, provider=self.key, suggestion=suggestion)  # type: ignore[arg-type]


def document_has_workflows(document: Document) -> bool:
    data = document.data() if document.loaded else None
    return isinstance(data, dict) and isinstance(data.get("workflows"), list) and bool(data["workflows"])


def suggest_provider(value: str) -> Optional[str]:
    """The known provider type a misspelt one was meant to be (`SES`, `aws-ses` -> `email.ses`)."""
    lowered = value.strip().lower()
    if lowered in model.KNOWN_PROVIDERS:
        return lowered
    if "ses" in lowered or lowered in ("aws", "email.aws", "amazon", "email.amazon"):
        return "email.ses"
    if "smtp" in lowered:
        return "email.smtp"
    if "acs" in lowered or "azure" in lowered:
        return "email.acs"
    if "mail" in lowered:
        return model.suggest_key(lowered, list(model.KNOWN_PROVIDERS)) or "email"
    return None



@dataclass(frozen=True, eq=False)
class SesProvider:
    """A provider meant to send through SES, with its config fields typed (None where missing or invalid)."""

    entry: ProviderEntry
    sender: Optional[Sender] = field(init=False)  # `from`, expanded and parsed once: what every stage reads

    def __post_init__(self) -> None:
        written, values = self.field("from_"), self.entry.values
        unknown = references.unknown_reason(written, values.environ) if isinstance(written, str) and values and not self.known("from_") else ""
        object.__setattr__(self, "sender", Sender.of(written, self.resolved("from_"), self.origin("from_"), unknown))

    @classmethod
    def gather(cls, run: Run) -> list["SesProvider"]:
        return [cls(entry) for entry in run.subjects(ProviderEntry) if entry.is_ses]

    @property
    def file(self) -> str:
        return self.entry.file

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def enabled(self) -> bool:
        return self.entry.enabled

    @property
    def config(self) -> dict[str, Any]:
        return self.entry.config

    def field(self, name: str) -> Any:
        return self.entry.ses_fields.get(name)

    @property
    def region(self) -> Optional[str]:
        return self.field("region")

    @property
    def endpoint(self) -> Optional[str]:
        return self.field("endpoint")

    @property
    def has_static_keys(self) -> bool:
        return bool(self.field("access_key_id")) and bool(self.field("secret_access_key"))

    def resolved(self, name: str) -> Any:
        """A config field's value as the static stage judges it: `${NAME}` references expanded (only with
        `--env`); None when missing, invalid or not known before run time (a template, an unset variable)."""
        if name not in self.entry.ses_fields:
            return None
        value = self.entry.value("config", _written_key(name))
        return None if value is references.UNKNOWN else value

    def origin(self, name: str) -> str:
        """` (from ${NAME})` when the field's judged value came from references; else empty."""
        return self.entry.origin("config", _written_key(name))

    def known(self, name: str) -> bool:
        """The field is absent or its value is known before run time (not a template, not a reference
        without `--env` or with its variable unset): `references.resolve`'s one policy."""
        return self.entry.value("config", _written_key(name)) is not references.UNKNOWN

    def finding(self, relative: tuple, message: str, at: str = "value", suggestion: str | None = None) -> Finding:
        """A finding at a key path below the provider's entry (`("config", "from")`; `()`: the entry's key)."""
        return self.entry.finding(relative, message, at, suggestion)


def _written_key(name: str) -> str:
    return "from" if name == "from_" else name


@dataclass(eq=False)
class NotifyStep:
    """A workflow step with `task: notify`, its provider reference resolved across every file of the run
    (not frozen, as ProviderEntry: `link` sets `target`)."""

    file: str
    path: tuple
    data: dict[str, Any]
    config: dict[str, Any]
    issues: list[model.SchemaIssue]
    provider_keys: list[str] = field(default_factory=list)
    target: Optional[ProviderEntry] = None
    values: "_Values | None" = None

    @classmethod
    def gather(cls, run: Run) -> list["NotifyStep"]:
        return run.subjects(Configuration)[0].steps

    @classmethod
    def read(cls, document: Document, environ: Optional[Mapping[str, str]]) -> list["NotifyStep"]:
        steps = []
        values = _Values(document, environ)
        for path, step in _steps(document):
            if step.get("task") != "notify":
                continue
            issues = values.validate(model.StepModel, step, path)[1]
            config = step.get("config")
            if isinstance(config, dict):
                issues += values.validate(model.NotifyConfigModel, config, path + ("config",))[1]
            else:
                if config is None:  # a notify step needs `config` (its provider, message and recipients)
                    message = "`config` is empty" if "config" in step else "required field `config` is missing"
                    issues.append(model.SchemaIssue("missing", path + ("config",), message))
                config = {}
            steps.append(cls(document.path, path, step, config, issues, values=values))
        return steps

    def value(self, *relative: Any) -> Any:
        """The value at `relative` as judged (expanded under `--env`); None when absent, UNKNOWN when not known."""
        return self.values.at(self.path + relative) if self.values else None

    def origin(self, *relative: Any) -> str:
        return self.values.origin(self.path + relative) if self.values else ""

    @property
    def provider_key(self) -> Optional[str]:
        value = self.config.get("provider")
        return value if isinstance(value, str) else None

    def field(self, name: str, kind: type) -> Any:
        value = self.config.get(name)
        return value if isinstance(value, kind) else None

    def finding(self, relative: tuple, message: str, at: str = "value", suggestion: str | None = None) -> Finding:
        return Finding(message, self.file, path=self.path + relative, at=at, provider=self.provider_key, suggestion=suggestion)  # type: ignore[arg-type]


def _steps(document: Document) -> Iterator[tuple[tuple, dict]]:
    data = document.data() if document.loaded else None
    workflows = data.get("workflows") if isinstance(data, dict) else None
    if not isinstance(workflows, list):
        return
    for index, workflow in enumerate(workflows):
        steps = workflow.get("steps") if isinstance(workflow, dict) else None
        if not isinstance(steps, list):
            continue
        for position, step in enumerate(steps):
            if isinstance(step, dict):
                yield ("workflows", index, "steps", position), step


def link(entries: list[ProviderEntry], steps: list[NotifyStep]) -> None:
    """Point each step at the entry it names (its own file's first, else the run's first) and each entry
    at the steps naming its key: dictionary lookups, so the cost grows with entries plus steps."""
    first: dict[str, ProviderEntry] = {}
    first_in_file: dict[tuple[str, str], ProviderEntry] = {}
    for entry in entries:
        first.setdefault(entry.key, entry)
        first_in_file.setdefault((entry.key, entry.file), entry)
    naming: dict[str, list[NotifyStep]] = {}
    for step in steps:
        key = step.provider_key
        if key is None:
            continue
        step.target = first_in_file.get((key, step.file)) or first.get(key)
        naming.setdefault(key, []).append(step)
    for entry in entries:
        entry.used_by = naming.get(entry.key, [])


RECIPIENT_FIELDS = ("to", "cc", "bcc")


@dataclass(frozen=True, eq=False)
class AddressUse:
    """One address written in the run: an SES provider's `from`, or a notify step's recipient."""

    role: str  # "from" | "recipient"
    text: str
    file: str
    path: tuple
    provider: Optional[str]
    origin: str = ""  # ` (from ${NAME})` when the address came from references

    @classmethod
    def gather(cls, run: Run) -> Iterator["AddressUse"]:
        for provider in run.subjects(SesProvider):
            sender = provider.sender
            if sender is not None and sender.value is not None and sender.value.strip():
                yield cls("from", sender.value, provider.file, provider.entry.path + ("config", "from"), provider.key, sender.origin)
        for step in run.subjects(NotifyStep):
            for name in RECIPIENT_FIELDS:
                recipients = step.value("config", name) if isinstance(step.field(name, list), list) else None
                for index, value in enumerate(recipients if isinstance(recipients, list) else []):
                    if isinstance(value, str) and value.strip():
                        yield cls("recipient", value, step.file, step.path + ("config", name, index), step.provider_key, step.origin("config", name, index))

    def finding(self, message: str) -> Finding:
        return Finding(message, self.file, path=self.path, provider=self.provider)


@dataclass(frozen=True, eq=False)
class Configuration:
    """Every provider and notify step of the run, linked: which steps use which provider."""

    entries: list[ProviderEntry]
    steps: list[NotifyStep]

    @classmethod
    def gather(cls, run: Run) -> list["Configuration"]:
        return [cls.read(run.documents, run.environ if run.options.env else None)]

    @classmethod
    def read(cls, documents: list[Document], environ: Optional[Mapping[str, str]]) -> "Configuration":
        """Every file's entries and steps, linked; `environ` is what `${NAME}` expands from (None: without `--env`)."""
        entries = [entry for document in documents for entry in ProviderEntry.read(document, environ)]
        steps = [step for document in documents for step in NotifyStep.read(document, environ)]
        has_workflows = any(document_has_workflows(document) for document in documents)
        keys = sorted({entry.key for entry in entries})
        for step in steps:
            step.provider_keys = keys
        for entry in entries:
            entry.run_has_workflows = has_workflows
        link(entries, steps)
        _mark_redefinitions(entries, {document.path: document for document in documents})
        return cls(entries, steps)


def _mark_redefinitions(entries: list[ProviderEntry], documents: Mapping[str, Document]) -> None:
    """A key defined in several files: each later definition learns the first (in run order: the paths
    as given, a folder's files sorted), which is the one `link` gives steps of other files."""
    first: dict[str, ProviderEntry] = {}
    for entry in entries:
        earlier = first.setdefault(entry.key, entry)
        if earlier.file != entry.file:
            document = documents.get(earlier.file)
            line, column = document.locate(earlier.path, "key")[:2] if document is not None else (1, 1)
            entry.defined_before = (earlier, f"{earlier.file}:{line}:{column}")


@dataclass(frozen=True, eq=False)
class ProviderValue:
    """A string value anywhere in a provider entry (of any provider type), or a notify step's recipient:
    where `${NAME}` references live."""

    entry: "ProviderEntry | NotifyStep"
    path: tuple  # relative to the entry or the step
    value: str
    environ: Optional[Mapping[str, str]] = None  # what references expand from: None without --env

    @classmethod
    def gather(cls, run: Run) -> Iterator["ProviderValue"]:
        environ = run.environ if run.options.env else None
        for entry in run.subjects(ProviderEntry):
            for path, value in _strings(entry.data):
                yield cls(entry, path, value, environ)
        for step in run.subjects(NotifyStep):
            for name in RECIPIENT_FIELDS:
                for path, value in _strings(step.field(name, list), ("config", name)):
                    yield cls(step, path, value, environ)

    def finding(self, message: str) -> Finding:
        return self.entry.finding(self.path, message)


def _strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string in `data` with its path, in order; a generator only for each mapping and list."""
    if isinstance(data, str):
        yield path, data
        return
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(value, str):
            yield path + (key,), value
        elif isinstance(value, (dict, list)):
            yield from _strings(value, path + (key,))


_PLAIN_TYPES = frozenset({int, float, bool, type(None)})  # scalars `_Values.judge` keeps as they are (exact types: no str, no subclass)


class _Values:
    """One document's values as the static stage judges them: every scalar through `references.resolve`
    (expanded under `--env`, judged as if written in the reference's place), a template unknown."""

    def __init__(self, document: Document, environ: Optional[Mapping[str, str]]) -> None:
        self.document = document
        self.environ = environ
        self.templated = "{{" in document.text
        self.judged: dict[tuple, Any] = {}  # absolute path of a mapping -> its judged copy
        self._found: dict[tuple, Any] = {}  # absolute path -> what `_find` found there, until `judged` grows
        self.sources: dict[tuple, references.Resolved] = {}  # absolute path -> a value that came from references
        self.templates: dict[tuple, str] = {}  # absolute path -> the text of an unquoted `{{ ... }}` read as a mapping
        self.quoted: set[tuple] = set()  # absolute paths of quoted references: their expansion is a string
        self._lines: Optional[list[str]] = None

    def validate(self, schema: model.Model, written: Any, path: tuple) -> tuple[dict[str, Any], list[model.SchemaIssue]]:
        """`schema`'s fields of `written` (as written) and the issues of its judged copy; unknown values
        are not judged, and issues of expanded values say which variable they came from."""
        judged = self._find(path)  # a config is judged with its provider entry
        if judged is _ABSENT:
            judged = self.judged[path] = self.judge(written, path)
            self._found.clear()
        fields, issues = model.validate(schema, judged, path, lambda at: self._find(at) is not references.UNKNOWN)
        if self.sources or self.quoted:  # only a value from references can be explained
            issues = [replace(issue, message=issue.message + explained) if (explained := self._explained(issue)) else issue for issue in issues]
        if not isinstance(written, dict):
            return {}, issues
        return {name: self.templates.get(path + (key,), written[key]) for key, name in schema.keys.items() if name in fields}, issues

    def judge(self, data: Any, path: tuple) -> Any:
        if isinstance(data, dict):
            if self.templated and self._template_text(path) is not None:
                return references.UNKNOWN
            judge = self.judge
            return {key: value if type(value) in _PLAIN_TYPES else judge(value, path + (key,)) for key, value in data.items()}
        if isinstance(data, list):
            return [self.judge(value, path + (index,)) for index, value in enumerate(data)]
        if not isinstance(data, str) or not ("$" in data or "{" in data):
            return data  # what `resolve` judges it (no reference, no template): most values of a file
        resolved = references.resolve(data, self.environ, lambda text: self._read(path, text))
        if resolved.source is not None:
            self.sources[path] = resolved
        return resolved.value

    def at(self, path: tuple) -> Any:
        """The judged value at an absolute path inside a validated mapping; None when absent."""
        found = self._find(path)
        return None if found is _ABSENT else found

    def origin(self, path: tuple) -> str:
        resolved = self.sources.get(path)
        return resolved.origin if resolved else ""

    def _explained(self, issue: model.SchemaIssue) -> str:
        quoted = issue.kind == "wrong-type" and issue.path in self.quoted
        return self.origin(issue.path) + ("; in quotes, the expansion is a string: remove the quotes" if quoted else "")

    def _find(self, path: tuple) -> Any:
        """The judged value at `path` (_ABSENT when there is none), remembered: the rules ask each entry's
        few paths again and again (30 times a provider)."""
        found = self._found.get(path, _NOT_ASKED)
        if found is _NOT_ASKED:
            found = self._found[path] = self._search(path)
        return found

    def _search(self, path: tuple) -> Any:
        for length in range(len(path), -1, -1):
            if path[:length] in self.judged:
                value = self.judged[path[:length]]
                for part in path[length:]:
                    if isinstance(value, dict) and part in value:
                        value = value[part]
                    elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                        value = value[part]
                    else:
                        return _ABSENT
                return value
        return _ABSENT

    def _read(self, path: tuple, text: str) -> Any:
        """An expanded reference read as if written in its place: plain as YAML reads it, quoted as text."""
        node = self.document.find(path)[1]
        if node is not None and node.kind == "scalar" and not node.plain:
            self.quoted.add(path)
            return text
        return plain_scalar(text)

    def _template_text(self, path: tuple) -> Optional[str]:
        """An unquoted `{{ .Values.x }}` reads as YAML flow mappings; it is a template all the same: its text."""
        node = self.document.find(path)[1]
        if node is None or node.kind != "map" or node.end_line != node.line:
            return None
        if self._lines is None:
            self._lines = self.document.lines
        text = self._lines[node.line - 1][node.column - 1:node.end_column - 1] if 0 < node.line <= len(self._lines) else ""
        if not (text.startswith("{{") and references.is_template(text)):
            return None
        self.templates[path] = text
        return text


_NOT_ASKED = object()  # a path `_find` was not asked yet
_ABSENT = object()
