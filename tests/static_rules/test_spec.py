"""Every static rule against its fixtures, from the family modules' SPEC tables:
(code, [(line, column) of each finding in bad.yaml], [words of each message]); good.yaml is silent."""
from __future__ import annotations

import pytest

from . import (
    test_addresses,
    test_credentials,
    test_document,
    test_platform,
    test_region,
    test_schema,
    test_workflows,
)
from .helpers import assert_bad, assert_good, spec_params

FAMILIES = (test_document, test_schema, test_platform, test_credentials, test_region, test_addresses, test_workflows)
SPEC = [row for family in FAMILIES for row in family.SPEC]


@pytest.mark.parametrize("code, expected, words", spec_params(SPEC))
def test_bad_fixture_fires_exactly(code, expected, words):
    assert_bad(code, expected, words)


@pytest.mark.parametrize("code", [row[0] for row in SPEC])
def test_good_fixture_is_silent(code):
    assert_good(code)
