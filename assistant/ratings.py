"""Proposal ratings: batch-score proposals with the quality rubric (each dimension with its reason), rank them,
export the shortlist as a spreadsheet; with a model configured, an LLM judge beside the rubric and their agreement.

Inputs are JSONL (``{"id","title","analysis","suggestions"}`` or the ``baixing draft --jsonl`` output
``{"id","proposal":{…}}``; analysis/suggestions a list of points or one text with a point per line), .docx files
in the 附件1 layout, or a folder of those files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.accounts import UserSession, require_role
from assistant.cultivation.models import DraftProposal
from assistant.cultivation.rubric import DIMENSIONS, DimensionScore, QualityReport, QualityRubric
from assistant.cultivation.segment import strip_numbering
from assistant.errors import InputError
from assistant.security.files import private_file
from assistant.security.spreadsheet import safe_row
from assistant.storage.enums import Role
from assistant.tasks import ModelPrompt, TaskRequest, TaskRunner, TaskSpec

TASK = "rubric_judge"
KEYS: tuple[str, ...] = tuple(DIMENSIONS)
RankBy = Literal["rubric", "llm", "mean"]
RANK_BY_ZH = {"rubric": "规则评分", "llm": "大模型评分", "mean": "两者平均"}
MAX_FILE_BYTES = 20 * 1024 * 1024


# --- inputs ----------------------------------------------------------------------------------------
class ProposalText(BaseModel):
    """One proposal to rate: title, analysis points, suggestion points and where it came from."""

    id: str
    title: str = ""
    analysis: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    source: str = ""

    def as_draft(self) -> DraftProposal:
        """The proposal as the rubric's input."""
        return DraftProposal(title=self.title, analysis=self.analysis, suggestions=self.suggestions)

    def prompt_text(self) -> str:
        """The proposal as the judge reads it."""
        lines = [f"标题：{self.title or '（无）'}", "情况分析："]
        lines += [f"{i}. {p}" for i, p in enumerate(self.analysis, 1)] or ["（无）"]
        lines.append("具体建议：")
        lines += [f"{i}. {p}" for i, p in enumerate(self.suggestions, 1)] or ["（无）"]
        return "\n".join(lines)


def _points(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = value.splitlines()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise InputError(f"{where}：情况分析和具体建议应是文字或文字列表。", repr(value)[:100])
    return [p for p in (strip_numbering(x.strip()) for x in items) if p]


def proposal_from_record(record: Any, where: str, default_id: str) -> ProposalText:
    """A proposal from one JSON object (flat, or with a ``proposal`` object)."""
    if not isinstance(record, dict):
        raise InputError(f"{where}不是 JSON 对象。", type(record).__name__)
    nested = record.get("proposal")
    body: dict[str, Any] = nested if isinstance(nested, dict) else record
    title = body.get("title") or ""
    if not isinstance(title, str):
        raise InputError(f"{where}：标题应是文字。", repr(title)[:100])
    proposal = ProposalText(
        id=str(record.get("id") or default_id),
        title=title.strip(),
        analysis=_points(body.get("analysis"), where),
        suggestions=_points(body.get("suggestions"), where),
        source=where,
    )
    if not (proposal.title or proposal.analysis or proposal.suggestions):
        raise InputError(f"{where}没有标题、情况分析或具体建议。", "empty proposal")
    return proposal


def proposals_from_jsonl(text: str, name: str) -> list[ProposalText]:
    """Every line of a JSONL file (blank lines skipped)."""
    out: list[ProposalText] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name} 第 {number} 行"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}不是有效的 JSON。", exc.msg) from exc
        out.append(proposal_from_record(record, where, f"{Path(name).stem}-{number}"))
    return out


def proposal_from_docx(data: bytes, name: str) -> ProposalText:
    """A proposal from a .docx in the 附件1 layout (the file name is its id)."""
    from assistant.cultivation.docx_io import import_docx

    try:
        draft = import_docx(data)
    except InputError as exc:
        raise InputError(f"{name}：{exc.user_message}", exc.cause) from exc
    return ProposalText(id=Path(name).stem, title=draft.title, analysis=draft.analysis,
                        suggestions=draft.suggestions, source=name)


def load_proposals(paths: Path | Sequence[Path]) -> list[ProposalText]:
    """Proposals from JSONL/.docx files or folders of them; ids must be unique."""
    files: list[Path] = []
    for path in [paths] if isinstance(paths, Path) else list(paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in {".jsonl", ".docx"})
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"找不到文件：{path}", "missing input")
    proposals: list[ProposalText] = []
    for file in files:
        suffix = file.suffix.lower()
        if file.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{file.name} 太大（超过 20 MB）。", f"{file.stat().st_size} bytes")
        if suffix == ".docx":
            proposals.append(proposal_from_docx(file.read_bytes(), file.name))
        elif suffix == ".jsonl":
            try:
                text = file.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(f"{file.name} 不是 UTF-8 编码的文本文件。", str(exc)) from exc
            proposals += proposals_from_jsonl(text, file.name)
        else:
            raise InputError(f"不支持的文件类型：{file.name}（请上传 .jsonl 或 .docx）。", suffix)
    if not proposals:
        raise InputError("没有找到要评分的提案（请提供 .jsonl 或 .docx 文件）。", "no proposals")
    seen: dict[str, str] = {}
    for p in proposals:
        if p.id in seen:
            raise InputError(f"提案编号「{p.id}」重复（{seen[p.id]} 与 {p.source}）。", "duplicate id")
        seen[p.id] = p.source
    return proposals


# --- the LLM judge ---------------------------------------------------------------------------------
def _score(description: str) -> Any:
    return Field(ge=1, le=5, description=description)


def _reason(description: str) -> Any:
    return Field(min_length=2, max_length=300, description=description)


class RubricJudgement(BaseModel):
    """The judge's five scores (1–5) and reasons; flat, so small models fill it reliably."""

    model_config = ConfigDict(extra="ignore")

    focus_score: int = _score("选题聚焦: title well-formed, every point on the title's topic (1-5).")
    focus_reason: str = _reason("Why, citing the proposal.")
    accuracy_score: int = _score("情况准确: where, who is affected, how serious (data or cases) (1-5).")
    accuracy_reason: str = _reason("Why, citing the proposal.")
    depth_score: int = _score("分析深入: causes, impact, policy or past replies as support (1-5).")
    depth_reason: str = _reason("Why, citing the proposal.")
    specificity_score: int = _score("建议具体可行: each suggestion names who acts, what and how (1-5).")
    specificity_reason: str = _reason("Why, citing the proposal.")
    format_score: int = _score("格式规范: annex-1 format, length limits, no personal data (1-5).")
    format_reason: str = _reason("Why, citing the proposal.")

    @classmethod
    def from_report(cls, report: QualityReport) -> RubricJudgement:
        """The rubric's scores in the judge's shape (the offline fallback)."""
        values: dict[str, Any] = {}
        for d in report.dimensions:
            values[f"{d.key}_score"] = d.score
            values[f"{d.key}_reason"] = d.reason if len(d.reason) >= 2 else f"{d.reason}。"
        return cls(**values)

    def dimensions(self) -> list[DimensionScore]:
        """As rubric dimension scores."""
        return [DimensionScore(key=k, name=DIMENSIONS[k], score=getattr(self, f"{k}_score"),
                               reason=getattr(self, f"{k}_reason")) for k in KEYS]


# --- ratings ---------------------------------------------------------------------------------------
class Rating(BaseModel):
    """One judge's scores of one proposal."""

    judge: Literal["rubric", "llm"]
    backend: str
    model: str | None = None
    prompt_version: str | None = None
    dimensions: list[DimensionScore]
    total: int
    grade: str
    fallback: str | None = Field(default=None, description="Why the rubric stood in for the model, if it did.")
    tokens_in: int = 0
    tokens_out: int = 0

    def score(self, key: str) -> int:
        """The score of one dimension."""
        return next(d.score for d in self.dimensions if d.key == key)


def _rating(judge: Literal["rubric", "llm"], dims: list[DimensionScore], **meta: Any) -> Rating:
    report = QualityReport(dimensions=dims, total=sum(d.score for d in dims))
    return Rating(judge=judge, dimensions=dims, total=report.total, grade=report.grade(), **meta)


class RatedProposal(BaseModel):
    """A proposal with its rubric rating, the model's (when asked) and its place in the ranking."""

    proposal: ProposalText
    rubric: Rating
    llm: Rating | None = None
    rank: int = 0
    shortlisted: bool = False

    def ranking_total(self, rank_by: RankBy) -> float:
        """The total the ranking uses."""
        if rank_by == "llm" and self.llm is not None:
            return float(self.llm.total)
        if rank_by == "mean" and self.llm is not None:
            return (self.rubric.total + self.llm.total) / 2
        return float(self.rubric.total)


class DimensionAgreement(BaseModel):
    """How often the two judges gave the same score (or within one point) on one dimension."""

    key: str
    name: str
    exact: float
    within_one: float


class Agreement(BaseModel):
    """Agreement of the LLM judge with the rubric over the proposals the model actually scored."""

    n: int
    spearman_total: float | None
    mean_abs_total: float
    dimensions: list[DimensionAgreement]
    fallbacks: int = Field(default=0, description="Proposals where the model failed (left out of the figures).")

    def text_zh(self) -> str:
        """A few lines for the CLI and the page."""
        rho = "–（样本太少或总分全相同）" if self.spearman_total is None else f"{self.spearman_total:.3f}"
        lines = [f"大模型评分与规则评分的一致性（{self.n} 份；另有 {self.fallbacks} 份模型调用失败未计入）：",
                 f"  总分的斯皮尔曼等级相关系数 {rho}，总分平均相差 {self.mean_abs_total:.2f} 分"]
        lines += [f"  {d.name}：完全一致 {d.exact:.0%}，相差不超过 1 分 {d.within_one:.0%}" for d in self.dimensions]
        return "\n".join(lines)


class RatingReport(BaseModel):
    """Every proposal rated and ranked, the shortlist size and, with a model, the agreement."""

    items: list[RatedProposal]
    rank_by: RankBy = "rubric"
    shortlist: int = 10
    llm_backend: str | None = None
    llm_model: str | None = None
    agreement: Agreement | None = None

    def table(self) -> tuple[list[str], list[list[object]]]:
        """Headers and rows of the ranking for a page table (rubric dimensions, model total when present)."""
        headers = ["排名", "入围", "编号", "标题", "规则总分", "等级", *DIMENSIONS.values()]
        if self.llm_backend is not None:
            headers.append("大模型总分")
        rows: list[list[object]] = []
        for item in self.items:
            row: list[object] = [item.rank, "★" if item.shortlisted else "", item.proposal.id, item.proposal.title,
                                 item.rubric.total, item.rubric.grade, *(item.rubric.score(k) for k in KEYS)]
            if self.llm_backend is not None:
                row.append(item.llm.total if item.llm else None)
            rows.append(row)
        return headers, rows

    def text_zh(self, limit: int = 20) -> str:
        """The ranking as text."""
        lines = [f"共评分 {len(self.items)} 份提案，按{RANK_BY_ZH[self.rank_by]}排序，前 {self.shortlist} 名入围："]
        for item in self.items[:limit]:
            mark = "★" if item.shortlisted else " "
            llm = f"；大模型 {item.llm.total} 分" if item.llm is not None else ""
            dims = " ".join(f"{d.name}{d.score}" for d in item.rubric.dimensions)
            lines.append(f"{mark}{item.rank:>3}. [{item.rubric.total} 分 {item.rubric.grade}{llm}] "
                         f"{item.proposal.title or item.proposal.id}（{dims}）")
        if len(self.items) > limit:
            lines.append(f"  ……另有 {len(self.items) - limit} 份，见表格")
        if self.agreement is not None:
            lines += ["", self.agreement.text_zh()]
        return "\n".join(lines)


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman rank correlation (average ranks for ties); None for fewer than 3 pairs or a constant side."""
    if len(x) != len(y) or len(x) < 3:
        return None
    rx, ry = _ranks(np.asarray(x, dtype=float)), _ranks(np.asarray(y, dtype=float))
    if rx.std() == 0 or ry.std() == 0:
        return None
    return float(np.corrcoef(rx, ry)[0, 1])


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(values.size, dtype=float)
    ranks[order] = np.arange(1, values.size + 1)
    for value in np.unique(values):
        mask = values == value
        if mask.sum() > 1:
            ranks[mask] = ranks[mask].mean()
    return ranks


def agreement(items: Iterable[RatedProposal]) -> Agreement | None:
    """Agreement over the items the model scored itself (fallbacks are counted, not compared)."""
    items = list(items)
    judged = [i for i in items if i.llm is not None and i.llm.fallback is None]
    fallbacks = sum(1 for i in items if i.llm is not None and i.llm.fallback is not None)
    if not judged:
        return None if not fallbacks else Agreement(n=0, spearman_total=None, mean_abs_total=0.0,
                                                      dimensions=[], fallbacks=fallbacks)
    dims = []
    for key in KEYS:
        diffs = [abs(i.rubric.score(key) - i.llm.score(key)) for i in judged if i.llm is not None]
        dims.append(DimensionAgreement(key=key, name=DIMENSIONS[key], exact=sum(d == 0 for d in diffs) / len(diffs),
                                       within_one=sum(d <= 1 for d in diffs) / len(diffs)))
    rubric_totals = [i.rubric.total for i in judged]
    llm_totals = [i.llm.total for i in judged if i.llm is not None]
    return Agreement(
        n=len(judged),
        spearman_total=spearman(rubric_totals, llm_totals),
        mean_abs_total=float(np.mean(np.abs(np.array(rubric_totals) - np.array(llm_totals)))),
        dimensions=dims,
        fallbacks=fallbacks,
    )


class RatingRequest(TaskRequest):
    """One proposal to rate; ``text`` is its full text as the judge reads it."""

    report: QualityReport = Field(description="The offline rubric's report of the same proposal.")


class RatingSpec(TaskSpec[RatingRequest, RubricJudgement, RubricJudgement]):
    """The model judge beside the rubric: the rubric's scores are the offline answer."""

    task = TASK
    entity_type = "proposal"
    action = "rate"
    what = "提案内容"
    answer_schema = RubricJudgement

    def offline(self, request: RatingRequest) -> RubricJudgement:
        return RubricJudgement.from_report(request.report)

    def prompt(self, request: RatingRequest, offline: RubricJudgement) -> ModelPrompt:
        return ModelPrompt(untrusted={"proposal": request.text})

    def offline_answer(self, offline: RubricJudgement) -> RubricJudgement:
        return offline

    def accept(self, answer: RubricJudgement, request: RatingRequest, offline: RubricJudgement) -> RubricJudgement:
        return answer

    def summary(self, value: RubricJudgement) -> dict[str, Any]:
        return {d.key: d.score for d in value.dimensions()}


class ProposalRater:
    """Scores proposals with the offline rubric and, when a model is configured, the LLM judge (one task)."""

    def __init__(self, tasks: TaskRunner | None = None, rubric: QualityRubric | None = None) -> None:
        self.tasks = tasks
        self.rubric = rubric or QualityRubric()
        self.spec = RatingSpec()

    @property
    def llm_enabled(self) -> bool:
        """True when a model backend (not the offline engine) is configured."""
        return self.tasks is not None and self.tasks.llm_enabled

    @property
    def mode(self) -> str:
        """The model backend's name, or offline."""
        return self.tasks.mode if self.tasks is not None else "offline"

    def rubric_rating(self, proposal: ProposalText) -> tuple[Rating, QualityReport]:
        """The offline rubric's rating (and its report, the judge's fallback)."""
        report = self.rubric.score(proposal.as_draft())
        return _rating("rubric", list(report.dimensions), backend="offline"), report

    def llm_rating(self, proposal: ProposalText, report: QualityReport) -> Rating:
        """The model's rating; on any failure the rubric's scores, marked with the reason."""
        assert self.tasks is not None
        outcome = self.tasks.run(self.spec, RatingRequest(text=proposal.prompt_text(), report=report),
                                 entity_id=proposal.id)
        run = outcome.run
        return _rating(
            "llm", outcome.value.dimensions(), backend=run.engine, model=run.model, prompt_version=run.prompt_version,
            fallback=run.fallback_message, tokens_in=run.tokens_in, tokens_out=run.tokens_out,
        )

    def rate_one(self, proposal: ProposalText, use_llm: bool = True) -> RatedProposal:
        """One proposal, both judges when a model is configured and ``use_llm``."""
        rubric, report = self.rubric_rating(proposal)
        llm = self.llm_rating(proposal, report) if use_llm and self.llm_enabled else None
        return RatedProposal(proposal=proposal, rubric=rubric, llm=llm)

    def rate(
        self,
        actor: UserSession | None,
        proposals: Sequence[ProposalText],
        *,
        shortlist: int = 10,
        rank_by: RankBy = "rubric",
        use_llm: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> RatingReport:
        """Rate, rank (ties broken by 建议具体可行, 分析深入, 情况准确, 选题聚焦, 格式规范, then id), shortlist;
        evaluators only."""
        require_role(actor, Role.EVALUATOR)
        with_llm = use_llm and self.llm_enabled
        if rank_by != "rubric" and not with_llm:
            raise InputError("没有配置大模型，只能按规则评分排序。", f"rank_by={rank_by} without a model")
        if shortlist < 0:
            raise InputError("入围名额不能是负数。", str(shortlist))
        items: list[RatedProposal] = []
        for n, proposal in enumerate(proposals, start=1):
            items.append(self.rate_one(proposal, use_llm=with_llm))
            if progress:
                progress(n, len(proposals))
        order = ("specificity", "depth", "accuracy", "focus", "format")
        items.sort(key=lambda i: (-i.ranking_total(rank_by), *(-i.rubric.score(k) for k in order), i.proposal.id))
        for rank, item in enumerate(items, start=1):
            item.rank = rank
            item.shortlisted = rank <= shortlist
        first_llm = next((i.llm for i in items if i.llm is not None), None)
        return RatingReport(
            items=items, rank_by=rank_by, shortlist=shortlist,
            llm_backend=self.mode if with_llm else None,
            llm_model=first_llm.model if first_llm else None,
            agreement=agreement(items) if with_llm else None,
        )


# --- spreadsheet -----------------------------------------------------------------------------------
def _judge_column(key: str, judge: Literal["rubric", "llm"], part: Literal["score", "reason"]
                  ) -> Callable[[RatedProposal], Any]:
    """A column of one judge's score or reason on dimension ``key`` (None without that judge)."""

    def value(item: RatedProposal) -> Any:
        rating = item.rubric if judge == "rubric" else item.llm
        if rating is None:
            return None
        dim = next(d for d in rating.dimensions if d.key == key)
        return dim.score if part == "score" else dim.reason

    return value


def _columns(report: RatingReport) -> list[tuple[str, int, Callable[[RatedProposal], Any]]]:
    """(header, width, value) of every column of the ranking sheet."""
    cols: list[tuple[str, int, Callable[[RatedProposal], Any]]] = [
        ("排名", 6, lambda i: i.rank),
        ("入围", 6, lambda i: "是" if i.shortlisted else ""),
        ("编号", 14, lambda i: i.proposal.id),
        ("标题", 36, lambda i: i.proposal.title),
        ("规则总分", 9, lambda i: i.rubric.total),
        ("规则等级", 9, lambda i: i.rubric.grade),
    ]
    for key in KEYS:
        name = DIMENSIONS[key]
        cols.append((f"{name}", 8, _judge_column(key, "rubric", "score")))
        cols.append((f"{name}·理由", 30, _judge_column(key, "rubric", "reason")))
    if report.llm_backend is not None:
        cols += [("大模型总分", 10, lambda i: i.llm.total if i.llm else None),
                 ("大模型等级", 10, lambda i: i.llm.grade if i.llm else None)]
        for key in KEYS:
            name = DIMENSIONS[key]
            cols.append((f"大模型·{name}", 10, _judge_column(key, "llm", "score")))
            cols.append((f"大模型·{name}·理由", 30, _judge_column(key, "llm", "reason")))
        cols.append(("大模型说明", 24, lambda i: (i.llm.fallback or "") if i.llm else ""))
    cols.append(("来源", 20, lambda i: i.proposal.source))
    return cols


def write_workbook(report: RatingReport, out: Path) -> Path:
    """The ranking (every dimension's score and reason), the agreement and a note, as an .xlsx file (0600).

    Every cell goes through ``safe_cell``: a title such as ``=HYPERLINK(…)`` is written as text, never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "排名"
    columns = _columns(report)
    sheet.append(safe_row(c[0] for c in columns))
    for item in report.items:
        sheet.append(safe_row(c[2](item) for c in columns))
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    shortlisted = PatternFill("solid", fgColor="FFF2CC")
    for n, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.cell(row=1, column=n).font = bold
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            if report.items[cell.row - 2].shortlisted:
                cell.fill = shortlisted
    sheet.freeze_panes = "E2"

    if report.agreement is not None:
        agree = book.create_sheet("一致性")
        a = report.agreement
        agree.append(["项目", "数值"])
        agree.append(["比较的提案数", a.n])
        agree.append(["模型调用失败未计入", a.fallbacks])
        agree.append(["总分斯皮尔曼等级相关", a.spearman_total])
        agree.append(["总分平均相差（分）", round(a.mean_abs_total, 3)])
        agree.append([])
        agree.append(["维度", "完全一致", "相差不超过 1 分"])
        for d in a.dimensions:
            agree.append(safe_row([d.name, round(d.exact, 3), round(d.within_one, 3)]))
        agree.column_dimensions["A"].width = 24
        agree.column_dimensions["B"].width = 12
        agree.column_dimensions["C"].width = 16

    note = book.create_sheet("说明")
    model = f"{report.llm_backend}（{report.llm_model}）" if report.llm_backend else "未使用"
    for line in (
        ["“百姓提案”质量评分与排名"],
        ["评分维度", "选题聚焦、情况准确、分析深入、建议具体可行、格式规范，各 1–5 分，总分 5–25 分"],
        ["等级", "优 ≥ 21 分，良 ≥ 17 分，中 ≥ 12 分，其余为差"],
        ["规则评分", "离线规则（assistant/cultivation/rubric.py），结果可复现"],
        ["大模型评分", model],
        ["排序依据", RANK_BY_ZH[report.rank_by] + "；同分时依次比较建议具体可行、分析深入、情况准确、选题聚焦、格式"],
        ["入围名额", report.shortlist],
        ["提示", "评分只是初筛参考，入围名单须经评审人员审定"],
    ):
        note.append(safe_row(line))
    note.column_dimensions["A"].width = 14
    note.column_dimensions["B"].width = 80
    book.save(private_file(out))
    return out
