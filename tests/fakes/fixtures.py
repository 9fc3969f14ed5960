"""Pytest fixtures around the fake OpenAI-compatible server.

Register them for the whole suite with ``pytest_plugins = ["tests.fakes.fixtures"]`` in tests/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAIServer, free_port


def _bypass_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must never go through an HTTP proxy configured in the environment."""
    for var in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(var, "")
        monkeypatch.setenv(var, ",".join(x for x in (current, "127.0.0.1", "localhost") if x))


@pytest.fixture
def openai_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    """A started :class:`FakeOpenAIServer` on 127.0.0.1 (free port), stopped after the test."""
    _bypass_proxies(monkeypatch)
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def refused_base_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    _bypass_proxies(monkeypatch)
    return f"http://127.0.0.1:{free_port()}/v1"
