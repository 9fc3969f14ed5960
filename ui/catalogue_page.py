"""Staff edit the handling-unit catalogue (stored in the database; routing uses it at once)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.routing.catalogue import DOMAINS, unit_to_dict
from assistant.storage.enums import Role
from ui.session import guarded, require_role

NEW_UNIT = "（新增单位）"
FIELDS = ("name", "short", "aliases", "functions", "keywords", "domains", "kind", "source")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", "、").replace(",", "、").split("、") if part.strip()]


def build_catalogue_page(container: Any, session: gr.State) -> None:
    """A unit picker and an edit form; saving checks the entry and reloads routing."""

    def editor() -> Any:
        return container.catalogue_editor  # built on first use: the router loads after the page is served
    gr.Markdown("修改承办单位的职能、关键词和服务领域后，分办建议立即按新目录计算。"
                "修改保存在数据库中；用 `baixing catalogue export 目录` 可导出为 YAML。")
    with gr.Row():
        picker = gr.Dropdown(label="承办单位", choices=[NEW_UNIT], value=None, elem_id="catalogue-picker", scale=3)
        refresh = gr.Button("刷新列表", elem_id="catalogue-refresh", scale=1)
    name = gr.Textbox(label="正式名称", elem_id="catalogue-name")
    short = gr.Textbox(label="简称")
    aliases = gr.Textbox(label="别名（用“、”分隔）")
    functions = gr.Textbox(label="主要职能", lines=4)
    keywords = gr.Textbox(label="关键词（用“、”分隔）", elem_id="catalogue-keywords")
    domains = gr.CheckboxGroup(choices=list(DOMAINS), label="服务领域（一级分类）")
    with gr.Row():
        kind = gr.Textbox(label="类型（政府部门、群团组织……）")
        source = gr.Textbox(label="职能来源")
    with gr.Row():
        save = gr.Button("保存", variant="primary", elem_id="catalogue-save")
        remove = gr.Button("删除该单位", variant="stop", elem_id="catalogue-remove")
    status = gr.Markdown(elem_id="catalogue-status")
    form = [name, short, aliases, functions, keywords, domains, kind, source]

    @guarded(container, "catalogue list")
    def list_units(user: Any) -> Any:
        require_role(user, Role.STAFF)
        return gr.update(choices=[NEW_UNIT, *editor().catalogue(user).unit_names()])

    @guarded(container, "catalogue open")
    def open_unit(user: Any, choice: str | None) -> list[Any]:
        require_role(user, Role.STAFF)
        unit = editor().catalogue(user).unit(choice or "")
        if unit is None:
            return ["", "", "", "", "", [], "", ""]
        data = unit_to_dict(unit)
        return [data["name"], data["short"], "、".join(data["aliases"]), data["functions"],
                "、".join(data["keywords"]), data["domains"], data["kind"], data["source"]]

    @guarded(container, "catalogue save")
    def save_unit(user: Any, *values: Any) -> tuple[str, Any]:
        staff = require_role(user, Role.STAFF)
        entry = dict(zip(FIELDS, values, strict=True))
        entry["aliases"], entry["keywords"] = _split(entry["aliases"]), _split(entry["keywords"])
        unit = editor().save_unit(staff, entry)
        names = [NEW_UNIT, *editor().catalogue(user).unit_names()]
        return f"已保存“{unit.name}”，分办建议已按新目录计算。", gr.update(choices=names, value=unit.name)

    @guarded(container, "catalogue remove")
    def remove_unit(user: Any, unit_name: str) -> tuple[str, Any]:
        require_role(user, Role.STAFF)
        if not editor().remove_unit(user, unit_name):
            return f"目录中没有“{unit_name}”。", gr.update()
        names = [NEW_UNIT, *editor().catalogue(user).unit_names()]
        return f"已删除“{unit_name}”。", gr.update(choices=names, value=None)

    refresh.click(list_units, inputs=[session], outputs=[picker])
    picker.focus(list_units, inputs=[session], outputs=[picker])
    picker.input(open_unit, inputs=[session, picker], outputs=form)
    save.click(save_unit, inputs=[session, *form], outputs=[status, picker])
    remove.click(remove_unit, inputs=[session, name], outputs=[status, picker])
