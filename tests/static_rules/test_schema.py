"""SES1xx, the schema: key problems point at the key, value problems at the value."""
from __future__ import annotations

import pytest
from support import config_file as _write

from .helpers import fixture, lint, positions

SPEC = [
    ("SES101", [(5, 5), (7, 3), (7, 3), (10, 5)], [
        ["required field `from` is missing"],
        ["required field `config` is missing"],
        ["required field `provider` is missing"],
        ["`provider` is empty"],
    ]),
    ("SES102", [(5, 14), (9, 21), (18, 15)], [
        ["`enabled` must be a boolean", "not string `true`"],
        ["`imds_disable` must be a boolean", "not number `1`"],
        ["`to` must be a list", "not string"],
    ]),
    ("SES103", [(5, 5), (8, 7), (9, 7), (10, 7), (11, 7)], [
        ["unknown key `descripton`", "did you mean `description`?"],
        ["unknown key `aws_region`", "did you mean `region`?"],
        ["unknown key `acces_key_id`", "did you mean `access_key_id`?"],
        ["unknown key `secret_key`", "did you mean `secret_access_key`?"],
        ["unknown key `from_address`", "did you mean `from`?"],
    ]),
    ("SES104", [(11, 3)], [["provider `email-old` is not used by any workflow step"]]),
    ("SES105", [(4, 3)], [["provider `email-ses` is also defined at", "SES105/first.yaml:3:3", "uses the definition in its own file, else the first one"]]),
]


@pytest.mark.parametrize("written, meant", [
    ("acces_key_id", "access_key_id"),
    ("aws_region", "region"),
    ("from_address", "from"),
    ("secret_key", "secret_access_key"),
])
def test_near_miss_keys_carry_a_suggestion(written, meant):
    found = [f for f in lint([fixture("SES103", "bad")], select=["SES103"]) if f"`{written}`" in f.message]
    assert len(found) == 1
    assert found[0].suggestion == meant
    assert f"did you mean `{meant}`?" in found[0].message


def test_enabled_as_a_quoted_string_is_wrong_type():
    found = lint([fixture("SES102", "bad")], select=["SES1"])
    assert ("SES102", 5, 14) in positions(found)


def test_providers_as_a_list_is_wrong_type(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text('version: "1.0"\nproviders:\n  - provider: email.ses\n    config: {from: a@mycompany.com}\n')
    found = lint([str(path)])
    assert positions(found) == [("SES102", 3, 3)]
    assert "`providers` must be a mapping, not list" in found[0].message


def test_a_to_string_is_wrong_type_and_not_also_an_empty_message():
    found = lint([fixture("SES102", "bad")])
    assert ("SES102", 18, 15) in positions(found)
    assert [f for f in found if f.code == "SES507"] == []


def test_unused_provider_only_when_the_run_has_workflows():
    assert lint([fixture("SES104", "bad")], select=["SES104"])  # the fixture has workflows
    assert lint([fixture("SES203", "good")], select=["SES104"]) == []  # a provider file alone


def test_a_number_key_is_one_wrong_type_at_the_key(tmp_path):
    path = _write(tmp_path, 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n'
                            '      from: a@mycompany.com\n      region: us-east-1\n      2: x\n')
    found = lint([path], select=["SES1"])
    assert positions(found) == [("SES102", 8, 7)]
    assert found[0].message == "key `2` must be a string, not number"


def test_a_provider_that_is_not_a_mapping_is_named(tmp_path):
    found = lint([_write(tmp_path, 'version: "1.0"\nproviders:\n  email-ses: email.ses\n')], select=["SES1"])
    assert positions(found) == [("SES102", 3, 14)]
    assert "`email-ses` must be a mapping, not string `email.ses`" in found[0].message


def test_an_empty_config_is_reported_once(tmp_path):
    found = lint([_write(tmp_path, 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n')], select=["SES1"])
    assert positions(found) == [("SES101", 5, 5)]
    assert "`config` is empty" in found[0].message


def test_a_notify_step_without_config_is_missing_field(tmp_path):
    found = lint([_write(tmp_path, "workflows:\n  - name: w\n    steps:\n      - task: notify\n        type: email\n")], select=["SES1"])
    assert positions(found) == [("SES101", 4, 9)]
    assert "required field `config` is missing" in found[0].message
