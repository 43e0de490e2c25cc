"""The schema of a provider file, and schema problems as facts.

The schemas are pydantic-core schemas (pydantic v2's own validation engine) written as the plain
core-schema mappings that `pydantic_core.core_schema` builds: the same strict validation and error
types as pydantic models, without the 70 ms that importing `pydantic.BaseModel` and building model
classes adds to every run of a pre-commit hook. Validation is strict: a string is never taken for a
boolean, nor a number for a string. Each validation error becomes a SchemaIssue at its key path; the
fields that did validate are kept, so the other rules still see what is right in a partly wrong file
(the typed view of those fields is `ses_lint.source.config`).

Most files are valid, and importing pydantic-core costs a run more than the rest of its static checks
of one file. So `accepts` first tells, in plain Python, whether a mapping surely validates (it reads
the same schema mappings and accepts a subset of what pydantic-core accepts); pydantic-core is
imported, and its validator built, only for data it does not accept, and then it alone decides, or
when a large run has many mappings to validate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from ses_lint.core.suggest import confident_match

KNOWN_PROVIDERS = ("email", "email.ses", "email.smtp", "email.acs")
KNOWN_PLATFORMS = ("ses", "smtp", "acs")
SES_ONLY_SETTINGS = ("region", "profile", "access_key_id", "secret_access_key", "endpoint", "imds_disable")

KEY_ALIASES = {
    "aws_region": "region",
    "from_address": "from",
    "from_email": "from",
    "sender": "from",
    "secret_key": "secret_access_key",
    "aws_secret_access_key": "secret_access_key",
    "secret_access_key_id": "secret_access_key",
    "access_key": "access_key_id",
    "aws_access_key_id": "access_key_id",
    "endpoint_url": "endpoint",
    "aws_profile": "profile",
    "disable_imds": "imds_disable",
}


class Model:
    """One mapping's schema: its keys as written (-> their names in the typed view), its core schema,
    and the keys whose values hold a secret (masked in every string ses-lint writes)."""

    def __init__(self, name: str, keys: dict[str, str], schema: dict[str, Any], secret: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.keys = keys
        self.schema = schema
        self.secret = secret
        self._validator: Any = None

    @property
    def validator(self) -> Any:
        if self._validator is None:
            from pydantic_core import SchemaValidator

            self._validator = SchemaValidator(self.schema)
        return self._validator


Schema = dict[str, Any]
Field = tuple[Schema, bool]


def _model(name: str, fields: dict[str, Field], *, extra: str, names: Optional[dict[str, str]] = None, secret: tuple[str, ...] = ()) -> Model:
    assert all(key in fields for key in secret)
    return Model(name, {key: (names or {}).get(key, key) for key in fields}, _typed_dict(fields, extra), frozenset(secret))


def _typed_dict(fields: dict[str, Field], extra: str) -> Schema:
    return {
        "type": "typed-dict",
        "fields": {key: {"type": "typed-dict-field", "schema": schema, "required": required} for key, (schema, required) in fields.items()},
        "strict": True,
        "extra_behavior": extra,
    }


def _text(min_length: Optional[int] = None) -> Schema:
    return {"type": "str", "strict": True, **({"min_length": min_length} if min_length is not None else {})}


def _required(schema: Schema) -> Field:
    return schema, True


def _optional(schema: Schema, nullable: bool = True) -> Field:
    return ({"type": "nullable", "schema": schema} if nullable else schema), False


_ANY: Schema = {"type": "any"}
_BOOL: Schema = {"type": "bool", "strict": True}
_MAPPING: Schema = {"type": "dict", "keys_schema": _text(), "values_schema": _ANY, "strict": True}
_TEXTS: Schema = {"type": "list", "items_schema": _text(), "strict": True}

ProviderModel = _model("provider", {
    "name": _optional(_text()),
    "description": _optional(_text()),
    "provider": _required(_text(min_length=1)),
    "enabled": _optional(_BOOL, nullable=False),
    "config": _required(_MAPPING),
}, extra="forbid")

SesConfigModel = _model("ses config", {
    "platform": _optional(_text()),
    "from": _required(_text(min_length=1)),
    "region": _optional(_text()),
    "profile": _optional(_text()),
    "access_key_id": _optional(_text()),
    "secret_access_key": _optional(_text()),
    "endpoint": _optional(_text()),
    "imds_disable": _optional(_BOOL),
}, extra="forbid", names={"from": "from_"}, secret=("secret_access_key",))  # the provider documentation's one secret field

_BODY = _typed_dict({"text": _optional(_text()), "html": _optional(_text())}, "allow")

NotifyConfigModel = _model("notify config", {
    "provider": _required(_text(min_length=1)),
    "subject": _optional(_text()),
    "to": _optional(_TEXTS),
    "cc": _optional(_TEXTS),
    "bcc": _optional(_TEXTS),
    "body": _optional(_BODY),
}, extra="allow")

StepModel = _model("step", {
    "task": _optional(_text()),
    "type": _optional(_text()),
    "config": _optional(_MAPPING),
}, extra="allow")

FileModel = _model("file", {
    "providers": _optional(_MAPPING),
    "workflows": _optional({"type": "list", "items_schema": _ANY, "strict": True}),
}, extra="allow")


MODELS = (FileModel, ProviderModel, SesConfigModel, StepModel, NotifyConfigModel)
# The keys whose values are secrets: the fields the schemas mark, and the misspellings the schemas read
# as those fields (`aws_secret_access_key`: a secret committed under a wrong key is committed all the same).
SECRET_KEYS = frozenset(key for model in MODELS for key in model.secret)
SECRET_KEYS |= frozenset(alias for alias, key in KEY_ALIASES.items() if key in SECRET_KEYS)
_TYPED_KEYS = frozenset(key for model in MODELS for key in model.keys)
# A key no schema types (another provider's config, an unknown key) holds a secret when its name says so.
SECRET_WORDS = ("secret", "password", "token")


def is_secret_key(name: object) -> bool:
    """The value written under this key is a secret: a field the schemas mark secret (or a misspelling
    of one), or a key the schemas do not type whose name says it is one (`password`, `session_token`).
    A field the schemas type is a secret only when marked."""
    if not isinstance(name, str):
        return False
    lowered = name.lower()
    return lowered in SECRET_KEYS or (lowered not in _TYPED_KEYS and any(word in lowered for word in SECRET_WORDS))


def accepts(schema: Schema, value: Any) -> bool:
    """True only when pydantic-core surely accepts `value` under `schema` (the kinds used above)."""
    kind = schema["type"]
    if kind == "any":
        return True
    if kind == "nullable":
        return value is None or accepts(schema["schema"], value)
    if kind == "str":
        return type(value) is str and len(value) >= schema.get("min_length", 0) and _unicode(value)
    if kind == "bool":
        return type(value) is bool
    if kind == "list":
        return type(value) is list and all(accepts(schema["items_schema"], item) for item in value)
    if kind == "dict":
        return type(value) is dict and all(
            accepts(schema["keys_schema"], key) and accepts(schema["values_schema"], item) for key, item in value.items()
        )
    if kind == "typed-dict":
        fields = schema["fields"]
        if type(value) is not dict or not all(type(key) is str and _unicode(key) for key in value):
            return False
        if schema["extra_behavior"] == "forbid" and any(key not in fields for key in value):
            return False
        return all(
            accepts(field["schema"], value[key]) if key in value else not field["required"] for key, field in fields.items()
        )
    return False


_FAST_CHECK_SIZE = 1000  # `accepts` walks every value in Python: a larger mapping goes to pydantic-core at once


def _at_most(data: Any, limit: int) -> bool:
    """Whether `data` holds at most `limit` mappings, lists and their items (counted until past it)."""
    pending, seen = [data], 0
    while pending:
        value = pending.pop()
        if isinstance(value, (dict, list)):
            seen += len(value)
            if seen > limit:
                return False
            pending += value.values() if isinstance(value, dict) else value
    return True


def _unicode(text: str) -> bool:
    """pydantic-core refuses a string that is not valid Unicode (a lone surrogate from a `\\ud800` escape)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)  # slots: a 2 MiB file can hold 184,000 issues; a dict each was 20 MB more
class SchemaIssue:
    """One schema error: `kind` is "missing", "wrong-type" or "unknown-key"; `path` is absolute."""

    kind: str
    path: tuple
    message: str
    suggestion: Optional[str] = None
    on_key: bool = False  # the problem is the key itself (a key that is not a string), not its value
    confident: bool = False  # the suggestion is the only plausible one: safe for --fix


MAX_SUGGESTIONS = 100  # "did you mean" for the first errors of a mapping: a 15,000-key one costs no 15,000 fuzzy matches
# Beyond this many mappings (a few dozen files) the compiled validator is faster than `accepts` even with
# its import: a large run uses it throughout. Either way the result is the same.
_fast_checks_left = 200


def validate(model: Model, data: Any, prefix: tuple = (), judged: Callable[[tuple], bool] | None = None) -> tuple[dict[str, Any], list[SchemaIssue]]:
    """Validate `data` against `model`; return the fields that validated (by name) and the issues of the rest.

    `judged(path)` is False for a value that is not known before run time (an unexpanded `${NAME}`, a
    template): its issues are dropped and the field is kept as it is.
    """
    if not isinstance(data, dict):
        what = f"`{prefix[-1]}`" if prefix else "the file"
        if judged is not None and not judged(prefix):
            return {}, []
        return {}, [SchemaIssue("wrong-type", prefix, f"{what} must be a mapping, not {_type_name(data)} `{_short(data)}`")]
    global _fast_checks_left
    if _fast_checks_left > 0 and model._validator is None and _at_most(data, _FAST_CHECK_SIZE):
        _fast_checks_left -= 1
        if accepts(model.schema, data):
            return {model.keys[key]: value for key, value in data.items() if key in model.keys}, []
    from pydantic_core import ValidationError

    # Unknown string keys are found here, not by pydantic-core: its error list for a 184,000-key mapping
    # held 200 MB. They come after the fields' errors, in the order written, as pydantic-core puts them.
    unknown = []
    if model.schema["extra_behavior"] == "forbid" and all(type(key) is str and _unicode(key) for key in data):
        unknown = [key for key in data if key not in model.keys]
    try:
        model.validator.validate_python({key: data[key] for key in data if key in model.keys} if unknown else data)
        issues: list[SchemaIssue] = []
    except ValidationError as error:
        issues = [_issue(model, item, prefix, suggest=index < MAX_SUGGESTIONS) for index, item in enumerate(error.errors(include_url=False))]
    issues += [_unknown_key(model, key, prefix + (key,), len(issues) + index < MAX_SUGGESTIONS) for index, key in enumerate(unknown)]
    if judged is not None:
        issues = [issue for issue in issues if issue.kind == "unknown-key" or judged(issue.path)]
    bad = {item.path[len(prefix)] for item in issues if len(item.path) > len(prefix)}
    return {model.keys[key]: value for key, value in data.items() if key in model.keys and key not in bad}, issues


def _issue(model: Model, error: dict, prefix: tuple, suggest: bool = True) -> SchemaIssue:
    loc = tuple(error["loc"])
    path = prefix + loc
    kind = error["type"]
    value = error.get("input")
    field = loc[-1] if loc else ""
    if kind == "invalid_key" or (loc and loc[-1] == "[key]"):
        # A key that is not a string (`2: x`); pydantic reports it from the model and from a dict field alike.
        path = path[:-1] if loc and loc[-1] == "[key]" else path
        return SchemaIssue("wrong-type", path, f"key `{_short(value)}` must be a string, not {_type_name(value)}", on_key=True)
    if kind == "missing":
        return SchemaIssue("missing", path, f"required field `{field}` is missing")
    if kind == "extra_forbidden":
        return _unknown_key(model, field, path, suggest)
    if value is None or value == "" or value == [] or value == {}:
        return SchemaIssue("missing", path, f"`{field}` is empty")
    expected = _EXPECTED.get(kind, error.get("msg", kind).lower())
    return SchemaIssue("wrong-type", path, f"`{field}` must be {expected}, not {_type_name(value)} `{_short(value)}`")


def _unknown_key(model: Model, field: Any, path: tuple, suggest: bool) -> SchemaIssue:
    suggestion = suggest_key(str(field), list(model.keys)) if suggest else None
    hint = f"; did you mean `{suggestion}`?" if suggestion else ""
    confident = suggestion is not None and confident_key(str(field), list(model.keys)) == suggestion
    return SchemaIssue("unknown-key", path, f"unknown key `{field}`{hint}", suggestion, confident=confident)


def suggest_key(key: str, known: list[str]) -> Optional[str]:
    import difflib  # only for a near miss

    if key in KEY_ALIASES and KEY_ALIASES[key] in known:
        return KEY_ALIASES[key]
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


def confident_key(key: str, known: list[str]) -> Optional[str]:
    """The key meant, when only one is plausible: a known alias, or a single clearly closest spelling."""
    if key in KEY_ALIASES and KEY_ALIASES[key] in known:
        return KEY_ALIASES[key]
    return confident_match(key, known)


_EXPECTED = {
    "bool_type": "a boolean (`true` or `false`)",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "int_type": "an integer",
}


def _type_name(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "list", dict: "mapping"}.get(
        type(value), type(value).__name__
    ) if value is not None else "null"


def _short(value: Any) -> str:
    text = str(value) if not isinstance(value, (dict, list)) else ("{…}" if isinstance(value, dict) else "[…]")
    return text if len(text) <= 40 else text[:37] + "…"
