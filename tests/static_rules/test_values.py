"""Values not known as written: templates (never judged) and `${NAME}` references in every field
(judged with `--env`, after expansion, as if written in their place); one provider key defined twice."""
from __future__ import annotations

import pytest
from support import NOTIFY_STEP, REFERENCED
from support import config_file as _file

from ses_lint.source import references

from .helpers import lint, positions

HEAD = 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n'


# ------------------------------------------------------------------------------------------ templates
TEMPLATED = HEAD + """\
    enabled: {enabled}
    config:
      from: {sender}
      region: {region}
      endpoint: {endpoint}
      imds_disable: {imds}
      access_key_id: {key}
      secret_access_key: {secret}
"""


@pytest.mark.parametrize("quote", ['"{}"', "'{}'", "{}"], ids=["double-quoted", "single-quoted", "unquoted"])
def test_template_values_are_not_judged_in_any_field(tmp_path, quote):
    values = {
        "enabled": "{{ .Values.ses.enabled }}",
        "sender": "{{ .Values.ses.from }}",
        "region": "{{ .Values.ses.region }}",
        "endpoint": "{{ .Values.ses.endpoint }}",
        "imds": "{{ .Values.ses.imds }}",
        "key": "{{ .Values.ses.key }}",
        "secret": "{{ vault.secret }}" if quote == "{}" else "{% if prod %}{{ vault.secret }}{% endif %}",
        "to": "{{ user.email }}",
        "cc": "{{ .Values.cc }}",
    }
    written = {name: quote.format(value) for name, value in values.items()}
    step = NOTIFY_STEP.format(to=written["to"], body="done").replace("          body:", f"          cc: {written['cc']}\n          body:")
    found = lint([_file(tmp_path, TEMPLATED.format(**written) + step)])
    # Static keys are configured (as templates): that much is known; nothing else is judged.
    assert positions(found) == [("SES309", 11, 7)], [(f.code, f.line, f.message) for f in found]


def test_a_partial_template_is_not_judged_either(tmp_path):
    text = HEAD + '    config:\n      from: "noreply@{{ .Values.domain }}"\n      region: "eu-{{ .Values.zone }}-1"\n'
    assert lint([_file(tmp_path, text)]) == []


def test_a_template_is_not_a_placeholder_but_a_placeholder_still_is(tmp_path):
    text = HEAD + '    config:\n      from: a@mycompany.com\n      region: eu-west-1\n      profile: "{{ .Values.profile }}"\n      endpoint: CHANGEME\n'
    found = lint([_file(tmp_path, text)], select=["SES303"])
    assert positions(found) == [("SES303", 9, 17)]


def test_is_template():
    assert references.is_template("{{ .Values.ses.from }}")
    assert references.is_template("{%- if x %}a{% endif %}")
    assert references.is_template("a{{x}}b")
    assert not references.is_template("{ not: a template }")
    assert not references.is_template("${NAME}")
    assert not references.is_template("{{ never closed")


def test_a_broken_helm_template_is_ses012_once_not_ses001(tmp_path):
    text = HEAD + "    config:\n{{- include \"ses.config\" . | nindent 6 }}\n      region: {{ .Values.region }}\n"
    path = _file(tmp_path, text, "chart/templates/providers.yaml")
    found = lint([path])
    assert positions(found) == [("SES012", 6, 1)]
    assert "helm template" in found[0].message and "--show-only templates/providers.yaml | ses-lint check -" in found[0].message
    assert found[0].severity.value == "info"


def test_the_same_broken_file_outside_templates_is_ses001(tmp_path):
    text = HEAD + "    config:\n{{- include \"ses.config\" . | nindent 6 }}\n"
    found = lint([_file(tmp_path, text, "deploy/providers.yaml")])
    assert [f.code for f in found] == ["SES001"]


def test_broken_yaml_under_templates_without_template_syntax_is_ses001(tmp_path):
    text = HEAD + "    config: [from: a@mycompany.com\n"
    found = lint([_file(tmp_path, text, "chart/templates/providers.yaml")])
    assert [f.code for f in found] == ["SES001"]


def test_a_template_file_that_is_valid_yaml_is_checked(tmp_path):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    text = HEAD + f'    config:\n      from: "{{{{ .Values.from }}}}"\n      region: eu-west-1\n      access_key_id: AKIAIOSFODNN7EXAMPLE\n      secret_access_key: {secret}\n'
    found = lint([_file(tmp_path, text, "chart/templates/providers.yaml")])
    assert {"SES301", "SES302"} <= {f.code for f in found}
    assert "SES012" not in {f.code for f in found}


# ------------------------------------------------------------------------------ ${NAME} in every field

GOOD_ENV = {
    "SES_ENABLED": "true", "SES_FROM": "Alerts <alerts@mycompany.com>", "SES_REGION": "eu-west-1",
    "SES_ENDPOINT": "https://email.eu-west-1.amazonaws.com", "SES_IMDS": "false", "SES_PROFILE": "production",
    "ONCALL": "oncall@mycompany.com",
}


def test_references_in_non_string_fields_are_not_wrong_types(tmp_path):
    assert lint([_file(tmp_path, REFERENCED)]) == []


def test_with_env_and_good_values_nothing_is_reported(tmp_path):
    found = lint([_file(tmp_path, REFERENCED)], env=True, environ=GOOD_ENV)
    assert found == [], [(f.code, f.line, f.message) for f in found]


@pytest.mark.parametrize("variable, value, code, line, column, words", [
    ("SES_ENABLED", "maybe", "SES102", 5, 14, ["`enabled` must be a boolean", "not string `maybe` (from ${SES_ENABLED})"]),
    ("SES_ENABLED", "", "SES101", 5, 5, ["`enabled` is empty (from ${SES_ENABLED})"]),
    ("SES_ENABLED", "false", "SES205", 5, 14, ["provider `email-ses` is disabled"]),
    ("SES_ENABLED", "false", "SES505", 17, 21, ["provider `email-ses` is disabled"]),
    ("SES_FROM", "notanaddress", "SES501", 7, 13, ["`notanaddress` (from ${SES_FROM}) is not a valid address"]),
    ("SES_FROM", "noreply@example.com", "SES502", 7, 13, ["`example.com` (from ${SES_FROM}) is a reserved domain"]),
    ("SES_REGION", "us-east1", "SES401", 8, 15, ["`us-east1` (from ${SES_REGION}) is not an AWS region", "did you mean `us-east-1`?"]),
    ("SES_REGION", "ap-east-1", "SES402", 8, 15, ["SES is not offered in `ap-east-1` (from ${SES_REGION})"]),
    ("SES_REGION", "12", "SES102", 8, 15, ["`region` must be a string, not number `12` (from ${SES_REGION})"]),
    ("SES_ENDPOINT", "localhost:4566", "SES404", 9, 17, ["`localhost:4566` (from ${SES_ENDPOINT}) is not an absolute http(s) URL"]),
    ("SES_ENDPOINT", "http://ses-proxy.mycompany.com", "SES405", 9, 17, ["plain http to `ses-proxy.mycompany.com`"]),
    ("SES_ENDPOINT", "https://email.us-east-1.amazonaws.com", "SES406", 9, 17, ["endpoint is in `us-east-1` but region is `eu-west-1`"]),
    ("SES_IMDS", "1", "SES102", 10, 21, ["`imds_disable` must be a boolean", "not number `1` (from ${SES_IMDS})"]),
    ("SES_PROFILE", "CHANGEME", "SES303", 11, 16, ["`CHANGEME` (from ${SES_PROFILE}) is a placeholder"]),
    ("ONCALL", "notanaddress", "SES503", 19, 16, ["`notanaddress` (from ${ONCALL}) is not a valid address"]),
    ("ONCALL", "oncall@example.org", "SES502", 19, 16, ["`example.org` (from ${ONCALL}) is a reserved domain: the recipient"]),
])
def test_with_env_every_expanded_value_is_judged_as_if_written(tmp_path, variable, value, code, line, column, words):
    environ = {**GOOD_ENV, variable: value}
    found = [f for f in lint([_file(tmp_path, REFERENCED)], env=True, environ=environ) if f.code == code]
    assert positions(found) == [(code, line, column)], [(f.code, f.line, f.column, f.message) for f in found]
    for word in words:
        assert word in found[0].message, (word, found[0].message)


def test_a_reference_stands_for_one_scalar_not_a_list(tmp_path):
    text = REFERENCED.replace("          body:", "          cc: ${CC}\n          body:")
    assert lint([_file(tmp_path, text)]) == []
    found = lint([_file(tmp_path, text)], env=True, environ={**GOOD_ENV, "CC": "[oncall@mycompany.com]"})
    assert positions(found) == [("SES102", 20, 15)]
    assert "`cc` must be a list, not string `[oncall@mycompany.com]` (from ${CC})" in found[0].message


def test_with_env_an_unset_recipient_variable_is_ses312(tmp_path):
    environ = {key: value for key, value in GOOD_ENV.items() if key != "ONCALL"}
    found = lint([_file(tmp_path, REFERENCED)], env=True, environ=environ)
    assert positions(found) == [("SES312", 19, 16)]
    assert "`ONCALL` is not set" in found[0].message


def test_without_env_a_set_variable_is_not_read(tmp_path):
    assert lint([_file(tmp_path, REFERENCED)], environ={**GOOD_ENV, "SES_REGION": "us-east1", "ONCALL": "x"}) == []


def test_a_quoted_reference_stays_a_string_after_expansion(tmp_path):
    text = HEAD + '    enabled: "${SES_ENABLED}"\n    config: {from: a@mycompany.com, region: eu-west-1}\n'
    found = lint([_file(tmp_path, text)], env=True, environ={"SES_ENABLED": "true"})
    assert positions(found) == [("SES102", 5, 14)]
    assert found[0].message.endswith("not string `true` (from ${SES_ENABLED}); in quotes, the expansion is a string: remove the quotes")


def test_an_expanded_boolean_turns_a_rule_on(tmp_path):
    text = HEAD + "    config:\n      from: a@mycompany.com\n      region: eu-west-1\n      imds_disable: ${SES_IMDS}\n"
    assert lint([_file(tmp_path, text)], select=["SES310"]) == []
    found = lint([_file(tmp_path, text)], select=["SES310"], env=True, environ={"SES_IMDS": "true"})
    assert positions(found) == [("SES310", 8, 21)]


def test_an_expanded_access_key_is_judged_but_never_called_committed(tmp_path):
    text = HEAD + "    config:\n      from: a@mycompany.com\n      region: eu-west-1\n      access_key_id: ${KEY}\n      secret_access_key: ${SECRET}\n"
    environ = {"KEY": "AKIAIOSFODNN7EXAMPL", "SECRET": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    found = lint([_file(tmp_path, text)], select=["SES30"], env=True, environ=environ)
    assert positions(found) == [("SES309", 8, 7), ("SES307", 8, 22)]
    assert "not an AWS access key id (from ${KEY}) (19 characters" in found[1].message


def test_a_broken_reference_is_not_judged_as_a_value(tmp_path):
    text = HEAD + "    config:\n      from: a@mycompany.com\n      region: ${SES_REGION\n"
    found = lint([_file(tmp_path, text)], env=True, environ={"SES_REGION": "eu-west-1"})
    assert [f.code for f in found] == ["SES311"]


# ---------------------------------------------------------------------------- one provider, two files
PROVIDER = HEAD + "    enabled: {enabled}\n    config: {{from: a@mycompany.com, region: eu-west-1}}\n"
STEP = "workflows:\n  - name: w\n    steps:\n      - task: notify\n        config: {provider: email-ses, subject: Hi, to: [ops@mycompany.com], body: {text: hi}}\n"


def test_a_provider_defined_twice_names_both_places_and_which_one_steps_use(tmp_path):
    first = _file(tmp_path, PROVIDER.format(enabled="false"), "a/providers.yaml")
    second = _file(tmp_path, PROVIDER.format(enabled="true") + STEP, "b/providers.yaml")
    elsewhere = _file(tmp_path, STEP, "c/workflow.yaml")
    found = lint([first, second, elsewhere])
    twice = [f for f in found if f.code == "SES105"]
    assert [(f.file, f.line, f.column) for f in twice] == [(second, 3, 3)]
    assert f"provider `email-ses` is also defined at {first}:3:3" in twice[0].message
    assert f"else the first one, in {first}" in twice[0].message
    # The step beside the second definition uses it (enabled); the step in a third file uses the first (disabled).
    assert [(f.file, f.line) for f in found if f.code == "SES505"] == [(elsewhere, 5)]


def test_each_later_definition_is_reported_against_the_first(tmp_path):
    paths = [_file(tmp_path, PROVIDER.format(enabled="true"), f"{name}.yaml") for name in ("a", "b", "c")]
    found = lint(paths, select=["SES105"])
    assert [(f.file, f.line) for f in found] == [(paths[1], 3), (paths[2], 3)]
    assert all(f"defined at {paths[0]}:3:3" in f.message for f in found)


def test_the_run_order_decides_which_is_first(tmp_path):
    a = _file(tmp_path, PROVIDER.format(enabled="true"), "a.yaml")
    b = _file(tmp_path, PROVIDER.format(enabled="true"), "b.yaml")
    assert [f.file for f in lint([b, a], select=["SES105"])] == [a]
    assert [f.file for f in lint([str(tmp_path)], select=["SES105"])] == [b]


def test_a_key_defined_twice_in_one_file_is_ses002_not_ses105(tmp_path):
    text = HEAD + "    config: {from: a@mycompany.com, region: eu-west-1}\n  email-ses:\n    provider: email.ses\n    config: {from: a@mycompany.com, region: eu-west-1}\n"
    assert [f.code for f in lint([_file(tmp_path, text)], select=["SES002", "SES105"])] == ["SES002"]


def test_a_step_naming_its_provider_by_template_or_reference_is_not_judged(tmp_path):
    for name in ('"{{ .Values.provider }}"', "${SES_PROVIDER}"):
        text = STEP.replace("provider: email-ses", f"provider: {name}")
        assert lint([_file(tmp_path, text)], select=["SES504"]) == []
    assert [f.code for f in lint([_file(tmp_path, STEP.replace("email-ses", "email-sse"))], select=["SES504"])] == ["SES504"]
