"""``baixing doctor`` (health of the database, index, vector store and model endpoint) and ``baixing privacy``
(the retention purge, and a citizen's data export or erasure on request; every action audited)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container


def cmd_doctor(args: argparse.Namespace, container: Container) -> int:
    """Print every check; exit 1 when one failed (for monitoring scripts)."""
    found = container.health(llm=not args.no_llm)
    if args.json:
        print(found.model_dump_json(indent=2))
    else:
        print(found.text_zh())
    return 0 if found.ok else 1


def cmd_privacy(args: argparse.Namespace, container: Container) -> int:
    """Dispatch ``baixing privacy purge|export|erase``."""
    service = container.privacy
    if args.action == "purge":
        done = service.purge(LOCAL_OPERATOR, dry_run=args.dry_run)
        verb = "将" if done.dry_run else "已"
        print(f"{verb}删除 {done.contacts_erased} 条金点子的联系方式（提交早于 {_day(done.cutoff)}），"
              f"{verb}删除 {done.drafts_deleted} 份未提交的草稿（创建早于 {_day(done.draft_cutoff)}）。")
        return 0
    if not args.receipt or not args.phone:
        print("错误：请给出受理编号和提交时的联系电话（--phone），用于核对身份。", file=sys.stderr)
        return 2
    if args.action == "export":
        data = service.export(LOCAL_OPERATOR, args.receipt, args.phone)
        print(json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    idea_id = service.erase(LOCAL_OPERATOR, args.receipt, args.phone, args.reason)
    print(f"已删除受理编号 {args.receipt.strip().upper()} 的联系方式（金点子 {idea_id}；正文保留）。操作已记入审计。")
    return 0


def _day(value: Any) -> str:
    return value.date().isoformat() if value is not None else "（不限期）"


def register(sub: Any) -> None:
    """Add ``doctor`` and ``privacy``."""
    p = sub.add_parser("doctor", help="健康检查：数据库、检索索引、向量库、大模型服务")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--no-llm", action="store_true", help="不检查大模型服务")
    p.set_defaults(handler=cmd_doctor)

    p = sub.add_parser("privacy", help="个人信息：到期清理联系方式；按市民请求导出或删除其个人信息")
    p.add_argument("action", choices=["purge", "export", "erase"],
                   help="purge 按保存期限清理 / export 导出某位市民的信息 / erase 删除某位市民的联系方式")
    p.add_argument("receipt", nargs="?", help="受理编号（export、erase 时用）")
    p.add_argument("--phone", help="提交时的联系电话（核对身份）")
    p.add_argument("--reason", default="本人要求删除", help="删除的事由（记入审计）")
    p.add_argument("--dry-run", action="store_true", help="purge 时只统计，不删除")
    p.set_defaults(handler=cmd_privacy)
