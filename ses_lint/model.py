"""The typed view of a provider file (pydantic), and schema problems as facts.

Validation is strict: a string is never taken for a boolean, nor a number for a string. Each pydantic
error becomes a SchemaIssue at its key path; the typed view keeps every field that did validate, so the
other rules still see what is right in a partly wrong file.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)


class ProviderModel(_Strict):
    name: Optional[str] = None
    description: Optional[str] = None
    provider: str = Field(min_length=1)
    enabled: bool = True
    config: dict[str, Any]


class SesConfigModel(_Strict):
    platform: Optional[str] = None
    from_: str = Field(alias="from", min_length=1)
    region: Optional[str] = None
    profile: Optional[str] = None
    access_key_id: Optional[str] = None
    secret_access_key: Optional[str] = None
    endpoint: Optional[str] = None
    imds_disable: Optional[bool] = None


class BodyModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    text: Optional[str] = None
    html: Optional[str] = None


class NotifyConfigModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    provider: str = Field(min_length=1)
    subject: Optional[str] = None
    to: Optional[list[str]] = None
    cc: Optional[list[str]] = None
    bcc: Optional[list[str]] = None
    body: Optional[BodyModel] = None


class StepModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    task: Optional[str] = None
    type: Optional[str] = None
    config: Optional[dict[str, Any]] = None


class WorkflowModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    name: Optional[str] = None
    steps: list[dict[str, Any]] = Field(default_factory=list)


class FileModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    providers: Optional[dict[str, Any]] = None
    workflows: Optional[list[Any]] = None


@dataclass(frozen=True)
class SchemaIssue:
    """One schema error: `kind` is "missing", "wrong-type" or "unknown-key"; `path` is absolute."""

    kind: str
    path: tuple
    message: str
    suggestion: Optional[str] = None
    on_key: bool = False  # the problem is the key itself (a key that is not a string), not its value


def validate(model: type[BaseModel], data: Any, prefix: tuple = ()) -> tuple[dict[str, Any], list[SchemaIssue]]:
    """Validate `data` against `model`; return the fields that validated and the issues of the rest."""
    if not isinstance(data, dict):
        what = f"`{prefix[-1]}`" if prefix else "the file"
        return {}, [SchemaIssue("wrong-type", prefix, f"{what} must be a mapping, not {_type_name(data)} `{_short(data)}`")]
    try:
        instance = model.model_validate(data)
        return _fields(instance), []
    except ValidationError as error:
        issues = [_issue(model, data, item, prefix) for item in error.errors(include_url=False)]
    bad = {item.path[len(prefix)] for item in issues if len(item.path) > len(prefix)}
    good = {key: value for key, value in data.items() if key not in bad and _field_name(model, key)}
    values = {}
    for key, value in good.items():
        values[_field_name(model, key)] = value
    return values, issues


def _fields(instance: BaseModel) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in type(instance).model_fields if name in instance.model_fields_set}


def _field_name(model: type[BaseModel], key: Any) -> Optional[str]:
    for name, info in model.model_fields.items():
        if key == name or key == info.alias:
            return name
    return None


def _issue(model: type[BaseModel], data: dict, error: dict, prefix: tuple) -> SchemaIssue:
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
        suggestion = suggest_key(str(field), [info.alias or name for name, info in model.model_fields.items()])
        hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        return SchemaIssue("unknown-key", path, f"unknown key `{field}`{hint}", suggestion)
    if value is None or value == "" or value == [] or value == {}:
        return SchemaIssue("missing", path, f"`{field}` is empty")
    expected = _EXPECTED.get(kind, error.get("msg", kind).lower())
    return SchemaIssue("wrong-type", path, f"`{field}` must be {expected}, not {_type_name(value)} `{_short(value)}`")


def suggest_key(key: str, known: list[str]) -> Optional[str]:
    if key in KEY_ALIASES and KEY_ALIASES[key] in known:
        return KEY_ALIASES[key]
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


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
