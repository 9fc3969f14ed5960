"""JSONL batch mode shared by the CLI commands: ``{"id","text"}`` lines in, one JSON record out per line.

A line that cannot be handled is answered with ``{"id", "line", "error"}`` (a Chinese message) and the batch
goes on; nothing is lost and no traceback reaches the user.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from assistant.errors import BaixingError

log = logging.getLogger("baixing.batch")


def emit(record: dict[str, Any], out: TextIO | None = None) -> None:
    """Write one JSON record as a line."""
    (out or sys.stdout).write(json.dumps(record, ensure_ascii=False) + "\n")


def run_jsonl_batch(
    handle: Callable[[Any, str], dict[str, Any]],
    action: str,
    stream: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Call ``handle(id, text)`` for every request line and emit its record; ``action`` names it in errors."""
    for number, line in enumerate(stream or sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            emit({"id": None, "line": number, "error": f"第 {number} 行不是有效的 JSON：{exc.msg}"}, out)
            continue
        if not isinstance(request, dict) or not isinstance(request.get("text"), str):
            case_id = request.get("id") if isinstance(request, dict) else None
            emit({"id": case_id, "line": number, "error": f'第 {number} 行应为 {{"id": …, "text": "…"}}'}, out)
            continue
        case_id = request.get("id")
        try:
            record = handle(case_id, request["text"])
        except BaixingError as exc:
            emit({"id": case_id, "line": number, "error": exc.user_message}, out)
            continue
        except Exception:  # one bad line must not stop the batch
            log.exception("%s failed on line %d", action, number)
            emit({"id": case_id, "line": number, "error": f"{action}这一条时发生意外错误，已记录日志。"}, out)
            continue
        emit(record, out)
    (out or sys.stdout).flush()
    return 0


CHUNK = 256
"""Requests answered together by :func:`run_jsonl_chunks`."""


def run_jsonl_chunks(
    handle_many: Callable[[Sequence[tuple[Any, str]]], Sequence[dict[str, Any] | BaixingError]],
    action: str,
    stream: TextIO | None = None,
    out: TextIO | None = None,
    chunk: int = CHUNK,
) -> int:
    """Like :func:`run_jsonl_batch`, but ``handle_many`` answers up to ``chunk`` requests at once (a record or a
    :class:`BaixingError` per request, in order), so a batch engine can vectorise its work. Output order and
    error lines are the same as line by line."""
    pending: list[tuple[int, Any, str]] = []

    def flush() -> None:
        if not pending:
            return
        try:
            answers = list(handle_many([(case_id, text) for _, case_id, text in pending]))
        except Exception:  # a failing chunk is answered line by line, so one bad line cannot hide the others
            log.exception("%s failed on a chunk; retrying line by line", action)
            answers = []
            for _, case_id, text in pending:
                try:
                    answers.extend(handle_many([(case_id, text)]))
                except Exception:
                    log.exception("%s failed on one line", action)
                    answers.append(BaixingError(f"{action}这一条时发生意外错误，已记录日志。"))
        for (number, case_id, _), answer in zip(pending, answers, strict=True):
            if isinstance(answer, BaixingError):
                emit({"id": case_id, "line": number, "error": answer.user_message}, out)
            else:
                emit(answer, out)
        pending.clear()

    for number, line in enumerate(stream or sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            flush()
            emit({"id": None, "line": number, "error": f"第 {number} 行不是有效的 JSON：{exc.msg}"}, out)
            continue
        if not isinstance(request, dict) or not isinstance(request.get("text"), str):
            flush()
            case_id = request.get("id") if isinstance(request, dict) else None
            emit({"id": case_id, "line": number, "error": f'第 {number} 行应为 {{"id": …, "text": "…"}}'}, out)
            continue
        pending.append((number, request.get("id"), request["text"]))
        if len(pending) >= chunk:
            flush()
    flush()
    (out or sys.stdout).flush()
    return 0
