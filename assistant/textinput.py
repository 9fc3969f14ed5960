"""Checks on text and files that users hand in, with readable Chinese messages."""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import InputError

_ENCODINGS = ("utf-8-sig", "gb18030")
MIN_SUBSTANCE_CHARS = 6
"""Texts with fewer letters/digits/characters than this are refused as too short to judge."""
_WORD_CHARS = re.compile(r"[^\W_]")
RAW_LENGTH_FACTOR = 2
RAW_LENGTH_SLACK = 1000
"""A text longer than ``max_chars * 2 + 1000`` before cleaning is refused without cleaning it."""


def decode_bytes(data: bytes, what: str = "文件") -> str:
    """Decode uploaded bytes as UTF-8 (with or without BOM) or GB18030; refuse binary data."""
    if not data:
        raise InputError(f"{what}是空的，请检查后重新上传。", "empty file")
    if b"\x00" in data[:8192]:
        raise InputError(f"{what}看起来不是文本文件（含二进制内容），请上传 UTF-8 或 GBK 编码的文本。", "NUL byte")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{what}的文字编码无法识别，请另存为 UTF-8 编码后再上传。", "not utf-8/gb18030")


def clean_text(text: str | None, max_chars: int, what: str = "内容") -> str:
    """Normalise a user's text and check it is usable: not empty, not binary, not too long."""
    if text is None:
        raise InputError(f"请填写{what}。", "None")
    if not isinstance(text, str):
        raise InputError(f"{what}格式不正确，请粘贴纯文本。", f"not a str: {type(text).__name__}")
    if len(text) > max_chars * RAW_LENGTH_FACTOR + RAW_LENGTH_SLACK:  # refuse before copying a huge text
        raise InputError(
            f"{what}太长了（超过 {max_chars} 字），请精简到 {max_chars} 字以内，或分成几条分别提交。",
            f"raw length {len(text)}",
        )
    if "\x00" in text:
        raise InputError(f"{what}含有无法识别的二进制字符，请粘贴纯文本。", "NUL char")
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(ch for ch in normalised if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if not cleaned:
        raise InputError(f"请填写{what}，目前是空的。", "blank")
    if len(cleaned) > max_chars:
        raise InputError(
            f"{what}太长了（{len(cleaned)} 字），请精简到 {max_chars} 字以内，或分成几条分别提交。",
            f"{len(cleaned)} > {max_chars}",
        )
    return cleaned


def require_substance(text: str, min_chars: int = MIN_SUBSTANCE_CHARS) -> str:
    """Refuse a text with fewer than ``min_chars`` letters, digits or characters (nothing to judge)."""
    if len(_WORD_CHARS.findall(text)) < min_chars:
        raise InputError(
            f"内容太短，无法判断。请至少用一两句话（{min_chars} 个字以上）说明您发现的问题和想法。", "too short"
        )
    return text
