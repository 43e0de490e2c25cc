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
    ("SES408", [(8, 17), (14, 17)], [
        ["`email-smtp.eu-west-1.amazonaws.com` is SES's SMTP interface, not its API", "`https://email.eu-west-1.amazonaws.com`"],
        ["port 587 on `email.eu-west-1.amazonaws.com`", "port 443 only"],
    ]),
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
    from ses_lint.core.findings import Severity
    from ses_lint.source.regions import botocore_version

    path = tmp_path / "p.yaml"
    path.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: eu-future-9\n')
    found = lint([str(path)], select=["SES4"])
    assert positions(found) == [("SES401", 7, 15)]
    assert found[0].severity == Severity.WARNING
    assert f"botocore {botocore_version()}" in found[0].message and "newer than this botocore" in found[0].message


@pytest.mark.parametrize("written, meant", [('"us-east-1 "', "us-east-1"), ('" eu-west-1"', "eu-west-1"), ('"us-east-1\\t"', "us-east-1")])
def test_a_region_with_spaces_around_it_is_not_a_region(tmp_path, written, meant):
    """botocore's validate_region_name accepts a host label only: `"us-east-1 "` raises InvalidRegionError."""
    path = tmp_path / "p.yaml"
    path.write_text(f'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: {written}\n')
    found = lint([str(path)], select=["SES4"])
    assert positions(found) == [("SES401", 7, 15)]
    assert "has spaces around the region name" in found[0].message and found[0].suggestion == meant


@pytest.mark.parametrize("written", ["", '""', "~", "null", '"  "'])
def test_an_empty_region_says_the_default_applies(tmp_path, written):
    path = tmp_path / "p.yaml"
    path.write_text(f'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: {written}\n      endpoint: https://email.eu-west-1.amazonaws.com\n')
    found = lint([str(path)], select=["SES4"])
    assert [(f.code, f.line, f.column, f.severity.value) for f in found] == [("SES403", 7, 7, "warning"), ("SES406", 8, 17, "error")]
    assert found[0].message.startswith("`region` is empty: the default `us-east-1` applies")


def test_an_endpoint_with_spaces_around_it_is_invalid(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n      from: a@mycompany.com\n      region: us-east-1\n      endpoint: "https://email.us-east-1.amazonaws.com "\n')
    found = lint([str(path)], select=["SES4"])
    assert positions(found) == [("SES404", 8, 17)]
    assert "has spaces around the URL" in found[0].message and found[0].suggestion == "https://email.us-east-1.amazonaws.com"
