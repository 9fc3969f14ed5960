"""Colloquial → formal register (kept for older callers): a thin view of :class:`InputNormaliser`, so there is one
normaliser — whole jieba words only, quotations and 《titles》 untouched."""

from __future__ import annotations

from collections.abc import Mapping

from assistant.cultivation.normalize import InputNormaliser


class RegisterNormaliser:
    """Rewrites citizen phrasing into the formal register of a proposal."""

    def __init__(self, phrases: Mapping[str, str] | None = None) -> None:
        self._inner = InputNormaliser(phrases=phrases)
        self.phrases = self._inner.phrases

    def normalise(self, text: str) -> str:
        """The text simplified, in Mandarin and in formal register."""
        return self._inner.normalise_text(text)

    def changes(self, text: str) -> list[tuple[str, str]]:
        """(colloquial, formal) pairs that :meth:`normalise` applies to ``text``."""
        return self._inner.normalise(text).changes
