"""Alembic, driven from code (no alembic.ini): upgrade, current revision, autogenerate diff.

Developers create a new revision against a database at head with::

    uv run python -m assistant.storage.migrate revision -m "add foo" [--url sqlite:///var/dev.db]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, DateTime, Engine, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError

from assistant.storage.db import make_engine, safe_url
from assistant.storage.errors import MigrationError
from assistant.storage.orm import Base
from assistant.storage.types import EnumText, JSONDoc, UTCDateTime

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render our TypeDecorators as plain SQLAlchemy types so migrations never import app code."""
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, JSONDoc):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), 'postgresql')"
    if isinstance(obj, EnumText):
        return f"sa.String(length={obj.length})"
    return False


def compare_type(context: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any) -> bool | None:
    """Compare our TypeDecorators by the type they become on the database's dialect."""
    dialect = context.dialect
    if isinstance(metadata_type, JSONDoc):
        return not isinstance(inspected_type, postgresql.JSONB if dialect.name == "postgresql" else JSON)
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, DateTime)
    if isinstance(metadata_type, EnumText):
        length = metadata_type.length
        return not (isinstance(inspected_type, String) and inspected_type.length == length)
    return None  # default comparison


def compare_options() -> dict[str, Any]:
    """Options shared by migrations and the "no pending diff" check."""
    return {
        "target_metadata": Base.metadata,
        "compare_type": compare_type,
        "render_item": render_item,
        "render_as_batch": True,  # SQLite needs batch mode for ALTER
    }


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at our migrations; with ``engine``, env.py uses that engine."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest revision id in the migrations folder."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise MigrationError(cause="no migration revisions found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration."""
    try:
        command.upgrade(alembic_config(engine), "head")
    except SQLAlchemyError as exc:
        raise MigrationError(cause=f"upgrade of {safe_url(engine.url)} failed: {type(exc).__name__}: {exc}") from exc


def pending_changes(engine: Engine) -> list[Any]:
    """Differences between the ORM models and the database (empty when the migrations are complete)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=compare_options())
        return list(compare_metadata(context, Base.metadata))


def main(argv: list[str] | None = None) -> None:
    """Tiny CLI: upgrade | current | revision -m MSG (autogenerate)."""
    parser = argparse.ArgumentParser(prog="python -m assistant.storage.migrate")
    parser.add_argument("command", choices=["upgrade", "current", "revision"])
    parser.add_argument("-m", "--message", default="change")
    parser.add_argument("--rev-id", default=None, help="revision id, e.g. 0002 (default: random)")
    parser.add_argument("--url", default=None, help="database URL (default: settings.database_url)")
    args = parser.parse_args(argv)
    if args.url is None:
        from assistant.settings import load_settings

        args.url = load_settings().database_url
    engine = make_engine(args.url)
    try:
        if args.command == "upgrade":
            upgrade_to_head(engine)
        elif args.command == "current":
            print(current_revision(engine))
        else:  # autogenerate against a database at head
            upgrade_to_head(engine)
            command.revision(alembic_config(engine), message=args.message, autogenerate=True, rev_id=args.rev_id)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
