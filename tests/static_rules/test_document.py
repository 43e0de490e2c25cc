"""SES0xx, the file itself: each rule's bad fixture fires exactly here, its good fixture stays silent."""
from __future__ import annotations

from .helpers import fixture, lint, positions

# (code, [(line, column), ...], [words each finding's message holds])
SPEC = [
    ("SES001", [(4, 11)], [["invalid YAML", "did not find expected ',' or ']'"]]),
    ("SES002", [(8, 7)], [["duplicate key `region`", "first at line 7"]]),
    ("SES003", [(1, 10)], [["unsupported version `2.0`", "1.0"]]),
    ("SES004", [(1, 10)], [["`version: 1.0` is a number", 'version: "1.0"']]),
    ("SES005", [(2, 12)], [["!!python/object/apply:os.system", "not allowed"]]),
    ("SES006", [(5, 14), (9, 21)], [["`yes`", "write `true`"], ["`Off`", "write `false`"]]),
    ("SES007", [(8, 1)], [["more than one YAML document"]]),
    # Only codes whose rules ran are judged: with select=[SES008] the SES403 suppression is not.
    ("SES008", [(8, 7)], [["`SES999` is not a ses-lint rule code"]]),
    ("SES012", [(6, 13)], [["a template, not YAML until rendered", "--show-only templates/bad.yaml | ses-lint check -`"]]),
    ("SES014", [(5, 5)], [["baseline entry SES403", "providers.email-ses.config", "no longer occurs"]]),
]


def test_useless_suppression_of_a_rule_that_ran():
    found = [f for f in lint([fixture("SES008", "bad")]) if f.code == "SES008"]
    assert [(f.line, f.column) for f in found] == [(7, 26), (8, 7)]
    assert "`disable=SES403` suppresses nothing" in found[0].message
    assert "SES999" in found[1].message


def test_used_suppression_is_not_reported_and_hides_its_finding():
    found = lint([fixture("SES008", "good")])
    assert positions(found) == []


def test_version_as_a_float_is_ses004_not_ses003():
    found = lint([fixture("SES004", "bad")])
    assert positions(found) == [("SES004", 1, 10)]


def test_missing_version_in_a_provider_file_points_at_the_top(tmp_path):
    path = tmp_path / "providers.yaml"
    path.write_text("providers:\n  email-ses:\n    provider: email.ses\n    config: {from: a@mycompany.com, region: us-east-1}\n")
    found = lint([str(path)], select=["SES003"])
    assert positions(found) == [("SES003", 1, 1)]
    assert 'add `version: "1.0"`' in found[0].message


def test_a_workflow_only_file_may_leave_version_out(tmp_path):
    path = tmp_path / "workflows.yaml"
    path.write_text("workflows: []\n")
    assert lint([str(path)], select=["SES003"]) == []


def test_a_broken_file_reports_only_the_syntax_error():
    found = lint([fixture("SES001", "bad")])
    assert positions(found) == [("SES001", 4, 11)]


def test_unsafe_file_reports_only_ses005():
    found = lint([fixture("SES005", "bad")])
    assert positions(found) == [("SES005", 2, 12)]


def test_an_alias_inside_its_own_anchor_is_unsafe_not_a_crash(tmp_path):
    path = tmp_path / "recursive.yaml"
    path.write_text('version: "1.0"\nproviders: &loop\n  email-ses: *loop\n')
    found = lint([str(path)])
    assert positions(found) == [("SES005", 2, 1)]
    assert "the value of `providers`" in found[0].message
    assert "its own anchor" in found[0].message
