"""Batch import of collected clues: each row becomes an idea, is screened and routed, and checked for duplicates."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.accounts import UserSession, require_role
from assistant.clock import CHINA_TZ
from assistant.errors import BaixingError, InputError
from assistant.ingest.mapping import cell_text, resolve_columns
from assistant.ingest.readers import MAX_FILE_BYTES, RawRow, read_rows
from assistant.review import IdeaReview, IdeaReviewService, review_record
from assistant.scheme.grading import GRADE_ZH, DuplicateLead, GradeSuggestion, GradingService, suggest_grade
from assistant.security.archives import DEFAULT_LIMITS, ArchiveLimits
from assistant.staff.clusters import CorpusSimilarity
from assistant.staff.export import write_csv, write_xlsx
from assistant.staff.models import DuplicateRef, TriageReport, TriageRow
from assistant.staff.sources import idea_records, join_title
from assistant.staff.textsim import UnionFind
from assistant.storage.batches import BatchStore, ClueRow
from assistant.storage.enums import Role
from assistant.storage.records import CitizenInfo, ReviewRecord
from assistant.storage.texts import TextStore
from assistant.textinput import clean_text

log = logging.getLogger("baixing.staff")

BATCH_KIND = "clues"
MIN_CHARS = 6
MAX_ROWS = 5000
CHUNK = 100
MAX_REFS = 3
PERSON_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "提出人", "建议人", "联系人", "name"),
    "phone": ("电话", "联系电话", "手机", "手机号", "phone"),
    "address": ("地址", "联系地址", "住址", "address"),
    "occupation": ("职业", "工作单位", "身份", "occupation"),
    "channel": ("渠道", "征集渠道", "来源渠道", "来源", "channel"),
}
ProgressFn = Callable[[int, int, str], None]
"""Called with (rows done, rows total, a Chinese description)."""


class TriageService:
    """Imports a clue file (CSV/XLSX/JSONL), staff only: ideas with source ``import``, screened, routed and
    de-duplicated; each chunk is stored in one transaction and an interrupted import resumes where it stopped."""

    def __init__(
        self,
        batches: BatchStore,
        texts: TextStore,
        reviewer: IdeaReviewService,
        similarity: CorpusSimilarity,
        exports_dir: Path,
        max_chars: int = 20000,
        max_rows: int = MAX_ROWS,
        grading: GradingService | None = None,
        max_bytes: int = MAX_FILE_BYTES,
        archive_limits: ArchiveLimits = DEFAULT_LIMITS,
    ) -> None:
        self.max_bytes = max_bytes
        self.archive_limits = archive_limits
        self.batches = batches
        self.grading = grading
        self.texts = texts
        self.reviewer = reviewer
        self.similarity = similarity
        self.exports_dir = exports_dir
        self.max_chars = max_chars
        self.max_rows = max_rows

    def triage_file(
        self, actor: UserSession | None, path: Path, *, file_name: str | None = None,
        progress: ProgressFn | None = None,
    ) -> TriageReport:
        """Import, screen, route and de-duplicate every row; bad rows are reported with their line numbers."""
        staff = require_role(actor, Role.STAFF)
        start = time.perf_counter()
        name = file_name or path.name
        notify = progress or (lambda done, total, message: None)
        notify(0, 1, "正在读取文件……")
        raw = list(read_rows(path, max_bytes=self.max_bytes, limits=self.archive_limits))  # size, bombs, rows first
        if not raw:
            raise InputError(f"文件「{name}」中没有数据行（第一行应为列名，如“标题”“内容”）。", "no rows")
        if len(raw) > self.max_rows:
            raise InputError(f"文件有 {len(raw)} 行，一次最多导入 {self.max_rows} 行，请拆分后分批导入。", "too many")
        rows, people = self._parse(raw)
        good = [r for r in rows if r.error is None]
        total = len(good)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        batch = self.batches.open(sha, name, BATCH_KIND)  # a file imported before is refused here, before any work
        stored = self.batches.stored(batch.batch_id) if batch.resumed else {}
        notify(0, total, "正在查重……")
        self._find_duplicates(good, exclude={idea_id for idea_id, _ in stored.values()})
        for offset in range(0, total, CHUNK):
            chunk = good[offset : offset + CHUNK]
            todo: list[ClueRow] = []
            fresh = self._review_chunk([r for r in chunk if r.line not in stored], people)
            for n, row in enumerate(chunk, start=offset + 1):
                if row.line in stored:
                    row.idea_id, row.receipt_no = stored[row.line]
                    self._describe(row, self._review(row, people.get(row.seq, {}).get("name"), audit=False))
                else:
                    todo.append(self._clue(row, people.get(row.seq, {}), fresh.get(row.line)))
                if n % 10 == 0 or n == total:
                    notify(n, total, f"正在筛查和分办：{n}/{total}")
            made = {line: (idea_id, receipt) for line, idea_id, receipt in
                    self.batches.store(batch.batch_id, todo, user_id=staff.user_id)}
            for row in chunk:
                if row.line in made:
                    row.idea_id, row.receipt_no = made[row.line]
        notify(total, total, "正在分级……")
        self._grade(good, staff.user_id)
        report = self._report(name, batch.batch_id, rows, time.perf_counter() - start)
        self.batches.close(batch.batch_id, rows_ok=report.imported, rows_failed=report.read - report.imported,
                           errors=[{"line": r.line, "message": r.error} for r in report.rows if r.error])
        notify(total, total, "正在生成结果文件……")
        stamp = datetime.now(CHINA_TZ).strftime("%Y%m%d-%H%M%S")
        stem = self.exports_dir / "triage" / f"线索分办结果-{batch.batch_id}-{stamp}"
        write_csv(report, stem.with_suffix(".csv"))
        xlsx = write_xlsx(report, stem.with_suffix(".xlsx"))
        return report.model_copy(update={"result_path": str(xlsx), "seconds": time.perf_counter() - start})

    # parsing -------------------------------------------------------------------------------------
    def _parse(self, raw: list[RawRow]) -> tuple[list[TriageRow], dict[int, dict[str, str]]]:
        columns: dict[str, str] | None = None
        person_cols: dict[str, str] = {}
        rows: list[TriageRow] = []
        people: dict[int, dict[str, str]] = {}
        for seq, record in enumerate(raw, start=1):
            if record.error:
                rows.append(TriageRow(seq=seq, line=record.line, title="", text="", error=record.error))
                continue
            if columns is None:
                columns = resolve_columns(record.cells.keys(), {})
                if "text" not in columns:
                    present = "、".join(str(c) for c in record.cells) or "（无）"
                    raise InputError(
                        f"找不到内容列：请把正文所在列命名为“内容”或“正文”（可另有“标题”列）。文件的列有：{present}",
                        "no text column",
                    )
                person_cols = _person_columns(record.cells.keys())
            title = cell_text(record.cells, columns.get("title"))
            text = cell_text(record.cells, columns["text"])
            row = TriageRow(seq=seq, line=record.line, title=title[:300], text=text)
            try:
                if not text:
                    raise InputError("内容为空", "empty text")
                cleaned = clean_text(text, self.max_chars, "内容")
                if len(cleaned) < MIN_CHARS:
                    raise InputError(f"内容太短（少于 {MIN_CHARS} 个字）", "too short")
            except InputError as exc:
                rows.append(row.model_copy(update={"error": exc.user_message}))
                continue
            row = row.model_copy(update={"text": cleaned, "title": title[:300] or cleaned[:30]})
            rows.append(row)
            people[seq] = {k: cell_text(record.cells, c)[:100] for k, c in person_cols.items()}
        return rows, people

    # duplicates ----------------------------------------------------------------------------------
    def _find_duplicates(self, rows: list[TriageRow], exclude: set[int]) -> None:
        """Fill ``duplicates`` (direct matches) and ``duplicate_group`` (connected groups) of the rows."""
        texts = [join_title(r.title, r.text) for r in rows]
        ideas = idea_records(self.texts, exclude)
        snap = self.similarity.snapshot()
        refs: dict[int, list[DuplicateRef]] = {i: [] for i in range(len(rows))}
        n = len(rows)
        external: dict[str, int] = {}
        edges: list[tuple[int, int]] = []

        def node(key: str) -> int:
            return external.setdefault(key, n + len(external))

        for i, j, s in self.similarity.among(texts):
            refs[i].append(DuplicateRef(kind="row", ref=str(rows[j].line), title=rows[j].title, similarity=s))
            refs[j].append(DuplicateRef(kind="row", ref=str(rows[i].line), title=rows[i].title, similarity=s))
            edges.append((i, j))
        for i, j, s in self.similarity.between(texts, [r.full_text for r in ideas]):
            idea = ideas[j]
            refs[i].append(DuplicateRef(kind="idea", ref=idea.key, title=idea.title or idea.text[:30], similarity=s))
            edges.append((i, node(f"idea:{idea.key}")))
        for i, j, s in self.similarity.against_items(texts, snap):
            item = snap.records[j]
            refs[i].append(DuplicateRef(kind="item", ref=item.key, title=item.title, similarity=s))
            edges.append((i, node(f"item:{item.key}")))
        uf = UnionFind(n + len(external))
        for a, b in edges:
            uf.union(a, b)
        labels: dict[int, str] = {}
        for i, row in enumerate(rows):
            row.duplicates = sorted(refs[i], key=lambda d: -d.similarity)[:MAX_REFS]
            if refs[i]:
                root = uf.find(i)
                row.duplicate_group = labels.setdefault(root, f"重复组{len(labels) + 1}")

    # reviewing and storing -----------------------------------------------------------------------
    def _review_chunk(self, rows: list[TriageRow], people: Mapping[int, Mapping[str, str]]) -> dict[int, IdeaReview]:
        """Screen and route rows together (the review task's batch form); a failed row gets ``row.error``."""
        if not rows:
            return {}
        names = [(p,) if (p := people.get(r.seq, {}).get("name")) else () for r in rows]
        try:
            with self.reviewer.tasks.batch():  # the chunk's audit records in one transaction
                outcomes = self.reviewer.review_many([join_title(r.title, r.text) for r in rows], known_names=names,
                                                     entity_ids=[f"import-row-{r.line}" for r in rows])
        except Exception:  # fall back to one by one, so one bad row cannot fail the others
            log.exception("batch review of %d imported rows failed; reviewing one by one", len(rows))
            return {}
        reviews: dict[int, IdeaReview] = {}
        for row, outcome in zip(rows, outcomes, strict=True):
            if isinstance(outcome, BaixingError):
                row.error = f"{outcome.user_message}（已保存为未筛查线索）"
            else:
                reviews[row.line] = outcome.value
        return reviews

    def _clue(self, row: TriageRow, person: Mapping[str, str], review: IdeaReview | None = None) -> ClueRow:
        """A row with its review, ready to store (a row whose review failed is stored unscreened)."""
        if review is None and row.error is None:
            review = self._review(row, person.get("name"))
        self._describe(row, review)
        record: ReviewRecord | None = review_record(review) if review is not None else None
        note = "批量导入：自动筛查" + ("，待确认分办" if review is not None and review.decision is not None
                                    else "，不属于百姓提案范围")
        citizen = CitizenInfo(name=person.get("name") or None, occupation=person.get("occupation") or None,
                              phone=person.get("phone") or None, address=(person.get("address") or "")[:300] or None)
        return ClueRow(line=row.line, title=row.title, text=row.text, citizen=citizen,
                       channel=(person.get("channel") or "")[:32] or "import", review=record, note=note)

    def _review(self, row: TriageRow, person: str | None, audit: bool = True) -> IdeaReview | None:
        """Screen and route one row (None, with ``row.error`` set, when that failed)."""
        names = (person,) if person else ()  # masked before any model call
        try:
            return self.reviewer.review(join_title(row.title, row.text), known_names=names, audit=audit,
                                        entity_id=f"import-row-{row.line}").value
        except BaixingError as exc:
            row.error = f"{exc.user_message}（已保存为未筛查线索）"
        except Exception:  # one bad row must not stop the batch
            log.exception("review of imported row %s failed", row.line)
            row.error = "自动筛查时出错，已保存为未筛查线索，请人工处理。"
        return None

    @staticmethod
    def _describe(row: TriageRow, review: IdeaReview | None) -> None:
        if review is None:
            return
        verdict, decision = review.verdict, review.decision
        row.in_scope, row.category = verdict.in_scope, verdict.category
        row.redirect = verdict.redirect.short() if verdict.redirect else None
        if decision is not None:
            row.domain = decision.domain
            row.main_unit = next((u.name for u in decision.units if u.role == "主办"), None)
            row.co_units = [u.name for u in decision.units if u.role == "协办"]
            row.channel, row.committee, row.linkage = decision.channel, decision.committee, decision.linkage

    # grading -------------------------------------------------------------------------------------
    def _grade(self, rows: list[TriageRow], user_id: int | None) -> None:
        """线索分级 of every stored row (merge into the earliest duplicate clue; refer out-of-scope rows to the
        screening's redirect; 社情民意 or cultivate by the suggested channel); stored as automatic grades."""
        by_line = {r.line: r for r in rows}
        keys = {c.name: c.key for c in self._channels()}
        done: list[tuple[int, GradeSuggestion]] = []
        for row in rows:
            if row.idea_id is None:
                continue
            suggestion = suggest_grade(
                in_scope=row.in_scope, category=row.category, redirect=row.redirect,
                channel_key=keys.get(row.channel or ""), channel=row.channel, lead=self._lead(row, by_line),
            )
            row.grade, row.grade_reason = suggestion.grade, suggestion.reason
            done.append((row.idea_id, suggestion))
        if self.grading is not None and done:
            self.grading.record_auto(done, user_id=user_id)

    def _channels(self) -> tuple[Any, ...]:
        advisor = getattr(self.reviewer.router, "advisor", None)
        return tuple(advisor.catalogue.channels) if advisor is not None else ()

    @staticmethod
    def _lead(row: TriageRow, by_line: dict[int, TriageRow]) -> DuplicateLead | None:
        """The clue a row should merge into: an earlier stored clue it duplicates, else the earliest earlier row."""
        ideas = [d for d in row.duplicates if d.kind == "idea"]
        if ideas:
            best = max(ideas, key=lambda d: d.similarity)
            return DuplicateLead(receipt_no=best.ref, title=best.title, similarity=best.similarity)
        earlier = [d for d in row.duplicates if d.kind == "row" and int(d.ref) < row.line]
        if not earlier:
            return None
        first = min(earlier, key=lambda d: int(d.ref))
        lead = by_line.get(int(first.ref))
        return DuplicateLead(receipt_no=lead.receipt_no if lead else None, idea_id=lead.idea_id if lead else None,
                             title=first.title, similarity=first.similarity, row=int(first.ref))

    def _report(self, name: str, batch_id: int, rows: list[TriageRow], seconds: float) -> TriageReport:
        imported = [r for r in rows if r.idea_id is not None]
        return TriageReport(
            file_name=name,
            batch_id=batch_id,
            rows=rows,
            read=len(rows),
            imported=len(imported),
            in_scope=sum(1 for r in imported if r.in_scope is True),
            out_of_scope=sum(1 for r in imported if r.in_scope is False),
            failed=sum(1 for r in rows if r.error),
            duplicate_groups=len({r.duplicate_group for r in rows if r.duplicate_group}),
            seconds=seconds,
            grades={GRADE_ZH[g]: n for g in GRADE_ZH if (n := sum(1 for r in imported if r.grade == g))},
        )


def _person_columns(columns: Any) -> dict[str, str]:
    present = {str(c).strip().lower(): str(c) for c in columns}
    found: dict[str, str] = {}
    for key, aliases in PERSON_ALIASES.items():
        for alias in aliases:
            if alias.lower() in present:
                found[key] = present[alias.lower()]
                break
    return found


