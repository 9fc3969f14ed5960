"""The scheme commands (acting as the machine's operator): ``triage``, ``digest``, ``select``, ``handling``, ``report``.

    baixing triage FILE --out result.xlsx                  staff clue import: screening, grade, routing, channel, 1+N
    baixing digest --from 2026-01-01 --to 2026-03-31 --out 百姓提案.docx   one issue of 《百姓提案》 (+ PDF)
    baixing select --year 2026 --top 50 --out DIR           the year's excellent 百姓提案 and their certificates
    baixing handling import FILE                            the handling units' replies
    baixing handling overdue [--date 2026-06-30]            the 督办 list: open assignments past their deadline
    baixing report members --year 2026 --out 履职.xlsx       members' and committees' figures for 履职量化
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container
from assistant.errors import InputError


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式不对：{value}（应为 2026-01-31）") from None


def _progress(quiet: bool) -> Any:
    if quiet:
        return None
    last = {"message": ""}

    def show(done: int, total: int, message: str) -> None:
        if message != last["message"] or done == total:
            print(f"\r{message}", end="" if done < total else "\n", file=sys.stderr, flush=True)
            last["message"] = message

    return show


# --- triage ------------------------------------------------------------------------------------------
def cmd_triage(args: argparse.Namespace, container: Container) -> int:
    """Import a clue file: every row screened, graded, routed, given a channel and checked for 1+N duplicates."""
    path = Path(args.file)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() != ".xlsx":
        raise InputError("结果文件应以 .xlsx 结尾。", f"out {out}")
    container.ensure_index(progress=not args.quiet)  # past items in the database, for duplicate checks
    report = container.staff.triage.triage_file(LOCAL_OPERATOR, path, progress=_progress(args.quiet))
    if out is not None and report.result_path:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(report.result_path, out)
        out.chmod(0o600)
    if args.json:
        print(json.dumps({"summary": report.summary_zh(), "result": str(out or report.result_path),
                          "grades": report.grades}, ensure_ascii=False))
    else:
        print(report.summary_zh())
        print(f"结果表：{out or report.result_path}")
        for row in report.rows:
            if row.error:
                print(f"  第 {row.line} 行：{row.error}")
    return 0


# --- digest ------------------------------------------------------------------------------------------
def cmd_digest(args: argparse.Namespace, container: Container) -> int:
    """One issue of 《百姓提案》 for a period, as .docx (and PDF next to it)."""
    result = container.scheme.digest.write(LOCAL_OPERATOR, args.date_from, args.date_to, Path(args.out),
                                           issue_no=args.issue, pdf=not args.no_pdf, ideas=args.ideas)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(result.summary_zh())
    c = result.counts
    print(f"  属于百姓提案 {c.in_scope} 件，不属于 {c.out_of_scope} 件，未审查 {c.unscreened} 件")
    print("  处理通道：" + ("、".join(f"{k} {v}" for k, v in c.by_channel.items()) or "—"))
    print("  办理状态：" + "、".join(f"{k} {v}" for k, v in c.by_status.items()))
    print(f"文件：{result.docx_path}" + (f"、{result.pdf_path}" if result.pdf_path else ""))
    return 0


# --- select ------------------------------------------------------------------------------------------
def cmd_select(args: argparse.Namespace, container: Container) -> int:
    """Rank the year's 百姓提案, choose the top N and write the ranking and the certificates."""
    result = container.scheme.selection.select(LOCAL_OPERATOR, args.year, args.top, replace=args.replace,
                                               out_dir=Path(args.out))
    print(result.summary_zh())
    for c in result.selected[:10]:
        print(f"  {c.rank:>3}. {c.receipt_no} {c.title[:30]}（综合 {c.score:.2f}：选题 {c.content:.1f}、"
              f"办理 {c.outcome:.1f}、社会效应 {c.social:.1f}）")
    if len(result.selected) > 10:
        print(f"  ……共 {len(result.selected)} 件，见评选结果表")
    if result.missing_names:
        print("  缺少市民姓名、未生成证书：" + "、".join(result.missing_names))
    print(f"已写入 {len(result.files)} 个文件到 {args.out}")
    return 0


# --- handling ----------------------------------------------------------------------------------------
def cmd_handling_import(args: argparse.Namespace, container: Container) -> int:
    """Record the units' replies from a CSV/XLSX/JSONL file."""
    report = container.scheme.handling.import_replies(LOCAL_OPERATOR, Path(args.file))
    print(report.summary_zh())
    for error in report.errors[:50]:
        print(f"  第 {error.line} 行：{error.message}")
    return 0


def cmd_handling_overdue(args: argparse.Namespace, container: Container) -> int:
    """The 督办 list: open assignments past their deadline."""
    items = container.scheme.handling.overdue(LOCAL_OPERATOR, args.date)
    if not items:
        print("没有超期未答复的交办事项。")
    for i in items:
        print(f"{i.receipt_no}　{i.unit}　期限 {i.deadline.isoformat()}（超期 {i.overdue_days} 天，{i.level_zh}）"
              f"　{i.title[:30]}")
    return 0


# --- report ------------------------------------------------------------------------------------------
def cmd_report_members(args: argparse.Namespace, container: Container) -> int:
    """Members' and committees' yearly figures, as an Excel workbook."""
    service = container.scheme.report
    report = service.report(LOCAL_OPERATOR, args.year)
    path = service.write_xlsx(report, Path(args.out))
    print(report.summary_zh())
    print(f"文件：{path}")
    return 0


def register(sub: Any) -> None:
    """Add the scheme subcommands to the ``baixing`` parser."""
    p = sub.add_parser("triage", help="工作人员线索导入：筛查、分级、分办、通道、“1+N”查重，写入结果表和数据库")
    p.add_argument("file", help="线索文件（CSV、XLSX 或 JSONL，须有“内容”列）")
    p.add_argument("--out", help="结果表（.xlsx）另存到此路径")
    p.add_argument("--json", action="store_true", help="以 JSON 输出摘要")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.set_defaults(handler=cmd_triage)

    p = sub.add_parser("digest", help="编印一期《百姓提案》（.docx 和 PDF）")
    p.add_argument("--from", dest="date_from", type=_day, required=True, help="统计起始日期（北京时间，含当天）")
    p.add_argument("--to", dest="date_to", type=_day, required=True, help="统计截止日期（含当天）")
    p.add_argument("--out", required=True, help="输出 .docx 路径（PDF 写在同一目录）")
    p.add_argument("--issue", type=int, default=1, help="期号（默认 1）")
    p.add_argument("--ideas", type=int, default=10, help="选编的金点子条数（默认 10）")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    p.add_argument("--json", action="store_true", help="以 JSON 输出统计数")
    p.set_defaults(handler=cmd_digest)

    p = sub.add_parser("select", help="年度评选优秀“百姓提案”并生成荣誉证书")
    p.add_argument("--year", type=int, required=True, help="评选年度")
    p.add_argument("--top", type=int, default=50, help="评选件数（默认 50）")
    p.add_argument("--out", required=True, help="输出目录（评选结果表、证书合集和单份证书）")
    p.add_argument("--replace", action="store_true", help="覆盖该年度已保存的评选结果")
    p.set_defaults(handler=cmd_select)

    p = sub.add_parser("handling", help="办理与督办：导入承办单位答复、查看超期事项")
    hsub = p.add_subparsers(dest="handling_command", required=True, metavar="ACTION")
    h = hsub.add_parser("import", help="导入承办单位答复（列：受理编号、承办单位、答复内容、答复日期、办理结果）")
    h.add_argument("file", help="答复文件（CSV、XLSX 或 JSONL）")
    h.set_defaults(handler=cmd_handling_import)
    h = hsub.add_parser("overdue", help="列出超期未答复的交办事项")
    h.add_argument("--date", type=_day, default=None, help="按此日期计算（默认今天）")
    h.set_defaults(handler=cmd_handling_overdue)

    p = sub.add_parser("report", help="统计报表")
    rsub = p.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    r = rsub.add_parser("members", help="委员收集报送与专委会精品统计（履职量化，Excel）")
    r.add_argument("--year", type=int, required=True, help="年度")
    r.add_argument("--out", required=True, help="输出 .xlsx 路径")
    r.set_defaults(handler=cmd_report_members)
