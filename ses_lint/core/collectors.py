"""Collectors: what each one produces, what it needs, and the engine's side of running them.

Every fact type (a rule's subject, or what another collector reads) has a registered `Collector`, one
entry of `ses_lint.collect.COLLECTORS`. The engine resolves, from the selected rules' subject types, which
collectors run and in which order (`Table.plan`), imports each collector's module only when its facts
are first asked for (`Collector.load`), and gathers each type once per run (`gather`).

A collector is a function `collect(inputs: Inputs) -> Iterable[Fact]`. `Inputs` gives it the run's
options, environment and documents, whether a stage runs, and `get(fact_type)` for the types it
declared (`needs`, and `optional` ones when their collector's stage runs); asking for any other type
raises `UndeclaredFact`, so a collector cannot reach what it did not declare. Late phases also get what
their phase knows: suppressions and unjudged files after suppressions were applied, stale baseline
entries after the baseline was.

This module imports no collector and no fact module: both are named by qualified names and imported on
demand, so the static path loads only what its rules need.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Iterable, Mapping

from ses_lint.core.findings import Stage


class Phase(Enum):
    """When a collector's facts can be gathered: with the other facts, or from what the run already found."""

    FACTS = "facts"
    AFTER_SUPPRESSIONS = "after-suppressions"  # SES008 (suppressions that suppressed nothing), SES013 (files not judged)
    AFTER_BASELINE = "after-baseline"  # SES014 (baseline entries no finding matched)

    @property
    def rank(self) -> int:
        return _PHASES.index(self)


_PHASES = list(Phase)


@dataclass(frozen=True)
class Collector:
    """One registered collector. Fact types and the function are qualified names, imported when needed."""

    produces: str  # qualified name of the fact type, "ses_lint.facts.aws.AwsProvider"
    function: str  # "ses_lint.collect.aws.gather:collect", imported only when needed
    stage: Stage  # the stage it belongs to (static collectors: Stage.STATIC)
    needs: tuple[str, ...] = ()  # fact types it reads; gathered before it
    optional: tuple[str, ...] = ()  # fact types it reads only when their collector's stage runs
    phase: Phase = Phase.FACTS  # late subjects (SES008, SES013, SES014) declare their phase here

    def load(self) -> Callable[["Inputs"], Iterable[Any]]:
        module, _, name = self.function.partition(":")
        found: Any = importlib.import_module(module)
        for attribute in name.split("."):  # "module:function" or "module:Type.gather"
            found = getattr(found, attribute)
        return found


class UndeclaredFact(LookupError):
    """A collector asked for a fact type it did not declare."""


class NoCollector(LookupError):
    """No collector produces this fact type."""


def type_name(fact_type: type | str) -> str:
    """The qualified name a fact type is registered by."""
    return fact_type if isinstance(fact_type, str) else f"{fact_type.__module__}.{fact_type.__qualname__}"


def fact_type(name: str) -> type:
    """The fact type a qualified name names (imports its module: fact modules are light)."""
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


class Table:
    """The registered collectors, by the type they produce.

    Several collectors may produce one type: the first whose needs the run gathers anyway is used
    (the dns stage's hints come from the aws stage's facts when its rules run too), else the last,
    which must need nothing the others do not."""

    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.by_type: dict[str, list[Collector]] = {}
        for collector in collectors:
            self.by_type.setdefault(collector.produces, []).append(collector)

    def __contains__(self, name: str) -> bool:
        return type_name(name) in self.by_type

    def phase(self, fact_type: type | str) -> Phase:
        return self._alternatives(type_name(fact_type))[-1].phase

    def _alternatives(self, name: str) -> list[Collector]:
        found = self.by_type.get(name)
        if not found:
            raise NoCollector(f"no collector produces {name} (register one in ses_lint.collect.COLLECTORS)")
        return found

    def choose(self, name: str, wanted: frozenset[str]) -> Collector:
        alternatives = self._alternatives(name)
        return next((collector for collector in alternatives[:-1] if set(collector.needs) <= wanted), alternatives[-1])

    def inputs_of(self, collector: Collector, stages: Iterable[Stage]) -> tuple[str, ...]:
        """What the collector reads in a run of these stages: its needs, and each optional type whose
        collector's stage runs."""
        running = {Stage.STATIC, *stages}
        return collector.needs + tuple(name for name in collector.optional if self._alternatives(name)[-1].stage in running)

    def wanted(self, fact_types: Iterable[type | str], stages: Iterable[Stage]) -> frozenset[str]:
        """Every fact type gathering `fact_types` reads, directly or not (with each type's last collector)."""
        stages = frozenset(stages)
        seen: set[str] = set()
        todo = [type_name(item) for item in fact_types]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo += self.inputs_of(self._alternatives(name)[-1], stages)
        return frozenset(seen)

    def plan(self, fact_types: Iterable[type | str], stages: Iterable[Stage]) -> list[Collector]:
        """The collectors that gather `fact_types` in a run of `stages`, each after what it reads.
        Raises `NoCollector` for a type nobody produces and `ValueError` for a cycle of needs."""
        stages, fact_types = frozenset(stages), list(fact_types)
        wanted = self.wanted(fact_types, stages)
        order: list[Collector] = []
        state: dict[str, str] = {}

        def visit(name: str, path: tuple[str, ...]) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "visiting":
                raise ValueError("collectors need each other: " + " -> ".join((*path, name)))
            state[name] = "visiting"
            collector = self.choose(name, wanted)
            for need in self.inputs_of(collector, stages):
                visit(need, (*path, name))
            state[name] = "done"
            order.append(collector)

        for item in fact_types:
            visit(type_name(item), ())
        return order


class Inputs:
    """What one collector may read of its run."""

    def __init__(self, run: Any, collector: Collector, readable: tuple[str, ...]) -> None:
        self._run = run
        self._collector = collector
        self._readable = frozenset(readable)

    @property
    def options(self) -> Any:
        return self._run.options

    @property
    def environ(self) -> Mapping[str, str]:
        return self._run.environ

    @property
    def documents(self) -> list:
        return self._run.documents

    def document(self, path: str) -> Any:
        return self._run.document(path)

    def stage_enabled(self, stage: Stage) -> bool:
        return self._run.stage_enabled(stage)

    def get(self, fact_type: type | str) -> list:
        """The facts of a declared type, gathered first if need be; [] for an optional type whose stage
        does not run."""
        name = type_name(fact_type)
        if name not in self._readable:
            if name in self._collector.optional:
                return []
            raise UndeclaredFact(f"{self._collector.function} did not declare {name} (needs or optional)")
        return gather(self._run, name)

    subjects = get  # the name the gather functions of the static subjects use

    # ----- what the late phases know
    def _late(self, phase: Phase, what: str) -> None:
        if self._collector.phase.rank < phase.rank:
            raise UndeclaredFact(f"{what} is known only to collectors of phase {phase.value}")

    @property
    def selected_codes(self) -> frozenset[str]:
        return self._run.selected_codes

    @property
    def suppressions(self) -> list:
        self._late(Phase.AFTER_SUPPRESSIONS, "the suppressions' use")
        return self._run.suppressions

    @property
    def unjudged(self) -> dict[str, str]:
        self._late(Phase.AFTER_SUPPRESSIONS, "which files were not judged")
        return self._run.unjudged

    @property
    def stale_baseline(self) -> list:
        self._late(Phase.AFTER_BASELINE, "the stale baseline entries")
        return self._run.stale_baseline


def gather(run: Any, fact_type: type | str) -> list:
    """The facts of one type in this run, gathered once by its collector (after what that one reads)."""
    name = type_name(fact_type)
    store = run._subjects
    if name not in store:
        table: Table = run.collectors
        collector = table.choose(name, run.wanted)
        readable = table.inputs_of(collector, run.options.stages)
        store[name] = list(collector.load()(Inputs(run, collector, readable)) or ())
    return store[name]
