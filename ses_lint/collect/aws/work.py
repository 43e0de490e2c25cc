"""What the aws collectors share while they work: one `Slot` per provider (its frozen facts so far, its
unknowns, the collector's scratch), and `Phases` (a thread pool, counted calls, progress lines)."""
from __future__ import annotations

import sys
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping, Optional

from ses_lint.collect.aws import clients
from ses_lint.facts.aws import SesIdentities, Unknown

WORKERS = 16
BATCH = 100  # identities per v1 Get*Attributes call (the API's limit)


class Slot:
    """One provider's facts while a collector fills them. Reads go to the facts so far (`slot.region`,
    `slot.covering`, ...); `set` replaces fields (under the slot's lock: phases run jobs in threads);
    `frozen()` is the finished fact."""

    def __init__(self, facts: SesIdentities) -> None:
        self.facts = facts
        self.unknowns: list[Unknown] = list(facts.unknowns)
        self.raw: dict = {}  # the collector's scratch: raw answers per call
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["facts"], name)

    def set(self, **changes: Any) -> None:
        with self._lock:
            self.facts = replace(self.facts, **changes)

    def unknown(self, key: str, message: str) -> None:
        self.unknowns.append(Unknown(key, message))

    def frozen(self) -> Any:
        return replace(self.facts, unknowns=tuple(self.unknowns))


class Phases:
    """A collector's plumbing: `call` (counted; every fault an Outcome), `parallel` jobs on a pool that
    `running()` opens, `progress` lines on stderr with `--progress`."""

    def __init__(self, inputs: Any) -> None:
        self.inputs = inputs
        self.environ: Mapping[str, str] = inputs.environ
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.pool: Optional[ThreadPoolExecutor] = None

    def call(self, slot: Slot, service: str, operation: str, region: Optional[str] = None, **params: Any) -> clients.Outcome:
        with self.lock:
            self.calls[f"{service}:{operation}"] += 1
        return clients.call(slot.credentials, service, operation, region or slot.region, slot.endpoint, **params)

    def parallel(self, jobs: list[Callable[[], Any]]) -> list[Any]:
        if not jobs:
            return []
        assert self.pool is not None
        return [future.result() for future in [self.pool.submit(job) for job in jobs]]

    def running(self) -> ThreadPoolExecutor:
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ses-lint-aws")
        return self.pool

    def done(self) -> None:
        self.pool = None
        with clients.CALLS_LOCK:
            clients.CALLS.update(self.calls)

    def progress(self, text: str) -> None:
        if self.inputs.options.progress:
            print(f"ses-lint: aws: {text}", file=sys.stderr, flush=True)


def units(slots: Iterable[Slot]) -> dict[tuple, list[Slot]]:
    """Providers by (account, credentials, region, endpoint): one SES account in one region."""
    grouped: dict[tuple, list[Slot]] = defaultdict(list)
    for slot in slots:
        grouped[(slot.account, id(slot.credentials), slot.region, slot.endpoint)].append(slot)
    return grouped


def unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def unique_by(values: Iterable[Slot], key: Callable[[Slot], Any]) -> list[Slot]:
    seen: dict[Any, Slot] = {}
    for value in values:
        seen.setdefault(key(value), value)
    return list(seen.values())


def lower_keys(mapping: dict) -> dict:
    return {str(name).lower(): value for name, value in mapping.items()}
