"""Fixtures of the routing tests: the shipped offline router, loaded once."""

from __future__ import annotations

import pytest

from assistant.routing.engine import OfflineRouter


@pytest.fixture(scope="session")
def router() -> OfflineRouter:
    """The router over the shipped domain model, catalogues and past items."""
    return OfflineRouter.load()
