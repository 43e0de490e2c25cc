"""The aws and probe stages' plumbing: botocore clients per resolved credentials, one call as an
`Outcome` (every fault a fact), errors in words, pacing, and the count of every call made.

The facts (facts/aws.py) hold no client: `attach` keeps the botocore session of each resolved
`CredentialFacts` here, weakly keyed by that fact, so the collectors of one run (identities, the rest of
the aws stage, the probe) share its credentials and clients without resolving them twice.
botocore is imported inside functions only.
"""
from __future__ import annotations

import contextlib
import re
import threading
import time
import weakref
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional

from ses_lint.facts.aws import ATTEMPTS, AwsError, CredentialFacts
from ses_lint.knowledge.aws import error_kind

CALLS: Counter[str] = Counter()  # every AWS call this process made, by "service:Operation" (benchmarks read it)
CALLS_LOCK = threading.Lock()


def count(label: str, calls: int = 1) -> None:
    with CALLS_LOCK:
        CALLS[label] += calls


class Clients:
    """botocore clients of one credentials' session per (service, region, endpoint, attempts), made under a lock."""

    def __init__(self, session: Any, timeout: float) -> None:
        self.session = session
        self.timeout = max(0.1, float(timeout))
        self._cache: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def get(self, service: str, region: str, endpoint: Optional[str], attempts: int = ATTEMPTS) -> Any:
        key = (service, region, endpoint, attempts)
        with self._lock:
            client = self._cache.get(key)
            if client is None:
                from botocore.config import Config

                config = Config(
                    connect_timeout=self.timeout,
                    read_timeout=self.timeout,
                    retries={"mode": "standard", "total_max_attempts": attempts},
                    user_agent_extra="ses-lint",
                )
                client = self.session.create_client(service, region_name=region, endpoint_url=endpoint, config=config)
                self._cache[key] = client
            return client


_LIVE: "weakref.WeakKeyDictionary[CredentialFacts, Clients]" = weakref.WeakKeyDictionary()
_LIVE_LOCK = threading.Lock()


def attach(credentials: CredentialFacts, session: Any, timeout: float) -> CredentialFacts:
    """Keep the botocore session that resolved these credentials, for every collector that calls with them."""
    with _LIVE_LOCK:
        _LIVE[credentials] = Clients(session, timeout)
    return credentials


def clients_of(credentials: Optional[CredentialFacts]) -> Optional[Clients]:
    """The clients of resolved credentials (None: not resolved by this process, e.g. facts built by hand)."""
    if credentials is None:
        return None
    with _LIVE_LOCK:
        return _LIVE.get(credentials)


@dataclass
class Outcome:
    value: Any = None
    error: Optional[AwsError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def call(credentials: Optional[CredentialFacts], service: str, operation: str, region: str, endpoint: Optional[str],
         attempts: int = ATTEMPTS, **params: Any) -> Outcome:
    """One AWS call with these credentials; every fault becomes the Outcome's error. Not counted here."""
    label = f"{service}:{operation}"
    try:
        clients = clients_of(credentials)
        if clients is None:
            raise LookupError("no resolved credentials to call AWS with")
        method = getattr(clients.get(service, region, endpoint, attempts), _snake(operation))
        return Outcome(value=method(**params))
    except Exception as error:  # every fault is a fact
        return Outcome(error=classify(error, label))


def classify(error: BaseException, operation: str) -> AwsError:
    from botocore import exceptions as be

    if isinstance(error, be.ClientError):
        info = error.response.get("Error", {}) or {}
        code = str(info.get("Code") or "")
        message = str(info.get("Message") or error)
        status = (error.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        return AwsError(error_kind(code, status), code or str(status or ""), message, operation)
    if isinstance(error, (be.ConnectTimeoutError,)):
        return AwsError("unreachable", "ConnectTimeout", str(error), operation)
    if isinstance(error, be.ReadTimeoutError):
        return AwsError("timeout", "ReadTimeout", str(error), operation)
    if isinstance(error, (be.EndpointConnectionError, be.ConnectionClosedError, be.ConnectionError)):
        return AwsError("unreachable", type(error).__name__, str(error), operation)
    if isinstance(error, (be.NoCredentialsError, be.PartialCredentialsError)):
        return AwsError("auth", type(error).__name__, str(error), operation)
    return AwsError("error", type(error).__name__, str(error), operation)


class Pacer:
    """Spaces calls `interval` seconds apart (per key: a region's rate limit), across threads: a call made
    in `slot()` starts `interval` after the previous one's answer, so the service never sees two closer."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def slot(self):
        with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                yield
            finally:
                self._next = time.monotonic() + self.interval


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
