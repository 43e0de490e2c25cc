"""The files a run reads (issue 8, parts 2 and 4), through the installed CLI: odd files never stop the
run, excludes and `.gitignore`, paths relative to their configuration, the offline switch."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from support import CLEAN, HARDCODED, RESERVED, SES_LINT, base_env, closed_port, codes, notes, parse_text, ran, run_cli, summary_line

BIG = 50 * 1024 * 1024


def files_of(out: str) -> set[str]:
    return {row[0] for row in parse_text(out)}


# --- odd files below a folder -----------------------------------------------------------------------


def test_dangling_symlink_and_symlink_loop_are_notes_not_an_abort(write, workdir):
    write("keys.yaml", HARDCODED)
    os.symlink("missing.yaml", workdir / "dangling.yaml")
    os.symlink("loop.yaml", workdir / "loop.yaml")
    os.symlink("..", workdir / "up")  # a folder loop: never followed
    code, out, err = run_cli(".", cwd=workdir)
    assert code == 1, err
    assert codes(out) == ["SES309", "SES302", "SES301"]
    assert notes(err) == [
        "ses-lint: note: dangling.yaml: not read: a dangling symbolic link to missing.yaml",
        "ses-lint: note: loop.yaml: not read: a symbolic link loop",
    ]
    assert summary_line(out) == f"Found 2 errors, 1 info (1 file checked, 2 not read; {ran()})."


def test_named_dangling_symlink_or_loop_is_exit_2(workdir):
    os.symlink("missing.yaml", workdir / "dangling.yaml")
    os.symlink("loop.yaml", workdir / "loop.yaml")
    assert run_cli("dangling.yaml", cwd=workdir)[::2] == (2, "ses-lint: error: dangling.yaml: a dangling symbolic link to missing.yaml\n")
    assert run_cli("loop.yaml", cwd=workdir)[::2] == (2, "ses-lint: error: loop.yaml: a symbolic link loop\n")


def test_fifo_socket_and_device_named_yaml_never_hang(write, workdir):
    write("clean.yaml", CLEAN)
    os.mkfifo(workdir / "fifo.yaml")
    os.symlink("/dev/zero", workdir / "zero.yaml")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(workdir / "sock.yaml"))
        started = time.monotonic()
        code, out, err = run_cli(".", cwd=workdir, timeout=20)
    assert time.monotonic() - started < 15
    assert code == 0, err
    assert notes(err) == [
        "ses-lint: note: fifo.yaml: not read: not a regular file (a FIFO)",
        "ses-lint: note: sock.yaml: not read: not a regular file (a socket)",
        "ses-lint: note: zero.yaml: not read: not a regular file (a character device)",
    ]
    assert summary_line(out) == f"No problems found (1 file checked, 3 not read; {ran()})."


def test_named_device_is_read_within_the_bound(workdir):
    code, out, err = run_cli("/dev/zero", cwd=workdir, timeout=20)
    assert code == 1, err
    assert parse_text(out) == [("/dev/zero", 1, 1, "SES005", "error")]
    assert "larger than the 2,097,152-byte bound" in out


def test_named_fifo_is_read_like_standard_input(workdir):
    """`ses-lint check <(helm template ...)` names a pipe: it is read, like `-`."""
    fifo = workdir / "rendered.yaml"
    os.mkfifo(fifo)
    process = subprocess.Popen([SES_LINT, str(fifo)], cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=base_env())
    with open(fifo, "w", encoding="utf-8") as writer:
        writer.write(RESERVED)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert parse_text(out.decode()) == [(str(fifo), 8, 13, "SES502", "warning")]


def test_named_socket_is_exit_2(workdir):
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(workdir / "sock.yaml"))
        code, out, err = run_cli("sock.yaml", cwd=workdir)
    assert (code, out, err) == (2, "", "ses-lint: error: sock.yaml: is a socket, not a file\n")


def test_a_huge_file_is_refused_without_being_read(write, workdir):
    path = write("huge.yaml", 'version: "1.0"\nproviders:\n')
    with open(path, "ab") as handle:
        handle.truncate(BIG)  # sparse: 50 MB of NULs after the header
    script = (
        "import resource, subprocess, sys, json\n"
        f"completed = subprocess.run([{SES_LINT!r}, '--format', 'json', 'huge.yaml', '.'], capture_output=True)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([completed.returncode, completed.stdout.decode(), usage.ru_maxrss]))\n"
    )
    completed = subprocess.run([shutil.which("python3") or "python3", "-c", script], cwd=workdir, capture_output=True, env=base_env(), timeout=60)
    code, out, max_rss_kib = json.loads(completed.stdout)
    assert code == 1
    findings = json.loads(out)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in findings] == [("SES005", "huge.yaml", 1)]
    assert f"file is {BIG:,} bytes, over the 2,097,152-byte bound" in findings[0]["message"]
    assert max_rss_kib < 150 * 1024  # read whole, it took 380 MB


def _as_nobody() -> list[str]:
    """The command prefix that runs as an unprivileged user: none when we are not root; `setpriv`
    when we are (root reads any folder, so the test would prove nothing)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is not installed: cannot drop the capability to read any folder")
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root and setpriv cannot switch to nobody: cannot drop the capability to read any folder")
    if subprocess.run([*prefix, SES_LINT, "--version"], capture_output=True, env=base_env({"HOME": "/"})).returncode != 0:
        pytest.skip(f"running as root, and nobody cannot run {SES_LINT} (the checkout lies in a folder only root can enter)")
    return prefix


@pytest.fixture
def shared_folder():
    """A folder outside pytest's private (0700) temporary root, so that `nobody` can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="ses-lint-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder / "locked", folder / "project" / "locked"):
        if path.exists():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_unreadable_folder_named_is_exit_2_and_found_below_is_a_note(shared_folder):
    prefix = _as_nobody()
    project = shared_folder / "project"
    (project / "locked").mkdir(parents=True)
    (project / "locked" / "keys.yaml").write_text(HARDCODED, encoding="utf-8")
    (project / "reserved.yaml").write_text(RESERVED, encoding="utf-8")
    project.chmod(0o755)
    (project / "reserved.yaml").chmod(0o644)
    (project / "locked").chmod(0)

    def run(*args: str) -> tuple[int, str, str]:
        completed = subprocess.run([*prefix, SES_LINT, *args], cwd=project, capture_output=True, env=base_env({"HOME": "/"}), timeout=30)
        return completed.returncode, completed.stdout.decode(), completed.stderr.decode()

    assert run("locked") == (2, "", "ses-lint: error: locked: cannot be read (Permission denied)\n")
    code, out, err = run(".")
    assert code == 0, err
    assert codes(out) == ["SES502"]
    assert notes(err) == [f"ses-lint: note: locked{os.sep}: not read: folder cannot be read (Permission denied)"]
    assert summary_line(out) == f"Found 1 warning (1 file checked, 1 not read; {ran()})."


def test_quiet_keeps_notes_off(write, workdir):
    write("clean.yaml", CLEAN)
    os.symlink("missing.yaml", workdir / "dangling.yaml")
    assert run_cli("-q", ".", cwd=workdir) == (0, "", "")


def test_output_that_cannot_encode_a_character_keeps_the_report(write, workdir):
    write("unicode.yaml", CLEAN.replace("region: eu-west-1", "régión: eu-west-1"))
    code, out, err = run_cli("unicode.yaml", cwd=workdir, env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert code == 1, err
    assert "internal error" not in err
    assert "`r\\xe9gi\\xf3n`" in out
    assert summary_line(out).startswith("Found 1 error")


# --- excludes and .gitignore ------------------------------------------------------------------------


def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True, env=base_env({"GIT_CONFIG_GLOBAL": os.devnull}))


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_gitignore_is_respected_like_git(write, workdir):
    git_init(workdir)
    write(".gitignore", "build/\ngenerated-*.yaml\n!generated-keep.yaml\n")
    write("sub/.gitignore", "*.yml\n")
    for name in ("keys.yaml", "build/keys.yaml", "generated-a.yaml", "generated-keep.yaml", "sub/keys.yml", "sub/keys.yaml", "node_modules/keys.yaml"):
        write(name, HARDCODED)
    expected = {"keys.yaml", "generated-keep.yaml", "sub/keys.yaml"}
    code, out, err = run_cli(".", cwd=workdir)
    assert (code, files_of(out)) == (1, expected), err
    assert notes(err) == []  # passing over an ignored file is no fault
    code, out, _ = run_cli("--no-respect-gitignore", ".", cwd=workdir)
    assert files_of(out) == expected | {"build/keys.yaml", "generated-a.yaml", "sub/keys.yml"}
    write(".ses-lint.yaml", "respect-gitignore: false\n")
    assert files_of(run_cli(".", cwd=workdir).out) == expected | {"build/keys.yaml", "generated-a.yaml", "sub/keys.yml"}


@needs_git
def test_naming_an_ignored_folder_or_file_checks_it(write, workdir):
    """`helm template ... > out/` into a gitignored folder, then `ses-lint check out/`."""
    git_init(workdir)
    write(".gitignore", "out/\n")
    write("out/rendered.yaml", RESERVED)
    write("out/node_modules/x.yaml", RESERVED)
    assert files_of(run_cli(".", cwd=workdir).out) == set()
    assert files_of(run_cli("out", cwd=workdir).out) == {"out/rendered.yaml"}
    assert files_of(run_cli("out/rendered.yaml", cwd=workdir).out) == {"out/rendered.yaml"}
    assert files_of(run_cli(".", cwd=workdir / "out").out) == {"rendered.yaml"}


def test_gitignore_outside_a_git_repository_is_not_read(write, workdir):
    write(".gitignore", "*.yaml\n")
    write("keys.yaml", HARDCODED)
    assert files_of(run_cli(".", cwd=workdir).out) == {"keys.yaml"}


def test_default_excludes_and_exclude_replacing_them(write, workdir):
    for name in ("keys.yaml", ".hidden/keys.yaml", "node_modules/keys.yaml", "venv/keys.yaml", "__pycache__/keys.yaml"):
        write(name, HARDCODED)
    assert files_of(run_cli(".", cwd=workdir).out) == {"keys.yaml"}
    assert files_of(run_cli(".hidden", cwd=workdir).out) == {".hidden/keys.yaml"}  # named: checked
    elsewhere = workdir.parent / "elsewhere"
    elsewhere.mkdir()
    assert files_of(run_cli("../project", cwd=elsewhere).out) == {"../project/keys.yaml"}  # outside the current folder too
    code, out, _ = run_cli("--exclude", "venv/,__pycache__", ".", cwd=workdir)
    assert files_of(out) == {"keys.yaml", ".hidden/keys.yaml", "node_modules/keys.yaml"}


def test_extend_exclude_in_configuration_is_relative_to_its_folder(write, workdir):
    write(".ses-lint.yaml", "extend-exclude: ['/deploy/legacy/', '**/tmp-*.yaml', 'draft.yaml']\n")
    for name in ("deploy/keys.yaml", "deploy/legacy/keys.yaml", "deploy/a/b/tmp-x.yaml", "deploy/draft.yaml",
                 "deploy/deploy/legacy/keys.yaml", "node_modules/keys.yaml"):
        write(name, HARDCODED)
    expected = {"deploy/keys.yaml", "deploy/deploy/legacy/keys.yaml"}
    assert files_of(run_cli(".", cwd=workdir).out) == expected
    # from a subfolder the patterns still mean the same files (shown relative to where we are)
    assert files_of(run_cli(".", cwd=workdir / "deploy").out) == {"keys.yaml", "deploy/legacy/keys.yaml"}
    # the flag replaces the key and is relative to the current folder
    code, out, _ = run_cli("--extend-exclude", "/legacy/", ".", cwd=workdir / "deploy")
    assert files_of(out) == {"keys.yaml", "a/b/tmp-x.yaml", "draft.yaml", "deploy/legacy/keys.yaml"}


def test_exclude_in_configuration_replaces_the_default(write, workdir):
    write("pyproject.toml", "[tool.ses-lint]\nexclude = ['vendor/']\n")
    for name in ("keys.yaml", "vendor/keys.yaml", "node_modules/keys.yaml"):
        write(name, HARDCODED)
    assert files_of(run_cli(".", cwd=workdir).out) == {"keys.yaml", "node_modules/keys.yaml"}


@needs_git
def test_show_files_says_what_was_checked_skipped_and_why(write, workdir):
    git_init(workdir)
    write(".gitignore", "build/\n")
    write("keys.yaml", HARDCODED)
    write("other.yaml", "name: not a provider config\n")
    write("build/x.yaml", HARDCODED)
    write("node_modules/x.yaml", HARDCODED)
    os.symlink("missing.yaml", workdir / "dangling.yaml")
    code, out, err = run_cli("--show-files", ".", cwd=workdir)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "skipped   build/  (matches `build/` from .gitignore)",
        "not read  dangling.yaml  (a dangling symbolic link to missing.yaml)",
        "checked   keys.yaml",
        "skipped   node_modules/  (matches `node_modules/` from default exclude)",
        "skipped   other.yaml  (not a provider config)",
    ]


# --- paths relative to their configuration -------------------------------------------------------


def test_configuration_paths_are_relative_to_its_folder(write, workdir):
    write(".ses-lint.yaml", "paths: [config]\nper-file-ignores:\n  'config/dev-*.yaml': [SES301, SES302]\n")
    write("config/dev-keys.yaml", HARDCODED)
    write("config/prod-keys.yaml", HARDCODED.replace("email-ses:", "email-ses-prod:"))
    write("other/readme.txt", "x\n")
    for cwd, shown in ((workdir, "config/"), (workdir / "config", ""), (workdir / "other", "../config/")):
        code, out, err = run_cli(cwd=cwd)
        assert code == 1, (cwd, err)
        rows = [(row[0], row[3]) for row in parse_text(out)]
        assert rows == [(f"{shown}dev-keys.yaml", "SES309"), (f"{shown}prod-keys.yaml", "SES309"),
                        (f"{shown}prod-keys.yaml", "SES302"), (f"{shown}prod-keys.yaml", "SES301")], cwd


def test_per_file_ignores_are_gitignore_style(write, workdir):
    write(".ses-lint.yaml", "per-file-ignores:\n  'dev/*.yaml': [SES309]\n  'qa/**': [SES309]\n  'local-*.yaml': [SES309]\n")
    for name in ("dev/a.yaml", "dev/sub/b.yaml", "qa/a.yaml", "qa/sub/b.yaml", "x/local-c.yaml", "prod/d.yaml"):
        write(name, HARDCODED)
    code, out, _ = run_cli(".", cwd=workdir)
    with_ses309 = {row[0] for row in parse_text(out) if row[3] == "SES309"}
    assert with_ses309 == {"dev/sub/b.yaml", "prod/d.yaml"}  # `*` stays in one folder, `**` does not
    code, out, _ = run_cli("../dev", "../prod", cwd=workdir / "x")
    assert {row[0] for row in parse_text(out) if row[3] == "SES309"} == {"../dev/sub/b.yaml", "../prod/d.yaml"}


# --- the offline switch ------------------------------------------------------------------------------


def test_offline_runs_the_static_stage_whatever_the_configuration_says(write, workdir):
    write(".ses-lint.yaml", f"stages: [dns]\nnameservers: ['127.0.0.1:{closed_port()}']\ntimeout: 0.5\n")
    write("clean.yaml", CLEAN)
    code, out, _ = run_cli("clean.yaml", cwd=workdir)
    assert "SES640" in codes(out)  # the configuration's dns stage ran (and could not reach the server)
    code, out, err = run_cli("--offline", "clean.yaml", cwd=workdir)
    assert (code, codes(out)) == (0, []), err
    assert run_cli("--offline", "--dns", "clean.yaml", cwd=workdir)[::2] == (2, "ses-lint: error: --offline cannot be combined with --dns\n")


@pytest.mark.parametrize("content, words", [
    ("exclude: 5\n", ["exclude", "wrong type"]),
    ("extend-exclude: [1, 2]\n", ["extend-exclude", "list of strings"]),
    ("respect-gitignore: maybe\n", ["respect-gitignore", "wrong type"]),
])
def test_bad_exclude_settings_are_exit_2_naming_the_key(content, words, write, workdir):
    write(".ses-lint.yaml", content)
    write("clean.yaml", CLEAN)
    code, out, err = run_cli("clean.yaml", cwd=workdir)
    assert (code, out) == (2, "")
    assert all(word in err for word in words) and ".ses-lint.yaml" in err and len(err.splitlines()) == 1


def test_api_takes_the_excludes(tmp_path, monkeypatch):
    import ses_lint

    for name in ("keys.yaml", "generated/keys.yaml", "node_modules/keys.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(HARDCODED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert set(ses_lint.lint(".").checked) == {"keys.yaml", "generated/keys.yaml"}
    assert set(ses_lint.lint(".", exclude=[]).checked) == {"keys.yaml", "generated/keys.yaml", "node_modules/keys.yaml"}
    report = ses_lint.lint(".", extend_exclude=["generated/"])
    assert report.checked == ["keys.yaml"]
    assert [(source.path, source.unread) for source in report.unread] == [
        (f"generated{os.sep}", "matches `generated/` from extend_exclude"),
        (f"node_modules{os.sep}", "matches `node_modules/` from exclude"),
    ]
