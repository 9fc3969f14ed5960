"""Gap analysis: which elements of a good proposal the idea lacks, and at most three questions about them."""

from __future__ import annotations

from collections.abc import Mapping

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.models import Question

ELEMENTS = ("problem", "affected", "evidence", "cause", "policy", "suggestion")


def present_elements(text: str, catalogue: DraftingCatalogue | None = None) -> set[str]:
    """Elements the text already covers (every pattern of an element must match)."""
    catalogue = catalogue or load_catalogue()
    return {
        name
        for name, patterns in catalogue.element_patterns.items()
        if all(p.search(text) for p in patterns)
    }


def missing_elements(
    text: str, answers: Mapping[str, str] | None = None, catalogue: DraftingCatalogue | None = None
) -> list[str]:
    """Missing elements in asking order; an element with a non-empty answer counts as present."""
    catalogue = catalogue or load_catalogue()
    answered = {k for k, v in (answers or {}).items() if v and v.strip()}
    present = present_elements(text, catalogue) | answered
    return [e for e in catalogue.question_order if e not in present]


def questions_for(
    text: str,
    answers: Mapping[str, str] | None = None,
    catalogue: DraftingCatalogue | None = None,
    asked: set[str] | None = None,
) -> list[Question]:
    """At most ``max_questions`` targeted questions; elements already asked (and skipped) come last."""
    catalogue = catalogue or load_catalogue()
    missing = missing_elements(text, answers, catalogue)
    asked = asked or set()
    ordered = [e for e in missing if e not in asked] + [e for e in missing if e in asked]
    return [
        Question(element=e, text=catalogue.element_questions[e])  # type: ignore[arg-type]
        for e in ordered[: catalogue.max_questions]
    ]
