"""The command line end to end: in-process through `ses_lint.cli.main` (support.run_cli), and through the
installed console script (support.run_installed) once for each path a user takes: a folder in text and
JSON, standard input, a usage error, --output, not a terminal, rules, explain, --version, --help."""
from __future__ import annotations

import json
import sys

import pytest
from pathlib import Path
from support import (
    BROKEN_YAML,
    CLEAN,
    HARDCODED,
    NOT_A_CONFIG,
    RESERVED,
    TEXT_LINE,
    codes,
    parse_text,
    ran,
    run_cli,
    run_installed,
    run_on_tty,
    summary_line,
)

STAGES = {"static": int(ran().split()[2])}  # the static stage ran, with every static rule

ESCAPE = "\x1b["

# What the seed examples yield (file, line, column, code, severity), in output order.
SEED_FINDINGS = [
    ("examples/seed/direct-provider.yaml", 9, 13, "SES502", "warning"),
    ("examples/seed/iam-role.yaml", 3, 3, "SES105", "warning"),  # `email-ses`, first defined in direct-provider.yaml
    ("examples/seed/iam-role.yaml", 10, 13, "SES502", "warning"),
    ("examples/seed/localstack.yaml", 3, 3, "SES104", "info"),
    ("examples/seed/localstack.yaml", 10, 13, "SES502", "warning"),
    ("examples/seed/localstack.yaml", 12, 17, "SES407", "warning"),
    ("examples/seed/profile.yaml", 3, 3, "SES105", "warning"),
    ("examples/seed/profile.yaml", 10, 13, "SES502", "warning"),
    ("examples/seed/static-credentials.yaml", 3, 3, "SES105", "warning"),
    ("examples/seed/static-credentials.yaml", 10, 13, "SES502", "warning"),
    ("examples/seed/static-credentials.yaml", 12, 7, "SES309", "info"),
    ("examples/seed/static-credentials.yaml", 12, 22, "SES303", "error"),
    ("examples/seed/static-credentials.yaml", 13, 26, "SES303", "error"),
    ("examples/seed/workflow.yaml", 10, 15, "SES502", "warning"),
]


# --- the examples ---------------------------------------------------------------------------------


def test_seed_examples_text():
    code, out, err = run_installed("examples/seed")
    assert code == 1, err
    assert parse_text(out) == SEED_FINDINGS
    assert summary_line(out) == f"Found 2 errors, 10 warnings, 2 infos (6 files checked; {ran()})."
    assert err == ""


def test_whole_examples_folder_text_agrees_with_json():
    code, out, err = run_cli("examples/")  # the installed script's folder run: test_seed_examples_text
    assert code == 1, err
    assert "Traceback" not in out + err
    rows = parse_text(out)
    assert set(SEED_FINDINGS) <= set(rows)
    code_json, out_json, _ = run_installed("--format", "json", "examples/")
    assert code_json == 1
    document = json.loads(out_json)
    as_json = [(f["file"], f["line"], f["column"], f["code"], f["severity"]) for f in document["findings"]]
    assert rows == as_json
    summary = document["summary"]
    assert f"{summary['files']} files checked" in summary_line(out)
    assert summary["errors"] == sum(1 for row in rows if row[4] == "error")
    assert summary["warnings"] == sum(1 for row in rows if row[4] == "warning")
    assert summary["infos"] == sum(1 for row in rows if row[4] == "info")


# --- exit codes -----------------------------------------------------------------------------------


def test_clean_file_exit_0(write, workdir):
    write("clean.yaml", CLEAN)
    code, out, err = run_cli("clean.yaml", cwd=workdir)
    assert (code, out, err) == (0, f"No problems found (1 file checked; {ran()}).\n", "")


def test_error_finding_exit_1(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("keys.yaml", cwd=workdir)
    assert code == 1
    assert parse_text(out) == [
        ("keys.yaml", 10, 7, "SES309", "info"),
        ("keys.yaml", 10, 22, "SES302", "error"),
        ("keys.yaml", 11, 26, "SES301", "error"),
    ]


def test_warning_only_exit_0(write, workdir):
    write("reserved.yaml", RESERVED)
    code, out, _ = run_cli("reserved.yaml", cwd=workdir)
    assert code == 0
    assert parse_text(out) == [("reserved.yaml", 8, 13, "SES502", "warning")]


def test_missing_path_exit_2(workdir):
    code, out, err = run_cli("nowhere.yaml", cwd=workdir)
    assert code == 2
    assert out == ""
    assert "nowhere.yaml" in err and "Traceback" not in err


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_selector_exit_2(flag, write, workdir):
    write("clean.yaml", CLEAN)
    code, out, err = run_cli(flag, "SES999", "clean.yaml", cwd=workdir)
    assert code == 2
    assert "SES999" in err and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("value", ["SES502=bogus", "SES502", "SES999=error"])
def test_bad_severity_flag_exit_2(value, write, workdir):
    write("clean.yaml", CLEAN)
    code, out, err = run_cli("--severity", value, "clean.yaml", cwd=workdir)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert err.strip()


def test_bad_fail_on_exit_2(write, workdir):
    write("clean.yaml", CLEAN)
    code, _, err = run_cli("--fail-on", "fatal", "clean.yaml", cwd=workdir)
    assert code == 2
    assert "fail-on" in err


def test_unknown_option_exit_2(workdir):
    code, _, err = run_installed("--no-such-flag", cwd=workdir)
    assert code == 2
    assert "no-such-flag" in err


def test_broken_yaml_is_a_finding_not_a_crash(write, workdir):
    write("broken.yaml", BROKEN_YAML)
    for format_name in ("text", "json", "sarif", "github", "junit"):
        code, out, err = run_cli("--format", format_name, "broken.yaml", cwd=workdir)
        assert code == 1, (format_name, err)
        assert "SES001" in out
        assert "Traceback" not in out + err
        assert err == ""
    code, out, _ = run_cli("broken.yaml", cwd=workdir)
    assert codes(out) == ["SES001"]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00\xd8garbage",
        b'version: "1.0"\nproviders:\n  e:\n    provider: email.ses\n    config:\n      from: \xff@x.io\n',
        b"providers: !!python/object/apply:os.system ['echo hi']\n",
        b"providers: &a [*a, *a]\n",
        b"providers:\n" + b"  - " * 200 + b"x\n",
        b"\x00\x01\x02",
        b"",
    ],
)
def test_hostile_files_never_crash(content, write, workdir):
    write("hostile.yaml", content)
    for format_name in ("text", "json", "sarif", "github", "junit"):
        code, out, err = run_cli("--format", format_name, "hostile.yaml", cwd=workdir)
        assert code in (0, 1), (format_name, err)
        assert "Traceback" not in out + err
        assert "internal error" not in err


# --- inputs ---------------------------------------------------------------------------------------


def test_stdin_is_shown_as_dash(workdir):
    code, out, _ = run_installed("-", input=HARDCODED, cwd=workdir)
    assert code == 1
    assert [row[0] for row in parse_text(out)] == ["-", "-", "-"]
    assert codes(out) == ["SES309", "SES302", "SES301"]
    code, out, _ = run_cli("--format", "json", "-", input=HARDCODED, cwd=workdir)
    document = json.loads(out)
    assert {finding["file"] for finding in document["findings"]} == {"-"}
    assert document["summary"]["files"] == 1


def test_stdin_clean(workdir):
    code, out, _ = run_cli("check", "-", input=CLEAN, cwd=workdir)
    assert (code, out) == (0, f"No problems found (1 file checked; {ran()}).\n")


def test_folder_skips_non_config_yaml(write, workdir):
    write("configs/clean.yaml", CLEAN)
    write("configs/nested/reserved.yml", RESERVED)
    write("configs/other.yaml", NOT_A_CONFIG)
    write("configs/notes.txt", HARDCODED)  # not YAML by name: never read
    write("configs/.hidden/keys.yaml", HARDCODED)  # hidden folders are not searched
    # Both configs define `email-ses` (SES105, not under test here).
    code, out, _ = run_cli("--ignore", "SES105", "configs", cwd=workdir)
    assert code == 0
    assert parse_text(out) == [("configs/nested/reserved.yml", 8, 13, "SES502", "warning")]
    assert summary_line(out) == f"Found 1 warning (2 files checked, 1 skipped (not provider configs); stages: static {STAGES['static'] - 1} rules)."
    code, out, _ = run_cli("--format", "json", "--ignore", "SES105", "configs", cwd=workdir)
    assert json.loads(out)["summary"] == {"files": 2, "errors": 0, "warnings": 1, "infos": 0, "stages": {"static": STAGES["static"] - 1}, "baselined": 0}


def test_folder_reports_broken_configs_and_skips_other_broken_yaml(write, workdir):
    write("f/config.yaml", BROKEN_YAML)
    write("f/other.yaml", "foo: [1, 2\n")
    code, out, err = run_cli("f", cwd=workdir)
    assert code == 1
    assert [(row[0], row[3]) for row in parse_text(out)] == [("f/config.yaml", "SES001")]
    assert summary_line(out) == f"Found 1 error (1 file checked, 1 skipped (not provider configs); {ran()})."
    assert "Traceback" not in err


def test_default_path_is_current_folder(write, workdir):
    write("a/keys.yaml", HARDCODED)
    code, out, _ = run_cli(cwd=workdir)
    assert code == 1
    assert {row[0] for row in parse_text(out)} == {"a/keys.yaml"}


def test_check_subcommand_is_the_default(write, workdir):
    write("keys.yaml", HARDCODED)
    assert run_cli("keys.yaml", cwd=workdir).out == run_cli("check", "keys.yaml", cwd=workdir).out


def test_workflow_references_resolve_across_files(write, workdir):
    write("providers.yaml", CLEAN)
    write("flows.yaml", "workflows:\n  - name: w\n    steps:\n      - task: notify\n        type: email\n        config:\n          provider: email-sse\n          subject: Hi\n          to: [ops@mycompany.com]\n          body: {text: hello}\n")
    code, out, _ = run_cli(".", cwd=workdir)
    assert code == 1
    assert codes(out) == ["SES504", "SES104"]  # flows.yaml sorts first
    assert "did you mean `email-ses`" in out
    write("flows.yaml", (workdir / "flows.yaml").read_text().replace("email-sse", "email-ses"))
    assert run_cli(".", cwd=workdir) == (0, f"No problems found (2 files checked; {ran()}).\n", "")


# --- selection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("selector", ["SES301", "SES30", "SES3", "hardcoded-secret", "ses301"])
def test_select_by_code_prefix_and_name(selector, write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("--select", selector, "keys.yaml", cwd=workdir)
    expected = {"SES301": ["SES301"], "ses301": ["SES301"], "hardcoded-secret": ["SES301"]}.get(selector, ["SES309", "SES302", "SES301"])
    assert codes(out) == expected
    assert code == 1


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("SES301,SES302", ["SES309"]),
        ("SES30", []),
        ("SES3", []),
        ("hardcoded-secret,hardcoded-access-key", ["SES309"]),
        ("SES309", ["SES302", "SES301"]),
    ],
)
def test_ignore_by_code_prefix_and_name(selector, expected, write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("--ignore", selector, "keys.yaml", cwd=workdir)
    assert codes(out) == expected
    assert code == (1 if "SES301" in expected else 0)


def test_ignore_repeatable(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("--ignore", "SES301", "--ignore", "prefer-role", "keys.yaml", cwd=workdir)
    assert codes(out) == ["SES302"]
    assert code == 1


def test_extend_select_adds_to_select(write, workdir):
    write("keys.yaml", HARDCODED)
    write("reserved.yaml", RESERVED)
    code, out, _ = run_cli("--select", "SES301", "--extend-select", "reserved-domain", ".", cwd=workdir)
    assert sorted(codes(out)) == ["SES301", "SES502"]
    code, out, _ = run_cli("--select", "SES301", "--extend-select", "SES5", ".", cwd=workdir)
    assert sorted(codes(out)) == ["SES301", "SES502"]


def test_ignore_wins_over_select(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("--select", "SES3", "--ignore", "SES301", "keys.yaml", cwd=workdir)
    assert codes(out) == ["SES309", "SES302"]


def test_severity_override_changes_exit_code(write, workdir):
    write("reserved.yaml", RESERVED)
    assert run_cli("reserved.yaml", cwd=workdir).code == 0
    code, out, _ = run_cli("--severity", "SES502=error", "reserved.yaml", cwd=workdir)
    assert code == 1
    assert parse_text(out) == [("reserved.yaml", 8, 13, "SES502", "error")]
    assert summary_line(out) == f"Found 1 error (1 file checked; {ran()})."
    code, out, _ = run_cli("--severity", "SES502=error", "--format", "json", "reserved.yaml", cwd=workdir)
    assert json.loads(out)["findings"][0]["severity"] == "error"


def test_severity_override_downgrades(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("--severity", "SES301=warning", "--severity", "SES302=info", "keys.yaml", cwd=workdir)
    assert code == 0
    assert [row[3:] for row in parse_text(out)] == [("SES309", "info"), ("SES302", "info"), ("SES301", "warning")]


def test_fail_on(write, workdir):
    write("reserved.yaml", RESERVED)
    assert run_cli("--fail-on", "warning", "reserved.yaml", cwd=workdir).code == 1
    assert run_cli("--fail-on", "info", "reserved.yaml", cwd=workdir).code == 1
    assert run_cli("--fail-on", "error", "reserved.yaml", cwd=workdir).code == 0
    write("clean.yaml", CLEAN)
    assert run_cli("--fail-on", "info", "clean.yaml", cwd=workdir).code == 0


# --- output ---------------------------------------------------------------------------------------


def test_quiet(write, workdir):
    write("clean.yaml", CLEAN)
    assert run_cli("--quiet", "clean.yaml", cwd=workdir) == (0, "", "")
    assert run_cli("-q", "clean.yaml", cwd=workdir) == (0, "", "")
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("-q", "keys.yaml", cwd=workdir)
    assert code == 1
    assert len(out.splitlines()) == 3 and all(TEXT_LINE.match(line) for line in out.splitlines())


@pytest.mark.parametrize("format_name", ["text", "github"])
def test_quiet_clean_prints_nothing_in_line_formats(format_name, write, workdir):
    write("clean.yaml", CLEAN)
    assert run_cli("--quiet", "--format", format_name, "clean.yaml", cwd=workdir) == (0, "", "")


def test_output_file(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, err = run_installed("--format", "json", "--output", "report.json", "keys.yaml", cwd=workdir)
    assert (code, out, err) == (1, "", "")
    document = json.loads((workdir / "report.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in document["findings"]] == ["SES309", "SES302", "SES301"]
    code, out, _ = run_cli("-o", "report.txt", "keys.yaml", cwd=workdir)
    assert out == ""
    assert ESCAPE not in (workdir / "report.txt").read_text(encoding="utf-8")


def test_output_file_unwritable_exit_2(write, workdir):
    write("keys.yaml", HARDCODED)
    code, _, err = run_cli("--output", "no/such/folder/report.json", "keys.yaml", cwd=workdir)
    assert code == 2
    assert "no/such/folder/report.json" in err and "Traceback" not in err


def test_github_actions_makes_github_the_default(write, workdir):
    write("keys.yaml", HARDCODED)
    code, out, _ = run_cli("keys.yaml", cwd=workdir, env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert out.splitlines()[0].startswith("::notice file=keys.yaml,line=10,col=7,")
    assert "::error file=keys.yaml,line=11,col=26," in out
    code, out, _ = run_cli("--format", "text", "keys.yaml", cwd=workdir, env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in out and codes(out) == ["SES309", "SES302", "SES301"]
    code, out, _ = run_cli("keys.yaml", cwd=workdir, env={"GITHUB_ACTIONS": "false"})
    assert "::error" not in out


def test_no_escape_codes_when_not_a_terminal(write, workdir):
    write("keys.yaml", HARDCODED)
    _, out, err = run_installed("keys.yaml", cwd=workdir)
    assert ESCAPE not in out + err
    for env in ({"NO_COLOR": "1"}, {"FORCE_COLOR": None}):  # the same pipes, in-process
        _, out, err = run_cli("keys.yaml", cwd=workdir, env=env)
        assert ESCAPE not in out + err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_only_and_no_color_honoured(write, workdir):
    write("keys.yaml", HARDCODED)
    coloured = run_on_tty(["keys.yaml"], workdir, {"TERM": "xterm"})
    assert ESCAPE in coloured and "SES301" in coloured
    plain = run_on_tty(["keys.yaml"], workdir, {"TERM": "xterm", "NO_COLOR": "1"})
    assert ESCAPE not in plain and "SES301" in plain
    for format_name in ("json", "sarif", "github", "junit"):
        assert ESCAPE not in run_on_tty(["--format", format_name, "keys.yaml"], workdir, {"TERM": "xterm"})


# --- configuration --------------------------------------------------------------------------------


def test_ses_lint_yaml_found_in_a_parent_folder(write, workdir):
    write(".ses-lint.yaml", "severity:\n  SES502: error\n")
    write("deep/down/reserved.yaml", RESERVED)
    code, out, _ = run_cli("reserved.yaml", cwd=workdir / "deep" / "down")
    assert code == 1
    assert parse_text(out) == [("reserved.yaml", 8, 13, "SES502", "error")]


def test_pyproject_found_in_a_parent_folder(write, workdir):
    write("pyproject.toml", '[project]\nname = "x"\n\n[tool.ses-lint]\nignore = ["reserved-domain"]\nfail-on = "info"\n')
    write("sub/reserved.yaml", RESERVED)
    write("sub/keys.yaml", HARDCODED)
    code, out, _ = run_cli("reserved.yaml", cwd=workdir / "sub")
    assert (code, codes(out)) == (0, [])
    code, out, _ = run_cli("keys.yaml", "--ignore", "SES301,SES302", cwd=workdir / "sub")
    assert codes(out) == ["SES309"]
    assert code == 1  # fail-on info from the configuration


def test_pyproject_without_section_is_passed_over(write, workdir):
    write(".ses-lint.yaml", "fail-on: warning\n")
    write("sub/pyproject.toml", '[project]\nname = "x"\n')
    write("sub/reserved.yaml", RESERVED)
    assert run_cli("reserved.yaml", cwd=workdir / "sub").code == 1


def test_flags_win_over_configuration(write, workdir):
    write(".ses-lint.yaml", "fail-on: warning\nignore: [SES309]\nselect: [SES3]\n")
    write("keys.yaml", HARDCODED)
    write("reserved.yaml", RESERVED)
    code, out, _ = run_cli("reserved.yaml", cwd=workdir)
    assert (code, codes(out)) == (0, [])  # select SES3 leaves SES502 out
    code, out, _ = run_cli("--select", "SES5", "--fail-on", "error", "reserved.yaml", cwd=workdir)
    assert (code, codes(out)) == (0, ["SES502"])
    code, out, _ = run_cli("--select", "SES5", "reserved.yaml", cwd=workdir)
    assert code == 1  # fail-on warning still comes from the file
    code, out, _ = run_cli("--ignore", "SES301", "keys.yaml", cwd=workdir)
    assert codes(out) == ["SES309", "SES302"]  # --ignore replaced the file's ignore


def test_closest_configuration_wins(write, workdir):
    write(".ses-lint.yaml", "fail-on: warning\n")
    write("sub/.ses-lint.yaml", "fail-on: error\n")
    write("sub/reserved.yaml", RESERVED)
    assert run_cli("reserved.yaml", cwd=workdir / "sub").code == 0
    assert run_cli("sub/reserved.yaml", cwd=workdir).code == 1


def test_configuration_paths(write, workdir):
    write(".ses-lint.yaml", "paths: [configs]\n")
    write("configs/keys.yaml", HARDCODED)
    write("elsewhere/reserved.yaml", RESERVED)
    code, out, _ = run_cli(cwd=workdir)
    assert {row[0] for row in parse_text(out)} == {"configs/keys.yaml"}
    assert code == 1


def test_per_file_ignores(write, workdir):
    write(".ses-lint.yaml", "per-file-ignores:\n  'dev/*': [SES301, SES302]\nignore: [SES105]  # both define `email-ses`\n")
    write("dev/keys.yaml", HARDCODED)
    write("prod/keys.yaml", HARDCODED)
    code, out, _ = run_cli(".", cwd=workdir)
    rows = parse_text(out)
    assert [row[3] for row in rows if row[0].startswith("dev/")] == ["SES309"]
    assert [row[3] for row in rows if row[0].startswith("prod/")] == ["SES309", "SES302", "SES301"]


def test_explicit_config_flag(write, workdir):
    write("settings/strict.yaml", "fail-on: warning\n")
    write("reserved.yaml", RESERVED)
    assert run_cli("--config", "settings/strict.yaml", "reserved.yaml", cwd=workdir).code == 1


@pytest.mark.parametrize(
    "name, content, words",
    [
        (".ses-lint.yaml", "selct: [SES3]\n", ["selct"]),
        (".ses-lint.yaml", "fail-on: fatal\n", ["fail-on"]),
        (".ses-lint.yaml", "timeout: soon\n", ["timeout"]),
        (".ses-lint.yaml", "severity:\n  SES502: loud\n", ["SES502"]),
        (".ses-lint.yaml", "ignore: [SES999]\n", ["SES999", "ignore"]),
        (".ses-lint.yaml", "severity:\n  SES999: error\n", ["SES999", "severity"]),
        (".ses-lint.yaml", "per-file-ignores:\n  'x/*': [SES999]\n", ["SES999"]),
        (".ses-lint.yaml", "stages: [static, quantum]\n", ["stages", "quantum"]),
        (".ses-lint.yaml", "[unclosed\n", []),
        (".ses-lint.yaml", "- just\n- a list\n", []),
        ("pyproject.toml", "[tool.ses-lint]\nextend-selct = ['SES3']\n", ["extend-selct"]),
        ("pyproject.toml", "[tool.ses-lint\n", []),
    ],
)
def test_bad_configuration_exit_2_naming_file_and_key(name, content, words, write, workdir):
    write(name, content)
    write("sub/clean.yaml", CLEAN)
    code, out, err = run_cli("clean.yaml", cwd=workdir / "sub")
    assert code == 2, (out, err)
    assert out == ""
    assert str(workdir / name) in err
    for word in words:
        assert word in err
    assert "Traceback" not in err


# --- inline suppressions --------------------------------------------------------------------------

SUPPRESSED = """\
version: "1.0"
providers:
  email-one:
    provider: email.ses
    config:
      from: noreply@example.com  # ses-lint: disable=SES502
      region: eu-west-1
  email-two:
    provider: email.ses
    config:
      # ses-lint: disable=SES502
      from: noreply@example.org
      region: eu-west-1
  email-three:
    provider: email.ses
    config:
      # ses-lint: disable=SES5
      from: noreply@example.net
      region: eu-west-1  # ses-lint: disable=SES401
      profile: prod  # ses-lint: disable=SES999
"""


def test_inline_suppressions(write, workdir):
    write("s.yaml", SUPPRESSED)
    code, out, _ = run_cli("s.yaml", cwd=workdir)
    assert parse_text(out) == [
        ("s.yaml", 19, 26, "SES008", "info"),  # suppresses nothing
        ("s.yaml", 20, 22, "SES008", "info"),  # not a code
    ]
    assert code == 0
    assert "SES401" in out and "SES999" in out


def test_suppression_in_place_removes_only_that_finding(write, workdir):
    write("s.yaml", RESERVED.replace("region: eu-west-1", "region: eu-west-1  # ses-lint: disable=SES502"))
    _, out, _ = run_cli("s.yaml", cwd=workdir)
    assert codes(out) == ["SES502", "SES008"]


def test_disable_file(write, workdir):
    write("s.yaml", "# ses-lint: disable-file=SES502,SES309\n" + HARDCODED.replace("mycompany.com", "example.com"))
    code, out, _ = run_cli("s.yaml", cwd=workdir)
    assert codes(out) == ["SES302", "SES301"]
    assert code == 1


def test_useless_suppression_can_fail_the_run(write, workdir):
    write("s.yaml", CLEAN.replace("eu-west-1", "eu-west-1  # ses-lint: disable=SES401"))
    code, out, _ = run_cli("--fail-on", "info", "s.yaml", cwd=workdir)
    assert codes(out) == ["SES008"]
    assert code == 1
    assert run_cli("--ignore", "SES008", "s.yaml", cwd=workdir).out == f"No problems found (1 file checked; stages: static {STAGES['static'] - 1} rules).\n"


# --- rules and explain ----------------------------------------------------------------------------


def test_rules_lists_every_code():
    from ses_lint.rules import load_rules

    registry = load_rules()
    code, out, err = run_installed("rules")
    assert (code, err) == (0, "")
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == list(registry)
    for line, rule in zip(out.splitlines(), registry.values()):
        assert line.split()[:4] == [rule.code, rule.name, rule.stage.value, rule.severity.value]


def test_explain_prints_docs():
    code, out, err = run_installed("explain", "SES301")
    assert (code, err) == (0, "")
    assert out.startswith("SES301 hardcoded-secret")
    assert "source rules/ses3_credentials.py" in out.splitlines()[0]
    for section in ("Why:", "Fix:", "Bad:", "Good:"):
        assert section in out
    assert out.index("Why:") < out.index("Fix:") < out.index("Bad:") < out.index("Good:")
    assert run_cli("explain", "hardcoded-secret").out == out
    assert run_cli("explain", "ses301").out == out


@pytest.mark.parametrize("code", ["SES008", "SES504", "SES628", "SES640", "SES711", "SES740", "SES840"])
def test_explain_names_the_source_file_and_the_file_holds_the_rule(code):
    first = run_cli("explain", code).out.splitlines()[0]
    source = first.rsplit("source ", 1)[1].rstrip(")")
    assert f'@rule("{code}"' in (Path(__file__).resolve().parents[1] / source).read_text()


@pytest.mark.parametrize("code", ["SES001", "SES002", "SES101"])
def test_explain_examples_keep_their_indentation(code):
    from ses_lint.rules import load_rules

    rule = load_rules()[code]
    raw = rule.check.__doc__
    bad = raw.split("Bad:")[1].split("Good:")[0]
    nested = [line.strip() for line in bad.splitlines() if line.startswith(" " * 10)]
    assert nested, "the docstring has a nested example"
    out = run_cli("explain", code).out
    printed_bad = out.split("Bad:")[1].split("Good:")[0]
    assert any(line.startswith(" " * 6) and line.strip() == nested[0] for line in printed_bad.splitlines())


def test_explain_unknown_code_exit_2():
    code, out, err = run_cli("explain", "SES999")
    assert code == 2
    assert out == ""
    assert "SES999" in err and "Traceback" not in err


def test_version():
    from ses_lint import __version__

    code, out, _ = run_installed("--version")
    assert code == 0
    assert out.strip() == f"ses-lint {__version__}"


def test_help():
    code, out, _ = run_installed("--help")
    assert code == 0
    assert "check" in out and "explain" in out
    code, out, _ = run_cli("check", "--help")
    assert code == 0
    for flag in ("--select", "--ignore", "--extend-select", "--severity", "--fail-on", "--format", "--output", "--quiet"):
        assert flag in out
