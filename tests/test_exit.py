"""The console script leaves with `os._exit` once the report is written (issue 8: freeing a run's objects
at interpreter exit cost 80 ms on 1,000 configs): nothing buffered, no report file and no exit code may
be lost. Through the installed `ses-lint`, with output to a pipe, a file and a closed pipe."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from support import CLEAN, RESERVED, ROOT, SES_LINT, base_env, run_installed

# 400 unknown keys: the uncapped JSON report is about 130 KB, twice a pipe's buffer.
MANY = CLEAN + "".join(f"      k{index}: v\n" for index in range(400))


def test_a_large_report_reaches_a_pipe_whole(write):
    path = write("many.yaml", MANY)
    result = run_installed("check", "--format", "json", "--max-per-rule", "0", path)
    assert result.code == 1, result.err
    assert len(result.out) > 2 * 65536
    report = json.loads(result.out)
    assert [finding["code"] for finding in report["findings"]] == ["SES103"] * 400 and report["summary"]["errors"] == 400


def test_a_small_report_reaches_a_pipe_whole(write):
    """A report smaller than the buffer is only written by the flush before `os._exit`."""
    result = run_installed("check", "--format", "text", write("r.yaml", RESERVED))
    lines = result.out.splitlines()
    assert result.code == 0 and result.err == "" and len(lines) == 2
    assert lines[0].endswith("r.yaml:8:13: SES502 [warning] " + lines[0].split("[warning] ", 1)[1]) and lines[1].startswith("Found 1 warning (1 file checked")


def test_standard_output_redirected_to_a_file_is_complete(write, tmp_path):
    path = write("many.yaml", MANY)
    target = tmp_path / "out.json"
    with open(target, "wb") as out:
        completed = subprocess.run([SES_LINT, "check", "--format", "json", "--max-per-rule", "0", str(path)], stdout=out,
                                   stderr=subprocess.PIPE, env=base_env(), timeout=60)
    assert completed.returncode == 1 and completed.stderr == b""
    assert len(json.loads(target.read_text(encoding="utf-8"))["findings"]) == 400


def test_report_files_and_output_are_complete(write, tmp_path):
    path = write("many.yaml", MANY)
    sarif, markdown, junit, text = (tmp_path / name for name in ("r.sarif", "r.md", "r.xml", "r.txt"))
    result = run_installed("check", "--max-per-rule", "0", "--report", f"sarif={sarif}", "--report", f"markdown={markdown}",
                     "--report", f"junit={junit}", "--output", str(text), path)
    assert result.code == 1 and result.out == "", result.err
    assert len(json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]) == 400
    assert markdown.read_text(encoding="utf-8").count("SES103") >= 400
    assert junit.read_text(encoding="utf-8").rstrip().endswith("</testsuites>")
    assert text.read_text(encoding="utf-8").count("SES103") == 400 and text.read_text(encoding="utf-8").endswith(").\n")


def test_exit_codes_are_kept(write):
    assert run_installed("check", write("clean.yaml", CLEAN)).code == 0
    assert run_installed("check", write("many.yaml", MANY)).code == 1
    assert run_installed("check", "--exit-zero", write("many.yaml", MANY)).code == 0
    usage = run_installed("check", "--max-per-rule", "-1", write("clean.yaml", CLEAN))
    assert usage.code == 2 and usage.err == "ses-lint: error: --max-per-rule must be 0 (no cap) or a positive number\n"
    assert run_installed("explain", "SES103").code == 0 and run_installed("rules").code == 0


def test_python_dash_m_leaves_the_same_way(write):
    completed = subprocess.run([sys.executable, "-m", "ses_lint", "check", "--format", "json", str(write("many.yaml", MANY))],
                               capture_output=True, env=base_env(), timeout=60, cwd=str(ROOT))
    assert completed.returncode == 1 and len(json.loads(completed.stdout)["findings"]) == 101


def test_a_reader_that_went_away_is_not_an_error(write):
    """Standard output is a pipe whose reader is gone before anything is written: no traceback and no
    "Exception ignored" at exit, whether the write in `main()` or the flush before `os._exit` meets it."""
    path = write("r.yaml", RESERVED)
    read, written = os.pipe()
    os.close(read)
    try:
        completed = subprocess.run([SES_LINT, "check", str(path)], stdout=written, stderr=subprocess.PIPE, env=base_env(), timeout=60)
    finally:
        os.close(written)
    assert completed.returncode == 0 and completed.stderr == b""


def test_a_full_disk_is_said_and_fails(write):
    """A report that cannot be delivered (standard output on a full device) never passes, whether the
    write fails in `main()` or in the flush before `os._exit`."""
    if not os.path.exists("/dev/full"):
        import pytest

        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        completed = subprocess.run([SES_LINT, "check", str(write("r.yaml", RESERVED))], stdout=full, stderr=subprocess.PIPE,
                                   env=base_env(), timeout=60)
    assert completed.returncode == 2 and "No space left on device" in completed.stderr.decode()
