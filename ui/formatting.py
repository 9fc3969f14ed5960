"""Turn typed core results into Markdown for the page; no business rule lives here."""

from __future__ import annotations

import html
import re

from retrieval.documents import Hit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|>~])")


def escape_md(text: str) -> str:
    """Escape Markdown and HTML so user or corpus text shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _snippet(snippet: str) -> str:
    """Escape a snippet and render its 【matched terms】 in bold."""
    escaped = escape_md(snippet.replace("】【", ""))
    return escaped.replace("【", "**").replace("】", "**")


def hits_markdown(hits: list[Hit], empty: str) -> str:
    """A numbered list of hits with citation, snippet and (for items) the government's reply."""
    if not hits:
        return f"_{empty}_"
    lines: list[str] = []
    for rank, hit in enumerate(hits, start=1):
        lines.append(f"{rank}. **{escape_md(hit.citation)}**　<small>相关度 {hit.score:.3f}</small>")
        lines.append(f"    {_snippet(hit.snippet)}")
        if hit.reply:
            reply = hit.reply if len(hit.reply) <= 200 else hit.reply[:200] + "……"
            lines.append(f"    > 答复：{escape_md(reply)}")
    return "\n".join(lines)
