"""``baixing rate``: score a batch of proposals with the rubric, rank them and export the shortlist (.xlsx).

    baixing rate proposals.jsonl --out ratings.xlsx [--top 10] [--offline] [--rank-by rubric|llm|mean]
    baixing rate 提案文件夹/ --out ratings.xlsx

With a model configured (``BAIXING_LLM__MODE=openai``) the LLM judge scores each proposal too and the agreement
of the two judges is reported. Wire it into the main CLI with ``register(sub)``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container
from assistant.ratings import RANK_BY_ZH, ProposalRater, load_proposals, write_workbook


def cmd_rate(args: argparse.Namespace, container: Container) -> int:
    """Rate, rank, export."""
    proposals = load_proposals([Path(p) for p in args.inputs])
    tasks = None if args.offline else container.tasks

    def progress(done: int, total: int) -> None:
        if not args.quiet and (done == total or done % 20 == 0):
            print(f"已评分 {done}/{total}", file=sys.stderr, flush=True)

    report = ProposalRater(tasks).rate(
        LOCAL_OPERATOR, proposals, shortlist=args.top, rank_by=args.rank_by, use_llm=not args.offline, progress=progress
    )
    out = Path(args.out)
    write_workbook(report, out)
    print(report.text_zh(limit=args.show))
    print(f"\n评分表已写入：{out}")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``rate`` subcommand to a ``baixing`` sub-parser collection."""
    p = subparsers.add_parser("rate", help="提案评分：按五个维度批量评分、排名，导出年度优秀提案初筛表（.xlsx）")
    p.add_argument("inputs", nargs="+", help="提案文件：.jsonl、附件1 格式的 .docx，或包含它们的文件夹")
    p.add_argument("--out", default="ratings.xlsx", help="输出的 Excel 文件（默认 ratings.xlsx）")
    p.add_argument("--top", type=int, default=10, help="入围名额（默认 10）")
    p.add_argument("--rank-by", choices=list(RANK_BY_ZH), default="rubric",
                   help="排序依据：rubric 规则评分（默认）、llm 大模型评分、mean 两者平均")
    p.add_argument("--offline", action="store_true", help="只用离线规则评分，不调用大模型")
    p.add_argument("--show", type=int, default=20, help="在终端显示前几名（默认 20）")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.set_defaults(handler=cmd_rate)
    return p
