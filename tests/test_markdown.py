"""`--format markdown`: per provider a row per stage, then the findings; cells escaped and masked."""
from __future__ import annotations

from support import CLEAN, HARDCODED, SECRET, run_cli


def test_markdown_rows_per_provider_and_stage(write, workdir):
    write("ses.yaml", HARDCODED + "  disabled:\n    provider: email.ses\n    enabled: false\n    config: {from: a@mycompany.com, region: eu-west-1}\n")
    code, out, _ = run_cli("--format", "markdown", "ses.yaml", cwd=workdir)
    assert code == 1
    assert out.startswith("## ses-lint\n\nFound 2 errors, 2 infos (1 file checked; stages: static ")
    assert "### `email-ses` (ses.yaml)\n\n| stage | result | findings |\n|---|---|---|\n| static | ❌ failed | 2 errors, 1 info |\n" \
           "| dns | ➖ not run (`--dns`) | – |\n| aws | ➖ not run (`--aws`) | – |\n| probe | ➖ not run (`--probe`) | – |\n" in out
    assert "### `disabled` (ses.yaml)" in out and "| static | ✅ passed | 1 info |" in out
    assert "| error | `ses.yaml:11:26` | SES301 hardcoded-secret |" in out
    assert SECRET not in out


def test_markdown_network_stages_of_a_disabled_provider_are_skipped(write, workdir):
    write("ses.yaml", CLEAN.replace("enabled: true", "enabled: false"))
    _, out, _ = run_cli("--format", "markdown", "--dns", "--nameserver", "127.0.0.1:9", "--timeout", "0.2", "ses.yaml", cwd=workdir)
    assert "| dns | ➖ skipped (disabled) | – |" in out


def test_markdown_cells_cannot_break_the_table_or_inject_html(write, workdir):
    write("ses.yaml", CLEAN.replace("noreply@mycompany.com", "'<script>x</script>|@mycompany.com'"))
    _, out, _ = run_cli("--format", "markdown", "ses.yaml", cwd=workdir)
    row = next(line for line in out.splitlines() if "SES501" in line)
    assert "<script>" not in out and "&lt;script&gt;" in row and "\\|" in row
    assert row.count(" | ") == 3  # four cells: the message's `|` is escaped
