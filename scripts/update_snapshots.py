"""Write the snapshots of the static fixtures and the examples (tests/snapshots.py says what they hold).

    .venv/bin/python scripts/update_snapshots.py           # write every snapshot that changed
    .venv/bin/python scripts/update_snapshots.py --check   # only say which are stale (exit 1 if any)

Review the diff (`git diff -- '*.expected.txt' '*/expected.txt'`) before committing it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

import snapshots  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a snapshot is stale")
    args = parser.parse_args()
    stale = 0
    for case in snapshots.cases():
        text = snapshots.render(case)
        if case.snapshot.is_file() and case.snapshot.read_text(encoding="utf-8") == text:
            continue
        stale += 1
        print(f"{'stale' if args.check else 'wrote'}: {case.snapshot.relative_to(TESTS.parent)}")
        if not args.check:
            case.snapshot.write_text(text, encoding="utf-8")
    for orphan in snapshots.orphans():
        stale += 1
        print(f"{'no fixture' if args.check else 'removed'}: {orphan.relative_to(TESTS.parent)}")
        if not args.check:
            orphan.unlink()
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
