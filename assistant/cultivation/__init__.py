"""Cultivation: guided questions, standard-format (附件1) drafts, member polishing, DOCX/Markdown export.

The names below are loaded on first use, so ``baixing`` subcommands that do not draft start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ChannelPointer": "models",
    "ClaimReport": "claims",
    "ContextReference": "models",
    "DraftRequest": "models",
    "Evidence": "claims",
    "InputNormaliser": "normalize",
    "Reference": "models",
    "check_claims": "claims",
    "enforce_claims": "claims",
    "extract_personal_data": "privacy",
    "from_hit": "references",
    "from_hits": "references",
    "Attribution": "models",
    "CultivationService": "service",
    "DraftProposal": "models",
    "OfflineDrafter": "engine",
    "Proposer": "models",
    "Question": "models",
    "SessionState": "models",
    "Source": "models",
    "enforce": "validator",
    "validate": "validator",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
