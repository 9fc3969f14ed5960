"""Batch commands write their audit rows in batches; nothing is lost and single requests stay immediate."""

from __future__ import annotations

from typing import Any

from assistant.storage.repositories import AuditRepository


def _count(container: Any) -> int:
    with container.database.session() as session:
        return len(AuditRepository(session).recent(limit=10_000, action="test"))


def _suggest(container: Any, n: int) -> None:
    for i in range(n):
        container.audit_log.suggestion(
            entity_type="idea", entity_id=i, action="test", input_digest=f"d{i}", output={"i": i}, backend="offline"
        )


def test_single_suggestions_are_written_at_once(container: Any) -> None:
    _suggest(container, 2)
    assert _count(container) == 2


def test_buffered_block_writes_every_row_by_the_end(container: Any) -> None:
    container.audit_log.FLUSH_EVERY = 5
    with container.audit_log.buffered():
        _suggest(container, 7)
        assert _count(container) == 5  # one full batch flushed, two rows still buffered
    assert _count(container) == 7
    _suggest(container, 1)
    assert _count(container) == 8


def test_rows_buffered_before_an_error_are_still_written(container: Any) -> None:
    try:
        with container.audit_log.buffered():
            _suggest(container, 3)
            raise RuntimeError("batch interrupted")
    except RuntimeError:
        pass
    assert _count(container) == 3
