"""The Chinese fonts the PDFs embed and the chart draws with: Noto Serif SC and Noto Sans SC (SIL OFL 1.1).

They come from the data-only PyPI package ``pylopdf-fonts-zh-cn`` (subset OTFs of notofonts/noto-cjk, CFF
outlines, about 31,000 glyphs each), so a fresh machine needs no system fonts and no download at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from assistant.errors import ConfigError

SERIF = "serif"
SANS = "sans"


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """Paths of the embedded fonts; ConfigError when the font package is missing."""
    try:
        import pylopdf_fonts_zh_cn as fonts
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ConfigError("生成 PDF 需要中文字体包 pylopdf-fonts-zh-cn，请先安装依赖（uv sync）。", str(exc)) from exc
    paths = {SERIF: fonts.serif_path(), SANS: fonts.sans_path()}
    for path in paths.values():
        if not path.is_file():
            raise ConfigError("中文字体文件缺失，请重新安装依赖（uv sync）。", str(path))
    return paths
