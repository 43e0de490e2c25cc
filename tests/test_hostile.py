"""Hostile input: every file, however broken or malicious, ends in findings (or a clean skip), never a
traceback or a hang. The installed console script runs in a subprocess; `timeout=30` bounds a hang (a
hang fails the test) without timing anything."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import write

SES_LINT = Path(sys.executable).parent / "ses-lint"
FINDING = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<code>SES\d{3}) \[(?P<severity>\w+)\]", re.MULTILINE)

PROVIDER = 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n'


def ses_lint(*args: str, cwd: Path) -> tuple[int, str, list[tuple[str, int, int]]]:
    if not SES_LINT.exists():  # pragma: no cover - the package is installed editable in the venv
        pytest.skip(f"console script not installed at {SES_LINT}")
    done = subprocess.run([str(SES_LINT), "--format", "text", *args], cwd=cwd, capture_output=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "LC_ALL": "C.UTF-8"})
    out = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out, out
    assert "internal error" not in out, out
    found = [(m["code"], int(m["line"]), int(m["column"])) for m in FINDING.finditer(done.stdout.decode("utf-8", "replace"))]
    return done.returncode, out, found


def test_billion_laughs_alias_bomb(tmp_path):
    lines = ['version: "1.0"', "providers:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level, name in enumerate("bcdefghij"):
        previous = "abcdefghij"[level]
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    name = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n").name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert [f[0] for f in found] == ["SES005"], out
    assert "alias" in out


def test_python_object_tag_is_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    name = write(tmp_path / "python.yaml", f'version: "1.0"\nproviders: !!python/object/apply:os.system ["touch {marker}"]\n').name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert found == [("SES005", 2, 12)], out
    assert "!!python/object/apply:os.system" in out
    assert not marker.exists()


def test_twenty_thousand_deep_nesting(tmp_path):
    name = write(tmp_path / "deep.yaml", 'version: "1.0"\nproviders: ' + "[" * 20000 + "\n").name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert [f[0] for f in found] == ["SES005"], out
    assert "nesting deeper than" in out


def test_balanced_deep_nesting(tmp_path):
    name = write(tmp_path / "deep.yaml", 'version: "1.0"\nproviders: ' + "[" * 20000 + "]" * 20000 + "\n").name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert [f[0] for f in found] == ["SES005"], out


def test_random_binary_bytes_named_explicitly(tmp_path):
    data = random.Random(20240601).randbytes(4096)
    name = write(tmp_path / "binary.yaml", b"\x00" + data).name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert [f[0] for f in found] == ["SES001"], out


def test_random_binary_bytes_found_in_a_folder_are_skipped(tmp_path):
    (tmp_path / "repo").mkdir()
    write(tmp_path / "repo" / "binary.yaml", b"\x00" + random.Random(7).randbytes(4096))
    code, out, found = ses_lint("repo", cwd=tmp_path)
    assert code == 0 and found == [], out


def test_empty_file_named_explicitly_is_skipped(tmp_path):
    name = write(tmp_path / "empty.yaml", b"").name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 0
    assert found == []
    assert "skipped" in out


def test_five_megabyte_file(tmp_path):
    entry = "  p{0}:\n    provider: email.ses\n    config: {{from: a@mycompany.com, region: us-east-1}}\n"
    body = 'version: "1.0"\nproviders:\n' + "".join(entry.format(i) for i in range(60000))
    assert len(body) > 5 * 1024 * 1024
    name = write(tmp_path / "big.yaml", body).name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert found == [("SES005", 1, 1)], out
    assert "bytes" in out


def test_bom_and_crlf_keep_positions(tmp_path):
    text = PROVIDER + "      from: noreply@mycompany.com\n      region: us-east1\n"
    name = write(tmp_path / "windows.yaml", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()).name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert found == [("SES401", 7, 15)], out


def test_non_utf8_bytes_point_at_the_byte(tmp_path):
    raw = (PROVIDER + "      from: caf\xe9@mycompany.com\n").encode("latin-1")
    name = write(tmp_path / "latin1.yaml", raw).name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert found == [("SES001", 6, 16)], out
    assert "0xe9" in out


def test_custom_tag_in_a_provider_file(tmp_path):
    name = write(tmp_path / "ref.yaml", PROVIDER + "      from: !Ref SenderAddress\n").name
    code, out, found = ses_lint(name, cwd=tmp_path)
    assert code == 1
    assert found == [("SES005", 6, 13)], out
    assert "`!Ref`" in out


def test_cloudformation_template_in_a_folder_is_skipped_silently(tmp_path):
    (tmp_path / "infra").mkdir()
    write(tmp_path / "infra" / "template.yaml",
          'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n'
          "    Properties:\n      BucketName: !Ref BucketName\n      Tags: !GetAtt Other.Tags\n")
    code, out, found = ses_lint("infra", cwd=tmp_path)
    assert code == 0
    assert found == []
    assert "SES" not in out


def test_hostile_files_among_good_ones_do_not_stop_the_run(tmp_path):
    good = write(tmp_path / "good.yaml", PROVIDER + "      from: noreply@mycompany.com\n      region: us-east1\n").name
    bomb = write(tmp_path / "tag.yaml", 'version: "1.0"\nproviders: !!python/name:os.system\n').name
    code, out, found = ses_lint(good, bomb, cwd=tmp_path)
    assert code == 1
    assert ("SES401", 7, 15) in found and ("SES005", 2, 12) in found, out
