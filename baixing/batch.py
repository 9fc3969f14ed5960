"""JSONL batch mode shared by the CLI commands: ``{"id","text"}`` lines in, one JSON record out per line.

A line that cannot be handled is answered with ``{"id", "line", "error"}`` (a Chinese message) and the batch
goes on; nothing is lost and no traceback reaches the user.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
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
