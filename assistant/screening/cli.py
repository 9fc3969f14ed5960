"""``baixing screen``: screen one text, or a JSONL batch on stdin.

Batch output is one JSON object per input line, exactly
``{"id", "in_scope", "category", "confidence", "reason", "redirect", "reframe"}``; ``redirect`` is a short
string ``"<channel>：<what it is for>（<how to reach it>）"`` or null. A line that cannot be screened is
answered with ``{"id", "line", "error"}`` (a Chinese message), never a traceback.

Wire it into the main CLI with ``register(sub)``; standalone: ``python -m assistant.screening.cli screen …``.
"""

from __future__ import annotations

from typing import Any

from assistant.suggestion_cli import SuggestionCommand


def _build(settings: Any) -> Any:
    from assistant.screening.factory import build_screening_service

    return build_screening_service(settings)


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


SCREEN = SuggestionCommand(
    name="screen",
    help="范围筛查：是否属于“百姓提案”，不属于时应走哪个渠道",
    text_help="要筛查的文字",
    verb="筛查",
    service_attr="screening_service",
    build=_build,
    ask=lambda service, text, offline: service.screen(text, offline_only=offline),
    record=lambda outcome, case_id: outcome.verdict.batch_record(case_id),
    show=_print_verdict,
)
register = SCREEN.register
cmd_screen = SCREEN.handle
main = SCREEN.main

if __name__ == "__main__":
    raise SystemExit(main())
