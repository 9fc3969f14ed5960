"""Typed inputs of the document layer: the services fill these, the builders only lay them out."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, model_validator

from assistant.errors import InputError

DEFAULT_ISSUER = "中国人民政治协商会议广州市委员会提案委员会"
DEFAULT_EDITOR = "广州市政协提案委员会"
# Distribution as the scheme (穗协办〔2022〕9号, 四(四)2) describes it for 《百姓提案》.
DEFAULT_REPORT_TO = "市政协领导"
DEFAULT_DISTRIBUTE_TO = "市政协委员，市各民主党派和有关人民团体，市政协各专门委员会，各区政协"

ModelT = TypeVar("ModelT", bound=BaseModel)
Consent = Literal["full", "masked", "anonymous"]
"""How a citizen agreed to be named: the full name, a masked name (陈某某), or not at all (市民)."""

_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐",
    "夏侯", "西门", "端木", "澹台", "呼延", "轩辕", "南宫", "万俟", "闻人", "申屠", "独孤", "钟离",
)


def mask_name(name: str) -> str:
    """The surname followed by 某 for each given-name character, at most two (陈大文 → 陈某某, 李明 → 李某)."""
    name = name.strip()
    if not name:
        return ""
    surname = next((s for s in _COMPOUND_SURNAMES if name.startswith(s) and len(name) > len(s)), name[0])
    given = max(len(name) - len(surname), 1)
    return surname + "某" * min(given, 2)


class ProposalForm(BaseModel):
    """The fields of 附件1 “百姓提案”标准格式, in the order of the form."""

    title: str = ""
    analysis: list[str] = Field(default_factory=list, description="情况分析 points, already numbered (1. …).")
    suggestions: list[str] = Field(default_factory=list, description="具体建议 points, already numbered (1. …).")
    name: str = ""
    occupation: str = ""
    phone: str = ""
    address: str = ""
    remarks: str = ""


class CertificateInput(BaseModel):
    """One honorary certificate (荣誉证书) for a citizen whose 金点子 became an excellent 百姓提案."""

    citizen_name: str = Field(min_length=1, max_length=40)
    idea_title: str = Field(min_length=1, max_length=120,
                            description="The proposal or idea title, e.g. 关于…的“百姓提案”.")
    year: int = Field(ge=2000, le=2100, description="The year of the selection (评选年度).")
    award: str = Field(default="优秀“百姓提案”", min_length=1, max_length=40,
                       description="What it was selected as; the certificate says 被评为{year}年度{award}.")
    issuer: str = Field(default=DEFAULT_ISSUER, min_length=1, max_length=60)
    issue_date: dt.date
    certificate_no: str = Field(default="", max_length=40, description="证书编号, printed small at the bottom if set.")
    salutation: str = Field(default="同志", max_length=6, description="Follows the name: 陈大文同志：")

    def body_text(self) -> str:
        """The sentence of the certificate."""
        title = self.idea_title.strip()
        if not title.startswith("《"):
            title = f"《{title}》"
        return f"您提供的“金点子”{title}被评为{self.year}年度{self.award}。特发此证，以资鼓励。"


class HotTopic(BaseModel):
    """A topic citizens raised often in the period, with how many ideas/messages raised it."""

    topic: str = Field(min_length=1, max_length=40)
    count: int = Field(ge=0)
    summary: str = Field(default="", max_length=400, description="What people asked for (written or checked by staff).")


class Contributor(BaseModel):
    """The citizen behind an idea, and how they agreed to be named."""

    name: str = ""
    consent: Consent = "masked"
    district: str = ""

    def display(self) -> str:
        """The name as consented, with the district if known: 陈某某（天河区）."""
        if self.consent == "full" and self.name.strip():
            shown = self.name.strip()
        elif self.consent == "masked" and self.name.strip():
            shown = mask_name(self.name)
        else:
            shown = "市民"
        return f"{shown}（{self.district.strip()}）" if self.district.strip() else shown


class IdeaEntry(BaseModel):
    """A selected 金点子 in the issue: title, summary, who proposed it, how it is being handled."""

    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(default="", max_length=800)
    contributor: Contributor = Field(default_factory=Contributor)
    status: str = Field(default="", max_length=120, description="办理情况, e.g. 已立案，交市交通运输局办理.")


class CountRow(BaseModel):
    """One line of a count table."""

    label: str = Field(min_length=1, max_length=60)
    count: int = Field(ge=0)


class WorkStats(BaseModel):
    """工作动态: counts of the period by channel, status, committee and district, plus staff-written notes."""

    by_channel: list[CountRow] = Field(default_factory=list)
    by_status: list[CountRow] = Field(default_factory=list)
    by_committee: list[CountRow] = Field(default_factory=list)
    by_district: list[CountRow] = Field(default_factory=list)
    highlights: list[str] = Field(default_factory=list, description="工作亮点, as staff wrote them.")


class PeriodicalIssue(BaseModel):
    """One issue of 《百姓提案》 for a period."""

    issue_no: int = Field(ge=1, description="期号")
    period_start: dt.date
    period_end: dt.date
    issue_date: dt.date
    editor: str = Field(default=DEFAULT_EDITOR, min_length=1, max_length=60)
    total_ideas: int | None = Field(default=None, ge=0, description="金点子 received in the period, if known.")
    hot_topics: list[HotTopic] = Field(default_factory=list)
    ideas: list[IdeaEntry] = Field(default_factory=list)
    work: WorkStats = Field(default_factory=WorkStats)
    editor_note: str = Field(default="", max_length=600, description="编者按, as staff wrote it.")
    report_to: str = Field(default=DEFAULT_REPORT_TO, max_length=200)
    distribute_to: str = Field(default=DEFAULT_DISTRIBUTE_TO, max_length=400)

    @model_validator(mode="after")
    def _period_in_order(self) -> PeriodicalIssue:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class DocumentFile(BaseModel):
    """A generated file ready for download."""

    filename: str
    media_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"DocumentFile({self.filename!r}, {len(self.data)} bytes)"


_FIELD_NAMES = {
    "citizen_name": "姓名", "idea_title": "提案（金点子）标题", "year": "评选年度", "award": "荣誉名称",
    "issuer": "颁发单位", "issue_date": "颁发日期", "certificate_no": "证书编号", "salutation": "称谓",
    "issue_no": "期号", "period_start": "统计起始日期", "period_end": "统计截止日期", "editor": "编印单位",
    "total_ideas": "金点子总数", "topic": "问题名称", "count": "件数", "summary": "摘要", "title": "标题",
    "status": "办理情况", "label": "名称", "editor_note": "编者按", "report_to": "报送范围",
    "distribute_to": "印发范围",
}


def parse_input(model: type[ModelT], data: Any) -> ModelT:
    """``model`` validated from ``data``; InputError naming the bad fields in Chinese instead of a traceback."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = next((_FIELD_NAMES[p] for p in reversed(err["loc"]) if isinstance(p, str) and p in _FIELD_NAMES),
                         "")
            if err["type"] == "value_error" and "period_end" in str(err.get("msg", "")):
                problems.append("统计截止日期早于起始日期")
            else:
                problems.append(f"{field or '某项内容'}填写有误")
        message = "生成文件所需的信息有误：" + "；".join(dict.fromkeys(problems)) + "。"
        raise InputError(message, str(exc)) from exc
