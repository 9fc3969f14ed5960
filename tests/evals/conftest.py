"""Fixtures of the eval tests: small real datasets and an offline composition root over the mini corpus."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import REPO_ROOT

SCREENING_DEV = REPO_ROOT / "evals" / "screening" / "data" / "dev.jsonl"


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def write_jsonl() -> Callable[[Path, list[dict[str, Any]]], Path]:
    """Writes rows as a JSONL file and returns its path."""
    return _write_jsonl


@pytest.fixture
def screening_rows() -> list[dict[str, Any]]:
    """Eight in-scope and eight out-of-scope labelled cases of the real dev split."""
    rows = [json.loads(line) for line in SCREENING_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["in_scope"]][:8] + [r for r in rows if not r["in_scope"]][:8]


@pytest.fixture
def small_screening(tmp_path: Path, screening_rows: list[dict[str, Any]]) -> Path:
    """A 16-case screening dataset file."""
    return _write_jsonl(tmp_path / "small.jsonl", screening_rows)


@pytest.fixture
def offline(container: Any) -> Any:
    """A composition root like ``container`` but with the offline engine instead of the fake model."""
    from evals.runner import container_for

    return container_for(container, "screening", backend="offline")
