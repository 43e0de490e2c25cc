"""SES4xx, region and endpoint."""
from __future__ import annotations

import pytest

from .helpers import lint, positions

SPEC = [
    ("SES401", [(7, 15)], [["`us-east1` is not an AWS region", "did you mean `us-east-1`?"]]),
    ("SES402", [(7, 15)], [["SES is not offered in `ap-east-1`", "botocore"]]),
    ("SES403", [(5, 5)], [["no `region`", "defaults to `us-east-1`"]]),
    ("SES404", [(8, 17)], [["`localhost:4566` is not an absolute http(s) URL"]]),
    ("SES405", [(8, 17)], [["plain http to `ses-proxy.mycompany.com`", "use https"]]),
    ("SES406", [(8, 17)], [["endpoint is in `us-east-1` but region is `eu-west-1`"]]),
    ("SES407", [(8, 17)], [["`localhost` is an emulator endpoint"]]),
]


@pytest.mark.parametrize("written, meant", [("us-east1", "us-east-1"), ("eu_west_1", "eu-west-1"), ("US-WEST-2", "us-west-2")])
def test_invalid_region_suggests_the_closest(tmp_path, written, meant):
    path = tmp_path / "p.yaml"
    path.write_text(f'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: {written}\n')
    found = lint([str(path)], select=["SES401"])
    assert positions(found) == [("SES401", 7, 15)]
    assert found[0].suggestion == meant
    assert f"did you mean `{meant}`?" in found[0].message


def test_a_region_reference_is_not_judged(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: ${AWS_REGION}\n')
    assert lint([str(path)], select=["SES4"]) == []


def test_a_region_of_aws_form_unknown_to_botocore_is_a_warning(tmp_path):
    from ses_lint.findings import Severity
    from ses_lint.regions import botocore_version

    path = tmp_path / "p.yaml"
    path.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: eu-future-9\n')
    found = lint([str(path)], select=["SES4"])
    assert positions(found) == [("SES401", 7, 15)]
    assert found[0].severity == Severity.WARNING
    assert f"botocore {botocore_version()}" in found[0].message and "newer than this botocore" in found[0].message
