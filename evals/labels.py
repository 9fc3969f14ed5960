"""Chinese names of evaluation metrics (evaluator page, report figures); run files keep the English keys."""

from __future__ import annotations

import re
from collections.abc import Sequence

METRIC_ZH: dict[str, str] = {
    "n": "样本数",
    "confidence": "把握度",
    "top_score": "最高得分",
    "accuracy": "准确率",
    "balanced": "均衡准确率",
    "category_accuracy": "类别准确率",
    "oos_recall": "范围外召回率",
    "false_reject": "误拒率",
    "abstain": "弃权率",
    "answered_top1": "作答部分首选准确率",
    "top1": "首选准确率",
    "top3": "前三命中率",
    "domain": "领域准确率",
    "committee": "专委会准确率",
    "exact": "完全一致率",
    "margin": "置信差",
    "mrr": "平均倒数排名",
    "tie": "平局率",
    "compliant": "格式合规率",
    "claims_ok": "事实无虚构率",
    "pii_free": "无个人信息率",
    "no_other_city": "无他市信息率",
    "no_residue": "无残留模板率",
    "questions": "追问数",
    "questions_ok": "追问合理率",
    "seam_free": "衔接通顺率",
    "auto_pass": "自动检查通过率",
    "auto_pass_after": "修改后自动检查通过率",
    "uplift": "质量提升",
    "review_mean": "评审平均分",
    "pairwise_correct": "两两比较正确率",
    "channel_agree": "处理通道一致率",
    "channel_kappa": "处理通道 Kappa",
    "grade_agree": "分级一致率",
    "grade_kappa": "分级 Kappa",
    "linkage_found": "上下联动检出数",
    "latency_p50_ms": "时延中位数（毫秒）",
    "latency_p95_ms": "时延 P95（毫秒）",
}
_AT_K = {"hit": "命中率", "recall": "召回率", "precision": "精确率", "ndcg": "NDCG"}
_AT = re.compile(r"^(?P<name>[a-z_]+)@(?P<k>\d+)$")


def metric_zh(key: str) -> str:
    """The Chinese name of a metric key (``hit@5`` → 前5命中率); an unknown key is shown as it is."""
    if key in METRIC_ZH:
        return METRIC_ZH[key]
    match = _AT.match(key)
    if match and match["name"] in _AT_K:
        return f"前{match['k']}{_AT_K[match['name']]}"
    return key


def headers_zh(headers: Sequence[str]) -> list[str]:
    """Table headers with the metric keys in Chinese (other headers unchanged)."""
    return [metric_zh(h) for h in headers]
