"""Alembic environment: runs against the engine handed over in ``config.attributes["engine"]``."""

from __future__ import annotations

from alembic import context

from assistant.storage.migrate import compare_options


def run_migrations() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations through assistant.storage.migrate (no engine given)")
    with engine.connect() as connection:
        context.configure(connection=connection, **compare_options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations()
