"""The unit, committee and channel catalogues load, are consistent, and map reply names to units."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.routing.catalogue import DOMAINS, load_catalogue
from assistant.routing.items import reply_units
from tests.support import shipped_catalogue


def test_catalogue_has_enough_units_with_valid_domains() -> None:
    cat = shipped_catalogue()
    assert len(cat.units) >= 45
    assert all(u.functions and u.keywords and u.domains and u.source for u in cat.units)
    assert {d for u in cat.units for d in u.domains} <= set(DOMAINS)
    assert cat.unit("市住房城乡建设局").name == "广州市住房和城乡建设局"


def test_committees_and_three_channels() -> None:
    cat = shipped_catalogue()
    names = {c.name for c in cat.committees}
    assert {"提案委员会", "经济委员会", "人口资源环境委员会", "教科卫体委员会"} <= names
    assert cat.default_committee in names
    assert [c.name for c in cat.channels] == ["深化培育", "重要协商成果“直通车”", "摘编社情民意信息"]


def test_masked_reply_names_map_to_catalogue_units() -> None:
    cat = shipped_catalogue()
    reply = "经A市住房和城乡建设局会同市城管局调查核实，现答复如下……"
    named = [cat.units[i].name for i in reply_units(reply, cat)]
    assert named == ["广州市住房和城乡建设局", "广州市城市管理和综合执法局"]


def test_unknown_domain_is_rejected(tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[2] / "corpus" / "catalogues"
    for name in ("committees.yaml", "routing_channels.yaml"):
        (tmp_path / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "units.yaml").write_text(
        "units:\n  - name: 测试局\n    functions: 测试。\n    domains: [不存在的领域]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError):
        load_catalogue(tmp_path)
