"""The static path stays light: a static run never imports boto3, botocore or dnspython."""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = re.compile(r"\|\s+(boto3|botocore|dns|moto|s3transfer)(\.|\s*$)", re.MULTILINE)


def test_static_run_imports_no_network_library():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ses_lint", "check", "--quiet", str(ROOT / "examples")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1, result.stderr[-2000:]  # the examples hold errors on purpose
    assert "import time:" in result.stderr
    heavy = sorted({match.group(1) for match in HEAVY.finditer(result.stderr)})
    assert heavy == [], f"the static path imported {heavy}"
    assert re.search(r"\|\s+yaml\s*$", result.stderr, re.MULTILINE), "importtime output not understood"


def test_every_rule_is_of_its_familys_stage():
    from ses_lint.rules import FAMILIES, load_rules

    rules = load_rules()
    assert {rule.module for rule in rules.values()} == set(FAMILIES)
    assert {code: rule.stage.value for code, rule in rules.items()} == {code: FAMILIES[rule.module] for code, rule in rules.items()}


def test_static_run_imports_neither_the_network_rules_nor_pydantic_core_for_valid_files():
    code = (
        "import json, sys; from ses_lint.cli import main; main(['check', '-q', sys.argv[1]]); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('ses_lint.facts.', 'ses_lint.collect.', 'ses_lint.rules.', 'pydantic')))))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "seed")], capture_output=True, text=True, timeout=60).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    network = ("ses_lint.facts.sender", "ses_lint.facts.aws", "ses_lint.facts.probe", "ses_lint.collect.dns", "ses_lint.collect.aws", "pydantic")
    assert not [name for name in loaded if name.startswith(network)], loaded
    rules = {name.rsplit(".", 1)[1] for name in loaded if name.startswith("ses_lint.rules.")}
    assert rules == {"ses0_document", "ses1_schema", "ses2_platform", "ses3_credentials", "ses4_region", "ses5_addresses", "ses5_workflows"}
