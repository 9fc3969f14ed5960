"""Fixtures of the staff tests: a fresh database, the shipped offline engines (loaded once), real past items."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import AccountService, UserSession
from assistant.review import IdeaReviewService
from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from assistant.settings import REPO_ROOT, LLMSettings, Settings, test_settings
from assistant.staff import StaffServices
from assistant.staff.textsim import jaccard
from assistant.storage.batches import BatchStore
from assistant.storage.db import Database, open_database
from assistant.storage.documents import SqlDocumentStore
from assistant.storage.enums import Role
from assistant.storage.queue import QueueStore
from assistant.storage.routings import RoutingStore
from assistant.storage.texts import TextStore
from retrieval.shipped import item_document
from retrieval.tokenizer import ChineseTokenizer
from tests.support import review_service

ITEMS = REPO_ROOT / "corpus" / "data" / "items.jsonl.gz"
NEAR_DUPLICATES = REPO_ROOT / "evals" / "retrieval" / "near_duplicates.jsonl"


@pytest.fixture(scope="session")
def reviewer(screener: OfflineScreener, router: OfflineRouter) -> IdeaReviewService:
    """Offline screening + routing, no audit sink."""
    return review_service(screener, router)


@pytest.fixture(scope="session")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> ChineseTokenizer:
    """jieba with the shipped dictionaries."""
    return ChineseTokenizer(cache_dir=tmp_path_factory.mktemp("jieba"))


@pytest.fixture(scope="session")
def shipped_items() -> dict[str, dict[str, Any]]:
    """Records of the shipped past items by id."""
    with gzip.open(ITEMS, "rt", encoding="utf-8") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


@pytest.fixture(scope="session")
def duplicate_case(shipped_items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A labelled cluster of three or more reposts, each pair clearly above the threshold."""
    with NEAR_DUPLICATES.open(encoding="utf-8") as fh:
        cases = [json.loads(line) for line in fh if line.strip()]

    def text(doc_id: str) -> str:
        return f"{shipped_items[doc_id]['title']}\n{shipped_items[doc_id]['text']}"

    for case in cases:
        members = [*case["exclude"], *case["relevant"]]
        if len(members) >= 3 and all(jaccard(text(a), text(b)) >= 0.8 for a, b in combinations(members, 2)):
            return case
    raise AssertionError("no clear labelled cluster of three")


@pytest.fixture
def staff_settings(tmp_path: Path) -> Settings:
    """Test settings with the offline engines."""
    return test_settings(tmp_path / "var", llm=LLMSettings(mode="offline"))


@pytest.fixture
def database(staff_settings: Settings) -> Iterator[Database]:
    """A fresh SQLite database migrated to head."""
    db = open_database(staff_settings.database_url)
    yield db
    db.dispose()


@pytest.fixture
def staff(
    staff_settings: Settings, database: Database, reviewer: IdeaReviewService, tokenizer: ChineseTokenizer
) -> StaffServices:
    """The staff services over the fresh database."""
    return StaffServices(
        queue_store=QueueStore(database), routing_store=RoutingStore(database), batches=BatchStore(database),
        texts=TextStore(database), reviewer=lambda: reviewer, tokenizer=lambda: tokenizer,
        exports_dir=staff_settings.exports_dir, cache_dir=staff_settings.cache_dir,
        max_chars=staff_settings.ui.max_text_chars,
    )


@pytest.fixture
def staff_user(database: Database) -> UserSession:
    """A staff account."""
    return AccountService(database).create("gongzuo", "工作人员甲", Role.STAFF, "staff-pass-1")


def add_items(database: Database, records: list[dict[str, Any]]) -> None:
    """Store shipped item records as past-item documents."""
    SqlDocumentStore(database.sessions).upsert([item_document(r) for r in records])
