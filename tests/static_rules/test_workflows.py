"""SES504–SES507, workflow notify steps and the providers they name, across the files of one run."""
from __future__ import annotations

from pathlib import Path

from .helpers import fixture, lint, positions

SPEC = [
    ("SES504", [(17, 21)], [["no provider `email-sse` is defined", "did you mean `email-ses`?"]]),
    ("SES505", [(17, 21)], [["provider `email-ses` is disabled", "enabled: false"]]),
    ("SES506", [(20, 21)], [["`type: email` step names `slack-alerts`", "`slack` provider"]]),
    ("SES507", [(16, 9), (18, 11), (19, 11)], [
        ["no `subject`"],
        ["no recipients"],
        ["neither `text` nor `html`"],
    ]),
]

WORKFLOW = """\
workflows:
  - name: notify-ops
    steps:
      - task: notify
        type: email
        config:
          provider: {provider}
          subject: Deployed
          to: [ops@mycompany.com]
          body: {{text: Deployed.}}
"""


def test_misspelt_reference_suggests_the_defined_provider():
    found = lint([fixture("SES504", "bad")], select=["SES504"])
    assert found[0].suggestion == "email-ses"


def test_reference_to_a_provider_in_another_file_of_the_run(tmp_path):
    workflow = tmp_path / "workflow.yaml"
    workflow.write_text(WORKFLOW.format(provider="email-ses"))
    provider = fixture("SES203", "good")  # defines email-ses
    assert positions(lint([str(workflow), provider]), "SES504") == []
    assert positions(lint([str(workflow)]), "SES504") == [("SES504", 7, 21)]


def test_a_misspelt_cross_file_reference_suggests_the_other_files_provider(tmp_path):
    workflow = tmp_path / "workflow.yaml"
    workflow.write_text(WORKFLOW.format(provider="email-sess"))
    found = lint([str(workflow), fixture("SES203", "good")], select=["SES504"])
    assert positions(found) == [("SES504", 7, 21)]
    assert found[0].file == str(workflow)
    assert "did you mean `email-ses`?" in found[0].message


def test_cross_file_reference_in_a_folder(tmp_path):
    (tmp_path / "workflow.yaml").write_text(WORKFLOW.format(provider="email-ses"))
    (tmp_path / "providers.yaml").write_text(Path(fixture("SES203", "good")).read_text())
    found = lint([str(tmp_path)])
    assert positions(found, "SES504") == [] and positions(found, "SES104") == []


def test_disabled_provider_in_another_file(tmp_path):
    workflow = tmp_path / "workflow.yaml"
    workflow.write_text(WORKFLOW.format(provider="email-ses"))
    providers = tmp_path / "providers.yaml"
    providers.write_text(Path(fixture("SES205", "bad")).read_text())
    found = lint([str(workflow), str(providers)], select=["SES505"])
    assert positions(found) == [("SES505", 7, 21)]
    assert str(providers) in found[0].message
