"""support.run_cli (main() in this process) prints exactly what the installed console script prints:
the same exit code, standard output and standard error, for each kind of run the tests make."""
from __future__ import annotations

import os
import subprocess
import threading

import pytest
from support import CLEAN, HARDCODED, REFERENCED, RESERVED, run_cli, run_installed, write

# `${HOME}` and `${PATH}` are set for the script: the in-process run must see the same environment.
FROM_ENVIRONMENT = CLEAN.replace("eu-west-1", "eu-west-1\n      profile: ${HOME}\n      endpoint: ${SES_ENDPOINT}")

RUNS = [
    pytest.param(("clean.yaml",), {}, None, id="clean"),
    pytest.param(("--format", "json", "keys.yaml"), {}, None, id="findings-json"),
    pytest.param(("--format", "sarif", "."), {}, None, id="folder-sarif"),
    pytest.param(("-",), {}, HARDCODED, id="stdin"),
    pytest.param(("--select", "SES6", "clean.yaml"), {}, None, id="usage-error"),
    pytest.param(("--no-such-flag",), {}, None, id="unknown-option"),
    pytest.param(("--env", "home.yaml"), {"SES_ENDPOINT": "https://email.eu-west-1.amazonaws.com"}, None, id="environment"),
    pytest.param(("--env", "referenced.yaml"), {"SES_FROM": "a@mycompany.com"}, None, id="references"),
    pytest.param(("reserved.yaml",), {"GITHUB_ACTIONS": "true"}, None, id="github-default"),
    pytest.param(("explain", "SES301"), {}, None, id="explain"),
]


@pytest.mark.parametrize("args, env, stdin", RUNS)
def test_in_process_run_is_the_installed_script(args, env, stdin, workdir):
    write(workdir / "clean.yaml", CLEAN)
    write(workdir / "keys.yaml", HARDCODED)
    write(workdir / "reserved.yaml", RESERVED)
    write(workdir / "home.yaml", FROM_ENVIRONMENT)
    write(workdir / "referenced.yaml", REFERENCED)
    assert run_cli(*args, cwd=workdir, env=env, input=stdin) == run_installed(*args, cwd=workdir, env=env, input=stdin)


def test_a_hang_fails_within_the_timeout(workdir):
    os.mkfifo(workdir / "pipe.yaml")  # named, a FIFO is read like standard input: nobody writes to it
    with pytest.raises(subprocess.TimeoutExpired):
        run_cli("--quiet", "pipe.yaml", cwd=workdir, timeout=0.25)
    with open(workdir / "pipe.yaml", "w"):  # let the stuck run end (an empty file: nothing to print)
        pass
    for thread in threading.enumerate():
        if thread.name == "ses-lint-main":
            thread.join(10)
            assert not thread.is_alive()
