"""The JSON API (``/api/v1``) for the online channels (官网, 公众号, 穗协通, 穗好办 APP): an entry point like ``ui/``,
served by the same FastAPI application as the Gradio pages. The core never imports it."""
