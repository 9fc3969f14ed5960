"""JSONL batch mode shared by the CLI commands: ``{"id","text"}`` lines in, one JSON record out per line.

A line that cannot be handled is answered with ``{"id", "line", "error"}`` (a Chinese message) and the batch
goes on; nothing is lost and no traceback reaches the user.

Output and audit agree: records are written in small chunks, and each chunk's audit rows are committed *before*
its lines are printed and flushed. A run killed at any moment leaves an audit row for every line it printed
(and, at most for the lines of the chunk being printed at that instant, a row whose line did not get out).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol, TextIO

from assistant.errors import BaixingError

log = logging.getLogger("baixing.batch")
CHUNK_LINES = 20
CHUNK_SECONDS = 1.0
"""A chunk is printed after this many lines or this long, whichever comes first."""


class BatchAudit(Protocol):
    """The task runner's audit side as the batch loop needs it (``assistant.tasks.TaskRunner``)."""

    def batch(self) -> AbstractContextManager[Any]:
        """Buffer audit rows inside the block."""

    def flush_audit(self) -> None:
        """Commit the buffered rows now."""


def emit(record: dict[str, Any], out: TextIO | None = None) -> None:
    """Write one JSON record as a line."""
    (out or sys.stdout).write(json.dumps(record, ensure_ascii=False) + "\n")


def run_jsonl_batch(
    handle: Callable[[Any, str], dict[str, Any]],
    action: str,
    stream: TextIO | None = None,
    out: TextIO | None = None,
    audit: BatchAudit | None = None,
    chunk_lines: int = CHUNK_LINES,
) -> int:
    """Call ``handle(id, text)`` for every request line and emit its record; ``action`` names it in errors.

    ``audit``: the task runner whose audit rows the handler writes; they are buffered and committed before the
    lines they describe are printed.
    """
    target = out or sys.stdout
    pending: list[str] = []
    last = time.monotonic()

    def flush() -> None:
        nonlocal last
        if pending:
            if audit is not None:
                audit.flush_audit()
            target.write("".join(pending))
            target.flush()
            pending.clear()
        last = time.monotonic()

    def put(record: dict[str, Any]) -> None:
        pending.append(json.dumps(record, ensure_ascii=False) + "\n")
        if len(pending) >= chunk_lines or time.monotonic() - last >= CHUNK_SECONDS:
            flush()

    with audit.batch() if audit is not None else nullcontext():
        try:
            for number, line in enumerate(stream or sys.stdin, start=1):
                if not line.strip():
                    continue
                try:
                    request = json.loads(line)
                except json.JSONDecodeError as exc:
                    put({"id": None, "line": number, "error": f"第 {number} 行不是有效的 JSON：{exc.msg}"})
                    continue
                if not isinstance(request, dict) or not isinstance(request.get("text"), str):
                    case_id = request.get("id") if isinstance(request, dict) else None
                    put({"id": case_id, "line": number, "error": f'第 {number} 行应为 {{"id": …, "text": "…"}}'})
                    continue
                case_id = request.get("id")
                try:
                    record = handle(case_id, request["text"])
                except BaixingError as exc:
                    put({"id": case_id, "line": number, "error": exc.user_message})
                    continue
                except Exception:  # one bad line must not stop the batch
                    log.exception("%s failed on line %d", action, number)
                    put({"id": case_id, "line": number, "error": f"{action}这一条时发生意外错误，已记录日志。"})
                    continue
                put(record)
        finally:
            flush()
    return 0


CHUNK = 256
"""Requests answered together by :func:`run_jsonl_chunks`."""


def _parse(number: int, line: str) -> tuple[Any, str] | dict[str, Any]:
    """``(id, text)`` of one request line, or the error record that answers it."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"第 {number} 行不是有效的 JSON：{exc.msg}"}
    if not isinstance(request, dict) or not isinstance(request.get("text"), str):
        case_id = request.get("id") if isinstance(request, dict) else None
        return {"id": case_id, "line": number, "error": f'第 {number} 行应为 {{"id": …, "text": "…"}}'}
    return request.get("id"), request["text"]


def run_jsonl_chunks(
    handle_many: Callable[[Sequence[tuple[Any, str]]], Sequence[dict[str, Any] | BaixingError]],
    action: str,
    stream: TextIO | None = None,
    out: TextIO | None = None,
    audit: BatchAudit | None = None,
    chunk: int = CHUNK,
) -> int:
    """Like :func:`run_jsonl_batch`, but ``handle_many`` answers up to ``chunk`` requests at once (a record or a
    :class:`BaixingError` per request, in order), so a batch engine can vectorise its work. Output order and
    error lines are the same as line by line; each chunk's audit rows are committed before its lines print."""
    target = out or sys.stdout
    pending: list[tuple[int, Any, str]] = []

    def answer(cases: list[tuple[Any, str]]) -> list[dict[str, Any] | BaixingError]:
        try:
            return list(handle_many(cases))
        except Exception:  # a failing chunk is answered line by line, so one bad line cannot hide the others
            log.exception("%s failed on a chunk; retrying line by line", action)
        answers: list[dict[str, Any] | BaixingError] = []
        for case in cases:
            try:
                answers.extend(handle_many([case]))
            except Exception:
                log.exception("%s failed on one line", action)
                answers.append(BaixingError(f"{action}这一条时发生意外错误，已记录日志。"))
        return answers

    def write(records: list[dict[str, Any]]) -> None:
        if audit is not None:
            audit.flush_audit()
        target.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        target.flush()

    def flush() -> None:
        if not pending:
            return
        answers = answer([(case_id, text) for _, case_id, text in pending])
        records = [
            {"id": case_id, "line": number, "error": a.user_message} if isinstance(a, BaixingError) else a
            for (number, case_id, _), a in zip(pending, answers, strict=True)
        ]
        pending.clear()
        write(records)

    with audit.batch() if audit is not None else nullcontext():
        try:
            for number, line in enumerate(stream or sys.stdin, start=1):
                if not line.strip():
                    continue
                parsed = _parse(number, line)
                if isinstance(parsed, dict):
                    flush()
                    write([parsed])
                    continue
                pending.append((number, *parsed))
                if len(pending) >= chunk:
                    flush()
        finally:
            flush()
    return 0
