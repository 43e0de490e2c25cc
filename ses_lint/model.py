"""The schema of a provider file (pydantic), and schema problems as facts.

The schemas are pydantic-core validators declared directly (pydantic v2's own validation engine): the
same strict validation and error types as pydantic models, without the 70 ms that importing
`pydantic.BaseModel` and building model classes adds to every run of a pre-commit hook. Validation is
strict: a string is never taken for a boolean, nor a number for a string. Each validation error becomes
a SchemaIssue at its key path; the fields that did validate are kept, so the other rules still see
what is right in a partly wrong file (the typed view of those fields is `ses_lint.subjects`).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from .suggest import confident_match

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


@dataclass(frozen=True)
class Model:
    """One mapping's schema: its keys as written (-> their names in the typed view) and a validator."""

    name: str
    keys: dict[str, str]
    validator: SchemaValidator = field(repr=False)
    schema: Any = field(default=None, repr=False)  # the pydantic-core schema (for `ses-lint schema`)


def _model(name: str, fields: dict[str, tuple[cs.CoreSchema, bool]], *, extra: str, names: Optional[dict[str, str]] = None) -> Model:
    schema = cs.typed_dict_schema(
        {key: cs.typed_dict_field(schema, required=required) for key, (schema, required) in fields.items()},
        extra_behavior=extra,  # type: ignore[arg-type]
        strict=True,
    )
    return Model(name, {key: (names or {}).get(key, key) for key in fields}, SchemaValidator(schema), schema)


def _text(min_length: Optional[int] = None) -> cs.CoreSchema:
    return cs.str_schema(strict=True, min_length=min_length)


def _required(schema: cs.CoreSchema) -> tuple[cs.CoreSchema, bool]:
    return schema, True


def _optional(schema: cs.CoreSchema, nullable: bool = True) -> tuple[cs.CoreSchema, bool]:
    return (cs.nullable_schema(schema) if nullable else schema), False


_MAPPING = cs.dict_schema(_text(), cs.any_schema(), strict=True)
_TEXTS = cs.list_schema(_text(), strict=True)

ProviderModel = _model("provider", {
    "name": _optional(_text()),
    "description": _optional(_text()),
    "provider": _required(_text(min_length=1)),
    "enabled": _optional(cs.bool_schema(strict=True), nullable=False),
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
    "imds_disable": _optional(cs.bool_schema(strict=True)),
}, extra="forbid", names={"from": "from_"})

_BODY = cs.typed_dict_schema(
    {"text": cs.typed_dict_field(cs.nullable_schema(_text()), required=False),
     "html": cs.typed_dict_field(cs.nullable_schema(_text()), required=False)},
    extra_behavior="allow", strict=True,
)

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
    "workflows": _optional(cs.list_schema(cs.any_schema(), strict=True)),
}, extra="allow")


@dataclass(frozen=True)
class SchemaIssue:
    """One schema error: `kind` is "missing", "wrong-type" or "unknown-key"; `path` is absolute."""

    kind: str
    path: tuple
    message: str
    suggestion: Optional[str] = None
    on_key: bool = False  # the problem is the key itself (a key that is not a string), not its value
    confident: bool = False  # the suggestion is the only plausible one: safe for --fix


MAX_SUGGESTIONS = 100  # "did you mean" for the first errors of a mapping: a 15,000-key one costs no 15,000 fuzzy matches


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
    try:
        model.validator.validate_python(data)
        issues: list[SchemaIssue] = []
    except ValidationError as error:
        issues = [_issue(model, item, prefix, suggest=index < MAX_SUGGESTIONS) for index, item in enumerate(error.errors(include_url=False))]
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
        suggestion = suggest_key(str(field), list(model.keys)) if suggest else None
        hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        confident = suggestion is not None and confident_key(str(field), list(model.keys)) == suggestion
        return SchemaIssue("unknown-key", path, f"unknown key `{field}`{hint}", suggestion, confident=confident)
    if value is None or value == "" or value == [] or value == {}:
        return SchemaIssue("missing", path, f"`{field}` is empty")
    expected = _EXPECTED.get(kind, error.get("msg", kind).lower())
    return SchemaIssue("wrong-type", path, f"`{field}` must be {expected}, not {_type_name(value)} `{_short(value)}`")


def suggest_key(key: str, known: list[str]) -> Optional[str]:
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
