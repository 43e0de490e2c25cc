"""Fixtures of the DNS tests: NSD serving zone files the tests write, and the dnslib fault server.
Every query goes to 127.0.0.1 (see dnsfixtures.py)."""
from __future__ import annotations

import os
from typing import Callable

import pytest
from dnsfixtures import NSD, FaultServer, Nsd


@pytest.fixture
def nsd(tmp_path_factory) -> Callable[..., Nsd]:
    """`nsd(records)` starts NSD serving `test.` with `records` (absolute names) and the parent zones."""
    if not os.path.exists(NSD):
        pytest.fail("nsd is not installed (Debian package `nsd`; .ci/run installs it)")
    servers: list[Nsd] = []

    def start(records: str, **extra_zones: str) -> Nsd:
        server = Nsd(tmp_path_factory.mktemp("nsd"), records, extra_zones)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def _fault_server():
    server = FaultServer()
    yield server
    server.stop()


@pytest.fixture
def faults(_fault_server) -> FaultServer:
    """The dnslib fault server, reset for this test: `faults.resolver.reset(records, faults={...})`."""
    _fault_server.resolver.reset("")
    return _fault_server
