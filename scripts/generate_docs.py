"""Write docs/rules.md from the rules' docstrings."""
from pathlib import Path

from ses_lint.docs import render

target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
target.write_text(render(), encoding="utf-8")
print(f"wrote {target}")
