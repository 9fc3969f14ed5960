"""Annual selection with certificates, the 《百姓提案》 periodical (counts match the database), members' and
committees' figures with their Excel export, proposals submitted by members, clues collected by members."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.accounts import LOCAL_OPERATOR
from assistant.errors import InputError, PermissionDenied
from assistant.scheme.models import AssignEdit, GradeEdit, ReplyEdit
from assistant.storage.decisions import BOUTIQUE, CONSENT, NewDecision
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.scheme_facts import SchemeFactsStore
from tests.scheme.conftest import BUS, LAMP, NEIGHBOUR, PENSION, World

GOOD_ANALYSIS = ["天河区某小区约三千户居民，距最近地铁站两公里，没有公交站。",
                 "老人和学生每天步行二十分钟，雨天尤其不便。", "原因是新建小区与公交线网规划不同步。"]
GOOD_SUGGESTIONS = ["建议市交通运输局在小区门口增设公交站点，并调整附近线路。",
                    "建议区政府在新建小区规划时同步配套公交站。"]


def year_now() -> int:
    from assistant.clock import CHINA_TZ

    return dt.datetime.now(CHINA_TZ).year


def test_ranking_selection_and_certificates(world: World, tmp_path: Path) -> None:
    strong = world.submit(BUS, name="陈大文")
    weak = world.submit(LAMP, name="李明", phone="13800002222")
    anonymous = world.submit("建议在公园增设直饮水机，夏天游客很多，买水不方便。", name="", phone="13800003333")
    out = world.submit(NEIGHBOUR, name="赵六", phone="13800004444")
    for idea in (strong, weak, anonymous):
        world.route(idea)
    world.cultivate(strong, world.member, analysis=GOOD_ANALYSIS, suggestions=GOOD_SUGGESTIONS)
    world.scheme.members.finalise(world.member, world.cultivate(weak, world.member, analysis=[],
                                                                suggestions=["建议加装路灯。"]))
    world.scheme.handling.record_reply(world.staff, weak.id, ReplyEdit(unit="广州市城市管理和综合执法局",
                                                                       content="已加装。", result="adopted"))
    year = year_now()
    selection = world.scheme.selection
    with pytest.raises(InputError, match="0 到 5"):
        selection.record_merit(world.staff, strong.receipt_no or "", year, outcome=7, social=None)
    selection.record_merit(world.staff, strong.receipt_no or "", year, outcome=None, social=5)
    ranked = selection.rank(world.staff, year)
    assert [c.idea_id for c in ranked] == [strong.id, weak.id, anonymous.id]  # `out` is not a 百姓提案
    top = ranked[0]
    assert top.rubric_total and top.content == round(top.rubric_total / 5, 2) and top.social == 5
    assert ranked[1].outcome == 5 and "已采纳" in ranked[1].outcome_source

    result = selection.select(world.staff, year, 3, out_dir=tmp_path / "评选")
    assert [c.certificate_no for c in result.selected] == [f"BXZS-{year}-001", f"BXZS-{year}-002",
                                                           f"BXZS-{year}-003"]
    assert result.missing_names == [anonymous.receipt_no]
    singles = sorted(p.name for p in (tmp_path / "评选" / "单份").iterdir())
    assert singles == ["01_陈大文_荣誉证书.docx", "01_陈大文_荣誉证书.pdf", "02_李明_荣誉证书.docx",
                       "02_李明_荣誉证书.pdf"]
    combined = tmp_path / "评选" / f"{year}年度荣誉证书_合集.docx"
    text = "\n".join(p.text for p in Document(str(combined)).paragraphs)
    assert "陈大文" in text and "被评为" in text and f"BXZS-{year}-001" in text
    assert (tmp_path / "评选" / f"{year}年度荣誉证书_合集.pdf").read_bytes().startswith(b"%PDF")
    sheet = load_workbook(tmp_path / "评选" / f"{year}年度优秀百姓提案评选结果.xlsx").active
    assert sheet.cell(2, 2).value == strong.receipt_no and sheet.cell(2, 11).value == "是"
    with pytest.raises(ConflictError, match="覆盖"):
        selection.select(world.staff, year, 3)
    assert len(selection.select(world.staff, year, 1, replace=True).selected) == 1
    with pytest.raises(PermissionDenied):
        selection.rank(world.member, year)
    assert out.id not in {c.idea_id for c in ranked}


def test_digest_counts_match_the_database_and_respect_consent(world: World, tmp_path: Path) -> None:
    ideas = [world.submit(BUS, name="陈大文", address="广州市天河区棠下"),
             world.submit(LAMP, name="欧阳娜娜", phone="13800002222", address="海珠区"),
             world.submit(PENSION, name="李明", phone="13800003333"),
             world.submit(NEIGHBOUR, name="赵六", phone="13800004444")]
    world.route(ideas[0])
    world.scheme.decisions.record(NewDecision(idea_id=ideas[2].id, kind=CONSENT, value="full"), user_id=None)
    world.scheme.grading.grade(world.staff, ideas[3].id, GradeEdit(grade="refer", reason="邻里纠纷"))
    today = world.scheme.handling.today()
    result = world.scheme.digest.write(world.staff, today, today, tmp_path / "百姓提案.docx", issue_no=3)
    counts = result.counts
    facts = SchemeFactsStore(world.db).facts()
    assert counts.total == len(facts) == 4 and counts.in_scope + counts.out_of_scope + counts.unscreened == 4
    assert counts.by_status == {"已分办": 1, "已提交": 2, "已转其他渠道": 1}
    assert sum(counts.by_committee.values()) == sum(counts.by_district.values()) == 4
    assert counts.by_district["天河区"] == 1 and counts.by_district["海珠区"] == 1
    assert sum(counts.topics.values()) == 4 and counts.by_grade == {"转其他渠道": 1}
    doc = Document(result.docx_path)
    text = "\n".join(p.text for p in doc.paragraphs)
    for section in ("一、群众反映集中的问题", "二、百姓“金点子”汇总", "三、“百姓提案”工作动态"):
        assert section in text
    assert "第3期" in text and "共收到群众“金点子”4件" in text
    assert "陈某某（天河区）" in text and "欧阳某某（海珠区）" in text and "李明" in text  # consent: masked by default
    assert "陈大文" not in text and "赵六" not in text and "赵某" not in text  # referred ideas are not listed
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["已提交", "2"] in cells and ["合计", "4"] in cells
    assert Path(result.pdf_path or "").read_bytes().startswith(b"%PDF")
    with pytest.raises(InputError, match="截止日期"):
        world.scheme.digest.build(world.staff, today, today - dt.timedelta(days=1))
    empty, _ = world.scheme.digest.build(world.staff, dt.date(2001, 1, 1), dt.date(2001, 1, 31))
    assert empty.total_ideas == 0 and empty.ideas == [] and empty.hot_topics == []


def test_members_report_and_member_actions(world: World, tmp_path: Path) -> None:
    members = world.scheme.members
    receipt = members.collect(world.member, "建议在社区长者饭堂增加送餐上门服务，行动不便的老人吃饭难。",
                              name="=HYPERLINK(\"x\")", phone="13800005555")
    collected = world.ideas.by_receipt(receipt)
    assert collected is not None and collected.channel == "委员收集" and collected.status is IdeaStatus.SUBMITTED
    idea = world.submit(BUS)
    world.route(idea)
    draft = world.cultivate(idea, world.member, analysis=GOOD_ANALYSIS, suggestions=GOOD_SUGGESTIONS)
    with pytest.raises(InputError, match="其他委员"):
        members.finalise(world.other_member, draft)
    assert members.finalise(world.member, draft) == [idea.receipt_no]
    assert world.ideas.idea(idea.id).status is IdeaStatus.PROPOSAL
    assert world.ideas.history(idea.id)[-1].by_name == "王委员"
    empty_draft, _ = world.ideas.create_draft([], world.ideas.versions(draft)[-1].content,
                                              created_by=world.member.user_id, member_id=world.member.user_id)
    with pytest.raises(ConflictError, match="关联"):
        members.finalise(world.member, empty_draft)
    world.scheme.handling.assign(world.staff, idea.id, AssignEdit(unit="广州市交通运输局"))
    world.scheme.decisions.record(NewDecision(idea_id=idea.id, kind=BOUTIQUE, value="yes", reason="精品"),
                                  user_id=world.staff.user_id)

    page = members.page(world.member)
    assert {i.receipt_no for i in page.ideas} == {receipt, idea.receipt_no}
    assert members.page(world.other_member).ideas == []
    with pytest.raises(PermissionDenied):
        members.page(world.staff)

    report = world.scheme.report.report(world.staff, year_now())
    wang = next(m for m in report.members if m.name == "王委员")
    li = next(m for m in report.members if m.name == "李委员")
    assert (wang.ideas_collected, wang.ideas_cultivated, wang.proposals, wang.meets_minimum) == (1, 1, 1, True)
    assert (li.ideas_collected, li.proposals, li.meets_minimum) == (0, 0, False)
    committee = next(c for c in report.committees if c.boutique)
    assert committee.boutique == 1 and not committee.meets_minimum and idea.receipt_no in committee.boutique_receipts
    assert {c.committee for c in report.committees} >= {"提案委员会", "城乡建设委员会"}

    path = world.scheme.report.write_xlsx(report, tmp_path / "履职.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["委员履职", "专委会精品", "说明"]
    rows = list(book["委员履职"].iter_rows(values_only=True))
    assert rows[0][0] == "委员" and any(r[0] == "王委员" and r[2] == 1 and r[5] == "是" for r in rows[1:])
    with zipfile.ZipFile(path) as zf:  # nothing in the workbook is a formula
        assert all("<f>" not in zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
    with pytest.raises(PermissionDenied):
        world.scheme.report.report(world.member, year_now())
    assert world.scheme.report.report(LOCAL_OPERATOR, 2001).members[0].ideas_collected == 0


def test_digest_summaries_drop_greetings_and_topics_drop_generic_words(world: World) -> None:
    from assistant.scheme.digest import strip_greetings

    greetings = world.scheme.catalogue.greetings
    assert strip_greetings("胡书记，您好！ 建议在公园增设直饮水机。", greetings) == "建议在公园增设直饮水机。"
    assert strip_greetings("尊敬的周主任 您好！ 我叫某某。", greetings) == "我叫某某。"
    assert strip_greetings("A市政府应当加快建设。", greetings) == "A市政府应当加快建设。"
    assert strip_greetings("建议市政府，加快建设。", greetings) == "建议市政府，加快建设。"
    text = "王书记，您好！建议在西地省各公园增设直饮水机，公园游客很多，公园附近买水不方便。"
    for phone in ("13800001111", "13800002222"):
        world.route(world.submit(text + phone[-1], phone=phone))
    today = world.scheme.handling.today()
    issue, _ = world.scheme.digest.build(world.staff, today, today)
    assert all(not e.summary.startswith("王书记") and e.summary.startswith("建议") for e in issue.ideas)
    import re

    words = [w for t in issue.hot_topics for w in re.findall(r"([^：、（）]+)（\d+件）", t.summary)]
    assert all(w in text for w in words)  # the frequent words are the citizens' words…
    assert "西地省" not in words and "附近" not in words  # …but not place names nor generic words
