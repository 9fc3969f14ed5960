"""``baixing eval``: run a suite, list runs, compare two runs, write an HTML report, check the quality gate.

    baixing eval SUITE [--backend offline|openai --model M --prompt-version V --dataset FILE]
    baixing eval list [--suite S]
    baixing eval compare RUN_A RUN_B
    baixing eval report RUN [--out FILE]
    baixing eval check evals/thresholds.yaml [--runs RUN ...]

A run is named by its id (``screening-20261122-…``), a unique prefix of it, or the path of its JSON file.
Wire it into the main CLI with ``register(sub)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container
from evals.suites import SUITES

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"


def cmd_run(args: argparse.Namespace, root: Container) -> int:
    """Run one suite and save the run."""
    from evals.runner import container_for, run_suite

    container = container_for(root, args.suite, backend=args.backend, model=args.model,
                              prompt_version=args.prompt_version)
    run = run_suite(container, args.suite, dataset=args.dataset, modes=getattr(args, "modes", None),
                    actor=LOCAL_OPERATOR)
    if args.json:
        print(json.dumps({"run_id": run.run_id, "path": run.path, "aggregates": run.aggregates, "usage": run.usage},
                         ensure_ascii=False))
        return 0
    print(run.summary_zh())
    print(f"运行记录已保存：{run.path}（数据库中编号 {run.run_id}）")
    return 0


def cmd_list(args: argparse.Namespace, container: Container) -> int:
    """The newest runs."""
    from evals.store import RunStore

    runs = RunStore.of(container).list_runs(LOCAL_OPERATOR, args.suite, args.limit)
    if not runs:
        print("还没有评测运行记录。用 baixing eval SUITE 运行一个评测套件。")
        return 0
    for info in runs:
        model = f"（{info.model}）" if info.model else ""
        print(f"{info.run_id}\t{info.created_at}\t{info.backend}{model}\t{info.cases} 例\t{info.headline}")
    return 0


def cmd_compare(args: argparse.Namespace, container: Container) -> int:
    """Per-metric deltas with bootstrap intervals and the flipped cases."""
    from evals.compare import compare_runs
    from evals.store import RunStore

    store = RunStore.of(container)
    comparison = compare_runs(store.load(LOCAL_OPERATOR, args.run_a), store.load(LOCAL_OPERATOR, args.run_b))
    if args.json:
        print(comparison.model_dump_json(indent=1))
    else:
        print(comparison.text_zh(limit=args.limit))
    return 0


def cmd_report(args: argparse.Namespace, container: Container) -> int:
    """Write the self-contained HTML report of a run."""
    from evals.report import write_report
    from evals.store import RunStore

    run = RunStore.of(container).load(LOCAL_OPERATOR, args.run)
    out = Path(args.out) if args.out else container.settings.runs_dir / f"{run.run_id}.html"
    write_report(run, out)
    print(f"评测报告已写入：{out}")
    return 0


def cmd_check(args: argparse.Namespace, container: Container) -> int:
    """Exit 1 when any metric falls outside its threshold."""
    from evals.gate import load_thresholds, run_gate
    from evals.store import RunStore

    gates = load_thresholds(Path(args.thresholds))
    store = RunStore.of(container)
    given = {}
    for ref in args.runs or []:
        run = store.load(LOCAL_OPERATOR, ref)
        given[run.suite] = run
    report = run_gate(container, gates, given, progress=lambda m: print(m, file=sys.stderr, flush=True))
    print(report.text_zh())
    return 0 if report.ok else 1


def _add_run_flags(p: argparse.ArgumentParser, suite: str) -> None:
    p.add_argument("--backend", choices=["offline", "openai", "fake"], default=None,
                   help="模型后端（默认取设置 llm.mode；fake 仅用于测试）")
    p.add_argument("--model", default=None, help="模型名（默认取设置 llm.model）")
    p.add_argument("--prompt-version", action="append", metavar="V|任务=V",
                   help="提示词版本：v2 作用于本套件的全部任务，draft=v2 只作用于一个任务；可重复")
    p.add_argument("--dataset", help="自带数据集（JSONL，每行含 id 及本套件要求的字段，见 docs/evaluation.md）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出汇总")
    if suite == "retrieval":
        p.add_argument("--modes", nargs="+", choices=["bm25", "dense", "hybrid"], default=None,
                       help="检索方式（默认 bm25 dense hybrid）")
    p.set_defaults(handler=cmd_run, suite=suite)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``eval`` with one sub-command per suite plus list/compare/report/check."""
    p = subparsers.add_parser("eval", help="评测：运行套件、比较运行、生成报告、检查质量门槛")
    sub = p.add_subparsers(dest="eval_command", required=True, metavar="SUITE|list|compare|report|check")
    for name, spec in SUITES.items():
        _add_run_flags(sub.add_parser(name, help=f"运行评测套件：{spec.title}"), name)

    q = sub.add_parser("list", help="列出最近的评测运行")
    q.add_argument("--suite", choices=list(SUITES), default=None, help="只看某个套件")
    q.add_argument("--limit", type=int, default=30, help="条数")
    q.set_defaults(handler=cmd_list)

    q = sub.add_parser("compare", help="比较两次运行：逐项差值、自助法置信区间、翻转的用例")
    q.add_argument("run_a", help="运行 A（编号、编号前缀或 JSON 文件路径）")
    q.add_argument("run_b", help="运行 B")
    q.add_argument("--limit", type=int, default=30, help="最多列出多少个翻转的用例")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(handler=cmd_compare)

    q = sub.add_parser("report", help="生成一次运行的 HTML 报告（含图表，可离线打开）")
    q.add_argument("run", help="运行编号、编号前缀或 JSON 文件路径")
    q.add_argument("--out", help="输出文件（默认 <数据目录>/runs/<编号>.html）")
    q.set_defaults(handler=cmd_report)

    q = sub.add_parser("check", help="质量门槛：运行离线套件，有指标低于门槛时以非零状态退出")
    q.add_argument("thresholds", nargs="?", default=str(DEFAULT_THRESHOLDS), help="门槛文件（YAML）")
    q.add_argument("--runs", nargs="+", metavar="RUN", help="用已有的运行代替重新运行（每个套件一个）")
    q.set_defaults(handler=cmd_check)
    return p
