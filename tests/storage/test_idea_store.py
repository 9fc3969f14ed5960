"""The one store of an idea's life: the state machine, receipts only on submission, idempotent submissions,
all-or-nothing writes (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.storage.db import Database, open_database
from assistant.storage.enums import IdeaSource, IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import TRANSITIONS, can_move
from assistant.storage.records import CitizenInfo, VersionContent
from tests.fixtures.postgres import fresh_pg_database, require_pg_url

TEXT = "建议在地铁站出口统一划定共享单车停放区。"
CONTENT = VersionContent(title="关于规范共享单车停放的“百姓提案”", analysis=["现状"], suggestions=["建议划定停放区"])
CITIZEN = CitizenInfo(name="张三", phone="13912345678")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    def opened(url: str) -> Iterator[Database]:
        db = open_database(url)
        try:
            yield db
        finally:
            db.dispose()

    if request.param == "sqlite":
        yield from opened(f"sqlite:///{tmp_path / 'ideas.db'}")
        return
    with fresh_pg_database(require_pg_url()) as url:
        yield from opened(url)


def content_for(receipt: str) -> VersionContent:
    return VersionContent(title=CONTENT.title, analysis=CONTENT.analysis, suggestions=CONTENT.suggestions,
                          remarks=f"受理编号 {receipt}")


def test_a_draft_has_no_receipt_until_it_is_submitted(database: Database) -> None:
    store = IdeaStore(database)
    started = store.start(TEXT, CONTENT)
    idea = store.idea(started.idea_id)
    assert idea.status is IdeaStatus.DRAFT and idea.receipt_no is None and idea.submitted_at is None
    done = store.submit(started.draft_id, content_for, CITIZEN, note="市民提交")
    idea = store.idea(started.idea_id)
    assert idea.receipt_no == done.receipt_no and idea.status is IdeaStatus.SUBMITTED and idea.submitted_at
    assert idea.citizen.phone == "13912345678"
    latest = store.snapshot(started.draft_id).version
    assert latest.version_no == 2 and latest.content.remarks == f"受理编号 {done.receipt_no}"
    assert [(h.from_status, h.to_status) for h in store.history(idea.id)] == [
        (None, IdeaStatus.DRAFT), (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED)]
    with pytest.raises(ConflictError, match="已经提交过"):
        store.submit(started.draft_id, content_for, CITIZEN, note="市民提交")


def test_trying_several_texts_leaves_no_gaps_in_receipts(database: Database) -> None:
    store = IdeaStore(database)
    for _ in range(3):
        store.start(TEXT, CONTENT)  # drafts the citizen never submits
    kept = store.start(TEXT, CONTENT)
    first = store.submit(kept.draft_id, content_for, CITIZEN, note="提交")
    second = store.submit_new(TEXT, content_for, CITIZEN, review=None, source=IdeaSource.WEB, note="提交")
    seq = [int(r.split("-")[-1]) for r in (first.receipt_no, second.receipt_no)]
    assert seq[1] == seq[0] + 1


def test_the_same_idempotency_key_returns_the_same_receipt_and_stores_nothing(database: Database) -> None:
    store = IdeaStore(database)
    one = store.submit_new(TEXT, content_for, CITIZEN, review=None, source=IdeaSource.WEB, note="接口提交",
                           idempotency_key="client-42")
    again = store.submit_new(TEXT, content_for, CITIZEN, review=None, source=IdeaSource.WEB, note="接口提交",
                             idempotency_key="client-42")
    assert again.receipt_no == one.receipt_no and again.repeated and not one.repeated
    assert len(store.ideas([IdeaStatus.SUBMITTED])) == 1


def test_a_failing_submission_leaves_no_trace(database: Database) -> None:
    store = IdeaStore(database)

    def broken(receipt: str) -> VersionContent:
        raise RuntimeError("the final version could not be built")

    with pytest.raises(RuntimeError):
        store.submit_new(TEXT, broken, CITIZEN, review=None, source=IdeaSource.WEB, note="提交")
    assert store.ideas(list(IdeaStatus)) == []
    started = store.start(TEXT, CONTENT)
    with pytest.raises(RuntimeError):
        store.submit(started.draft_id, broken, CITIZEN, note="提交")
    idea = store.idea(started.idea_id)
    assert idea.status is IdeaStatus.DRAFT and idea.receipt_no is None and idea.citizen.name is None


def test_moves_follow_the_life_cycle_and_record_who_and_why(database: Database) -> None:
    store = IdeaStore(database)
    done = store.submit_new(TEXT, content_for, CITIZEN, review=None, source=IdeaSource.WEB, note="提交")
    with pytest.raises(ConflictError, match="不能改为"):
        store.move(done.idea_id, IdeaStatus.DRAFT, by=None)
    store.move(done.idea_id, IdeaStatus.IN_CULTIVATION, by=None, note="委员培育")
    store.move(done.idea_id, IdeaStatus.PROPOSAL, by=None, note="形成提案")
    with pytest.raises(ConflictError):
        store.move(done.idea_id, IdeaStatus.SUBMITTED, by=None)
    notes = [h.note for h in store.history(done.idea_id)]
    assert notes[-2:] == ["委员培育", "形成提案"]


def test_the_table_of_moves_is_closed_and_ends_in_closed() -> None:
    assert set(TRANSITIONS) == set(IdeaStatus)
    assert TRANSITIONS[IdeaStatus.CLOSED] == frozenset()
    assert all(can_move(s, IdeaStatus.CLOSED) for s in IdeaStatus if s is not IdeaStatus.CLOSED)
    assert not can_move(IdeaStatus.DRAFT, IdeaStatus.ROUTED), "an idea is submitted before staff route it"
