"""SES2xx, provider type and platform consistency."""
from __future__ import annotations

import pytest

from .helpers import lint, positions

SPEC = [
    ("SES201", [(6, 17), (12, 17)], [
        ["`provider: email.ses` conflicts with `platform: smtp`"],
        ["`provider: email.smtp` conflicts with `platform: ses`"],
    ]),
    ("SES202", [(4, 15), (9, 15)], [
        ["defaults to `smtp`", "SES settings (region)", "add `platform: ses`"],
        ["defaults to `smtp`", "no SMTP `host`"],
    ]),
    ("SES203", [(6, 17)], [["`platform: ses` is implied by `provider: email.ses`"]]),
    ("SES204", [(4, 15), (7, 15), (10, 15), (14, 24)], [
        ["unknown provider `aws-ses`", "did you mean `email.ses`?"],
        ["unknown provider `SES`", "did you mean `email.ses`?"],
        ["unknown provider `email.aws`", "did you mean `email.ses`?"],
        ["unknown platform `amazon`", "did you mean `ses`?"],
    ]),
    ("SES205", [(5, 14)], [["provider `email-ses` is disabled"]]),
]


@pytest.mark.parametrize("written", ["aws-ses", "SES", "email.aws"])
def test_unknown_provider_types_suggest_email_ses(tmp_path, written):
    path = tmp_path / "p.yaml"
    path.write_text(f'version: "1.0"\nproviders:\n  email-ses:\n    provider: {written}\n    config: {{from: a@mycompany.com, region: us-east-1}}\n')
    found = lint([str(path)], select=["SES204"])
    assert positions(found) == [("SES204", 4, 15)]
    assert found[0].suggestion == "email.ses"


def test_email_with_region_and_no_platform_is_platform_missing(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email\n    config:\n      from: a@mycompany.com\n      region: us-east-1\n')
    found = lint([str(path)])
    assert ("SES202", 4, 15) in positions(found)
    assert [f for f in found if f.severity.value == "error"] == [f for f in found if f.code == "SES202"]
