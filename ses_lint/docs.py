"""docs/rules.md, generated from the rules' own docstrings (`python scripts/generate_docs.py`)."""
from __future__ import annotations

from ses_lint.rules import load_rules

HEADER = """# ses-lint rules

Generated from the rules' docstrings by `python scripts/generate_docs.py`; do not edit by hand
(a test fails when this file is stale). `ses-lint explain CODE` prints the same text.

Stages: `static` runs offline and by default; `dns` with `--dns`; `aws` with `--aws`; `probe` only with
`--probe`. `--online` is `--dns --aws`.
"""


def render() -> str:
    rules = load_rules()
    lines = [HEADER, "| code | name | stage | severity | source | summary |", "|---|---|---|---|---|---|"]
    for rule in rules.values():
        lines.append(f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | {rule.stage.value} | {rule.severity.value} | [{rule.source}](../{rule.source}) | {rule.docs.summary} |")
    for rule in rules.values():
        lines += ["", f"## {rule.code} {rule.name}", "", f"Stage `{rule.stage.value}`, severity `{rule.severity.value}`, source [`{rule.source}`](../{rule.source}).", "", rule.docs.summary]
        for name in ("Details", "Why", "Fix"):
            body = rule.docs.sections.get(name)
            if body:
                lines += ["", f"**{name}:** " + " ".join(line.strip() for line in body.splitlines())]
        for name in ("Bad", "Good"):
            body = rule.docs.sections.get(name)
            if body:
                lines += ["", f"**{name}:**", "", "```yaml", body, "```"]
    return "\n".join(lines) + "\n"
