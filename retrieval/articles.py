"""Split the text of a law or regulation into its articles (第X条), keeping chapter headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = "[零〇一二三四五六七八九十百千0-9]+"
ARTICLE_RE = re.compile(rf"^\s*(第{_NUM}条(?:之{_NUM})?)[\s　]*")
CHAPTER_RE = re.compile(rf"^\s*#*\s*(第{_NUM}[编章节](?:[\s　]+.*)?)$")


@dataclass(frozen=True)
class Article:
    """One article: its label (第十条), the chapter it stands in, and its text without the label."""

    label: str
    chapter: str | None
    text: str


def split_articles(text: str) -> list[Article]:
    """Articles of a statute in order; text before the first article is dropped (titles, preambles)."""
    articles: list[Article] = []
    chapter: str | None = None
    label: str | None = None
    body: list[str] = []

    def flush() -> None:
        if label is not None:
            joined = "\n".join(line for line in body if line).strip()
            if joined:
                articles.append(Article(label, chapter, joined))

    for raw in text.splitlines():
        line = raw.strip()
        chapter_match = CHAPTER_RE.match(line)
        if chapter_match and not ARTICLE_RE.match(line):
            flush()
            label, body = None, []
            chapter = re.sub(r"[\s　]+", " ", chapter_match.group(1)).strip()
            continue
        article_match = ARTICLE_RE.match(line)
        if article_match:
            flush()
            label = article_match.group(1)
            body = [line[article_match.end() :].strip()]
        elif label is not None:
            body.append(line.lstrip("#").strip())
    flush()
    return articles
