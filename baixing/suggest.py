"""``baixing screen`` and ``baixing route``: one text (or a JSONL batch on stdin) → the review task's answer.

Both commands run the same review task as the citizen page and the evals (``idea_review``): ``screen`` asks for no
routing, ``route`` always for routing. Batch lines are, exactly,
``screen``: ``{"id", "in_scope", "category", "confidence", "reason", "redirect", "reframe"}`` and
``route``: ``{"id", "domain", "units": [{"name", "role", "score", "reason"}], "committee", "channel", "abstain",
"linkage"}`` (``linkage``: ``"national"``, ``"provincial"``, ``"city"`` or null — 上下联动);
a line that cannot be handled is answered with ``{"id", "line", "error"}`` (a Chinese message). Batches are answered
in chunks through ``IdeaReviewService.review_many`` (offline: the router's fast batch form, without embeddings).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.container import Container
from assistant.errors import BaixingError
from assistant.review import IdeaReview, RoutingWanted
from assistant.routing.models import RoutingDecision
from assistant.screening.models import ScreeningVerdict
from baixing.batch import run_jsonl_chunks


def _print_verdict(review: IdeaReview) -> None:
    v = review.verdict
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


def _print_decision(review: IdeaReview) -> None:
    d = review.decision
    assert d is not None
    level2 = f" / {d.level2}" if d.level2 else ""
    print(f"领域：{d.domain}{level2}（把握 {d.domain_confidence:.2f}）")
    if d.abstain:
        print(f"建议人工分办：{d.abstain_reason or ''}")
    for u in d.units:
        print(f"  [{u.role}] {u.name}（得分 {u.score:.2f}）")
        print(f"      理由：{u.reason}")
    print(f"对口专委会：{d.committee}——{d.committee_reason}")
    print(f"处理通道：{d.channel}——{d.channel_reason}")
    if d.linkage:
        print(f"上下联动：{d.linkage_reason}")
    if d.fallback:
        print(f"说明：{d.fallback}")
    print(f"（判断来源：{d.backend}{'，' + d.model if d.model else ''}）")


def _screen_record(review: IdeaReview, case_id: Any) -> dict[str, Any]:
    verdict: ScreeningVerdict = review.verdict
    return verdict.batch_record(case_id)


def _route_record(review: IdeaReview, case_id: Any) -> dict[str, Any]:
    decision: RoutingDecision | None = review.decision
    assert decision is not None
    return decision.batch_record(case_id)


@dataclass(frozen=True)
class SuggestionCommand:
    """A ``baixing`` subcommand that asks the review task for a suggestion per text."""

    name: str
    help: str
    text_help: str
    verb: str
    """What the command does, in Chinese (筛查 / 分办), used in messages."""
    routing: RoutingWanted
    record: Callable[[IdeaReview, Any], dict[str, Any]]
    show: Callable[[IdeaReview], None]

    def register(self, subparsers: Any) -> argparse.ArgumentParser:
        """Add the subcommand to a ``baixing`` sub-parser collection."""
        p = subparsers.add_parser(self.name, help=self.help)
        p.add_argument("text", nargs="?", help=self.text_help)
        p.add_argument("--jsonl", action="store_true", help='批量：标准输入每行 {"id","text"}，每行输出一条结果')
        p.add_argument("--json", action="store_true", help="单条：以 JSON 输出完整结论（含离线结论）")
        p.add_argument("--offline", action="store_true", help="只用离线引擎，不调用大模型")
        p.set_defaults(handler=self.handle)
        return p

    def handle(self, args: argparse.Namespace, container: Container) -> int:
        """Handler of the subcommand."""
        if not args.jsonl and not args.text:
            print(f"错误：请提供要{self.verb}的文字，或使用 --jsonl 从标准输入批量读取。", file=sys.stderr)
            return 2
        reviewer = container.review_service

        def ask(text: str) -> Any:
            return reviewer.review(text, routing=self.routing, offline_only=args.offline)

        def ask_many(cases: Any) -> list[Any]:
            outcomes = reviewer.review_many([text for _, text in cases], routing=self.routing,
                                            offline_only=args.offline)
            return [o if isinstance(o, BaixingError) else self.record(o.value, case_id)
                    for (case_id, _), o in zip(cases, outcomes, strict=True)]

        if args.jsonl:
            return run_jsonl_chunks(ask_many, self.verb, audit=container.tasks)
        outcome = ask(args.text)
        if args.json:
            print(outcome.model_dump_json(indent=2))
        else:
            self.show(outcome.value)
        return 0


SCREEN = SuggestionCommand(
    name="screen", help="范围筛查：是否属于“百姓提案”，不属于时应走哪个渠道", text_help="要筛查的文字", verb="筛查",
    routing="never", record=_screen_record, show=_print_verdict,
)
ROUTE = SuggestionCommand(
    name="route", help="分办建议：领域、承办单位（主办/协办）、对口专委会和处理通道", text_help="要分办的建议文字",
    verb="分办", routing="always", record=_route_record, show=_print_decision,
)
