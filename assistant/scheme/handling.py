"""Handling and 督办: hand an idea to its unit with a deadline, record the unit's reply (on a page or from a file),
list what is overdue, close it; the members who cultivated it are told when the reply arrives."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.accounts import UserSession, require_role
from assistant.clock import CHINA_TZ
from assistant.errors import BaixingError, InputError, NotFoundError
from assistant.ingest.mapping import cell_text
from assistant.ingest.readers import read_rows
from assistant.scheme.catalogue import SchemeCatalogue
from assistant.scheme.models import (
    AssignEdit,
    FeedbackView,
    HandlingItemView,
    HandlingView,
    ImportRowError,
    ReplyEdit,
    ReplyImportReport,
    ReplyView,
)
from assistant.storage.batches import BatchStore
from assistant.storage.enums import Role
from assistant.storage.handling import OPEN, HandlingStore, ItemRecord, ReplyRecord
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import status_zh
from assistant.storage.queue import QueueStore
from assistant.storage.records import IdeaRecord
from assistant.textinput import clean_text

REPLY_BATCH_KIND = "replies"
MAX_UNIT = 200
MAX_SUPERVISOR = 100
MAX_NOTE = 500
MAX_ROWS = 5000
ITEM_STATUS_ZH = {"open": "办理中", "replied": "已答复", "closed": "已办结"}
REPLY_COLUMNS: dict[str, tuple[str, ...]] = {
    "receipt": ("受理编号", "编号", "receipt_no", "receipt"),
    "unit": ("承办单位", "答复单位", "单位", "unit"),
    "content": ("答复内容", "答复意见", "答复", "办理情况", "content", "reply"),
    "date": ("答复日期", "答复时间", "日期", "date", "replied_on"),
    "result": ("办理结果", "结果", "采纳情况", "result"),
}


def beijing_today() -> dt.date:
    """Today in Beijing."""
    return dt.datetime.now(CHINA_TZ).date()


def parse_date(value: Any, what: str) -> dt.date:
    """A date from a cell: a date/datetime, or text like 2026-03-01, 2026/3/1, 2026年3月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
    text = text.replace(".", "-").split(" ")[0].split("T")[0]
    try:
        year, month, day = (int(x) for x in text.split("-")[:3])
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        raise InputError(f"{what}格式不对：请写成 2026-03-01 这样的日期。", f"bad date {value!r}") from None


class HandlingService:
    """Assignments, replies, overdue items and closing (staff only)."""

    def __init__(self, store: HandlingStore, ideas: IdeaStore, queue: QueueStore, batches: BatchStore,
                 catalogue: SchemeCatalogue, today: Callable[[], dt.date] = beijing_today,
                 max_chars: int = 20000) -> None:
        self.store = store
        self.ideas = ideas
        self.queue = queue
        self.batches = batches
        self.catalogue = catalogue
        self.today = today
        self.max_chars = max_chars

    # formatting ----------------------------------------------------------------------------------------
    def result_zh(self, result: str) -> str:
        """Chinese name of a reply result."""
        return self.catalogue.handling_results.get(result, result)

    def _item_view(self, item: ItemRecord, today: dt.date) -> HandlingItemView:
        late = (today - item.deadline).days if item.status == OPEN and item.deadline < today else 0
        return HandlingItemView(
            item_id=item.id, idea_id=item.idea_id, receipt_no=item.receipt_no or "", title=item.title, unit=item.unit,
            level=item.level, level_zh=self.catalogue.handling_levels.get(item.level, item.level),
            supervisor=item.supervisor, deadline=item.deadline, status=item.status,
            status_zh=ITEM_STATUS_ZH.get(item.status, item.status), overdue_days=late, note=item.note,
            created_at=item.created_at, created_by=item.created_by,
        )

    def reply_view(self, reply: ReplyRecord) -> ReplyView:
        """A stored reply as shown."""
        return ReplyView(reply_id=reply.id, unit=reply.unit, content=reply.content, result=reply.result,
                         result_zh=self.result_zh(reply.result), replied_on=reply.replied_on, source=reply.source)

    def _view(self, idea_id: int) -> HandlingView:
        entry, _ = self.queue.entry(idea_id)
        idea = entry.idea
        units = (entry.routing.final_units or entry.routing.suggested_units) if entry.routing else []
        main = next((u.get("name") for u in units or [] if isinstance(u, dict) and u.get("role") == "主办"), None)
        today = self.today()
        return HandlingView(
            idea_id=idea.id, receipt_no=idea.receipt_no or "", title=idea.display_title, status=idea.status.value,
            status_zh=status_zh(idea.status), main_unit=main,
            items=[self._item_view(i, today) for i in self.store.items(idea.id)],
            replies=[self.reply_view(r) for r in self.store.replies(idea.id)],
            feedback=[FeedbackView(rating=f.rating, comment=f.comment, at=f.created_at)
                      for f in self.store.feedbacks(idea.id)],
        )

    def _notice(self, unit: str, result: str) -> Callable[[IdeaRecord], str]:
        def text(idea: IdeaRecord) -> str:
            return (f"您培育的金点子 {idea.receipt_no}《{idea.display_title}》已收到{unit}的答复"
                    f"（{self.result_zh(result)}），可在「我的金点子」中查看。")

        return text

    # reading -------------------------------------------------------------------------------------------
    def idea_id(self, actor: UserSession | None, receipt_no: str) -> int:
        """The idea with a receipt number (NotFoundError in Chinese)."""
        require_role(actor, Role.STAFF)
        receipt = (receipt_no or "").strip().upper()
        idea = self.ideas.by_receipt(receipt) if receipt else None
        if idea is None:
            raise NotFoundError(f"找不到受理编号为「{receipt or '（空）'}」的金点子。", f"receipt {receipt!r}")
        return idea.id

    def view(self, actor: UserSession | None, idea_id: int) -> HandlingView:
        """An idea's assignments, replies and ratings."""
        require_role(actor, Role.STAFF)
        return self._view(idea_id)

    def open_items(self, actor: UserSession | None) -> list[HandlingItemView]:
        """Every open assignment, earliest deadline first."""
        require_role(actor, Role.STAFF)
        today = self.today()
        return [self._item_view(i, today) for i in self.store.open_items()]

    def overdue(self, actor: UserSession | None, today: dt.date | None = None) -> list[HandlingItemView]:
        """Open assignments past their deadline, most overdue first (the 督办 list)."""
        require_role(actor, Role.STAFF)
        day = today or self.today()
        return [self._item_view(i, day) for i in self.store.open_items(due_before=day)]

    # writing -------------------------------------------------------------------------------------------
    def assign(self, actor: UserSession | None, idea_id: int, edit: AssignEdit) -> HandlingView:
        """Hand the idea to a unit with a deadline and a supervision level (it moves to handling)."""
        staff = require_role(actor, Role.STAFF)
        unit = (edit.unit or "").strip()
        if not unit:
            raise InputError("请填写承办单位。", "no unit")
        if len(unit) > MAX_UNIT:
            raise InputError("承办单位名称太长，请精简。", "long unit")
        if edit.level not in self.catalogue.handling_levels:
            raise InputError(f"督办级别「{edit.level}」不在列表中，请从下拉列表中选择。", f"level {edit.level!r}")
        today = self.today()
        deadline = edit.deadline or today + dt.timedelta(days=self.catalogue.handling_days)
        if deadline < today:
            raise InputError("答复期限不能早于今天。", f"deadline {deadline}")
        supervisor = (edit.supervisor or "").strip()[:MAX_SUPERVISOR] or None
        note = (edit.note or "").strip()
        if len(note) > MAX_NOTE:
            raise InputError(f"备注太长，请精简到 {MAX_NOTE} 字以内。", "long note")
        level_zh = self.catalogue.handling_levels[edit.level]
        status_note = f"交{unit}办理（{level_zh}），答复期限 {deadline.isoformat()}" + (f"；{note}" if note else "")
        self.store.assign(idea_id, unit=unit, deadline=deadline, level=edit.level, supervisor=supervisor,
                          note=note or None, user_id=staff.user_id, status_note=status_note)
        return self._view(idea_id)

    def extend(self, actor: UserSession | None, item_id: int, deadline: dt.date, reason: str) -> HandlingView:
        """A new deadline for an open assignment (recorded with the reason)."""
        staff = require_role(actor, Role.STAFF)
        why = (reason or "").strip()
        if not why:
            raise InputError("请填写调整期限的理由。", "no reason")
        item = self.store.update_deadline(item_id, deadline, user_id=staff.user_id,
                                          note=f"答复期限调整为 {deadline.isoformat()}：{why[:MAX_NOTE]}")
        return self._view(item.idea_id)

    def _checked_reply(self, edit: ReplyEdit) -> tuple[str, str, str, dt.date]:
        unit = (edit.unit or "").strip()
        if not unit:
            raise InputError("请填写答复单位。", "no unit")
        if len(unit) > MAX_UNIT:
            raise InputError("答复单位名称太长，请精简。", "long unit")
        content = clean_text(edit.content, self.max_chars, "答复内容")
        result = self._result(edit.result)
        replied_on = edit.replied_on or self.today()
        if replied_on > self.today():
            raise InputError("答复日期不能晚于今天。", f"date {replied_on}")
        return unit, content, result, replied_on

    def _result(self, value: str | None) -> str:
        text = (value or "").strip()
        if not text:
            return "unspecified"
        for key, name in self.catalogue.handling_results.items():
            if text in (key, name) or (len(text) >= 2 and name.startswith(text)):
                return key
        options = "、".join(self.catalogue.handling_results.values())
        raise InputError(f"办理结果「{text}」不认识，请填写：{options}。", f"result {text!r}")

    def record_reply(self, actor: UserSession | None, idea_id: int, edit: ReplyEdit) -> HandlingView:
        """Record a unit's reply entered on the page (the idea moves to replied; members are told)."""
        staff = require_role(actor, Role.STAFF)
        unit, content, result, replied_on = self._checked_reply(edit)
        self.store.reply(idea_id, unit=unit, content=content, result=result, replied_on=replied_on, source="page",
                         user_id=staff.user_id, status_note=f"{unit}答复：{self.result_zh(result)}",
                         notice=self._notice(unit, result))
        return self._view(idea_id)

    def close(self, actor: UserSession | None, idea_id: int, note: str) -> HandlingView:
        """办结 (closed), with a note."""
        staff = require_role(actor, Role.STAFF)
        why = (note or "").strip() or "办结"

        def told(idea: IdeaRecord) -> str:
            return f"您培育的金点子 {idea.receipt_no}《{idea.display_title}》已办结：{why[:100]}"

        self.store.close(idea_id, user_id=staff.user_id, note=why[:MAX_NOTE], notice=told)
        return self._view(idea_id)

    def reopen(self, actor: UserSession | None, idea_id: int, note: str) -> HandlingView:
        """Handle a replied idea again (e.g. the citizen was not satisfied)."""
        staff = require_role(actor, Role.STAFF)
        why = (note or "").strip()
        if not why:
            raise InputError("请填写再次办理的理由（例如市民不满意的原因）。", "no reason")
        self.store.reopen(idea_id, user_id=staff.user_id, note=f"再次办理：{why[:MAX_NOTE]}")
        return self._view(idea_id)

    # import --------------------------------------------------------------------------------------------
    def import_replies(self, actor: UserSession | None, path: Path, *, file_name: str | None = None
                       ) -> ReplyImportReport:
        """Record the replies in a CSV/XLSX/JSONL file (columns 受理编号, 承办单位, 答复内容, 答复日期, 办理结果);
        bad rows are reported by line; the same file is not imported twice (an interrupted import resumes)."""
        staff = require_role(actor, Role.STAFF)
        name = file_name or path.name
        rows = list(read_rows(path))
        if not rows:
            raise InputError(f"文件「{name}」中没有数据行（第一行应为列名：受理编号、承办单位、答复内容……）。",
                             "no rows")
        if len(rows) > MAX_ROWS:
            raise InputError(f"文件有 {len(rows)} 行，一次最多导入 {MAX_ROWS} 行，请拆分后再导入。",
                             "too many rows")
        columns = _columns(next((r.cells for r in rows if not r.error), {}).keys())
        missing = [label for key, label in (("receipt", "受理编号"), ("unit", "承办单位"), ("content", "答复内容"))
                   if key not in columns]
        if missing:
            raise InputError(f"找不到以下列：{'、'.join(missing)}。请把列名写成“受理编号、承办单位、答复内容”"
                             "（可另有“答复日期”“办理结果”）。", f"missing {missing}")
        batch = self.batches.open(hashlib.sha256(path.read_bytes()).hexdigest(), name, REPLY_BATCH_KIND)
        recorded = skipped = 0
        errors: list[ImportRowError] = []
        for row in rows:
            if row.error:
                errors.append(ImportRowError(line=row.line, message=row.error))
                continue
            if row.line in batch.done:
                skipped += 1
                continue
            try:
                self._import_row(staff, row.cells, columns, batch.batch_id, row.line)
                recorded += 1
            except BaixingError as exc:
                errors.append(ImportRowError(line=row.line, message=exc.user_message))
        self.batches.close(batch.batch_id, rows_ok=recorded + skipped, rows_failed=len(errors),
                           errors=[e.model_dump() for e in errors])
        return ReplyImportReport(file_name=name, read=len(rows), recorded=recorded + skipped, skipped=skipped,
                                 errors=errors)

    def _import_row(self, staff: UserSession, cells: dict[str, Any], columns: dict[str, str], batch_id: int,
                    line: int) -> None:
        receipt = cell_text(cells, columns["receipt"]).upper()
        idea = self.ideas.by_receipt(receipt) if receipt else None
        if idea is None:
            raise InputError(f"找不到受理编号「{receipt or '（空）'}」。", f"receipt {receipt!r}")
        raw_date = cells.get(columns["date"]) if "date" in columns else None
        edit = ReplyEdit(unit=cell_text(cells, columns["unit"]), content=cell_text(cells, columns["content"]),
                         result=cell_text(cells, columns.get("result")) if "result" in columns else "",
                         replied_on=parse_date(raw_date, "答复日期") if raw_date not in (None, "") else None)
        unit, content, result, replied_on = self._checked_reply(edit)
        self.store.reply(idea.id, unit=unit, content=content, result=result, replied_on=replied_on, source="import",
                         user_id=staff.user_id, status_note=f"导入{unit}答复：{self.result_zh(result)}",
                         notice=self._notice(unit, result), batch_id=batch_id, line=line)


def _columns(names: Any) -> dict[str, str]:
    present = {str(c).strip().lower(): str(c) for c in names}
    found: dict[str, str] = {}
    for key, aliases in REPLY_COLUMNS.items():
        for alias in aliases:
            if alias.lower() in present:
                found[key] = present[alias.lower()]
                break
    return found
