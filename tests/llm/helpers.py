"""Shared test data for the LLM tests."""

from __future__ import annotations

from typing import Any

from assistant.llm.schemas import IdeaAnalysis

DOMAINS = ["城市管理", "交通出行", "教育", "医疗卫生"]
UNITS = ["市交通运输局", "市城市管理和综合执法局", "市教育局", "市卫生健康委员会"]
CATALOGUES = {"domain": DOMAINS, "units": UNITS}

PROPOSER = "王小明"
PII_VALUES = [
    PROPOSER,
    "13812345678",
    "020-83838383",
    "44010619900101123X",
    "wang.xm@example.com",
    "天河区天河路385号",
]
IDEA = (
    f"我叫{PROPOSER}，电话13812345678，座机020-83838383，身份证44010619900101123X，"
    "邮箱wang.xm@example.com，家住在天河区天河路385号。"
    "建议在地铁站出入口增设非机动车停放区，缓解共享单车乱停乱放。"
)


def analysis_args(**overrides: Any) -> dict[str, Any]:
    """Tool-call arguments of a valid IdeaAnalysis."""
    args: dict[str, Any] = {
        "in_scope": True,
        "exclusion_category": None,
        "scope_reason": "针对公共空间管理的普遍性建议。",
        "domain": "交通出行",
        "units": ["市交通运输局", "市城市管理和综合执法局"],
        "summary": "建议地铁站口增设非机动车停放区。",
    }
    args.update(overrides)
    return args


def offline_analysis() -> IdeaAnalysis:
    """What the (stand-in) offline engine answers."""
    return IdeaAnalysis(in_scope=True, scope_reason="离线规则判断属于范围。", domain="城市管理", units=[])


def analysis_variables() -> dict[str, Any]:
    return {"domains": DOMAINS, "units": UNITS}
