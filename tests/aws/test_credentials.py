"""SES701, SES702, SES713: credentials as botocore resolves them, read from the run's environment only."""
from __future__ import annotations

import socket
import threading

from .conftest import config, line_of, provider
from .helpers import check, found


def test_static_keys_source_and_caller(moto):
    moto.verify("example.com")
    path = moto.write(config(provider(endpoint=moto.url, keys=moto.user())))
    report, _ = check(moto, path)
    [finding] = found(report, "SES713")
    assert finding.line == line_of(path, "access_key_id:")
    assert "static keys" in finding.message and "arn:aws:iam::123456789012:user/mailer" in finding.message


def test_references_are_read_from_the_environment(moto):
    key, secret = moto.user()
    path = moto.write(config(provider(endpoint=moto.url, keys=("${SES_KEY}", "${SES_SECRET}"))))
    report, _ = check(moto, path, environ=moto.environ(SES_KEY=key, SES_SECRET=secret))
    assert "user/mailer" in found(report, "SES713")[0].message
    report, _ = check(moto, path, environ=moto.environ(SES_KEY=key))
    [finding] = found(report, "SES701")
    assert "SES_SECRET" in finding.message and "unset" in finding.message
    assert finding.line == line_of(path, "access_key_id:")


def test_static_keys_win_over_profile(moto):
    key, secret = moto.user()
    environ = moto.environ()
    with open(environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as handle:
        handle.write("[dev]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = x\n")
    path = moto.write(config(provider(endpoint=moto.url, keys=(key, secret), extra="profile: dev")))
    report, _ = check(moto, path, environ=environ)
    assert "static keys" in found(report, "SES713")[0].message


def test_profile_from_shared_credentials_file(moto):
    key, secret = moto.user()
    environ = moto.environ(AWS_ACCESS_KEY_ID="AKIAENVENVENVENVENV1", AWS_SECRET_ACCESS_KEY="x" * 40)
    with open(environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as handle:
        handle.write(f"[dev]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
    path = moto.write(config(provider(endpoint=moto.url, keys=False, extra="profile: dev")))
    report, _ = check(moto, path, environ=environ)
    # an explicit profile takes the environment variables out of botocore's chain
    [finding] = found(report, "SES713")
    assert "profile `dev`" in finding.message and "user/mailer" in finding.message
    assert finding.line == line_of(path, "profile:")


def test_missing_profile(moto):
    path = moto.write(config(provider(endpoint=moto.url, keys=False, extra="profile: prod")))
    report, _ = check(moto, path)
    [finding] = found(report, "SES701")
    assert "`prod`" in finding.message and "not defined" in finding.message
    assert finding.line == line_of(path, "profile:")
    assert not found(report, "SES713")


def test_environment_chain(moto):
    key, secret = moto.user()
    path = moto.write(config(provider(endpoint=moto.url, keys=False)))
    report, _ = check(moto, path, environ=moto.environ(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret))
    assert "environment variables" in found(report, "SES713")[0].message


def test_no_credentials_lists_sources_in_sdk_order(moto):
    path = moto.write(config(provider(endpoint=moto.url, keys=False)))
    report, _ = check(moto, path)
    [finding] = found(report, "SES701")
    message = finding.message
    order = ["environment variables", "shared credentials file", "shared config file", "container role",
             "instance role: off (AWS_EC2_METADATA_DISABLED=true)"]
    positions = [message.index(word) for word in order]
    assert positions == sorted(positions), message
    assert finding.provider == "email-ses"
    assert not found(report, "SES713")


def _silent_listener():
    """A loopback socket that accepts and never answers: a silent instance-metadata address."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    return server, held, stop


def test_imds_disable_is_per_provider_and_a_silent_imds_is_bounded(moto):
    server, held, stop = _silent_listener()
    try:
        port = server.getsockname()[1]
        environ = moto.environ()
        del environ["AWS_EC2_METADATA_DISABLED"]
        environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = f"http://127.0.0.1:{port}/"
        path = moto.write(config(
            provider("with-imds", endpoint=moto.url, keys=False),
            provider("no-imds", endpoint=moto.url, keys=False, extra="imds_disable: true"),
        ))
        report, seconds = check(moto, path, environ=environ, timeout=0.3)  # the silent IMDS: each wait bounded by --timeout
        assert seconds < 8, seconds
        by_provider = {finding.provider: finding.message for finding in found(report, "SES701")}
        assert "instance role (EC2 instance metadata, IMDS)" in by_provider["with-imds"]
        assert "instance role: off (imds_disable: true)" in by_provider["no-imds"]
        assert "instance role (EC2" not in by_provider["no-imds"]
        assert held, "the provider without imds_disable did ask the (silent) instance metadata address"
    finally:
        stop.set()
        server.close()
        for connection in held:
            connection.close()


def test_invalid_credentials_in_auth_mode(moto):
    moto.verify("example.com")
    key, secret = moto.user()
    path = moto.write(config(
        provider("unknown-key", endpoint=moto.url, keys=("AKIAUNKNOWNUNKNOWN12", secret)),
        provider("wrong-secret", endpoint=moto.url, keys=(key, "W" * 40)),
        provider("good", endpoint=moto.url, keys=(key, secret)),
    ))
    moto.auth(True)
    report, _ = check(moto, path, probe=True)
    moto.auth(False)
    rejected = {finding.provider: finding for finding in found(report, "SES702")}
    assert set(rejected) == {"unknown-key", "wrong-secret"}
    assert "InvalidClientTokenId" in rejected["unknown-key"].message and "static keys" in rejected["unknown-key"].message
    assert "SignatureDoesNotMatch" in rejected["wrong-secret"].message
    assert rejected["unknown-key"].line == line_of(path, "access_key_id:", 1)
    assert {finding.provider for finding in found(report, "SES713")} == {"good"}
    assert {finding.provider for finding in found(report, "SES840")} == {"unknown-key", "wrong-secret"}


def test_sessions_share_the_service_models_but_not_the_credentials(moto):
    """botocore parses its service models once per Loader: every session of a run shares one Loader per
    AWS_DATA_PATH, and nothing else (each provider keeps its own credentials and configuration)."""
    from ses_lint.collect.aws.credentials import _session

    environ = moto.environ()
    first, second = _session(environ, None), _session(environ, None)
    first.set_credentials("AKIAFIRSTFIRSTFIRST1", "first")
    second.set_credentials("AKIASECONDSECONDSEC2", "second")
    assert first.get_component("data_loader") is second.get_component("data_loader")
    assert first.get_credentials().access_key == "AKIAFIRSTFIRSTFIRST1" and second.get_credentials().access_key == "AKIASECONDSECONDSEC2"
    assert first.get_component("credential_provider") is not second.get_component("credential_provider")
    models = moto.tmp_path / "models"
    other = _session(moto.environ(AWS_DATA_PATH=str(models)), None)
    assert other.get_component("data_loader") is not first.get_component("data_loader")
    assert str(models) in other.get_component("data_loader").search_paths
