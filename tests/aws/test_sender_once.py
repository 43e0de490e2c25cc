"""Issue 10: `from` is expanded and parsed once, and every stage reads that one value.

`from: ${SENDER}` with SENDER set in the environment: without `--env` the reference is not known until
run time (README, "References and templates"), so neither the dns stage (NSD on loopback) nor the aws
stage (moto on loopback) judges the expanded address; with `--env` both judge it. Before, the aws stage
expanded references from the environment whatever `--env` said, so the two stages disagreed.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support import run_installed

from .conftest import config, line_of, provider

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dns"))
from dnsfixtures import NSD, Nsd  # noqa: E402  (tests/dns is not a package: it would shadow dnspython)

SENDER = "noreply@missing.test"  # no zone holds it: NXDOMAIN (SES600); no identity covers it (SES703)


@pytest.fixture
def nameserver(tmp_path):
    if not Path(NSD).exists():
        pytest.fail("nsd is not installed (Debian package `nsd`; .ci/run installs it)")
    zones = tmp_path / "zones"
    zones.mkdir()
    server = Nsd(zones, "")
    yield server.nameserver
    server.stop()


def online(moto, path: Path, nameserver: str, *extra: str) -> tuple[int, list[dict]]:
    env = dict(moto.environ(SENDER=SENDER), AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SESSION_TOKEN=None, AWS_PROFILE=None)
    code, out, err = run_installed("check", "--online", "--nameserver", nameserver, "--timeout", "3", "--select", "SES600,SES703",
                             "--format", "json", *extra, str(path), env=env, timeout=90)
    assert "Traceback" not in err, err
    return code, json.loads(out)["findings"]


def test_a_reference_in_from_is_judged_by_every_stage_or_by_none(moto, nameserver):
    path = moto.write(config(provider(sender="${SENDER}", endpoint=moto.url, keys=moto.user())))
    code, findings = online(moto, path, nameserver)
    assert (code, findings) == (0, [])  # not known without --env: the dns stage skips it, and so does the aws stage

    code, findings = online(moto, path, nameserver, "--env")
    assert code == 1
    got = sorted((f["code"], f["stage"], f["line"], f["key"]) for f in findings)
    from_line = line_of(path, "from:")
    assert got == [("SES600", "dns", from_line, "providers.email-ses.config.from"), ("SES703", "aws", from_line, "providers.email-ses.config.from")]
    assert all("missing.test" in f["message"] for f in findings)


def test_a_reference_in_region_is_known_only_with_env(moto):
    """The aws stage judges `region` by the same policy: without --env it is not known, so nothing is checked (SES740)."""
    import ses_lint

    from .helpers import found

    moto.verify("example.com")
    path = moto.write(config(provider(region="${SES_REGION}", endpoint=moto.url, keys=moto.user())))
    environ = moto.environ(SES_REGION="us-east-1")
    report = ses_lint.lint([str(path)], aws=True, environ=environ, timeout=3, select=["SES7"])
    [unknown] = found(report, "SES740")
    assert unknown.message == "nothing checked in AWS: `region` `${SES_REGION}` references an environment variable: known only with --env"
    assert unknown.line == line_of(path, "region:")
    report = ses_lint.lint([str(path)], aws=True, env=True, environ=environ, timeout=3, select=["SES7"])
    assert not found(report, "SES740") and found(report, "SES713")


def test_credentials_are_expanded_through_the_same_policy(moto):
    """Credentials are read the SDK's way (from the environment, --env or not), through `references.resolve`:
    a broken reference is not sent to AWS as a key but named as what it is (SES701)."""
    import ses_lint

    from .helpers import found

    path = moto.write(config(provider(endpoint=moto.url, keys=("${SES_KEY", "${SES_SECRET}"))))
    report = ses_lint.lint([str(path)], aws=True, environ=moto.environ(SES_KEY="x", SES_SECRET="y"), timeout=3, select=["SES7"])
    [finding] = found(report, "SES701")
    assert finding.message.startswith("no AWS credentials: static keys are set in the config but `${SES_KEY` holds a broken reference (")
    assert not found(report, "SES702")


def test_the_probe_sends_from_a_reference_only_with_env(moto):
    """The probe reads the same Sender: `from: ${SENDER}` is not sent from without --env, and SES840 says why."""
    import ses_lint

    from .helpers import found

    moto.verify("example.com")
    path = moto.write(config(provider(sender="${SENDER}", endpoint=moto.url, keys=moto.user())))
    environ = moto.environ(SENDER="noreply@example.com")
    report = ses_lint.lint([str(path)], probe=True, environ=environ, timeout=3, select=["SES8"])
    [unknown] = found(report, "SES840")
    assert unknown.message == "probe not sent: `from` `${SENDER}` references an environment variable: known only with --env"
    assert unknown.line == line_of(path, "from:") and moto.sent() == []
    report = ses_lint.lint([str(path)], probe=True, env=True, environ=environ, timeout=3, select=["SES8"])
    assert found(report, "SES802") and not found(report, "SES840")
    assert [message["source"] for message in moto.sent()] == ["noreply@example.com"]
