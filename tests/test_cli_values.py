"""Through the installed CLI: Helm templates, `--env` expansion of every field type, one provider
defined in two files."""
from __future__ import annotations

import json

from support import NOTIFY_STEP, REFERENCED, parse_text, ran, run_cli

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            {{- range $name, $value := .Values.env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
"""

PROVIDERS_TEMPLATE = """\
version: "1.0"
providers:
  email-ses:
    provider: email.ses
    config:
      from: {{ .Values.ses.from | quote }}
{{- with .Values.ses.region }}
      region: {{ . }}
{{- end }}
"""

VALUES = """\
version: "1.0"
providers:
  email-ses:
    provider: email.ses
    config:
      from: "{{ .Values.ses.from }}"
      region: "{{ .Values.ses.region }}"
      access_key_id: "{{ .Values.ses.accessKeyId }}"
      secret_access_key: "{{ .Values.ses.secretAccessKey }}"
""" + NOTIFY_STEP.format(to='"{{ user.email }}"', body='"{% if ok %}done{% endif %}"')


def test_a_helm_deployment_template_named_on_the_command_line_is_one_info(write, workdir):
    write("chart/templates/deployment.yaml", DEPLOYMENT)
    code, out, err = run_cli("chart/templates/deployment.yaml", cwd=workdir)
    assert code == 0, err
    assert [row[:4] for row in parse_text(out)] == [("chart/templates/deployment.yaml", 4, 9, "SES012")]
    assert "render it and check the output (`helm template chart --show-only templates/deployment.yaml | ses-lint check -`)" in out
    assert "SES001" not in out


def test_a_chart_folder_reports_its_provider_template_once_and_skips_other_templates(write, workdir):
    write("chart/Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    write("chart/values.yaml", "ses:\n  from: noreply@mycompany.com\n")
    write("chart/templates/deployment.yaml", DEPLOYMENT)
    write("chart/templates/providers.yaml", PROVIDERS_TEMPLATE)
    code, out, err = run_cli("chart", cwd=workdir)
    assert code == 0, err
    assert [row[:4] for row in parse_text(out)] == [("chart/templates/providers.yaml", 6, 13, "SES012")]
    assert out.strip().endswith(f"Found 1 info (1 file checked, 3 skipped (not provider configs); {ran()}).")


def test_the_template_check_works_from_inside_the_templates_folder(write, workdir):
    write("chart/templates/providers.yaml", PROVIDERS_TEMPLATE)
    code, out, _ = run_cli("--format", "json", "providers.yaml", cwd=workdir / "chart" / "templates")
    findings = json.loads(out)["findings"]
    assert [(f["code"], f["severity"], f["line"]) for f in findings] == [("SES012", "info", 6)]
    assert "helm template .. --show-only templates/providers.yaml" in findings[0]["message"]


def test_the_rendered_output_on_standard_input_is_checked(workdir):
    rendered = PROVIDERS_TEMPLATE.replace('{{ .Values.ses.from | quote }}', '"noreply@mycompany"').replace("{{- with .Values.ses.region }}\n", "").replace("{{ . }}\n{{- end }}\n", "us-east1\n")
    code, out, _ = run_cli("check", "-", input=rendered, cwd=workdir)
    assert code == 1
    assert [row[3] for row in parse_text(out)] == ["SES501", "SES401"]


def test_template_values_in_a_values_file_are_not_judged(write, workdir):
    write("deploy/ses.yaml", VALUES)
    code, out, err = run_cli("deploy", cwd=workdir)
    assert code == 0, err
    assert [row[:4] for row in parse_text(out)] == [("deploy/ses.yaml", 8, 7, "SES309")]  # keys are configured; their values are not known


ENV_CONFIG = REFERENCED
ENV_VARIABLES = ("SES_ENABLED", "SES_FROM", "SES_REGION", "SES_ENDPOINT", "SES_IMDS", "SES_PROFILE", "ONCALL")


def test_env_expansion_of_every_field_type_through_the_cli(write, workdir):
    write("ses.yaml", ENV_CONFIG)
    unset = {name: None for name in ENV_VARIABLES}
    code, out, err = run_cli("ses.yaml", cwd=workdir, env=unset)
    assert (code, [row[:4] for row in parse_text(out)]) == (0, []), out + err  # references in any field, without --env: not judged

    code, out, _ = run_cli("--env", "ses.yaml", cwd=workdir, env=unset)
    assert code == 1
    assert [(row[1], row[3]) for row in parse_text(out)] == [(5, "SES312"), (7, "SES312"), (8, "SES312"), (9, "SES312"), (10, "SES312"), (11, "SES312"), (19, "SES312")]

    bad = {"SES_ENABLED": "maybe", "SES_FROM": "notanaddress", "SES_REGION": "us-east1", "SES_ENDPOINT": "localhost:4566",
           "SES_IMDS": "1", "SES_PROFILE": "CHANGEME", "ONCALL": "notanaddress"}
    code, out, _ = run_cli("--env", "--format", "json", "ses.yaml", cwd=workdir, env=bad)
    assert code == 1
    found = {(f["line"], f["code"]): f["message"] for f in json.loads(out)["findings"]}
    assert found == {
        (5, "SES102"): "`enabled` must be a boolean (`true` or `false`), not string `maybe` (from ${SES_ENABLED})",
        (7, "SES501"): "`notanaddress` (from ${SES_FROM}) is not a valid address: An email address must have an @-sign.",
        (8, "SES401"): "`us-east1` (from ${SES_REGION}) is not an AWS region; did you mean `us-east-1`?",
        (9, "SES404"): "`localhost:4566` (from ${SES_ENDPOINT}) is not an absolute http(s) URL",
        (10, "SES102"): "`imds_disable` must be a boolean (`true` or `false`), not number `1` (from ${SES_IMDS})",
        (11, "SES303"): "`CHANGEME` (from ${SES_PROFILE}) is a placeholder, not a value",
        (19, "SES503"): "`notanaddress` (from ${ONCALL}) is not a valid address: An email address must have an @-sign.",
    }

    good = {"SES_ENABLED": "false", "SES_FROM": "alerts@mycompany.com", "SES_REGION": "eu-west-1",
            "SES_ENDPOINT": "https://email.eu-west-1.amazonaws.com", "SES_IMDS": "true", "SES_PROFILE": "production",
            "ONCALL": "oncall@mycompany.com"}
    code, out, _ = run_cli("--env", "ses.yaml", cwd=workdir, env=good)
    assert code == 0
    assert [(row[1], row[3]) for row in parse_text(out)] == [(5, "SES205"), (17, "SES505")]  # `false` after expansion: disabled


def test_a_provider_defined_in_two_files_through_the_cli(write, workdir):
    provider = 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config: {from: a@mycompany.com, region: eu-west-1}\n'
    write("deploy/providers.yaml", provider)
    write("deploy/generated/providers.yaml", "# generated\n" + provider)
    code, out, _ = run_cli("--format", "json", "deploy", cwd=workdir)
    assert code == 0
    findings = json.loads(out)["findings"]
    assert [(f["file"], f["line"], f["column"], f["code"], f["severity"], f["provider"]) for f in findings] == [
        ("deploy/generated/providers.yaml", 4, 3, "SES105", "warning", "email-ses"),
    ]
    assert findings[0]["message"] == (
        "provider `email-ses` is also defined at deploy/providers.yaml:3:3; "
        "a workflow step uses the definition in its own file, else the first one, in deploy/providers.yaml"
    )


def test_the_aws_stage_does_not_guess_a_template_or_unset_region(write, workdir):
    """Nothing is asked of AWS for such a provider (it is 'not checked', SES740), so no network is used."""
    write("ses.yaml", 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: "{{ .Values.region }}"\n')
    write("env.yaml", 'version: "1.0"\nproviders:\n  email-env:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: ${SES_REGION}\n')
    isolated = {"SES_REGION": None, "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(workdir / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "none")}
    code, out, err = run_cli("--aws", "--timeout", "1", "--format", "json", ".", cwd=workdir, env=isolated)
    found = [(f["file"], f["line"], f["code"], f["message"]) for f in json.loads(out)["findings"]]
    assert found == [
        ("env.yaml", 7, "SES740", "nothing checked in AWS: `region` `${SES_REGION}` references an environment variable: known only with --env"),
        ("ses.yaml", 7, "SES740", "nothing checked in AWS: `region` `{{ .Values.region }}` is a template, not known until rendered"),
    ], err
