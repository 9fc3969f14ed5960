"""Personal data out of the body (offered for 提出者), and the one claim checker for both engines."""

from __future__ import annotations

import pytest

from assistant.cultivation.claims import Evidence, check_claims, enforce_claims
from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import DraftProposal, DraftRequest, Reference
from assistant.cultivation.privacy import extract_personal_data, public_place
from assistant.cultivation.validator import enforce, hard_violations, validate

CHEN = ("我是陈秀英，住在海珠区江南大道中123号，我们这边的人行道被共享单车占满了，老人推着轮椅只能走到马路上，"
        "建议在江南大道中这一段划定非机动车停放区。电话13926481357。")


@pytest.fixture(scope="module")
def drafter() -> OfflineDrafter:
    return OfflineDrafter()


def test_personal_data_is_taken_out_and_offered_for_the_proposer(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea=CHEN))
    body = draft.title + "".join(draft.analysis + draft.suggestions)
    for value in ("陈秀英", "123号", "13926481357"):
        assert value not in body
    assert "江南大道中" in body  # the public place stays: it says where the problem is
    assert draft.extracted is not None
    assert (draft.extracted.name, draft.extracted.phone) == ("陈秀英", "13926481357")
    assert draft.extracted.address == "海珠区江南大道中123号"
    assert "个人信息" in draft.privacy_notice and "提出者" in draft.privacy_notice
    assert not hard_violations(draft)


@pytest.mark.parametrize(
    ("text", "values", "contact"),
    [
        ("本人叫李国栋，身份证440106196503124218，"
         "退休工人。建议退休手续一窗办理。", ["李国栋", "440106196503124218"], ""),
        ("粤A8K923这辆白色面包车天天停在消防栓前。我的微信号是lucky_guangzhou2020。",
         ["粤A8K923", "lucky_guangzhou2020"],
         "微信号"),
        ("我叫吴美玲，住番禺区市桥街大北路76号2栋1203房。联系邮箱wml8899@qq.com，QQ号12345678。",
         ["吴美玲", "76号", "1203房", "wml8899@qq.com", "12345678"], "QQ号"),
    ],
)
def test_every_kind_of_personal_datum_leaves_the_text(text: str, values: list[str], contact: str) -> None:
    result = extract_personal_data(text)
    for value in values:
        assert value not in result.text, (value, result.text)
    assert result.found
    if contact:
        assert any(contact in c for c in result.contacts)


def test_public_place_keeps_district_and_road() -> None:
    assert public_place("海珠区江南大道中123号") == "海珠区江南大道中"
    assert public_place("天河区龙口西路88号3栋502房") == "天河区龙口西路"


def test_validator_rejects_a_body_with_personal_data() -> None:
    draft = DraftProposal(title="关于增设候车亭的“百姓提案”", analysis=["据提出人反映，其微信号是gz_lin1975。"],
                          suggestions=["建议广州市交通运输局在粤A3C5X8常停的站点增设候车亭。"])
    assert {v.code for v in validate(draft)} >= {"pii"}
    fixed = enforce(draft)
    assert "gz_lin1975" not in "".join(fixed.analysis) and "粤A3C5X8" not in "".join(fixed.suggestions)


IDEA = "学校门口放学时电动车乱停，小孩过马路很危险，建议设置家长接送区。"


def evidence(**kw: object) -> Evidence:
    return Evidence.build(IDEA, units=["广州市公安局"], **kw)  # type: ignore[arg-type]


def draft_with(*analysis: str, suggestions: tuple[str, ...] = ("建议广州市公安局设置家长接送区。",)) -> DraftProposal:
    return DraftProposal(title="关于在学校门口设置家长接送区的“百姓提案”", analysis=list(analysis),
                         suggestions=list(suggestions))


def test_supported_statements_pass() -> None:
    report = check_claims(draft_with("据提出人反映，学校门口放学时电动自行车乱停，儿童过马路很危险。"), evidence())
    assert report.ok, report.summary()


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("《中华人民共和国商业银行法》第三十六条对此已有规定。", "document"),
        ("《汕头市市容和环境卫生管理条例》要求学校周边设置接送区。", "document"),
        ("每天约有300名学生在此上下学。", "number"),
        ("天河区已有学校设置了接送区。", "place"),
        ("从往期群众留言看，同类问题曾多次被反映。", "stock"),
        ("A市K2区的做法值得借鉴。", "place"),
        ("广州市教育局已要求各校落实。", "institution"),
        ("根据规定，学校应当负责门口秩序。", "legal"),
    ],
)
def test_unsupported_claims_are_flagged_and_removed(sentence: str, kind: str) -> None:
    honest = "据提出人反映，学校门口放学时电动自行车乱停。"
    draft = draft_with(honest + sentence)
    report = check_claims(draft, evidence())
    assert not report.ok and kind in {c.kind for c in report.unsupported}, report.summary()
    fixed = enforce_claims(draft, evidence())
    assert fixed.analysis == [honest] and any("没有依据" in n for n in fixed.notes)


def test_a_cited_guangzhou_source_and_the_system_count_support_claims() -> None:
    law = Reference(doc_id="p1", kind="policy", title="广州市学校安全管理条例",
                    citation="《广州市学校安全管理条例》第十条",
                    text="学校周边道路应当设置交通安全设施。", jurisdiction="广州市", applies_to_guangzhou=True)
    other = law.model_copy(update={"doc_id": "p2", "title": "汕头市学校安全管理条例", "jurisdiction": "外地",
                                   "applies_to_guangzhou": False, "citation": "《汕头市学校安全管理条例》第十条"})
    draft = draft_with("《广州市学校安全管理条例》第十条规定：“学校周边道路应当设置交通安全设施。”",
                       "《汕头市学校安全管理条例》第十条规定：“学校周边道路应当设置交通安全设施。”",
                       "本平台已收到同类金点子12条。")
    report = check_claims(draft, evidence(references=[law, other], duplicate_count=12))
    bad = {c.text for c in report.unsupported}
    assert bad == {"《汕头市学校安全管理条例》"}, report.summary()
