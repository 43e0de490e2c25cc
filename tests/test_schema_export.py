"""`ses-lint schema`: JSON Schemas (draft 2020-12) for editors, from the static stage's own models.
The provider schema's verdict on every example and fixture agrees with the static stage's schema rules."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest
from support import ROOT, run_cli, run_installed

from ses_lint import lint
from ses_lint.schema_export import SES_OPTIONS
from ses_lint.source.document import load

SEED = ROOT.parent / "shared" / "seeds" / "000_cf1935f3355ea6f0.txt"  # the provider documentation
FILES = sorted([*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml")])


def schema(*args: str) -> dict:
    code, out, err = run_cli("schema", *args)
    assert code == 0, err
    document = json.loads(out)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def test_the_installed_script_prints_the_same_schema():
    code, out, err = run_installed("schema")
    assert (code, err) == (0, "")
    assert json.loads(out) == schema()


@pytest.fixture(scope="module")
def provider_schema() -> dict:
    return schema()


def _expected_invalid(path) -> bool:
    """What the schema can say: the schema rules (SES101-SES103), a region that is not one (SES401) and an
    unknown platform (SES204 at `config.platform`). A near-miss provider type (`aws-ses`) is ses-lint's alone."""
    findings = lint([str(path)]).findings
    return any(f.code in ("SES101", "SES102", "SES103", "SES401") or (f.code == "SES204" and (f.key or "").endswith("config.platform"))
               for f in findings)


@pytest.mark.parametrize("path", FILES, ids=[str(path.relative_to(ROOT)) for path in FILES])
def test_schema_verdict_matches_the_static_stage(provider_schema, path):
    document = load(str(path), path.read_bytes())
    if not (document.loaded and document.is_config):
        pytest.skip("not a loadable provider config (SES001/SES005), so no data to validate")
    if any(f.code == "SES204" and f.key and f.key.endswith(".provider") for f in lint([str(path)]).findings):
        pytest.skip("a near-miss provider type: ses-lint judges it as SES, the schema cannot know")
    errors = [error.message for error in jsonschema.Draft202012Validator(provider_schema).iter_errors(document.data())]
    assert bool(errors) == _expected_invalid(path), errors


def test_schema_has_the_documented_descriptions_and_enums(provider_schema):
    ses = provider_schema["$defs"]["sesConfig"]
    assert {name: prop.get("description") or prop["anyOf"][0]["description"] for name, prop in ses["properties"].items()} == SES_OPTIONS
    assert ses["properties"]["platform"]["anyOf"][0]["enum"] == ["ses", "smtp", "acs"]
    regions = ses["properties"]["region"]["anyOf"][0]["anyOf"][0]["enum"]
    assert "us-east-1" in regions and "eu-west-1" in regions and "us-east1" not in regions
    assert ses["required"] == ["from"] and ses["additionalProperties"] is False


def test_descriptions_are_the_provider_documentations_options_table():
    if not SEED.is_file():
        pytest.skip(f"the provider documentation is not beside the repository ({SEED})")
    table = dict(re.findall(r"^\| `([a-z_]+)` \| \w+ \| \w+ \| (.+?) \|$", SEED.read_text(), re.MULTILINE))
    assert table == SES_OPTIONS


def test_references_are_allowed_where_a_region_is_expected(provider_schema):
    validator = jsonschema.Draft202012Validator(provider_schema)
    config = {"version": "1.0", "providers": {"p": {"provider": "email.ses", "config": {"from": "a@mycompany.com", "region": "${AWS_REGION}"}}}}
    assert list(validator.iter_errors(config)) == []
    config["providers"]["p"]["config"]["region"] = "us-east1"
    assert list(validator.iter_errors(config))


def test_settings_schema_matches_what_the_settings_loader_accepts(write, workdir):
    validator = jsonschema.Draft202012Validator(schema("--settings"))
    good = {"paths": ["deploy/"], "select": "SES3,SES4", "ignore": ["SES309"], "severity": {"SES403": "warning"}, "fail-on": "warning",
            "per-file-ignores": {"dev/*.yaml": ["SES407"]}, "stages": ["static", "dns"], "timeout": 3, "fail-on-empty": True}
    bad = [{"unknown": 1}, {"fail-on": "fatal"}, {"stages": ["network"]}, {"timeout": "5"}, {"fail-on-empty": "yes"}, {"severity": {"SES403": "loud"}}]
    assert list(validator.iter_errors(good)) == []
    write("ses.yaml", 'version: "1.0"\nproviders: {}\n')
    write(".ses-lint.yaml", json.dumps(good))
    assert run_cli("--timeout", "0.2", "--nameserver", "127.0.0.1:9", "--select", "SES3", "ses.yaml", cwd=workdir).code == 0
    for settings in bad:
        assert list(validator.iter_errors(settings)), settings
        write(".ses-lint.yaml", json.dumps(settings))
        assert run_cli("ses.yaml", cwd=workdir).code == 2, settings
