"""A gate a team can trust and adopt, through the installed CLI: selections whose stage is off, runs that
checked nothing, the summary's stages, baselines across edits, and safe fixes (--fix, --diff)."""
from __future__ import annotations

import json

import pytest
from support import CLEAN, DATA, HARDCODED, NOT_A_CONFIG, SECRET, codes, ran, run_cli, run_installed
from ses_lint.rules import load_rules

# --- selections whose stage does not run ----------------------------------------------------------

MISSING_STAGE = [
    (("--select", "SES6"), "`SES6` selects only dns rules", "--dns"),
    (("--select", "SES3,SES640"), "`SES640` selects only dns rules", "--dns"),
    (("--select", "dns-unknown"), "`dns-unknown` selects only dns rules", "--dns"),
    (("--select", "SES7", "--dns"), "`SES7` selects only aws rules", "--aws"),
    (("--select", "SES8", "--aws"), "`SES8` selects only probe rules", "--probe"),
    (("--extend-select", "SES740"), "`SES740` selects only aws rules", "--aws"),
]


@pytest.mark.parametrize("args, words, flag", MISSING_STAGE, ids=[" ".join(item[0]) for item in MISSING_STAGE])
def test_a_selection_whose_stage_is_off_is_a_usage_error(write, workdir, args, words, flag):
    write("ses.yaml", CLEAN)
    code, out, err = run_cli(*args, "ses.yaml", cwd=workdir)
    assert (code, out) == (2, "")
    assert words in err and f"add {flag}" in err
    assert len(err.strip().splitlines()) == 1


def test_a_configured_selection_whose_stage_is_off_names_the_file(write, workdir):
    write("ses.yaml", CLEAN)
    write(".ses-lint.yaml", "select: [SES6]\n")
    code, _, err = run_cli("ses.yaml", cwd=workdir)
    assert code == 2 and ".ses-lint.yaml: select: `SES6` selects only dns rules" in err and "--dns" in err
    write(".ses-lint.yaml", "select: [SES6, SES4]\nstages: [dns]\n")
    assert run_cli("--nameserver", "127.0.0.1:9", "--timeout", "0.2", "--select", "SES4", "ses.yaml", cwd=workdir).code == 0


def test_ignoring_rules_of_a_stage_that_is_off_is_fine(write, workdir):
    write("ses.yaml", CLEAN)
    assert run_cli("--ignore", "SES6", "ses.yaml", cwd=workdir).code == 0


# --- a run that checked nothing ---------------------------------------------------------------------


def test_a_run_that_checked_no_provider_config_says_so(write, workdir):
    write("deploy/other.yaml", NOT_A_CONFIG)
    code, out, _ = run_cli("deploy", cwd=workdir)
    assert code == 0
    assert out == f"No provider config found: nothing was checked (0 files checked, 1 skipped (not provider configs); {ran()}).\n"
    code, out, _ = run_cli("--fail-on-empty", "deploy", cwd=workdir)
    assert code == 1 and out.startswith("No provider config found")
    write(".ses-lint.yaml", "fail-on-empty: true\n")
    assert run_cli("deploy", cwd=workdir).code == 1
    write("deploy/ses.yaml", CLEAN)
    assert run_cli("deploy", cwd=workdir).code == 0  # something was checked


def test_fail_on_empty_must_be_a_boolean(write, workdir):
    write(".ses-lint.yaml", "fail-on-empty: yes-please\n")
    code, _, err = run_cli(".", cwd=workdir)
    assert code == 2 and "`fail-on-empty` has the wrong type" in err


def test_summary_names_the_stages_and_their_rule_counts(write, workdir):
    write("ses.yaml", CLEAN)
    rules = load_rules().values()
    static = sum(1 for rule in rules if rule.stage.value == "static")
    dns = sum(1 for rule in rules if rule.stage.value == "dns")
    _, out, _ = run_cli("ses.yaml", cwd=workdir)
    assert out == f"No problems found (1 file checked; stages: static {static} rules).\n"
    code, out, _ = run_cli("--dns", "--nameserver", "127.0.0.1:9", "--timeout", "0.2", "--severity", "SES640=info", "ses.yaml", cwd=workdir)
    assert out.splitlines()[-1].endswith(f"; stages: static {static} rules, dns {dns} rules).")
    _, out, _ = run_cli("--select", "SES3,SES4", "ses.yaml", cwd=workdir)
    chosen = sum(1 for rule in rules if rule.code[:4] in ("SES3", "SES4")) + 1  # SES013 runs whatever is selected
    assert out.endswith(f"stages: static {chosen} rules).\n")


# --- baselines ------------------------------------------------------------------------------------

LEGACY = HARDCODED + "      endpoint: http://localhost:4566\n"  # SES302, SES301, SES407 (an emulator: no SES309)


def test_baseline_round_trip_survives_edits_above(write, workdir):
    path = write("deploy/ses.yaml", LEGACY)
    code, out, _ = run_cli("--write-baseline", "baseline.json", "deploy", cwd=workdir)
    assert code == 0 and out == "Wrote 3 findings to the baseline baseline.json.\n"
    baseline = json.loads((workdir / "baseline.json").read_text())
    assert [entry["code"] for entry in baseline["entries"]] == ["SES301", "SES302", "SES407"]
    assert {entry["file"] for entry in baseline["entries"]} == {"deploy/ses.yaml"}
    assert SECRET not in (workdir / "baseline.json").read_text()

    code, out, _ = run_cli("--baseline", "baseline.json", "deploy", cwd=workdir)
    assert (code, codes(out)) == (0, [])
    assert "3 in the baseline not shown" in out

    # Lines added above every finding: the entries still match (by key path and value, not by line).
    path.write_text("# a comment\n# another\n" + LEGACY.replace("    name: AWS SES Email\n", "    name: AWS SES Email\n    description: legacy\n"))
    code, out, _ = run_cli("--baseline", "baseline.json", "deploy", cwd=workdir)
    assert (code, codes(out)) == (0, [])

    # A new problem is reported; the baselined ones stay hidden.
    path.write_text(path.read_text().replace("region: eu-west-1", "region: us-east1"))
    code, out, _ = run_cli("--baseline", "baseline.json", "deploy", cwd=workdir)
    assert (code, codes(out)) == (1, ["SES401"])


def test_baseline_works_from_another_folder(write, workdir):
    write("deploy/ses.yaml", LEGACY)
    assert run_cli("--write-baseline", "ci/baseline.json", "deploy", cwd=workdir).code == 0 if (workdir / "ci").mkdir() is None else False
    code, out, _ = run_cli("--baseline", "../ci/baseline.json", "ses.yaml", cwd=workdir / "deploy")
    assert (code, codes(out)) == (0, [])


def test_a_changed_value_is_a_new_finding_and_its_old_entry_is_stale(write, workdir):
    path = write("ses.yaml", LEGACY)
    run_cli("--write-baseline", "baseline.json", "ses.yaml", cwd=workdir)
    other = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7d"  # another key, shaped like a real one
    path.write_text(LEGACY.replace(SECRET, other))
    code, out, _ = run_cli("--baseline", "baseline.json", "ses.yaml", cwd=workdir)
    assert code == 1
    assert codes(out) == ["SES014", "SES301"]
    stale = next(line for line in out.splitlines() if "SES014" in line)
    assert stale.startswith("baseline.json:5:5: SES014 [info] baseline entry SES301 at `providers.email-ses.config.secret_access_key` in ses.yaml no longer occurs")
    assert other not in out and SECRET not in out


def test_a_fixed_problem_leaves_a_stale_entry(write, workdir):
    path = write("ses.yaml", LEGACY)
    run_cli("--write-baseline", "baseline.json", "ses.yaml", cwd=workdir)
    path.write_text(LEGACY.replace("      endpoint: http://localhost:4566\n", ""))
    code, out, _ = run_cli("--baseline", "baseline.json", "ses.yaml", cwd=workdir)
    assert (code, codes(out)) == (0, ["SES014", "SES309"])  # SES309 is new: without the emulator, static keys are real ones
    assert "SES407" in out and "`providers.email-ses.config.endpoint`" in out
    assert run_cli("--baseline", "baseline.json", "--fail-on", "info", "ses.yaml", cwd=workdir).code == 1


def test_keyless_findings_match_by_their_line_text(write, workdir):
    path = write("ses.yaml", CLEAN.replace("      region: eu-west-1\n", "      region: eu-west-1\n      region: eu-west-1\n"))
    run_cli("--write-baseline", "b.json", "ses.yaml", cwd=workdir)
    path.write_text("# moved down\n" + path.read_text())
    assert codes(run_cli("--baseline", "b.json", "ses.yaml", cwd=workdir).out) == []


@pytest.mark.parametrize("content, words", [
    ("not json", "invalid JSON at line 1"),
    ('{"tool": "other", "entries": []}', "not a ses-lint baseline"),
    ('{"tool": "ses-lint", "entries": [{"code": 1}]}', "entry 1 must have the string fields code, file, key, hash"),
])
def test_an_unusable_baseline_is_a_usage_error(write, workdir, content, words):
    write("ses.yaml", CLEAN)
    write("b.json", content)
    code, out, err = run_cli("--baseline", "b.json", "ses.yaml", cwd=workdir)
    assert (code, out) == (2, "") and words in err and "b.json" in err
    assert run_cli("--baseline", "missing.json", "ses.yaml", cwd=workdir).code == 2


# --- safe fixes -----------------------------------------------------------------------------------

ODD = """\
# deploy config: keep the comments
version: 1.0   # the format's version
providers:
  email-ses:
    name: 'Primary'   # single-quoted
    provider: email.ses
    enabled: Yes      # YAML 1.1 boolean
    config:
      platform: ses
      from: "noreply@mycompany.com"
      region: 'us-east1'   # a typo, quoted
      acces_key_id: ${SES_KEY}
      secret_access_key: ${SES_SECRET}
  backup:
    provider: email.ses
    enabled: off
    config: {platform: ses, from: "backup@mycompany.com", aws_region: "eu-west-1", imds_disable: no}
"""

FIXED = """\
# deploy config: keep the comments
version: "1.0"   # the format's version
providers:
  email-ses:
    name: 'Primary'   # single-quoted
    provider: email.ses
    enabled: true      # YAML 1.1 boolean
    config:
      from: "noreply@mycompany.com"
      region: 'us-east-1'   # a typo, quoted
      access_key_id: ${SES_KEY}
      secret_access_key: ${SES_SECRET}
  backup:
    provider: email.ses
    enabled: false
    config: {from: "backup@mycompany.com", region: "eu-west-1", imds_disable: false}
"""
FIXABLE = {"SES004", "SES006", "SES203", "SES103", "SES401"}


def test_diff_shows_every_safe_fix_and_writes_nothing(write, workdir):
    path = write("ses.yaml", ODD)
    code, out, err = run_cli("--diff", "ses.yaml", cwd=workdir)
    assert (code, err) == (1, "")
    assert path.read_text() == ODD
    assert out.startswith("--- a/ses.yaml\n+++ b/ses.yaml\n")
    removed = [line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == [line for line in ODD.splitlines() if line not in FIXED.splitlines()]
    assert added == [line for line in FIXED.splitlines() if line not in ODD.splitlines()]


def test_fix_splices_edits_keeps_comments_and_is_idempotent(write, workdir):
    path = write("ses.yaml", ODD)
    before = run_cli("--format", "json", "ses.yaml", cwd=workdir)
    fixable = [f for f in json.loads(before.out)["findings"] if f["fix"]]
    assert sorted({f["code"] for f in fixable}) == sorted(FIXABLE)
    code, out, err = run_installed("--fix", "ses.yaml", cwd=workdir)  # the installed script, once for --fix
    assert err == f"ses-lint: fixed {len(fixable)} problems in 1 file\n"
    assert path.read_text() == FIXED
    assert not FIXABLE & set(codes(out))  # the fixed file lints clean of every fixed code
    assert run_cli("--fix", "ses.yaml", cwd=workdir) == (code, out, "")  # a second --fix changes nothing
    assert path.read_text() == FIXED
    assert run_cli("--diff", "ses.yaml", cwd=workdir) == (0, "", "")


def test_fix_keeps_crlf_line_ends_and_a_byte_order_mark(write, workdir):
    path = workdir / "ses.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ODD.replace("\n", "\r\n").encode())
    run_cli("--fix", "ses.yaml", cwd=workdir)
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


NOT_FIXED = [
    # (the config lines, the code that stays, why)
    ("      from: noreply@mycompany.com\n      region: us-west\n", "SES401"),  # us-west-1 or us-west-2?
    ("      from: noreply@mycompany.com\n      region: eu-west-1\n      aws_region: eu-west-1\n", "SES103"),  # a duplicate key would follow
    ("      from: noreply@mycompany.com\n      region: eu-west-1\n      acess: x\n", "SES103"),  # no confident suggestion
    ("      platform: ses  # why\n      from: noreply@mycompany.com\n      region: eu-west-1\n", "SES203"),  # a comment shares the line
    ("      from: noreply@mycompany.com\n      region: eu-west-1\n      access_key_id: <your-access-key-id>\n"
     "      secret_access_key: <your-secret-access-key>\n", "SES303"),  # never invent values
]


@pytest.mark.parametrize("config, code", NOT_FIXED, ids=[f"{item[1]}-{index}" for index, item in enumerate(NOT_FIXED)])
def test_what_is_not_safe_is_not_fixed(write, workdir, config, code):
    text = 'version: "1.0"\nproviders:\n  email-ses:\n    provider: email.ses\n    config:\n' + config
    path = write("ses.yaml", text)
    assert code in codes(run_cli("ses.yaml", cwd=workdir).out)
    run_cli("--fix", "ses.yaml", cwd=workdir)
    assert path.read_text() == text
    assert code in codes(run_cli("ses.yaml", cwd=workdir).out)


def test_a_yaml11_boolean_in_a_string_field_is_not_rewritten(write, workdir):
    text = CLEAN + "workflows:\n  - name: w\n    steps:\n      - task: notify\n        config:\n          provider: email-ses\n" \
                   "          subject: yes\n          to: [ops@mycompany.com]\n          body: {text: hi}\n"
    path = write("ses.yaml", text)
    assert "SES006" in codes(run_cli("ses.yaml", cwd=workdir).out)
    run_cli("--fix", "ses.yaml", cwd=workdir)
    assert path.read_text() == text


def test_sarif_carries_safe_fixes_and_says_other_suggestions(write, workdir):
    import jsonschema

    write("ses.yaml", ODD)
    code, out, _ = run_cli("--format", "sarif", "ses.yaml", cwd=workdir)
    document = json.loads(out)
    jsonschema.validate(document, json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))
    results = document["runs"][0]["results"]
    fixed = {result["ruleId"] for result in results if "fixes" in result}
    assert fixed == FIXABLE
    region = next(result for result in results if result["ruleId"] == "SES401")
    [change] = region["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "ses.yaml"
    assert change["replacements"] == [{"deletedRegion": {"startLine": 11, "startColumn": 15, "endLine": 11, "endColumn": 25},
                                       "insertedContent": {"text": "'us-east-1'"}}]
    write("other.yaml", CLEAN.replace("      region: eu-west-1\n", ""))
    _, out, _ = run_cli("--format", "sarif", "other.yaml", cwd=workdir)
    [implicit] = json.loads(out)["runs"][0]["results"]
    assert "fixes" not in implicit and implicit["message"]["text"].endswith("(suggestion: `region: us-east-1`)")


def test_text_and_json_print_the_suggestion(write, workdir):
    write("ses.yaml", CLEAN.replace("      region: eu-west-1\n", ""))
    _, out, _ = run_cli("ses.yaml", cwd=workdir)
    assert "SES403 [info] no `region`: it defaults to `us-east-1`; say so explicitly (suggestion: `region: us-east-1`)" in out
    finding = json.loads(run_cli("--format", "json", "ses.yaml", cwd=workdir).out)["findings"][0]
    assert (finding["suggestion"], finding["fix"]) == ("region: us-east-1", None)
    write("typo.yaml", CLEAN.replace("eu-west-1", "eu-west1"))
    finding = json.loads(run_cli("--format", "json", "typo.yaml", cwd=workdir).out)["findings"][0]
    assert finding["suggestion"] == "eu-west-1"
    assert finding["fix"] == {"description": "write `eu-west-1`",
                              "replacement": {"line": 9, "column": 15, "end_line": 9, "end_column": 23, "text": "eu-west-1"}}
    assert "(suggestion" not in run_cli("typo.yaml", cwd=workdir).out  # the message already says it


def test_diff_never_prints_a_secret(write, workdir):
    path = write("ses.yaml", HARDCODED.replace("eu-west-1", "eu-west1"))  # the secret is two lines below: in the hunk's context
    code, out, _ = run_cli("--diff", "ses.yaml", cwd=workdir)
    assert code == 1 and "+      region: eu-west-1" in out and SECRET not in out and "secret_access_key: ****" in out
    run_cli("--fix", "ses.yaml", cwd=workdir)
    assert SECRET in path.read_text()  # the file itself keeps its (reported) secret: only the fix is written


def test_requirements_need_a_format_that_can_show_them(write, workdir):
    write("ses.yaml", CLEAN)
    code, out, err = run_cli("--requirements", "--format", "sarif", "ses.yaml", cwd=workdir)
    assert (code, out) == (2, "") and "--requirements prints text, json or markdown, not sarif" in err
    code, out, _ = run_cli("--requirements", "ses.yaml", cwd=workdir)
    assert code == 0 and "ses.yaml: email-ses: Gmail: SPF passes: not checked (needs --dns)" in out
    assert "ses.yaml: email-ses: Apple iCloud Mail: messages in RFC 5322 format (valid From): met" in out
