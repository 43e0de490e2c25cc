"""The static path stays light: a static run never imports boto3, botocore or dnspython."""
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
