"""The finding cap (`ses_lint.core.cap`, `--max-per-rule`): a report shows at most 100 findings of a rule
(and severity) in one file, then one finding counting the rest, at the first one left out. It never
hides a code, never drops an error while showing warnings, never changes the exit status, and the
baseline, `--statistics` and the summary's counts see every finding."""
from __future__ import annotations

import json

from support import CLEAN, run_cli

from ses_lint.core.cap import cap
from ses_lint.core.findings import ERROR, WARNING, Finding


def unknown_keys(count: int, start: int = 0, suppressed: bool = False) -> str:
    comment = "  # ses-lint: disable=SES103" if suppressed else ""
    return CLEAN + "".join(f"      k{index}: v{comment}\n" for index in range(start, start + count))


def finding(code: str, line: int, severity=ERROR, file: str = "a.yaml") -> Finding:
    return Finding(f"{code} at {line}", file, line=line, column=1, code=code, name=code.lower(), severity=severity)


def test_the_first_findings_of_each_rule_severity_and_file_then_one_counting_the_rest():
    findings = sorted(
        [finding("SES103", line) for line in range(1, 8)]
        + [finding("SES103", line, WARNING) for line in range(10, 13)]  # a rule may grade its findings
        + [finding("SES401", 20)]
        + [finding("SES103", line, file="b.yaml") for line in range(1, 4)],
        key=Finding.sort_key,
    )
    shown = cap(findings, 2)
    assert [(f.file, f.code, f.severity.value, f.line, f.message) for f in shown] == [
        ("a.yaml", "SES103", "error", 1, "SES103 at 1"),
        ("a.yaml", "SES103", "error", 2, "SES103 at 2"),
        ("a.yaml", "SES103", "error", 3, "and 5 more SES103 errors in this file, not shown: at most 2 of one rule's findings are shown per file (`--max-per-rule 0` shows them all)"),
        ("a.yaml", "SES103", "warning", 10, "SES103 at 10"),
        ("a.yaml", "SES103", "warning", 11, "SES103 at 11"),
        ("a.yaml", "SES103", "warning", 12, "and 1 more SES103 warning in this file, not shown: at most 2 of one rule's findings are shown per file (`--max-per-rule 0` shows them all)"),
        ("a.yaml", "SES401", "error", 20, "SES401 at 20"),
        ("b.yaml", "SES103", "error", 1, "SES103 at 1"),
        ("b.yaml", "SES103", "error", 2, "SES103 at 2"),
        ("b.yaml", "SES103", "error", 3, "and 1 more SES103 error in this file, not shown: at most 2 of one rule's findings are shown per file (`--max-per-rule 0` shows them all)"),
    ]
    assert shown[2].extra == {"elided": 5} and shown[2].name == "ses103"
    assert cap(findings, 0) is findings and cap(findings, 7) is findings


def test_a_file_with_250_unknown_keys_shows_100_and_counts_the_rest(write):
    path = write("many.yaml", unknown_keys(250))
    text = run_cli("check", path)
    lines = text.out.splitlines()
    assert text.code == 1 and len(lines) == 102, text.err
    assert lines[99] == f"{path}:109:7: SES103 [error] unknown key `k99`"
    assert lines[100] == (f"{path}:110:7: SES103 [error] and 150 more SES103 errors in this file, not shown: at most 100 of one"
                          " rule's findings are shown per file (`--max-per-rule 0` shows them all)")
    assert lines[101].startswith("Found 250 errors (1 file checked")
    report = json.loads(run_cli("check", "--format", "json", path).out)
    assert len(report["findings"]) == 101 and report["summary"]["errors"] == 250
    assert report["findings"][100]["key"] == "providers.email-ses.config.k100" and report["findings"][100]["line"] == 110
    sarif = json.loads(run_cli("check", "--format", "sarif", path).out)
    assert len(sarif["runs"][0]["results"]) == 101


def test_statistics_count_every_finding(write):
    path = write("many.yaml", unknown_keys(250))
    result = run_cli("check", "--statistics", "--format", "json", path)
    assert result.code == 1 and json.loads(result.out) == [{"code": "SES103", "name": "unknown-key", "count": 250}]


def test_the_cap_is_an_option(write, workdir):
    path = write("many.yaml", unknown_keys(250))
    assert len(json.loads(run_cli("check", "--format", "json", "--max-per-rule", "0", path).out)["findings"]) == 250
    assert len(json.loads(run_cli("check", "--format", "json", "--max-per-rule", "3", path).out)["findings"]) == 4
    write(".ses-lint.yaml", "max-per-rule: 10\n")
    assert len(json.loads(run_cli("check", "--format", "json", "many.yaml", cwd=workdir).out)["findings"]) == 11


def test_a_different_code_is_never_hidden(write):
    text = unknown_keys(250).replace("region: eu-west-1", "region: eu-west1")
    report = json.loads(run_cli("check", "--format", "json", write("many.yaml", text)).out)
    assert [f["code"] for f in report["findings"]].count("SES401") == 1 and len(report["findings"]) == 102


def test_elided_warnings_still_fail_the_gate(write):
    providers = 'version: "1.0"\nproviders:\n' + "".join(
        f"  p{index}:\n    provider: email.ses\n    config: {{from: a{index}@example.com, region: us-east-1}}\n" for index in range(150))
    path = write("reserved.yaml", providers)
    capped = run_cli("check", "--format", "json", "--fail-on", "warning", "--max-per-rule", "1", path)
    assert capped.code == 1 and len(json.loads(capped.out)["findings"]) == 2 and json.loads(capped.out)["summary"]["warnings"] == 150
    assert run_cli("check", "--max-per-rule", "1", path).code == 0  # warnings do not fail the default gate, capped or not


def test_the_baseline_holds_every_finding(write, workdir):
    path = write("many.yaml", unknown_keys(250))
    written = run_cli("check", "--write-baseline", "baseline.json", "many.yaml", cwd=workdir)
    assert written.code == 0 and written.out == "Wrote 250 findings to the baseline baseline.json.\n"
    assert len(json.loads((workdir / "baseline.json").read_text())["entries"]) == 250
    clean = run_cli("check", "--baseline", "baseline.json", "many.yaml", cwd=workdir)
    assert clean.code == 0 and "250 in the baseline not shown" in clean.out and "SES014" not in clean.out
    path.write_text(unknown_keys(251))
    new = run_cli("check", "--format", "json", "--baseline", "baseline.json", "many.yaml", cwd=workdir)
    assert new.code == 1 and [f["key"] for f in json.loads(new.out)["findings"]] == ["providers.email-ses.config.k250"]


def test_suppressions_are_matched_against_every_finding(write):
    """The cap comes after suppressions: a suppression of a finding past the first 100 is used (no SES008)."""
    path = write("many.yaml", unknown_keys(250, suppressed=True))
    result = run_cli("check", "--format", "json", path)
    assert result.code == 0 and json.loads(result.out)["findings"] == []


def test_a_provider_whose_findings_are_not_shown_still_fails_its_row(write):
    """The Markdown summary's per-provider rows and the readiness report judge every finding: the 150th
    provider's region error is past the cap, and its static row still says it failed."""
    providers = 'version: "1.0"\nproviders:\n' + "".join(
        f"  p{index:03}:\n    provider: email.ses\n    config: {{from: a@mycompany.com, region: us-east{index}}}\n" for index in range(150))
    result = run_cli("check", "--format", "markdown", "--requirements", write("regions.yaml", providers))
    assert result.code == 1
    section = result.out.split("### `p149`", 1)[1].split("###", 1)[0]
    assert "| static | " in section and "1 error" in section and "passed" not in section.split("| static |", 1)[1].split("\n", 1)[0]
