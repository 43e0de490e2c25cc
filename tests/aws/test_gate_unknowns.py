"""What the aws stage and the probe could not check fails the gate: SES740 and SES840 are errors by
default (a team may accept them with --severity), through the installed CLI against loopback."""
from __future__ import annotations

import json

from support import run_cli

from .conftest import config, provider
from .helpers import closed_port


def test_unknown_aws_and_probe_facts_fail_the_gate(moto):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    path = moto.write(config(provider("first", endpoint=endpoint), provider("second", endpoint=endpoint)))
    env = dict(moto.environ(), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None, AWS_PROFILE=None)
    code, out, err = run_cli("check", "--probe", "--select", "SES740,SES840", "--format", "json", "--timeout", "1", str(path), env=env, timeout=60)
    findings = json.loads(out)["findings"]
    assert code == 1, err
    assert sorted((f["code"], f["severity"]) for f in findings) == [("SES740", "error"), ("SES840", "error")]
    assert all(f["provider"] == "first" and f["message"].endswith("(concerns providers `first`, `second`)") for f in findings)
    code, out, _ = run_cli("check", "--probe", "--select", "SES740,SES840", "--severity", "SES740=warning", "--severity", "SES840=warning",
                           str(path), env=env, timeout=60)
    assert code == 0 and "SES740 [warning]" in out and "SES840 [warning]" in out
