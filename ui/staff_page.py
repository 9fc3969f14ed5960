"""The staff (工作人员) page: queue and routing, clue import, duplicate clusters, hot topics.

Every handler checks the role server-side (``require_role(session, Role.STAFF)``; admins pass too) and is
wrapped by ``guarded`` so errors show as Chinese messages and inputs stay as typed.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.catalogue_page import build_catalogue_page
from ui.scheme_staff import (
    build_digest_tab,
    build_grading_tab,
    build_handling_tab,
    build_members_tab,
    build_selection_tab,
)
from ui.staff_import import build_import_tab
from ui.staff_insights import build_clusters_tab, build_hot_tab
from ui.staff_queue import build_queue_tab


def build_staff_page(container: Any, session: gr.State) -> None:
    """Add the staff page (ten sub-tabs) to the current Blocks context."""
    services = container.staff
    gr.Markdown(
        "工作人员专用：请先在页面上方以**工作人员**身份登录。可在此审查待办线索、批量导入线索、确认分办、"
        "归并重复线索（“1+N”联合办理）、查看民意热度，对线索分级、交办督办并登记答复，年度评选、编印《百姓提案》、"
        "统计委员履职，并维护承办单位目录。",
        elem_id="staff-intro",
    )
    with gr.Tabs(elem_id="staff-tabs"):
        with gr.Tab("待办队列", id="staff-queue", elem_id="staff-tab-queue"):
            build_queue_tab(container, services, session)
        with gr.Tab("批量导入线索", id="staff-import", elem_id="staff-tab-import"):
            build_import_tab(container, services, session)
        with gr.Tab("重复线索归并", id="staff-clusters", elem_id="staff-tab-clusters"):
            build_clusters_tab(container, services, session)
        with gr.Tab("民意热度", id="staff-hot", elem_id="staff-tab-hot"):
            build_hot_tab(container, services, session)
        with gr.Tab("分级与通道", id="staff-grading", elem_id="staff-tab-grading"):
            build_grading_tab(container, session)
        with gr.Tab("办理与督办", id="staff-handling", elem_id="staff-tab-handling"):
            build_handling_tab(container, session)
        with gr.Tab("年度评选", id="staff-selection", elem_id="staff-tab-selection"):
            build_selection_tab(container, session)
        with gr.Tab("《百姓提案》", id="staff-digest", elem_id="staff-tab-digest"):
            build_digest_tab(container, session)
        with gr.Tab("委员履职", id="staff-members", elem_id="staff-tab-members"):
            build_members_tab(container, session)
        with gr.Tab("承办单位目录", id="staff-catalogue", elem_id="staff-tab-catalogue"):
            build_catalogue_page(container, session)
