"""No secret is ever printed: wherever it is written, in every output format, shortened or not.

Through the installed CLI (every format) for the classes the issue found, and the masker itself.
"""
from __future__ import annotations

import json

import pytest
from support import SECRET, run_cli

from ses_lint.core.secrets import MASK, Masker, in_text

FORMATS = ("text", "json", "sarif", "github", "junit")
HEAD = 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n'
OTHER = "Zx9QpL2mNv8RtY4wKb6HjD0sFa3GcE5uIo7yTr1B"  # another AWS-shaped secret
PASSWORD = "correct-horse-battery-staple-42"  # a secret only by the key that holds it

CASES = {
    # `secret_access_key:VALUE` with no space: one unknown key of a flow mapping.
    "flow-key": HEAD + f"    config: {{from: a@mycompany.com, region: us-east-1, secret_access_key:{SECRET}}}\n",
    "flow-password-key": HEAD + f"    config: {{from: a@mycompany.com, region: us-east-1, password:{PASSWORD}}}\n",
    # A line pasted from ~/.aws/credentials: the shape after `=`.
    "pasted-credentials": HEAD + f'    config:\n      from: a@mycompany.com\n      region: us-east-1\n      notes: "aws_secret_access_key={SECRET}"\n',
    "pasted-as-key": HEAD + f"    config:\n      from: a@mycompany.com\n      region: us-east-1\n      aws_secret_access_key={SECRET}: 1\n",
    "comment": HEAD + f"    config:\n      from: a@mycompany.com\n      region: us-east-1\n      # secret_access_key: {SECRET}\n      bogus: 1\n",
    # A value shortened by a schema message (`…`) must not leave a prefix of the secret visible.
    "shortened": HEAD + f"    enabled: {SECRET}\n    config:\n      from: a@mycompany.com\n      region: us-east-1\n      secret_access_key: {OTHER}\n",
    "shortened-password": HEAD + f"    config:\n      from: a@mycompany.com\n      region: us-east-1\n      smtp_password: {PASSWORD}x{PASSWORD}\n",
    "quoted-key": HEAD + f'    config:\n      from: a@mycompany.com\n      region: us-east-1\n      "{SECRET}": 1\n',
}


def json_findings(tmp_path, text: str) -> list[dict]:
    """The installed CLI's JSON findings for one file holding `text`."""
    (tmp_path / "p.yaml").write_text(text)
    result = run_cli("--format", "json", "p.yaml", cwd=tmp_path)
    assert result.code in (0, 1), result
    return json.loads(result.out)["findings"]


def pieces(secret: str, size: int = 12) -> list[str]:
    return [secret[start : start + size] for start in range(len(secret) - size + 1)]


@pytest.mark.parametrize("format_name", [*FORMATS, "text --show-source"])
def test_no_piece_of_a_secret_in_any_format(tmp_path, format_name):
    for case, text in CASES.items():
        (tmp_path / f"{case}.yaml").write_text(text)
    result = run_cli("--format", *format_name.split(), *(f"{case}.yaml" for case in sorted(CASES)), cwd=tmp_path)
    assert result.code == 1, result
    output = result.out + result.err
    for secret in (SECRET, OTHER, PASSWORD):
        leaked = [piece for piece in pieces(secret) if piece in output]
        assert leaked == [], (format_name, leaked[:3])
    assert output.count(MASK) >= 5, output


def test_the_json_key_and_junit_text_are_masked_not_only_the_message(tmp_path):
    (tmp_path / "p.yaml").write_text(CASES["flow-key"])
    findings = json.loads(run_cli("--format", "json", "p.yaml", cwd=tmp_path).out)["findings"]
    unknown = next(f for f in findings if f["code"] == "SES103")
    assert unknown["message"] == "unknown key `secret_access_key:****`"
    assert unknown["key"] == "providers.email-ses.config.secret_access_key:****"
    junit = run_cli("--format", "junit", "p.yaml", cwd=tmp_path).out
    assert "key: providers.email-ses.config.secret_access_key:****" in junit


def test_references_are_never_masked(tmp_path):
    """`${AWS_SECRET_ACCESS_KEY}` as one provider's secret must not mask the same text in another's advice."""
    text = (HEAD + "    config:\n      from: a@mycompany.com\n      region: us-east-1\n"
            "      access_key_id: ${AWS_ACCESS_KEY_ID}\n      secret_access_key: ${AWS_SECRET_ACCESS_KEY}\n"
            "  other:\n    provider: email.ses\n    config:\n      from: b@mycompany.com\n      region: us-east-1\n"
            f"      access_key_id: ${{AWS_ACCESS_KEY_ID}}\n      secret_access_key: {SECRET}\n")
    (tmp_path / "p.yaml").write_text(text)
    result = run_cli("p.yaml", cwd=tmp_path)
    assert "use `${AWS_SECRET_ACCESS_KEY}`, a profile or an IAM role" in result.out, result.out


def test_a_literal_secret_or_key_in_a_comment_is_reported_at_the_comment(tmp_path):
    text = (HEAD + "    config:\n      from: a@mycompany.com\n      region: us-east-1\n"
            f"      # secret_access_key: {SECRET}\n      # old key: AKIAIOSFODNN7EXAMPLE\n"
            "      # secret: see the vault\n      description_url: 'https://x.io/#secret=abc'\n")
    found = [(f["code"], f["line"], f["column"], f["message"]) for f in json_findings(tmp_path, text) if f["code"] in ("SES301", "SES302")]
    assert found == [
        ("SES301", 8, 28, "a literal secret access key is committed in a comment; rotate it and use `${AWS_SECRET_ACCESS_KEY}`, a profile or an IAM role"),
        ("SES302", 9, 18, "a literal AWS access key id `AKIA…` is committed in a comment; use `${AWS_ACCESS_KEY_ID}`, a profile or an IAM role"),
    ]


def test_text_inside_a_quoted_string_is_never_a_suppression(tmp_path):
    text = (HEAD + "    description: \"see ops # ses-lint: disable-file=SES3\"\n    config:\n      from: a@mycompany.com\n"
            f"      region: us-east-1\n      access_key_id: AKIAIOSFODNN7EXAMPLE\n      secret_access_key: {SECRET}\n"
            "      profile: 'x # ses-lint: disable=SES403'  # ses-lint: disable=SES305\n")
    codes = {f["code"] for f in json_findings(tmp_path, text)}
    assert {"SES301", "SES302"} <= codes, codes
    # The comment after the quoted string is a suppression (of SES305, used); the text inside is not
    # (it would be an unused suppression of SES403, SES008).
    assert "SES305" not in codes and "SES008" not in codes, codes


def test_shell_style_reference_is_ses311_not_a_committed_secret(tmp_path):
    text = HEAD + "    config:\n      from: a@mycompany.com\n      region: us-east-1\n      access_key_id: $SES_ACCESS_KEY_ID\n      secret_access_key: $SES_SECRET_ACCESS_KEY\n"
    findings = json_findings(tmp_path, text)
    found = [(f["code"], f["line"]) for f in findings if f["code"].startswith("SES3")]
    assert ("SES311", 8) in found and ("SES311", 9) in found
    assert not any(code in ("SES301", "SES302", "SES307") for code, _ in found), found
    assert not any("****" in f["message"] for f in findings), findings  # a reference is no secret to mask


def test_masker_masks_pieces_short_secrets_and_shapes_in_one_pass():
    mask = Masker([SECRET, "hunter22"])
    assert mask(f"a {SECRET} b") == "a **** b"
    assert mask(f"`{SECRET[:37]}…`") == "`****…`"  # shortened: still masked
    assert mask(f"x{SECRET[7:19]}y") == "x****y"  # any 12-character piece
    assert mask("pw hunter22!") == "pw ****!"
    assert mask(f"k={OTHER}") == "k=****"  # AWS-shaped, after `=`
    assert mask("${AWS_SECRET_ACCESS_KEY} and noreply@mycompany.com") == "${AWS_SECRET_ACCESS_KEY} and noreply@mycompany.com"


def test_secrets_are_found_wherever_written():
    text = (f"aws_secret_access_key={SECRET}\n# password: \"two words 42\"\nx: {{token:{PASSWORD}}}\n"
            "secret_access_key: ${AWS_SECRET_ACCESS_KEY}\nsecret: <your-secret>\n# secret: rotate monthly\n")
    assert set(in_text(text)) == {SECRET, "two words 42", PASSWORD}


def test_masking_many_secrets_is_linear():
    """Thousands of secrets against thousands of messages: pieces are indexed, so each message costs
    its own length, not the number of secrets (the old masker tried every secret on every message)."""
    import random
    import string
    import time

    rng = random.Random(9)
    secrets = ["".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40)) for _ in range(5000)]
    mask = Masker(secrets)
    messages = [f"unknown key `x{secret[:30]}…` in provider p{index}" for index, secret in enumerate(secrets)]
    started = time.process_time()
    masked = [mask(message) for message in messages]
    assert time.process_time() - started < 2.0  # ~0.1 s; the quadratic masker took tens of seconds
    assert all("****" in message and secret[:12] not in message for message, secret in zip(masked, secrets))


def test_a_path_shaped_like_a_secret_is_shown_whole(tmp_path):
    """A folder path can be 40 characters of `A-Za-z0-9/`: a message that names the file (SES105)
    shows it, since file paths are printed as they are anyway."""
    folder = tmp_path / "files" / "tests" / "fixtures" / "static" / "SES105"
    folder.mkdir(parents=True)
    config = HEAD + "    config:\n      from: a@mycompany.com\n      region: us-east-1\n"
    (folder / "first.yaml").write_text(config)
    (folder / "second.yaml").write_text(config)
    shaped = "files/tests/fixtures/static/SES105/first"
    assert len(shaped) == 40 and Masker()(shaped) == MASK
    result = run_cli("--format", "json", "files", cwd=tmp_path)
    messages = [finding["message"] for finding in json.loads(result.out)["findings"] if finding["code"] == "SES105"]
    assert messages and all(f"{shaped}.yaml" in message for message in messages), messages
