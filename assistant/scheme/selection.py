"""Annual selection (四(五)3): rank the year's 百姓提案 on 选题内容 (the quality rubric of the latest draft),
办理成果 and 社会效应 (recorded by staff; 办理成果 falls back to the reply's result), choose the top 50, and make the
citizens' honorary certificates (.docx and PDF) with the document layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.accounts import UserSession, require_role
from assistant.clock import CHINA_TZ
from assistant.cultivation.rubric import QualityRubric
from assistant.errors import InputError
from assistant.scheme.catalogue import SchemeCatalogue
from assistant.scheme.channel_service import draft_of
from assistant.scheme.models import Candidate, SelectionResult
from assistant.scheme.periods import year_bounds
from assistant.security.files import private_file
from assistant.security.spreadsheet import safe_cell
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.ideas import IdeaStore
from assistant.storage.scheme_facts import IdeaFacts, SchemeFactsStore
from assistant.storage.selection import MeritRecord, SelectedRow, SelectionStore

if TYPE_CHECKING:
    from assistant.documents.models import CertificateInput

ELIGIBLE = (IdeaStatus.ROUTED, IdeaStatus.IN_CULTIVATION, IdeaStatus.PROPOSAL, IdeaStatus.HANDLING,
            IdeaStatus.REPLIED, IdeaStatus.CLOSED)
"""Statuses an idea must have reached to compete: it was handled as a 百姓提案 (routed, or became a proposal)."""
EXCLUDED_GRADES = ("refer", "merge")
MAX_TOP = 500


def eligible(f: IdeaFacts) -> bool:
    """A 百姓提案 of the year: in scope, routed or made a proposal, not referred elsewhere nor merged into another."""
    if f.in_scope is False or f.idea.status is IdeaStatus.REFERRED or f.grade in EXCLUDED_GRADES:
        return False
    return IdeaStatus.ROUTED in f.reached or IdeaStatus.PROPOSAL in f.reached


class SelectionService:
    """Merits, ranking, the year's selection and its certificates (staff only)."""

    def __init__(self, facts: SchemeFactsStore, store: SelectionStore, ideas: IdeaStore, catalogue: SchemeCatalogue,
                 rubric: QualityRubric | None = None, today: Callable[[], dt.date] | None = None) -> None:
        self.facts = facts
        self.store = store
        self.ideas = ideas
        self.catalogue = catalogue
        self.rubric = rubric or QualityRubric()
        self.today = today or (lambda: dt.datetime.now(CHINA_TZ).date())

    # inputs ------------------------------------------------------------------------------------------
    def record_merit(self, actor: UserSession | None, receipt_no: str, year: int, *, outcome: float | None,
                     social: float | None, note: str = "") -> MeritRecord:
        """Staff's 办理成果 and 社会效应 (0–5) for an idea of a year."""
        staff = require_role(actor, Role.STAFF)
        year_bounds(year)
        idea = self.ideas.by_receipt((receipt_no or "").strip().upper())
        if idea is None:
            raise InputError(f"找不到受理编号为「{receipt_no}」的金点子。", f"receipt {receipt_no!r}")
        for value, what in ((outcome, "办理成果"), (social, "社会效应")):
            if value is not None and not 0 <= value <= 5:
                raise InputError(f"{what}应在 0 到 5 分之间。", f"{what} {value}")
        if outcome is None and social is None:
            raise InputError("请至少填写办理成果或社会效应中的一项。", "nothing to record")
        return self.store.record_merit(idea.id, year, outcome=outcome, social=social,
                                       note=(note or "").strip()[:500] or None, user_id=staff.user_id)

    # ranking -----------------------------------------------------------------------------------------
    def _candidate(self, f: IdeaFacts, merit: MeritRecord | None) -> Candidate:
        cfg = self.catalogue.selection
        weights = cfg.get("weights", {})
        draft = draft_of(self.ideas, f.idea.id) if f.drafts else None
        total = self.rubric.score(draft).total if draft is not None and (draft.analysis or draft.suggestions) else None
        content = round(total / 5, 2) if total is not None else 0.0
        outcome, source = 0.0, "未答复"
        if merit is not None and merit.outcome is not None:
            outcome, source = merit.outcome, "工作人员评定"
        elif f.reply is not None:
            outcome = float(cfg.get("outcome_from_reply", {}).get(f.reply.result, 0))
            source = f"按答复结果（{self.catalogue.handling_results.get(f.reply.result, f.reply.result)}）"
        social = merit.social if merit is not None and merit.social is not None else 0.0
        score = (float(weights.get("content", 0.5)) * content + float(weights.get("outcome", 0.3)) * outcome
                 + float(weights.get("social", 0.2)) * social)
        return Candidate(
            idea_id=f.idea.id, receipt_no=f.idea.receipt_no or "", title=(draft.title if draft else "")
            or f.idea.display_title, citizen=f.idea.citizen.name, content=content, rubric_total=total,
            outcome=outcome, outcome_source=source, social=social, score=round(score, 3), committee=f.committee,
        )

    def rank(self, actor: UserSession | None, year: int) -> list[Candidate]:
        """Every eligible 百姓提案 submitted in the year, best first (score, then rubric total, then receipt)."""
        require_role(actor, Role.STAFF)
        start, end = year_bounds(year)
        merits = self.store.merits(year)
        pool = [self._candidate(f, merits.get(f.idea.id)) for f in self.facts.facts(start=start, end=end)
                if eligible(f)]
        pool.sort(key=lambda c: (-c.score, -(c.rubric_total or 0), c.receipt_no))
        return [c.model_copy(update={"rank": n}) for n, c in enumerate(pool, start=1)]

    def select(self, actor: UserSession | None, year: int, top: int | None = None, *, replace: bool = False,
               out_dir: Path | None = None) -> SelectionResult:
        """Choose the top N (default 50), store them with certificate numbers and, with ``out_dir``, write the
        ranking (.xlsx) and the certificates (combined .docx and .pdf, one .docx and .pdf per citizen)."""
        staff = require_role(actor, Role.STAFF)
        n = int(top or self.catalogue.selection.get("top", 50))
        if not 1 <= n <= MAX_TOP:
            raise InputError(f"评选件数应在 1 到 {MAX_TOP} 之间。", f"top {n}")
        ranked = self.rank(staff, year)
        if not ranked:
            raise InputError(f"{year} 年度还没有可参评的“百姓提案”（需已分办或已形成提案）。", "no candidates")
        prefix = str(self.catalogue.selection.get("certificate_prefix", "BXZS"))
        chosen = [c.model_copy(update={"certificate_no": f"{prefix}-{year}-{c.rank:03d}"}) for c in ranked[:n]]
        self.store.save_selection(year, [SelectedRow(c.idea_id, c.rank, c.score, c.certificate_no,
                                                     c.model_dump(include={"content", "outcome", "social",
                                                                           "rubric_total", "outcome_source"}))
                                         for c in chosen], user_id=staff.user_id, replace=replace)
        result = SelectionResult(year=year, top=n, candidates=ranked, selected=chosen, saved=True,
                                 missing_names=[c.receipt_no for c in chosen if not (c.citizen or "").strip()])
        if out_dir is not None:
            result.files = [str(p) for p in self.write_files(result, out_dir)]
        return result

    # files -------------------------------------------------------------------------------------------
    def certificates(self, result: SelectionResult) -> list[CertificateInput]:
        """The certificate inputs of the selected ideas that have a citizen's name."""
        from assistant.documents.models import CertificateInput, parse_input

        award = str(self.catalogue.selection.get("award", "优秀“百姓提案”"))
        return [parse_input(CertificateInput, {
            "citizen_name": (c.citizen or "").strip()[:40], "idea_title": c.title[:120], "year": result.year,
            "award": award, "issue_date": self.today(), "certificate_no": c.certificate_no,
        }) for c in result.selected if (c.citizen or "").strip()]

    def write_files(self, result: SelectionResult, out_dir: Path) -> list[Path]:
        """The ranking workbook and the certificates in ``out_dir`` (owner-only files)."""
        from assistant.documents import certificate_files, certificates_docx, certificates_pdf

        out_dir.mkdir(parents=True, exist_ok=True)
        written = [self._workbook(result, out_dir / f"{result.year}年度优秀百姓提案评选结果.xlsx")]
        certs = self.certificates(result)
        if not certs:
            return written
        combined_pdf = certificates_pdf(certs)
        for name, data in ((f"{result.year}年度荣誉证书_合集.docx", certificates_docx(certs)),
                           (f"{result.year}年度荣誉证书_合集.pdf", combined_pdf)):
            path = out_dir / name
            private_file(path).write_bytes(data)
            written.append(path)
        single = out_dir / "单份"
        single.mkdir(exist_ok=True)
        for file in certificate_files(certs, combined_pdf=combined_pdf):
            path = single / file.filename
            private_file(path).write_bytes(file.data)
            written.append(path)
        return written

    @staticmethod
    def _workbook(result: SelectionResult, path: Path) -> Path:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "评选结果"
        head = ["名次", "受理编号", "标题", "对口专委会", "选题内容（0-5）", "评分表总分（5-25）", "办理成果（0-5）",
                "办理成果来源", "社会效应（0-5）", "综合得分", "是否入选", "证书编号"]
        sheet.append([safe_cell(h) for h in head])
        chosen = {c.idea_id: c for c in result.selected}
        for c in result.candidates:
            picked = chosen.get(c.idea_id)
            sheet.append([safe_cell(v) for v in (
                c.rank, c.receipt_no, c.title, c.committee or "", c.content, c.rubric_total, c.outcome,
                c.outcome_source, c.social, c.score, "是" if picked else "否", picked.certificate_no if picked else "",
            )])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        book.save(private_file(path))
        return path
