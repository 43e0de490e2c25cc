"""The GitHub Action (action.yml): valid against SchemaStore's published schema for action metadata, and
its steps run locally as GitHub runs them (GITHUB_ACTIONS=true, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
RUNNER_TEMP, GITHUB_ACTION_PATH), the install step included (a real `pip install` of this checkout)."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import jsonschema
import pytest
import yaml
from support import CLEAN, DATA, HARDCODED, ROOT, SECRET

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
# SchemaStore's github-action.json (https://json.schemastore.org/github-action.json), kept with its source
# note in shared/data (or a copy in tests/data).
SCHEMA_PLACES = [ROOT.parent / "shared" / "data" / "github-action.schema.json", DATA / "github-action.schema.json"]


def test_action_yml_is_valid_against_the_published_schema():
    place = next((path for path in SCHEMA_PLACES if path.is_file()), None)
    if place is None:  # a fetched data file lives in shared/data, beside the repository (not committed here)
        pytest.skip(f"SchemaStore's github-action.json is not beside the repository: looked in {', '.join(map(str, SCHEMA_PLACES))}")
    schema = json.loads(place.read_text())
    jsonschema.validate(ACTION, schema)
    broken = {**ACTION, "runs": {"using": "composite", "steps": [{"run": "echo no shell"}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_action_is_composite_with_the_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "args", "online", "sarif"}
    assert ACTION["runs"]["steps"][0]["uses"].startswith("actions/setup-python@")


def _inputs(overrides: dict[str, str]) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update(overrides)
    return values


def _substitute(text: str, inputs: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", lambda match: inputs[match.group(1)], text)


def step_env(step: dict, runner: dict[str, str], inputs: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "SES_LINT_"))}
    env.update(runner)
    env.update({key: _substitute(str(value), inputs) for key, value in (step.get("env") or {}).items()})
    return env


def run_step(step: dict, workspace: Path, runner: dict[str, str], inputs: dict[str, str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    assert step["shell"] == "bash"
    env = env if env is not None else step_env(step, runner, inputs)
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True, timeout=600)


# The install step is a real `pip install` of this checkout (10-30 s, mostly waiting on the build and the
# index): conftest.py starts it when the session's tests will need it, so it runs while earlier tests do.
_INSTALL: dict = {}


def start_install(tmp_path_factory: pytest.TempPathFactory | None = None) -> None:
    """Run the action's own install step into a fresh RUNNER_TEMP, in a background thread (once). In
    the session's temporary folder when given: pytest removes it with old sessions' (a venv with
    botocore's data is thousands of files: removing it takes seconds)."""
    if "thread" in _INSTALL:
        return
    temp = tmp_path_factory.mktemp("runner") if tmp_path_factory is not None else Path(tempfile.mkdtemp(prefix="ses-lint-runner-"))
    _INSTALL["remove"] = tmp_path_factory is None
    variables = {"GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(temp), "GITHUB_ACTION_PATH": str(ROOT)}
    install = ACTION["runs"]["steps"][1]
    assert install["shell"] == "bash"
    env = step_env(install, variables, _inputs({}))  # read here: a test may be changing os.environ meanwhile

    def work() -> None:
        try:  # run_step's command, in its own process group so that stop_install can end pip with it
            with subprocess.Popen(["bash", "-e", "-c", install["run"]], cwd=temp, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True) as process:
                _INSTALL["process"] = process
                out, err = process.communicate(timeout=600)
            _INSTALL["result"] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        except BaseException as error:  # re-raised by the fixture, in the test's thread
            _INSTALL["error"] = error

    thread = threading.Thread(target=work, daemon=True, name="action-install")
    _INSTALL.update(thread=thread, temp=temp, variables=variables)
    thread.start()


def stop_install() -> None:
    """End an install the session no longer waits for (it stopped early: -x, an interrupt)."""
    process = _INSTALL.get("process")
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """RUNNER_TEMP with ses-lint installed by the action's own install step (once for the module)."""
    start_install(tmp_path_factory)
    _INSTALL["thread"].join(timeout=600)
    if "error" in _INSTALL:
        raise _INSTALL["error"]
    result, temp = _INSTALL["result"], _INSTALL["temp"]
    assert result.returncode == 0, result.stderr[-2000:]
    assert (temp / "ses-lint-venv" / "bin" / "ses-lint").is_file()
    yield _INSTALL["variables"]
    if _INSTALL["remove"]:
        shutil.rmtree(temp, ignore_errors=True)


def run_action(runner: dict[str, str], workspace: Path, **overrides: str):
    summary, output = workspace.parent / "step-summary.md", workspace.parent / "github-output"
    summary.write_text("earlier step's summary\n")
    output.write_text("")
    variables = {**runner, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "GITHUB_WORKSPACE": str(workspace)}
    check = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "check")
    result = run_step(check, workspace, variables, _inputs(overrides))
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return result, summary.read_text(), outputs


def test_action_on_findings_annotates_writes_sarif_and_a_summary(runner, tmp_path):
    workspace = tmp_path / "repo"
    (workspace / "deploy").mkdir(parents=True)
    (workspace / "deploy" / "ses.yaml").write_text(HARDCODED)
    result, summary, outputs = run_action(runner, workspace, paths="deploy")
    assert result.returncode == 1, result.stderr
    assert outputs == {"sarif": "ses-lint.sarif", "exit-code": "1"}
    assert "::error file=deploy/ses.yaml,line=11,col=26" in result.stdout  # GITHUB_ACTIONS=true: annotations
    sarif = json.loads((workspace / "ses-lint.sarif").read_text())
    jsonschema.validate(sarif, json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"SES301", "SES302", "SES309"}
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/ses.yaml"
    assert summary.startswith("earlier step's summary\n## ses-lint\n")  # appended, never overwritten
    assert "| static | ❌ failed | 2 errors, 1 info |" in summary and "SES301 hardcoded-secret" in summary
    for text in (result.stdout, result.stderr, summary, (workspace / "ses-lint.sarif").read_text()):
        assert SECRET not in text


def test_action_clean_run_and_inputs(runner, tmp_path):
    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "a b.yaml").write_text(CLEAN)  # found by searching the folder, despite the space
    other = CLEAN.replace("email-ses", "email-other").replace("eu-west-1", "us-east-1").replace("noreply@mycompany.com", "x@example.com")
    (workspace / "other.yaml").write_text(other)
    result, summary, outputs = run_action(runner, workspace, sarif="", args="--ignore SES502 --fail-on warning")
    assert (result.returncode, outputs) == (0, {"sarif": "", "exit-code": "0"}), result.stderr
    assert not (workspace / "ses-lint.sarif").exists()
    assert "No problems found (2 files checked" in summary
    result, _, outputs = run_action(runner, workspace, sarif="", args="--fail-on warning")
    assert (result.returncode, outputs["exit-code"]) == (1, "1")  # SES502 is a warning


def test_action_usage_error_is_exit_2_and_said_in_the_summary(runner, tmp_path):
    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "ses.yaml").write_text(CLEAN)
    result, summary, outputs = run_action(runner, workspace, args="--select SES6")
    assert result.returncode == 2 and outputs == {"sarif": "", "exit-code": "2"}
    assert summary == "earlier step's summary\nses-lint could not run (exit 2): see the step's log.\n"
    assert "add --dns" in result.stderr


def test_readme_workflow_uses_only_the_actions_inputs_and_outputs():
    readme = (ROOT / "README.md").read_text()
    block = next(part.split("```")[0] for part in readme.split("```yaml\n") if "upload-sarif" in part.split("```")[0])
    workflow = yaml.safe_load(block)
    steps = workflow["jobs"]["ses-lint"]["steps"]
    ours = next(step for step in steps if "ses-lint@" in step.get("uses", ""))
    assert set(ours["with"]) <= set(ACTION["inputs"])
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.ses-lint.outputs.sarif }}" and "sarif" in ACTION["outputs"]
    assert workflow["permissions"]["security-events"] == "write"
