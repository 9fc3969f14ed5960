"""Mixed texts: a personal grievance inside an idea becomes at most context, and its redress is pointed to the
right channel (the screening catalogue ``corpus/catalogues/channels.yaml``) beside the draft."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.cultivation.catalogue import DraftingCatalogue, catalogue_file
from assistant.cultivation.models import ChannelPointer
from assistant.screening.channels import CHANNELS_FILE, ChannelCatalogue, load_channels
from assistant.screening.cues import category_scores, extract, general_suggestions

_FIRST_PERSON = re.compile(r"我|本人|俺")


@lru_cache(maxsize=1)
def _channels() -> ChannelCatalogue:
    return load_channels(catalogue_file(CHANNELS_FILE))


def grievance_category(sentence: str, catalogue: DraftingCatalogue) -> str | None:
    """The excluded category (投诉, 民事纠纷…) when ``sentence`` is a personal grievance, else None.

    A sentence is a grievance when the screening cues find a counterparty, a sum owed, a plea for one's own case
    or a legal matter, or when a first-person sentence tells of being wronged (被…骂/撞, 缺斤少两, 不退…); a
    sentence that proposes something general is never one.
    """
    if general_suggestions(sentence):
        return None
    cues = extract(sentence)
    kinds = {c.kind for c in cues}
    wanted = set(catalogue.raw.get("grievance_kinds", ()))
    wronged = bool(_FIRST_PERSON.search(sentence)) and bool(re.search(catalogue.raw["grievance_words"], sentence))
    if not (kinds & wanted or wronged):
        return None
    scores = category_scores(cues)
    return max(scores, key=lambda k: scores[k]) if scores else "投诉"


def channel_for(category: str, text: str, matter: str) -> ChannelPointer:
    """Where the citizen can take the personal matter."""
    redirect = _channels().route(category, text)
    return ChannelPointer(matter=matter, category=category, channel=redirect.channel, purpose=redirect.purpose,
                          how=redirect.how)


def strip_demands(sentence: str, catalogue: DraftingCatalogue) -> str:
    """The grievance without the clauses that only ask for one's own case to be handled."""
    demand = re.compile(catalogue.raw["grievance_demands"])
    clauses = re.split(r"(?<=[，,；;])", sentence.rstrip("。！？"))
    kept = [c for c in clauses if not (demand.search(c) and len(demand.sub("", c).strip("，,；; ")) <= 6)]
    return "".join(kept).rstrip("，,；; ")
