"""Proposal ratings: inputs, rubric scores with reasons, ranking, the XLSX shortlist, the LLM judge and agreement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.cultivation.docx_io import export_docx
from assistant.cultivation.models import DraftProposal
from assistant.cultivation.rubric import DIMENSIONS
from assistant.errors import InputError
from assistant.llm import FakeReply, Usage
from assistant.ratings import (
    ProposalRater,
    ProposalText,
    RubricJudgement,
    agreement,
    load_proposals,
    spearman,
    write_workbook,
)
from assistant.settings import REPO_ROOT

PAIRS = REPO_ROOT / "evals" / "quality" / "pairs.jsonl"


def _proposals(n: int = 6) -> list[dict[str, Any]]:
    """Distinct real proposals: good drafts and damaged copies from the quality set."""
    out, seen = [], set()
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for side in ("a", "b"):
            key = json.dumps(row[side], ensure_ascii=False)
            if key not in seen:
                seen.add(key)
                out.append({"id": f"p{len(out) + 1:02d}", **row[side]})
        if len(out) >= n:
            return out[:n]
    return out


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_inputs_jsonl_draft_output_docx_and_folder(tmp_path: Path) -> None:
    rows = _proposals(3)
    flat = _jsonl(tmp_path / "flat.jsonl", rows[:1])
    as_text = {**rows[1], "analysis": "1. 第一条\n2. 第二条"}
    nested = _jsonl(tmp_path / "nested.jsonl", [{"id": "n1", "proposal": as_text}])
    folder = tmp_path / "docs"
    folder.mkdir()
    draft = DraftProposal(title=rows[2]["title"], analysis=rows[2]["analysis"], suggestions=rows[2]["suggestions"])
    (folder / "来稿甲.docx").write_bytes(export_docx(draft))

    proposals = load_proposals([flat, nested, folder])
    assert [p.id for p in proposals] == ["p01", "n1", "来稿甲"]
    assert proposals[1].analysis == ["第一条", "第二条"]
    assert proposals[2].title == rows[2]["title"] and proposals[2].suggestions == rows[2]["suggestions"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "title": "t"}\n{"id": "a", "title": "u"}\n', "重复"),
        ('{"id": "a"}\n', "没有标题、情况分析或具体建议"),
        ('{"id": "a", "title": "t", "analysis": 5}\n', "文字或文字列表"),
        ("not json\n", "第 1 行不是有效的 JSON"),
        ("", "没有找到要评分的提案"),
    ],
)
def test_bad_inputs_are_chinese_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_proposals(path)


def test_unsupported_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="不支持的文件类型"):
        load_proposals(tmp_path / "a.txt")
    (tmp_path / "b.docx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"b\.docx"):
        load_proposals(tmp_path / "b.docx")


def test_offline_ratings_rank_and_export_the_shortlist(tmp_path: Path) -> None:
    proposals = load_proposals(_jsonl(tmp_path / "p.jsonl", _proposals(6)))
    report = ProposalRater(None).rate(OP, proposals, shortlist=2)
    totals = [i.rubric.total for i in report.items]
    assert totals == sorted(totals, reverse=True) and [i.rank for i in report.items] == list(range(1, 7))
    assert [i.shortlisted for i in report.items] == [True, True, False, False, False, False]
    assert report.agreement is None and report.llm_backend is None
    for item in report.items:
        assert [d.name for d in item.rubric.dimensions] == list(DIMENSIONS.values())
        assert all(d.reason and 1 <= d.score <= 5 for d in item.rubric.dimensions)

    out = write_workbook(report, tmp_path / "x" / "ratings.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == ["排名", "说明"]
    sheet = book["排名"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["排名", "入围", "编号", "标题", "规则总分", "规则等级"]
    for name in DIMENSIONS.values():
        assert name in header and f"{name}·理由" in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6] and [r[1] for r in rows][:3] == ["是", "是", None]
    assert [r[2] for r in rows] == [i.proposal.id for i in report.items]
    first = report.items[0]
    col = header.index("建议具体可行")
    assert rows[0][col] == first.rubric.score("specificity")
    assert rows[0][col + 1] == next(d.reason for d in first.rubric.dimensions if d.key == "specificity")
    assert "规则评分" in report.text_zh() and "★" in report.text_zh()


def test_rank_by_the_model_needs_a_model() -> None:
    with pytest.raises(InputError, match="没有配置大模型"):
        ProposalRater(None).rate(OP, [ProposalText(id="a", title="t")], rank_by="llm")


def _judgement(scores: tuple[int, int, int, int, int]) -> RubricJudgement:
    values: dict[str, Any] = {}
    for key, score in zip(DIMENSIONS, scores, strict=True):
        values[f"{key}_score"] = score
        values[f"{key}_reason"] = f"{DIMENSIONS[key]}评为{score}分。"
    return RubricJudgement(**values)


def test_llm_judge_beside_the_rubric_with_agreement(container: Any, tmp_path: Path) -> None:
    proposals = load_proposals(_jsonl(tmp_path / "p.jsonl", _proposals(5)))
    rater = ProposalRater(container.tasks)
    offline = [rater.rubric_rating(p)[0] for p in proposals]
    # the model agrees with the rubric on the first three, is one point up on 分析深入 for the fourth, then fails
    replies: list[Any] = []
    for n, rating in enumerate(offline[:4]):
        scores = [d.score for d in rating.dimensions]
        if n == 3:
            scores[2] = min(5, scores[2] + 1) if scores[2] < 5 else 4
        replies.append(FakeReply(data=_judgement(tuple(scores)), usage=Usage(100, 40)))  # type: ignore[arg-type]
    container.llm_runner.backend.enqueue(*replies)

    report = rater.rate(OP, proposals, shortlist=3, rank_by="mean")
    assert report.llm_backend == "fake" and report.llm_model == container.settings.llm.model
    by_id = {i.proposal.id: i for i in report.items}
    failed = by_id[proposals[4].id].llm
    assert failed is not None and failed.fallback and failed.backend == "offline (fallback)"
    judged = [by_id[p.id].llm for p in proposals[:4]]
    assert all(r is not None and r.fallback is None and r.tokens_in == 100 for r in judged)
    assert judged[0] is not None and judged[0].dimensions[0].reason == f"选题聚焦评为{judged[0].score('focus')}分。"

    a = report.agreement
    assert a is not None and (a.n, a.fallbacks) == (4, 1)
    depth = next(d for d in a.dimensions if d.key == "depth")
    assert (depth.exact, depth.within_one) == (0.75, 1.0)
    assert next(d for d in a.dimensions if d.key == "focus").exact == 1.0
    assert a.mean_abs_total == 0.25
    assert "斯皮尔曼" in report.text_zh()

    book = load_workbook(write_workbook(report, tmp_path / "r.xlsx"))
    assert book.sheetnames == ["排名", "一致性", "说明"]
    header = [c.value for c in book["排名"][1]]
    assert "大模型总分" in header and "大模型·分析深入·理由" in header
    agree = {r[0]: r[1] for r in book["一致性"].iter_rows(values_only=True) if r and r[0]}
    assert agree["比较的提案数"] == 4 and agree["模型调用失败未计入"] == 1


def test_spearman_and_agreement_edge_cases() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 2, 3], [1, 2, 3, 3]) == pytest.approx(5 / 6)  # average ranks for ties (as scipy)
    assert spearman([1, 2], [1, 2]) is None and spearman([1, 1, 1], [1, 2, 3]) is None
    assert agreement([]) is None
