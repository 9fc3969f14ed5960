"""Member polishing: concrete edits as unified diffs to accept or reject, and novelty against past items."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.enrich import HitLike, clean_title
from assistant.cultivation.models import DraftProposal
from assistant.cultivation.normalize import InputNormaliser, protected_spans
from assistant.cultivation.segment import strip_numbering
from assistant.cultivation.validator import enforce, find_pii, trim_point


class Edit(BaseModel):
    """One suggested change of one point (``section`` is ``title``, ``analysis`` or ``suggestions``)."""

    id: str
    section: str
    index: int
    before: str
    after: str
    reason: str

    @property
    def diff(self) -> str:
        """The change as a unified diff (one line per point)."""
        label = f"{self.section}[{self.index + 1}]"
        return "\n".join(difflib.unified_diff([self.before], [self.after], label, label, lineterm=""))


class Novelty(BaseModel):
    """Duplicate check against past items: the closest ones and the suggestions that are new."""

    closest: list[tuple[str, float]]
    duplicate: bool
    new_suggestions: list[int]
    summary: str


def _same_quotes(before: str, after: str) -> bool:
    """Whether every 《title》 and quotation of ``before`` is still in ``after``, unchanged."""
    return all(before[a:b] in after for a, b in protected_spans(before))


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i : i + 2] for r in runs for i in range(len(r) - 1)}


def _overlap(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x) if x and y else 0.0


_HOLLOW = re.compile(r"(?:建议|希望)[^，。；]{0,24}?(?:尽快|及时|切实|认真|高度)?(?:解决|处理|重视|关注|落实|研究解决|"
                     r"改善|整改)(?:此事|这个问题|该问题|此问题|上述问题|一下)?。?$")
"""A suggestion that only asks for the problem to be solved (建议尽快解决): nothing a unit could act on."""
_EMPTY_QUOTE = re.compile(r"(?:规定|指出|明确)[：:]?“(?:…|\.|。|\s)*”")
"""A quotation of a source with nothing but an ellipsis in it (……规定：“……”)."""
_QUOTE_GAP = "（待补充：条文原文，或删去此引用）"


class Polisher:
    """Proposes edits a member can accept one by one; attribution, proposer and remarks are never touched."""

    def __init__(self, normaliser: InputNormaliser | None = None, catalogue: DraftingCatalogue | None = None):
        self.normaliser = normaliser or InputNormaliser()
        self.catalogue = catalogue or load_catalogue()

    def suggest(self, draft: DraftProposal, actor: str | None = None) -> list[Edit]:
        """Edits: formal register, numbering removed, who-acts added, personal data removed, over-long cut.

        Quoted text (《titles》, “quotations” of law or replies) is never edited: register changes skip it, and a
        point with a quotation is never shortened (cutting could break the quotation).
        """
        edits: list[Edit] = []
        actor = actor or (draft.units[0] if draft.units else None) or self.catalogue.actor_for(
            "".join(draft.analysis + draft.suggestions))
        for section in ("analysis", "suggestions"):
            for i, before in enumerate(getattr(draft, section)):
                after = before
                reasons: list[str] = []
                stripped = strip_numbering(after)
                if stripped != after.strip():
                    after, reasons = stripped, [*reasons, "去掉自带编号"]
                result = self.normaliser.normalise(after)
                if result.text != after and _same_quotes(after, result.text):
                    changes = "、".join(f"{a}→{b or '删去'}" for a, b in result.changes[:4])
                    reason = f"口语改为书面语（{changes}）" if changes else "规范标点和语气"
                    after, reasons = result.text, [*reasons, reason]
                if find_pii(after):
                    after = enforce(draft.model_copy(update={section: [after]}), None).model_dump()[section][0]
                    reasons.append("隐去个人信息")
                if section == "suggestions" and not self.catalogue.names_actor(after):
                    body = re.sub(r"^(建议|希望)", "", after)
                    after, reasons = f"建议{actor}{body}", [*reasons, "写明由谁来做"]
                if section == "suggestions" and _HOLLOW.search(after) and "待补充" not in after:
                    after = after.rstrip("。") + "（待补充：具体措施——做什么、做到什么程度、何时完成）。"
                    reasons.append("建议过于笼统，没有可办理的措施：请委员与提出人补充")
                if _EMPTY_QUOTE.search(after) and "待补充" not in after:
                    after = _EMPTY_QUOTE.sub(r"\g<0>" + _QUOTE_GAP, after, count=1)
                    reasons.append("引文只有省略号，无法核对：请补上条文原文或删去")
                limit = 180 if section == "analysis" else 300
                if len(after) > limit and not protected_spans(after):
                    after, reasons = trim_point(after, limit), [*reasons, f"压缩到 {limit} 字以内"]
                if after != before:
                    edits.append(Edit(id=f"{section}-{i + 1}", section=section, index=i, before=before,
                                      after=after, reason="；".join(reasons)))
        return edits

    @staticmethod
    def apply(draft: DraftProposal, edits: Iterable[Edit], accepted: Sequence[str] | None = None) -> DraftProposal:
        """The draft with the accepted edits (all when ``accepted`` is None), then the format enforced."""
        chosen = [e for e in edits if accepted is None or e.id in accepted]
        sections = {"analysis": list(draft.analysis), "suggestions": list(draft.suggestions)}
        title = draft.title
        for e in chosen:
            if e.section == "title":
                title = e.after
            elif 0 <= e.index < len(sections[e.section]) and sections[e.section][e.index] == e.before:
                sections[e.section][e.index] = e.after
        return enforce(draft.model_copy(update={"title": title, **sections}))

    @staticmethod
    def novelty(draft: DraftProposal, items: Sequence[HitLike], threshold: float = 0.6) -> Novelty:
        """How close the draft is to past items, and which suggestions go beyond what they said or got."""
        body = "".join(draft.analysis + draft.suggestions)
        scored = sorted(((h, _overlap(h.title + h.snippet, body)) for h in items), key=lambda x: -x[1])
        closest = [(clean_title(h.title), round(s, 3)) for h, s in scored[:3]]
        past = "".join(h.title + h.snippet + (h.reply or "") for h in items)
        new = [i + 1 for i, s in enumerate(draft.suggestions) if _overlap(s, past) < 0.5]
        duplicate = bool(scored) and scored[0][1] >= threshold
        head = f"与往期《{closest[0][0]}》高度相似；" if duplicate else "未发现高度重复的往期留言；"
        if new:
            tail = "建议第 " + "、".join(map(str, new)) + " 条是往期留言和答复中没有的新内容。"
        else:
            tail = "各条建议在往期留言或答复中均已出现。"
        return Novelty(closest=closest, duplicate=duplicate, new_suggestions=new, summary=head + tail)
