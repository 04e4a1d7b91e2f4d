"""Fixtures: a real local HTTP server and a fetcher with test-speed politeness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from localserver import LOCAL, LocalServer, start_server, stop_server

from marsad.sources.fetch import Fetcher


@pytest.fixture
def server() -> Iterator[LocalServer]:
    app = start_server()
    yield app
    stop_server(app)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(
        delay=0, backoff=0.01, timeout=0.5, retries=2, allow_private_hosts=LOCAL, trust_env=False
    ) as f:
        yield f
