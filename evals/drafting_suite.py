"""Drafting suite: honest checks of the offline drafter (issue 14).

(a) Automatic faithfulness on every idea (``evals/drafting/ideas.jsonl``, grouped by kind: plain, thin,
    colloquial, rambling, cantonese, traditional, pii, mixed, message, message_test): ``compliant`` (附件1 format),
    ``claims_ok`` (every number/place/institution/document/legal or stock claim traced by
    :func:`assistant.cultivation.claims.check_claims`), ``pii_free`` (no planted or detected personal datum in
    title/analysis/suggestions), ``no_other_city`` (no other city's place, masked name or message in the body),
    ``balanced`` (no cut 《》（）“”), ``no_residue`` (no Traditional or Cantonese characters left),
    ``questions_ok`` (≤ 3 questions, no 街道 question for a city-wide idea), ``seam_free`` (no 12-character run
    shared by ≥ 30 % of all drafts), ``auto_pass`` (all of them); ``review_mean`` is the rubric's six-dimension mean.
(b) Hand grades (``evals/drafting/grades.jsonl``, guide in ``evals/drafting/grading_guide.md``): Spearman of the
    rubric against the grades, per dimension and in total (config ``grades``).
(c) Uplift: ideas with realistic ``answers`` are redrafted with the answers to the questions actually asked;
    ``uplift`` = rubric mean after − before (config ``uplift``; hand-graded before/after in the grades file).

    uv run baixing eval drafting      # the production path: review task routes, drafting task drafts
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.cultivation.claims import check_claims, load_rules
from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import DraftProposal, DraftRequest
from assistant.cultivation.normalize import traditional_residue
from assistant.cultivation.references import balanced
from assistant.cultivation.rubric import REVIEW_DIMENSIONS, QualityRubric
from assistant.cultivation.service import CultivationService
from assistant.cultivation.spec import DraftingRequest
from assistant.cultivation.validator import find_pii, hard_violations
from assistant.review import IdeaReviewService
from assistant.routing.models import RoutingDecision
from evals.harness import CaseResult, aggregate, load_dataset

HERE = Path(__file__).resolve().parent / "drafting"
DATASET = HERE / "ideas.jsonl"
GRADES = HERE / "grades.jsonl"
CURRENT_ENGINE = "offline-v3"
SEAM_LEN = 12
SEAM_SHARE = 0.30
CHECKS = ("compliant", "claims_ok", "pii_free", "no_other_city", "balanced", "no_residue", "questions_ok",
          "seam_free")


VAGUE = ["建议有关部门高度重视，进一步加强管理。", "建议相关部门开展专项调研，建立群众意见收集和反馈渠道。"]
INVENTED = ["从往期群众留言看，同类问题曾多次被反映，具有一定普遍性。",
            "《汕头市市容和环境卫生管理条例》第十二条对此已有规定，但在基层落实中仍有差距。"]
PERTURBATIONS = ("remove", "vague", "offtopic", "invented")


def perturb(draft: DraftProposal, kind: str, other: DraftProposal) -> DraftProposal:
    """A deliberately worse copy of ``draft`` (validators are NOT re-run: the rubric must see the damage)."""
    if kind == "remove":
        return draft.model_copy(update={"suggestions": []})
    if kind == "vague":
        return draft.model_copy(update={"suggestions": VAGUE[: max(1, min(2, len(draft.suggestions)))]})
    if kind == "offtopic":
        return draft.model_copy(update={"analysis": other.analysis, "suggestions": other.suggestions})
    if kind == "invented":
        return draft.model_copy(update={"analysis": [*draft.analysis, *INVENTED]})
    raise ValueError(kind)


def body_of(draft: DraftProposal) -> list[str]:
    """Title, analysis and suggestions (what a reviewer reads as the proposal)."""
    return [draft.title, *draft.analysis, *draft.suggestions]


def seams(drafts: list[DraftProposal], length: int = SEAM_LEN) -> Counter[str]:
    """Document frequency of every ``length``-character run (CJK and digits) across ``drafts``."""
    df: Counter[str] = Counter()
    for d in drafts:
        runs = set()
        for part in body_of(d):
            text = re.sub(r"\s", "", part)
            runs |= {text[i : i + length] for i in range(len(text) - length + 1)}
        df.update(runs)
    return df


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    import numpy as np

    def ranks(v: list[float]) -> np.ndarray:
        arr = np.asarray(v, dtype=float)
        order = arr.argsort()
        r = np.empty(len(arr))
        r[order] = np.arange(len(arr), dtype=float)
        for value in np.unique(arr):
            mask = arr == value
            r[mask] = r[mask].mean()
        return r

    if len(x) < 3:
        return float("nan")
    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


class _Setup:
    """The production path of a draft: the review task routes it, the drafting service retrieves and drafts."""

    def __init__(self, service: CultivationService, reviewer: IdeaReviewService | None) -> None:
        self.service = service
        self.reviewer = reviewer
        self.drafter: OfflineDrafter = service.drafter
        self.searcher = service.searcher

    def routing(self, text: str) -> RoutingDecision | None:
        """The review task's routing of an idea (offline, out of the audit log)."""
        if self.reviewer is None:
            return None
        return self.reviewer.review(text, routing="always", offline_only=True, audit=False).value.decision

    def prepared(self, text: str, answers: dict[str, str] | None = None, asked: set[str] | None = None,
                 routing: RoutingDecision | None = None) -> DraftingRequest:
        """The drafting request the pages would build."""
        return self.service.request(text, answers=answers, asked=asked, routing=routing)

    def request(self, text: str, answers: dict[str, str] | None = None, asked: set[str] | None = None,
                ) -> tuple[DraftRequest, str]:
        """The drafter's input (routed, with references) and the normalised text."""
        prepared = self.prepared(text, answers, asked, self.routing(text))
        return prepared.draft_request(), self.drafter.normaliser.normalise_text(text)


def other_city(draft: DraftProposal, idea: str) -> list[str]:
    """Other places' names, masked names or messages in the body that the idea itself does not contain."""
    rules = load_rules()
    body = "".join(body_of(draft))
    found = [p for p in rules.other_places
             if re.search(f"{p}(?!路|大道|大街|街|[东南西北中]路)", body) and p not in idea]
    found += [m for m in re.findall(r"(?<![A-Za-z0-9])[A-Z]\d{0,2}(?:市|区|县)", body) if m not in idea]
    found += [s.doc_id for s in draft.sources if s.kind == "item"]
    return found


def checks(draft: DraftProposal, row: dict[str, Any], req: DraftRequest, norm: str,
           drafter: OfflineDrafter) -> tuple[dict[str, float], list[str]]:
    """The automatic checks of one draft (1.0 = passed) and the reasons of failures."""
    from assistant.cultivation.engine import profile_of

    body = body_of(draft)
    text = "".join(body)
    reasons: list[str] = []
    claims = check_claims(draft, drafter.evidence_for(req, draft))
    planted = [v for v in row.get("pii", []) if v and v in text]
    detected = find_pii(text)
    others = other_city(draft, row["text"] + norm + "".join(req.answers.values())
                        + "".join(drafter.normaliser.normalise_text(a) for a in req.answers.values()))
    residue = drafter.normaliser.residue(text) + traditional_residue(text)
    prof = profile_of(drafter, row["text"])
    asked = [q.element for q in draft.questions]
    bad_where = "where" in asked and not prof.local
    m = {
        "compliant": float(not hard_violations(draft, row["text"])),
        "claims_ok": float(claims.ok),
        "pii_free": float(not planted and not detected),
        "no_other_city": float(not others),
        "balanced": float(all(balanced(p) for p in body)),
        "no_residue": float(not residue),
        "questions_ok": float(len(draft.questions) <= 3 and not bad_where),
    }
    if not claims.ok:
        reasons.append(claims.summary())
    if planted or detected:
        reasons.append("正文含个人信息：" + "、".join(planted + detected))
    if others:
        reasons.append("正文含外地材料：" + "、".join(others))
    if residue:
        reasons.append("残留：" + "".join(residue))
    if bad_where:
        reasons.append("全市性建议却追问具体街道")
    return m, reasons


def _answers_for(draft: DraftProposal, answers: dict[str, str]) -> dict[str, str]:
    return {q.element: answers[q.element] for q in draft.questions if q.element in answers}


def run_drafting(
    service: CultivationService, reviewer: IdeaReviewService | None, dataset: Path | None = None,
    offline_only: bool = True, grades: Path | None = GRADES,
) -> tuple[list[CaseResult], dict[str, Any]]:
    """Draft every idea on the production path (routed by the review task, drafted by the drafting task), run
    the checks, the uplift round and the rubric-vs-hand-grades agreement."""
    setup = _Setup(service, reviewer)
    drafter = setup.drafter
    rubric = QualityRubric()
    rows = load_dataset(dataset or DATASET, ("text",))
    warm, _ = setup.request("公园里晚上太黑了，建议修好路灯。")
    drafter.draft(warm)
    results: list[tuple[dict[str, Any], DraftRequest, str, DraftProposal, float]] = []
    for row in rows:
        prepared = setup.prepared(row["text"], routing=setup.routing(row["text"]))
        norm = drafter.normaliser.normalise_text(row["text"])
        start = time.perf_counter()
        draft = service.run(prepared, offline_only=offline_only).value
        results.append((row, prepared.draft_request(), norm, draft, (time.perf_counter() - start) * 1000))
    df = seams([r[3] for r in results])
    limit = SEAM_SHARE * len(results)
    common = {run for run, n in df.items() if n >= limit}
    cases: list[CaseResult] = []
    uplift: list[tuple[str, float, float]] = []
    for row, req, norm, draft, ms in results:
        metrics, reasons = checks(draft, row, req, norm, drafter)
        text = "".join(re.sub(r"\s", "", p) for p in body_of(draft))
        shared = sorted(r for r in common if r in text)
        metrics["seam_free"] = float(not shared)
        if shared:
            reasons.append("模板接缝：" + shared[0])
        metrics["auto_pass"] = float(all(metrics[k] == 1.0 for k in CHECKS))
        review = rubric.review(draft, drafter.evidence_for(req, draft))
        metrics["review_mean"] = review.mean
        metrics["questions"] = float(len(draft.questions))
        details: dict[str, Any] = {"title": draft.title, "review": {d.key: d.score for d in review.dimensions},
                                   "backend": draft.backend}
        answers = _answers_for(draft, row.get("answers") or {})
        if answers:
            req2 = req.model_copy(update={"answers": answers, "asked": {q.element for q in draft.questions}})
            second = drafter.draft(req2)
            after = rubric.review(second, drafter.evidence_for(req2, second))
            metrics["uplift"] = after.mean - review.mean
            m2, r2 = checks(second, row, req2, norm, drafter)
            metrics["auto_pass_after"] = float(all(v == 1.0 for v in m2.values()))
            reasons += [f"第2轮：{r}" for r in r2]
            uplift.append((row["id"], review.mean, after.mean))
            details["after"] = {"title": second.title, "review": {d.key: d.score for d in after.dimensions}}
        reason = "；".join(reasons) or "全部自动检查通过"
        cases.append(CaseResult(case_id=str(row["id"]), group=row.get("group") or row.get("source", "all"),
                                metrics=metrics, reason=reason, latency_ms=ms, details=details))
    overall = aggregate([c.model_copy(update={"group": "all"}) for c in cases])["all"]
    citizen = [c for c in cases if not c.group.startswith("message")]
    config: dict[str, Any] = {
        "suite": "drafting", "dataset": str(dataset or DATASET), "n": len(rows),
        "searcher": type(setup.searcher).__name__, "overall": overall,
        "citizen": aggregate([c.model_copy(update={"group": "citizen"}) for c in citizen])["citizen"] if citizen
        else {},
        "seams": {"max_share": max(df.values()) / len(results) if df else 0.0,
                  "common_runs": sorted(common)[:20]},
        "uplift": {"n": len(uplift), "before": _mean([b for _, b, _ in uplift]),
                   "after": _mean([a for _, _, a in uplift])},
    }
    if grades is not None and grades.exists():
        config["grades"] = grade_agreement(grades, rubric)
    return cases, config


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def grade_agreement(path: Path, rubric: QualityRubric | None = None) -> dict[str, Any]:
    """Hand grades vs the rubric on the graded drafts (each row stores the draft as graded)."""
    rubric = rubric or QualityRubric()
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    hand_totals, rubric_totals = [], []
    per: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in REVIEW_DIMENSIONS}
    by_engine: dict[str, list[float]] = {}
    for row in rows:
        d = row["draft"]
        draft = DraftProposal(title=d["title"], analysis=d["analysis"], suggestions=d["suggestions"])
        review = rubric.review(draft)
        scores = row["scores"]
        hand_totals.append(sum(scores.values()))
        rubric_totals.append(review.total)
        for k in REVIEW_DIMENSIONS:
            per[k][0].append(scores[k])
            per[k][1].append(review.score(k))
        by_engine.setdefault(row.get("engine", "?"), []).append(sum(scores.values()) / 6)
    dims = {REVIEW_DIMENSIONS[k]: round(spearman(*per[k]), 3) for k in REVIEW_DIMENSIONS}
    latest = CURRENT_ENGINE if any(r.get("engine") == CURRENT_ENGINE for r in rows) else "offline-v2"
    current = [(h, r, row) for h, r, row in zip(hand_totals, rubric_totals, rows, strict=True)
               if row.get("engine") == latest]
    cur_dims = {REVIEW_DIMENSIONS[k]: round(spearman(
        [row["scores"][k] for _, _, row in current],
        [rubric.review(DraftProposal(**{f: row["draft"][f] for f in ("title", "analysis", "suggestions")})).score(k)
         for _, _, row in current]), 3) for k in REVIEW_DIMENSIONS}
    by_round: dict[str, list[dict[str, int]]] = {}
    for row in rows:
        if row.get("engine") == latest:
            kind = "message" if str(row.get("group", "")).startswith("message") else "citizen"
            by_round.setdefault(f"{kind}-round{row.get('round', 1)}", []).append(row["scores"])
    rounds = {
        name: {"n": len(scores), "mean": round(statistics.fmean(sum(x.values()) / 6 for x in scores), 2),
               **{REVIEW_DIMENSIONS[k]: round(statistics.fmean(x[k] for x in scores), 2) for k in REVIEW_DIMENSIONS}}
        for name, scores in sorted(by_round.items())
    }
    return {"n": len(rows), "spearman_total": round(spearman(hand_totals, rubric_totals), 3),
            "current_engine": latest,
            "spearman_total_current_engine_only": round(spearman([c[0] for c in current], [c[1] for c in current]), 3),
            "spearman_by_dimension_current_engine": cur_dims,
            "spearman_by_dimension": dims,
            "hand_mean_by_engine": {k: round(statistics.fmean(v), 2) for k, v in by_engine.items()},
            "hand_current_engine_by_round": rounds}
