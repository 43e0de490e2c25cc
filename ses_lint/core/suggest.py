"""The one spelling a misspelt word was meant as, when only one is plausible (safe for `--fix`)."""
from __future__ import annotations

from typing import Iterable, Optional

SURE = 0.8  # the best match is at least this close (difflib's ratio)...
MARGIN = 0.1  # ...and the next best is at least this much further away


def confident_match(word: str, choices: Iterable[str]) -> Optional[str]:
    """`us-east1` -> `us-east-1` and `acces_key_id` -> `access_key_id`; not `us-west` (`-1` or `-2`?)."""
    import difflib  # only for a near miss

    scored = sorted(((difflib.SequenceMatcher(None, word, choice).ratio(), choice) for choice in choices), reverse=True)
    if not scored or scored[0][0] < SURE:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN:
        return None
    return scored[0][1]
