"""docs/rules.md is generated from the rules' docstrings, and must not go stale."""
from pathlib import Path

from ses_lint.docs import render

ROOT = Path(__file__).resolve().parent.parent


def test_rules_doc_is_current():
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == render(), "docs/rules.md is stale: run `python scripts/generate_docs.py`"


def test_every_catalogue_code_is_documented():
    catalogue = (ROOT.parent / "shared" / "spec" / "rules.md")
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    if catalogue.exists():
        import re

        codes = set(re.findall(r"^\| (SES\d{3}) \|", catalogue.read_text(), re.MULTILINE))
        static = {code for code in codes if code[3] in "012345"}
        missing = sorted(code for code in static if f"## {code} " not in written)
        assert not missing, f"static catalogue codes without docs: {missing}"
