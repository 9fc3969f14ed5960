"""Fixtures of the LLM tests (the fake-server fixtures are shared from tests/fakes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm.calls import InMemoryCallRecorder
from assistant.llm.prompts import PromptLoader
from assistant.settings import REPO_ROOT


@pytest.fixture
def prompts() -> PromptLoader:
    """The shipped prompt files, default versions."""
    return PromptLoader(REPO_ROOT / "prompts")


@pytest.fixture
def recorder() -> InMemoryCallRecorder:
    return InMemoryCallRecorder()


@pytest.fixture
def prompts_dir() -> Path:
    return REPO_ROOT / "prompts"
