"""End to end: the installed `ses-lint check --aws` / `--probe` against moto, in a subprocess."""
from __future__ import annotations

import json

from cli_support import run_cli

from .conftest import SIMULATOR, config, line_of, provider


def test_cli_aws_and_probe(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    # a clean environment: shared files in tmp, no instance metadata, no AWS keys from the caller's shell
    env = dict(moto.environ(), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None, AWS_PROFILE=None)
    result = run_cli("check", "--aws", "--select", "SES7", "--format", "json", "--timeout", "3", str(path), env=env, timeout=60)
    assert result[0] == 0, result
    findings = json.loads(result[1])["findings"]
    by_code = {finding["code"]: finding for finding in findings}
    assert by_code["SES713"]["line"] == line_of(path, "access_key_id:") and "user/mailer" in by_code["SES713"]["message"]
    assert by_code["SES706"]["severity"] == "warning" and by_code["SES706"]["stage"] == "aws"
    assert moto.sent() == []

    result = run_cli("check", "--probe", "--select", "SES8", "--format", "json", str(path), env=env, timeout=60)
    assert result[0] == 0, result
    [probe] = json.loads(result[1])["findings"]
    assert probe["code"] == "SES802" and SIMULATOR in probe["message"]
    [message] = moto.sent()
    assert message["destinations"]["ToAddresses"] == [SIMULATOR] and message["source"] == "noreply@example.com"
