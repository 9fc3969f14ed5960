"""``baixing serve``: one FastAPI application on one port — the JSON API (``/api/v1``, ``/healthz``) and the Gradio
pages mounted at ``/`` — with owner-only files, a private temp folder that is swept, and expired login sessions
purged now and then."""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta
from typing import Any

from assistant.container import Container
from assistant.security.files import TempSweeper, gradio_temp_dir

log = logging.getLogger("baixing.serve")
HOUSEKEEPING_S = 600.0


def build_server(container: Container) -> Any:
    """The FastAPI application serving the API and the pages over ``container``."""
    os.environ["GRADIO_TEMP_DIR"] = str(gradio_temp_dir(container.settings.data_dir))  # before gradio builds
    from api.app import create_app
    from ui.app import mount_ui

    return mount_ui(create_app(container), container)


class Housekeeping:
    """A daemon thread that deletes expired login sessions and stale throttle counters every ``every_s``."""

    def __init__(self, container: Container, every_s: float = HOUSEKEEPING_S) -> None:
        self.container = container
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="baixing-housekeeping", daemon=True)

    def start(self) -> Housekeeping:
        """Start the thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                now = self.container.sessions.clock()
                self.container.sessions.purge()
                self.container.auth_store.purge_throttle(now - timedelta(days=1))
            except Exception:  # housekeeping must never stop the server
                log.warning("housekeeping failed", exc_info=True)


def serve(container: Container, host: str | None = None, port: int | None = None) -> int:
    """Build the index if needed, create the first accounts, then serve until interrupted."""
    import uvicorn

    settings = container.settings
    container.ensure_index(progress=True)
    accounts_file = container.accounts.ensure_initial_accounts(settings.data_dir)
    if accounts_file is not None:
        print(f"已创建初始账号（委员、工作人员、评估人员、管理员），用户名和密码见：{accounts_file}")
    print("正在加载模型和索引……", flush=True)
    container.warm_up()
    app = build_server(container)
    sweeper = TempSweeper(settings.data_dir, settings.security.temp_max_age_minutes).start()
    housekeeping = Housekeeping(container).start()
    # The hot-topics analysis of the shipped items takes ~20 s the first time, so a low-priority child process
    # does it before a staff member asks.
    from baixing.warm import start_hot_topics_warmup

    start_hot_topics_warmup(settings)
    bind_host, bind_port = host or settings.ui.host, port or settings.ui.port
    print(f"网页：http://{bind_host}:{bind_port}/　接口：http://{bind_host}:{bind_port}/api/v1/docs", flush=True)
    try:
        # X-Forwarded-For is handled by the app (security.trusted_proxies), never by uvicorn's own rewriting.
        uvicorn.run(app, host=bind_host, port=bind_port, proxy_headers=False, server_header=False,
                    log_level="info", timeout_graceful_shutdown=10)
    finally:
        sweeper.stop()
        housekeeping.stop()
    return 0
