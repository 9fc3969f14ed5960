"""Build the shipped corpus (``corpus/data/*.jsonl.gz``) from the shared real data.

Usage: ``uv run python corpus/build.py [--shared PATH] [--out PATH]``.

Standard library only. The output is deterministic: records are sorted, JSON is written with a fixed key
order, and the gzip header carries no file name and no timestamp, so re-running on the same input gives
byte-identical files. See ``corpus/README.md`` for the fields, the selection rules and the sources.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "corpus" / "data"

TEDDY = "data/teddy2020c"
LAWS = "data/lawrefbook"

# Policy selection --------------------------------------------------------------------------------------
NATIONAL_CATEGORIES: frozenset[str] = frozenset(
    {
        "宪法",
        "宪法相关法",
        "行政法",
        "经济法",
        "社会法",
        "民法商法",
        "民法典",
        "诉讼与非诉讼程序法",
        "行政法规",
        "部门规章",
    }
)
"""National categories kept whole (司法解释, 案例, 刑法 and 其他 are left out)."""

EXTRA_TITLE_PATTERN = re.compile(r"信访(工作)?条例|12345")
"""Local regulations from outside Guangdong that scope screening needs (信访条例, 12345 hotlines)."""

EXCLUDED_TITLE_PATTERN = re.compile(r"修正案")
"""Amendment instruments (e.g. 宪法修正案) only edit another text; the consolidated law is kept instead."""

DROPPED_LAWS = Path(__file__).resolve().parent / "policy_laws_dropped.txt"
"""law_ids left out of the policy corpus (written by ``corpus/select_laws.py``: laws no past citizen message
is about); no file, or a law not listed, means kept."""

SCHEME_TITLE = "广州市政协“百姓提案”工作方案"
SCHEME_LAW_ID = "gzzx-baixing-2022"

# Text helpers ------------------------------------------------------------------------------------------
_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇一二两三四五六七八九十百千"

ARTICLE_RE = re.compile(rf"^第([{_CN_NUM}－]+)条(之[一二三四五六七八九十]+)?(?:[\s\u3000]+|$)")
"""An article label at the start of a line: 第十条, 第一百零二条, 第十条之一 (then a space or end of line)."""

_WS_RE = re.compile(r"[ \t\u3000\xa0\u2002\u2003\u200b\ufeff]+")


def cn_to_int(numeral: str) -> int:
    """Convert a Chinese numeral (up to the thousands) to an int: 一百零二 -> 102, 十三 -> 13."""
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return total + current


def clean_text(text: str | None) -> str:
    """Collapse horizontal whitespace, strip every line and drop empty lines."""
    if not text:
        return ""
    text = text.replace("_x000D_", "\n")  # Excel's escaped carriage return, left in the replies set
    lines = (_WS_RE.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def clean_title(text: str | None) -> str:
    """A one-line title with collapsed whitespace."""
    return " ".join(clean_text(text).split())


def norm_exact(text: str) -> str:
    """Normalisation for exact-duplicate detection: NFKC, lower case, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def norm_loose(text: str) -> str:
    """Normalisation for overlap with the labelled sets: NFKC, lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def parse_time(value: str | None) -> str | None:
    """'2019/2/28 11:25:05' or '2019-01-20 12:00:00' -> ISO 8601; a bare date -> 'YYYY-MM-DD'."""
    if not value or not str(value).strip():
        return None
    raw = str(value).strip().replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(raw, fmt).isoformat()
        except ValueError:
            pass
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date().isoformat()
    except ValueError:
        return None


_REGION_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z])\d*(?:市|县|区)")


def masked_region(title: str, text: str) -> str | None:
    """The masked city of a message ('A3区' -> 'A市'), from the title first, else the text; or 西地省."""
    for source in (title, text):
        match = _REGION_RE.search(source)
        if match:
            return f"{match.group(1)}市"
    if "西地省" in title or "西地省" in text:
        return "西地省"
    return None


# IO ----------------------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """All records of a UTF-8 JSONL file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl_gz(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as gzip JSONL with no name and mtime 0 in the header (byte-reproducible)."""
    buf = io.BytesIO()
    count = 0
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        for rec in records:
            gz.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            gz.write(b"\n")
            count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)
    return count


# Labelled sets -----------------------------------------------------------------------------------------
@dataclass
class Labelled:
    """Normalised titles and texts of all labelled messages (for overlap checks)."""

    titles: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    test_titles: set[str] = field(default_factory=set)
    test_texts: set[str] = field(default_factory=set)

    def contains(self, title: str, text: str) -> bool:
        """Whether a message's title or text also appears among the labelled messages."""
        t, x = norm_loose(title), norm_loose(text)
        return bool((t and t in self.titles) or (x and x in self.texts))


def build_labelled(teddy: Path) -> tuple[dict[str, list[dict[str, Any]]], Labelled]:
    """The labelled titles, texts, full rows and taxonomy in the project's form, plus overlap sets."""
    titles_raw = read_jsonl(teddy / "messages_titles_labelled.jsonl")
    texts_raw = read_jsonl(teddy / "messages_texts_labelled.jsonl")
    full_raw = read_jsonl(teddy / "messages_full_rows_labelled.jsonl")
    tax_raw = read_jsonl(teddy / "label_taxonomy.jsonl")

    lab = Labelled()
    for r in titles_raw:
        key = norm_loose(r["留言主题"])
        lab.titles.add(key)
        if r["split_by_uploader"] == "test":
            lab.test_titles.add(key)
    for r in texts_raw:
        key = norm_loose(r["留言详情"])
        lab.texts.add(key)
        if "test" in r["source_file"]:
            lab.test_texts.add(key)
    for r in full_raw:
        lab.titles.add(norm_loose(r["留言主题"]))
        lab.texts.add(norm_loose(r["留言详情"]))
    lab.titles.discard("")
    lab.texts.discard("")

    titles = [
        {
            "id": f"title-{i:05d}",
            "split": r["split_by_uploader"],
            "title": clean_title(r["留言主题"]),
            "label": r["一级分类"],
            "label_id": r["label_id"],
            "test_overlap": r["split_by_uploader"] != "test" and norm_loose(r["留言主题"]) in lab.test_titles,
        }
        for i, r in enumerate(titles_raw, start=1)
    ]
    texts = []
    for i, r in enumerate(texts_raw, start=1):
        split = "test" if "test" in r["source_file"] else "dev"
        texts.append(
            {
                "id": f"text-{i:05d}",
                "split": split,
                "source_file": r["source_file"],
                "text": clean_text(r["留言详情"]),
                "label": r["一级分类"],
                "label_id": r["label_id"],
                "test_overlap": split != "test" and norm_loose(r["留言详情"]) in lab.test_texts,
            }
        )
    full = [
        {
            "id": f"full-{r['留言编号']}",
            "msg_id": r["留言编号"],
            "title": clean_title(r["留言主题"]),
            "text": clean_text(r["留言详情"]),
            "time": parse_time(r["留言时间"]),
            "label": r["一级标签"],
            "test_overlap": norm_loose(r["留言主题"]) in lab.test_titles or norm_loose(r["留言详情"]) in lab.test_texts,
        }
        for r in sorted(full_raw, key=lambda r: r["留言编号"])
    ]
    taxonomy = [
        {"id": f"tax-{i:03d}", "level1": r["一级分类"], "level2": r["二级分类"], "level3": r["三级分类"]}
        for i, r in enumerate(tax_raw, start=1)
    ]
    out = {"labelled_titles": titles, "labelled_texts": texts, "labelled_full": full, "taxonomy": taxonomy}
    return out, lab


# Items -------------------------------------------------------------------------------------------------
def _item_record(raw: dict[str, Any], source: str) -> dict[str, Any]:
    title = clean_title(raw["留言主题"])
    text = clean_text(raw["留言详情"])
    time = parse_time(raw["留言时间"])
    reply = clean_text(raw.get("答复意见")) or None
    return {
        "id": f"item-{raw['留言编号']}",
        "msg_id": raw["留言编号"],
        "source": source,
        "title": title,
        "text": text,
        "time": time,
        "year": int(time[:4]) if time else None,
        "region": masked_region(title, text),
        "reply": reply,
        "reply_time": parse_time(raw.get("答复时间")) if reply else None,
        "likes": raw.get("点赞数"),
        "opposes": raw.get("反对数"),
        "dup_ids": [],
    }


def _keep_rank(rec: dict[str, Any]) -> tuple[int, str, int]:
    """Which member of an exact-duplicate group survives: one with a reply, then the earliest, lowest id."""
    return (0 if rec["reply"] else 1, rec["time"] or "9999", rec["msg_id"])


def build_items(teddy: Path, lab: Labelled) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Past items from the replies and hot-topic sets, without labelled overlaps and exact duplicates."""
    raws = [(r, "replies") for r in read_jsonl(teddy / "messages_with_replies.jsonl")]
    raws += [(r, "hot") for r in read_jsonl(teddy / "hot_topic_messages.jsonl")]
    stats: dict[str, Any] = {"raw": Counter(src for _, src in raws), "dropped_labelled": Counter()}

    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for raw, source in raws:
        if lab.contains(raw["留言主题"], raw["留言详情"]):
            stats["dropped_labelled"][source] += 1
            continue
        rec = _item_record(raw, source)
        groups[(norm_exact(rec["title"]), norm_exact(rec["text"]))].append(rec)

    items: list[dict[str, Any]] = []
    merged = Counter()
    for members in groups.values():
        members.sort(key=_keep_rank)
        keep, rest = members[0], members[1:]
        if rest:
            keep["dup_ids"] = sorted((r["id"] for r in rest), key=lambda i: int(i.split("-")[1]))
            likes = [r["likes"] for r in members if r["likes"] is not None]
            opposes = [r["opposes"] for r in members if r["opposes"] is not None]
            keep["likes"] = sum(likes) if likes else None
            keep["opposes"] = sum(opposes) if opposes else None
            for r in rest:
                merged[r["source"]] += 1
        items.append(keep)
    items.sort(key=lambda r: r["msg_id"])
    stats["merged"] = merged
    stats["kept"] = Counter(r["source"] for r in items)
    return items, stats


# Policies ----------------------------------------------------------------------------------------------
def law_slug(title: str) -> str:
    """A short stable id for a law: the first 10 hex digits of the SHA-1 of its title."""
    return hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


def select_law(rec: dict[str, Any]) -> bool:
    """The policy selection rule (see the README)."""
    if EXCLUDED_TITLE_PATTERN.search(rec["title"]):
        return False
    if rec["region"] == "广东":
        return True
    if rec["region"] == "全国" and rec["category"] in NATIONAL_CATEGORIES:
        return True
    return bool(EXTRA_TITLE_PATTERN.search(rec["title"]))


def _first_article_number(text: str) -> int:
    for line in text.split("\n"):
        m = ARTICLE_RE.match(line.lstrip("#").strip())
        if m:
            return cn_to_int(m.group(1).replace("－", "一"))
    return 0


def current_versions(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """One current law per title: the undated version, else the latest version_date.

    Records sharing the title and the current date are either the same law filed under two categories
    (same first article: keep the longest text) or parts of one law filed separately (the 民法典 编s:
    merged in article order, each part's name kept as a ``part`` for the chapter path).
    Returns the laws and how many superseded versions were dropped.
    """
    by_title: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        by_title[rec["title"]].append(rec)
    laws: list[dict[str, Any]] = []
    superseded = 0
    for title in sorted(by_title):
        versions = by_title[title]
        undated = [r for r in versions if not r["version_date"]]
        if undated:
            current = undated
        else:
            latest = max(r["version_date"] for r in versions)
            current = [r for r in versions if r["version_date"] == latest]
        superseded += len({r["version_date"] for r in versions}) - 1
        by_first: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in current:
            by_first[_first_article_number(r["text"])].append(r)
        parts = [
            sorted(group, key=lambda r: (-len(r["text"]), r["category"], r["id"]))[0]
            for _, group in sorted(by_first.items())
        ]
        base = dict(parts[0])
        if len(parts) > 1:
            base["parts"] = [(Path(p["id"]).stem, p["text"]) for p in parts]
            base["category"] = sorted(p["category"] for p in parts)[0]
        laws.append(base)
    return laws, superseded


def law_region(rec: dict[str, Any]) -> str:
    """全国 for national laws; otherwise the city or province the title names (广州, 深圳, 广东, 济南…)."""
    if rec["region"] == "全国":
        return "全国"
    title = rec["title"]
    m = re.match(r"^(.{2,3}?)(?:市|经济特区)", title)
    if m and not title.startswith(("广东省", "河南省", "山东省", "浙江省")):
        return m.group(1)
    m = re.match(r"^(.{2,3}?)省", title)
    if m:
        return m.group(1)
    return rec["region"]


def law_year(rec: dict[str, Any]) -> int | None:
    """Year of the version: from version_date, else the latest year named in the meta header."""
    if rec.get("version_date"):
        return int(rec["version_date"][:4])
    years = [int(y) for y in re.findall(r"(\d{4})年", rec.get("meta") or "")]
    return max(years) if years else None


def split_articles(text: str, part: str | None = None) -> Iterator[tuple[str, str | None, str]]:
    """Yield (article label, chapter path, article text) for every 第X条 of a law's markdown text.

    Headings (``## 第一章 总则``, ``### 第一节 …``) form the chapter path; text before the first article
    (preambles, tables of contents) is skipped, and so are articles with an empty body.
    """
    headings: dict[int, str] = {}
    label: str | None = None
    chapter: str | None = None
    body: list[str] = []

    def flush() -> Iterator[tuple[str, str | None, str]]:
        joined = "\n".join(body).strip()
        if label and joined:
            yield label, chapter, joined

    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        heading_level = len(line) - len(line.lstrip("#"))
        content = line.lstrip("#").strip()
        m = ARTICLE_RE.match(content)
        if m:
            yield from flush()
            numeral = m.group(1).replace("－", "一")
            label = f"第{numeral}条{m.group(2) or ''}"
            path = [headings[k] for k in sorted(headings)]
            if part:
                path.insert(0, part)
            chapter = " / ".join(path) or None
            body = [content[m.end() :].strip()]
            continue
        if heading_level:
            for k in [k for k in headings if k >= heading_level]:
                del headings[k]
            if content:
                headings[heading_level] = " ".join(content.split())
            continue
        if label:
            body.append(content)
    yield from flush()


def build_policies(laws_dir: Path, scheme_path: Path | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Articles of the selected current laws, plus the sections of the 百姓提案 scheme."""
    national = read_jsonl(laws_dir / "laws.jsonl")
    guangdong = read_jsonl(laws_dir / "guangdong_local_regs.jsonl")
    seen_ids: set[str] = set()
    pool: list[dict[str, Any]] = []
    for rec in [*guangdong, *national]:
        if rec["id"] in seen_ids:
            continue
        seen_ids.add(rec["id"])
        if select_law(rec):
            pool.append(rec)
    laws, superseded = current_versions(pool)

    stats: dict[str, Any] = {
        "selected_records": len(pool),
        "superseded_versions_dropped": superseded,
        "laws_without_articles": [],
        "laws": Counter(),
        "articles": Counter(),
    }
    records: list[dict[str, Any]] = []
    slugs: dict[str, str] = {}
    for law in laws:
        slug = law_slug(law["title"])
        if slug in slugs and slugs[slug] != law["title"]:
            raise RuntimeError(f"slug collision: {law['title']} / {slugs[slug]}")
        slugs[slug] = law["title"]
        parts = law.get("parts") or [(None, law["text"])]
        articles = [a for part, text in parts for a in split_articles(text, part)]
        if not articles:
            stats["laws_without_articles"].append(law["title"])
            continue
        labels = [a[0] for a in articles]
        if len(set(labels)) != len(labels):
            dups = [k for k, v in Counter(labels).items() if v > 1]
            raise RuntimeError(f"repeated article labels in {law['title']}: {dups[:5]}")
        region, year = law_region(law), law_year(law)
        for article, chapter, text in articles:
            records.append(
                {
                    "id": f"law:{slug}#{article}",
                    "law_id": slug,
                    "title": law["title"],
                    "article": article,
                    "chapter": chapter,
                    "text": text,
                    "category": law["category"],
                    "region": region,
                    "version_date": law["version_date"],
                    "year": year,
                    "source": "lawrefbook",
                }
            )
        stats["laws"][law["category"]] += 1
        stats["articles"][law["category"]] += len(articles)

    if scheme_path is not None:
        scheme = build_scheme(scheme_path.read_text(encoding="utf-8"))
        records.extend(scheme)
        stats["laws"]["政协文件"] += 1
        stats["articles"]["政协文件"] += len(scheme)
    return records, stats


# The 百姓提案 scheme (seed 000) ----------------------------------------------------------------------
_TOP_RE = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
_SUB_RE = re.compile(r"^（([一二三四五六七八九十]+)）\s*(.+)$")
_NUM_RE = re.compile(r"^\d+[.．、]\s*\S")
_END_PUNCT = "。！？；：”）"

SCHEME_LABEL_RE = re.compile(r"^(前言|[一二三四五六七八九十]+(（[一二三四五六七八九十]+）)?|附件\d+)$")
"""Article labels of the scheme: 前言, 四, 四（一）, 附件1."""


def _scheme_paragraphs(lines: list[str]) -> list[str]:
    """Re-join paragraphs broken by page breaks (a body line that does not end a sentence)."""
    out: list[str] = []
    joinable = False
    for line in lines:
        is_heading = bool(_TOP_RE.match(line) or _SUB_RE.match(line) or _NUM_RE.match(line))
        if out and joinable and not is_heading:
            out[-1] += line
        else:
            out.append(line)
        is_short_heading = is_heading and len(line) <= 24 and "，" not in line
        joinable = not is_short_heading and not line.endswith(tuple(_END_PUNCT))
    return out


def build_scheme(raw: str) -> list[dict[str, Any]]:
    """Chunk 广州市政协“百姓提案”工作方案 into 前言, sections (一、…), sub-sections (（一）…) and 附件1."""
    text = raw.replace(" and ", "和")  # conversion artefact of the seed: "精神 and 中央" for "精神和中央"
    lines = [clean_title(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    start = lines.index(SCHEME_TITLE) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("- 附件"))
    body = _scheme_paragraphs(lines[start:end])

    chunks: list[tuple[str, str | None, list[str]]] = [("前言", None, [])]
    top_label = top_heading = None
    for line in body:
        if m := _TOP_RE.match(line):
            top_label, top_heading = m.group(1), f"{m.group(1)}、{m.group(2)}"
            chunks.append((top_label, top_heading, []))
        elif (m := _SUB_RE.match(line)) and top_label:
            chunks.append((f"{top_label}（{m.group(1)}）", top_heading, [m.group(2)]))
        else:
            chunks[-1][2].append(line)

    form_start = next(i for i, line in enumerate(lines) if line == "“百姓提案”" and i > end)
    form_end = next(i for i, line in enumerate(lines) if line.startswith("备注") and i > form_start)
    form = [re.sub(r"<[^>]+>", "", line).strip() for line in lines[form_start : form_end + 1]]
    form = [re.sub(r"\s+(?=\d+\. )", " ", line) for line in form if line]
    chunks.append(("附件1", "附件", ["“百姓提案”标准格式", *form]))

    records = []
    for label, chapter, paras in chunks:
        content = "\n".join(paras).strip()
        if not content:
            continue
        records.append(
            {
                "id": f"law:{SCHEME_LAW_ID}#{label}",
                "law_id": SCHEME_LAW_ID,
                "title": SCHEME_TITLE,
                "article": label,
                "chapter": chapter,
                "text": content,
                "category": "政协文件",
                "region": "广州",
                "version_date": "2022-10-13",
                "year": 2022,
                "source": "seed:000 穗协办〔2022〕9号",
            }
        )
    return records


# Main --------------------------------------------------------------------------------------------------
def read_law_list(path: Path | None) -> set[str]:
    """law_ids listed in ``path`` (first token of each non-comment line); empty when there is no list."""
    if path is None or not path.exists():
        return set()
    keep = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        token = line.split("#", 1)[0].strip()
        if token:
            keep.add(token)
    return keep


def drop_listed_laws(records: list[dict[str, Any]], stats: dict[str, Any], drop: set[str]) -> list[dict[str, Any]]:
    """The articles of laws not in ``drop`` (the scheme always); ``stats`` are recounted."""
    if not drop:
        return records
    kept = [r for r in records if r["law_id"] not in drop or r["law_id"] == SCHEME_LAW_ID]
    stats["candidate_articles"] = len(records)
    stats["laws"] = Counter()
    stats["articles"] = Counter()
    seen: set[str] = set()
    for r in kept:
        stats["articles"][r["category"]] += 1
        if r["law_id"] not in seen:
            seen.add(r["law_id"])
            stats["laws"][r["category"]] += 1
    return kept


def build(shared: Path, out: Path, dropped: Path | None = DROPPED_LAWS) -> dict[str, Any]:
    """Build every file under ``out``; return the counts."""
    teddy = shared / TEDDY
    laws_dir = shared / LAWS
    schemes = sorted((shared / "seeds").glob("000_*.txt"))

    labelled, lab = build_labelled(teddy)
    items, item_stats = build_items(teddy, lab)
    policies, policy_stats = build_policies(laws_dir, schemes[0] if schemes else None)
    policies = drop_listed_laws(policies, policy_stats, read_law_list(dropped))

    ids = [r["id"] for r in items] + [r["id"] for r in policies]
    if len(ids) != len(set(ids)):
        raise RuntimeError("duplicate document ids")

    files = {"items": items, "policies": policies, **labelled}
    counts = {name: write_jsonl_gz(out / f"{name}.jsonl.gz", rows) for name, rows in files.items()}
    sizes = {name: (out / f"{name}.jsonl.gz").stat().st_size for name in files}
    return {"counts": counts, "sizes": sizes, "items": item_stats, "policies": policy_stats}


def _print_report(report: dict[str, Any], out: Path) -> None:
    print(f"corpus written to {out}")
    total = 0
    for name, n in report["counts"].items():
        size = report["sizes"][name]
        total += size
        print(f"  {name + '.jsonl.gz':28s} {n:7d} rows {size / 1e6:7.2f} MB")
    print(f"  {'total':28s} {'':12s} {total / 1e6:7.2f} MB")
    it = report["items"]
    print(
        "items: raw {} | dropped (labelled overlap) {} | merged exact duplicates {} | kept {}".format(
            dict(it["raw"]), dict(it["dropped_labelled"]), dict(it["merged"]), dict(it["kept"])
        )
    )
    po = report["policies"]
    print(
        f"policies: {po['selected_records']} selected records, "
        f"{po['superseded_versions_dropped']} superseded versions dropped, "
        f"{len(po['laws_without_articles'])} without 第X条 skipped"
    )
    for cat in sorted(po["laws"], key=lambda c: -po["articles"][c]):
        print(f"  {cat:12s} {po['laws'][cat]:4d} documents {po['articles'][cat]:6d} articles")
    print(f"  {'total':12s} {sum(po['laws'].values()):4d} documents {sum(po['articles'].values()):6d} articles")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Build corpus/data/*.jsonl.gz from the shared data.")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared folder (data/, seeds/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--quiet", action="store_true", help="do not print the report")
    parser.add_argument("--all-laws", action="store_true", help="ignore corpus/policy_laws_dropped.txt")
    args = parser.parse_args(argv)
    report = build(args.shared, args.out, None if args.all_laws else DROPPED_LAWS)
    if not args.quiet:
        _print_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
