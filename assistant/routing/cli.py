"""``baixing route``: route one idea, or a JSONL batch on stdin.

Batch output is one JSON object per input line, exactly
``{"id", "domain", "units": [{"name", "role", "score", "reason"}], "committee", "channel", "abstain"}``; ``domain``
is a first-level class name and ``name`` a unit's official name. A line that cannot be routed is answered with
``{"id", "line", "error"}`` (a Chinese message), never a traceback.

Wire it into the main CLI with ``register(sub)``; standalone: ``python -m assistant.routing.cli route …``.
"""

from __future__ import annotations

from typing import Any

from assistant.suggestion_cli import SuggestionCommand


def _build(settings: Any) -> Any:
    from assistant.routing.factory import build_routing_service

    return build_routing_service(settings)


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


ROUTE = SuggestionCommand(
    name="route",
    help="分办建议：领域、承办单位（主办/协办）、对口专委会和处理通道",
    text_help="要分办的建议文字",
    verb="分办",
    service_attr="routing_service",
    build=_build,
    ask=lambda service, text, offline: service.route(text, offline_only=offline),
    record=lambda outcome, case_id: outcome.decision.batch_record(case_id),
    show=_print_decision,
)
register = ROUTE.register
cmd_route = ROUTE.handle
main = ROUTE.main

if __name__ == "__main__":
    raise SystemExit(main())
