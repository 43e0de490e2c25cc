"""Every output format, end to end: JSON's documented shape, SARIF for GitHub code scanning (validated
against the 2.1.0 schema), GitHub workflow commands, JUnit XML; and no secret in any of them."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from support import (
    ACCESS_KEY,
    BROKEN_YAML,
    CLEAN,
    DATA,
    HARDCODED,
    NOT_A_CONFIG,
    RESERVED,
    SECRET,
    ran,
    run_cli,
    run_installed,
)
from test_cli import SEED_FINDINGS

STAGES = {"static": int(ran().split()[2])}  # the static stage ran, with every static rule

FORMATS = ("text", "json", "sarif", "github", "junit")
FINDING_KEYS = ["code", "name", "severity", "stage", "message", "file", "line", "column", "provider", "key", "suggestion", "fix"]
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def as_json(*args, **kwargs) -> tuple[int, dict]:
    code, out, err = run_cli("--format", "json", *args, **kwargs)
    assert code in (0, 1), err
    return code, json.loads(out)


def as_sarif(validator, *args, **kwargs) -> tuple[int, dict]:
    code, out, err = run_cli("--format", "sarif", *args, **kwargs)
    assert code in (0, 1), err
    document = json.loads(out)
    assert_valid_sarif(validator, document)
    return code, document


_VALID_DRIVERS: set[str] = set()


def assert_valid_sarif(validator, document: dict) -> None:
    """`document` is valid SARIF. Each run's `tool.driver` (every rule's metadata: the same in most runs
    of the suite) is validated whole once per distinct driver, and the document with each driver cut to its
    name every time: the schema has no constraint between a run's driver and its other parts, so the
    two checks together are the check of the whole document."""
    runs = document.get("runs")
    if isinstance(runs, list):
        document = {**document, "runs": [dict(run) for run in runs]}
        for run in document["runs"]:
            driver = run.get("tool", {}).get("driver") if isinstance(run.get("tool"), dict) else None
            if not isinstance(driver, dict) or "name" not in driver:
                continue
            key = json.dumps(driver, sort_keys=True)
            if key not in _VALID_DRIVERS:
                _assert_no_errors(validator, {"version": "2.1.0", "runs": [{"tool": {"driver": driver}}]})
                _VALID_DRIVERS.add(key)
            run["tool"] = {**run["tool"], "driver": {"name": driver["name"]}}
    _assert_no_errors(validator, document)


def _assert_no_errors(validator, document: dict) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


# --- JSON -----------------------------------------------------------------------------------------


def test_json_shape_exactly_as_documented(write, workdir):
    from ses_lint import __version__

    write("keys.yaml", HARDCODED)
    code, document = as_json("keys.yaml", cwd=workdir)
    assert code == 1
    assert list(document) == ["tool", "findings", "summary"]
    assert document["tool"] == {"name": "ses-lint", "version": __version__}
    assert list(document["summary"]) == ["files", "errors", "warnings", "infos", "stages", "baselined"]
    assert document["summary"] == {"files": 1, "errors": 2, "warnings": 0, "infos": 1, "stages": STAGES, "baselined": 0}
    for finding in document["findings"]:
        assert list(finding) == FINDING_KEYS
    secret = document["findings"][2]
    assert secret == {
        "code": "SES301",
        "name": "hardcoded-secret",
        "severity": "error",
        "stage": "static",
        "message": secret["message"],
        "file": "keys.yaml",
        "line": 11,
        "column": 26,
        "provider": "email-ses",
        "key": "providers.email-ses.config.secret_access_key",
        "suggestion": None,
        "fix": None,
    }
    assert isinstance(secret["message"], str) and secret["message"]
    assert [(f["code"], f["line"], f["column"]) for f in document["findings"]] == [("SES309", 10, 7), ("SES302", 10, 22), ("SES301", 11, 26)]


def test_json_seed_examples():
    code, document = as_json("examples/seed")
    assert code == 1
    assert [(f["file"], f["line"], f["column"], f["code"], f["severity"]) for f in document["findings"]] == SEED_FINDINGS
    assert document["summary"] == {"files": 6, "errors": 2, "warnings": 10, "infos": 2, "stages": STAGES, "baselined": 0}
    for finding in document["findings"]:
        assert finding["stage"] == "static"
        assert isinstance(finding["line"], int) and finding["line"] >= 1
        assert isinstance(finding["column"], int) and finding["column"] >= 1


def test_json_null_provider_and_key_for_file_level_findings(write, workdir):
    write("broken.yaml", BROKEN_YAML)
    code, document = as_json("broken.yaml", cwd=workdir)
    assert code == 1
    [finding] = document["findings"]
    assert finding["code"] == "SES001" and finding["name"] == "yaml-syntax"
    assert finding["provider"] is None and finding["key"] is None
    assert finding["line"] >= 1 and finding["column"] >= 1
    assert document["summary"] == {"files": 1, "errors": 1, "warnings": 0, "infos": 0, "stages": STAGES, "baselined": 0}


def test_json_key_column_for_key_problems_value_column_for_value_problems(write, workdir):
    write("c.yaml", CLEAN.replace("      region: eu-west-1\n", "      region: eu-west1\n      aws_regoin: x\n"))
    _, document = as_json("c.yaml", cwd=workdir)
    found = {f["code"]: f for f in document["findings"]}
    assert (found["SES401"]["line"], found["SES401"]["column"]) == (9, 15)  # the value
    assert (found["SES103"]["line"], found["SES103"]["column"]) == (10, 7)  # the key
    assert found["SES103"]["key"] == "providers.email-ses.config.aws_regoin"


def test_json_summary_counts_only_provider_configs(write, workdir):
    write("d/clean.yaml", CLEAN)
    write("d/other.yaml", NOT_A_CONFIG)
    write("d/another.yml", "just: data\n")
    _, document = as_json("d", cwd=workdir)
    assert document == {**document, "findings": []}
    assert document["summary"]["files"] == 1


def test_json_clean_is_still_a_document_when_quiet(write, workdir):
    write("clean.yaml", CLEAN)
    code, out, _ = run_cli("--format", "json", "--quiet", "clean.yaml", cwd=workdir)
    assert code == 0
    assert json.loads(out)["findings"] == []


# --- SARIF ----------------------------------------------------------------------------------------


def test_sarif_examples_valid_and_complete(sarif_validator):
    from ses_lint.rules import load_rules

    from ses_lint import __version__

    code, document = as_sarif(sarif_validator, "examples/")
    assert code == 1
    assert document["version"] == "2.1.0"
    assert document["$schema"].startswith("https://")
    [run] = document["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "ses-lint"
    assert driver["version"] == __version__
    assert driver["informationUri"] == "https://pypi.org/project/ses-lint/"

    registry = load_rules()
    assert [rule["id"] for rule in driver["rules"]] == list(registry)
    for rule in driver["rules"]:
        source = registry[rule["id"]]
        assert rule["name"] == source.name
        assert rule["shortDescription"]["text"] == source.docs.summary
        assert rule["fullDescription"]["text"].startswith(source.docs.summary)
        assert rule["help"]["text"] and rule["help"]["markdown"]
        if source.docs.sections.get("Why"):
            assert "Why" in rule["help"]["text"] and "**Why:**" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == SARIF_LEVEL[source.severity.value]
        assert rule["properties"]["tags"] == list(dict.fromkeys([source.stage.value, source.family]))

    _, reference = as_json("examples/")
    assert len(run["results"]) == len(reference["findings"])
    for result, finding in zip(run["results"], reference["findings"]):
        assert result["ruleId"] == finding["code"]
        assert driver["rules"][result["ruleIndex"]]["id"] == finding["code"]
        assert result["level"] == SARIF_LEVEL[finding["severity"]]
        suggestion = finding["suggestion"]
        unsaid = suggestion and f"`{suggestion}`" not in finding["message"] and suggestion not in finding["message"]
        said = f"{finding['message']} (suggestion: `{suggestion}`)" if unsaid and "fixes" not in result else finding["message"]
        assert result["message"]["text"] == said
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == finding["file"]
        region = physical["region"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"])
        if "endLine" in region:
            assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_sarif_seed_regions(sarif_validator):
    _, document = as_sarif(sarif_validator, "examples/seed")
    results = document["runs"][0]["results"]
    got = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
            r["level"],
        )
        for r in results
    ]
    assert got == [(file, line, col, code, SARIF_LEVEL[level]) for file, line, col, code, level in SEED_FINDINGS]
    # `from: noreply@example.com` at 9:13: the region ends after the value (exclusive end column).
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 13, "endLine": 9, "endColumn": 32}


def test_sarif_levels_follow_severity_overrides(sarif_validator, write, workdir):
    write("keys.yaml", HARDCODED)
    _, document = as_sarif(sarif_validator, "--severity", "SES301=warning", "--severity", "SES309=error", "keys.yaml", cwd=workdir)
    levels = {r["ruleId"]: r["level"] for r in document["runs"][0]["results"]}
    assert levels == {"SES309": "error", "SES302": "error", "SES301": "warning"}
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SES309"]["defaultConfiguration"]["level"] == "note"  # the default stays the default


def test_sarif_stdin_uri(sarif_validator, workdir):
    _, document = as_sarif(sarif_validator, "-", input=HARDCODED, cwd=workdir)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"stdin"}


def test_sarif_uris_are_repo_relative_with_forward_slashes(sarif_validator, write, workdir):
    path = write("deploy/email config/keys.yaml", HARDCODED)
    for given in ("deploy/email config/keys.yaml", "./deploy/email config/keys.yaml", str(path)):
        _, document = as_sarif(sarif_validator, given, cwd=workdir)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
        assert uris == {"deploy/email%20config/keys.yaml"}, given
    _, document = as_sarif(sarif_validator, str(path), cwd=workdir / "deploy")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"email%20config/keys.yaml"}
    (workdir / "elsewhere").mkdir()
    for given in ("../deploy/email config/keys.yaml", str(path)):  # outside the current folder: an absolute URI
        _, document = as_sarif(sarif_validator, given, cwd=workdir / "elsewhere")
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
        assert uris == {path.resolve().as_uri()}, given


def test_sarif_fingerprints_stable_unique_and_line_independent(sarif_validator, write, workdir):
    write("keys.yaml", HARDCODED)
    write("reserved.yaml", RESERVED.replace("email-ses:", "email-ses-2:"))  # not a second `email-ses` (SES105)

    def prints():
        _, document = as_sarif(sarif_validator, ".", cwd=workdir)
        return {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r["partialFingerprints"]["primaryLocationLineHash"] for r in document["runs"][0]["results"]}

    first = prints()
    assert len(set(first.values())) == len(first) == 4
    assert prints() == first
    write("keys.yaml", "# a comment added above\n\n" + HARDCODED)
    moved = prints()
    assert moved == first


def test_sarif_clean_run(sarif_validator, write, workdir):
    write("clean.yaml", CLEAN)
    code, document = as_sarif(sarif_validator, "clean.yaml", cwd=workdir)
    assert code == 0
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"]


def test_sarif_broken_yaml(sarif_validator, write, workdir):
    write("broken.yaml", BROKEN_YAML)
    code, document = as_sarif(sarif_validator, "broken.yaml", cwd=workdir)
    assert code == 1
    [result] = document["runs"][0]["results"]
    assert result["ruleId"] == "SES001" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


# --- GitHub ---------------------------------------------------------------------------------------


def test_github_seed_annotations():
    code, out, _ = run_cli("--format", "github", "examples/seed")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::warning file=examples/seed/direct-provider.yaml,line=9,col=13,endLine=9,endColumn=32,"
        "title=SES502 reserved-domain::`example.com` is a reserved domain: the sender can never be verified in SES or receive mail"
    )
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(SEED_FINDINGS)
    for line, (file, row, col, code_, level) in zip(annotations, SEED_FINDINGS):
        assert line.startswith(f"::{GITHUB_COMMAND[level]} file={file},line={row},col={col},endLine={row},")
        assert f",title={code_} " in line
    assert lines[-1] == f"Found 2 errors, 10 warnings, 2 infos (6 files checked; {ran()})."


def test_github_escaping(write, workdir):
    write("odd,name:x.yaml", CLEAN.replace("      region: eu-west-1\n", '      region: eu-west-1\n      "bad\\nkey\\r100%": 1\n'))
    code, out, _ = run_cli("--format", "github", "odd,name:x.yaml", cwd=workdir)
    assert code == 1
    [annotation, summary] = out.splitlines()
    assert annotation.startswith("::error file=odd%2Cname%3Ax.yaml,line=10,col=7,endLine=10,")
    assert annotation.endswith("title=SES103 unknown-key::unknown key `bad\\nkey\\r100%25`")  # every message is one line
    assert summary.startswith("Found 1 error")


def test_github_escape_functions():
    from ses_lint.report.github import escape_data, escape_property

    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_github_columns_only_on_single_line_regions():
    from ses_lint.core.findings import Finding, Severity
    from ses_lint.report.github import annotation

    base = Finding("m", "f.yaml", line=3, column=5, code="SES101", name="missing-field", severity=Severity.WARNING)
    assert annotation(base.evolve(end_line=3, end_column=9)) == "::warning file=f.yaml,line=3,col=5,endLine=3,endColumn=9,title=SES101 missing-field::m"
    assert annotation(base.evolve(end_line=6, end_column=2)) == "::warning file=f.yaml,line=3,endLine=6,title=SES101 missing-field::m"
    assert annotation(base) == "::warning file=f.yaml,line=3,col=5,endLine=3,title=SES101 missing-field::m"
    assert annotation(base.evolve(severity=Severity.INFO, file="-")) == "::notice line=3,col=5,endLine=3,title=SES101 missing-field::m"


def test_github_quiet_and_clean(write, workdir):
    write("clean.yaml", CLEAN)
    assert run_cli("--format", "github", "clean.yaml", cwd=workdir) == (0, f"No problems found (1 file checked; {ran()}).\n", "")
    write("keys.yaml", HARDCODED)
    _, out, _ = run_cli("--format", "github", "-q", "keys.yaml", cwd=workdir)
    assert [line.split(" ", 1)[0] for line in out.splitlines()] == ["::notice", "::error", "::error"]


# --- JUnit ----------------------------------------------------------------------------------------


def junit(*args, **kwargs) -> tuple[int, ET.Element]:
    code, out, err = run_cli("--format", "junit", *args, **kwargs)
    assert code in (0, 1), err
    assert out.startswith("<?xml")
    return code, ET.fromstring(out.encode("utf-8"))


def the_suite(root: ET.Element) -> ET.Element:
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    assert len(suites) == 1
    assert suites[0].get("name") == "ses-lint"
    return suites[0]


def test_junit_seed():
    code, root = junit("examples/seed")
    assert code == 1
    suite = the_suite(root)
    cases = suite.findall("testcase")
    assert len(cases) == len(SEED_FINDINGS)
    assert suite.get("tests") == str(len(SEED_FINDINGS))
    assert suite.get("failures") == str(sum(1 for f in SEED_FINDINGS if f[4] != "info"))
    for case, (file, line, col, code_, level) in zip(cases, SEED_FINDINGS):
        assert case.get("classname") == file
        assert case.get("name") == f"{code_} {line}:{col}"
        failure = case.find("failure")
        if level == "info":
            assert failure is None
            assert case.find("system-out").text
        else:
            assert failure.get("type") == code_
            assert failure.get("message")
            assert f"{file}:{line}:{col}" in failure.text


def test_junit_clean_has_one_passing_case(write, workdir):
    write("clean.yaml", CLEAN)
    code, root = junit("clean.yaml", cwd=workdir)
    assert code == 0
    suite = the_suite(root)
    [case] = suite.findall("testcase")
    assert case.get("name") == "ses-lint"
    assert case.find("failure") is None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")


def test_junit_hostile_message_is_still_xml(write, workdir):
    write("h.yaml", CLEAN.replace("      region: eu-west-1\n", '      region: eu-west-1\n      "a\\x01<b>&\\"c\\u0000": 1\n'))
    code, root = junit("h.yaml", cwd=workdir)
    assert code == 1
    failure = the_suite(root).find("testcase/failure")
    assert failure.get("type") == "SES103"
    assert "<b>&" in failure.get("message")


# --- secrets --------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMATS)
def test_no_secret_in_any_format(format_name, write, workdir):
    write("keys.yaml", HARDCODED)
    write("reserved.yaml", RESERVED.replace("region: eu-west-1", f"region: {SECRET}"))  # a secret where none belongs
    write("stdin-copy.yaml", HARDCODED.replace("email-ses", "email-other"))
    for args in ((".",), ("-",), ("--quiet", "keys.yaml"), ("--severity", "SES301=info", "keys.yaml")):
        run = run_installed if args == (".",) else run_cli  # what the installed script prints, once for each format
        code, out, err = run("--format", format_name, *args, cwd=workdir, input=HARDCODED)
        assert code in (0, 1), err
        assert SECRET not in out + err, (format_name, args)
        assert SECRET[:20] not in out and SECRET[-20:] not in out
    run_cli("--format", format_name, "--output", "report.out", ".", cwd=workdir)
    assert SECRET not in (workdir / "report.out").read_text(encoding="utf-8")


def test_no_secret_in_sarif_rule_docs(sarif_validator):
    """SES301's docs quote AWS's example secret; SARIF's rule help must mask it like everything else."""
    _, document = as_sarif(sarif_validator, "examples/broken/credentials.yaml")
    text = json.dumps(document)
    assert SECRET not in text
    assert "SES301" in text and ACCESS_KEY not in json.dumps(document["runs"][0]["results"])


# --- any finding, any text: the renderers' own guarantees ----------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def findings(draw):
    from ses_lint.core.findings import Finding, Severity

    line = draw(st.integers(1, 10_000))
    column = draw(st.integers(1, 500))
    end_line = draw(st.one_of(st.none(), st.integers(line, line + 3)))
    end_column = None if end_line is None else draw(st.integers(1 if end_line > line else column + 1, 600))
    return Finding(
        message=draw(st.text(min_size=1, max_size=60)),
        file=draw(st.one_of(st.just("-"), st.text(st.characters(blacklist_characters="\x00/", blacklist_categories=("Cs",)), min_size=1, max_size=20).map(lambda name: f"dir/{name}.yaml"))),
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        provider=draw(st.one_of(st.none(), st.text(max_size=10))),
        path=tuple(draw(st.lists(st.one_of(st.text(min_size=1, max_size=8), st.integers(0, 5)), max_size=4))),
        code=draw(st.sampled_from(["SES001", "SES301", "SES502", "SES104"])),
        name="some-rule",
        severity=draw(st.sampled_from(list(Severity))),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(findings(), max_size=6), st.booleans())
def test_renderers_hold_for_any_finding(sarif_validator, items, quiet):
    from ses_lint.rules import load_rules

    from ses_lint.core.engine import Report
    from ses_lint.report import Context, render

    report = Report(findings=items, files=len(items), rules=load_rules())
    context = Context("0.0.0", quiet=quiet)

    sarif = json.loads(render("sarif", report, context))
    assert_valid_sarif(sarif_validator, sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == len(items)
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(prints)) == len(prints)

    github = render("github", report, context).split("\n")[:-1]  # the runner splits on CR and LF only
    assert len(github) == len(items) + (0 if quiet else 1)  # one physical line per annotation
    for line, finding in zip(github, items):
        command, rest = line[2:].split(" ", 1)
        assert command in ("error", "warning", "notice")
        properties, message = rest.split("::", 1)
        assert "\r" not in line
        assert re.sub("%(25|0D|0A)", lambda m: {"25": "%", "0D": "\r", "0A": "\n"}[m[1]], message) == finding.message
        for part in properties.split(","):
            assert part.count("=") >= 1 and ":" not in part

    root = ET.fromstring(render("junit", report, context).encode("utf-8"))
    suite = the_suite(root)
    assert len(suite.findall("testcase")) == max(len(items), 1)
    assert suite.get("failures") == str(sum(1 for f in items if f.severity.value != "info"))
