"""A draft as plain text (the v1 prompt's shape) and back: for streamed model text, pasted drafts and diffs."""

from __future__ import annotations

import difflib
import json
import re

from assistant.cultivation.models import DraftProposal
from assistant.cultivation.segment import strip_numbering
from assistant.cultivation.validator import numbered

ANALYSIS_HEAD = "一、情况分析"
SUGGESTIONS_HEAD = "二、具体建议"
REMARKS_HEAD = "备注"

_TITLE = re.compile(r"^关于.{1,80}的[“\"]?百姓提案[”\"]?$")
_LABELLED_TITLE = re.compile(r"^(?:标题|title)\s*[:：]\s*(.+)$", re.IGNORECASE)
_HEADS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("analysis", re.compile(r"^(?:[一二三]、)?\s*(?:情况分析|analysis)(?:（[^）]*）)?\s*[:：]?\s*(.*)$", re.I)),
    ("suggestions", re.compile(r"^(?:[一二三]、)?\s*(?:具体建议|suggestions)(?:（[^）]*）)?\s*[:：]?\s*(.*)$", re.I)),
    ("remarks", re.compile(r"^(?:[一二三四]、)?\s*(?:备注|remarks)\s*[:：]?\s*(.*)$", re.I)),
)
_FENCE = re.compile(r"^```[a-z]*\s*|\s*```$", re.IGNORECASE)


def render_text(draft: DraftProposal, remarks: bool = False) -> str:
    """Title, then 一、情况分析 and 二、具体建议 as numbered points (and 备注 when asked)."""
    lines = [draft.title, ANALYSIS_HEAD, *numbered(draft.analysis), SUGGESTIONS_HEAD, *numbered(draft.suggestions)]
    if remarks:
        lines += [REMARKS_HEAD, draft.remarks or "（无）"]
    return "\n".join(lines)


def _from_json(text: str) -> DraftProposal | None:
    body = _FENCE.sub("", text.strip())
    if not body.startswith("{"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    analysis, suggestions = data.get("analysis"), data.get("suggestions")
    if not isinstance(analysis, list) or not isinstance(suggestions, list):
        return None
    return DraftProposal(title=str(data.get("title") or ""), analysis=[str(x) for x in analysis],
                         suggestions=[str(x) for x in suggestions])


def parse_draft_text(text: str) -> DraftProposal | None:
    """A draft from text with a title and 情况分析 / 具体建议 sections (or the same as JSON); None otherwise.

    Each non-empty line under a section is one point (leading numbers removed).
    """
    parsed = _from_json(text)
    if parsed is not None:
        return parsed
    title = ""
    sections: dict[str, list[str]] = {"analysis": [], "suggestions": [], "remarks": []}
    current: str | None = None
    seen: set[str] = set()
    for raw in text.replace("\r", "\n").split("\n"):
        line = raw.strip().strip("*#").strip()
        if not line:
            continue
        labelled = _LABELLED_TITLE.match(line)
        if labelled or (not title and _TITLE.match(line)):
            title, current = (labelled.group(1) if labelled else line).strip(), None
            continue
        head = next(((key, m) for key, pattern in _HEADS if (m := pattern.match(line))), None)
        if head is not None and len(line) <= 40:
            current = head[0]
            seen.add(current)
            rest = head[1].group(1).strip()
            if rest:
                sections[current].append(rest)
            continue
        if current is None:
            if not title and not seen:
                title = line
            continue
        point = strip_numbering(line)
        if point:
            sections[current].append(point)
    if not ({"analysis", "suggestions"} & seen):
        return None
    return DraftProposal(title=title, analysis=sections["analysis"], suggestions=sections["suggestions"],
                         remarks=" ".join(sections["remarks"]))


def diff_text(before: DraftProposal, after: DraftProposal, before_label: str, after_label: str) -> str:
    """A unified diff of two drafts' texts (title, sections, remarks)."""
    a = render_text(before, remarks=True).splitlines()
    b = render_text(after, remarks=True).splitlines()
    return "\n".join(difflib.unified_diff(a, b, before_label, after_label, lineterm="", n=1))
