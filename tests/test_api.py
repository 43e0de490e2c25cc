"""The Python API: `ses_lint.lint(paths, **options) -> Report`."""
import pytest
from support import positions

import ses_lint
from ses_lint.core.engine import UsageError
from ses_lint.core.selection import SelectionError

CONFIG = b"""version: "1.0"
providers:
  email-ses:
    provider: email.ses
    config:
      from: noreply@mycompany.io
      region: us-east1
"""


def test_stdin_is_shown_as_dash():
    report = ses_lint.lint(["-"], stdin=CONFIG)
    assert positions(report) == [("SES401", 7, 15)]
    assert report.findings[0].file == "-"
    assert report.findings[0].key == "providers.email-ses.config.region"
    assert report.findings[0].provider == "email-ses"
    assert report.files == 1


def test_select_by_name_and_prefix_and_ignore():
    assert positions(ses_lint.lint(["-"], stdin=CONFIG, select=["invalid-region"])) == [("SES401", 7, 15)]
    assert positions(ses_lint.lint(["-"], stdin=CONFIG, select=["SES5"])) == []
    assert positions(ses_lint.lint(["-"], stdin=CONFIG, ignore=["SES40"])) == []


def test_severity_override_and_exit_code():
    report = ses_lint.lint(["-"], stdin=CONFIG, severity={"SES401": "info"})
    assert [finding.severity for finding in report.findings] == [ses_lint.Severity.INFO]
    assert report.exit_code(ses_lint.Severity.ERROR) == 0
    assert report.exit_code(ses_lint.Severity.INFO) == 1


def test_per_file_ignores(tmp_path):
    (tmp_path / "dev.yaml").write_bytes(CONFIG)
    (tmp_path / "prod.yaml").write_bytes(CONFIG)
    # The two files define the same provider (SES105, not under test here).
    report = ses_lint.lint([str(tmp_path)], per_file_ignores={"dev*.yaml": ["SES401"]}, ignore=["SES105"])
    assert [(finding.code, finding.file.rsplit("/", 1)[-1]) for finding in report.findings] == [("SES401", "prod.yaml")]


def test_unknown_selector_and_missing_path_are_errors(tmp_path):
    with pytest.raises(SelectionError):
        ses_lint.lint(["-"], stdin=CONFIG, select=["SES999"])
    with pytest.raises(UsageError):
        ses_lint.lint([str(tmp_path / "nope.yaml")])


def test_non_config_yaml_in_a_folder_is_skipped(tmp_path):
    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    (tmp_path / "template.yaml").write_text("Resources:\n  Bucket: !Ref Name\n")
    (tmp_path / "ses.yaml").write_bytes(CONFIG)
    report = ses_lint.lint([str(tmp_path)])
    assert report.files == 1
    assert sorted(path.rsplit("/", 1)[-1] for path in report.skipped) == ["template.yaml", "values.yaml"]
    assert positions(report) == [("SES401", 7, 15)]


def test_env_expands_references_before_checking_addresses():
    config = CONFIG.replace(b"noreply@mycompany.io", b"${SENDER}").replace(b"us-east1", b"us-east-1")
    assert positions(ses_lint.lint(["-"], stdin=config)) == []
    report = ses_lint.lint(["-"], stdin=config, env=True, environ={"SENDER": "broken@"})
    assert [finding.code for finding in report.findings] == ["SES501"]
    report = ses_lint.lint(["-"], stdin=config, env=True, environ={})
    assert [finding.code for finding in report.findings] == ["SES312"]
    assert "SENDER" in report.findings[0].message


def test_a_directive_inside_a_block_scalar_is_text_not_a_suppression():
    config = CONFIG + b"""workflows:
  - steps:
      - task: notify
        config:
          provider: email-ses
          subject: s
          to: [ops@mycompany.io]
          body:
            text: |
              # ses-lint: disable=SES999
              # ses-lint: disable=SES401
"""
    assert positions(ses_lint.lint(["-"], stdin=config)) == [("SES401", 7, 15)]


def test_references_are_judged_in_every_provider_not_only_ses():
    config = b"""version: "1.0"
providers:
  email-smtp:
    provider: email.smtp
    config:
      host: smtp.mycompany.io
      from: noreply@mycompany.io
      password: ${SMTP_PASSWORD
      username: ${SMTP_USER}
"""
    assert positions(ses_lint.lint(["-"], stdin=config, select=["SES311"])) == [("SES311", 8, 17)]
    report = ses_lint.lint(["-"], stdin=config, select=["SES312"], env=True, environ={})
    assert positions(report) == [("SES312", 9, 17)]
    assert "SMTP_USER" in report.findings[0].message
    assert positions(ses_lint.lint(["-"], stdin=config, select=["SES312"], env=True, environ={"SMTP_USER": "mailer"})) == []
