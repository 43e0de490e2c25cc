"""What a collector of this package is given: `options`, `environ`, `documents`, `stage_enabled(stage)`
and `get(fact_type)` (the collector contract's `Inputs`). `RunInputs` gives them from a `Run` while the
fact types' `gather` classmethods still start the collectors."""
from __future__ import annotations

from typing import Any


class RunInputs:
    def __init__(self, run: Any) -> None:
        self.run = run
        self.options = run.options
        self.environ = run.environ
        self.documents = run.documents

    def stage_enabled(self, stage: Any) -> bool:
        return self.run.stage_enabled(stage)

    def get(self, fact_type: type) -> list:
        return self.run.subjects(fact_type)
