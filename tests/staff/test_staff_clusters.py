"""Duplicate clusters ("1+N") over ideas and real past items."""

from __future__ import annotations

from typing import Any

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.staff import StaffServices
from assistant.storage.repositories import IdeaRepository
from tests.staff.conftest import add_items


def test_known_reposts_form_one_cluster(
    staff: StaffServices, database: Any, shipped_items: dict[str, Any], duplicate_case: dict[str, Any]
) -> None:
    members = sorted({*duplicate_case["exclude"], *duplicate_case["relevant"]})
    others = [r for k, r in list(shipped_items.items())[:60] if k not in members]
    add_items(database, [shipped_items[k] for k in members] + others)

    report = staff.clusters.clusters(OP)
    found = [c for c in report.clusters if c.lead.ref in members]
    assert len(found) == 1, "the labelled reposts are one cluster"
    cluster = found[0]
    assert sorted([cluster.lead.ref, *(m.ref for m in cluster.related)]) == members
    assert cluster.lead.is_lead and cluster.lead.date == min(shipped_items[k]["time"][:10] for k in members)
    assert all(0.7 <= m.similarity <= 1.0 for m in cluster.related)
    assert report.items == len(members) + len(others) and report.threshold == 0.7


def test_an_idea_joins_the_cluster_of_the_item_it_repeats_and_leads_it(
    staff: StaffServices, database: Any, shipped_items: dict[str, Any], duplicate_case: dict[str, Any]
) -> None:
    target = shipped_items[duplicate_case["relevant"][0]]
    add_items(database, [target, *list(shipped_items.values())[:20]])
    with database.session() as session:
        repo = IdeaRepository(session)
        repo.create(target["text"], title=target["title"], status="screened")
        repo.create("建议在地铁站出口增设共享单车停放区，方便市民换乘。", status="screened")

    report = staff.clusters.clusters(OP, only_with_ideas=True)
    assert report.total == 1
    cluster = report.clusters[0]
    assert cluster.lead.kind == "idea" and cluster.related[0].ref == target["id"]
    assert staff.clusters.clusters(OP, with_items=False).total == 0
