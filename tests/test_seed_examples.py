"""The seed documentation's six examples lint as the catalogue says: checked together (one run, so the
workflow's reference to `email-ses` resolves), only static-credentials.yaml has errors: SES303 on both
placeholder keys. The examples are alternatives with one key, `email-ses`, so each definition after
direct-provider.yaml's (the first, the one the workflow's step uses) is SES105."""
from __future__ import annotations

from pathlib import Path

import ses_lint

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed"
NAMES = ["direct-provider.yaml", "iam-role.yaml", "localstack.yaml", "profile.yaml", "static-credentials.yaml", "workflow.yaml"]

EXPECTED = [
    ("direct-provider.yaml", 9, "SES502"),   # from: noreply@example.com
    ("iam-role.yaml", 3, "SES105"),          # email-ses, the alternatives' common key, defined again
    ("iam-role.yaml", 10, "SES502"),
    ("localstack.yaml", 3, "SES104"),        # email-ses-local: no workflow step uses it
    ("localstack.yaml", 10, "SES502"),
    ("localstack.yaml", 12, "SES407"),       # endpoint: http://localhost:4566
    ("profile.yaml", 3, "SES105"),
    ("profile.yaml", 10, "SES502"),
    ("static-credentials.yaml", 3, "SES105"),
    ("static-credentials.yaml", 10, "SES502"),
    ("static-credentials.yaml", 12, "SES303"),  # access_key_id: <your-access-key-id>
    ("static-credentials.yaml", 12, "SES309"),
    ("static-credentials.yaml", 13, "SES303"),  # secret_access_key: <your-secret-access-key>
    ("workflow.yaml", 10, "SES502"),         # to: user@example.com
]


def _run():
    return ses_lint.lint([str(SEED / name) for name in NAMES])


def test_the_seed_has_six_examples():
    assert sorted(path.name for path in SEED.glob("*.yaml")) == sorted(NAMES)


def test_seed_examples_lint_exactly_as_catalogued():
    report = _run()
    assert report.files == 6 and report.skipped == []
    found = sorted((Path(f.file).name, f.line, f.code) for f in report.findings)
    assert found == sorted(EXPECTED)


def test_only_static_credentials_has_errors():
    report = _run()
    errors = [(Path(f.file).name, f.line, f.column, f.code) for f in report.findings if f.severity.value == "error"]
    assert errors == [("static-credentials.yaml", 12, 22, "SES303"), ("static-credentials.yaml", 13, 26, "SES303")]
    assert report.exit_code(ses_lint.Severity.ERROR) == 1


def test_the_folder_lints_like_the_six_files():
    report = ses_lint.lint([str(SEED)])
    assert sorted((Path(f.file).name, f.line, f.code) for f in report.findings) == sorted(EXPECTED)


def test_the_placeholder_secret_is_never_printed():
    for finding in _run().findings:
        assert "your-secret-access-key" not in finding.message


def test_the_workflow_alone_names_an_undefined_provider():
    report = ses_lint.lint([str(SEED / "workflow.yaml")])
    assert [(f.line, f.code) for f in report.findings if f.severity.value == "error"] == [(7, "SES504")]
