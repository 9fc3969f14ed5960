"""Builds ``pairs.jsonl``: pairs of proposals where one is worse by construction, for the quality suite.

Good drafts come from the offline drafter (routed by the offline router, references from BM25 over the shipped
items and policies, the idea's own message excluded) on 12 citizen-voice ideas and 12 real messages of
``evals/drafting/ideas.jsonl``. Each draft is paired with nine damaged copies (see ``PERTURBATIONS``; ``invented``
pads the analysis with the stock claims and the other-city legal basis the old engine used to write); the side the
better one lands on (a or b) is random but fixed, so a judge cannot win by always picking one side. Deterministic:

    uv run python -m evals.quality.build_dataset
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from assistant.cultivation.models import DraftProposal

OUT = Path(__file__).resolve().parent / "pairs.jsonl"
IDEAS = Path(__file__).resolve().parents[1] / "drafting" / "ideas.jsonl"
PER_SOURCE = 12
SEED = 8
VAGUE = ["建议有关部门高度重视，进一步加强管理。", "建议相关部门积极研究，切实推动改善。"]
THIN = ["该问题较为突出，群众反映强烈，有待进一步调研核实。"]
PERTURBATIONS = {
    "remove": "删去全部具体建议",
    "vague": "具体建议换成空话",
    "overlength": "情况分析重复堆砌到超过 500 字",
    "offtopic": "正文换成另一件事的情况分析和建议",
    "thin": "情况分析换成一句空泛的占位话",
    "raw_idea": "未经培育的群众原话（标题照搬原文，没有分条建议）",
    "bad_title": "标题写成整句话，不符合“关于××的“百姓提案””格式",
    "pii": "情况分析中写入了联系电话和门牌号",
    "invented": "情况分析加上编造的往期留言和外地法规依据",
}
INVENTED = ["从往期群众留言看，同类问题曾多次被反映，具有一定普遍性，说明有关问题尚未得到系统解决。",
            "《汕头市市容和环境卫生管理条例》第十二条对此已有规定，但在基层落实中仍有差距。"]


def proposal(draft: DraftProposal) -> dict[str, Any]:
    """The three fields a judge reads."""
    return {"title": draft.title, "analysis": list(draft.analysis), "suggestions": list(draft.suggestions)}


def damaged(draft: DraftProposal, kind: str, other: DraftProposal, idea: str) -> DraftProposal:
    """A copy of ``draft`` made worse in one way."""
    if kind == "remove":
        return draft.model_copy(update={"suggestions": []})
    if kind == "vague":
        return draft.model_copy(update={"suggestions": VAGUE[: max(1, min(2, len(draft.suggestions)))]})
    if kind == "overlength":
        padded = list(draft.analysis)
        while sum(len(p) for p in padded) <= 600:
            padded += list(draft.analysis)
        return draft.model_copy(update={"analysis": padded})
    if kind == "offtopic":
        return draft.model_copy(update={"analysis": other.analysis, "suggestions": other.suggestions})
    if kind == "thin":
        return draft.model_copy(update={"analysis": THIN})
    if kind == "raw_idea":
        first = re.split(r"[。！？!?\n]", idea.strip())[0][:40]
        return DraftProposal(title=first, analysis=[idea.strip()[:480]], suggestions=[])
    if kind == "bad_title":
        return draft.model_copy(update={"title": "我们小区这个问题很严重希望政府赶紧管一管。"})
    if kind == "pii":
        extra = "联系人张先生，电话13812345678，住天河区某路18号502房。"
        return draft.model_copy(update={"analysis": [*draft.analysis[:-1], draft.analysis[-1] + extra]})
    if kind == "invented":
        return draft.model_copy(update={"analysis": [*draft.analysis, *INVENTED]})
    raise ValueError(kind)


def build() -> list[dict[str, Any]]:
    """Every pair, in a fixed order."""
    from assistant.container import Container
    from assistant.cultivation.service import CultivationService
    from assistant.cultivation.spec import DraftingSpec
    from evals.drafting.searcher import CorpusSearcher
    from evals.drafting_suite import _Setup

    rows = [json.loads(line) for line in IDEAS.read_text(encoding="utf-8").splitlines() if line.strip()]
    citizen = [r for r in rows if r["source"] == "citizen"]
    messages = [r for r in rows if r["source"] == "message"]
    chosen = citizen[:: max(1, len(citizen) // PER_SOURCE)][:PER_SOURCE]
    chosen += messages[:: max(1, len(messages) // PER_SOURCE)][:PER_SOURCE]
    searcher = CorpusSearcher(exclude={r["doc_id"] for r in chosen if r.get("doc_id")})
    root = Container.from_env()
    setup = _Setup(CultivationService(root.tasks, DraftingSpec(root.drafter), root.ideas, searcher=searcher),
                   root.review_service)
    drafts = [setup.drafter.draft(setup.request(r["text"])[0]) for r in chosen]
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []
    for n, (row, draft) in enumerate(zip(chosen, drafts, strict=True)):
        other = drafts[(n + len(drafts) // 2) % len(drafts)]
        for kind, note in PERTURBATIONS.items():
            good, bad = proposal(draft), proposal(damaged(draft, kind, other, row["text"]))
            swap = rng.random() < 0.5
            out.append({
                "id": f"{row['id']}-{kind}",
                "group": kind,
                "a": bad if swap else good,
                "b": good if swap else bad,
                "preferred": "b" if swap else "a",
                "note": f"较差的一方：{note}",
                "source": row["id"],
            })
    return out


def main() -> int:
    pairs = build()
    OUT.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
    print(f"{len(pairs)} pairs → {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
