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
from collections.abc import Callable
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
