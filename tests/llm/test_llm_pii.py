"""PII masking: detection, stable placeholders, restoration (also in streams and nested results)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from assistant.llm.pii import PIIMasker
from assistant.llm.protocol import ChatMessage


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 13812345678",
        "+8613812345678",
        "0086-13812345678",
        "020-83838383",
        "020 83838383",
        "(020)87654321",
        "（020）87654321",
        "0755-12345678-123",
        "+86 20 12345678",
    ],
)
def test_phone_numbers_are_masked(value: str) -> None:
    masker = PIIMasker()
    masked = masker.mask(f"联系电话：{value}，谢谢")
    assert value not in masked
    assert "⟨PHONE_1⟩" in masked
    assert masker.unmask_text(masked) == f"联系电话：{value}，谢谢"


@pytest.mark.parametrize(
    "value", ["44010619900101123X", "440106199001011234", "44010619900101123x", "440106900101123"]
)
def test_id_card_numbers_are_masked(value: str) -> None:
    masker = PIIMasker()
    masked = masker.mask(f"身份证号{value}。")
    assert masked == "身份证号⟨IDCARD_1⟩。"


def test_emails_are_masked() -> None:
    masker = PIIMasker()
    masked = masker.mask("邮箱 li.si+gz@mail.example.com.cn 或 a_b@qq.com")
    assert PIIMasker().mask("邮箱a@b.cn谢谢") == "邮箱⟨EMAIL_1⟩谢谢"
    assert "@" not in masked
    assert masked == "邮箱 ⟨EMAIL_1⟩ 或 ⟨EMAIL_2⟩"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("我家住在天河区天河路385号，门口施工噪音大", "天河区天河路385号"),
        (
            "住址：广州市天河区中山大道西123号翠苑5栋2单元301室",
            "广州市天河区中山大道西123号翠苑5栋2单元301室",
        ),
        ("地址是越秀区北京街道文德路12号之一", "越秀区北京街道文德路12号之一"),
        ("本人住海珠区江南大道中88号。", "海珠区江南大道中88号"),
        ("我住翠竹小区3栋1202房，电梯常坏", "翠竹小区3栋1202房"),
        ("东山新村12栋3单元502室楼道堆物", "东山新村12栋3单元502室"),
    ],
)
def test_street_addresses_are_masked(text: str, address: str) -> None:
    masker = PIIMasker()
    masked = masker.mask(text)
    assert address not in masked
    assert masker.mapping["⟨ADDRESS_1⟩"] == address
    assert masker.unmask_text(masked) == text


@pytest.mark.parametrize(
    "text",
    [
        "建议在中山大道与天河路交叉口增设红绿灯",
        "地铁3号线早高峰太挤，建议加密班次",
        "黄埔大道沿线的公交站台需要遮雨棚",
        "2023年10月1日起实施，投资5000万元",
        "本人认为应该加快老旧小区改造",
        "我是黄埔区居民，建议增加社区食堂",
    ],
)
def test_public_places_and_ordinary_text_are_not_masked(text: str) -> None:
    assert PIIMasker().mask(text) == text


def test_known_names_and_name_patterns_are_masked() -> None:
    masker = PIIMasker(known_names=["王小明"])
    masked = masker.mask(
        "王小明建议……我叫李四今年60岁。本人陈大文，姓名：欧阳娜娜 联系人张三丰手机13900001111"
    )
    for name in ("王小明", "李四", "陈大文", "欧阳娜娜", "张三丰"):
        assert name not in masked
    assert "今年60岁" in masked  # the name pattern does not swallow the following words
    assert masker.unmask_text(masked).startswith("王小明建议")


def test_placeholders_are_stable_within_a_request() -> None:
    masker = PIIMasker()
    first = masker.mask("电话13812345678")
    second = masker.mask("再说一次：13812345678；另一个13900001111")
    assert first == "电话⟨PHONE_1⟩"
    assert second == "再说一次：⟨PHONE_1⟩；另一个⟨PHONE_2⟩"


def test_every_message_of_a_request_is_masked() -> None:
    masker = PIIMasker(known_names=["王小明"])
    messages = [
        ChatMessage("system", "系统"),
        ChatMessage("user", "王小明 13812345678"),
        ChatMessage("assistant", "收到 li@example.com"),
        ChatMessage("user", "上次的号码 13812345678 错了"),
    ]
    masked = masker.mask_messages(messages)
    joined = "\n".join(m.content for m in masked)
    for secret in ("王小明", "13812345678", "li@example.com"):
        assert secret not in joined
    assert [m.role for m in masked] == [m.role for m in messages]


class Inner(BaseModel):
    who: str
    tags: list[str]


class Outer(BaseModel):
    title: str
    inner: Inner
    extra: dict[str, str]
    count: int


def test_unmask_walks_models_dicts_lists_and_tolerates_changed_brackets() -> None:
    masker = PIIMasker(known_names=["王小明"])
    masker.mask("王小明 13812345678 a@b.cn")
    result = Outer(
        title="关于⟨NAME_1⟩的建议",
        inner=Inner(who="<PHONE_1>", tags=["【EMAIL_1】", "PHONE_1", "⟨PHONE_9⟩"]),
        extra={"k": "[NAME_1]"},
        count=3,
    )
    restored = masker.unmask(result)
    assert restored.title == "关于王小明的建议"
    assert restored.inner.who == "13812345678"
    assert restored.inner.tags == ["a@b.cn", "13812345678", "⟨PHONE_9⟩"]  # unknown placeholder kept
    assert restored.extra == {"k": "王小明"}
    assert restored.count == 3
    assert masker.unmask({"x": ("⟨NAME_1⟩", 1)}) == {"x": ("王小明", 1)}


def test_stream_unmasker_handles_placeholders_split_across_chunks() -> None:
    masker = PIIMasker(known_names=["王小明"])
    masker.mask("王小明 13812345678")
    unmasker = masker.stream_unmasker()
    chunks = ["提案人", "⟨NA", "ME_", "1⟩，电话⟨", "PHONE_1", "⟩。完"]
    out = "".join(unmasker.feed(c) for c in chunks) + unmasker.flush()
    assert out == "提案人王小明，电话13812345678。完"


def test_unmask_without_any_mapping_is_identity() -> None:
    assert PIIMasker().unmask_text("PHONE_1 ⟨NAME_1⟩") == "PHONE_1 ⟨NAME_1⟩"
