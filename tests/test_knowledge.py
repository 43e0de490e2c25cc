"""ses_lint.knowledge: each fact once, and the region tables generated from botocore at build time.

The region tests never require equality with the botocore pip installs today: AWS adds regions (and
botocore releases) all the time, and a new region must not turn CI red. They check that every region
the tables hold is what the installed botocore says of it, and that the file is the generator's output.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ses_lint.knowledge import aws, dns, names
from ses_lint.knowledge.aws_regions import BOTOCORE, PARTITIONS
from ses_lint.source import regions

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate_regions.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_regions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_region_tables_are_the_generators_output():
    """Not edited by hand: rendering the tables again gives the file byte for byte."""
    generator = _generator()
    tables = {name: {"pattern": pattern, "regions": list(every), "ses": list(ses)} for name, (pattern, every, ses) in PARTITIONS.items()}
    assert generator.render(tables, BOTOCORE) == (ROOT / "ses_lint" / "knowledge" / "aws_regions.py").read_text(encoding="utf-8")


def test_every_region_in_the_tables_is_what_the_installed_botocore_says_of_it():
    """A subset check: botocore may know regions the tables do not (a newer release), never the reverse,
    and SES is offered in a region of the tables exactly when botocore's endpoint data says so."""
    generator = _generator()
    derived = generator.derive(generator.data_dir())
    for partition, (pattern, every, ses) in PARTITIONS.items():
        assert partition in derived
        assert set(every) <= set(derived[partition]["regions"]), partition
        assert {name for name in every if name in derived[partition]["ses"]} == set(ses), partition
        assert set(ses) <= set(every)
        import re

        assert all(re.match(pattern, name) for name in every), partition  # the form SES401 warns about


def test_the_tables_hold_what_the_region_rules_need():
    assert BOTOCORE and regions.botocore_version() == BOTOCORE
    assert {"us-east-1", "eu-west-1", "ap-east-1", "cn-north-1", "us-gov-west-1"} <= regions.all_regions()
    assert "us-east-1" in regions.ses_regions() and "ap-east-1" not in regions.ses_regions()  # SES402's fixture
    assert not [name for name in regions.all_regions() if name.endswith("-global")]
    assert not [name for name in regions.ses_regions() if name.startswith("fips-")]  # endpoint names, not regions
    assert regions.aws_form("eu-future-9") and not regions.aws_form("us-east1")


def test_every_regional_dkim_zone_is_an_ses_region():
    assert aws.REGIONAL_DKIM_ZONES <= regions.ses_regions()
    assert aws.DEFAULT_REGION in regions.ses_regions()
    assert aws.dkim_zone(None) == "dkim.amazonses.com" and aws.dkim_zone("EU-SOUTH-1") == "dkim.eu-south-1.amazonses.com"
    assert aws.feedback_host(None) == "feedback-smtp.us-east-1.amazonses.com"


def test_a_static_run_reads_no_botocore_data_and_writes_nothing(tmp_path):
    """Before the tables were generated, SES401/402 parsed botocore's 1 MB endpoints.json and wrote a
    cache under the user's home from inside the rule's subject."""
    config = tmp_path / "ses.yaml"
    config.write_text('version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n'
                      '      from: a@mycompany.com\n      region: us-east1\n', encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "import json, sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append((str(args[0]), str(args[1]))) if event == 'open' else None)\n"
        "from ses_lint.cli import main\n"
        "try:\n    main(['check', '-q', '--select', 'SES4', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(opened))\n"
    )
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", code, str(config)], capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert "SES401" in result.stdout and "did you mean `us-east-1`?" in result.stdout, result.stderr[-2000:]
    opened = json.loads(result.stdout.strip().splitlines()[-1])
    assert [path for path, _ in opened if "botocore" in path] == []
    assert [(path, mode) for path, mode in opened if any(flag in mode for flag in "wax+")] == []
    assert list(home.iterdir()) == []


@pytest.mark.parametrize("algorithm, bits, short", [
    ("rsa", 512, True), ("rsa", 1023, True), ("rsa", 1024, False), ("rsa", 2048, False),
    ("rsa", None, False),  # size unreadable: the record's errors say so, not the size rule
    ("ed25519", 256, False),  # RFC 8463: no RSA minimum
])
def test_the_dkim_key_size_threshold(algorithm, bits, short):
    assert dns.MIN_RSA_BITS == 1024 and dns.GOOD_RSA_BITS == 2048
    assert dns.key_too_short(algorithm, bits) is short


@pytest.mark.parametrize("code, status, kind", [
    ("InvalidClientTokenId", None, "auth"), ("ExpiredToken", 400, "auth"),
    ("AccessDenied", 403, "denied"), ("", 403, "denied"), ("403", None, "denied"),
    ("Throttling", 400, "throttled"), ("SlowDown", None, "throttled"), ("", 429, "throttled"),
    ("NoSuchEntity", 404, "notfound"), ("", 404, "notfound"),
    ("MessageRejected", 400, "error"),
])
def test_aws_error_classes(code, status, kind):
    assert aws.error_kind(code, status) == kind


def test_names():
    assert names.normalize(" Mail.Example.COM. ") == "mail.example.com"
    assert names.within("a.b.example.com", "example.com") and names.within("example.com", "example.com")
    assert not names.within("badexample.com", "example.com")


def test_knowledge_imports_nothing_heavy():
    """Beyond the package itself (`import ses_lint`), the knowledge modules load only themselves and the standard library."""
    code = ("import sys; import ses_lint; before = set(sys.modules); "
            "import ses_lint.knowledge.aws, ses_lint.knowledge.dns, ses_lint.knowledge.names, ses_lint.knowledge.aws_regions; "
            "print(sorted(m for m in set(sys.modules) - before if m.startswith(('ses_lint', 'boto', 'dns', 'json', 'pydantic', 'yaml'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.strip()
    assert loaded == str(["ses_lint.knowledge", "ses_lint.knowledge.aws", "ses_lint.knowledge.aws_regions", "ses_lint.knowledge.dns", "ses_lint.knowledge.names"])
