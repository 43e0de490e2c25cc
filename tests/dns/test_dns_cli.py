"""The dns stage end to end through the installed `ses-lint` console script, against NSD on loopback."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dnsfixtures import write_config

SCRIPT = shutil.which("ses-lint", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(SCRIPT is None, reason="the ses-lint console script is not installed")
def test_check_dns_json(tmp_path, nsd):
    server = nsd(
        'good.test. TXT "v=spf1 include:amazonses.com -all"\n'
        '_dmarc.good.test. TXT "v=DMARC1; p=reject"\n'
        "tok1._domainkey.good.test. CNAME tok1.dkim.amazonses.com.\n"
        'weak.test. TXT "v=spf1 include:amazonses.com ?all"\n'
        '_dmarc.weak.test. TXT "v=DMARC1; p=reject"\n'
        "bounce.weak.test. MX 10 mail.weak.test.\n"
    )
    path = write_config(tmp_path, ("good", "a@good.test"), ("weak", "b@weak.test"))
    command = [SCRIPT, "check", "--dns", "--nameserver", server.nameserver, "--timeout", "2", "--select", "SES6",
               "--mail-from", "bounce.weak.test", "--format", "json", path]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    got = sorted((f["code"], f["severity"], f["stage"], f["line"], f["column"], f["provider"]) for f in findings)
    assert got == [
        ("SES606", "warning", "dns", 13, 13, "weak"),
        ("SES611", "error", "dns", 13, 13, "weak"),
        ("SES626", "error", "dns", 13, 13, "weak"),
        ("SES631", "error", "dns", 13, 13, "weak"),
        ("SES632", "error", "dns", 13, 13, "weak"),
    ]
    assert all(f["key"] == "providers.weak.config.from" for f in findings)
    assert "Traceback" not in result.stderr
