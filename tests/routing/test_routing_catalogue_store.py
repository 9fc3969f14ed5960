"""The catalogue kept in the database: seeded from YAML, edited by staff, exported back, used by the router."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from assistant.accounts import LOCAL_OPERATOR
from assistant.errors import InputError
from assistant.routing.catalogue import load_catalogue, unit_from_dict, unit_to_dict
from assistant.routing.catalogue_store import CatalogueStore
from assistant.routing.engine import OfflineRouter
from assistant.routing.spec import RoutingPart
from assistant.storage.catalogue_entries import CatalogueEntryStore
from assistant.storage.db import Database, open_database
from tests.fixtures.postgres import fresh_pg_database, require_pg_url
from tests.support import SHIPPED

CATALOGUE_DIR = SHIPPED.catalogues_dir


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CatalogueStore]:
    """A store over an empty database migrated to head (SQLite and PostgreSQL)."""

    def opened(url: str) -> Iterator[CatalogueStore]:
        database: Database = open_database(url)
        try:
            yield CatalogueStore(CatalogueEntryStore(database), CATALOGUE_DIR)
        finally:
            database.dispose()

    if request.param == "sqlite":
        yield from opened(f"sqlite:///{tmp_path / 'cat.db'}")
        return
    with fresh_pg_database(require_pg_url()) as url:
        yield from opened(url)


def test_seed_copies_the_yaml_units_once_in_file_order(store: CatalogueStore) -> None:
    files = load_catalogue(CATALOGUE_DIR)
    assert store.seed() == len(files.units) + len(files.committees)
    assert store.seed() == 0
    loaded = store.load()
    assert loaded.unit_names() == files.unit_names()
    assert loaded.units == files.units and loaded.committees == files.committees
    assert loaded.channels == files.channels


def test_staff_edit_is_kept_and_checked(store: CatalogueStore) -> None:
    unit = unit_to_dict(load_catalogue(CATALOGUE_DIR).unit("广州市交通运输局"))
    unit["keywords"] = [*unit["keywords"], "共享单车停放"]
    store.save_unit(unit, user_id=None)
    assert "共享单车停放" in store.load().unit("广州市交通运输局").keywords

    with pytest.raises(InputError, match="一级分类"):
        store.save_unit({**unit, "domains": ["火星事务"]})
    with pytest.raises(InputError, match="名称和职能"):
        store.save_unit({"name": "广州市新单位"})
    new = {"name": "广州市测试服务中心", "functions": "负责测试。", "domains": ["民政"], "keywords": ["测试"]}
    store.save_unit(new)
    assert store.load().unit_names()[-1] == "广州市测试服务中心"
    assert store.remove_unit("广州市测试服务中心") is True
    assert store.load().unit("广州市测试服务中心") is None


def test_export_then_import_round_trips(store: CatalogueStore, tmp_path: Path) -> None:
    unit = unit_to_dict(load_catalogue(CATALOGUE_DIR).unit("广州市教育局"))
    store.save_unit({**unit, "functions": unit["functions"] + "统筹校园午餐配送管理。"})
    out = tmp_path / "exported"
    written = {p.name for p in store.export_files(out)}
    assert written == {"units.yaml", "committees.yaml", "routing_channels.yaml"}
    doc = yaml.safe_load((out / "units.yaml").read_text(encoding="utf-8"))
    edu = next(u for u in doc["units"] if u["name"] == "广州市教育局")
    assert edu["functions"].endswith("统筹校园午餐配送管理。")

    store.import_files(CATALOGUE_DIR)
    assert not store.load().unit("广州市教育局").functions.endswith("统筹校园午餐配送管理。")
    store.import_files(out)
    assert store.load().unit("广州市教育局").functions.endswith("统筹校园午餐配送管理。")


def test_router_follows_an_edited_catalogue(router: OfflineRouter) -> None:
    text = "建议在各个公园里设置萤火虫栖息保护区，夜间关闭景观灯，保护萤火虫。"
    service = RoutingPart(router)
    before = service.offline(text)
    catalogue = router.catalogue
    unit = unit_to_dict(catalogue.unit("广州市气象局"))
    unit["keywords"] = ["萤火虫", "萤火虫栖息", "景观灯", "夜间关闭景观灯"]
    unit["functions"] = "负责萤火虫栖息地保护和景观灯夜间管理。" + unit["functions"]
    units = tuple(unit_from_dict(unit) if u.name == "广州市气象局" else u for u in catalogue.units)
    edited = dataclasses.replace(catalogue, units=units)
    service.use_catalogue(edited)
    after = service.offline(text)
    assert before.units[0].name != "广州市气象局"
    assert after.units[0].name == "广州市气象局"
    assert "萤火虫" in after.units[0].reason
    assert [u.role for u in after.units] == ["主办", "协办", "协办"]


def test_editor_hands_every_change_to_routing(store: CatalogueStore) -> None:
    from assistant.routing.catalogue_store import CatalogueEditor

    seen: list[list[str]] = []
    editor = CatalogueEditor(store, lambda catalogue: seen.append(catalogue.unit_names()))
    editor.save_unit(LOCAL_OPERATOR, {"name": "广州市测试服务中心", "functions": "负责测试。", "domains": ["民政"]})
    assert seen[-1][-1] == "广州市测试服务中心"
    assert editor.remove_unit(LOCAL_OPERATOR, "广州市测试服务中心") is True
    assert "广州市测试服务中心" not in seen[-1]
    assert editor.remove_unit(LOCAL_OPERATOR, "不存在的单位") is False and len(seen) == 2
