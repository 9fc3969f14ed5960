"""``baixing route``: route one idea, or a JSONL batch on stdin.

Batch output is one JSON object per input line, exactly
``{"id", "domain", "units": [{"name", "role", "score", "reason"}], "committee", "channel", "abstain"}``; ``domain``
is a first-level class name and ``name`` a unit's official name. A line that cannot be routed is answered with
``{"id", "line", "error"}`` (a Chinese message), never a traceback.

Wire it into the main CLI with ``register(sub)``; standalone: ``python -m assistant.routing.cli route …``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from assistant.batch import audit_buffer, resolve_container, resolve_service, run_jsonl_batch
from assistant.errors import BaixingError


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``route`` subcommand to a ``baixing`` sub-parser collection."""
    p = subparsers.add_parser("route", help="分办建议：领域、承办单位（主办/协办）、对口专委会和处理通道")
    p.add_argument("text", nargs="?", help="要分办的建议文字")
    p.add_argument("--jsonl", action="store_true", help='批量：标准输入每行 {"id","text"}，每行输出一条结果')
    p.add_argument("--json", action="store_true", help="单条：以 JSON 输出完整结论（含离线结论）")
    p.add_argument("--offline", action="store_true", help="只用离线引擎，不调用大模型")
    p.set_defaults(handler=cmd_route)
    return p


def _service(container: Any | None) -> Any:
    from assistant.routing.factory import build_routing_service

    return resolve_service(container, "routing_service", build_routing_service)


def _batch(service: Any, offline: bool) -> int:
    def handle(case_id: Any, text: str) -> dict[str, Any]:
        return service.route(text, offline_only=offline).decision.batch_record(case_id)

    return run_jsonl_batch(handle, "分办")


def _print_decision(outcome: Any) -> None:
    d = outcome.decision
    level2 = f" / {d.level2}" if d.level2 else ""
    print(f"领域：{d.domain}{level2}（把握 {d.domain_confidence:.2f}）")
    if d.abstain:
        print(f"建议人工分办：{d.abstain_reason or ''}")
    for u in d.units:
        print(f"  [{u.role}] {u.name}（得分 {u.score:.2f}）")
        print(f"      理由：{u.reason}")
    print(f"对口专委会：{d.committee}——{d.committee_reason}")
    print(f"处理通道：{d.channel}——{d.channel_reason}")
    if d.fallback:
        print(f"说明：{d.fallback}")
    print(f"（判断来源：{d.backend}{'，' + d.model if d.model else ''}）")


def cmd_route(args: argparse.Namespace, container: Any | None = None) -> int:
    """Handler of ``baixing route``."""
    if not args.jsonl and not args.text:
        print("错误：请提供要分办的文字，或使用 --jsonl 从标准输入批量读取。", file=sys.stderr)
        return 2
    container = resolve_container(container)
    service = _service(container)
    if args.jsonl:
        with audit_buffer(container):
            return _batch(service, args.offline)
    outcome = service.route(args.text, offline_only=args.offline)
    if args.json:
        print(outcome.model_dump_json(indent=2))
    else:
        _print_decision(outcome)
    return 0


def main(argv: Sequence[str] | None = None, container: Any | None = None) -> int:
    """Standalone entry (``python -m assistant.routing.cli route …``); same handler as ``baixing route``."""
    parser = argparse.ArgumentParser(prog="baixing", description="百姓提案培育助手：分办建议")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    try:
        return cmd_route(args, container)
    except BaixingError as exc:
        print(f"错误：{exc.user_message}", file=sys.stderr)
        if exc.cause:
            print(f"（原因：{exc.cause}）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
