"""Warm the hot-topics cache in a separate, low-priority process so a starting server stays responsive.

Analysing the ~6,700 shipped past items (domain + keywords) takes about 20 s of CPU the first time. Done in a
thread of the server it would hold the GIL while the first users arrive; a spawned child process writes the same
cache file (``<data_dir>/cache/staff-topics.json``) that the server then reads.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger("baixing.cli")


def _warm(settings: Settings) -> None:
    from assistant.accounts import LOCAL_OPERATOR
    from assistant.container import Container

    with contextlib.suppress(OSError):
        os.nice(10)
    try:
        Container(settings).staff.hot.analysed(LOCAL_OPERATOR)
    except Exception:  # a failed warm-up only means the first staff request computes it
        log.warning("hot-topics warm-up failed", exc_info=True)


def start_hot_topics_warmup(settings: Settings) -> multiprocessing.process.BaseProcess:
    """Start the warm-up child (daemon: it ends with the server) and return it."""
    process = multiprocessing.get_context("spawn").Process(
        target=_warm, args=(settings,), name="warm-hot-topics", daemon=True
    )
    process.start()
    return process
