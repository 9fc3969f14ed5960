"""Merging a redraft into the draft the citizen edited: the citizen's words stay, the redraft only adds.

A redraft is written from the idea and the answers, so it knows nothing of the citizen's hand edits. When the
draft on screen differs from the one the assistant last wrote, the citizen's title and points are kept as they
are and only the points the redraft added (absent from the draft it last wrote and from the edited one) are
appended; nothing the citizen typed is dropped or reworded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from assistant.cultivation.models import DraftProposal
from assistant.cultivation.segment import strip_numbering

KEPT_NOTE = "您修改过的标题和条目已原样保留；根据您的回答新增的内容附在各部分末尾，请检查。"


class RedraftMerge(BaseModel):
    """The draft after merging a redraft into the citizen's edits, and what changed."""

    draft: DraftProposal
    kept_edits: bool = Field(description="The citizen had edited the draft and their text was kept.")
    added: list[str] = Field(default_factory=list, description="Points the redraft added to the edited draft.")


def _key(point: str) -> str:
    return re.sub(r"\s+", "", strip_numbering(point)).strip("。；;，, ")


def _new_points(written: Sequence[str], before: Sequence[str], edited: Sequence[str]) -> list[str]:
    seen = {_key(p) for p in (*before, *edited)}
    out: list[str] = []
    for point in written:
        key = _key(point)
        if key and key not in seen:
            seen.add(key)
            out.append(point)
    return out


def merge_redraft(edited: DraftProposal, written: DraftProposal, before: DraftProposal | None) -> RedraftMerge:
    """``written`` (the redraft) merged into ``edited`` (the draft on screen), given ``before`` (the draft the
    assistant last wrote, or None when unknown — then any difference counts as an edit).

    Without edits the redraft replaces the draft. With edits: the edited title and points are kept verbatim,
    and the redraft's new points are appended to each section.
    """
    reference = before or written
    edited_fields = (edited.title, list(edited.analysis), list(edited.suggestions))
    if before is not None and edited_fields == (before.title, list(before.analysis), list(before.suggestions)):
        return RedraftMerge(draft=written, kept_edits=False)
    analysis_added = _new_points(written.analysis, reference.analysis, edited.analysis)
    suggestions_added = _new_points(written.suggestions, reference.suggestions, edited.suggestions)
    merged = written.model_copy(update={
        "title": edited.title,
        "analysis": [*edited.analysis, *analysis_added],
        "suggestions": [*edited.suggestions, *suggestions_added],
        "notes": [*written.notes, KEPT_NOTE],
    })
    return RedraftMerge(draft=merged, kept_edits=True, added=[*analysis_added, *suggestions_added])
