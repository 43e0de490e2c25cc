"""A DNS lookup that failed fails the gate (SES640 is an error by default) and is reported once per name
and type, listing the providers it concerns; the command line in-process (`support.run_cli`; the installed
script's `--dns` path is test_dns_cli.py's), against dnslib on loopback."""
from __future__ import annotations

import json

from dnsfixtures import write_config
from support import run_cli

GOOD = ('{d}. TXT "v=spf1 include:amazonses.com -all"\n_dmarc.{d}. TXT "v=DMARC1; p=none"\n'
        "_domainkey.{d}. TXT \"\"\n")


def check(server, *args: str, timeout: str = "1") -> tuple[int, dict]:
    result = run_cli("check", "--dns", "--nameserver", server.nameserver, "--timeout", timeout, "--format", "json", *args, timeout=60)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def test_a_failed_lookup_fails_the_gate_once_for_every_provider(tmp_path, faults):
    faults.resolver.reset(GOOD.format(d="ok.test") + '_dmarc.sf.test. TXT "v=DMARC1; p=none"\n', faults={"sf.test": "servfail"})
    first = write_config(tmp_path, ("a", "a@sf.test"), ("b", "Ops <b@sf.test>"), name="first.yaml")
    second = write_config(tmp_path, ("c", "c@sf.test"), ("ok", "x@ok.test"), name="second.yaml")
    code, document = check(faults, "--select", "SES640", first, second)
    unknown = [f for f in document["findings"] if f["code"] == "SES640"]
    assert code == 1 and {f["severity"] for f in unknown} == {"error"}
    labels = sorted(f["message"].split("`")[1] for f in unknown)
    assert labels == ["sf.test SPF", "sf.test TXT"]  # once per name and type, not once per provider
    for finding in unknown:
        assert finding["message"].endswith("(concerns providers `a`, `b`, `c`)")
        assert (finding["file"], finding["line"], finding["provider"]) == (first, 7, "a")


def test_accepting_flaky_dns_is_a_severity_override(tmp_path, faults):
    faults.resolver.reset("", faults={("sf.test", "TXT"): "timeout"})
    path = write_config(tmp_path, ("a", "a@sf.test"))
    code, document = check(faults, "--select", "SES640", "--severity", "SES640=warning", path, timeout="0.3")
    assert code == 0 and [f["severity"] for f in document["findings"]] == ["warning"]
    code, _ = check(faults, "--select", "SES640", "--severity", "SES640=warning", "--fail-on", "warning", path, timeout="0.3")
    assert code == 1
