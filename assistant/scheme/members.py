"""Members and committees (四(二)2, 四(三)1, seed 002): each member's ideas collected and proposals in a year (the
scheme asks ≥ 1), each committee's 精品 (≥ 2), an Excel export for 履职量化; the member's own list and notices;
a member's draft submitted as a 百姓提案; a clue a member collected offline registered with a receipt."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError
from assistant.review import IdeaReviewService, review_record
from assistant.scheme.models import (
    CommitteeRow,
    MemberIdea,
    MemberPage,
    MemberRow,
    MembersReport,
    NoticeView,
)
from assistant.scheme.periods import beijing_year, year_bounds
from assistant.security.files import private_file
from assistant.security.spreadsheet import safe_cell
from assistant.storage.decisions import CONSENT, DecisionStore, NewDecision
from assistant.storage.enums import IdeaSource, IdeaStatus, Role
from assistant.storage.handling import HandlingStore
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import status_zh
from assistant.storage.records import CitizenInfo, VersionContent
from assistant.storage.scheme_facts import IdeaFacts, SchemeFactsStore
from assistant.storage.selection import SelectionStore
from assistant.textinput import clean_text

COLLECTOR = "collector"
MEMBER_MINIMUM = 1
COMMITTEE_MINIMUM = 2
CULTIVATING_CHANNELS = ("深化培育", "重要协商成果“直通车”")
PROPOSAL_OR_LATER = (IdeaStatus.PROPOSAL, IdeaStatus.HANDLING, IdeaStatus.REPLIED, IdeaStatus.CLOSED)
MEMBER_CHANNEL = "委员收集"


def collected_by(facts: Sequence[IdeaFacts], collectors: dict[int, int]) -> dict[int, list[IdeaFacts]]:
    """Member id → the ideas that member collected (registered by them, or named as collector at import)."""
    out: dict[int, list[IdeaFacts]] = {}
    for f in facts:
        who = collectors.get(f.idea.id)
        if who is not None:
            out.setdefault(who, []).append(f)
    return out


class MembersReportService:
    """Members' and committees' yearly figures (staff only) and their Excel export."""

    def __init__(self, facts: SchemeFactsStore, decisions: DecisionStore, selection: SelectionStore,
                 committees: Callable[[], list[str]]) -> None:
        self.facts = facts
        self.decisions = decisions
        self.selection = selection
        self.committees = committees

    def report(self, actor: UserSession | None, year: int) -> MembersReport:
        """Each member's ideas collected, cultivated and proposals; each committee's ideas, proposals and 精品."""
        require_role(actor, Role.STAFF)
        start, end = year_bounds(year)
        everything = self.facts.facts()
        in_year = [f for f in everything if f.idea.submitted_at and start <= f.idea.submitted_at < end]
        collectors = {i: int(d.value) for i, d in self.decisions.latest_for(COLLECTOR).items() if d.value.isdigit()}
        collected = collected_by(in_year, collectors)
        members = []
        for m in self.facts.members():
            mine = collected.get(m.user_id, [])
            cultivated = [f for f in in_year if m.user_id in f.members]
            proposals = [f for f in everything if m.user_id in f.members and IdeaStatus.PROPOSAL in f.reached
                         and beijing_year(f.reached[IdeaStatus.PROPOSAL]) == year]
            counted = {f.idea.id for f in mine} | {f.idea.id for f in proposals}
            receipts = sorted({f.idea.receipt_no or "" for f in [*mine, *proposals]})
            members.append(MemberRow(
                user_id=m.user_id, name=m.display_name, username=m.username, ideas_collected=len(mine),
                ideas_cultivated=len(cultivated), proposals=len(proposals),
                meets_minimum=len(counted) >= MEMBER_MINIMUM, receipts=receipts,
            ))
        selected = self.selection.selected_ids().get(year, set())
        names = list(dict.fromkeys([*self.committees(), *(f.committee for f in in_year if f.committee)]))
        committees = []
        for name in names:
            mine_c = [f for f in in_year if f.committee == name and f.in_scope is not False]
            proposals_c = [f for f in mine_c if any(s in f.reached for s in PROPOSAL_OR_LATER)]
            boutique = [f for f in proposals_c if f.boutique or f.idea.id in selected]
            committees.append(CommitteeRow(
                committee=name, ideas=len(mine_c),
                cultivating=sum(1 for f in mine_c if f.channel in CULTIVATING_CHANNELS),
                proposals=len(proposals_c), boutique=len(boutique), meets_minimum=len(boutique) >= COMMITTEE_MINIMUM,
                boutique_receipts=[f.idea.receipt_no or "" for f in boutique],
            ))
        return MembersReport(year=year, members=members, committees=committees, member_minimum=MEMBER_MINIMUM,
                             committee_minimum=COMMITTEE_MINIMUM)

    @staticmethod
    def write_xlsx(report: MembersReport, path: Path) -> Path:
        """Two sheets (委员履职、专委会精品) for 履职量化; every cell passes ``safe_cell``; owner-only file."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "委员履职"
        head = ["委员", "用户名", "收集报送金点子（条）", "参与培育（条）", "形成百姓提案（件）",
                f"达到每年不少于{report.member_minimum}条", "受理编号"]
        sheet.append([safe_cell(h) for h in head])
        for m in report.members:
            sheet.append([safe_cell(v) for v in (m.name, m.username, m.ideas_collected, m.ideas_cultivated,
                                                 m.proposals, "是" if m.meets_minimum else "否",
                                                 "、".join(m.receipts))])
        committees = book.create_sheet("专委会精品")
        head = ["专门委员会", "对口金点子（条）", "深化培育/直通车（条）", "形成百姓提案（件）", "精品（件）",
                f"达到每年不少于{report.committee_minimum}个精品", "精品受理编号"]
        committees.append([safe_cell(h) for h in head])
        for c in report.committees:
            committees.append([safe_cell(v) for v in (c.committee, c.ideas, c.cultivating, c.proposals, c.boutique,
                                                      "是" if c.meets_minimum else "否",
                                                      "、".join(c.boutique_receipts))])
        for ws, widths in ((sheet, (14, 14, 18, 14, 18, 18, 40)), (committees, (22, 16, 20, 18, 10, 22, 40))):
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for col, width in zip("ABCDEFG", widths, strict=True):
                ws.column_dimensions[col].width = width
            ws.freeze_panes = "A2"
        notes = book.create_sheet("说明")
        for line in (f"{report.year} 年度“百姓提案”委员履职与专委会精品统计（由系统按数据库记录生成）",
                     "收集报送：委员登记或在导入时注明由其收集的金点子；形成百姓提案：委员培育的草稿在该年度提交为百姓提案。",
                     "精品：工作人员标记为精品，或入选该年度优秀“百姓提案”的百姓提案。"):
            notes.append([safe_cell(line)])
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(private_file(path))
        return path


class MemberSchemeService:
    """A member's own ideas and notices, submitting a draft as a 百姓提案, registering a collected clue."""

    def __init__(self, facts: SchemeFactsStore, handling: HandlingStore, selection: SelectionStore,
                 decisions: DecisionStore, ideas: IdeaStore, reviewer: Callable[[], IdeaReviewService],
                 result_zh: Callable[[str], str], max_chars: int = 20000) -> None:
        self.facts = facts
        self.handling = handling
        self.selection = selection
        self.decisions = decisions
        self.ideas = ideas
        self.reviewer = reviewer
        self.result_zh = result_zh
        self.max_chars = max_chars

    def page(self, actor: UserSession | None, limit: int = 100) -> MemberPage:
        """The ideas the member collected or cultivated (newest first) and the member's notices."""
        member = require_role(actor, Role.MEMBER)
        if member.user_id is None:
            return MemberPage(ideas=[], notices=[], unread=0)
        draft_ideas = {i for _, ids in self.facts.member_drafts(member.user_id) for i in ids}
        collectors = {i for i, d in self.decisions.latest_for(COLLECTOR).items() if d.value == str(member.user_id)}
        wanted = sorted(draft_ideas | collectors, reverse=True)[:limit]
        facts = sorted(self.facts.facts(idea_ids=wanted), key=lambda f: -f.idea.id) if wanted else []
        ideas = [MemberIdea(
            idea_id=f.idea.id, receipt_no=f.idea.receipt_no or "", title=f.idea.display_title,
            status_zh=status_zh(f.idea.status), draft_id=f.drafts[-1] if f.drafts else None, channel=f.channel,
            committee=f.committee,
            reply=(f"{f.reply.unit}（{self.result_zh(f.reply.result)}，{f.reply.replied_on.isoformat()}）："
                   f"{f.reply.content[:200]}") if f.reply else None,
            feedback=f.feedback,
        ) for f in facts]
        notices = self.handling.notices(member.user_id, limit=limit)
        return MemberPage(
            ideas=ideas,
            notices=[NoticeView(notice_id=n.id, receipt_no=n.receipt_no, kind=n.kind, message=n.message,
                                at=n.created_at, read=n.read_at is not None) for n in notices],
            unread=sum(1 for n in notices if n.read_at is None),
        )

    def mark_read(self, actor: UserSession | None, notice_ids: Sequence[int] | None = None) -> int:
        """Mark the member's notices read."""
        member = require_role(actor, Role.MEMBER)
        return self.handling.mark_read(member.user_id, notice_ids) if member.user_id is not None else 0

    def finalise(self, actor: UserSession | None, draft_id: int) -> list[str]:
        """Submit the member's draft as a 百姓提案: the draft becomes final, its ideas move to "proposal"."""
        member = require_role(actor, Role.MEMBER)
        draft = self.ideas.require_draft(draft_id)
        if member.role is not Role.ADMIN and draft.member_id not in (None, member.user_id) \
                and draft.created_by != member.user_id:
            raise InputError("这份草稿由其他委员培育，请由该委员提交。", f"draft {draft_id} member {draft.member_id}")
        ideas = self.selection.finalise(draft_id, member_id=member.user_id,
                                        note=f"{member.display_name}提交为“百姓提案”（草稿 {draft_id}）")
        return [i.receipt_no or "" for i in ideas]

    def collect(self, actor: UserSession | None, text: str, *, title: str = "", name: str = "", phone: str = "",
                consent: str = "masked") -> str:
        """Register a clue the member collected offline (联络站, 委员工作室): screened and routed like any clue,
        credited to the member (收集报送); returns its receipt number."""
        member = require_role(actor, Role.MEMBER)
        body = clean_text(text, self.max_chars, "金点子内容")
        head = (title or "").strip()[:300] or body[:30]
        if consent not in ("full", "masked", "anonymous"):
            raise InputError("请选择市民的署名方式。", f"consent {consent!r}")
        review = self.reviewer().review(body, known_names=(name.strip(),) if name.strip() else (),
                                        user_id=member.user_id).value
        citizen = CitizenInfo(name=name.strip()[:100] or None, phone=phone.strip()[:50] or None)

        def content(receipt_no: str) -> VersionContent:
            return VersionContent(title=head, analysis=[], suggestions=[], proposer=citizen,
                                  remarks=f"由{member.display_name}委员收集报送（受理编号 {receipt_no}）。")

        done = self.ideas.submit_new(body, content, citizen, review=review_record(review), source=IdeaSource.WEB,
                                     note=f"{member.display_name}委员收集报送", channel=MEMBER_CHANNEL)
        self.decisions.record_many([
            NewDecision(idea_id=done.idea_id, kind=COLLECTOR, value=str(member.user_id),
                        reason=f"由{member.display_name}委员收集报送"),
            NewDecision(idea_id=done.idea_id, kind=CONSENT, value=consent, reason="委员登记时注明的署名方式"),
        ], user_id=member.user_id)
        return done.receipt_no

