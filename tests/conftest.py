"""Suite-wide fixtures: every path under a temp dir, no real LLM, a small copy of the shipped corpus."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from assistant.settings import REPO_ROOT, Settings, test_settings
from tests.support import shipped_router, shipped_screener

pytest_plugins = ["tests.fakes.fixtures"]

MINI_ITEMS = 400
MINI_POLICY_ARTICLES = 1500


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point BAIXING_* at a temp data dir and drop any endpoint configured on the developer's machine."""
    for name in list(os.environ):
        if name.startswith("BAIXING_") and not name.startswith("BAIXING_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BAIXING_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


def _write_subset(source: Path, target: Path, limit: int, keep: set[str] | None = None) -> None:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    chosen = [r for r in records if keep and r["id"] in keep]
    chosen += list(itertools.islice((r for r in records if not keep or r["id"] not in keep), limit))
    with gzip.open(target, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen)


@pytest.fixture(scope="session")
def mini_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus folder with a few hundred real items and ~1,500 real policy articles (incl. the scheme)."""
    root = tmp_path_factory.mktemp("mini-corpus")
    data = root / "data"
    data.mkdir()
    for folder in ("catalogues", "dict"):
        shutil.copytree(REPO_ROOT / "corpus" / folder, root / folder)
    for name in ("taxonomy.jsonl.gz", "vectors-e5.npz"):
        shutil.copy(REPO_ROOT / "corpus" / "data" / name, data / name)
    shipped = REPO_ROOT / "corpus" / "data"
    _write_subset(shipped / "items.jsonl.gz", data / "items.jsonl.gz", MINI_ITEMS)
    with gzip.open(shipped / "policies.jsonl.gz", "rt", encoding="utf-8") as handle:
        scheme = {json.loads(line)["id"] for line in handle if "百姓提案" in line[:300]}
    _write_subset(shipped / "policies.jsonl.gz", data / "policies.jsonl.gz", MINI_POLICY_ARTICLES, keep=scheme)
    return root


@pytest.fixture
def settings(tmp_path: Path, mini_corpus: Path) -> Settings:
    """Test-profile settings over the mini corpus."""
    return test_settings(tmp_path / "var", corpus_dir=mini_corpus)


@pytest.fixture(scope="session")
def indexed_data_dir(tmp_path_factory: pytest.TempPathFactory, mini_corpus: Path) -> Path:
    """A data dir whose index over the mini corpus is built once per session (copy before writing)."""
    from assistant.container import Container

    data_dir = tmp_path_factory.mktemp("indexed") / "var"
    Container(test_settings(data_dir, corpus_dir=mini_corpus)).ensure_index(progress=False)
    return data_dir


@pytest.fixture
def container(settings: Settings) -> Iterator[object]:
    """A composition root over temp paths and the mini corpus (index not yet built)."""
    from assistant.container import Container

    yield Container(settings)


@pytest.fixture(scope="session")
def screener() -> OfflineScreener:
    """The shipped screening model and catalogues (loaded once)."""
    return shipped_screener()


@pytest.fixture(scope="session")
def router(tmp_path_factory: pytest.TempPathFactory) -> OfflineRouter:
    """The router over the shipped domain model, catalogue and past items (loaded once)."""
    return shipped_router(cache_dir=tmp_path_factory.mktemp("router-cache"))
