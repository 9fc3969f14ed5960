"""``baixing draft`` and ``baixing export``: standard-format drafts from the command line.

``baixing draft "text"`` prints one draft; ``baixing draft --jsonl`` reads ``{"id","text"}`` lines on stdin and
writes one line per input, exactly ``{"id","proposal":{"title","analysis","suggestions"},"questions","sources",
"violations"}`` (a line that cannot be drafted gets ``{"id","line","error"}``). ``--save`` stores a session
(idea + draft version) and prints its id; ``baixing export ID --format docx|md`` writes the latest version.

Drafts go through the same drafting task as the citizen page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.container import Container
from assistant.cultivation.models import Attribution, DraftProposal, Proposer
from assistant.cultivation.service import CultivationService
from assistant.errors import InputError
from assistant.storage.enums import IdeaSource
from baixing.batch import run_jsonl_batch


def register(subparsers: Any) -> None:
    """Add the ``draft`` and ``export`` subcommands to a ``baixing`` sub-parser collection."""
    p = subparsers.add_parser("draft", help="把金点子整理成“百姓提案”标准格式草稿（附件1）")
    p.add_argument("text", nargs="?", help="金点子原文")
    p.add_argument("--jsonl", action="store_true", help='批量：标准输入每行 {"id","text"}，每行输出一条结果')
    p.add_argument("--json", action="store_true", help="单条：以 JSON 输出完整草稿")
    p.add_argument("--offline", action="store_true", help="只用离线引擎，不调用大模型")
    p.add_argument("--no-search", action="store_true", help="不检索往期留言和政策条文（更快）")
    p.add_argument("--answer", action="append", default=[], metavar="要素=回答",
                   help="对追问的回答，可重复：affected=约200户居民")
    p.add_argument("--name", default="", help="提出者")
    p.add_argument("--occupation", default="", help="职业")
    p.add_argument("--phone", default="", help="联系电话")
    p.add_argument("--address", default="", help="联系地址")
    p.add_argument("--member", default="", help="代为提交的政协委员或参加单位")
    p.add_argument("--save", action="store_true", help="保存为培育会话（可用 export 导出）")
    p.set_defaults(handler=cmd_draft)

    p = subparsers.add_parser("export", help="导出已保存的提案草稿（Word 附件1 表格或 Markdown）")
    p.add_argument("draft_id", type=int, help="草稿编号（draft --save 输出的编号）")
    p.add_argument("--format", choices=["docx", "md"], default="docx", help="导出格式")
    p.add_argument("-o", "--output", help="输出文件（默认 draft-<编号>.<格式>；md 可用 - 输出到屏幕）")
    p.set_defaults(handler=cmd_export)


def _service(container: Container, search: bool) -> CultivationService:
    return container.cultivation_service if search else container.cultivation_without_search


def _answers(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not value.strip():
            raise InputError(f"回答应写作“要素=回答”，例如 affected=约200户居民：{pair}", pair)
        out[key.strip()] = value.strip()
    return out


def _batch(service: CultivationService, offline: bool) -> int:
    def handle(case_id: Any, text: str) -> dict[str, Any]:
        return service.draft(text, offline_only=offline).batch_record(case_id)

    return run_jsonl_batch(handle, "起草", audit=service.tasks)


def _print(draft: DraftProposal) -> None:
    from assistant.cultivation.docx_io import export_markdown

    print(export_markdown(draft))
    for note in draft.notes:
        print(f"说明：{note}")
    for warning in draft.warnings:
        print(f"提示：{warning.message}")
    if draft.questions:
        print("为了让提案更充实，请回答（用 --answer 要素=回答 补充后重新起草）：")
        for q in draft.questions:
            print(f"  [{q.element}] {q.text}")


def cmd_draft(args: argparse.Namespace, container: Container) -> int:
    """Handler of ``baixing draft``."""
    if not args.jsonl and not args.text:
        print("错误：请提供金点子原文，或使用 --jsonl 从标准输入批量读取。", file=sys.stderr)
        return 2
    service = _service(container, search=not args.no_search)
    if args.jsonl:
        return _batch(service, args.offline)
    proposer = Proposer(name=args.name, occupation=args.occupation, phone=args.phone, address=args.address)
    answers = _answers(args.answer)
    if args.save:
        attribution = Attribution(citizen=proposer, idea_excerpt=args.text[:200], member=args.member)
        first = service.draft(args.text, proposer=proposer, attribution=attribution, offline_only=args.offline)
        state = service.start(args.text, first, citizen=proposer, source=IdeaSource.CLI)
        if answers:
            assert state.draft_id is not None
            state = service.answer(state.draft_id, answers, offline_only=args.offline)
        draft = state.draft
        print(f"已保存培育会话：草稿编号 {state.draft_id}，第 {state.round} 轮。", file=sys.stderr)
    else:
        draft = service.draft(args.text, answers=answers, proposer=proposer, offline_only=args.offline)
    if args.json:
        print(draft.model_dump_json(indent=2))
    else:
        _print(draft)
    return 0


def cmd_export(args: argparse.Namespace, container: Container) -> int:
    """Handler of ``baixing export``."""
    from assistant.cultivation.docx_io import export_docx, export_markdown

    draft = container.cultivation_without_search.resume(args.draft_id).draft
    if args.format == "md":
        text = export_markdown(draft)
        if args.output == "-":
            print(text)
            return 0
        path = Path(args.output or f"draft-{args.draft_id}.md")
        path.write_text(text, encoding="utf-8")
    else:
        path = Path(args.output or f"draft-{args.draft_id}.docx")
        path.write_bytes(export_docx(draft))
    print(f"已导出：{path}")
    return 0
