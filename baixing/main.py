"""The ``baixing`` command line: serve the app, ingest archives, search, batch jobs and evals."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.container import Container
from assistant.errors import BaixingError
from assistant.security.files import harden_process
from assistant.settings import disable_telemetry
from baixing.batch import run_jsonl_batch
from baixing.catalogue import register as register_catalogue
from baixing.draft import register as register_cultivation
from baixing.ops import register as register_ops
from baixing.rate import register as register_rate
from baixing.scheme import register as register_scheme
from baixing.suggest import ROUTE, SCREEN
from baixing.users import register as register_user
from evals.cli import register as register_eval

Handler = Callable[[argparse.Namespace, Container], int]


# --- index ---------------------------------------------------------------------------------------
def cmd_index(args: argparse.Namespace, container: Container) -> int:
    """Load the shipped corpus into the store and bring the search index up to date (an emptied or deleted
    vector store is rebuilt)."""
    report = container.ensure_index(progress=not args.quiet, force_corpus=args.reload_corpus)
    print(report.summary_zh())
    return 0


# --- ingest --------------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace, container: Container) -> int:
    """Import a CSV/XLSX/JSONL archive."""
    from assistant.ingest.mapping import parse_mapping

    try:
        mapping = parse_mapping(args.map or [])
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    container.ensure_index(progress=not args.quiet)
    report = container.ingest_service.ingest_file(
        Path(args.file), args.kind, mapping, fmt=args.format, sheet=args.sheet
    )
    if args.json:
        print(report.model_dump_json())
    else:
        print(
            f"导入完成：读取 {report.rows_read} 行，成功 {report.rows_ok} 行，"
            f"新增或更新 {report.added_or_changed} 篇，未变化 {report.unchanged} 篇，跳过 {len(report.errors)} 行。"
        )
        for error in report.errors[:50]:
            print(f"  第 {error.line} 行：{error.message}")
        if len(report.errors) > 50:
            print(f"  ……另有 {len(report.errors) - 50} 行错误（用 --json 查看全部）")
    return 0


# --- similar -------------------------------------------------------------------------------------
def _filters(args: argparse.Namespace) -> Any:
    from retrieval.documents import SearchFilters

    return SearchFilters(
        kinds=args.kind or None,
        year_from=args.year_from,
        year_to=args.year_to,
        regions=args.region or None,
    )


def cmd_similar(args: argparse.Namespace, container: Container) -> int:
    """Similar past items, proposals and policy articles for a text (or a JSONL batch on stdin)."""
    container.ensure_index(progress=False)
    searcher = container.search_service
    filters = _filters(args)
    if args.jsonl:
        fields = {"doc_id", "kind", "title", "score", "citation"}

        def handle(case_id: Any, text: str) -> dict[str, Any]:
            hits = searcher.search(text, k=args.k, filters=filters, mode=args.mode)
            return {"id": case_id, "hits": [h.model_dump(include=fields) for h in hits]}

        return run_jsonl_batch(handle, "检索")
    if not args.text:
        print("错误：请提供要检索的文字，或使用 --jsonl 从标准输入批量读取。", file=sys.stderr)
        return 2
    hits = searcher.search(args.text, k=args.k, filters=filters, mode=args.mode)
    if args.json:
        print(json.dumps([h.model_dump() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("没有找到相似的内容。")
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank:>2}. [{hit.score:.3f}] {hit.citation}")
        print(f"    {hit.snippet}")
        if hit.reply:
            print(f"    答复：{hit.reply[:120]}{'…' if len(hit.reply) > 120 else ''}")
    return 0


# --- serve ---------------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace, container: Container) -> int:
    """Serve the pages and the JSON API on one port (building a missing index first)."""
    from baixing.serve import serve

    return serve(container, host=args.host, port=args.port)


# --- parser --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="baixing", description="百姓提案培育助手")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="启动网页应用和线上渠道接口 /api/v1（首次启动时建立索引）")
    p.add_argument("--host", default=None, help="监听地址（默认取设置 ui.host）")
    p.add_argument("--port", type=int, default=None, help="端口（默认取设置 ui.port）")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("index", help="载入内置语料并增量更新检索索引")
    p.add_argument("--reload-corpus", action="store_true", help="重新比对内置语料（即使其文件未变）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("ingest", help="导入自己的档案（CSV、XLSX 或 JSONL）")
    p.add_argument("file", help="文件路径")
    p.add_argument("--kind", required=True, choices=["proposals", "policies", "items"], help="档案类型")
    p.add_argument("--map", action="append", metavar="字段=列名", help="列映射，可重复：title=提案标题")
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl"], help="文件格式（默认按扩展名）")
    p.add_argument("--sheet", help="XLSX 工作表名（默认第一个）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出导入报告")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("similar", help="检索相似的往期留言、提案与政策条文")
    p.add_argument("text", nargs="?", help="要检索的文字")
    p.add_argument("--jsonl", action="store_true", help='批量：标准输入每行 {"id","text"}，每行输出一条结果')
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("-k", "--k", type=int, default=10, help="返回条数")
    p.add_argument("--mode", choices=["bm25", "dense", "hybrid"], default=None, help="检索方式（默认混合）")
    p.add_argument("--kind", action="append", choices=["item", "policy", "proposal"], help="只看某类，可重复")
    p.add_argument("--year-from", type=int, help="起始年份")
    p.add_argument("--year-to", type=int, help="截止年份")
    p.add_argument("--region", action="append", help="地区，可重复")
    p.set_defaults(handler=cmd_similar)

    register_eval(sub)
    register_rate(sub)

    SCREEN.register(sub)
    ROUTE.register(sub)
    register_cultivation(sub)
    register_user(sub)
    register_catalogue(sub)
    register_scheme(sub)
    register_ops(sub)
    return parser


def main(argv: Sequence[str] | None = None, container: Container | None = None) -> int:
    """Entry point of the ``baixing`` console script (``container``: a composition root a test built)."""
    harden_process()  # umask 077: every file the process creates (database, WAL, exports, temp) is owner-only
    disable_telemetry()
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, container or Container.from_env()))
    except BaixingError as exc:
        print(f"错误：{exc.user_message}", file=sys.stderr)
        if exc.cause:
            print(f"（原因：{exc.cause}）", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
