"""A real `pre-commit` run in a temporary git repository, with our hooks.

`pre-commit try-repo` would clone this repository and pip-install it (and its dependencies) from the
package index: neither offline nor fast. So the test mirrors our `.pre-commit-hooks.yaml` as `repo: local`
hooks with `language: system`, which run the installed `ses-lint`; every other field (entry,
pass_filenames, files, stages, ...) is read from the manifest, so the test follows it if it changes.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import BIN, CLEAN, HARDCODED, ROOT, SECRET, base_env, write

pytest.importorskip("pre_commit")
if shutil.which("git") is None:  # pragma: no cover
    pytest.skip("git is not installed", allow_module_level=True)

MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_offers_the_documented_hooks():
    hooks = {hook["id"]: hook for hook in manifest()}
    assert set(hooks) >= {"ses-lint", "ses-lint-online"}
    offline, online = hooks["ses-lint"], hooks["ses-lint-online"]
    for hook in (offline, online):
        assert hook["entry"].split()[0] == "ses-lint"  # the console script, not `python -m`
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook.get("require_serial") is True
        assert re.search(hook["files"], "deploy/config.yaml") and re.search(hook["files"], "ses.yml")
    assert "--online" not in offline["entry"] and "--dns" not in offline["entry"] and "--aws" not in offline["entry"]
    assert "--offline" in offline["entry"].split()  # whatever the configuration's `stages` say
    assert "--online" in online["entry"]
    assert online.get("stages") == ["manual"]
    assert "stages" not in offline or "pre-commit" in offline["stages"]


class Repo:
    def __init__(self, path: Path, env: dict[str, str]):
        self.path = path
        self.env = env

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("git", *args, check=check)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "pre_commit", *args)

    def write(self, name: str, text: str) -> None:
        write(self.path / name, text)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    home = tmp_path / "home"
    home.mkdir()
    env = base_env(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_TERMINAL_PROMPT": "0",
            "PRE_COMMIT_COLOR": "never",
            "VIRTUAL_ENV": None,
        }
    )
    assert env["PATH"].startswith(BIN)  # `language: system` finds the installed ses-lint here
    repo = Repo(tmp_path / "repo", env)
    repo.path.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "Test")
    repo.git("config", "user.email", "test@example.invalid")
    repo.git("config", "commit.gpgsign", "false")
    hooks = [{**hook, "language": "system"} for hook in manifest()]
    repo.write(".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False))
    repo.write("README.md", "a project\n")
    repo.git("add", ".pre-commit-config.yaml", "README.md")
    repo.git("commit", "-q", "-m", "start", "--no-verify")
    return repo


def test_pre_commit_run_fails_on_a_hardcoded_key_and_passes_when_clean(repo: Repo):
    repo.write("config/providers.yaml", HARDCODED)
    repo.git("add", "config/providers.yaml")
    result = repo.pre_commit("run")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "SES301" in output and "SES302" in output
    assert "config/providers.yaml:11:26" in output
    assert SECRET not in output
    assert "Failed" in output
    assert "online" not in output.lower()  # the manual-stage hook does not run on commit

    repo.write("config/providers.yaml", CLEAN)
    repo.git("add", "config/providers.yaml")
    result = repo.pre_commit("run")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output
    assert "SES3" not in output


def test_installed_hook_blocks_the_commit(repo: Repo):
    result = repo.pre_commit("install")
    assert result.returncode == 0, result.stdout + result.stderr

    repo.write("providers.yaml", CLEAN)
    repo.git("add", "providers.yaml")
    committed = repo.git("commit", "-m", "clean provider", check=False)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    head = repo.git("rev-parse", "HEAD").stdout

    repo.write("providers.yaml", HARDCODED)
    repo.git("add", "providers.yaml")
    blocked = repo.git("commit", "-m", "add keys", check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "SES301" in output and "SES302" in output
    assert SECRET not in output
    assert repo.git("rev-parse", "HEAD").stdout == head


def test_hook_checks_the_whole_run_not_only_the_changed_file(repo: Repo):
    """pass_filenames: false: a change to any YAML file re-checks every config, because workflow
    references cross files."""
    repo.write("providers.yaml", HARDCODED)
    repo.git("add", "providers.yaml")
    repo.git("commit", "-q", "-m", "keys, before the hook", "--no-verify")
    repo.write("unrelated.yml", "name: something else\n")
    repo.git("add", "unrelated.yml")
    result = repo.pre_commit("run")
    assert result.returncode == 1
    assert "providers.yaml:11:26" in result.stdout


def test_hook_skipped_without_yaml_changes(repo: Repo):
    repo.write("providers.yaml", HARDCODED)
    repo.git("add", "providers.yaml")
    repo.git("commit", "-q", "-m", "keys, before the hook", "--no-verify")
    repo.write("README.md", "changed\n")
    repo.git("add", "README.md")
    result = repo.pre_commit("run")
    assert result.returncode == 0, result.stdout
    assert "Skipped" in result.stdout


def test_offline_hook_stays_offline_when_the_configuration_adds_stages(repo: Repo):
    """`stages: [dns]` in the configuration would send the hook to a nameserver (here a closed
    loopback port, so the run reports SES640): the hook's `--offline` keeps it on the static stage."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    repo.write(".ses-lint.yaml", f"stages: [dns]\nnameservers: ['127.0.0.1:{closed}']\ntimeout: 0.5\n")
    repo.write("providers.yaml", CLEAN)
    repo.git("add", ".ses-lint.yaml", "providers.yaml")
    online = repo.run("ses-lint", "check", "--fail-on", "warning")
    assert "SES640" in online.stdout  # the configuration alone does go online
    result = repo.pre_commit("run")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "SES6" not in output
