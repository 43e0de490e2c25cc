"""`ses-lint schema`: JSON Schemas (draft 2020-12) for editors, generated from the static stage's own models.

The provider file's schema is built from the pydantic-core schemas in `ses_lint.source.schema` (the ones the
static stage validates with) by pydantic's JSON Schema generator, then composed the way the static stage
applies them: the SES config's schema applies where the provider is SES (`email.ses`, `email` with
`platform: ses`, or `email` with SES settings and no platform), the notify config's where a step has
`task: notify`. Descriptions of the SES options are the provider documentation's options table; the
platform and region values are enums (regions from botocore's bundled data, like SES401). What the
schema cannot say (a near miss such as `provider: aws-ses`, SES204) is left to ses-lint.

`ses-lint schema --settings` prints the schema of `.ses-lint.yaml`, from `ses_lint.settings.KEYS`.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from ses_lint import settings
from ses_lint.core.findings import Severity, Stage
from ses_lint.source import regions
from ses_lint.source import schema as model

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REFERENCE_PATTERN = r"\$\{[A-Za-z_][A-Za-z0-9_]*\}"  # a `${NAME}` reference: judged after expansion (--env)
TEMPLATE_PATTERN = r"\{\{|\{%"  # a template expression: not known until rendered
NOT_LITERAL = {"type": "string", "anyOf": [{"pattern": REFERENCE_PATTERN}, {"pattern": TEMPLATE_PATTERN}]}

# The provider documentation's "Configuration Options" table (Email SES provider page), verbatim.
SES_OPTIONS = {
    "platform": "Set to `ses`",
    "from": "Default sender email address (must be verified in SES)",
    "region": "AWS region (default: us-east-1)",
    "profile": "AWS profile name for authentication",
    "access_key_id": "AWS access key ID for static credentials",
    "secret_access_key": "AWS secret access key for static credentials",
    "endpoint": "Custom endpoint URL (e.g., for LocalStack testing)",
    "imds_disable": "Disable EC2 IMDSv2 for credential retrieval",
}
PROVIDER_FIELDS = {
    "name": "A human-readable name of the provider",
    "description": "What the provider is for",
    "provider": "The provider type: `email.ses`, or `email` with `platform: ses` (also `email.smtp`, `email.acs`, or a non-email type)",
    "enabled": "Whether the provider is used (default: true); online checks skip a disabled one",
    "config": "The provider's settings",
}
NOTIFY_FIELDS = {
    "provider": "The key of the provider under `providers:` that sends this notification",
    "subject": "The message's subject",
    "to": "Recipient addresses",
    "cc": "Carbon-copy addresses",
    "bcc": "Blind carbon-copy addresses",
    "body": "The message: `text`, `html` or both",
}
SETTINGS_FIELDS = {
    "paths": "What to check when no path is given (default: the current folder)",
    "select": "Rules to run instead of the default set: codes, code prefixes (SES3) or names",
    "extend-select": "Rules to add to the default set",
    "ignore": "Rules not to run",
    "severity": "A rule's severity, by code or prefix: error, warning or info",
    "fail-on": "The lowest severity that makes the exit code 1 (default: error)",
    "fail-on-empty": "Exit 1 when no provider config was checked",
    "per-file-ignores": "Glob pattern -> codes not to report in the files it matches",
    "stages": "Network stages to run by default, besides static",
    "nameservers": "DNS servers to ask (default: the system's)",
    "timeout": "Bound for each network call, in seconds (default 5)",
    "mail-from": "Custom MAIL FROM domains to check",
    "dkim-selector": "DKIM selectors whose TXT key to check",
}


def _json(core_schema: Any) -> dict:
    from pydantic.json_schema import (
        GenerateJsonSchema,  # only here: `schema` is not on the lint path
    )

    generated = GenerateJsonSchema().generate(core_schema)
    for prop in generated.get("properties", {}).values():
        prop.pop("title", None)
    return generated


def _describe(schema: dict, descriptions: dict[str, str]) -> dict:
    for name, prop in schema.get("properties", {}).items():
        if name in descriptions:
            prop["description"] = descriptions[name]
    return schema


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _allow_references(schema: dict) -> dict:
    """A scalar field may be written as a reference or a template (judged after expansion, or not at all)."""
    for prop in schema.get("properties", {}).values():
        choices = prop.get("anyOf", [prop])
        if any(choice.get("type") in ("boolean", "integer", "number") for choice in choices):
            prop["anyOf"] = [*(dict(choice) for choice in choices), NOT_LITERAL]
            for key in ("type",):
                prop.pop(key, None)
    return schema


def provider_schema() -> dict:
    """The JSON Schema of a provider configuration file."""
    ses = _allow_references(_describe(_json(model.SesConfigModel.schema), SES_OPTIONS))
    ses["properties"]["platform"] = _nullable({"enum": list(model.KNOWN_PLATFORMS), "description": SES_OPTIONS["platform"]})
    if regions.known():
        region = {"anyOf": [{"enum": sorted(regions.all_regions())}, NOT_LITERAL, {"pattern": r"^\s*$"}],
                  "description": SES_OPTIONS["region"]}
        ses["properties"]["region"] = _nullable(region)
    provider = _allow_references(_describe(_json(model.ProviderModel.schema), PROVIDER_FIELDS))
    provider["allOf"] = [
        {"if": {"properties": {"provider": {"const": "email.ses"}}, "required": ["provider"]},
         "then": {"properties": {"config": {"$ref": "#/$defs/sesConfig"}}}},
        {"if": {"properties": {"provider": {"const": "email"}, "config": {"properties": {"platform": {"const": "ses"}}, "required": ["platform"]}},
                "required": ["provider", "config"]},
         "then": {"properties": {"config": {"$ref": "#/$defs/sesConfig"}}}},
        {"if": {"properties": {"provider": {"const": "email"}, "config": {
            "not": {"required": ["platform"]}, "anyOf": [{"required": [name]} for name in model.SES_ONLY_SETTINGS]}},
                "required": ["provider", "config"]},
         "then": {"properties": {"config": {"$ref": "#/$defs/sesConfig"}}}},
        {"if": {"properties": {"provider": {"enum": list(model.KNOWN_PROVIDERS)}}, "required": ["provider"]},
         "then": {"properties": {"config": {"properties": {"platform": _nullable({"enum": list(model.KNOWN_PLATFORMS)})}}}}},
    ]
    notify = _describe(_json(model.NotifyConfigModel.schema), NOTIFY_FIELDS)
    step = _json(model.StepModel.schema)
    step.pop("type", None)  # ses-lint judges only mappings with `task: notify`
    step = {
        "description": "A workflow step; one with `task: notify` sends a message through a provider",
        "if": {"type": "object", "properties": {"task": {"const": "notify"}}, "required": ["task"]},
        "then": {**step, "required": ["config"], "properties": {**step["properties"], "config": {"$ref": "#/$defs/notifyConfig"}}},
    }
    file = _json(model.FileModel.schema)
    file["properties"]["providers"] = _nullable({"type": "object", "additionalProperties": {"$ref": "#/$defs/provider"},
                                                 "description": "The providers, by key"})
    file["properties"]["workflows"] = _nullable({"type": "array", "description": "Workflows whose steps notify through the providers",
                                                 "items": {"properties": {"steps": {"items": {"$ref": "#/$defs/step"}}}}})
    file["properties"] = {"version": {"description": 'The configuration format\'s version: `"1.0"` (a string)', "examples": ["1.0"]},
                          **file["properties"]}
    return {
        "$schema": DRAFT,
        "$id": "https://pypi.org/project/ses-lint/schema/provider-config.json",
        "title": "Provider configuration (Email SES)",
        "description": "Providers and workflows, as checked by ses-lint's static stage",
        **file,
        "$defs": {"provider": provider, "sesConfig": ses, "notifyConfig": notify, "step": step},
    }


def settings_schema() -> dict:
    """The JSON Schema of `.ses-lint.yaml` (and of `[tool.ses-lint]`), from the keys settings.py accepts."""
    codes = {"type": "array", "items": {"type": "string"}}
    codes_or_text = {"anyOf": [codes, {"type": "string"}]}
    level = {"enum": [severity.value for severity in Severity]}
    special = {
        "severity": {"type": "object", "additionalProperties": level},
        "fail-on": level,
        "stages": {"type": "array", "items": {"enum": [stage.value for stage in Stage]}},
        "per-file-ignores": {"type": "object", "additionalProperties": codes_or_text},
        "timeout": {"type": "number", "exclusiveMinimum": 0},
    }
    types = {list: codes_or_text, dict: {"type": "object"}, str: {"type": "string"}, bool: {"type": "boolean"}}
    properties = {}
    for key, expected in settings.KEYS.items():
        prop = dict(special.get(key) or types.get(expected, {}))  # type: ignore[call-overload]
        prop["description"] = SETTINGS_FIELDS.get(key, f"the `--{key}` option")
        properties[key] = prop
    return {
        "$schema": DRAFT,
        "$id": "https://pypi.org/project/ses-lint/schema/settings.json",
        "title": "ses-lint configuration (.ses-lint.yaml)",
        "description": "Keys are the long options of `ses-lint check`",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }


def print_schema(settings: bool = False) -> int:
    sys.stdout.write(json.dumps(settings_schema() if settings else provider_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0
