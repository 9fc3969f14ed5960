"""Turn archive rows into retrieval documents through a column mapping."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from retrieval.articles import split_articles
from retrieval.documents import DocKind, Document

ARCHIVE_KINDS: dict[str, DocKind] = {"proposals": "proposal", "policies": "policy", "items": "item"}

FIELDS = ("id", "title", "text", "time", "region", "reply", "article", "unit")
"""Canonical fields a column can be mapped to; every other column is kept in ``meta``."""

DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "留言编号", "提案编号", "案号", "序号"),
    "title": ("title", "标题", "题目", "主题", "留言主题", "提案标题", "案由", "名称", "法规名称"),
    "text": ("text", "content", "body", "内容", "正文", "留言详情", "提案内容", "详情", "全文", "条文"),
    "time": ("time", "date", "year", "时间", "日期", "年份", "留言时间", "提交时间", "立案时间", "发布日期"),
    "region": ("region", "地区", "区域", "所属区"),
    "reply": ("reply", "答复", "答复意见", "办理结果", "办复情况", "办理情况"),
    "article": ("article", "条", "条款", "条号"),
    "unit": ("unit", "承办单位", "主办单位"),
}

_YEAR_RE = re.compile(r"(19|20)\d{2}")


class RowProblem(ValueError):
    """A row that cannot become a document; the message is shown to the user with the line number."""


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``["title=提案标题", "text=正文"]`` -> ``{"title": "提案标题", "text": "正文"}``."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise ValueError(f"列映射「{pair}」应写成 字段=列名，例如 title=提案标题")
        if field not in FIELDS:
            raise ValueError(f"未知字段「{field}」，可用字段：{', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Canonical field -> column name, from the explicit mapping first, then the known aliases."""
    present = list(columns)
    lowered = {c.lower(): c for c in present}
    resolved: dict[str, str] = {}
    for field in FIELDS:
        if field in mapping:
            resolved[field] = mapping[field]
            continue
        for alias in DEFAULT_ALIASES[field]:
            if alias.lower() in lowered:
                resolved[field] = lowered[alias.lower()]
                break
    return resolved


def cell_text(cells: Mapping[str, Any], column: str | None) -> str:
    """The stripped text of a row's cell (whole floats such as 13800138000.0 written as integers)."""
    if column is None:
        return ""
    value = cells.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(value: Any) -> int | None:
    if isinstance(value, datetime | date):
        return value.year
    match = _YEAR_RE.search(str(value))
    return int(match.group(0)) if match else None


def _stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}-{digest}"


def row_to_documents(
    cells: Mapping[str, Any], columns: Mapping[str, str], kind: DocKind, source: str
) -> list[Document]:
    """One row -> one document (items, proposals, single articles) or one per article (whole policies)."""
    title = cell_text(cells, columns.get("title"))
    text = cell_text(cells, columns.get("text"))
    if not title and not text:
        raise RowProblem("标题和内容都为空")
    if not text:
        raise RowProblem("内容为空（请检查列映射 text=列名）")
    if not title:
        title = text[:30]
    raw_time = cells.get(columns["time"]) if "time" in columns else None
    year = _year(raw_time) if raw_time not in (None, "") else None
    if raw_time not in (None, "") and year is None:
        raise RowProblem(f"无法从时间「{raw_time}」中识别年份")
    row_id = cell_text(cells, columns.get("id"))
    used = set(columns.values())
    meta = {k: str(v) for k, v in cells.items() if k not in used and v not in (None, "")}
    if raw_time not in (None, ""):
        meta["time"] = str(raw_time)
    unit = cell_text(cells, columns.get("unit"))
    if unit:
        meta["unit"] = unit
    common: dict[str, Any] = {
        "title": title,
        "year": year,
        "region": cell_text(cells, columns.get("region")) or None,
        "source": source,
        "meta": meta,
    }
    prefix = {"item": "item", "proposal": "proposal", "policy": "policy"}[kind]
    base_id = f"{prefix}-{row_id}" if row_id else _stable_id(prefix, title, text)
    if kind != "policy":
        reply = cell_text(cells, columns.get("reply")) or None
        return [Document(doc_id=base_id, kind=kind, text=text, reply=reply, **common)]
    article = cell_text(cells, columns.get("article"))
    if article:
        return [Document(doc_id=f"{base_id}#{article}", kind=kind, text=text, article=article, **common)]
    articles = split_articles(text)
    if not articles:
        return [Document(doc_id=base_id, kind=kind, text=text, **common)]
    docs = []
    for part in articles:
        meta_part = {**meta, **({"chapter": part.chapter} if part.chapter else {})}
        docs.append(
            Document(
                doc_id=f"{base_id}#{part.label}",
                kind=kind,
                text=part.text,
                article=part.label,
                **{**common, "meta": meta_part},
            )
        )
    return docs
