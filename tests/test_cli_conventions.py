"""The command line people expect (issue 8, part 5), through the installed CLI."""
from __future__ import annotations

import json
import sys

import pytest
from support import (
    ACCESS_KEY,
    CLEAN,
    HARDCODED,
    RESERVED,
    SECRET,
    ran,
    run_cli,
    run_on_tty,
)
from test_cli import codes, parse_text, summary_line

# --- commands and options that do not exist ---------------------------------------------------------


def test_a_mistyped_command_suggests_the_command(write, workdir):
    write("clean.yaml", CLEAN)
    assert run_cli("chek", ".", cwd=workdir) == (2, "", "ses-lint: error: `chek` is neither a command nor a file or folder; did you mean `check`?\n")
    assert "did you mean `explain`" in run_cli("explian", "SES301", cwd=workdir).err
    write("chek", CLEAN)  # a file of that name is checked, not second-guessed
    assert run_cli("chek", cwd=workdir).code == 0


def test_an_unknown_option_prints_the_usage_of_check(write, workdir):
    code, out, err = run_cli("check", "--frobnicate", ".", cwd=workdir)
    assert (code, out) == (2, "")
    assert err.startswith("usage: ses-lint check ")
    assert err.splitlines()[-1] == "ses-lint: error: unrecognized arguments: --frobnicate"
    code, _, err = run_cli("--exlude", "x", ".", cwd=workdir)  # the default command too
    assert code == 2 and err.startswith("usage: ses-lint check ")
    assert err.splitlines()[-1] == "ses-lint: error: unrecognized arguments: --exlude; did you mean `--exclude`?"


# --- --config -------------------------------------------------------------------------------------------


def test_config_toml_is_read_as_toml_by_its_extension(write, workdir):
    write("reserved.yaml", RESERVED)
    write("settings/strict.toml", 'fail-on = "warning"\n')
    assert run_cli("--config", "settings/strict.toml", "reserved.yaml", cwd=workdir).code == 1
    write("settings/tool.toml", '[tool.ses-lint]\nfail-on = "warning"\n')
    assert run_cli("--config", "settings/tool.toml", "reserved.yaml", cwd=workdir).code == 1
    write("settings/pyproject.toml", '[project]\nname = "x"\n')
    assert run_cli("--config", "settings/pyproject.toml", "reserved.yaml", cwd=workdir) == (
        2, "", "ses-lint: error: --config settings/pyproject.toml: has no [tool.ses-lint] section\n")
    write("settings/bad.toml", 'fail-on = "loud"\n')
    code, _, err = run_cli("--config", "settings/bad.toml", "reserved.yaml", cwd=workdir)
    assert code == 2 and "settings/bad.toml" in err and "fail-on" in err and len(err.splitlines()) == 1


def test_a_missing_config_file_is_one_clean_line(write, workdir):
    write("clean.yaml", CLEAN)
    assert run_cli("--config", "nope.toml", "clean.yaml", cwd=workdir) == (2, "", "ses-lint: error: --config nope.toml: no such file\n")
    (workdir / "folder.yaml").mkdir()
    assert run_cli("--config", "folder.yaml", "clean.yaml", cwd=workdir) == (2, "", "ses-lint: error: --config folder.yaml: is a folder, not a file\n")


# --- exit code, statistics ---------------------------------------------------------------------------


def test_exit_zero(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("--exit-zero", "keys.yaml", cwd=workdir)
    assert (code, codes(out)) == (0, ["SES309", "SES302", "SES301"])
    assert run_cli("--exit-zero", "missing.yaml", cwd=workdir).code == 2  # the run could not happen: still 2


def test_statistics_counts_per_code(write, workdir):
    write("a.yaml", HARDCODED)
    write("b.yaml", HARDCODED.replace("noreply@mycompany.com", "noreply@example.com").replace("email-ses:", "email-ses-b:"))
    code, out, _ = run_cli("--statistics", ".", cwd=workdir)
    assert code == 1
    assert out.splitlines() == [
        "2  SES301  hardcoded-secret",
        "2  SES302  hardcoded-access-key",
        "2  SES309  prefer-role",
        "1  SES502  reserved-domain",
        f"Found 4 errors, 1 warning, 2 infos (2 files checked; {ran()}).",
    ]
    assert SECRET not in out
    code, out, _ = run_cli("--statistics", "--format", "json", ".", cwd=workdir)
    assert json.loads(out)[0] == {"code": "SES301", "name": "hardcoded-secret", "count": 2}
    assert run_cli("--statistics", "--format", "sarif", ".", cwd=workdir)[::2] == (2, "ses-lint: error: --statistics prints text or json, not sarif\n")


# --- --show-source -----------------------------------------------------------------------------------


def test_show_source_prints_the_line_and_a_caret_under_the_column(write, workdir):
    write("keys.yaml", HARDCODED)
    write("reserved.yaml", RESERVED)
    code, out, _ = run_cli("--show-source", ".", cwd=workdir)
    lines = out.splitlines()
    at = lines.index("keys.yaml:11:26: SES301 [error] a literal secret access key is committed; rotate it and use `${AWS_SECRET_ACCESS_KEY}`, a profile or an IAM role")
    assert lines[at + 1:at + 3] == [" 11 |       secret_access_key: ****", "    |                          ^^^^"]
    at = lines.index(next(line for line in lines if line.startswith("keys.yaml:10:22: SES302")))
    assert lines[at + 1:at + 3] == [" 10 |       access_key_id: AKIA…", "    |                      ^^^^^"]
    at = lines.index(next(line for line in lines if line.startswith("reserved.yaml:8:13: SES502")))
    assert lines[at + 1:at + 3] == [" 8 |       from: noreply@example.com", "   |             ^^^^^^^^^^^^^^^^^^^"]
    assert SECRET not in out and ACCESS_KEY not in out
    assert lines[-1].startswith("Found ")
    code, out, _ = run_cli("--show-source", "--format", "json", "keys.yaml", cwd=workdir)
    assert json.loads(out)["findings"]  # machine formats are never decorated
    assert " | " not in run_cli("keys.yaml", cwd=workdir).out  # off when not a terminal


def test_show_source_keeps_tabs_and_hides_control_characters(write, workdir):
    write("odd.yaml", CLEAN.replace("      region: eu-west-1", "\tregion: eu-west-1  # \x1b[2J x"))
    code, out, _ = run_cli("--show-source", "odd.yaml", cwd=workdir)
    assert "\x1b" not in out
    lines = out.splitlines()
    at = lines.index("odd.yaml:9:23: SES001 [error] invalid YAML: unacceptable byte #x1b")
    assert lines[at + 1:at + 3] == [" 9 | \tregion: eu-west-1  # ?[2J x", "   | \t" + " " * 21 + "^"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_show_source_is_the_default_on_a_terminal(write, workdir):
    write("reserved.yaml", RESERVED)
    shown = run_on_tty(["reserved.yaml"], workdir, {"TERM": "xterm", "NO_COLOR": "1"})
    assert " 8 |       from: noreply@example.com\r\n   |             ^^^^^^^^^^^^^^^^^^^\r\n" in shown
    hidden = run_on_tty(["--no-show-source", "reserved.yaml"], workdir, {"TERM": "xterm", "NO_COLOR": "1"})
    assert "SES502" in hidden and " | " not in hidden


# --- suppressions with a reason -------------------------------------------------------------------------


def test_a_suppression_can_carry_a_reason(write, workdir):
    write("keys.yaml", HARDCODED.replace(f"access_key_id: {ACCESS_KEY}", f"access_key_id: {ACCESS_KEY}  # ses-lint: disable=SES302,SES309 -- revoked test key"))
    code, out, _ = run_cli("keys.yaml", cwd=workdir)
    assert codes(out) == ["SES301"]  # no SES008: the reason is not a code
    write("own-line.yaml", HARDCODED.replace("      secret_access_key:", "      # ses-lint: disable=SES301 -- rotated on 2026-11-02, see TICKET-12\n      secret_access_key:"))
    assert codes(run_cli("own-line.yaml", cwd=workdir).out) == ["SES309", "SES302"]
    write("file.yaml", "# ses-lint: disable-file=SES3 -- a fixture of fake keys\n" + HARDCODED)
    code, out, _ = run_cli("file.yaml", cwd=workdir)
    assert (code, codes(out)) == (0, [])
    write("typo.yaml", CLEAN.replace("region: eu-west-1", "region: eu-west-1  # ses-lint: disable=SES40l -- why"))
    assert [(row[1], row[3]) for row in parse_text(run_cli("typo.yaml", cwd=workdir).out)] == [(9, "SES008")]


def test_the_reason_is_kept_with_the_suppression():
    from ses_lint.core.suppressions import parse

    (first, second) = parse("x.yaml", "a: 1  # ses-lint: disable=SES302 -- revoked test key\n# ses-lint: disable=SES4\nb: 2\n")
    assert (first.codes, first.reason, first.target_line) == (["SES302"], "revoked test key", 1)
    assert (second.codes, second.reason, second.target_line) == (["SES4"], None, 3)


def test_summary_is_unchanged_without_odd_files(write, workdir):
    write("clean.yaml", CLEAN)
    assert summary_line(run_cli(".", cwd=workdir).out) == f"No problems found (1 file checked; {ran()})."
