"""Export a draft in the official table layout of 附件1 (.docx) or Markdown; import a .docx back."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from assistant.cultivation.models import DraftProposal, Proposer
from assistant.cultivation.segment import strip_numbering
from assistant.cultivation.validator import numbered
from assistant.errors import InputError
from assistant.security.archives import check_docx

FORM_TITLE = "“百姓提案”"
LABELS = {
    "name": "提出者：",
    "occupation": "职业：",
    "phone": "联系电话：",
    "address": "联系地址：",
    "title": "标题",
    "analysis": "情况分析（500字以内）",
    "suggestions": "具体建议（1000字以内）",
    "remarks": "备注：如由市政协委员或参加单位代为提交的，请填写相关信息",
}
MAX_DOCX_BYTES = 10 * 1024 * 1024


def _set_cell(cell, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    cell.text = lines[0] if lines else ""
    for line in lines[1:]:
        cell.add_paragraph(line)


def export_docx(draft: DraftProposal) -> bytes:
    """The draft as a Word file in the 附件1 table layout."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(FORM_TITLE)
    run.bold = True
    run.font.size = Pt(18)
    table = doc.add_table(rows=6, cols=4)
    table.style = "Table Grid"
    p = draft.proposer
    for row, (k1, v1, k2, v2) in enumerate((("name", p.name, "occupation", p.occupation),
                                             ("phone", p.phone, "address", p.address))):
        cells = table.rows[row].cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = LABELS[k1], v1, LABELS[k2], v2
    for row, key, lines in (
        (2, "title", [draft.title]),
        (3, "analysis", numbered(draft.analysis)),
        (4, "suggestions", numbered(draft.suggestions)),
        (5, "remarks", [draft.remarks] if draft.remarks else [""]),
    ):
        cells = table.rows[row].cells
        cells[0].text = LABELS[key]
        merged = cells[1].merge(cells[3])
        _set_cell(merged, lines)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


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


def import_docx(data: bytes) -> DraftProposal:
    """Read a draft back from a .docx (the 附件1 table, or headed paragraphs); InputError when unreadable."""
    if not data:
        raise InputError("上传的 Word 文件是空的。", "empty docx")
    if len(data) > MAX_DOCX_BYTES:
        raise InputError("Word 文件太大（超过 10 MB），请只保留提案正文后再上传。", f"{len(data)} bytes")
    check_docx(data)  # zip-bomb guard: bounded parts, total size and ratios before python-docx parses
    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError("无法读取该文件：请上传 Word 2007 及以上版本保存的 .docx 文件（不支持 .doc 或损坏的文件）。",
                         f"{type(exc).__name__}: {exc}") from exc
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
