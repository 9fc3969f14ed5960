"""Page styling: phone-first layout, touch-sized controls and the 大字版 / 高对比度 (elderly-friendly) switch.

Phones (≤ 640 px): nothing may be wider than the screen (Gradio's flex containers default to ``min-width: auto``,
which let the role tabs push the page to ~660 px); the role tabs that do not fit collapse into Gradio's own
overflow menu, labelled 「切换身份」; buttons, inputs, accordion heads and menu items are at least 44 px high.

大字版 follows the 适老化 web design guidance (larger base font, high-contrast text, larger controls): a class on
``<body>`` switched by :data:`LARGE_TOGGLE_JS` in the browser only, remembered in ``localStorage``.
"""

from __future__ import annotations

LARGE_CLASS = "bx-large"
STORAGE_KEY = "bx-large-text"
TOUCH_PX = 44

CSS = f"""
/* margin:auto in a flex column shrinks the container to its content's max-content width: pin it to the page */
.gradio-container {{width: 100% !important; max-width: min(1200px, 100vw) !important; margin: auto;
  box-sizing: border-box;}}
/* flex items default to min-width:auto: the role tabs' row would widen the whole page on a phone */
.gradio-container, .gradio-container .main, .gradio-container .wrap, .gradio-container .contain,
.gradio-container .tabs, .gradio-container .tab-wrapper, .gradio-container .tab-container {{min-width: 0 !important;}}
#a11y-large {{max-width: 24em;}}
/* Gradio keeps media rules only in its scoped copy (".gradio-container-<v> .contain <selector>"): no prefix here */
@media (max-width: 640px) {{
  button, .tab-container button, .overflow-dropdown button {{min-height: {TOUCH_PX}px;}}
  input[type=text], input[type=password], input[type=number], input:not([type]), textarea {{
    min-height: {TOUCH_PX}px; font-size: 16px;}}
  input[type=checkbox] {{width: 24px; height: 24px;}}
  label:has(input[type=checkbox]) {{min-height: {TOUCH_PX}px; align-items: center;}}
  .label-wrap {{min-height: {TOUCH_PX}px; align-items: center;}}
  .overflow-menu > button {{padding: 0 10px; border: 1px solid var(--border-color-primary); border-radius: 8px;}}
  .overflow-menu > button::after {{content: "切换身份"; margin-left: 4px; font-size: 15px;}}
  .overflow-dropdown button {{width: 100%; text-align: left; font-size: 16px;}}
  .prose table {{display: block; overflow-x: auto;}}
}}
/* 大字版 / 高对比度 */
body.{LARGE_CLASS} .gradio-container {{
  --text-xxs: 16px; --text-xs: 18px; --text-sm: 18px; --text-md: 20px; --text-lg: 22px; --text-xl: 26px;
  --text-xxl: 30px; --prose-text-size: 20px; --block-label-text-size: 18px; --block-info-text-size: 18px;
  --input-text-size: 20px; --button-large-text-size: 22px; --button-medium-text-size: 20px;
  --button-small-text-size: 18px; --section-header-text-size: 20px; --checkbox-label-text-size: 20px;
  --body-text-color: #000; --body-text-color-subdued: #1a1a1a; --block-label-text-color: #000;
  --block-title-text-color: #000; --input-placeholder-color: #444; --link-text-color: #0033aa;
  --border-color-primary: #333; --input-border-color: #333; --block-border-color: #333;
  --button-primary-background-fill: #003f8f; --button-primary-background-fill-hover: #002a60;
  --button-primary-text-color: #fff; --button-secondary-background-fill: #fff; --button-secondary-text-color: #000;
  --button-secondary-border-color: #000;
  font-size: 20px; color: #000; background: #fff;
}}
body.{LARGE_CLASS} .gradio-container .prose, body.{LARGE_CLASS} .gradio-container .prose * {{color: #000;}}
body.{LARGE_CLASS} .gradio-container .prose {{font-size: 20px; line-height: 1.7;}}
body.{LARGE_CLASS} .gradio-container textarea,
body.{LARGE_CLASS} .gradio-container input {{font-size: 20px !important;}}
body.{LARGE_CLASS} .gradio-container button {{min-height: 52px !important; font-size: 20px !important;}}
body.{LARGE_CLASS} .gradio-container label span, body.{LARGE_CLASS} .gradio-container [data-testid=block-info],
body.{LARGE_CLASS} .gradio-container .label-wrap span {{font-size: 18px !important; color: #000 !important;}}
body.{LARGE_CLASS} .gradio-container .tab-container button {{color: #000 !important;}}
body.{LARGE_CLASS} .gradio-container .tab-container button.selected {{color: #003f8f !important; font-weight: 700;}}
body.{LARGE_CLASS} .gradio-container input[type=checkbox] {{width: 28px; height: 28px;}}
"""

MENU_LABEL_JS = """
() => {
  const name = () => document.querySelectorAll('.overflow-menu > button').forEach(b => {
    b.setAttribute('aria-label', '切换身份'); b.setAttribute('title', '切换身份'); });
  name(); new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
}
"""
"""Gradio's overflow-menu button is labelled "More tabs": name it in Chinese for screen readers."""

TOAST_ZH_JS = """
() => {
  const zh = {Error: "提示", Warning: "注意", Info: "消息", Success: "完成"};
  const fix = () => document.querySelectorAll('.toast-title').forEach(t => {
    const walker = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const word = n.nodeValue.trim();
      if (zh[word]) n.nodeValue = n.nodeValue.replace(word, zh[word]);
    }
  });
  fix(); new MutationObserver(fix).observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""
"""Gradio's message boxes are headed by their type in English ("Error"), whatever ``gr.Error(title=...)`` says:
head them in Chinese."""

LARGE_TOGGLE_JS = f"""
(on) => {{
  document.body.classList.toggle('{LARGE_CLASS}', !!on);
  try {{ localStorage.setItem('{STORAGE_KEY}', on ? '1' : '0'); }} catch (e) {{}}
  return on;
}}
"""
"""Switch 大字版 on or off in the page and remember it (no server round trip)."""

LARGE_RESTORE_JS = f"""
() => {{
  let on = false;
  try {{ on = localStorage.getItem('{STORAGE_KEY}') === '1'; }} catch (e) {{}}
  document.body.classList.toggle('{LARGE_CLASS}', on);
  ({MENU_LABEL_JS.strip()})();
  ({TOAST_ZH_JS.strip()})();
  return on;
}}
"""
"""On page load: restore the remembered 大字版 choice (returns the checkbox value), name the tab menu in
Chinese and head message boxes in Chinese."""
