"""``baixing screen``: screen one text, or a JSONL batch on stdin.

Batch output is one JSON object per input line, exactly
``{"id", "in_scope", "category", "confidence", "reason", "redirect", "reframe"}``; ``redirect`` is a short
string ``"<channel>：<what it is for>（<how to reach it>）"`` or null. A line that cannot be screened is
answered with ``{"id", "line", "error"}`` (a Chinese message), never a traceback.

Wire it into the main CLI with ``register(sub)``; standalone: ``python -m assistant.screening.cli screen …``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from assistant.batch import audit_buffer, resolve_container, resolve_service, run_jsonl_batch
from assistant.errors import BaixingError


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``screen`` subcommand to a ``baixing`` sub-parser collection."""
    p = subparsers.add_parser("screen", help="范围筛查：是否属于“百姓提案”，不属于时应走哪个渠道")
    p.add_argument("text", nargs="?", help="要筛查的文字")
    p.add_argument("--jsonl", action="store_true", help='批量：标准输入每行 {"id","text"}，每行输出一条结果')
    p.add_argument("--json", action="store_true", help="单条：以 JSON 输出完整结论（含离线结论）")
    p.add_argument("--offline", action="store_true", help="只用离线引擎，不调用大模型")
    p.set_defaults(handler=cmd_screen)
    return p


def _service(container: Any | None) -> Any:
    from assistant.screening.factory import build_screening_service

    return resolve_service(container, "screening_service", build_screening_service)


def _batch(service: Any, offline: bool) -> int:
    def handle(case_id: Any, text: str) -> dict[str, Any]:
        return service.screen(text, offline_only=offline).verdict.batch_record(case_id)

    return run_jsonl_batch(handle, "筛查")


def _print_verdict(outcome: Any) -> None:
    v = outcome.verdict
    if v.in_scope:
        print(f"结论：属于“百姓提案”工作范围（把握 {v.confidence:.2f}）")
    else:
        print(f"结论：不属于“百姓提案”工作范围——{v.category}（把握 {v.confidence:.2f}）")
    print(f"理由：{v.reason}")
    if v.evidence:
        print("依据的原文：" + "、".join(f"「{e}」" for e in v.evidence))
    if v.warning:
        print(f"提示：{v.warning}")
    if v.redirect:
        print(f"建议渠道：{v.redirect.short()}")
    if v.reframe:
        print(f"改写建议：{v.reframe}")
    if v.fallback:
        print(f"说明：{v.fallback}")
    print(f"（判断来源：{v.backend}{'，' + v.model if v.model else ''}）")


def cmd_screen(args: argparse.Namespace, container: Any | None = None) -> int:
    """Handler of ``baixing screen``."""
    if not args.jsonl and not args.text:
        print("错误：请提供要筛查的文字，或使用 --jsonl 从标准输入批量读取。", file=sys.stderr)
        return 2
    container = resolve_container(container)
    service = _service(container)
    if args.jsonl:
        with audit_buffer(container):
            return _batch(service, args.offline)
    outcome = service.screen(args.text, offline_only=args.offline)
    if args.json:
        print(outcome.model_dump_json(indent=2))
    else:
        _print_verdict(outcome)
    return 0


def main(argv: Sequence[str] | None = None, container: Any | None = None) -> int:
    """Standalone entry (``python -m assistant.screening.cli screen …``); same handler as ``baixing screen``."""
    parser = argparse.ArgumentParser(prog="baixing", description="百姓提案培育助手：范围筛查")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    try:
        return cmd_screen(args, container)
    except BaixingError as exc:
        print(f"错误：{exc.user_message}", file=sys.stderr)
        if exc.cause:
            print(f"（原因：{exc.cause}）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
