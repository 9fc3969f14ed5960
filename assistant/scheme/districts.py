"""Which district an idea comes from: the citizen's address first, else the first district named in the text."""

from __future__ import annotations

import re

from assistant.storage.records import IdeaRecord

GUANGZHOU_DISTRICTS = ("越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区",
                       "从化区", "增城区")
UNKNOWN = "未注明"
_MASKED = re.compile(r"(?<![A-Za-z])[A-Z]\d{1,2}(?:区|县)")
"""The masked districts and counties of the Teddy Cup messages (A3区, K4县): another city's, kept as written."""


def district_of(idea: IdeaRecord) -> str:
    """A Guangzhou district (or a masked one in the sample data) named in the address, else in the text."""
    for text in (idea.citizen.address or "", f"{idea.title or ''}\n{idea.raw_text[:500]}"):
        named = [d for d in GUANGZHOU_DISTRICTS if d in text]
        if named:
            return min(named, key=text.index)
        masked = _MASKED.search(text)
        if masked:
            return masked.group(0)
    return UNKNOWN
