"""《百姓提案》 periodical: one issue for a period, as .docx (for staff to edit) and PDF (for printing).

Sections follow the scheme (穗协办〔2022〕9号 四(四)2): 群众反映集中的问题, 百姓“金点子”汇总 and “百姓提案”工作动态.
Everything printed comes from the ``PeriodicalIssue`` the caller filled; the only numbers computed here are
sums and shares of the counts given. The masthead is in the style of an internal 简报: red title, issue
number, editor and date, a red rule; the 版记 (报/发) closes the issue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from assistant.documents.chart import bar_chart_png
from assistant.documents.layout import (
    DARK_RED,
    GBT9704_FONTS,
    RGB,
    SIZE_CHUHAO,
    Align,
    FontSet,
    Role,
)
from assistant.documents.models import CountRow, HotTopic, PeriodicalIssue
from assistant.documents.pdfdoc import OfficialPdf
from assistant.documents.wordml import OfficialDocx

MASTHEAD = "百姓提案"
SECTION_TOPICS = "一、群众反映集中的问题"
SECTION_IDEAS = "二、百姓“金点子”汇总"
SECTION_WORK = "三、“百姓提案”工作动态"
WORK_TABLES = (("by_channel", "征集渠道"), ("by_status", "办理状态"), ("by_committee", "对口专委会"),
               ("by_district", "所在区"))
CHART_WIDTH_MM = 150.0
_CN_DIGITS = "零一二三四五六七八九"


class Writer(Protocol):
    """What the composer needs from a builder; ``OfficialDocx`` and ``OfficialPdf`` both provide it."""

    def add_title(self, text: str, *, role: Role = ..., size: float = ..., color: RGB | None = ...,
                  space_after_lines: int = ..., letter_spacing: float = ...) -> object: ...

    def add_heading(self, text: str, level: int = ...) -> object: ...

    def add_paragraph(self, text: str = ..., *, role: Role = ..., size: float = ..., indent: bool = ...,
                      align: Align = ..., color: RGB | None = ..., bold: bool = ...,
                      line_spacing: float | None = ...) -> object: ...

    def add_blank(self, lines: int = ...) -> object: ...

    def add_split_line(self, left: str, right: str, *, size: float = ..., role: Role = ...) -> object: ...

    def add_table(self, rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *, header: bool = ...,
                  size: float = ..., align_numbers: bool = ..., caption: str = ...) -> object: ...

    def add_picture(self, png: bytes, width_mm: float, caption: str = ...) -> object: ...

    def add_rule(self, color: RGB = ..., width_pt: float = ...) -> object: ...

    def add_record(self, lines: Sequence[str], *, size: float = ...) -> object: ...


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def date_text(d: dt.date) -> str:
    """2024年3月31日."""
    return f"{d.year}年{d.month}月{d.day}日"


def period_text(issue: PeriodicalIssue) -> str:
    """2024年1月1日至2024年3月31日."""
    return f"{date_text(issue.period_start)}至{date_text(issue.period_end)}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；" else text + "。"


def _share(count: int, total: int | None) -> str:
    return f"{count / total * 100:.1f}%" if total else "—"


def ranked_topics(issue: PeriodicalIssue) -> list[HotTopic]:
    """Hot topics by count, largest first (ties keep the given order)."""
    return sorted(issue.hot_topics, key=lambda t: -t.count)


def _masthead(w: Writer, issue: PeriodicalIssue) -> None:
    w.add_title(MASTHEAD, size=SIZE_CHUHAO, color=DARK_RED, space_after_lines=0, letter_spacing=8.0)
    w.add_paragraph(f"第{issue.issue_no}期", indent=False, align="C")
    w.add_split_line(f"{issue.editor}编", date_text(issue.issue_date))
    w.add_rule(DARK_RED, 1.5)


def _topics(w: Writer, issue: PeriodicalIssue) -> None:
    w.add_heading(SECTION_TOPICS, 1)
    topics = ranked_topics(issue)
    received = f"，共收到群众“金点子”{issue.total_ideas}件" if issue.total_ideas is not None else ""
    if not topics:
        w.add_paragraph(f"{period_text(issue)}{received}。本期暂无可统计的集中问题。")
        return
    w.add_paragraph(f"{period_text(issue)}{received}。群众反映较集中的问题见图1和表1（按件数排序）。")
    w.add_picture(bar_chart_png(tuple(t.topic for t in topics), tuple(t.count for t in topics)), CHART_WIDTH_MM,
                  caption="图1  群众反映较集中的问题（件）")
    share_head = "占本期总数" if issue.total_ideas else "占比"
    rows = [["序号", "问题", "件数", share_head]]
    rows += [[str(n), t.topic, str(t.count), _share(t.count, issue.total_ideas)] for n, t in enumerate(topics, 1)]
    w.add_table(rows, (16.0, 84.0, 24.0, 32.0), caption="表1  群众反映较集中的问题")
    for n, topic in enumerate([t for t in topics if t.summary.strip()], start=1):
        w.add_heading(f"（{cn_number(n)}）{topic.topic}（{topic.count}件）", 2)
        w.add_paragraph(_sentence(topic.summary))


def _ideas(w: Writer, issue: PeriodicalIssue) -> None:
    w.add_heading(SECTION_IDEAS, 1)
    if not issue.ideas:
        w.add_paragraph("本期无选编的群众“金点子”。")
        return
    w.add_paragraph(f"本期选编群众“金点子”{len(issue.ideas)}条。")
    for n, idea in enumerate(issue.ideas, start=1):
        w.add_heading(f"（{cn_number(n)}）{idea.title}", 2)
        if idea.summary.strip():
            w.add_paragraph(_sentence(idea.summary))
        status = f"办理情况：{_sentence(idea.status)}" if idea.status.strip() else ""
        w.add_paragraph(f"提出者：{idea.contributor.display()}。{status}")


def _count_table(w: Writer, label: str, rows: Sequence[CountRow]) -> None:
    table = [[label, "件数"]] + [[r.label, str(r.count)] for r in rows]
    table.append(["合计", str(sum(r.count for r in rows))])
    w.add_table(table, (96.0, 40.0))


def _work(w: Writer, issue: PeriodicalIssue) -> None:
    w.add_heading(SECTION_WORK, 1)
    for text in issue.work.highlights:
        if text.strip():
            w.add_paragraph(_sentence(text))
    w.add_paragraph(f"{period_text(issue)}，“百姓提案”工作情况统计如下。")
    for n, (field, label) in enumerate(WORK_TABLES, start=1):
        w.add_heading(f"（{cn_number(n)}）按{label}统计", 2)
        rows: list[CountRow] = getattr(issue.work, field)
        if rows:
            _count_table(w, label, rows)
        else:
            w.add_paragraph("本期无数据。")


def _record(w: Writer, issue: PeriodicalIssue) -> None:
    lines = [f"报：{issue.report_to}"] if issue.report_to.strip() else []
    if issue.distribute_to.strip():
        lines.append(f"发：{issue.distribute_to}")
    lines.append(f"{issue.editor}{'　' * 2}{date_text(issue.issue_date)}印发")
    w.add_record(lines)


def compose(w: Writer, issue: PeriodicalIssue) -> None:
    """Write the whole issue with ``w``: masthead, 编者按, the three sections, 版记."""
    _masthead(w, issue)
    if issue.editor_note.strip():
        w.add_paragraph(f"编者按：{issue.editor_note.strip()}", role="heading2")
    _topics(w, issue)
    _ideas(w, issue)
    _work(w, issue)
    _record(w, issue)


def title_of(issue: PeriodicalIssue) -> str:
    """《百姓提案》第16期."""
    return f"《{MASTHEAD}》第{issue.issue_no}期"


def periodical_docx(issue: PeriodicalIssue, fonts: FontSet = GBT9704_FONTS) -> bytes:
    """The issue as a .docx in the GB/T 9704 layout, ready for staff to edit."""
    doc = OfficialDocx(fonts)
    doc.set_properties(title=title_of(issue), subject=period_text(issue), author=issue.editor)
    compose(doc, issue)
    return doc.to_bytes()


def periodical_pdf(issue: PeriodicalIssue) -> bytes:
    """The issue as a PDF for printing (fonts embedded)."""
    pdf = OfficialPdf(title=title_of(issue))
    pdf.set_author(issue.editor)
    pdf.set_subject(period_text(issue))
    pdf.add_page()
    compose(pdf, issue)
    return pdf.to_bytes()

