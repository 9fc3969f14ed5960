"""Export a draft in the official table layout of 附件1 (.docx, .pdf) or Markdown; import a .docx back.

The layout itself lives in ``assistant.documents.proposal_form``; this module maps drafts to it and reads
files back (old US-Letter exports and new GB/T 9704 ones carry the same labels).
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document

from assistant.cultivation.models import DraftProposal, Proposer
from assistant.cultivation.segment import strip_numbering
from assistant.cultivation.validator import numbered
from assistant.documents.layout import GBT9704_FONTS, FontSet
from assistant.documents.models import ProposalForm
from assistant.documents.proposal_form import FORM_TITLE, LABELS, form_docx, form_pdf
from assistant.errors import InputError
from assistant.security.archives import check_docx

__all__ = ["FORM_TITLE", "LABELS", "export_docx", "export_markdown", "export_pdf", "import_docx", "proposal_form"]

MAX_DOCX_BYTES = 10 * 1024 * 1024


def proposal_form(draft: DraftProposal) -> ProposalForm:
    """The fields of 附件1 filled from a draft (points numbered 1. 2. …)."""
    p = draft.proposer
    return ProposalForm(title=draft.title, analysis=numbered(draft.analysis), suggestions=numbered(draft.suggestions),
                        name=p.name, occupation=p.occupation, phone=p.phone, address=p.address, remarks=draft.remarks)


def export_docx(draft: DraftProposal, fonts: FontSet = GBT9704_FONTS) -> bytes:
    """The draft as a Word file in the 附件1 table layout on a GB/T 9704 page (A4, 仿宋_GB2312 三号)."""
    return form_docx(proposal_form(draft), fonts)


def export_pdf(draft: DraftProposal) -> bytes:
    """The draft as a PDF in the same layout, with embedded Chinese fonts."""
    return form_pdf(proposal_form(draft))


def export_markdown(draft: DraftProposal) -> str:
    """The draft as Markdown (same fields and order as the form)."""
    p = draft.proposer
    lines = [f"# {FORM_TITLE}", "", "| | | | |", "|---|---|---|---|",
             f"| {LABELS['name']} | {p.name} | {LABELS['occupation']} | {p.occupation} |",
             f"| {LABELS['phone']} | {p.phone} | {LABELS['address']} | {p.address} |", "",
             f"## {LABELS['title']}", "", draft.title, "", f"## {LABELS['analysis']}", ""]
    lines += numbered(draft.analysis)
    lines += ["", f"## {LABELS['suggestions']}", "", *numbered(draft.suggestions)]
    lines += ["", f"## {LABELS['remarks']}", "", draft.remarks or "（无）", ""]
    if draft.sources:
        lines += ["---", ""]
        for s in draft.sources:
            reply = f"（答复：{s.reply_summary}）" if s.reply_summary else ""
            lines.append(f"- {s.used_for}：{s.citation}{reply}")
        lines.append("")
    return "\n".join(lines)


def _points(lines: list[str]) -> list[str]:
    out = [strip_numbering(x) for x in lines]
    return [x for x in out if x.strip()]


def _fields(doc: Any) -> dict[str, list[str]]:
    """The 附件1 fields of a Word document: its table rows, else headed paragraphs."""
    fields: dict[str, list[str]] = {}
    for table in doc.tables:
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell)
            texts = [[p.text.strip() for p in c.paragraphs if p.text.strip()] for c in cells]
            _read_row(texts, fields)
    if "title" not in fields:
        _read_paragraphs([p.text.strip() for p in doc.paragraphs if p.text.strip()], fields)
    return fields


def import_docx(data: bytes) -> DraftProposal:
    """Read a draft back from a .docx (the 附件1 table, or headed paragraphs); InputError when unreadable."""
    if not data:
        raise InputError("上传的 Word 文件是空的。", "empty docx")
    if len(data) > MAX_DOCX_BYTES:
        raise InputError("Word 文件太大（超过 10 MB），请只保留提案正文后再上传。", f"{len(data)} bytes")
    check_docx(data)  # zip-bomb guard: bounded parts, total size and ratios before python-docx parses
    try:
        doc = Document(io.BytesIO(data))
        fields = _fields(doc)
    except InputError:
        raise
    except Exception as exc:  # any malformed part (no <w:body>, broken tables…) is the user's file, not our bug
        raise InputError("无法读取该文件：请上传 Word 2007 及以上版本保存的 .docx 文件（不支持 .doc 或损坏的文件）。",
                         f"{type(exc).__name__}: {exc}") from exc
    if "title" not in fields and "analysis" not in fields and "suggestions" not in fields:
        raise InputError("没有在文件中找到“百姓提案”的标题、情况分析或具体建议，请使用附件1 标准格式。", "no fields")
    one = lambda k: " ".join(fields.get(k, [])).strip()  # noqa: E731
    return DraftProposal(
        title=one("title"),
        analysis=_points(fields.get("analysis", [])),
        suggestions=_points(fields.get("suggestions", [])),
        proposer=Proposer(name=one("name"), occupation=one("occupation"), phone=one("phone"), address=one("address")),
        remarks=one("remarks"),
    )


def _key_of(label: str) -> tuple[str | None, str]:
    for key in ("name", "occupation", "phone", "address"):
        bare = LABELS[key].rstrip("：")
        if label.startswith(bare):
            return key, label[len(bare):].lstrip("：:").strip()
    for key, prefix in (("title", "标题"), ("analysis", "情况分析"), ("suggestions", "具体建议"), ("remarks", "备注")):
        if label.startswith(prefix):
            return key, ""
    return None, ""


def _read_row(texts: list[list[str]], fields: dict[str, list[str]]) -> None:
    i = 0
    while i < len(texts):
        label = texts[i][0] if texts[i] else ""
        key, inline = _key_of(label)
        if key is None:
            i += 1
            continue
        if inline:
            fields[key] = [inline]
            i += 1
        elif key == "remarks" and len(texts[i]) > 1 and i + 1 >= len(texts):
            fields[key] = texts[i][1:]
            i += 1
        else:
            value = texts[i + 1] if i + 1 < len(texts) else []
            if value and _key_of(value[0])[0] in ("name", "occupation", "phone", "address"):
                value = []
                i += 1
            else:
                i += 2
            fields[key] = value


def _read_paragraphs(lines: list[str], fields: dict[str, list[str]]) -> None:
    current: str | None = None
    for line in lines:
        if re.match(r"^关于.+的“百姓提案”$", line):
            fields["title"] = [line]
            current = None
            continue
        key, inline = _key_of(re.sub(r"^[一二三四五六七八九十]+、", "", line))
        if key is not None:
            current = key
            fields.setdefault(key, [inline] if inline else [])
            continue
        if current in ("analysis", "suggestions", "remarks"):
            fields[current].append(line)
